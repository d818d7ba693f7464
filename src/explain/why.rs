//! The explanation tree (`Why`) and the root causes it reaches (`Cause`), counted over runs.

use serde::Serialize;

use crate::check::*;

/// One step of an explanation: a sentence and what it rests on.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Why {
    pub says: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub because: Vec<Why>,
    /// The fact this step rests on, for aggregating reasons over many runs.
    #[serde(skip)]
    pub cause: Option<Cause>,
}

impl Why {
    pub(super) fn leaf(says: impl Into<String>) -> Why {
        Why { says: says.into(), because: Vec::new(), cause: None }
    }

    pub(super) fn node(says: impl Into<String>, because: Vec<Why>) -> Why {
        Why { says: says.into(), because, cause: None }
    }

    pub(super) fn with(mut self, cause: Cause) -> Why {
        self.cause = Some(cause);
        self
    }
}

/// A root cause an explanation reaches, without the particulars of one run (ticks,
/// numbers, rolls), so that causes can be counted over many runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Cause {
    /// A messenger of this kind on this channel was captured by loss rule `loss`.
    Captured { chan: ChanId, kind: KindId, loss: u16 },
    /// ... was captured at the cut of a partition.
    Partitioned { chan: ChanId, kind: KindId, partition: u16 },
    /// ... reached a general that had crashed.
    ReceiverDown { chan: ChanId, kind: KindId },
    /// ... was still on the road.
    InFlight { chan: ChanId, kind: KindId },
    /// ... arrived after the deadline.
    Late { chan: ChanId, kind: KindId },
    /// A general crashed.
    Crashed { general: GenId },
    /// ... was delivered (what a decision that held rests on).
    Delivered { chan: ChanId, kind: KindId },
}

impl Cause {
    /// True for the causes of something that did not happen.
    pub fn is_failure(&self) -> bool {
        !matches!(self, Cause::Delivered { .. })
    }

    /// The cause in words.
    pub fn describe(&self, model: &Model) -> String {
        let what = |chan: &ChanId, kind: &KindId| format!("{} on {}", model.show_kind(*kind), model.show_chan(*chan));
        match self {
            Cause::Captured { chan, kind, loss } => {
                let l = &model.channels[*chan as usize].losses[*loss as usize];
                format!("{} was captured by '{}' (line {})", what(chan, kind), l.text, l.line)
            }
            Cause::Partitioned { chan, kind, partition } => {
                format!(
                    "{} was lost to the partition on line {}",
                    what(chan, kind),
                    model.partitions[*partition as usize].line
                )
            }
            Cause::ReceiverDown { chan, kind } => format!("{} reached a crashed general", what(chan, kind)),
            Cause::InFlight { chan, kind } => format!("{} was still on the road", what(chan, kind)),
            Cause::Late { chan, kind } => format!("{} arrived too late", what(chan, kind)),
            Cause::Crashed { general } => format!("{} crashed", model.name(*general)),
            Cause::Delivered { chan, kind } => format!("{} arrived", what(chan, kind)),
        }
    }
}

/// The causes an explanation rests on, each once, in the order first met.
pub fn causes(whys: &[Why]) -> Vec<Cause> {
    fn walk(w: &Why, out: &mut Vec<Cause>) {
        if let Some(c) = w.cause
            && !out.contains(&c)
        {
            out.push(c);
        }
        for b in &w.because {
            walk(b, out);
        }
    }
    let mut out = Vec::new();
    for w in whys {
        walk(w, &mut out);
    }
    out
}
