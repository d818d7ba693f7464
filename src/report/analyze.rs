//! The report of an exact analysis.

use std::fmt::Write;

use serde::Serialize;

use super::{ParamShown, RunReport, SCHEMA_VERSION, ScenarioInfo, params_shown, percent_fixed};
use crate::Loaded;
use crate::analysis::exact::{Exact, fraction, to_f64};
use crate::analysis::trials::OUTCOMES;
use crate::sim::{Mode, Script, Sim};

/// Exact outcome probabilities, with the most likely run to each outcome.
#[derive(Debug, Clone, Serialize)]
pub struct AnalyzeReport {
    pub herald: u32,
    pub scenario: ScenarioInfo,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<ParamShown>,
    /// Distinct states explored (identical states merged).
    pub states: u64,
    pub outcomes: Vec<Probability>,
    pub generals: Vec<GeneralOdds>,
    pub most_likely: Vec<MostLikely>,
}

/// A probability: decimal always, an exact fraction when its denominator is small.
#[derive(Debug, Clone, Serialize)]
pub struct Probability {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<&'static str>,
    pub probability: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<String>,
}

/// What one general does, with what probability.
#[derive(Debug, Clone, Serialize)]
pub struct GeneralOdds {
    pub general: String,
    pub attack: Probability,
    pub wait: Probability,
    #[serde(skip_serializing_if = "is_never")]
    pub commit: Probability,
    pub undecided: Probability,
    #[serde(skip_serializing_if = "is_never")]
    pub crashed: Probability,
    /// A value scenario: the probability of committing each value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub commits: Vec<CommitOdds>,
}

/// The probability of committing one value.
#[derive(Debug, Clone, Serialize)]
pub struct CommitOdds {
    pub value: String,
    pub probability: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<String>,
}

fn is_never(p: &Probability) -> bool {
    p.probability == 0.0
}

/// The most likely single run that ends in an outcome.
#[derive(Debug, Clone, Serialize)]
pub struct MostLikely {
    pub outcome: &'static str,
    pub probability: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<String>,
    /// The choices of the run, in the order it made them (a replay).
    pub choices: Vec<u32>,
    pub run: RunReport,
}

fn prob(outcome: Option<&'static str>, p: &num_rational::BigRational) -> Probability {
    Probability { outcome, probability: (to_f64(p) * 1e12).round() / 1e12, exact: fraction(p) }
}

/// Builds the report of an analysis (replaying and explaining each most likely run).
pub fn build(l: &Loaded, exact: &Exact) -> AnalyzeReport {
    let model = &l.model;
    let outcomes = OUTCOMES
        .iter()
        .enumerate()
        .filter(|(i, o)| {
            !num_traits::Zero::is_zero(&exact.outcomes[*i])
                || model.values == matches!(o.word(), "agreement" | "disagreement" | "undecided")
        })
        .map(|(i, o)| prob(Some(o.word()), &exact.outcomes[i]))
        .collect();
    let generals = model
        .generals
        .iter()
        .enumerate()
        .map(|(g, general)| {
            let f = &exact.fates[g];
            GeneralOdds {
                general: general.name.clone(),
                attack: prob(None, &f[0]),
                wait: prob(None, &f[1]),
                commit: prob(None, &f[2]),
                undecided: prob(None, &f[3]),
                crashed: prob(None, &f[4]),
                commits: exact.commits[g]
                    .iter()
                    .map(|(v, p)| {
                        let ty = general.vars.first().map(|v| v.ty).filter(|t| *t != crate::check::Ty::Bool);
                        let q = prob(None, p);
                        CommitOdds { value: model.show_value(*v, ty), probability: q.probability, exact: q.exact }
                    })
                    .collect(),
            }
        })
        .collect();
    let mut most_likely = Vec::new();
    let mut sim = Sim::new(model, Mode::Traced);
    sim.max_events = exact.max_events;
    for (i, o) in OUTCOMES.iter().enumerate() {
        let Some((p, choices)) = &exact.most_likely[i] else { continue };
        sim.run(&mut Script::new(choices)).expect("a path found by the analysis replays");
        most_likely.push(MostLikely {
            outcome: o.word(),
            probability: (to_f64(p) * 1e12).round() / 1e12,
            exact: fraction(p),
            choices: choices.clone(),
            run: super::build(&sim, l, None, choices),
        });
    }
    AnalyzeReport {
        herald: SCHEMA_VERSION,
        scenario: ScenarioInfo { file: l.source.name.clone(), title: model.title.clone(), about: model.about.clone() },
        params: params_shown(model),
        states: exact.states,
        outcomes,
        generals,
        most_likely,
    }
}

fn show(p: &Probability) -> String {
    match &p.exact {
        Some(f) if f != "0" && f != "1" => format!("{:>9}  {f}", percent_fixed(p.probability)),
        _ => format!("{:>9}", percent_fixed(p.probability)),
    }
}

/// Renders an analysis as text.
pub fn render(r: &AnalyzeReport, color: bool) -> String {
    let p = super::text::Paint { on: color };
    let mut o = String::new();
    let title = r.scenario.title.clone().unwrap_or_else(|| r.scenario.file.clone());
    let _ = writeln!(o, "{}", p.bold(&title));
    let _ = writeln!(
        o,
        "{}",
        p.dim(&format!(
            "{} · exact, every random choice enumerated · {} distinct states",
            r.scenario.file,
            super::trials::thousands(r.states)
        ))
    );
    if !r.params.is_empty() {
        let ps: Vec<String> = r.params.iter().map(|x| format!("{} = {}", x.name, x.value)).collect();
        let _ = writeln!(o, "{}", p.dim(&format!("params: {}", ps.join(", "))));
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "{}", p.bold("Outcomes"));
    for x in &r.outcomes {
        let _ = writeln!(o, "  {:<13} {}", x.outcome.unwrap_or(""), show(x));
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "{}", p.bold("Decisions"));
    for g in &r.generals {
        let mut parts = if g.commits.is_empty() {
            vec![
                format!("attack {}", percent_fixed(g.attack.probability)),
                format!("wait {}", percent_fixed(g.wait.probability)),
            ]
        } else {
            g.commits.iter().map(|c| format!("commits {} {}", c.value, percent_fixed(c.probability))).collect()
        };
        if g.undecided.probability > 0.0 {
            parts.push(format!("undecided {}", percent_fixed(g.undecided.probability)));
        }
        if g.crashed.probability > 0.0 {
            parts.push(format!("crashed {}", percent_fixed(g.crashed.probability)));
        }
        let _ = writeln!(o, "  {:<10} {}", g.general, parts.join(", "));
    }
    for m in &r.most_likely {
        let _ = writeln!(o);
        let exact = m.exact.as_ref().map(|f| format!(" = {f}")).unwrap_or_default();
        let _ = writeln!(
            o,
            "{}",
            p.bold(&format!(
                "The most likely run ending in {}: probability {}{exact}",
                m.outcome,
                percent_fixed(m.probability)
            ))
        );
        o.push_str(&super::render_run_body(&m.run, color, 2));
    }
    o
}
