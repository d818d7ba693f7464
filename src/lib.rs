//! herald: a declarative scenario language, and its interpreter, for the Two Generals
//! Problem and the protocols built around it.
//!
//! The pipeline: [`syntax`] parses a file into an AST, [`check`] resolves it into a
//! [`check::Model`] (indices, not strings) and reports every problem at once, [`sim`]
//! runs the model against the lossy channels with its random choices behind one
//! interface ([`sim::Chooser`]), [`explain`] says why each general decided as it did,
//! and [`report`] writes it for people (text) or programs (YAML, JSON).

#![forbid(unsafe_code)]

pub mod analysis;
pub mod check;
pub mod cli;
pub mod diag;
pub mod explain;
pub mod fmt;
pub mod knowledge;
pub mod lsp;
pub mod percent;
pub mod replay;
pub mod report;
pub mod shard;
pub mod sim;
pub mod syntax;
pub mod testing;

use check::{Model, ParamOverride};
use diag::{Code, Diag, Source};

/// A scenario that parsed and checked: ready to run.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub source: Source,
    pub model: Model,
    pub warnings: Vec<Diag>,
}

/// A scenario that did not load: every problem found (errors and warnings).
#[derive(Debug, Clone)]
pub struct Failed {
    pub source: Source,
    pub diags: Vec<Diag>,
}

/// Reads, parses and checks a scenario. `name` is how diagnostics name the file;
/// `params` are `--param NAME=VALUE` overrides as written on the command line.
pub fn load(name: &str, bytes: &[u8], params: &[String]) -> Result<Loaded, Failed> {
    let text = match syntax::prescan::decode(bytes) {
        Ok(t) => t,
        Err((shown, d)) => {
            return Err(Failed { source: Source::new(name, shown), diags: vec![d] });
        }
    };
    let source = Source::new(name, text);
    let (file, mut warnings) = match syntax::parse(&source.text) {
        Ok(r) => r,
        Err(diags) => return Err(Failed { source, diags }),
    };
    let mut overrides = Vec::new();
    let mut bad = Vec::new();
    for p in params {
        match parse_override(p) {
            Ok(o) => overrides.push(o),
            Err(d) => bad.push(d),
        }
    }
    if !bad.is_empty() {
        return Err(Failed { source, diags: bad });
    }
    match check::check(&source.text, &file, &overrides) {
        Ok((model, w)) => {
            warnings.extend(w);
            Ok(Loaded { source, model, warnings })
        }
        Err(diags) => Err(Failed { source, diags }),
    }
}

/// Parses `NAME=VALUE`.
fn parse_override(p: &str) -> Result<ParamOverride, Diag> {
    let no_span = |msg: String, help: &str| {
        let mut d = Diag::error(Code::CliBadParam, msg, diag::Span::default(), "");
        d.labels.clear();
        d.with_help(help.to_string())
    };
    let Some((name, value)) = p.split_once('=') else {
        return Err(no_span(format!("--param {p}: expected NAME=VALUE"), "for example: --param loss=30%"));
    };
    let name = name.trim();
    if name.is_empty() {
        return Err(no_span(
            format!("--param {p}: the name is missing"),
            "write NAME=VALUE, the name of a param the scenario declares: for example --param loss=30%",
        ));
    }
    match syntax::parser::parse_param_value(value.trim()) {
        Ok(v) => Ok(ParamOverride { name: name.to_string(), value: v }),
        Err(e) => Err(no_span(
            format!("--param {name}: '{}' is not a value ({})", value.trim(), e.message),
            "a value is a number, a probability (50%, 0.5, 1 in 2) or a string in double quotes",
        )),
    }
}

/// The `.herald` files directly in each of `dirs` (relative to the crate's root), each
/// folder's sorted, for unit tests that go over the bundled scenarios.
#[cfg(test)]
pub(crate) fn bundled_files(dirs: &[&str]) -> Vec<std::path::PathBuf> {
    let mut all = Vec::new();
    for dir in dirs {
        let mut files: Vec<_> = std::fs::read_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
            .expect("a bundled folder")
            .map(|e| e.expect("an entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "herald"))
            .collect();
        files.sort();
        all.extend(files);
    }
    all
}
