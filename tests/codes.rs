//! The diagnostic codes are one list (`src/diag/codes.rs`): the README's table is that
//! list, every listed code is given somewhere, and no code is written anywhere else.

use std::path::{Path, PathBuf};

use herald::diag::{Code, Severity};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The README's table of codes, as the list gives it.
fn table() -> String {
    let mut out = String::from("| code | kind | when it is given |\n|---|---|---|\n");
    for &code in Code::ALL {
        let kind = match code.severity() {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        out += &format!("| `{}` | {kind} | {} |\n", code.as_str(), code.meaning());
    }
    out
}

#[test]
fn readme_lists_every_code() {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).unwrap();
    let section = readme.split_once("\n### Diagnostic codes\n").expect("README.md has a section 'Diagnostic codes'").1;
    let shown: String = section
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(
        shown == table(),
        "README.md's table of diagnostic codes differs from src/diag/codes.rs; it should be:\n\n{}",
        table()
    );
}

/// Every `.rs` file below `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The library's sources but the list itself, with their text.
fn sources_but_the_list() -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    sources(&Path::new(ROOT).join("src"), &mut files);
    files.sort();
    let list = Path::new(ROOT).join("src/diag/codes.rs");
    files.into_iter().filter(|f| *f != list).map(|f| (f.clone(), std::fs::read_to_string(f).unwrap())).collect()
}

#[test]
fn codes_are_written_only_in_the_list() {
    for (file, text) in sources_but_the_list() {
        for (i, line) in text.lines().enumerate() {
            assert!(
                !line.contains("\"herald::"),
                "{}:{}: a code written as a string; use a `Code` from src/diag/codes.rs:\n{line}",
                file.display(),
                i + 1
            );
        }
    }
}

#[test]
fn every_listed_code_is_given() {
    let all: String = sources_but_the_list().into_iter().map(|(_, text)| text).collect();
    for &code in Code::ALL {
        let used = format!("Code::{code:?}");
        let given = all
            .match_indices(&used)
            .any(|(at, _)| !all[at + used.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_'));
        assert!(given, "{} is listed but never given: remove it from src/diag/codes.rs", code.as_str());
    }
}
