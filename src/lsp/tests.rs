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
