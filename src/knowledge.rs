//! Knowledge depth: at its decision, how deeply each general knows the plan, derived from
//! the causal chain of delivered messengers.
//!
//! A general that sends before it has heard from anyone made the plan: it knows the plan
//! (depth 1). A messenger carries everything its sender knew when it left, so a general
//! that receives a messenger sent at depth `k` knows that its sender knows ... the plan:
//! depth `k + 1`. "A knows that B knows that A knows the plan" is depth 3, reached by
//! A's plan arriving at B and B's acknowledgment arriving back at A. Each acknowledgment
//! adds one level, and the last messenger of any chain can be captured, leaving its sender
//! one level short of its receiver: no finite number of them gives common knowledge.

use serde::Serialize;

use crate::check::GenId;
use crate::sim::{LogEntry, Sim};

/// What a general knows of the plan.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Knowledge {
    /// 0: it never learned the plan; 1: it made the plan; `k`: it knows that a general at
    /// depth `k - 1` knows.
    pub depth: u32,
    /// The depth in words: "A knows that B knows that A knows the plan".
    pub says: String,
    /// The delivered messengers that built it, first to last.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub chain: Vec<Link>,
}

/// One delivered messenger of a chain of knowledge.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Link {
    pub from: String,
    pub to: String,
    pub message: String,
    /// Its number on its channel.
    pub messenger: u32,
    pub channel: String,
    pub sent: u32,
    pub arrived: u32,
}

/// The knowledge of every general at its decision (or crash, or the end of the run), from a
/// traced run.
pub fn at_decisions(sim: &Sim) -> Vec<Knowledge> {
    let model = sim.model;
    let n = model.generals.len();
    // A delivery that raised someone's depth, and the one that had raised its sender's.
    struct Step {
        messenger: u32,
        arrived: u32,
        prev: Option<usize>,
    }
    let mut steps: Vec<Step> = Vec::new();
    let mut know = vec![0u32; n];
    let mut best: Vec<Option<usize>> = vec![None; n];
    let mut carried: Vec<(u32, Option<usize>)> = vec![(0, None); sim.state().messengers.len()];
    let mut at: Vec<Option<(u32, Option<usize>)>> = vec![None; n];
    for e in &sim.state().log {
        match *e {
            LogEntry::Send { messenger } => {
                let s = sim.state().messengers[messenger as usize].from as usize;
                if know[s] == 0 {
                    know[s] = 1;
                }
                carried[messenger as usize] = (know[s], best[s]);
            }
            LogEntry::Deliver { messenger, tick, .. } => {
                let r = sim.state().messengers[messenger as usize].to as usize;
                let (k, via) = carried[messenger as usize];
                if k >= 1 && k + 1 > know[r] {
                    know[r] = k + 1;
                    steps.push(Step { messenger, arrived: tick, prev: via });
                    best[r] = Some(steps.len() - 1);
                }
            }
            LogEntry::Decide { general } | LogEntry::Crash { general, .. } => {
                let g = general as usize;
                at[g].get_or_insert((know[g], best[g]));
            }
            _ => {}
        }
    }
    (0..n)
        .map(|g| {
            let (depth, last) = at[g].unwrap_or((know[g], best[g]));
            let mut chain = Vec::new();
            let mut cur = last;
            while let Some(i) = cur {
                let s = &steps[i];
                let m = &sim.state().messengers[s.messenger as usize];
                chain.push(Link {
                    from: model.name(m.from).to_string(),
                    to: model.name(m.to).to_string(),
                    message: model.show_msg(&m.msg),
                    messenger: m.number,
                    channel: model.show_chan(m.chan),
                    sent: m.sent,
                    arrived: s.arrived,
                });
                cur = s.prev;
            }
            chain.reverse();
            Knowledge { depth, says: says(sim, g as GenId, depth, &chain), chain }
        })
        .collect()
}

fn says(sim: &Sim, g: GenId, depth: u32, chain: &[Link]) -> String {
    let me = sim.model.name(g);
    match depth {
        0 => format!("{me} never learned the plan"),
        1 => format!("{me} knows the plan, but not whether anyone else does"),
        _ => {
            // Latest first: g knows that (sender of the last link) knows that ... the plan.
            let mut who: Vec<&str> = vec![me];
            who.extend(chain.iter().rev().map(|l| l.from.as_str()));
            let knows: Vec<String> = who.iter().map(|w| format!("{w} knows")).collect();
            if knows.len() <= 5 {
                format!("{} the plan", knows.join(" that "))
            } else {
                let last = &knows[knows.len() - 1];
                format!("{} that … that {last} the plan", knows[..3].join(" that "))
            }
        }
    }
}
