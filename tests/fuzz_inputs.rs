//! The fuzz targets' checks (`fuzz/src/checks.rs`, included as it is) on every `cargo
//! test`, without libFuzzer: every bundled scenario (the `bytes` target's seeds), a fixed
//! sample of generated scenarios (what the `structured` target writes), and every input
//! kept in `fuzz/regressions/` (crashes found by fuzzing, once fixed). See "Fuzzing" in
//! HACKING.md.

mod common;

#[allow(dead_code)]
#[path = "../fuzz/src/checks.rs"]
mod checks;

use std::path::Path;

#[test]
fn every_bundled_scenario_passes_the_fuzz_checks() {
    for path in common::every_bundled() {
        let bytes = std::fs::read(common::root().join(&path)).expect("a bundled scenario");
        checks::bytes(&bytes);
    }
}

#[test]
fn generated_scenarios_pass_the_fuzz_checks() {
    for text in common::generator::sample(48, 16) {
        checks::generated(&text);
    }
}

/// Each file of `fuzz/regressions/` is an input of the target its name starts with
/// (`bytes-…` or `structured-…`).
#[test]
fn the_fuzzers_findings_pass_the_fuzz_checks() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut names: Vec<_> = entries.map(|e| e.expect("a directory entry").path()).collect();
    names.sort();
    for path in names {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let data = std::fs::read(&path).expect("a regression input");
        if name.starts_with("bytes-") {
            checks::bytes(&data);
        } else if name.starts_with("structured-") {
            checks::generated(&common::generator::build(&checks::stream(&data)));
        } else if name != "README.md" {
            panic!("fuzz/regressions/{name}: the name starts with the target's, bytes- or structured-");
        }
    }
}
