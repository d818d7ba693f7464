//! The server's analyses on every bundled scenario and on broken texts made from them
//! (every prefix at a stride, bytes flipped): every feature at many offsets, no panic.

fn everything(text: &str) {
    super::exercise(text, 40);
}

#[test]
fn every_feature_answers_on_every_bundled_scenario_and_its_broken_prefixes() {
    for path in crate::bundled_files(&["scenarios", "scenarios/exercises"]) {
        let text = std::fs::read_to_string(&path).unwrap();
        everything(&text);
        let stride = (text.len() / 12).max(1);
        for cut in (0..text.len()).step_by(stride) {
            if text.is_char_boundary(cut) {
                everything(&text[..cut]);
                // A character replaced by one that breaks the line's token.
                let mut broken = text.clone();
                if text.is_char_boundary(cut + 1) {
                    broken.replace_range(cut..cut + 1, "{");
                    everything(&broken);
                }
            }
        }
    }
}

#[test]
fn odd_texts_do_not_panic() {
    for t in [
        "",
        "\u{0}",
        "\r",
        "\r\n\r",
        "é🎺",
        "general",
        "{(",
        "# only",
        "\"\\",
        "no-attack",
        "-",
        "G1..G999999999999999999999",
    ] {
        everything(t);
    }
    everything(&format!("generals G1..G300\ntime t = {}1{}\n", "(".repeat(300), ")".repeat(300)));
}

/// Completion after each of these, at the end of `attempt2-acknowledgment.herald`.
#[test]
fn completion_fits_the_place() {
    let path = crate::bundled_files(&["scenarios"]).into_iter().find(|p| p.ends_with("attempt2-acknowledgment.herald"));
    let base = std::fs::read_to_string(path.expect("attempt 2")).unwrap();
    let names = super::analysis::Analysis::new(&base).index;
    let cases: &[(&str, &[&str])] = &[
        (
            "expect ",
            &[
                "A",
                "B",
                "agreement",
                "defeat",
                "disagreement",
                "never",
                "no-attack",
                "possible",
                "probability",
                "seed",
                "undecided",
                "victory",
            ],
        ),
        ("crash ", &["A", "B", "any"]),
        ("channel ", &["A", "B"]),
        ("channel A -> B { lose ", &["loss", "\"attack at dawn\"", "ack", "after", "all", "every", "first", "from"]),
        ("channel A -> B { lose 5% of ", &["\"attack at dawn\"", "ack"]),
        ("general C { on receive ack from ", &["A", "B", "all"]),
        ("general C { when ", &["loss", "dawn", "count", "max", "min", "not", "now", "received", "sent"]),
        ("general C { on start { send ack to A } decide at dawn: ", &["attack", "commit", "wait"]),
        ("crash any 1 of ", &["A", "B", "all"]),
        ("victory when ", &["all", "at"]),
    ];
    for (tail, want) in cases {
        let text = format!("{base}\n{tail}");
        let a = super::analysis::Analysis::new(&text);
        let got: Vec<String> =
            super::completion::complete(&a, &names, text.len()).into_iter().map(|i| i.label).collect();
        assert_eq!(&got, want, "after {tail:?}");
    }
}
