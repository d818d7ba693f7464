//! The report of a batch of trials.

use std::fmt::Write;

use serde::Serialize;

use super::{ParamShown, SCHEMA_VERSION, ScenarioInfo, params_shown, percent_fixed};
use crate::Loaded;
use crate::analysis::stats::wilson;
use crate::analysis::trials::{BLOCK, EXPLAIN_BUDGET, FATES, OUTCOMES, Tally};
use crate::explain::Cause;

/// Outcome frequencies, decisions and reasons over a batch of trials.
#[derive(Debug, Clone, Serialize)]
pub struct TrialsReport {
    pub herald: u32,
    pub scenario: ScenarioInfo,
    pub seed: u64,
    pub trials: u64,
    /// How trials map to random streams (the reproducibility promise).
    pub streams: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<ParamShown>,
    pub outcomes: Vec<OutcomeRow>,
    pub generals: Vec<GeneralRow>,
    /// How many trials were explained to find the reasons.
    pub explained: u64,
    /// When fewer trials were explained than `--explain` asked, for the explanations'
    /// budget: how many were asked for, and why fewer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain_cut: Option<ExplainCutShown>,
    pub reasons: Vec<ReasonRow>,
}

/// Fewer trials explained than asked.
#[derive(Debug, Clone, Serialize)]
pub struct ExplainCutShown {
    pub asked: u64,
    pub why: String,
}

/// One outcome's frequency.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeRow {
    pub outcome: &'static str,
    pub count: u64,
    pub share: f64,
    /// 95% Wilson score interval.
    pub low: f64,
    pub high: f64,
}

/// What one general did, as shares of the trials.
#[derive(Debug, Clone, Serialize)]
pub struct GeneralRow {
    pub general: String,
    pub attack: f64,
    pub wait: f64,
    #[serde(skip_serializing_if = "is_zero")]
    pub commit: f64,
    pub undecided: f64,
    #[serde(skip_serializing_if = "is_zero")]
    pub crashed: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// Why a general decided as it did, over the explained trials.
#[derive(Debug, Clone, Serialize)]
pub struct ReasonRow {
    pub general: String,
    pub decision: &'static str,
    /// Share of all trials in which it decided so.
    pub share: f64,
    /// Explained trials in which it decided so.
    pub explained: u64,
    pub because: Vec<Because>,
}

/// One set of causes and how often it was the reason.
#[derive(Debug, Clone, Serialize)]
pub struct Because {
    pub reason: String,
    pub share: f64,
}

fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Builds the report of a batch.
pub fn build(l: &Loaded, seed: u64, tally: &Tally) -> TrialsReport {
    let model = &l.model;
    let n = tally.trials;
    let share = |x: u64| if n == 0 { 0.0 } else { round(x as f64 / n as f64) };
    let outcomes = OUTCOMES
        .iter()
        .enumerate()
        .filter(|(i, o)| {
            tally.outcomes[*i] > 0 || model.values == matches!(o.word(), "agreement" | "disagreement" | "undecided")
        })
        .map(|(i, o)| {
            let (low, high) = wilson(tally.outcomes[i], n);
            OutcomeRow {
                outcome: o.word(),
                count: tally.outcomes[i],
                share: share(tally.outcomes[i]),
                low: round(low),
                high: round(high),
            }
        })
        .collect();
    let generals = model
        .generals
        .iter()
        .enumerate()
        .map(|(g, gen_)| {
            let f = tally.fates[g];
            GeneralRow {
                general: gen_.name.clone(),
                attack: share(f[0]),
                wait: share(f[1]),
                commit: share(f[2]),
                undecided: share(f[3]),
                crashed: share(f[4]),
            }
        })
        .collect();
    let mut reasons = Vec::new();
    for ((g, fate), (explained, by_cause)) in &tally.explained {
        let mut rows: Vec<(&Vec<Cause>, &u64)> = by_cause.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let because = rows
            .into_iter()
            .take(5)
            .map(|(cs, m)| Because {
                reason: if cs.is_empty() {
                    "nothing it had to hear of was lost".to_string()
                } else {
                    super::and_list(&cs.iter().map(|c| c.describe(model)).collect::<Vec<_>>())
                },
                share: round(*m as f64 / *explained as f64),
            })
            .collect();
        reasons.push(ReasonRow {
            general: model.name(*g).to_string(),
            decision: FATES[*fate],
            share: share(tally.fates[*g as usize][*fate]),
            explained: *explained,
            because,
        });
    }
    TrialsReport {
        herald: SCHEMA_VERSION,
        scenario: ScenarioInfo { file: l.source.name.clone(), title: model.title.clone(), about: model.about.clone() },
        seed,
        trials: n,
        streams: format!(
            "ChaCha8 keyed by the seed; trial k draws from stream k / {BLOCK}, after the trials before it in that stream"
        ),
        params: params_shown(model),
        outcomes,
        generals,
        explained: tally.explained.values().map(|v| v.0).sum::<u64>() / model.generals.len().max(1) as u64,
        explain_cut: tally.explain_cut.map(|c| ExplainCutShown {
            asked: c.asked,
            why: format!(
                "explained trials stop near {} events in all, and a trial here takes about {}",
                thousands(EXPLAIN_BUDGET),
                thousands(c.events)
            ),
        }),
        reasons,
    }
}

/// Renders a trials report as text.
pub fn render(r: &TrialsReport, color: bool) -> String {
    let p = super::text::Paint { on: color };
    let mut o = String::new();
    let title = r.scenario.title.clone().unwrap_or_else(|| r.scenario.file.clone());
    let _ = writeln!(o, "{}", p.bold(&title));
    let _ =
        writeln!(o, "{}", p.dim(&format!("{} · {} trials · seed {}", r.scenario.file, thousands(r.trials), r.seed)));
    if !r.params.is_empty() {
        let ps: Vec<String> = r.params.iter().map(|x| format!("{} = {}", x.name, x.value)).collect();
        let _ = writeln!(o, "{}", p.dim(&format!("params: {}", ps.join(", "))));
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "{}", p.bold("Outcomes") + &p.dim("  (share of trials, 95% confidence interval)"));
    for row in &r.outcomes {
        let _ = writeln!(
            o,
            "  {:<13} {:>8}  [{}, {}]  {}",
            row.outcome,
            percent_fixed(row.share),
            percent_fixed(row.low),
            percent_fixed(row.high),
            p.dim(&format!("{} trials", thousands(row.count)))
        );
    }
    let _ = writeln!(o);
    let values = r.generals.iter().any(|g| g.commit > 0.0);
    let crashes = r.generals.iter().any(|g| g.crashed > 0.0);
    let mut head = format!("  {:<10}", "general");
    let cols: Vec<&str> = if values { vec!["commit", "wait"] } else { vec!["attack", "wait"] };
    for c in cols.iter().chain(["undecided"].iter()).chain(if crashes { ["crashed"].iter() } else { [].iter() }) {
        let _ = write!(head, " {c:>10}");
    }
    let _ = writeln!(o, "{}", p.bold("Decisions"));
    let _ = writeln!(o, "{}", p.dim(&head));
    for g in &r.generals {
        let first = if values { g.commit } else { g.attack };
        let _ = write!(
            o,
            "  {:<10} {:>10} {:>10} {:>10}",
            g.general,
            percent_fixed(first),
            percent_fixed(g.wait),
            percent_fixed(g.undecided)
        );
        if crashes {
            let _ = write!(o, " {:>10}", percent_fixed(g.crashed));
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o);
    if r.explained == 0 {
        let _ = writeln!(o, "{}", p.bold("Why") + &p.dim("  (no trial explained: --explain 0)"));
        return o;
    }
    let _ = writeln!(
        o,
        "{}",
        p.bold("Why")
            + &p.dim(&format!("  (from {} explained trials, spread evenly over the batch)", thousands(r.explained)))
    );
    if let Some(c) = &r.explain_cut {
        let _ = writeln!(o, "  {}", p.dim(&format!("(fewer than the {} asked: {})", thousands(c.asked), c.why)));
    }
    for row in &r.reasons {
        let verb = match row.decision {
            "attack" => "attacked",
            "wait" => "waited",
            "commit" => "committed",
            "crashed" => "crashed",
            _ => "never decided",
        };
        let _ = writeln!(
            o,
            "  {} {verb} in {} of trials; of the {} explained:",
            p.bold(&row.general),
            percent_fixed(row.share),
            thousands(row.explained)
        );
        for b in &row.because {
            let _ = writeln!(o, "    {:>8}  because {}", percent_fixed(b.share), b.reason);
        }
    }
    o
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
