//! The server's analyses on every bundled scenario and on broken texts made from them
//! (every prefix at a stride, bytes flipped): every feature at many offsets, no panic.

use super::analysis::Analysis;
use super::{completion, features};

/// Every feature at offsets across the text.
fn everything(text: &str) {
    let a = Analysis::new(text);
    let _ = a.lsp_diagnostics(&"file:///x.herald".parse().unwrap());
    let _ = features::symbols(&a);
    let _ = features::folding(&a);
    let _ = features::formatting(&a);
    let _ = features::code_lenses(&a, "file:///x.herald");
    let step = (a.text.len() / 40).max(1);
    let mut at = 0;
    while at <= a.text.len() + 1 {
        let _ = features::hover(&a, at);
        let _ = features::definition(&a, at);
        let _ = features::references(&a, at, true);
        let _ = completion::complete(&a, &a.index, at);
        let p = a.lines.position(&a.text, at);
        let back = a.lines.offset(&a.text, p);
        assert!(back <= a.text.len() && a.text.is_char_boundary(back));
        at += step;
    }
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
