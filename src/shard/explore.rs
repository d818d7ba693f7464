//! A part of the adversary's search as a part file: the search (source, params, bounds),
//! whether this part finished, and what it reached with its shortest witnesses; and the
//! parts' findings merged (`possible` if any part found a witness, `never` only if every
//! part finished).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analysis::explore::{Explored, Reach, Witness};

/// A part of `herald explore FILE`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExplorePart {
    /// The scenario's text (the merge loads it again, to replay and explain witnesses).
    pub source: String,
    /// The `--param NAME=VALUE` overrides, as given.
    pub params: Vec<String>,
    pub fixed_delays: bool,
    pub max_states: u64,
    pub max_memory: u64,
    pub max_events: u64,
    /// Whether this part's search finished; if not, why (its bound), and it holds no
    /// findings.
    pub stopped: Option<String>,
    pub states: u64,
    pub steps: u64,
    pub dominated: u64,
    /// What this part reached, each with its shortest witness.
    pub reached: Vec<ReachedPart>,
}

/// Something reached, and its witness.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReachedPart {
    pub reach: ReachPart,
    pub captures: u32,
    pub ticks: u32,
    pub choices: Vec<u32>,
    /// Where the part's search met it (`Witness::order`): ties are broken by it.
    pub order: Vec<u64>,
}

/// A [`Reach`] as a part holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "what")]
pub enum ReachPart {
    Outcome { index: usize },
    Blocked,
    Fate { general: u16, fate: usize },
    Commit { general: u16, value: i64 },
}

impl From<&Reach> for ReachPart {
    fn from(r: &Reach) -> ReachPart {
        match *r {
            Reach::Outcome(index) => ReachPart::Outcome { index },
            Reach::Blocked => ReachPart::Blocked,
            Reach::Fate(general, fate) => ReachPart::Fate { general, fate },
            Reach::Commit(general, value) => ReachPart::Commit { general, value },
        }
    }
}

impl ReachPart {
    /// The reach, if it fits a model of `generals` generals.
    fn reach(self, generals: usize) -> Option<Reach> {
        use crate::analysis::trials::{FATES, OUTCOMES};
        Some(match self {
            ReachPart::Outcome { index } => (index < OUTCOMES.len()).then_some(Reach::Outcome(index))?,
            ReachPart::Blocked => Reach::Blocked,
            ReachPart::Fate { general, fate } => {
                ((general as usize) < generals && fate < FATES.len()).then_some(Reach::Fate(general, fate))?
            }
            ReachPart::Commit { general, value } => {
                ((general as usize) < generals).then_some(Reach::Commit(general, value))?
            }
        })
    }
}

/// The part of a search's part `explored` (or of one stopped for `stopped`).
#[allow(clippy::too_many_arguments)]
pub fn part(
    l: &crate::Loaded,
    params: &[String],
    (fixed_delays, max_states, max_memory, max_events): (bool, u64, u64, u64),
    shard: super::Shard,
    explored: Result<&Explored, String>,
) -> super::Part {
    let (stopped, states, steps, dominated, reached) = match explored {
        Ok(e) => (
            None,
            e.states,
            e.steps,
            e.dominated,
            e.reached
                .iter()
                .map(|(r, w)| ReachedPart {
                    reach: ReachPart::from(r),
                    captures: w.captures,
                    ticks: w.ticks,
                    choices: w.choices.clone(),
                    order: w.order.clone(),
                })
                .collect(),
        ),
        Err(why) => (Some(why), 0, 0, 0, Vec::new()),
    };
    let work = ExplorePart {
        source: l.source.text.to_string(),
        params: params.to_vec(),
        fixed_delays,
        max_states,
        max_memory,
        max_events,
        stopped,
        states,
        steps,
        dominated,
        reached,
    };
    super::Part::new(&l.source.name, &l.source.text, shard, super::Work::Explore(work))
}

impl ExplorePart {
    /// What every part of one search shares (its findings left out).
    #[must_use]
    pub fn shared(&self) -> ExplorePart {
        ExplorePart { stopped: None, states: 0, steps: 0, dominated: 0, reached: Vec::new(), ..self.clone() }
    }
}

/// The parts' findings together (`parts` in slice order): for each thing reached, the
/// witness with the fewest captures, then ticks, over the parts, and among equals the
/// one met first (`Witness::order`: the one the whole search keeps); the states, steps
/// and dominated states summed. `Err`: a part's finding does
/// not fit a model of `generals` generals.
pub fn merge(parts: &[&ExplorePart], generals: usize) -> Result<Explored, String> {
    let mut reached: BTreeMap<Reach, Witness> = BTreeMap::new();
    let mut out = Explored {
        reached: BTreeMap::new(),
        states: 0,
        steps: 0,
        dominated: 0,
        fixed_delays: parts.first().is_some_and(|p| p.fixed_delays),
        max_events: parts.first().map_or(0, |p| p.max_events),
    };
    for p in parts {
        out.states += p.states;
        out.steps += p.steps;
        out.dominated += p.dominated;
        for r in &p.reached {
            let reach = r.reach.reach(generals).ok_or("a finding names a general or outcome the scenario lacks")?;
            let better = reached.get(&reach).is_none_or(|w| (r.captures, r.ticks, &r.order[..]) < w.rank());
            if better {
                let w = Witness {
                    captures: r.captures,
                    ticks: r.ticks,
                    choices: r.choices.clone(),
                    order: r.order.clone(),
                };
                reached.insert(reach, w);
            }
        }
    }
    out.reached = reached;
    Ok(out)
}
