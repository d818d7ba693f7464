//! Malformed input through the real binary: every case exits with code 3 and a located
//! diagnostic on stderr, quickly, without a panic or a stack overflow.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_herald");
/// `herald::cli::EXIT_INVALID`.
const EXIT_INVALID: i32 = 3;
/// Wall-clock guard against a hang (not a speed requirement).
const TIMEOUT: Duration = Duration::from_secs(20);
/// Most stderr accepted for one malformed file.
const MAX_STDERR: usize = 20 * 1024;

struct Output {
    code: Option<i32>,
    stderr: String,
}

/// Runs herald with `args`, feeding `stdin`; fails the test if it runs past [`TIMEOUT`].
fn herald(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run herald");
    let mut input = child.stdin.take().unwrap();
    let bytes = stdin.to_vec();
    // herald may stop reading early: a broken pipe here is fine.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait for herald") {
            break s;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("herald {args:?} did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    writer.join().unwrap();
    let _ = out_reader.join().unwrap();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned();
    Output { code: status.code(), stderr }
}

/// A scratch file holding `bytes`, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, bytes: &[u8]) -> Scratch {
        static N: AtomicUsize = AtomicUsize::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("herald-malformed-{}-{n}-{name}.herald", std::process::id()));
        std::fs::write(&path, bytes).expect("write scratch file");
        Scratch(path)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// True if `s` holds `:LINE:COL`.
fn has_location(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len()).any(|i| {
        if b[i] != b':' {
            return false;
        }
        let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
        let line = digits(i + 1);
        line > 0 && b.get(i + 1 + line) == Some(&b':') && digits(i + 2 + line) > 0
    })
}

/// `bytes` is refused, with `code`, by `check FILE`, `run FILE` and `check -`.
fn assert_invalid(name: &str, bytes: &[u8], code: &str) {
    let file = Scratch::new(name, bytes);
    let path = file.0.to_str().unwrap();
    for args in [vec!["check", path], vec!["run", path], vec!["check", "-"]] {
        let input: &[u8] = if args[1] == "-" { bytes } else { b"" };
        let out = herald(&args, input);
        let what = format!("herald {} on {name}", args.join(" "));
        assert_eq!(out.code, Some(EXIT_INVALID), "{what}: exit code; stderr:\n{}", out.stderr);
        assert!(out.stderr.contains(code), "{what}: stderr lacks {code}:\n{}", out.stderr);
        assert!(has_location(&out.stderr), "{what}: stderr has no :LINE:COL:\n{}", out.stderr);
        assert!(!out.stderr.contains("panicked"), "{what}: panicked:\n{}", out.stderr);
        assert!(!out.stderr.contains("stack overflow"), "{what}: overflowed:\n{}", out.stderr);
        assert!(
            out.stderr.len() < MAX_STDERR,
            "{what}: {} bytes of stderr; starts with:\n{}",
            out.stderr.len(),
            &out.stderr[..out.stderr.len().min(2000)]
        );
    }
}

#[test]
fn empty_file() {
    assert_invalid("empty", b"", "herald::check::no_generals");
}

#[test]
fn only_comments_and_blank_lines() {
    assert_invalid("comments", b"# nothing here\n\n   \n# at all\n", "herald::check::no_generals");
}

#[test]
fn binary_bytes() {
    let mut bytes: Vec<u8> = (0..=255u8).collect();
    bytes.extend((0..=255u8).rev());
    bytes.extend_from_slice(b"\x00\xff\xfe\xc3\x28");
    assert_invalid("binary", &bytes, "herald::syntax::not_utf8");
}

#[test]
fn nul_bytes_in_utf8_text() {
    let mut bytes = b"general A { decide at 1: attack }\n".to_vec();
    bytes.extend_from_slice(&[0, 1, 2, 0, 0]);
    assert_invalid("nul", &bytes, "herald::syntax::nul_byte");
}

#[test]
fn five_megabytes_of_statements() {
    let mut src = String::new();
    let mut i = 0;
    while src.len() < 5 << 20 {
        src.push_str(&format!("general G{i} {{ decide at 1: attack }}\n"));
        i += 1;
    }
    assert_invalid("big-statements", src.as_bytes(), "herald::syntax::file_too_large");
}

#[test]
fn five_megabytes_on_one_line() {
    let junk: Vec<u8> = (0..5 << 20).map(|i| b"abc xyz 123 (+) "[i % 16]).collect();
    assert_invalid("big-line", &junk, "herald::syntax::file_too_large");
}

#[test]
fn five_megabytes_of_multibyte_text() {
    // A reader that stops at the size limit cuts a character in two: still "too large".
    let src = "é".repeat(5 << 19);
    assert_invalid("big-utf8", format!("#{src}").as_bytes(), "herald::syntax::file_too_large");
}

#[test]
fn twenty_thousand_nested_parentheses() {
    let src = format!("time t = {}1{}\ngeneral A {{ decide at t: attack }}\n", "(".repeat(20_000), ")".repeat(20_000));
    assert_invalid("parens", src.as_bytes(), "herald::syntax::too_deep");
}

#[test]
fn twenty_thousand_nested_braces() {
    let src = format!("general A {}{}\n", "{".repeat(20_000), "}".repeat(20_000));
    assert_invalid("braces", src.as_bytes(), "herald::syntax::too_deep");
}

#[test]
fn a_hundred_thousand_operators() {
    let src = format!("time t = {}1\ngeneral A {{ decide at t: attack }}\n", "1 + ".repeat(100_000));
    assert_invalid("plus", src.as_bytes(), "herald::syntax::too_deep");
}

#[test]
fn a_hundred_thousand_minus_signs() {
    let src = format!("time t = {}1\ngeneral A {{ decide at t: attack }}\n", "-".repeat(100_000));
    assert_invalid("minus", src.as_bytes(), "herald::syntax::too_deep");
}

#[test]
fn a_hundred_thousand_nots() {
    let src = format!("general A {{ decide at 1: attack if {}1 = 1 }}\n", "not ".repeat(100_000));
    assert_invalid("nots", src.as_bytes(), "herald::syntax::too_deep");
}

#[test]
fn integer_past_u64() {
    let src = "seed 184467440737095516160000\ngeneral A { decide at 1: attack }\n";
    assert_invalid("bigint", src.as_bytes(), "herald::syntax::integer_too_large");
}

#[test]
fn unterminated_string() {
    let src = "scenario \"Attempt 2: acknowledgment\ngeneral A { decide at 1: attack }\n";
    assert_invalid("string", src.as_bytes(), "herald::syntax::unterminated_string");
}

#[test]
fn unclosed_brace() {
    let src = "general A {\n  on start { attack }\n  decide at 1: attack\n";
    assert_invalid("brace", src.as_bytes(), "herald::syntax::unclosed_bracket");
}

#[test]
fn a_valid_file_is_not_refused() {
    // The harness itself: a good file exits 0.
    let file = Scratch::new("valid", b"general A { decide at 1: attack }\n");
    let out = herald(&["check", file.0.to_str().unwrap()], b"");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
}
