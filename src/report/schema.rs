//! The schema of one run's report (`RunReport` and its parts), serialized as YAML and JSON.

use serde::Serialize;

use crate::explain::Why;
use crate::syntax::ast::Outcome;

/// One run, explained.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    pub herald: u32,
    pub scenario: ScenarioInfo,
    /// The seed of a seeded run; absent for a replayed run (an exact or adversarial one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<ParamShown>,
    pub generals: Vec<String>,
    pub timeline: Vec<Event>,
    pub end: EndInfo,
    pub decisions: Vec<GeneralReport>,
    pub outcome: OutcomeReport,
    /// For a run that did not end in victory (or agreement): the captured messengers whose
    /// delivery alone would have changed the outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub what_if: Option<WhatIf>,
}

/// Counterfactuals of a run that ended badly.
#[derive(Debug, Clone, Serialize)]
pub struct WhatIf {
    /// Probabilistically captured messengers tried (each delivered in a run of its own).
    pub tried: usize,
    /// When the pass was cut short: the captured messengers not tried, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub untried: Option<Untried>,
    pub changes: Vec<Change>,
}

/// Captured messengers a what-if pass did not try, and why (its bounds: at most 64
/// messengers, and a budget of work).
#[derive(Debug, Clone, Serialize)]
pub struct Untried {
    pub count: usize,
    pub why: String,
}

/// A captured messenger whose delivery alone would have changed the outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub from: String,
    pub to: String,
    pub message: String,
    /// Its number on its channel.
    pub messenger: u32,
    pub channel: String,
    pub sent: u32,
    /// The outcome had it arrived.
    pub outcome: Outcome,
    /// Whether some live general would still have ended undecided.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub blocked: bool,
    pub says: String,
}

/// What the scenario is.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioInfo {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
}

/// A param and the value the run used.
#[derive(Debug, Clone, Serialize)]
pub struct ParamShown {
    pub name: String,
    pub value: String,
}

/// One entry of the timeline.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Event {
    pub tick: u32,
    /// `send`, `deliver`, `capture`, `lost`, `decide`, `crash`.
    pub event: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub general: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The messenger's number on its channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub messenger: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub duplicate: bool,
    /// For a send: when it will arrive (or would have, if it is captured).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arrives: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    /// What did it: a rule, a loss rule, a partition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// The roll of a probabilistic capture (a uniform draw in [0, 1)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub roll: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub probability: Option<String>,
}

/// How the run ended.
#[derive(Debug, Clone, Serialize)]
pub struct EndInfo {
    pub tick: u32,
    /// `all-decided`, `quiet` (nothing left to happen), `horizon`.
    pub reason: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub in_flight: Vec<InFlight>,
}

/// A messenger still on the road at the end.
#[derive(Debug, Clone, Serialize)]
pub struct InFlight {
    pub from: String,
    pub to: String,
    pub message: String,
    pub messenger: u32,
    pub channel: String,
    pub sent: u32,
    pub arrives: u32,
}

/// A general's decision and why.
#[derive(Debug, Clone, Serialize)]
pub struct GeneralReport {
    pub general: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `attack`, `wait`, `commit`, `undecided`, `crashed`.
    pub decision: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tick: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<RuleShown>,
    pub why: Vec<Why>,
    /// How deeply it knew the plan when it decided (or crashed, or the run ended).
    pub knowledge: crate::knowledge::Knowledge,
}

/// A rule, as reports name it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleShown {
    pub line: u32,
    pub text: String,
}

/// The outcome and its one-sentence summary.
#[derive(Debug, Clone, Serialize)]
pub struct OutcomeReport {
    pub result: Outcome,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub attacked: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub waited: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub committed: Vec<Committed>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub crashed: Vec<String>,
    pub summary: String,
}

/// A value committed.
#[derive(Debug, Clone, Serialize)]
pub struct Committed {
    pub general: String,
    pub value: String,
}
