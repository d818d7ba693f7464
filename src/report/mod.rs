//! Reports: a run for people (text) and for programs (YAML, JSON). One schema
//! ([`RunReport`]) carries the content; text renders it, YAML and JSON serialize it.
//! Reports are built and rendered here, never printed: the commands (`cli`) do that.

pub mod analyze;
pub mod explore;
pub mod mermaid;
pub mod sweep;
mod text;
pub mod trials;

use serde::Serialize;

use crate::Loaded;
use crate::check::{Model, ParamVal};
use crate::diag::Diag;
use crate::explain::{Explainer, Why};
use crate::sim::{Decided, End, Fate, LogEntry, RunError, Sim};
use crate::syntax::ast::Outcome;

pub(crate) use text::Paint;
pub use text::{render_run, render_run_body};

/// How a report is written: for people (text), for programs (YAML, JSON), as a diagram
/// (Mermaid, for single runs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Yaml,
    Json,
    Mermaid,
}

impl Format {
    /// Its name, as `--format` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Yaml => "yaml",
            Format::Json => "json",
            Format::Mermaid => "mermaid",
        }
    }
}

/// Version of the YAML/JSON schema (the `herald:` key). Bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

pub use crate::percent::percent;

/// A share as a percentage with two decimals: `74.99%`.
pub fn percent_fixed(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

/// The params a run used, as reports show them.
pub fn params_shown(model: &Model) -> Vec<ParamShown> {
    model
        .params
        .iter()
        .map(|p| ParamShown {
            name: p.name.clone(),
            value: match &p.value {
                ParamVal::Int(v) => v.to_string(),
                ParamVal::Str(s) => format!("{s:?}"),
                ParamVal::Prob(p) => p.percent(),
            },
        })
        .collect()
}

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
    pub changes: Vec<Change>,
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

/// Serializes to YAML that YAML 1.1 readers (PyYAML, yaml.v2, Ruby) read the same way as
/// YAML 1.2 ones: the words they take for booleans or null (`yes`, `no`, `on`, `off`, `y`,
/// `n`, `~`) are quoted wherever they stand alone as a value.
pub fn to_yaml<T: Serialize>(value: &T) -> String {
    let text = yaml_serde::to_string(value).expect("a report serializes");
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.lines() {
        out.push_str(&quote_yaml11(line));
        out.push('\n');
    }
    out
}

/// Serializes to pretty JSON, ending with a newline.
pub fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("a report serializes") + "\n"
}

fn quote_yaml11(line: &str) -> String {
    const AMBIGUOUS: &[&str] =
        &["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "~"];
    // A scalar stands after `key: ` or after `- ` (a list item).
    let split = if let Some(i) = line.find(": ") {
        Some(i + 2)
    } else {
        let trimmed = line.trim_start();
        trimmed.starts_with("- ").then(|| line.len() - trimmed.len() + 2)
    };
    if let Some(at) = split
        && AMBIGUOUS.contains(&&line[at..])
    {
        return format!("{}'{}'", &line[..at], &line[at..]);
    }
    line.to_string()
}

/// A run that stopped at a limit, as a diagnostic on the rule responsible.
pub fn run_error(model: &Model, e: &RunError) -> Diag {
    match e {
        RunError::EventLimit { limit, rule, sent, tick } => {
            let r = &model.rules[*rule as usize];
            Diag::error(
                "herald::run::event_limit",
                format!("the run passed {limit} events at tick {tick} and was stopped"),
                r.span,
                format!("this rule sent {sent} messengers"),
            )
            .with_help("bound the rule (an 'until', a guard, fewer copies), or raise the limit with --max-events")
        }
        RunError::Arithmetic { rule, what, span, tick } => {
            let r = &model.rules[*rule as usize];
            Diag::error("herald::run::arithmetic", format!("{what} at tick {tick}"), *span, (*what).to_string())
                .with_label(r.span, "in this rule")
                .with_help("guard the expression so that it stays in range")
        }
    }
}

/// Builds the report of a finished, traced run, made by `choices`.
pub fn build(sim: &Sim, l: &Loaded, seed: Option<u64>, choices: &[u32]) -> RunReport {
    let model = &l.model;
    let mut ex = Explainer::new(sim, &l.source.text);
    let timeline = timeline(sim, &ex);
    let n = model.generals.len();
    let mut knowledge = crate::knowledge::at_decisions(sim).into_iter();
    let decisions = (0..n as u16)
        .map(|g| {
            let d = sim.state().decisions[g as usize];
            let crashed = sim.state().crashed[g as usize].is_some();
            let (decision, value) = match d.map(|d| d.what) {
                Some(Decided::Attack) => ("attack", None),
                Some(Decided::Wait) => ("wait", None),
                Some(Decided::Commit(v)) => ("commit", Some(commit_value(model, g, v))),
                None if crashed => ("crashed", None),
                None => ("undecided", None),
            };
            GeneralReport {
                general: model.name(g).to_string(),
                label: model.generals[g as usize].label.clone(),
                decision,
                value,
                tick: d.map(|d| d.tick).or(sim.state().crashed[g as usize]),
                rule: d.map(|d| {
                    let r = &model.rules[d.rule as usize];
                    RuleShown { line: r.line, text: r.text.clone() }
                }),
                why: ex.general(g),
                knowledge: knowledge.next().expect("one per general"),
            }
        })
        .collect();
    let in_flight = sim
        .state()
        .messengers
        .iter()
        .filter(|m| m.fate == Fate::InFlight)
        .map(|m| InFlight {
            from: model.name(m.from).to_string(),
            to: model.name(m.to).to_string(),
            message: model.show_msg(&m.msg),
            messenger: m.number,
            channel: model.show_chan(m.chan),
            sent: m.sent,
            arrives: m.arrives,
        })
        .collect();
    RunReport {
        herald: SCHEMA_VERSION,
        scenario: ScenarioInfo { file: l.source.name.clone(), title: model.title.clone(), about: model.about.clone() },
        seed,
        params: params_shown(model),
        generals: model.generals.iter().map(|g| g.name.clone()).collect(),
        timeline,
        end: EndInfo {
            tick: sim.state().now,
            reason: match sim.state().end {
                End::AllDecided => "all-decided",
                End::Quiet => "quiet",
                End::Horizon => "horizon",
            },
            in_flight,
        },
        decisions,
        outcome: outcome_report(sim),
        what_if: what_if(sim, l, choices),
    }
}

fn what_if(sim: &Sim, l: &Loaded, choices: &[u32]) -> Option<WhatIf> {
    use crate::analysis::counterfactual::{candidates, flips};
    let model = &l.model;
    if matches!(sim.outcome(), Outcome::Victory | Outcome::Agreement) && !sim.blocked() {
        return None;
    }
    let tried = candidates(sim).len();
    if tried == 0 {
        return None;
    }
    let changes = flips(model, choices, sim, sim.max_events)
        .into_iter()
        .map(|f| {
            let m = &sim.state().messengers[f.messenger as usize];
            let (from, to, message, channel) = (
                model.name(m.from).to_string(),
                model.name(m.to).to_string(),
                model.show_msg(&m.msg),
                model.show_chan(m.chan),
            );
            let still = if f.blocked { ", and still a general blocked" } else { "" };
            let says = format!(
                "had {message} #{} on {channel} (sent at tick {}) arrived: {}{still}",
                m.number,
                m.sent,
                f.outcome.word()
            );
            Change {
                from,
                to,
                message,
                messenger: m.number,
                channel,
                sent: m.sent,
                outcome: f.outcome,
                blocked: f.blocked,
                says,
            }
        })
        .collect();
    Some(WhatIf { tried, changes })
}

fn commit_value(model: &Model, g: u16, v: i64) -> String {
    let ty = model.generals[g as usize].vars.first().map(|v| v.ty);
    model.show_value(v, ty)
}

fn timeline(sim: &Sim, ex: &Explainer) -> Vec<Event> {
    let model = sim.model;
    // Everything is shown in the order it happened, and a capture at the tick the messenger
    // would have arrived, among that tick's deliveries in send order. Sort keys: (tick,
    // phase, messenger, position): phase 0 crashes, 1 deliveries (with what each delivery
    // caused), 2 the rest of the tick.
    let mut keyed: Vec<((u32, u8, u32, usize), Event)> = Vec::new();
    let mut ctx: Option<u32> = None;
    let msgr_event = |m: u32, tick: u32, event: &'static str| {
        let x = &sim.state().messengers[m as usize];
        Event {
            tick,
            event,
            from: Some(model.name(x.from).to_string()),
            to: Some(model.name(x.to).to_string()),
            message: Some(model.show_msg(&x.msg)),
            messenger: Some(x.number),
            channel: Some(model.show_chan(x.chan)),
            ..Event::default()
        }
    };
    for (i, e) in sim.state().log.iter().enumerate() {
        let i = i + 1;
        match *e {
            LogEntry::Deliver { messenger, .. } | LogEntry::ReceiverDown { messenger, .. } => ctx = Some(messenger),
            LogEntry::Fire { messenger, .. } => ctx = (messenger != crate::sim::NONE).then_some(messenger),
            _ => {}
        }
        let key = |tick: u32| match ctx {
            Some(m) => (tick, 1u8, m, i),
            None => (tick, 2u8, 0, i),
        };
        match *e {
            LogEntry::Crash { general, tick, rule } => {
                let by = if rule == crate::sim::NONE {
                    model
                        .crashes
                        .iter()
                        .find(|c| c.general == general && c.at == tick && !c.recover)
                        .map(|c| (format!("crash {} at {}", model.name(general), c.at), c.line))
                } else if let Some(a) = crate::sim::crash_any_of(rule, model) {
                    let c = &model.crash_any[a];
                    Some((c.text.clone(), c.line))
                } else {
                    let r = &model.rules[rule as usize];
                    Some((r.text.clone(), r.line))
                };
                let scheduled = rule == crate::sim::NONE || crate::sim::crash_any_of(rule, model).is_some();
                let k = if scheduled { (tick, 0, 0, i) } else { key(tick) };
                keyed.push((
                    k,
                    Event {
                        tick,
                        event: "crash",
                        general: Some(model.name(general).to_string()),
                        by: by.as_ref().map(|b| b.0.clone()),
                        line: by.map(|b| b.1),
                        ..Event::default()
                    },
                ));
            }
            LogEntry::Recover { general, tick } => {
                let line =
                    model.crashes.iter().find(|c| c.general == general && c.at == tick && c.recover).map(|c| c.line);
                keyed.push((
                    (tick, 0, 0, i),
                    Event {
                        tick,
                        event: "recover",
                        general: Some(model.name(general).to_string()),
                        by: Some(format!("recover {} at {tick}", model.name(general))),
                        line,
                        ..Event::default()
                    },
                ));
            }
            LogEntry::Deliver { messenger, tick, duplicate } => {
                let mut ev = msgr_event(messenger, tick, "deliver");
                ev.duplicate = duplicate;
                keyed.push((key(tick), ev));
            }
            LogEntry::ReceiverDown { messenger, tick, duplicate } => {
                let mut ev = msgr_event(messenger, tick, "lost");
                ev.duplicate = duplicate;
                ev.by = Some(format!("{} had crashed", model.name(sim.state().messengers[messenger as usize].to)));
                keyed.push((key(tick), ev));
            }
            LogEntry::Send { messenger } => {
                let x = &sim.state().messengers[messenger as usize];
                let mut ev = msgr_event(messenger, x.sent, "send");
                ev.arrives = Some(x.arrives);
                let r = &model.rules[x.rule as usize];
                ev.by = Some(r.text.clone());
                ev.line = Some(r.line);
                keyed.push((key(x.sent), ev));
                match x.fate {
                    Fate::Captured { loss, draw } => {
                        let chan = &model.channels[x.chan as usize];
                        let l = &chan.losses[loss as usize];
                        let mut cap = msgr_event(messenger, x.arrives, "capture");
                        cap.by = Some(l.text.clone());
                        cap.line = Some(l.line);
                        if let (Some(d), crate::check::LossKind::Chance { p, .. }) = (draw, &l.kind) {
                            cap.roll = Some(crate::explain::roll(d));
                            cap.probability = Some(p.percent());
                        }
                        keyed.push(((x.arrives, 1, messenger, 0), cap));
                    }
                    Fate::Partitioned { partition } => {
                        let p = &model.partitions[partition as usize];
                        let mut cap = msgr_event(messenger, x.arrives, "capture");
                        cap.by = Some("partition".to_string());
                        cap.line = Some(p.line);
                        keyed.push(((x.arrives, 1, messenger, 0), cap));
                    }
                    _ => {}
                }
            }
            LogEntry::Decide { general } => {
                let d = sim.state().decisions[general as usize].expect("a logged decision exists");
                let r = &model.rules[d.rule as usize];
                let decision = match d.what {
                    Decided::Attack => "attack".to_string(),
                    Decided::Wait => "wait".to_string(),
                    Decided::Commit(v) => format!("commit {}", commit_value(model, general, v)),
                };
                keyed.push((
                    key(d.tick),
                    Event {
                        tick: d.tick,
                        event: "decide",
                        general: Some(model.name(general).to_string()),
                        decision: Some(decision),
                        by: Some(r.text.clone()),
                        line: Some(r.line),
                        ..Event::default()
                    },
                ));
            }
            LogEntry::Fire { .. } => {}
        }
    }
    // Captures due after the end of the run are not shown: the messenger was still on its way.
    let end = sim.state().now;
    keyed.retain(|(k, e)| !(e.event == "capture" && k.0 > end));
    keyed.sort_by_key(|(k, _)| *k);
    let _ = ex;
    keyed.into_iter().map(|(_, e)| e).collect()
}

/// Lists names as English: `A`, `A and B`, `A, B and C`.
pub fn and_list(names: &[String]) -> String {
    match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        n => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

fn outcome_report(sim: &Sim) -> OutcomeReport {
    let model = sim.model;
    let result = sim.outcome();
    let mut r = OutcomeReport {
        result,
        attacked: vec![],
        waited: vec![],
        committed: vec![],
        blocked: vec![],
        crashed: vec![],
        summary: String::new(),
    };
    for g in 0..model.generals.len() {
        let name = model.generals[g].name.clone();
        match sim.state().decisions[g].map(|d| d.what) {
            Some(Decided::Attack) => r.attacked.push(name.clone()),
            Some(Decided::Wait) => r.waited.push(name.clone()),
            Some(Decided::Commit(v)) => {
                r.committed.push(Committed { general: name.clone(), value: commit_value(model, g as u16, v) })
            }
            None if sim.state().crashed[g].is_none() => r.blocked.push(name.clone()),
            None => {}
        }
        if sim.state().crashed[g].is_some() {
            r.crashed.push(name);
        }
    }
    let need = model.victory_at_least;
    let all = need == model.generals.len();
    let mut s = match result {
        Outcome::Victory if all => format!("Victory: {} attacked together.", and_list(&r.attacked)),
        Outcome::Victory => format!(
            "Victory: {} of {} attacked ({need} needed): {}.",
            r.attacked.len(),
            model.generals.len(),
            and_list(&r.attacked)
        ),
        Outcome::Defeat => {
            let alone = if r.attacked.len() == 1 { " alone".to_string() } else { String::new() };
            let need_s = if all { String::new() } else { format!(" ({need} were needed)") };
            format!("Defeat: {} attacked{alone}{need_s} and lost.", and_list(&r.attacked))
        }
        Outcome::NoAttack => "No attack: nobody attacked. Safe, but no victory.".to_string(),
        Outcome::Agreement => {
            let v = r.committed.first().map(|c| c.value.clone()).unwrap_or_default();
            format!("Agreement: every general committed {v}.")
        }
        Outcome::Disagreement => {
            let parts: Vec<String> =
                r.committed.iter().map(|c| format!("{} committed {}", c.general, c.value)).collect();
            format!("Disagreement: {}.", and_list(&parts))
        }
        Outcome::Undecided => "Undecided: no disagreement, but not every live general committed.".to_string(),
    };
    if !r.waited.is_empty() {
        s.push_str(&format!(" {} waited.", and_list(&r.waited)));
    }
    if !r.blocked.is_empty() {
        let verb = if r.blocked.len() == 1 { "never decided: it is" } else { "never decided: they are" };
        s.push_str(&format!(" {} {verb} blocked.", and_list(&r.blocked)));
    }
    if !r.crashed.is_empty() {
        s.push_str(&format!(" {} crashed.", and_list(&r.crashed)));
    }
    r.summary = s;
    r
}
