//! One test per diagnostic that scenario text can trigger: its code, the line and
//! column of its primary span, its message and its help.

use herald::diag::{Diag, Severity, line_col};

// ------------------------------------------------------------------ helpers

/// Loads `src` and returns every diagnostic (errors and warnings), and whether it loaded.
fn diags_with(src: &str, params: &[&str]) -> (bool, Vec<Diag>) {
    let params: Vec<String> = params.iter().map(|p| p.to_string()).collect();
    match herald::load("test.herald", src.as_bytes(), &params) {
        Ok(l) => (true, l.warnings),
        Err(f) => (false, f.diags),
    }
}

/// The one diagnostic with `code` among `diags`, at `line:col`, whose message contains
/// `msg`, whose help contains `help` (or that has no help, for `None`).
fn find(src: &str, diags: &[Diag], code: &str, at: (usize, usize), msg: &str, help: Option<&str>) -> Diag {
    let with_code: Vec<&Diag> = diags.iter().filter(|d| d.code == code).collect();
    assert_eq!(with_code.len(), 1, "expected exactly one {code} in {diags:#?}");
    let d = with_code[0].clone();
    assert_eq!(line_col(src, d.span().start), at, "position of {code}: {d:#?}");
    assert!(d.message.contains(msg), "message of {code}: {:?} should contain {msg:?}", d.message);
    match help {
        Some(h) => {
            let got = d.help.as_deref().unwrap_or_else(|| panic!("{code} has no help, expected {h:?}"));
            assert!(got.contains(h), "help of {code}: {got:?} should contain {h:?}");
        }
        None => assert!(d.help.is_none(), "{code} has unexpected help {:?}", d.help),
    }
    d
}

/// `src` fails to load with an error `code` at `line:col`.
fn error(src: &str, code: &str, at: (usize, usize), msg: &str, help: Option<&str>) -> Diag {
    error_with(src, &[], code, at, msg, help)
}

/// The same, with `--param` overrides.
fn error_with(src: &str, params: &[&str], code: &str, at: (usize, usize), msg: &str, help: Option<&str>) -> Diag {
    let (ok, diags) = diags_with(src, params);
    assert!(!ok, "expected {code}, but the scenario loaded: {diags:#?}");
    let d = find(src, &diags, code, at, msg, help);
    assert_eq!(d.severity, Severity::Error, "{code} should be an error");
    d
}

/// `src` loads, with a warning `code` at `line:col`.
fn warning(src: &str, code: &str, at: (usize, usize), msg: &str, help: Option<&str>) -> Diag {
    let (ok, diags) = diags_with(src, &[]);
    assert!(ok, "expected only warnings, got errors: {diags:#?}");
    let d = find(src, &diags, code, at, msg, help);
    assert_eq!(d.severity, Severity::Warning, "{code} should be a warning");
    d
}

/// Line and column of a diagnostic's label `i`.
fn label_at(src: &str, d: &Diag, i: usize) -> (usize, usize) {
    line_col(src, d.labels[i].0.start)
}

/// Two generals that can talk both ways and both decide: the frame of many tests.
const PAIR: &str = "general A { decide at 1: attack }
general B { decide at 1: attack }
channel A <-> B { delay 1 }
";

// ------------------------------------------------------------------ lexical

#[test]
fn not_utf8() {
    let bytes = b"general A { decide at 1: attack }\n\xff\xfe";
    let f = herald::load("bin.herald", bytes, &[]).unwrap_err();
    assert_eq!(f.diags.len(), 1);
    let d = &f.diags[0];
    assert_eq!(d.code, "herald::syntax::not_utf8");
    assert_eq!(line_col(&f.source.text, d.span().start), (2, 1));
    assert!(d.message.contains("not UTF-8"));
    assert!(d.labels[0].1.contains("0xff"), "{:?}", d.labels);
    assert!(d.help.as_deref().unwrap().contains("UTF-8"));
}

#[test]
fn nul_byte() {
    error("general A\0 { }", "herald::syntax::nul_byte", (1, 10), "NUL byte", Some("plain text"));
}

#[test]
fn file_too_large() {
    let first = "general A { decide at 1: attack }\n";
    let mut src = format!("{first}#");
    while src.len() <= herald::syntax::prescan::MAX_FILE_BYTES + 10 {
        src.push_str("xxxxxxxxxxxxxxxx");
    }
    let col = herald::syntax::prescan::MAX_FILE_BYTES - first.len() + 1;
    error(&src, "herald::syntax::file_too_large", (2, col), "larger than 1048576 bytes", Some("split the scenario"));
}

#[test]
fn file_too_large_never_splits_a_character() {
    // The limit falls inside a two-byte character: the span moves to its start.
    let src = format!("#{}", "é".repeat(herald::syntax::prescan::MAX_FILE_BYTES / 2 + 10));
    let f = herald::load("big.herald", src.as_bytes(), &[]).unwrap_err();
    assert_eq!(f.diags[0].code, "herald::syntax::file_too_large");
    let span = f.diags[0].span();
    assert!(src.is_char_boundary(span.start as usize) && src.is_char_boundary(span.end as usize), "{span:?}");
    let shown = herald::diag::render(&f.diags, &f.source, false);
    assert!(shown.contains("herald::syntax::file_too_large"));
}

#[test]
fn not_utf8_on_a_long_line_renders() {
    let mut bytes = b"#".to_vec();
    bytes.extend("é".repeat(3000).as_bytes());
    bytes.push(0xff);
    bytes.extend(b"y".repeat(3000));
    let f = herald::load("bad.herald", &bytes, &[]).unwrap_err();
    assert_eq!(f.diags[0].code, "herald::syntax::not_utf8");
    let span = f.diags[0].span();
    let text = &f.source.text;
    assert!(text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize), "{span:?}");
    assert_eq!(line_col(text, span.start), (1, 3002));
    let shown = herald::diag::render(&f.diags, &f.source, false);
    assert!(shown.contains("not UTF-8"));
    assert!(shown.len() < 20_000, "{} bytes", shown.len());
}

#[test]
fn unterminated_string() {
    error(
        "scenario \"Attempt 2\ngeneral A { decide at 1: attack }",
        "herald::syntax::unterminated_string",
        (1, 10),
        "unterminated string",
        Some("closing \""),
    );
}

#[test]
fn too_deep() {
    let src = format!("time t = {}1{}\ngeneral A {{ decide at t: attack }}", "(".repeat(100), ")".repeat(100));
    error(&src, "herald::syntax::too_deep", (1, 10 + 64), "nested more than 64 deep", Some("fewer parentheses"));
}

#[test]
fn too_deep_operator_chain() {
    let src = format!("time t = {}1\ngeneral A {{ decide at t: attack }}", "1 + ".repeat(300));
    error(&src, "herald::syntax::too_deep", (1, 10), "nests more than 200 operations deep", Some("fewer operators"));
}

#[test]
fn too_deep_negations() {
    let src = format!("general A {{ decide at 1: attack if {}1 = 1 }}", "not ".repeat(300));
    error(&src, "herald::syntax::too_deep", (1, 36), "nests more than 200 operations deep", Some("fewer operators"));
}

#[test]
fn too_deep_minus_signs() {
    let src = format!("time t = {}1\ngeneral A {{ decide at t: attack }}", "-".repeat(100_000));
    error(&src, "herald::syntax::too_deep", (1, 10), "nests more than 200 operations deep", Some("fewer operators"));
}

#[test]
fn too_deep_through_brackets() {
    // Each bracket adds little, but 60 of them, each around a chain, add up.
    let src =
        format!("time t = {}1{}\ngeneral A {{ decide at t: attack }}", "(".repeat(60), " + 1 + 1 + 1 + 1)".repeat(60));
    let (ok, diags) = diags_with(&src, &[]);
    assert!(!ok);
    assert_eq!(diags.len(), 1, "one expression, one report: {diags:#?}");
    assert_eq!(diags[0].code, "herald::syntax::too_deep");
}

#[test]
fn too_deep_for_the_parser() {
    // So deep that the grammar's own guard stops first (in a test thread's small stack).
    let src = format!("general A {{ decide at 1: attack if {}1 = 1 }}", "not ".repeat(100_000));
    let (ok, diags) = diags_with(&src, &[]);
    assert!(!ok);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d.code, "herald::syntax::too_deep");
    assert!(d.message.contains("nests too deeply"), "{}", d.message);
    assert!(!d.message.contains("limit reached"), "pest's words: {}", d.message);
}

#[test]
fn long_but_reasonable_expressions_load() {
    let src = format!(
        "time t = {}1\ngeneral A {{ decide at 1: attack if {}1 = 1 }}\ngeneral B {{ decide at t: attack if {}1 = 1 }}\nchannel A <-> B {{ delay 1 }}",
        "1 + ".repeat(150),
        "not ".repeat(150),
        "1 = 1 or ".repeat(150),
    );
    let (ok, diags) = diags_with(&src, &[]);
    assert!(ok, "{diags:#?}");
}

#[test]
fn mismatched_bracket() {
    let src = "general A { decide at (1}: attack }";
    let d = error(src, "herald::syntax::mismatched_bracket", (1, 25), "'}' closes a '('", None);
    assert_eq!(label_at(src, &d, 1), (1, 23));
}

#[test]
fn unopened_bracket() {
    error("general A { } }", "herald::syntax::unopened_bracket", (1, 15), "'}' closes nothing", Some("remove it"));
}

#[test]
fn unclosed_bracket() {
    let src = "general A {\n  decide at 1: attack\n";
    let d = error(src, "herald::syntax::unclosed_bracket", (1, 11), "'{' is never closed", Some("add '}'"));
    assert_eq!(label_at(src, &d, 1), (3, 1), "the second label is at the end of the file");
}

#[test]
fn integer_past_u64() {
    error(
        "seed 99999999999999999999\ngeneral A { decide at 1: attack }",
        "herald::syntax::integer_too_large",
        (1, 6),
        "too large",
        Some("at most 9223372036854775807"),
    );
}

#[test]
fn integer_past_i64() {
    error(
        "general A { decide at 9223372036854775808: attack }",
        "herald::syntax::integer_too_large",
        (1, 23),
        "too large",
        Some("at most"),
    );
}

#[test]
fn number_too_precise() {
    error(
        "param p = 0.1234567890123456789\ngeneral A { decide at 1: attack }",
        "herald::syntax::number_too_precise",
        (1, 11),
        "too many digits",
        None,
    );
}

// ------------------------------------------------------------------ parse errors

/// Grammar rule names that are not words of the language, which no parse error may show.
fn rule_names() -> Vec<String> {
    let grammar = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/grammar/herald.pest"));
    let mut names: Vec<String> = grammar
        .lines()
        .filter_map(|l| l.split_once('=').map(|(n, _)| n.trim()))
        .filter(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        .filter(|n| n.contains('_') || n.chars().any(|c| c.is_ascii_uppercase()))
        .map(str::to_string)
        .collect();
    names.extend(
        [
            "expr", "sum", "product", "unary", "primary", "ident", "int", "prob", "args", "paren", "ratio", "SOI",
            "EOI", "Rule",
        ]
        .map(String::from),
    );
    names
}

/// A parse error at `line:col` whose message contains `msg`, spoken in the language's words.
fn parse_error(src: &str, at: (usize, usize), msg: &str, help: Option<&str>) -> Diag {
    let (ok, diags) = diags_with(src, &[]);
    assert!(!ok);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = find(src, &diags, "herald::syntax::parse", at, msg, help);
    let forbidden = rule_names();
    assert!(forbidden.iter().any(|n| n == "kw_attack") && forbidden.iter().any(|n| n == "send_action"));
    let mut texts = vec![d.message.clone()];
    texts.extend(d.labels.iter().map(|l| l.1.clone()));
    texts.extend(d.help.clone());
    for text in texts {
        for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            assert!(!forbidden.iter().any(|n| n == word), "{text:?} shows the grammar rule {word:?}");
        }
    }
    d
}

#[test]
fn parse_incomplete_expression() {
    parse_error(
        "general A { decide at 1: attack if 1 + }",
        (1, 40),
        "expected a number or an expression, found '}'",
        None,
    );
}

#[test]
fn parse_missing_to() {
    parse_error(
        "general A {\n  on start { send plan B }\n}",
        (2, 24),
        "expected 'to' or '(' and a payload, found 'B'",
        None,
    );
}

#[test]
fn parse_unknown_statement() {
    parse_error(&format!("{PAIR}hello"), (4, 1), "expected a statement", None);
}

#[test]
fn parse_unknown_rule() {
    parse_error("general A {\n  bogus\n}", (2, 3), "expected a rule (on start, on receive", None);
}

#[test]
fn parse_unknown_action() {
    parse_error("general A {\n  on start { boom }\n}", (2, 14), "expected an action (send, attack", None);
}

#[test]
fn parse_unknown_channel_property() {
    parse_error(
        "channel A -> B { speed 3 }",
        (1, 18),
        "expected 'delay', 'duplicate', 'lose' or '}', found 'speed'",
        None,
    );
}

#[test]
fn parse_missing_colon() {
    parse_error(
        "general A { decide at 1 attack }",
        (1, 25),
        "expected ':' or an operator (+ - * /), found 'attack'",
        None,
    );
}

#[test]
fn parse_missing_expression() {
    parse_error("general A { decide at : attack }", (1, 23), "expected a number or an expression, found ':'", None);
}

#[test]
fn parse_missing_sender() {
    parse_error(
        "general A { decide at 1: attack if received x from }",
        (1, 52),
        "expected a general, a role or 'all', found '}'",
        None,
    );
}

#[test]
fn parse_keyword_as_name() {
    parse_error("general time { }", (1, 9), "expected a name, found 'time'", Some("'time' is a keyword"));
}

#[test]
fn parse_semicolon() {
    parse_error("seed 1;", (1, 7), "found ';'", Some("no ';'"));
}

#[test]
fn parse_ordinal() {
    parse_error(
        "channel * <-> * { lose every 2 }",
        (1, 30),
        "expected an ordinal such as '2nd', found '2'",
        Some("'lose every 2nd'"),
    );
}

#[test]
fn parse_bad_expectation() {
    parse_error(&format!("{PAIR}expect B explodes"), (4, 10), "expected 'attacks'", None);
}

#[test]
fn parse_end_of_file() {
    parse_error("param p =", (1, 10), "found the end of the file", None);
}

// ------------------------------------------------------------------ names

#[test]
fn unknown_general_did_you_mean() {
    let src = "general A {
  on start { send plan to C }
  decide at 5: attack
}
general B {
  on receive plan from A { wait }
}
channel A <-> B { delay 1 }
";
    error(src, "herald::check::unknown_general", (2, 27), "unknown general 'C'", Some("did you mean 'B'?"));
}

#[test]
fn unknown_general_did_you_mean_long_name() {
    let src = "generals Alice, Bob
channel * <-> * { delay 1 }
crash Bobb at 3
";
    error(src, "herald::check::unknown_general", (3, 7), "unknown general 'Bobb'", Some("did you mean 'Bob'?"));
}

#[test]
fn unknown_general_lists_the_generals() {
    let src = "generals Alice, Bob
channel * <-> * { delay 1 }
crash Zed at 3
";
    error(src, "herald::check::unknown_general", (3, 7), "unknown general 'Zed'", Some("the generals are: Alice, Bob"));
}

#[test]
fn unknown_role() {
    let src = "role voters { decide at 1: attack }
generals G1, G2 are voter
channel * <-> * { delay 1 }
";
    error(src, "herald::check::unknown_role", (2, 21), "unknown role 'voter'", Some("did you mean 'voters'?"));
}

#[test]
fn unknown_time() {
    let src = "time dawn = 10
general A { decide at dawm: attack }
";
    error(src, "herald::check::unknown_name", (2, 23), "unknown name 'dawm'", Some("did you mean 'dawn'?"));
}

#[test]
fn unknown_name_in_a_condition() {
    let src = format!("{PAIR}general C {{ decide at 1: attack if depht > 2 }}\nparam depth = 3\n");
    error(&src, "herald::check::unknown_name", (4, 36), "unknown name 'depht'", Some("did you mean 'depth'?"));
}

#[test]
fn unknown_param() {
    let src = "param loss = 50%
general A { decide at 1: attack }
general B { decide at 1: attack }
channel A <-> B { delay 1 duplicate los }
";
    error(src, "herald::check::unknown_param", (4, 37), "unknown param 'los'", Some("did you mean 'loss'?"));
}

#[test]
fn unknown_param_on_the_command_line() {
    let src = "param loss = 50%\ngeneral A { decide at 1: attack }";
    let (ok, diags) = diags_with(src, &["los=10%"]);
    assert!(!ok);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    let d = &diags[0];
    assert_eq!(d.code, "herald::check::unknown_param");
    assert!(d.message.contains("this scenario has no param 'los'"), "{}", d.message);
    assert_eq!(d.help.as_deref(), Some("did you mean 'loss'?"));
}

#[test]
fn bad_param_value_on_the_command_line() {
    let src = "param loss = 50%\ngeneral A { decide at 1: attack }\ngeneral B { decide at 1: attack }\nchannel A <-> B { lose loss }";
    let (ok, diags) = diags_with(src, &["loss=150%"]);
    assert!(!ok);
    // One problem, reported once, at the param it overrides: not at the text of the
    // value (which is not in the file), and not as an unknown param.
    assert_eq!(diags.len(), 1, "{diags:#?}");
    find(src, &diags, "herald::check::bad_param_value", (1, 7), "--param loss", Some("50%"));
    assert!(diags[0].message.contains("between 0% and 100%"), "{}", diags[0].message);
}

#[test]
fn unknown_kind() {
    let src = "general A {
  on start { send plan to B }
  decide at 1: attack
}
general B { decide at 3: attack if received plam from A }
channel A <-> B { delay 1 }
";
    error(src, "herald::check::unknown_kind", (5, 45), "unknown message kind 'plam'", Some("did you mean 'plan'?"));
}

#[test]
fn unknown_variable() {
    let src = "general A {
  var votes = 0
  on start { set vote = 1 }
  decide at 1: attack
}
";
    error(src, "herald::check::unknown_variable", (3, 18), "unknown variable 'vote'", Some("did you mean 'votes'?"));
}

#[test]
fn ambiguous_name_param_and_kind() {
    let src = "param loss = 50%
general A {
  on start { send loss to B }
  decide at 1: attack
}
general B { decide at 1: attack if received loss }
channel A <-> B { delay 1  lose loss }
";
    error(
        src,
        "herald::check::ambiguous_name",
        (7, 33),
        "'loss' is both a param and a message kind",
        Some("rename the param"),
    );
}

// ------------------------------------------------------------------ duplicates

#[test]
fn duplicate_general() {
    let src = "general A { decide at 1: attack }\ngeneral A { decide at 1: wait }";
    let d = error(src, "herald::check::duplicate", (2, 9), "general 'A' is declared twice", None);
    assert_eq!(label_at(src, &d, 1), (1, 9));
}

#[test]
fn duplicate_param() {
    let src = "param copies = 2\ntime copies = 3\ngeneral A { decide at 1: attack }";
    let d = error(src, "herald::check::duplicate", (2, 6), "'copies' is declared twice", None);
    assert_eq!(label_at(src, &d, 1), (1, 7));
}

#[test]
fn duplicate_role() {
    let src = "role r { decide at 1: attack }\nrole r { decide at 1: wait }\ngenerals A, B are r\nchannel * <-> * { delay 1 }";
    error(src, "herald::check::duplicate", (2, 6), "role 'r' is declared twice", None);
}

#[test]
fn duplicate_header() {
    let src = "seed 1\nseed 2\ngeneral A { decide at 1: attack }";
    error(src, "herald::check::duplicate", (2, 6), "'seed' is given twice", Some("keep one"));
}

#[test]
fn duplicate_channel_property() {
    let src = "generals A, B\nchannel A <-> B { delay 1  delay 2 }\n";
    error(src, "herald::check::duplicate", (2, 28), "'delay' is given twice for this channel", None);
}

#[test]
fn duplicate_victory() {
    let src = format!("{PAIR}victory when all attack\nvictory when at least 1 attack\n");
    error(&src, "herald::check::duplicate", (5, 1), "'victory when' is given twice", None);
}

#[test]
fn duplicate_variable_in_role() {
    let src = "role r {\n  var x = 1\n  var x = 2\n  decide at 1: attack\n}\ngenerals A, B are r\nchannel * <-> * { delay 1 }";
    error(src, "herald::check::duplicate", (3, 7), "variable 'x' is declared twice", None);
}

#[test]
fn duplicate_channel() {
    let src = "generals A, B\nchannel A -> B { delay 1 }\nchannel A -> B { delay 2 }\n";
    let d = error(
        src,
        "herald::check::duplicate_channel",
        (3, 1),
        "two channel declarations both give A -> B",
        Some("more specific"),
    );
    assert_eq!(label_at(src, &d, 1), (2, 1));
}

// ------------------------------------------------------------------ values and ranges

#[test]
fn probability_above_100_percent() {
    let src = "generals A, B\nchannel A <-> B { lose 150% }\n";
    let d =
        error(src, "herald::check::bad_probability", (2, 24), "between 0% and 100%", Some("50%, 0.5, 1 in 2 or 1/2"));
    assert!(d.labels[0].1.contains("150%"), "{:?}", d.labels);
}

#[test]
fn probability_ratio_above_one() {
    let src = "generals A, B\nchannel A <-> B { duplicate 3 in 2 }\n";
    error(src, "herald::check::bad_probability", (2, 29), "between 0% and 100%", Some("50%"));
}

#[test]
fn probability_divides_by_zero() {
    let src = "param loss = 1 in 0\ngeneral A { decide at 1: attack }";
    error(src, "herald::check::bad_probability", (1, 14), "cannot divide by zero", Some("at least 1"));
}

#[test]
fn delay_range_backwards() {
    let src = "generals A, B\nchannel A <-> B { delay 5..2 }\n";
    error(src, "herald::check::bad_delay", (2, 19), "the delay range 5..2 runs backwards", Some("'delay 2..5'"));
}

#[test]
fn delay_zero() {
    let src = "generals A, B\nchannel A <-> B { delay 0 }\n";
    error(src, "herald::check::bad_delay", (2, 25), "at least 1 tick", Some("the tick after"));
}

#[test]
fn every_zero() {
    let src = "general A {\n  every 0 { wait }\n}";
    error(src, "herald::check::bad_period", (2, 9), "'every 0' never repeats", Some("'every 1'"));
}

#[test]
fn generals_range_backwards() {
    let src = "generals G5..G1\nchannel * <-> * { delay 1 }";
    error(src, "herald::check::bad_range", (1, 10), "the range G5..G1 runs backwards", Some("write G1..G5"));
}

#[test]
fn generals_range_without_numbers() {
    let src = "generals A..B";
    error(src, "herald::check::bad_range", (1, 10), "one prefix and two numbers", Some("G1..G5"));
}

#[test]
fn messenger_range_backwards() {
    let src = "generals A, B\nchannel A <-> B { lose messengers 5..2 }\n";
    error(src, "herald::check::bad_range", (2, 35), "the range 5..2 runs backwards", Some("write 2..5"));
}

#[test]
fn too_many_generals() {
    error("generals G1..G300", "herald::check::too_many_generals", (1, 10), "at most 256 generals", None);
}

#[test]
fn bad_horizon() {
    error(
        "horizon 0\ngeneral A { decide at 1: attack }",
        "herald::check::bad_horizon",
        (1, 9),
        "between 1 and",
        Some("last tick"),
    );
}

#[test]
fn bad_tick() {
    error(
        "general A { at 2000000 { wait } }",
        "herald::check::bad_tick",
        (1, 16),
        "a tick must be between 0 and 1000000",
        None,
    );
}

#[test]
fn negative_time() {
    error(
        "time t = 0 - 5\ngeneral A { decide at 1: attack }",
        "herald::check::negative_time",
        (1, 10),
        "time 't' is negative",
        None,
    );
}

#[test]
fn zero_copies() {
    let src = "general A {\n  on start { send plan to B 0 times }\n  decide at 1: attack\n}\ngeneral B { decide at 1: attack if received plan }\nchannel A <-> B { delay 1 }";
    error(src, "herald::check::bad_number", (2, 29), "at least 1 copy", None);
}

#[test]
fn lose_messenger_zero() {
    let src = "generals A, B\nchannel A <-> B { lose messenger 0 }\n";
    error(src, "herald::check::bad_number", (2, 34), "a messenger number must be at least 1", None);
}

#[test]
fn lose_every_zeroth() {
    let src = "generals A, B\nchannel A <-> B { lose every 0th }\n";
    error(src, "herald::check::bad_number", (2, 30), "'every 0th' captures nothing", None);
}

#[test]
fn bad_victory() {
    let src = format!("{PAIR}victory when at least 3 attack\n");
    error(&src, "herald::check::bad_victory", (4, 23), "between 1 and 2 generals", None);
}

#[test]
fn bad_window() {
    let src = format!("{PAIR}partition A | B from 5 to 2\n");
    error(&src, "herald::check::bad_window", (4, 17), "runs backwards: from 5 to 2", None);
}

#[test]
fn bad_partition() {
    let src = format!("{PAIR}partition A | A, B\n");
    error(&src, "herald::check::bad_partition", (4, 1), "'A' is on both sides", None);
}

#[test]
fn division_by_zero() {
    error(
        "time t = 4 / 0\ngeneral A { decide at t: attack }",
        "herald::check::division_by_zero",
        (1, 10),
        "division by zero",
        None,
    );
}

#[test]
fn division_by_zero_in_a_condition() {
    let src = "general A { decide at 5: attack if now / 0 > 1 }";
    error(src, "herald::check::division_by_zero", (1, 36), "division by zero", None);
}

#[test]
fn overflow() {
    error(
        "time t = 9223372036854775807 + 1\ngeneral A { decide at 1: attack }",
        "herald::check::overflow",
        (1, 10),
        "overflows",
        None,
    );
}

#[test]
fn too_many_values() {
    let src = format!(
        "{PAIR}general C {{\n  on start {{ send x(1, 2, 3, 4, 5) to A }}\n  decide at 1: attack\n}}\nchannel C -> A {{ delay 1 }}\n"
    );
    error(&src, "herald::check::too_many_values", (5, 19), "at most 4 values", None);
}

// ------------------------------------------------------------------ channels and sends

#[test]
fn send_over_a_pair_with_no_channel() {
    let src = "general A {
  on start { send plan to B }
  decide at 1: attack
}
general B { decide at 1: attack if received plan from A }
channel B -> A { delay 1 }
";
    error(src, "herald::check::no_channel", (2, 14), "no channel from A to B", Some("'channel A -> B { delay 1 }'"));
}

#[test]
fn self_channel() {
    error(
        "general A { decide at 1: attack }\nchannel A -> A { delay 1 }",
        "herald::check::self_channel",
        (2, 1),
        "from 'A' to itself",
        Some("no messengers to itself"),
    );
}

#[test]
fn send_to_self() {
    let src = format!("{PAIR}general C {{\n  on start {{ send plan to C }}\n  decide at 1: attack\n}}\n");
    error(&src, "herald::check::send_to_self", (5, 27), "'C' sends to itself", Some("send to the others"));
}

// ------------------------------------------------------------------ patterns and types

#[test]
fn binder_used_twice() {
    let src = "general A {
  on start { send pair(1, 2) to B }
  decide at 1: attack
}
general B {
  on receive pair(n, n) from A { wait }
}
channel A <-> B { delay 1 }
";
    let d = error(src, "herald::check::binder_twice", (6, 22), "'n' is bound twice in one pattern", Some("'_'"));
    assert_eq!(label_at(src, &d, 1), (6, 19));
}

#[test]
fn payload_mismatch_between_sends() {
    let src = "general A {
  on start { send ack(1) to B }
  at 2 { send ack to B }
  decide at 1: attack
}
general B { decide at 3: attack if received ack }
channel A <-> B { delay 1 }
";
    let d = error(
        src,
        "herald::check::payload_mismatch",
        (3, 15),
        "'ack' is sent with two different payloads",
        Some("same number and types"),
    );
    assert_eq!(label_at(src, &d, 1), (2, 19));
}

#[test]
fn payload_mismatch_in_a_pattern() {
    let src = "general A {
  on start { send ack(1) to B }
  decide at 1: attack
}
general B { decide at 3: attack if received ack(1, 2) }
channel A <-> B { delay 1 }
";
    error(
        src,
        "herald::check::payload_mismatch",
        (5, 45),
        "'ack' carries 1 value(s), this pattern has 2",
        Some("or none"),
    );
}

#[test]
fn type_mismatch_condition() {
    let src = "general A { decide at 1: attack if 3 + 4 }";
    error(src, "herald::check::type_mismatch", (1, 36), "expected a condition, found a number", Some("compare it"));
}

#[test]
fn type_mismatch_comparison() {
    let src = "param word = \"x\"\ngeneral A { decide at 1: attack if word == 3 }";
    error(src, "herald::check::type_mismatch", (2, 36), "cannot compare a string with a number", None);
}

#[test]
fn type_mismatch_param_not_a_probability() {
    let src = "param copies = 2\ngenerals A, B\nchannel A <-> B { duplicate copies }\n";
    error(
        src,
        "herald::check::type_mismatch",
        (3, 29),
        "param 'copies' is not a probability",
        Some("param loss = 50%"),
    );
}

#[test]
fn type_mismatch_probability_as_a_number() {
    let src = "param loss = 50%\ngeneral A { decide at loss: attack }";
    error(src, "herald::check::type_mismatch", (2, 23), "param 'loss' is a probability, not a number", None);
}

#[test]
fn not_constant() {
    error(
        "general A { at now { wait } }",
        "herald::check::not_constant",
        (1, 16),
        "known before the run",
        Some("params and times"),
    );
}

#[test]
fn not_constant_variable_initial_value() {
    error(
        "general A {\n  var x = count received plan\n  decide at 1: attack\n}",
        "herald::check::not_constant",
        (2, 11),
        "known before the run",
        Some("params and times"),
    );
}

#[test]
fn count_from_all() {
    let src = format!("{PAIR}general C {{ decide at 1: attack if count received plan from all >= 1 }}\n");
    error(&src, "herald::check::count_from_all", (4, 36), "counts nothing more", Some("distinct senders"));
}

// ------------------------------------------------------------------ the whole scenario

#[test]
fn no_generals() {
    error("scenario \"empty\"\n", "herald::check::no_generals", (1, 1), "no generals", Some("general A"));
}

#[test]
fn empty_file() {
    error("", "herald::check::no_generals", (1, 1), "no generals", Some("general A"));
}

#[test]
fn mixed_attack_and_commit_decisions() {
    let src = "general A { decide at 1: attack }\ngeneral B { decide at 1: commit 5 }\nchannel A <-> B { delay 1 }";
    let d = error(
        src,
        "herald::check::mixed_decisions",
        (2, 26),
        "both attack/wait and values",
        Some("either attack/wait or values"),
    );
    assert_eq!(label_at(src, &d, 1), (1, 26));
}

#[test]
fn crash_any_of_none() {
    let src = format!("{PAIR}crash any 0 of A, B\n");
    error(
        &src,
        "herald::check::bad_number",
        (4, 11),
        "'crash any 0' must crash at least 1",
        Some("crash any 1 of A, B"),
    );
}

#[test]
fn crash_any_with_a_backwards_window() {
    let src = format!("{PAIR}crash any 1 of A, B from 5 to 2\n");
    error(&src, "herald::check::bad_window", (4, 1), "this window runs backwards: from 5 to 2", None);
}

#[test]
fn crash_any_of_an_unknown_general() {
    let src = format!("{PAIR}crash any 1 of A, Q\n");
    error(&src, "herald::check::unknown_general", (4, 19), "unknown general 'Q'", Some("the generals are: A, B"));
}

#[test]
fn recover_names_an_unknown_general() {
    let src = format!("{PAIR}crash A at 2\nrecover Q at 5\n");
    error(&src, "herald::check::unknown_general", (5, 9), "unknown general 'Q'", Some("the generals are: A, B"));
}

#[test]
fn recover_and_on_recover_are_supported() {
    let src = format!(
        "{PAIR}crash A at 2\nrecover A at 5\ngeneral C {{\n  on recover {{ wait }}\n  decide at 1: attack\n}}\n"
    );
    let (ok, diags) = diags_with(&src, &[]);
    assert!(ok, "{diags:#?}");
}

// ------------------------------------------------------------------ warnings

#[test]
fn time_past_the_horizon() {
    let src = "horizon 10\ntime dawn = 20\ngeneral A { decide at dawn: attack }\n";
    let (ok, diags) = diags_with(src, &[]);
    assert!(ok, "{diags:#?}");
    // One cause, one warning: at the time, not again at each use of it.
    assert_eq!(diags.len(), 1, "{diags:#?}");
    warning(src, "herald::check::past_horizon", (2, 6), "'dawn' = 20 is past the horizon (10)", Some("'horizon 20'"));
}

#[test]
fn tick_past_the_horizon() {
    let src = "horizon 10\ngeneral A {\n  at 15 { attack }\n}\n";
    warning(src, "herald::check::past_horizon", (3, 6), "tick 15 is past the horizon (10)", Some("'horizon 15'"));
}

#[test]
fn never_decides() {
    let src = "general A { decide at 1: attack }\ngeneral B { }\n";
    warning(src, "herald::check::never_decides", (2, 9), "'B' can never decide", Some("decide at"));
}

#[test]
fn never_received() {
    let src = "general A {\n  on start { send plan to B }\n  decide at 1: attack\n}\ngeneral B { decide at 1: attack }\nchannel A <-> B { delay 1 }\n";
    warning(
        src,
        "herald::check::never_received",
        (2, 19),
        "'plan' is sent but never received or checked",
        Some("on receive plan"),
    );
}

#[test]
fn never_sent() {
    let src = format!("{PAIR}general C {{ decide at 1: attack if received zebra }}\n");
    warning(&src, "herald::check::never_sent", (4, 45), "'zebra' is checked but never sent", Some("can never match"));
}

#[test]
fn total_loss() {
    let src = "general A { decide at 1: attack }\ngeneral B { decide at 1: attack }\nchannel A <-> B { lose 100% }\n";
    warning(
        src,
        "herald::check::total_loss",
        (3, 19),
        "every messenger on this channel is captured",
        Some("partition"),
    );
}

#[test]
fn shadowed_decision() {
    let src = "general A {\n  decide at 1: attack\n  decide at 2: wait\n}\n";
    let d = warning(
        src,
        "herald::check::shadowed",
        (3, 3),
        "this decision can never be taken",
        Some("a decision is final"),
    );
    assert_eq!(label_at(src, &d, 1), (2, 3));
}

#[test]
fn shadowed_loss_rule() {
    let src = "general A { decide at 1: attack }\ngeneral B { decide at 1: attack }\nchannel A <-> B { lose all  lose 50% }\n";
    let (ok, diags) = diags_with(src, &[]);
    assert!(ok);
    find(src, &diags, "herald::check::shadowed", (3, 29), "this loss rule can never capture", None);
}

#[test]
fn warning_only_file_loads() {
    let src = "general A { decide at 1: attack }\ngeneral B { }\n";
    let l = herald::load("w.herald", src.as_bytes(), &[]).expect("a warning does not stop loading");
    assert_eq!(l.warnings.len(), 1);
    assert_eq!(l.warnings[0].code, "herald::check::never_decides");
    assert_eq!(l.model.generals.len(), 2);
}

// ------------------------------------------------------------------ several at once

#[test]
fn several_problems_at_once() {
    let src = "general A {
  on start { send plan to C }
  decide at dawm: attack
}
general B { decide at 1: attack if received plan from A }
channel A <-> B { delay 5..2 }
";
    let (ok, diags) = diags_with(src, &[]);
    assert!(!ok);
    let errors: Vec<&Diag> = diags.iter().filter(|d| d.is_error()).collect();
    let codes: Vec<&str> = errors.iter().map(|d| d.code).collect();
    assert_eq!(
        codes,
        ["herald::check::unknown_general", "herald::check::unknown_name", "herald::check::bad_delay"],
        "{diags:#?}"
    );
    let at: Vec<(usize, usize)> = errors.iter().map(|d| line_col(src, d.span().start)).collect();
    assert_eq!(at, [(2, 27), (3, 13), (6, 19)]);
}

#[test]
fn role_problems_are_reported_once() {
    // A role's rules are checked for each member; the problem is still one problem.
    let src = "role r {\n  decide at dawm: attack\n}\ngenerals G1..G5 are r\nchannel * <-> * { delay 1 }\n";
    let (ok, diags) = diags_with(src, &[]);
    assert!(!ok);
    assert_eq!(diags.iter().filter(|d| d.code == "herald::check::unknown_name").count(), 1, "{diags:#?}");
}

// ------------------------------------------------------------------ issue 16

#[test]
fn nul_byte_in_a_string_or_a_comment() {
    let frame = "general A { decide at 1: attack }\n";
    error(&format!("scenario \"a\0b\"\n{frame}"), "herald::syntax::nul_byte", (1, 12), "NUL byte", Some("plain text"));
    error(
        &format!("scenario \"a\\\0b\"\n{frame}"),
        "herald::syntax::nul_byte",
        (1, 13),
        "NUL byte",
        Some("plain text"),
    );
    error(&format!("# a\0b\n{frame}"), "herald::syntax::nul_byte", (1, 4), "NUL byte", Some("plain text"));
}

/// Every diagnostic of `src` (errors and warnings): its code and where it starts.
fn all(src: &str) -> Vec<(&'static str, (usize, usize))> {
    let (_, diags) = diags_with(src, &[]);
    diags.iter().map(|d| (d.code, line_col(src, d.span().start))).collect()
}

#[test]
fn overflow_of_a_negation() {
    // Known before the run: the checker says so.
    error(
        "time t = 1 + -(-9223372036854775807 - 1)\ngeneral A { decide at 1: attack }",
        "herald::check::overflow",
        (1, 14),
        "overflows",
        None,
    );
    let src = "channel A <-> B { delay 1 }
general A {
  on start { send v(-(-9223372036854775807 - 1)) to B }
  decide at 5: attack
}
general B { decide at 5: attack if received v(1) }
";
    assert_eq!(all(src), [("herald::check::overflow", (3, 21))]);
}

#[test]
fn overflow_of_a_variable_start_is_no_dependence_on_the_run() {
    // It is known before the run: not 'depends on the run'.
    let src = "general A {\n  var x = 9223372036854775807 + 1\n  decide at 1: attack\n}\n";
    assert_eq!(all(src), [("herald::check::overflow", (2, 11))]);
}

#[test]
fn a_bad_delay_is_not_also_a_missing_channel() {
    let src = "general A {
  on start { send plan to B }
  decide at 1: attack
}
general B { decide at 1: attack if received plan from A }
channel A <-> B { delay 0 }
";
    assert_eq!(all(src), [("herald::check::bad_delay", (6, 25))]);
}

#[test]
fn a_bad_range_of_generals_is_not_also_no_generals() {
    assert_eq!(all("generals G5..G1\nchannel * <-> * { delay 1 }"), [("herald::check::bad_range", (1, 10))]);
    assert_eq!(all("generals G1..G300"), [("herald::check::too_many_generals", (1, 10))]);
    assert_eq!(all("generals A..B"), [("herald::check::bad_range", (1, 10))]);
}

#[test]
fn a_decision_with_a_type_error_is_not_also_never_deciding() {
    let src = "general A { decide at 1: attack }
general B { decide at 1: attack if 1 + 1 }
channel A <-> B { delay 1 }
";
    assert_eq!(all(src), [("herald::check::type_mismatch", (2, 36))]);
    // Nor is a rule that attacks but did not check.
    let src = "general A { decide at 1: attack }
general B { at nope { attack } }
channel A <-> B { delay 1 }
";
    assert_eq!(all(src), [("herald::check::unknown_name", (2, 16))]);
}

#[test]
fn a_general_declared_twice_is_not_also_never_deciding() {
    let src = "generals A, B\ngeneral A { decide at 1: attack }\ngeneral B { decide at 1: attack }\n";
    assert_eq!(all(src), [("herald::check::duplicate", (2, 9)), ("herald::check::duplicate", (3, 9))]);
}

#[test]
fn a_negative_lose_after_is_said_and_not_a_missing_channel() {
    // It was refused without a word, and its channel reported missing.
    let src = "channel A <-> B { lose after -1 }
general A { on start { send m to B } decide at 5: attack }
general B { decide at 5: attack if received m }
";
    assert_eq!(all(src), [("herald::check::bad_number", (1, 30))]);
}

#[test]
fn a_param_or_time_with_a_bad_value_is_not_also_unknown() {
    // Its uses were 'unknown', a probability param's name a message kind never sent,
    // and a decision at an unknown time a general that never decides.
    let src = "param loss = 150%
time t = 4 / 0
channel A <-> B { lose loss }
general A { decide at t: attack }
general B { decide at 1: attack if 1 + t > 0 }
";
    assert_eq!(all(src), [("herald::check::bad_probability", (1, 14)), ("herald::check::division_by_zero", (2, 10))]);
}

const VALUES: &str = "general A { decide at 5: commit 1 }
general B { decide at 5: commit 2 }
";

const ATTACKS: &str = "general A { decide at 5: attack }
general B { decide at 5: wait }
";

#[test]
fn attack_outcome_in_a_value_scenario() {
    let src = format!("{VALUES}expect never defeat\n");
    let d = error(
        &src,
        "herald::check::impossible_outcome",
        (3, 14),
        "'defeat' never happens in a scenario that commits values",
        Some("agreement, disagreement or undecided"),
    );
    assert!(d.labels[0].1.contains("an outcome of attack scenarios"), "{:?}", d.labels);
    assert_eq!(label_at(&src, &d, 1), (1, 26));
    for (line, at) in [
        ("expect victory", (3, 8)),
        ("expect probability no-attack < 1%", (3, 20)),
        ("expect possible defeat", (3, 17)),
        ("expect A attacks", (3, 8)),
        ("expect seed 2: B waits", (3, 16)),
    ] {
        assert_eq!(all(&format!("{VALUES}{line}\n")), [("herald::check::impossible_outcome", at)], "{line}");
    }
}

#[test]
fn value_outcome_in_an_attack_scenario() {
    let src = format!("{ATTACKS}expect probability agreement = 100%\n");
    error(
        &src,
        "herald::check::impossible_outcome",
        (3, 20),
        "'agreement' never happens in an attack scenario",
        Some("victory, defeat or no-attack"),
    );
    for (line, at) in
        [("expect never disagreement", (3, 14)), ("expect undecided", (3, 8)), ("expect A commits 1", (3, 8))]
    {
        assert_eq!(all(&format!("{ATTACKS}{line}\n")), [("herald::check::impossible_outcome", at)], "{line}");
    }
    // What both kinds have is fine in either.
    for frame in [VALUES, ATTACKS] {
        for line in ["expect A undecided", "expect never B crashes"] {
            assert_eq!(all(&format!("{frame}{line}\n")), [], "{line}");
        }
    }
}

#[test]
fn a_fraction_is_a_probability_between_0_and_1() {
    let src = "generals A, B\nchannel A <-> B { lose 9/8 }\n";
    let d = error(src, "herald::check::bad_probability", (2, 24), "between 0% and 100%", Some("1/2"));
    assert!(d.labels[0].1.contains("112.5%"), "{:?}", d.labels);
    let src = "generals A, B\nchannel A <-> B { duplicate 1/0 }\n";
    error(src, "herald::check::bad_probability", (2, 29), "cannot divide by zero", Some("at least 1"));
    // In a param, `N/D` alone is a probability: an integer division is written in brackets.
    let src = "param n = 10/2\ngeneral A { decide at n: attack }\n";
    error(src, "herald::check::bad_probability", (1, 11), "between 0% and 100%", Some("(10/2)"));
}
