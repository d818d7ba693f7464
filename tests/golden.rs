//! Golden tests: every bundled scenario is run by the real binary, with colour off,
//! and its text and YAML reports compared with the snapshots in `tests/snapshots/`.
//! To review changes: `cargo insta review` (or `INSTA_UPDATE=always cargo test` and
//! read the diff before committing).

use std::process::Command;

fn herald(args: &[&str]) -> (String, String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the herald binary runs");
    (
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        String::from_utf8(out.stderr).expect("stderr is UTF-8"),
        out.status.code().unwrap_or(-1),
    )
}

fn relative(path: &std::path::Path) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    path.strip_prefix(root).expect("under the crate").to_string_lossy().replace('\\', "/")
}

#[test]
fn every_bundled_scenario_runs_as_recorded() {
    insta::glob!("../scenarios", "*.herald", |path| {
        let file = relative(path);
        let (check_out, check_err, code) = herald(&["check", &file]);
        assert_eq!(code, 0, "{file} does not check:\n{check_err}");
        assert!(check_err.is_empty(), "{file} has warnings:\n{check_err}");
        assert!(check_out.contains(": ok"), "{check_out}");

        let (text, err, code) = herald(&["run", &file]);
        assert_eq!(code, 0, "{file}: {err}");
        insta::assert_snapshot!("text", text);

        let (yaml, err, code) = herald(&["run", &file, "--format", "yaml"]);
        assert_eq!(code, 0, "{file}: {err}");
        insta::assert_snapshot!("yaml", yaml);

        // The same seed gives the same bytes.
        let (again, _, _) = herald(&["run", &file]);
        assert_eq!(text, again, "{file}: a second run differs");

        // JSON carries the same content as YAML.
        let (json, _, _) = herald(&["run", &file, "--format", "json"]);
        let from_json: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        let from_yaml: serde_json::Value = yaml_serde::from_str(&yaml).expect("valid YAML");
        assert_eq!(from_json, from_yaml, "{file}: JSON and YAML differ");
    });
}
