//! `herald fmt`: rewrites scenario files in the canonical layout (standard input to standard
//! output); with `--check`, lists the files that would change.

use std::path::Path;

use super::input::{diags, plural, read_input};
use super::{EXIT_FAILED, EXIT_INVALID, EXIT_OK, Env, Output};
use crate::diag::Source;

/// The arguments of `herald fmt`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// Scenario files (`-` reads standard input and writes standard output).
    #[arg(required = true)]
    pub files: Vec<String>,
    /// Write nothing: list the files that are not formatted, and exit with 1 if any.
    #[arg(long)]
    pub check: bool,
}

/// `herald fmt`: formats each file in place (or standard input to standard output); with
/// `--check`, lists the files that would change instead.
pub fn command(a: &Args, color: bool, env: &Env) -> Output {
    let mut o = Output::default();
    let mut code = EXIT_OK;
    let mut unformatted = 0;
    for f in &a.files {
        let (name, bytes) = match read_input(env, f) {
            Ok(r) => r,
            Err(msg) => {
                o.err(&format!("error: {msg}\n"));
                code = code.max(EXIT_INVALID);
                continue;
            }
        };
        let text = match crate::syntax::prescan::decode(&bytes) {
            Ok(t) => t,
            Err((shown, d)) => {
                diags(&mut o, &[d], &Source::new(name.clone(), shown), color, env);
                o.err(&format!("{name}: 1 error\n"));
                code = code.max(EXIT_INVALID);
                continue;
            }
        };
        let formatted = match crate::fmt::format(&text) {
            Ok(t) => t,
            Err(ds) => {
                diags(&mut o, &ds, &Source::new(name.clone(), text), color, env);
                let errors = ds.iter().filter(|d| d.is_error()).count();
                o.err(&format!("{name}: {errors} error{}, not formatted\n", plural(errors)));
                code = code.max(EXIT_INVALID);
                continue;
            }
        };
        let changed = formatted != text;
        // Files are listed as given (a path to act on), standard input as `<stdin>`.
        let listed = if f == "-" { name.as_str() } else { f.as_str() };
        if a.check {
            if changed {
                o.out(&format!("{listed}\n"));
                unformatted += 1;
                code = code.max(EXIT_FAILED);
            }
        } else if f == "-" {
            o.out(&formatted);
        } else if changed {
            match env.files.write(Path::new(f), formatted.as_bytes()) {
                Err(e) => {
                    o.err(&format!("error: cannot write {listed}: {e}\n"));
                    code = code.max(EXIT_INVALID);
                }
                Ok(()) => o.err(&format!("formatted {listed}\n")),
            }
        }
    }
    if unformatted > 0 {
        o.err(&format!("{unformatted} file{} not formatted: run herald fmt to format\n", plural(unformatted)));
    }
    o.exit(code)
}
