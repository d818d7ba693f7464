//! `herald check`: parse and check scenarios, every error and warning, nothing run.

use super::input::{plural, read_and_load};
use super::{EXIT_OK, Env, Output};

/// The arguments of `herald check`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Scenario files (`-` reads standard input).
    #[arg(required = true)]
    pub files: Vec<String>,
    /// Override a param: NAME=VALUE (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
}

/// `herald check`: each file's diagnostics, and a line for each that loads.
pub fn command(a: &Args, color: bool, env: &Env) -> Output {
    let mut o = Output::default();
    let mut code = EXIT_OK;
    for f in &a.files {
        match read_and_load(&mut o, f, &a.params, color, env) {
            Ok(l) => {
                let n = l.model.generals.len();
                let w = l.warnings.len();
                o.out(&format!(
                    "{}: ok ({n} general{}, {} rule{}{})\n",
                    l.source.name,
                    plural(n),
                    l.model.rules.len(),
                    plural(l.model.rules.len()),
                    if w > 0 { format!(", {w} warning{}", plural(w)) } else { String::new() }
                ));
            }
            Err(c) => code = code.max(c),
        }
    }
    o.exit(code)
}
