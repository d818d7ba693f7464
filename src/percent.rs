//! How herald writes a probability for people: `50%`, `33.33%`, `0.000061%` (shared by the
//! checker's messages, the reports, sweeps and `herald test`).

/// A probability as a percentage: `50%`, `33.33%`, `0.000061%`.
pub fn percent(p: f64) -> String {
    let v = p * 100.0;
    if v == 0.0 {
        return "0%".to_string();
    }
    let s = if v.abs() >= 0.01 { format!("{v:.2}") } else { format!("{v:.6}") };
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    format!("{s}%")
}

/// A probability as a percentage with at most `decimals` decimals (trailing zeros
/// dropped): `percent_with(2.0 / 3.0, 4)` is `66.6667%`.
pub fn percent_with(p: f64, decimals: usize) -> String {
    let v = p * 100.0;
    if v == 0.0 {
        return "0%".to_string();
    }
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    format!("{s}%")
}

/// The decimals of percentages that show `p` apart from each of `others` it differs
/// from, all written with as many: at least `from` and as many as [`percent`] writes `p`
/// with, at most 15. (Rounding keeps the order: two values written differently with as
/// many decimals are written in their order.)
pub fn decimals_apart(p: f64, others: &[f64], from: usize) -> usize {
    let base = if (p * 100.0).abs() >= 0.01 || p == 0.0 { 2 } else { 6 };
    (base.max(from).min(15)..=15)
        .find(|&d| others.iter().all(|&o| o == p || percent_with(o, d) != percent_with(p, d)))
        .unwrap_or(15)
}

/// The decimals that write the percentage `p` exactly, if at most `max`.
pub fn exact_decimals(p: f64, max: usize) -> Option<usize> {
    let v = p * 100.0;
    (0..=max).find(|&d| {
        let scale = 10f64.powi(d as i32);
        ((v * scale).round() / scale - v).abs() <= 1e-9 * v.abs().max(1.0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enough_decimals_to_tell_values_apart() {
        assert_eq!(percent_with(2.0 / 3.0, 4), "66.6667%");
        assert_eq!(percent_with(0.5, 6), "50%");
        let found = 2.0 / 3.0;
        assert_eq!(decimals_apart(found, &[0.66659, 0.66661], 3), 3);
        assert_eq!(percent_with(found, 3), "66.667%");
        // 66.6614% against 66.661%: written alike with 3 decimals, apart with 4.
        assert_eq!(decimals_apart(0.666614, &[0.66659, 0.66661], 3), 4);
        assert_eq!(decimals_apart(0.6667, &[0.6666], 0), 2);
        assert_eq!(decimals_apart(0.5, &[0.5], 0), 2);
        assert_eq!(exact_decimals(0.66659, 6), Some(3));
        assert_eq!(exact_decimals(1.0 / 3.0, 6), None);
    }
}
