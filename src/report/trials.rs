//! The report of a batch of trials.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use super::{ParamShown, SCHEMA_VERSION, ScenarioInfo, params_shown, percent_fixed};
use crate::Loaded;
use crate::analysis::stats::wilson;
use crate::analysis::trials::{BLOCK, EXPLAIN_BUDGET, Explained, FATES, OUTCOMES, Tally};
use crate::check::GenId;
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
    /// A value scenario: how often it committed each value (the [`MAX_SHOWN`] most
    /// common, in the order of their values).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub commits: Vec<CommitShare>,
    /// The commits of values not listed in `commits`, together.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_commits: Option<OtherCommits>,
}

/// How often a general committed one value.
#[derive(Debug, Clone, Serialize)]
pub struct CommitShare {
    pub value: String,
    pub count: u64,
    pub share: f64,
}

/// How often a general committed values not listed one by one.
#[derive(Debug, Clone, Serialize)]
pub struct OtherCommits {
    pub count: u64,
    pub share: f64,
}

/// The most committed values listed one by one per general (the others are counted
/// together).
pub const MAX_SHOWN: usize = 10;

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

/// Why a general decided as it did, over the explained trials.
#[derive(Debug, Clone, Serialize)]
pub struct ReasonRow {
    pub general: String,
    pub decision: &'static str,
    /// For a commit: the value committed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// For a commit: true when the row counts the values not listed one by one.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub other_values: bool,
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

/// A committed value in the reasons: listed one by one, or one of the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Listed {
    Value(i64),
    Other,
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
    // A value as its general's variables show it (numbers unless they are strings).
    let show = |g: usize, v: i64| {
        let ty = model.generals[g].vars.first().map(|v| v.ty).filter(|t| *t != crate::check::Ty::Bool);
        model.show_value(v, ty)
    };
    // Per general, the values listed one by one: the most committed (the smaller value
    // first among equals), in the order of their values.
    let shown: Vec<Vec<i64>> = tally
        .commits
        .iter()
        .map(|values| {
            let mut by_count: Vec<(i64, u64)> = values.iter().map(|(v, n)| (*v, *n)).collect();
            by_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let mut listed: Vec<i64> = by_count.into_iter().take(MAX_SHOWN).map(|(v, _)| v).collect();
            listed.sort_unstable();
            listed
        })
        .collect();
    let generals: Vec<GeneralRow> = model
        .generals
        .iter()
        .enumerate()
        .map(|(g, gen_)| {
            let f = tally.fates[g];
            let listed = &shown[g];
            let commits: Vec<CommitShare> = listed
                .iter()
                .map(|v| {
                    let count = tally.commits[g][v];
                    CommitShare { value: show(g, *v), count, share: share(count) }
                })
                .collect();
            let others = f[2] - commits.iter().map(|c| c.count).sum::<u64>();
            GeneralRow {
                general: gen_.name.clone(),
                attack: share(f[0]),
                wait: share(f[1]),
                commit: share(f[2]),
                undecided: share(f[3]),
                crashed: share(f[4]),
                commits,
                other_commits: (others > 0).then(|| OtherCommits { count: others, share: share(others) }),
            }
        })
        .collect();
    // The explained trials by general, fate and (listed) value; the values not listed
    // counted together (`None` after `Some`).
    let mut explained: BTreeMap<(GenId, usize, Option<Listed>), Explained> = BTreeMap::new();
    for ((g, fate, value), (n, by_cause)) in &tally.explained {
        let listed = value.map(|v| if shown[*g as usize].contains(&v) { Listed::Value(v) } else { Listed::Other });
        let key = (*g, *fate, listed);
        let e = explained.entry(key).or_default();
        e.0 += n;
        for (c, m) in by_cause {
            *e.1.entry(c.clone()).or_default() += m;
        }
    }
    let mut reasons = Vec::new();
    for ((g, fate, value), (explained, by_cause)) in &explained {
        let mut rows: Vec<(&Vec<Cause>, &u64)> = by_cause.iter().collect();
        rows.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let because = rows
            .into_iter()
            .take(5)
            .map(|(cs, m)| Because {
                reason: if cs.is_empty() && value.is_some() {
                    "its value came from no messenger, and no other value was lost on its way to it".to_string()
                } else if cs.is_empty() {
                    "nothing it had to hear of was lost".to_string()
                } else {
                    super::and_list(&cs.iter().map(|c| c.describe(model)).collect::<Vec<_>>())
                },
                share: round(*m as f64 / *explained as f64),
            })
            .collect();
        let count = match value {
            Some(Listed::Value(v)) => tally.commits[*g as usize][v],
            Some(Listed::Other) => generals[*g as usize].other_commits.as_ref().map_or(0, |o| o.count),
            None => tally.fates[*g as usize][*fate],
        };
        reasons.push(ReasonRow {
            general: model.name(*g).to_string(),
            decision: FATES[*fate],
            value: match value {
                Some(Listed::Value(v)) => Some(show(*g as usize, *v)),
                _ => None,
            },
            other_values: *value == Some(Listed::Other),
            share: share(count),
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
        if !g.commits.is_empty() {
            let mut parts: Vec<String> =
                g.commits.iter().map(|c| format!("commits {} {}", c.value, percent_fixed(c.share))).collect();
            if let Some(x) = &g.other_commits {
                parts.push(format!("other values {}", percent_fixed(x.share)));
            }
            let _ = writeln!(o, "    {}", p.dim(&parts.join(", ")));
        }
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
        let verb = match (&row.value, row.other_values) {
            (Some(v), _) => format!("{verb} {v}"),
            (None, true) => format!("{verb} another value"),
            (None, false) => verb.to_string(),
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
