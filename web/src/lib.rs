//! herald in the browser: the WebAssembly entry of the playground (`web/`).
//!
//! Every command goes through [`herald::cli::run_args`], the function the `herald` binary
//! calls, with the files in memory ([`Memory`]) and no terminal ([`Env::plain`]): the page
//! and the command line cannot differ. Besides that, [`check`] gives the checker's
//! diagnostics as data (spans in UTF-16 code units, as JavaScript and the editor count), so
//! the page can underline them as the user types.
//!
//! The functions take and return JSON text: a small surface for `wasm-bindgen`, and the
//! same functions build natively (for `cargo test --workspace`).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use herald::cli::{Env, Files, Memory, run_args};
use herald::diag::{Diag, Severity};
use serde::{Deserialize, Serialize};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen::prelude::wasm_bindgen;

/// What a command printed, its exit code, and the files it was asked to write.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Ran {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    /// Each file named in `collect`, as written by the command (`null` when not written).
    pub files: BTreeMap<String, Option<String>>,
}

/// Runs a herald command line (`args` without the program's name: `["run", "s.herald"]`).
/// `files` is a JSON object from path to content (the files the command may read), `stdin`
/// is standard input, `collect` names the files to hand back once the command has written
/// them (`--chart`, `--save-replay`; `DIR/` for all the files in a folder, as
/// `--save-replays DIR` writes them). With `progress`, long work reports to the JavaScript
/// function `herald_progress` as it goes (in the browser; ignored natively). Returns a
/// [`Ran`] as JSON.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
pub fn command(args: Vec<String>, files: &str, stdin: &str, collect: Vec<String>, progress: bool) -> String {
    let inputs: BTreeMap<String, String> = serde_json::from_str(files).unwrap_or_default();
    let mut memory = Memory::new(stdin.as_bytes());
    for (path, text) in inputs {
        memory = memory.with(path, text);
    }
    let mut env = Env::plain(&memory);
    if progress {
        env.progress = progress_sink();
    }
    let output = run_args(std::iter::once("herald".to_string()).chain(args), &env);
    let ran =
        Ran { code: output.code, stdout: output.stdout(), stderr: output.stderr(), files: collected(&memory, collect) };
    serde_json::to_string(&ran)
        .unwrap_or_else(|e| format!("{{\"code\":1,\"stdout\":\"\",\"stderr\":\"{e}\",\"files\":{{}}}}"))
}

/// The files named in `collect` as the command left them; a name ending in `/` stands for
/// every file in that folder (`--save-replays DIR`), each under its own path.
fn collected(memory: &Memory, collect: Vec<String>) -> BTreeMap<String, Option<String>> {
    let text = |p: &Path| memory.file(p).map(|b| String::from_utf8_lossy(&b).into_owned());
    let mut files = BTreeMap::new();
    for name in collect {
        if name.ends_with('/') {
            let mut entries = memory.list(Path::new(&name)).unwrap_or_default();
            entries.sort();
            for p in entries {
                if let Some(t) = text(&p) {
                    files.insert(p.to_string_lossy().into_owned(), Some(t));
                }
            }
        } else {
            let t = text(Path::new(&name));
            files.insert(name, t);
        }
    }
    files
}

/// One of the checker's diagnostics, placed for an editor.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `error` or `warning`.
    pub severity: String,
    /// herald's code for it (`E0301`).
    pub code: String,
    pub message: String,
    pub help: Option<String>,
    /// Where it is: UTF-16 offsets into the text (JavaScript's and the editor's unit), and
    /// the label; the first is the main one.
    pub labels: Vec<Label>,
}

/// A span of a diagnostic and what it says there.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub from: usize,
    pub to: usize,
    pub text: String,
}

/// The checker's diagnostics for a scenario text (errors and warnings), as a JSON list of
/// [`Problem`]s; `params` are `NAME=VALUE` overrides as `--param` takes them.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
pub fn check(name: &str, text: &str, params: Vec<String>) -> String {
    let (source, diags) = match herald::load(name, text.as_bytes(), &params) {
        Ok(l) => (l.source, l.warnings),
        Err(f) => (f.source, f.diags),
    };
    let problems: Vec<Problem> = diags.iter().map(|d| problem(d, &source.text)).collect();
    serde_json::to_string(&problems).unwrap_or_else(|_| "[]".to_string())
}

fn problem(d: &Diag, text: &str) -> Problem {
    Problem {
        severity: match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
        .to_string(),
        code: d.code.to_string(),
        message: d.message.clone(),
        help: d.help.clone(),
        labels: d
            .labels
            .iter()
            .map(|(s, l)| Label { from: utf16(text, s.start), to: utf16(text, s.end), text: l.clone() })
            .collect(),
    }
}

/// A byte offset into `text` in UTF-16 code units (clamped to the text, and to the start
/// of a character).
fn utf16(text: &str, byte: u32) -> usize {
    let mut at = usize::try_from(byte).unwrap_or(usize::MAX).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    text[..at].encode_utf16().count()
}

/// herald's version, as `herald --version` says it.
#[cfg_attr(target_arch = "wasm32", wasm_bindgen)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

#[cfg(target_arch = "wasm32")]
mod js {
    use herald::cli::Progress;
    use wasm_bindgen::prelude::wasm_bindgen;

    #[wasm_bindgen]
    extern "C" {
        /// Defined by the page's worker: `herald_progress(kind, amount, text)`, where kind is
        /// `start` (amount: the total), `advance` (amount: how many more), `status` (text)
        /// or `finish`.
        fn herald_progress(kind: &str, amount: f64, text: &str);
    }

    /// Progress handed to the worker, which posts it to the page.
    pub struct Posted;

    impl Progress for Posted {
        fn start(&self, total: u64, what: &str) {
            herald_progress("start", total as f64, what);
        }
        fn advance(&self, n: u64) {
            herald_progress("advance", n as f64, "");
        }
        fn status(&self, message: String) {
            herald_progress("status", 0.0, &message);
        }
        fn finish(&self) {
            herald_progress("finish", 0.0, "");
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn progress_sink() -> Option<Arc<dyn herald::cli::Progress>> {
    Some(Arc::new(js::Posted))
}

#[cfg(not(target_arch = "wasm32"))]
fn progress_sink() -> Option<Arc<dyn herald::cli::Progress>> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const BROKEN: &str = "scenario \"x\"\ngeneral A {\n  decide at dawn: attack if received plan from B\n}\n";

    #[test]
    fn a_command_is_the_clis_own() {
        let s = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../scenarios/attempt2-acknowledgment.herald"
        ))
        .expect("a bundled scenario");
        let files = serde_json::json!({ "s.herald": s }).to_string();
        let ran: Ran = serde_json::from_str(&command(
            vec!["run".into(), "s.herald".into(), "--save-replay".into(), "r.replay".into()],
            &files,
            "",
            vec!["r.replay".into(), "nope".into()],
            false,
        ))
        .expect("json");
        assert_eq!(ran.code, 0, "{}", ran.stderr);
        assert!(ran.stdout.contains("Outcome: Defeat"), "{}", ran.stdout);
        assert!(ran.files["r.replay"].is_some());
        assert_eq!(ran.files["nope"], None);
    }

    #[test]
    fn diagnostics_are_placed_in_utf16() {
        let text = format!("# é😀\n{BROKEN}");
        let problems: Vec<Problem> = serde_json::from_str(&check("x.herald", &text, vec![])).expect("json");
        assert!(!problems.is_empty());
        let p = problems.iter().find(|p| p.severity == "error").expect("an error");
        let l = &p.labels[0];
        // The comment line is 5 UTF-16 units and a newline before the scenario starts.
        let units: Vec<u16> = text.encode_utf16().collect();
        let shown = String::from_utf16_lossy(&units[l.from..l.to]);
        let bytes_from = text.find(&shown).expect("the span's text is in the scenario");
        assert!(bytes_from >= "# é😀\n".len(), "{p:?}");
    }
}
