//! Builds the report of a finished, traced run: decisions and why, the end, the outcome, what-if.

use super::timeline::timeline;
use super::{
    Change, Committed, EndInfo, GeneralReport, InFlight, OutcomeReport, RuleShown, RunReport, SCHEMA_VERSION,
    ScenarioInfo, Untried, WhatIf, and_list, commit_value, params_shown,
};
use crate::Loaded;
use crate::explain::Explainer;
use crate::sim::{Decided, End, Fate, Sim};
use crate::syntax::ast::Outcome;

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
    use crate::analysis::counterfactual::{Cut, MAX_TRIED, WORK_CAP, WORK_FLOOR, WORK_TIMES, flips};
    use crate::report::trials::thousands;
    let model = &l.model;
    if matches!(sim.outcome(), Outcome::Victory | Outcome::Agreement) && !sim.blocked() {
        return None;
    }
    let found = flips(model, choices, sim, sim.max_events);
    if found.captured == 0 {
        return None;
    }
    let changes = found
        .changes
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
    let untried = found.cut.map(|cut| {
        let count = found.captured - found.tried;
        let why = match cut {
            Cut::Messengers => format!("at most {MAX_TRIED} captured messengers are tried"),
            Cut::Work { budget } => format!(
                "the what-if runs together stop at {} events ({WORK_TIMES} times this run's, between {} and {})",
                thousands(budget),
                thousands(WORK_FLOOR),
                thousands(WORK_CAP)
            ),
        };
        Untried { count, why }
    });
    Some(WhatIf { tried: found.tried, untried, changes })
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
