//! Messengers in sentences: what became of each, and the causal chain back along deliveries.

use super::{Cause, Explainer, MAX_DEPTH, Why, roll};
use crate::check::*;
use crate::sim::{Fate, Messenger, NONE};

impl Explainer<'_, '_> {
    /// `messenger #1 on A -> B`
    pub fn msgr_ref(&self, m: u32) -> String {
        let msgr = &self.sim.state().messengers[m as usize];
        format!("messenger #{} on {}", msgr.number, self.model.show_chan(msgr.chan))
    }

    /// What became of a messenger, in a sentence.
    pub fn fate(&self, m: u32) -> String {
        let x = &self.sim.state().messengers[m as usize];
        let chan = &self.model.channels[x.chan as usize];
        match x.fate {
            Fate::Delivered => format!("arrived at tick {}", x.arrives),
            Fate::InFlight => format!("was still on the road when the run ended (due at tick {})", x.arrives),
            Fate::ReceiverDown => format!("reached {} at tick {}, after it had crashed", self.name(x.to), x.arrives),
            Fate::Captured { loss, draw } => {
                let l = &chan.losses[loss as usize];
                let roll = match (draw, &l.kind) {
                    (Some(d), LossKind::Chance { p, .. }) => {
                        format!(": rolled {:.4}, below {}", roll(d), p.percent())
                    }
                    _ => String::new(),
                };
                format!("was captured at tick {} by '{}' (line {}){roll}", x.arrives, l.text, l.line)
            }
            Fate::Partitioned { partition } => {
                let p = &self.model.partitions[partition as usize];
                format!("was captured at tick {} at the cut of the partition on line {}", x.arrives, p.line)
            }
        }
    }

    /// A messenger's story as a step, with its fate as the cause.
    pub(super) fn story(&self, m: u32) -> Why {
        let x = &self.sim.state().messengers[m as usize];
        let (chan, kind) = (x.chan, x.msg.kind);
        let cause = match x.fate {
            Fate::Delivered => Cause::Delivered { chan, kind },
            Fate::InFlight => Cause::InFlight { chan, kind },
            Fate::ReceiverDown => Cause::ReceiverDown { chan, kind },
            Fate::Captured { loss, .. } => Cause::Captured { chan, kind, loss },
            Fate::Partitioned { partition } => Cause::Partitioned { chan, kind, partition },
        };
        Why::leaf(self.messenger_story(m)).with(cause)
    }

    /// `B sent ack to A at tick 2 (messenger #1 on B -> A); it was captured ...`
    pub(super) fn messenger_story(&self, m: u32) -> String {
        let x = &self.sim.state().messengers[m as usize];
        format!(
            "{} sent {} to {} at tick {} ({}); it {}",
            self.name(x.from),
            self.model.show_msg(&x.msg),
            self.name(x.to),
            x.sent,
            self.msgr_ref(m),
            self.fate(m)
        )
    }

    /// A delivered messenger, and why it was sent (back along the causal chain).
    pub(super) fn delivered_story(&mut self, m: u32, depth: usize) -> Why {
        let x: Messenger = self.sim.state().messengers[m as usize];
        let says = format!(
            "it received {} from {} at tick {}: {} sent at tick {}",
            self.model.show_msg(&x.msg),
            self.name(x.from),
            x.arrives,
            self.msgr_ref(m),
            x.sent
        );
        let mut because = Vec::new();
        if depth < MAX_DEPTH {
            let how = format!("{} sent it in {}", self.name(x.from), self.rule_ref(x.rule));
            let more = if x.cause != NONE && !self.visiting.contains(&x.rule) {
                self.visiting.insert(x.rule);
                let w = vec![self.delivered_story(x.cause, depth + 1)];
                self.visiting.remove(&x.rule);
                w
            } else {
                Vec::new()
            };
            because.push(Why::node(how, more));
        }
        Why::node(says, because).with(Cause::Delivered { chan: x.chan, kind: x.msg.kind })
    }
}
