//! The report of an exploration: what the adversary can and cannot make happen.

use std::fmt::Write;

use serde::Serialize;

use super::{ParamShown, RunReport, SCHEMA_VERSION, ScenarioInfo, params_shown};
use crate::Loaded;
use crate::analysis::explore::{Explored, Reach};
use crate::analysis::trials::OUTCOMES;
use crate::sim::{Mode, Script, Sim};

/// Possible and impossible outcomes, with witnesses.
#[derive(Debug, Clone, Serialize)]
pub struct ExploreReport {
    pub herald: u32,
    pub scenario: ScenarioInfo,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<ParamShown>,
    /// Distinct states explored (identical states merged).
    pub states: u64,
    /// What the proofs of impossibility cover.
    pub bound: String,
    /// `--fixed-delays`: delays took their smallest value, no choice of the adversary's.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub fixed_delays: bool,
    pub possible: Vec<Possible>,
    /// Outcomes no loss pattern reaches.
    pub impossible: Vec<&'static str>,
    /// For a value scenario: FLP's properties side by side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flp: Option<Flp>,
}

/// Agreement and termination, and the crashes the scenario allows.
#[derive(Debug, Clone, Serialize)]
pub struct Flp {
    pub agreement: Property,
    pub termination: Property,
    /// Crashes written in the scenario (`crash G at T`).
    pub crashes: usize,
    /// Crashes the adversary may choose (`crash any N`: the sum of the Ns).
    pub crash_any: u32,
}

/// Whether a property holds in every run, else the shortest run that breaks it.
#[derive(Debug, Clone, Serialize)]
pub struct Property {
    pub holds: bool,
    /// The outcome of the shortest witness that breaks it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub broken_by: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub captures: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crashes: Option<usize>,
}

/// A possible outcome and its shortest witness.
#[derive(Debug, Clone, Serialize)]
pub struct Possible {
    pub outcome: &'static str,
    /// Messengers the adversary captured in the witness.
    pub captures: u32,
    /// Generals the adversary crashed in the witness (`crash any`).
    #[serde(skip_serializing_if = "is_zero")]
    pub crashes: u32,
    pub ticks: u32,
    /// The witness's choices, in order (a replay).
    pub choices: Vec<u32>,
    pub run: RunReport,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// "1 capture", "2 captures, 1 crash" (also `herald test`'s witnesses).
pub(crate) fn cost(captures: u32, crashes: u32) -> String {
    let caps = if captures == 1 { "1 capture".to_string() } else { format!("{captures} captures") };
    match crashes {
        0 => caps,
        1 => format!("{caps}, 1 crash"),
        n => format!("{caps}, {n} crashes"),
    }
}

fn name(r: &Reach) -> &'static str {
    match r {
        Reach::Outcome(i) => OUTCOMES[*i].word(),
        Reach::Blocked => "blocked",
        Reach::Fate(..) | Reach::Commit(..) => "fate",
    }
}

/// Builds the report (replaying and explaining each witness).
pub fn build(l: &Loaded, e: &Explored) -> ExploreReport {
    let model = &l.model;
    let mut sim = Sim::new(model, Mode::Traced);
    sim.max_events = e.max_events;
    let mut possible = Vec::new();
    for (r, w) in e.reached.iter().filter(|(r, _)| !matches!(r, Reach::Fate(..) | Reach::Commit(..))) {
        sim.run(&mut Script::new(&w.choices)).expect("a witness replays");
        possible.push(Possible {
            outcome: name(r),
            captures: w.captures - sim.state().crashes_chosen,
            crashes: sim.state().crashes_chosen,
            ticks: w.ticks,
            choices: w.choices.clone(),
            run: super::build(&sim, l, None, &w.choices),
        });
    }
    let all: Vec<Reach> = OUTCOMES
        .iter()
        .enumerate()
        .filter(|(_, o)| model.values == matches!(o.word(), "agreement" | "disagreement" | "undecided"))
        .map(|(i, _)| Reach::Outcome(i))
        .chain([Reach::Blocked])
        .collect();
    let impossible = all.iter().filter(|r| !e.reached.contains_key(r)).map(name).collect();
    let delays = if e.fixed_delays { ", delays fixed at their minimum" } else { "" };
    ExploreReport {
        herald: SCHEMA_VERSION,
        scenario: ScenarioInfo { file: l.source.name.clone(), title: model.title.clone(), about: model.about.clone() },
        params: params_shown(model),
        states: e.states,
        bound: format!("every run up to the horizon, tick {}{delays}", model.horizon),
        fixed_delays: e.fixed_delays,
        flp: model.values.then(|| flp(&possible, model)),
        possible,
        impossible,
    }
}

fn flp(possible: &[Possible], model: &crate::check::Model) -> Flp {
    let property = |breaks: &[&str]| {
        let w = possible.iter().filter(|x| breaks.contains(&x.outcome)).min_by_key(|x| (x.captures, x.ticks));
        match w {
            None => Property { holds: true, broken_by: None, captures: None, crashes: None },
            Some(x) => Property {
                holds: false,
                broken_by: Some(x.outcome),
                captures: Some(x.captures),
                crashes: Some(x.run.timeline.iter().filter(|e| e.event == "crash").count()),
            },
        }
    };
    Flp {
        agreement: property(&["disagreement"]),
        termination: property(&["undecided", "blocked"]),
        crashes: model.crashes.iter().filter(|c| !c.recover).count(),
        crash_any: model.crash_any.iter().map(|c| c.n).sum(),
    }
}

/// Renders an exploration as text.
pub fn render(r: &ExploreReport, color: bool) -> String {
    let p = super::text::Paint { on: color };
    let mut o = String::new();
    let title = r.scenario.title.clone().unwrap_or_else(|| r.scenario.file.clone());
    let _ = writeln!(o, "{}", p.bold(&title));
    let choices = if r.fixed_delays {
        "every probabilistic loss and `crash any` is a choice, every delay its smallest value"
    } else {
        "every probabilistic loss, delay and `crash any` is a choice"
    };
    let _ = writeln!(
        o,
        "{}",
        p.dim(&format!(
            "{} · the adversary's view: {choices} · {} distinct states",
            r.scenario.file,
            super::trials::thousands(r.states)
        ))
    );
    if !r.params.is_empty() {
        let ps: Vec<String> = r.params.iter().map(|x| format!("{} = {}", x.name, x.value)).collect();
        let _ = writeln!(o, "{}", p.dim(&format!("params: {}", ps.join(", "))));
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "{}", p.bold("Possible"));
    for x in &r.possible {
        let caps = cost(x.captures, x.crashes);
        let _ = writeln!(o, "  {:<13} shortest witness: {caps}, over by tick {}", x.outcome, x.ticks);
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "{}", p.bold("Impossible") + &p.dim(&format!("  (proved over {})", r.bound)));
    if r.impossible.is_empty() {
        let _ = writeln!(o, "  nothing: every outcome can happen");
    }
    for x in &r.impossible {
        let _ = writeln!(o, "  {x}: never, whatever the adversary does");
    }
    if let Some(f) = &r.flp {
        let _ = writeln!(o);
        let mut crashes = match f.crashes {
            0 => "no crashes in the scenario".to_string(),
            1 => "1 crash in the scenario".to_string(),
            n => format!("{n} crashes in the scenario"),
        };
        if f.crash_any > 0 {
            crashes.push_str(&format!(", up to {} chosen by the adversary", f.crash_any));
        }
        let _ = writeln!(o, "{}", p.bold("FLP: agreement and termination") + &p.dim(&format!("  ({crashes})")));
        for (name, prop, holds) in [
            ("agreement", &f.agreement, "no two generals ever commit different values"),
            ("termination", &f.termination, "every live general always decides"),
        ] {
            let line = if prop.holds {
                p.green(&format!("holds: {holds}"))
            } else {
                let caps = prop.captures.unwrap_or(0);
                let crashes = prop.crashes.unwrap_or(0);
                p.red(&format!(
                    "can fail: {} with {caps} capture{} and {crashes} crash{} (its run is below)",
                    prop.broken_by.unwrap_or(""),
                    if caps == 1 { "" } else { "s" },
                    if crashes == 1 { "" } else { "es" }
                ))
            };
            let _ = writeln!(o, "  {name:<13} {line}");
        }
    }
    for x in &r.possible {
        let _ = writeln!(o);
        let caps = cost(x.captures, x.crashes);
        let _ = writeln!(o, "{}", p.bold(&format!("The shortest run to {} ({caps}):", x.outcome)));
        o.push_str(&super::render_run_body(&x.run, color, 2));
    }
    o
}
