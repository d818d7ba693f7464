//! `herald completions SHELL`: the shell's completion script for herald (clap_complete),
//! on standard output.

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, EXIT_OK, Output};

/// The arguments of `herald completions`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// `herald completions SHELL`: the script.
pub fn command(a: &Args) -> Output {
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut Cli::command(), "herald", &mut buf);
    let mut o = Output::default();
    o.out(&String::from_utf8_lossy(&buf));
    o.exit(EXIT_OK)
}
