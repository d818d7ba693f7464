//! What the commands share: reading a scenario (or standard input) and loading it,
//! diagnostics on standard error, reading and saving replay files.

use std::path::Path;

use super::{EXIT_INVALID, EXIT_OK, Env, Output};
use crate::analysis::budget::{Stop, show_size};
use crate::diag::{Code, Diag, Source, Span, render};
use crate::replay::Replay;
use crate::syntax::prescan::MAX_FILE_BYTES;
use crate::{Failed, Loaded, load};

/// `s` when `n` is not 1.
pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The display name and bytes of an input (`-`: standard input), or why it cannot be read.
pub(super) fn read_input(env: &Env, file: &str) -> Result<(String, Vec<u8>), String> {
    let limit = MAX_FILE_BYTES as u64 + 1;
    if file == "-" {
        let buf = env.files.stdin(limit).map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(("<stdin>".to_string(), buf));
    }
    let buf = env.files.read(Path::new(file), limit).map_err(|e| format!("cannot read {file}: {e}"))?;
    Ok((display_name(file), buf))
}

/// A file's name as reports show it: as given, never made absolute.
pub(super) fn display_name(file: &str) -> String {
    let p = Path::new(file);
    if p.is_absolute() {
        p.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_else(|| file.to_string())
    } else {
        file.to_string()
    }
}

/// Writes diagnostics to standard error (coloured when colour is on and standard error is a
/// terminal).
pub(super) fn diags(o: &mut Output, diags: &[Diag], source: &Source, color: bool, env: &Env) {
    if diags.is_empty() {
        return;
    }
    o.err(&render(diags, source, color && env.terminal.stderr));
}

/// Reads an input and loads it; its warnings (or its errors, and how many) go to standard
/// error. The error is the exit code.
pub(super) fn read_and_load(
    o: &mut Output,
    file: &str,
    params: &[String],
    color: bool,
    env: &Env,
) -> Result<Loaded, i32> {
    let (name, bytes) = match read_input(env, file) {
        Ok(r) => r,
        Err(msg) => {
            o.err(&format!("error: {msg}\n"));
            return Err(EXIT_INVALID);
        }
    };
    match load(&name, &bytes, params) {
        Ok(l) => {
            diags(o, &l.warnings, &l.source, color, env);
            Ok(l)
        }
        Err(Failed { source, diags: ds }) => {
            diags(o, &ds, &source, color, env);
            let errors = ds.iter().filter(|d| d.is_error()).count();
            o.err(&format!("{}: {errors} error{}\n", source.name, plural(errors)));
            // A malformed `--param` is a usage error of the command line, not the file's.
            Err(if ds.iter().any(|d| d.code == crate::diag::Code::CliBadParam.as_str()) {
                super::EXIT_USAGE
            } else {
                EXIT_INVALID
            })
        }
    }
}

/// Reads a replay file. The error is the exit code (its diagnostic written).
pub(super) fn read_replay(o: &mut Output, path: &Path, color: bool, env: &Env) -> Result<Replay, i32> {
    let name = display_name(&path.to_string_lossy());
    let text = match env.files.read(path, u64::MAX).and_then(|b| {
        // The words of `std::fs::read_to_string`, which this read was.
        String::from_utf8(b)
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "stream did not contain valid UTF-8"))
    }) {
        Ok(t) => t,
        Err(e) => {
            o.err(&format!("error: cannot read {name}: {e}\n"));
            return Err(EXIT_INVALID);
        }
    };
    crate::replay::parse(&name, &text).map_err(|d| {
        diags(o, &[d], &Source::new(name.clone(), text.clone()), color, env);
        EXIT_INVALID
    })
}

/// Writes a replay file; an error is written and is the exit code.
pub(super) fn save_replay(o: &mut Output, path: &Path, replay: &Replay, env: &Env) -> i32 {
    match env.files.write(path, replay.to_yaml().as_bytes()) {
        Ok(()) => EXIT_OK,
        Err(e) => {
            o.err(&format!("error: cannot write {}: {e}\n", path.display()));
            EXIT_INVALID
        }
    }
}

/// Writes one replay file per outcome into a folder: `(outcome, made by, choices)`.
pub(super) fn save_replays(
    o: &mut Output,
    dir: &Path,
    l: &Loaded,
    params: &[String],
    runs: &[(&str, &str, &[u32])],
    env: &Env,
) -> i32 {
    if let Err(e) = env.files.create_dir_all(dir) {
        o.err(&format!("error: cannot create {}: {e}\n", dir.display()));
        return EXIT_INVALID;
    }
    for (outcome, made_by, choices) in runs {
        let r = Replay::new(&l.source.name, &l.source.text, params, made_by.to_string(), choices.to_vec());
        let code = save_replay(o, &dir.join(format!("{outcome}.replay.yaml")), &r, env);
        if code != EXIT_OK {
            return code;
        }
    }
    EXIT_OK
}

/// The diagnostic of a search (`what`: `analyze` or `explore`) stopped at one of its
/// bounds, with what to do about it.
pub(super) fn search_stopped(stop: Stop, what: &str, file: &str) -> Diag {
    let analyze = what == "analyze";
    let code = if analyze { Code::AnalyzeTooManyStates } else { Code::ExploreTooManyStates };
    let (message, raise) = match (stop, analyze) {
        (Stop::States(limit), true) => {
            (format!("this scenario has more than {limit} distinct states: the exact analysis stopped"), "--max-states")
        }
        (Stop::States(limit), false) => (
            format!("the adversary has more than {limit} distinct states to try: the exploration stopped"),
            "--max-states",
        ),
        (Stop::Memory { limit, states }, true) => (
            format!(
                "the states of the exact analysis would take more than {} of memory (after {states} distinct states): \
                 it stopped",
                show_size(limit)
            ),
            "--max-memory",
        ),
        (Stop::Memory { limit, states }, false) => (
            format!(
                "the adversary's states would take more than {} of memory (after {states} distinct states): the \
                 exploration stopped",
                show_size(limit)
            ),
            "--max-memory",
        ),
        (Stop::Work { limit, states }, _) => (
            format!(
                "the exact probabilities grew too long: more than {limit} words of arithmetic (after {states} \
                 distinct states): the exact analysis stopped"
            ),
            "--max-states, which raises this bound with it",
        ),
    };
    let mut d = Diag::error(code, message, Span::default(), "");
    d.labels.clear();
    let help = if analyze {
        format!("estimate by sampling instead: herald run {file} --trials 100000 (or raise {raise})")
    } else {
        format!("try --fixed-delays, fewer messengers or a shorter horizon, or raise {raise}")
    };
    d.with_help(help)
}
