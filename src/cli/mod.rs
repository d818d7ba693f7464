//! The command line: arguments, the commands (one file each), exit codes, and the dispatcher.
//!
//! Every command is a library function that returns what it would print as an [`Output`]
//! (text for standard output and standard error, in order, and the exit code); nothing
//! here prints. Files and standard input are read through [`Env::files`], whether standard
//! output and standard error are terminals is said by [`Env`], and long computations report
//! their progress to [`Env::progress`]. `src/main.rs` fills an `Env` from the process, calls
//! [`run_args`] and writes the output; a test or a browser playground can do the same with
//! files in memory ([`Memory`]) and no terminal ([`Env::plain`]).

pub mod analyze;
pub mod check;
pub mod completions;
pub mod explore;
pub mod files;
pub mod fmt;
mod input;
pub mod lsp;
pub mod merge;
mod output;
pub mod progress;
pub mod run;
pub mod sweep;
pub mod test;

use std::ffi::OsString;
use std::sync::Arc;

use clap::builder::PossibleValue;
use clap::{Parser, Subcommand, ValueEnum};

pub use crate::report::Format;
pub use files::{Disk, Files, Kind, Memory};
pub use output::{Output, Stream};
#[cfg(feature = "terminal")]
pub use progress::Bars;
pub use progress::Progress;

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: expectations failed (`herald test`), or a file is not formatted (`fmt --check`).
pub const EXIT_FAILED: i32 = 1;
/// Exit code: bad command-line usage (clap's own).
pub const EXIT_USAGE: i32 = 2;
/// Exit code: the scenario is invalid or unreadable.
pub const EXIT_INVALID: i32 = 3;
/// Exit code: a run stopped at a limit (too many events, an arithmetic error).
pub const EXIT_LIMIT: i32 = 4;

/// herald: scenarios of the Two Generals Problem, run and explained.
#[derive(Parser, Debug)]
#[command(name = "herald", version, about, long_about = None)]
pub struct Cli {
    /// When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

/// Colour choice.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a scenario once: the timeline, each decision and why, the outcome.
    Run(run::Args),
    /// Exact outcome probabilities: every random choice enumerated, identical states merged,
    /// with the most likely run to each outcome, explained.
    Analyze(analyze::Args),
    /// The adversary's view: every probabilistic loss and every delay is a choice; which
    /// outcomes are possible (with the shortest run to each) and which are not.
    Explore(explore::Args),
    /// Outcome probabilities as one param varies: a table, a chart in the terminal, and
    /// optionally an SVG chart.
    Sweep(sweep::Args),
    /// Check every `expect` of the scenarios, and compare their runs with the golden files
    /// beside them (`NAME.golden.txt`, `NAME.golden.yaml`, `NAME.golden.mmd`).
    Test(test::Args),
    /// Parse and check scenarios: errors and warnings, nothing run.
    Check(check::Args),
    /// Merge the parts written by `--shard K/M` (of `run --trials` or `sweep`) into the
    /// report the whole work writes on one machine.
    Merge(merge::Args),
    /// Rewrite scenario files in the canonical layout, comments kept.
    Fmt(fmt::Args),
    /// A language server for editors, on standard input and output (see README, "Editor
    /// support").
    Lsp(lsp::Args),
    /// Print the shell's completion script: bash, zsh, fish, elvish or powershell.
    Completions(completions::Args),
}

/// The report formats, as `--format` spells them.
impl ValueEnum for Format {
    fn value_variants<'a>() -> &'a [Self] {
        &[Format::Text, Format::Yaml, Format::Json, Format::Mermaid]
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.name()))
    }
}

/// A pair of flags, one for standard output and one for standard error.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Streams {
    pub stdout: bool,
    pub stderr: bool,
}

/// What a command may use of the world around it: files, terminals, live progress.
pub struct Env<'a> {
    /// Where scenario files, replays and standard input are read, and files written.
    pub files: &'a dyn Files,
    /// Which streams are terminals: `--color auto` colours reports only when standard output
    /// is one, and diagnostics are coloured only when standard error is one.
    pub terminal: Streams,
    /// `NO_COLOR` is set (and not empty): `--color auto` means no colour.
    pub no_color: bool,
    /// Whether clap's own messages (usage errors on standard error, help on standard output)
    /// are coloured (the binary: as clap decides for the process's streams).
    pub usage_color: Streams,
    /// Where long computations (many trials, an exact analysis) show their progress as they
    /// go, if anywhere.
    pub progress: Option<Arc<dyn Progress>>,
}

impl<'a> Env<'a> {
    /// No terminal, no colour, no progress: as if the output went to a pipe.
    pub fn plain(files: &'a dyn Files) -> Env<'a> {
        Env { files, terminal: Streams::default(), no_color: false, usage_color: Streams::default(), progress: None }
    }

    /// Whether reports are coloured, for `--color`.
    pub fn color(&self, choice: ColorChoice) -> bool {
        match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !self.no_color && self.terminal.stdout,
        }
    }
}

/// Runs a command line (`args[0]` is the program's name): parses it and runs the command.
/// Usage errors, `--help` and `--version` come back as output too.
pub fn run_args<I, T>(args: I, env: &Env) -> Output
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    match Cli::try_parse_from(args) {
        Ok(cli) => dispatch(&cli, env),
        Err(e) => {
            let (stream, code, color) = if e.use_stderr() {
                (Stream::Stderr, EXIT_USAGE, env.usage_color.stderr)
            } else {
                (Stream::Stdout, EXIT_OK, env.usage_color.stdout)
            };
            let styled = e.render();
            let text = if color { styled.ansi().to_string() } else { styled.to_string() };
            let mut o = Output::default();
            o.push(stream, &text);
            o.exit(code)
        }
    }
}

/// Runs a parsed command line.
pub fn dispatch(cli: &Cli, env: &Env) -> Output {
    let color = env.color(cli.color);
    match &cli.command {
        Command::Run(a) => run::command(a, color, env),
        Command::Analyze(a) => analyze::command(a, color, env),
        Command::Explore(a) => explore::command(a, color, env),
        Command::Sweep(a) => sweep::command(a, color, env),
        Command::Test(a) => test::command(a, color, env),
        Command::Check(a) => check::command(a, color, env),
        Command::Fmt(a) => fmt::command(a, color, env),
        Command::Merge(a) => merge::command(a, color, env),
        Command::Lsp(a) => lsp::command(a),
        Command::Completions(a) => completions::command(a),
    }
}

/// `--jobs J`: worker threads, 1 to [`MAX_JOBS`](crate::analysis::trials::MAX_JOBS); any
/// other value is a usage error.
fn jobs(s: &str) -> Result<usize, String> {
    use crate::analysis::trials::MAX_JOBS;
    match s.parse::<usize>() {
        Ok(n) if (1..=MAX_JOBS).contains(&n) => Ok(n),
        _ => Err(format!("worker threads are a whole number from 1 to {MAX_JOBS}")),
    }
}

/// `--format mermaid` where no single run is reported: a usage error.
fn no_mermaid(o: &mut Output, what: &str) -> i32 {
    o.err(&format!(
        "error: --format mermaid draws single runs, and {what} reports none; use --format text, yaml or json \
         (to draw one run: herald run FILE [--seed N] --format mermaid)\n"
    ));
    EXIT_USAGE
}

#[cfg(test)]
mod tests;
