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
