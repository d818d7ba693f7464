//! `herald fmt`: the canonical layout never changes a scenario's meaning, keeps every
//! comment, is idempotent, and every bundled scenario is already in it. The fixtures in
//! `tests/fmt/` are written badly on purpose; their formatted forms are snapshots.

use std::path::{Path, PathBuf};

mod common;
use common::Out;

fn herald(args: &[&str], stdin: Option<&str>) -> Out {
    common::herald_plain(args, stdin)
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `.herald` files of a folder, sorted.
fn files_in(dir: &str) -> Vec<PathBuf> {
    common::herald_files(dir).into_iter().map(|p| root().join(p)).collect()
}

/// Every bundled scenario and every fixture, with its text.
fn all_sources() -> Vec<(String, String)> {
    let mut v: Vec<PathBuf> = files_in("scenarios");
    v.extend(files_in("tests/fmt"));
    v.into_iter()
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect()
}

fn fmt(src: &str) -> String {
    herald::fmt::format(src).unwrap_or_else(|d| panic!("does not format: {d:#?}"))
}

/// A scenario's syntax tree, spans aside.
fn ast(src: &str) -> String {
    let (file, _) = herald::syntax::parse(src).unwrap_or_else(|d| panic!("does not parse: {d:#?}"));
    herald::fmt::without_spans(&format!("{file:?}"))
}

/// Removes what depends on the layout from a `Debug` or report text: line numbers, every
/// whitespace (rule texts are quoted from the source as written) and the single quotes
/// YAML puts around some of them.
fn layout_free(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next = ["line: ", "line "].iter().filter_map(|k| rest.find(k).map(|i| (i, k.len()))).min();
        match next {
            Some((i, k)) => {
                out.push_str(&rest[..i + k]);
                let after = rest[i + k..].trim_start_matches(|c: char| c.is_ascii_digit());
                if after.len() < rest.len() - i - k {
                    out.push('N');
                }
                rest = after;
            }
            None => break,
        }
    }
    out.push_str(rest);
    out.chars().filter(|c| !c.is_whitespace() && *c != '\'').collect()
}

/// The checked model, without spans, line numbers or layout.
fn model(name: &str, src: &str) -> String {
    let l = herald::load(name, src.as_bytes(), &[]).unwrap_or_else(|f| panic!("{name} does not load: {:#?}", f.diags));
    layout_free(&herald::fmt::without_spans(&format!("{:?}", l.model)))
}

/// The YAML reports of a few seeded runs, without line numbers or layout.
fn runs(name: &str, src: &str) -> Vec<String> {
    let l = herald::load(name, src.as_bytes(), &[]).unwrap_or_else(|f| panic!("{name} does not load: {:#?}", f.diags));
    (0..4u64)
        .map(|seed| {
            let mut sim = herald::sim::Sim::new(&l.model, herald::sim::Mode::Traced);
            let mut rec = herald::sim::Recording { inner: herald::sim::Seeded::new(seed), log: Vec::new() };
            sim.run(&mut rec).expect("the run ends");
            let choices: Vec<u32> = rec.log.iter().map(|(_, c)| c.index).collect();
            layout_free(&herald::report::to_yaml(&herald::report::build(&sim, &l, Some(seed), &choices)))
        })
        .collect()
}

#[test]
fn formatting_keeps_the_meaning_and_is_idempotent() {
    for (name, src) in all_sources() {
        let once = fmt(&src);
        assert_eq!(fmt(&once), once, "{name}: formatting twice changes the text");
        assert!(ast(&src) == ast(&once), "{name}: the syntax tree changed");
        assert!(model(&name, &src) == model(&name, &once), "{name}: the checked model changed");
        assert!(runs(&name, &src) == runs(&name, &once), "{name}: the runs changed");
        assert_eq!(herald::fmt::comments(&src), herald::fmt::comments(&once), "{name}: the comments changed");
    }
}

#[test]
fn every_bundled_scenario_is_formatted() {
    let mut args = vec!["fmt".to_string(), "--check".to_string()];
    args.extend(files_in("scenarios").iter().map(|p| p.strip_prefix(root()).unwrap().to_string_lossy().into_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = herald(&args, None);
    assert_eq!(out.code, 0, "not formatted:\n{}{}", out.stdout, out.stderr);
    assert_eq!(out.stdout, "");
    for p in files_in("scenarios") {
        let src = std::fs::read_to_string(&p).unwrap();
        assert_eq!(fmt(&src), src, "{} is not in the canonical layout", p.display());
    }
}

#[test]
fn the_fixtures_format_as_reviewed() {
    insta::glob!("fmt/*.herald", |path| {
        let src = std::fs::read_to_string(path).unwrap();
        insta::assert_snapshot!("formatted", fmt(&src));
    });
}

/// A small deterministic generator (the tests need no particular distribution).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }

    fn spaces(&mut self) -> String {
        (0..1 + self.below(3)).map(|_| if self.below(3) == 0 { '\t' } else { ' ' }).collect()
    }
}

/// The same scenario with its layout scrambled: spaces and tabs changed, added around
/// brackets, commas and `..`, lines joined and re-indented, but no comment moved from
/// its line and no blank line added or removed.
fn scramble(src: &str, seed: u64) -> String {
    let mut rng = Lcg(seed);
    let mut out = String::new();
    let chars: Vec<char> = src.chars().collect();
    let mut i = 0;
    let mut after_comment = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '"' {
            // A string, copied as it is.
            out.push(c);
            i += 1;
            while i < chars.len() {
                out.push(chars[i]);
                i += 1;
                if chars[i - 1] == '\\' && i < chars.len() {
                    out.push(chars[i]);
                    i += 1;
                } else if chars[i - 1] == '"' {
                    break;
                }
            }
            after_comment = false;
            continue;
        }
        if c == '#' {
            while i < chars.len() && chars[i] != '\n' {
                out.push(chars[i]);
                i += 1;
            }
            after_comment = true;
            continue;
        }
        if c.is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let breaks = chars[start..i].iter().filter(|c| **c == '\n').count();
            let before_comment = chars.get(i) == Some(&'#');
            let edge = start == 0 || i == chars.len();
            let join = breaks == 1 && !after_comment && !before_comment && !edge && rng.below(2) == 0;
            if breaks == 0 || join {
                out.push_str(&rng.spaces());
            } else {
                for _ in 0..breaks {
                    if rng.below(2) == 0 && !after_comment {
                        out.push_str(&rng.spaces());
                    }
                    out.push('\n');
                }
                if !edge {
                    out.push_str(&rng.spaces());
                }
            }
            after_comment = false;
            continue;
        }
        after_comment = false;
        let dots = c == '.' && chars.get(i + 1) == Some(&'.');
        if matches!(c, '(' | ')' | ',') || dots {
            if rng.below(2) == 0 {
                out.push_str(&rng.spaces());
            }
            out.push(c);
            if dots {
                out.push('.');
                i += 1;
            }
            if rng.below(2) == 0 {
                out.push_str(&rng.spaces());
            }
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

#[test]
fn a_scrambled_layout_formats_back() {
    for (name, src) in all_sources() {
        let canonical = fmt(&src);
        for seed in 0..8 {
            let scrambled = scramble(&canonical, seed);
            assert!(ast(&scrambled) == ast(&canonical), "{name}, seed {seed}: the scrambling changed the meaning");
            assert_eq!(fmt(&scrambled), canonical, "{name}, seed {seed}: from\n{scrambled}");
        }
    }
}

#[test]
fn windows_line_endings_format_to_the_same_text() {
    for (name, src) in all_sources() {
        let crlf = src.replace('\n', "\r\n");
        assert_eq!(fmt(&crlf), fmt(&src), "{name}");
    }
}

#[test]
fn comments_stay_where_they_were() {
    let src = "general A {   # the commander\n  decide at 5: # the deadline\n  attack   # always\n}\n\n\n\n# the end\n";
    let want = "general A {       # the commander\n  decide at 5:    # the deadline\n      attack      # always\n}\n\n# the end\n";
    assert_eq!(fmt(src), want);
    // A `#` inside a string is not a comment.
    assert_eq!(fmt("scenario   \"a # b\"  # c\n"), "scenario \"a # b\"    # c\n");
    assert_eq!(herald::fmt::comments("scenario \"a # b\"  # c\n"), vec!["# c"]);
}

#[test]
fn the_layout_rules() {
    let cases = [
        // One statement per line; blank lines around blocks; an empty block stays `{ }`.
        ("seed 1 time t = 1\ngeneral A { }\ngeneral B {}", "seed 1\ntime t = 1\n\ngeneral A { }\n\ngeneral B { }\n"),
        // Spacing: operators, commas, brackets, ranges, colons, unary minus.
        (
            "general A{decide at 1+2*(3) :attack if count received x( - 1 ,_)>=max( 1,2 ) and now<-(-1)}",
            "general A {\n  decide at 1 + 2 * (3): attack if count received x(-1, _) >= max(1, 2) and now < -(-1)\n}\n",
        ),
        ("generals G1 .. G3 , H", "generals G1..G3, H\n"),
        ("expect probability victory=75%+-0.1%", "expect probability victory = 75% +- 0.1%\n"),
        // Several blank lines become one; none at the start or the end.
        ("\n\n\nseed 1\n\n\n\nhorizon 9\n\n\n", "seed 1\n\nhorizon 9\n"),
        ("", ""),
    ];
    for (src, want) in cases {
        assert_eq!(fmt(src), want, "from {src:?}");
    }
}

#[test]
fn fmt_rewrites_files_in_place_and_check_lists_them() {
    let dir = std::env::temp_dir().join(format!("herald-fmt-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let messy = dir.join("messy.herald");
    let tidy = dir.join("tidy.herald");
    let messy_src = std::fs::read_to_string(root().join("tests/fmt/messy.herald")).unwrap();
    let tidy_src = std::fs::read_to_string(root().join("scenarios/attempt2-acknowledgment.herald")).unwrap();
    std::fs::write(&messy, &messy_src).unwrap();
    std::fs::write(&tidy, &tidy_src).unwrap();
    let (m, t) = (messy.to_string_lossy().into_owned(), tidy.to_string_lossy().into_owned());

    // --check: lists the file that would change, writes nothing, exits 1.
    let out = herald(&["fmt", "--check", &m, &t], None);
    assert_eq!(out.code, 1, "{}", out.stderr);
    assert_eq!(out.stdout, format!("{m}\n"));
    assert!(out.stderr.contains("1 file not formatted"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), messy_src);

    // Without --check: rewrites it, then --check passes.
    let out = herald(&["fmt", &m, &t], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&messy).unwrap(), fmt(&messy_src));
    assert_eq!(std::fs::read_to_string(&tidy).unwrap(), tidy_src);
    let out = herald(&["fmt", "--check", &m, &t], None);
    assert_eq!((out.code, out.stdout.as_str()), (0, ""), "{}", out.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn fmt_reads_standard_input_and_writes_standard_output() {
    let src = std::fs::read_to_string(root().join("tests/fmt/messy.herald")).unwrap();
    let out = herald(&["fmt", "-"], Some(&src));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, fmt(&src));
    let out = herald(&["fmt", "--check", "-"], Some(&src));
    assert_eq!((out.code, out.stdout.as_str()), (1, "<stdin>\n"));
    let out = herald(&["fmt", "--check", "-"], Some(&fmt(&src)));
    assert_eq!((out.code, out.stdout.as_str()), (0, ""));
}

#[test]
fn invalid_input_is_reported_and_never_rewritten() {
    let dir = std::env::temp_dir().join(format!("herald-fmt-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: [(&str, &[u8], &str); 4] = [
        ("syntax.herald", b"general A {\n  decide at: attack\n}\n", "herald::syntax::parse"),
        ("unclosed.herald", b"general A {\n  decide at 1: attack\n", "herald::syntax::unclosed_bracket"),
        ("binary.herald", b"seed 1\n\xff\xfe\n", "herald::syntax::not_utf8"),
        ("huge.herald", b"seed 99999999999999999999999\n", "herald::syntax::integer_too_large"),
    ];
    for (name, bytes, code) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        for check in [false, true] {
            let p = path.to_string_lossy().into_owned();
            let args: Vec<&str> = if check { vec!["fmt", "--check", &p] } else { vec!["fmt", &p] };
            let out = herald(&args, None);
            assert_eq!(out.code, 3, "{name}: {}", out.stderr);
            assert!(out.stderr.contains(code), "{name}: {}", out.stderr);
            assert!(!out.stderr.contains("panicked"), "{name}: {}", out.stderr);
            assert_eq!(std::fs::read(&path).unwrap(), bytes, "{name} was rewritten");
        }
    }
    // A missing file is exit 3 too, and the other files are still formatted.
    let out = herald(&["fmt", "--check", "no/such/file.herald", "scenarios/flooding.herald"], None);
    assert_eq!(out.code, 3);
    assert!(out.stderr.contains("cannot read no/such/file.herald"), "{}", out.stderr);
    // Check errors are not the formatter's business: a file that parses is formatted.
    let out = herald(&["fmt", "-"], Some("general A { decide at dawn: attack if received ack from Z }"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_outcome_word_can_be_followed_by_another_statement() {
    // `defeat`, `no-attack` and `disagreement` once swallowed the whitespace after them,
    // so `expect defeat` parsed only as the file's last statement.
    for outcome in ["defeat", "no-attack", "disagreement"] {
        let src = format!("expect {outcome}   # why\nexpect never {outcome}\nexpect seed 2: {outcome}\nseed 1\n");
        assert!(herald::syntax::parse(&src).is_ok(), "{src}");
        assert_eq!(
            fmt(&src),
            format!("expect {outcome}    # why\nexpect never {outcome}\nexpect seed 2: {outcome}\nseed 1\n")
        );
    }
}

#[test]
fn damaged_files_are_formatted_or_refused_never_mangled() {
    const PIECES: &[&str] = &["(", ")", "{", "}", ",", ":", "#", "\n", " ", "\"", "-", "..", "a", "1", "%", "±"];
    let mut rng = Lcg(7);
    for (name, src) in all_sources() {
        let chars: Vec<char> = src.chars().collect();
        for _ in 0..60 {
            let at = rng.below(chars.len() as u64) as usize;
            let mut damaged: String = chars[..at].iter().collect();
            if rng.below(2) == 0 {
                damaged.push_str(PIECES[rng.below(PIECES.len() as u64) as usize]);
            }
            damaged.extend(&chars[at + 1..]);
            match herald::fmt::format(&damaged) {
                Ok(out) => {
                    assert_eq!(fmt(&out), out, "{name}: not idempotent on\n{damaged}");
                    assert!(ast(&out) == ast(&damaged), "{name}: meaning changed on\n{damaged}");
                }
                Err(diags) => {
                    for d in diags {
                        assert!(d.code.starts_with("herald::syntax::"), "{name}: {} on\n{damaged}", d.code);
                    }
                }
            }
        }
    }
}
