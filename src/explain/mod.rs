//! Why each general decided as it did: the rule that decided, the value of each part of
//! its condition, and for each part the evidence, back to the messenger that was
//! captured (or the rule that never fired, and why).

mod conditions;
mod decisions;
mod evidence;
mod messengers;
mod never;
mod why;

use std::collections::HashSet;

use crate::check::*;
use crate::sim::Sim;

pub use why::{Cause, Why, causes};

/// How deep explanations go into "never sent because never received because ...".
const MAX_DEPTH: usize = 6;
/// How many senders or messengers one step lists before summarising.
const MAX_LISTED: usize = 6;

/// Explains a finished, traced run.
pub struct Explainer<'s, 'm> {
    sim: &'s Sim<'m>,
    model: &'m Model,
    src: &'s str,
    /// Rules already being explained on this path (no cycles).
    visiting: HashSet<RuleId>,
}

impl<'s, 'm> Explainer<'s, 'm> {
    /// An explainer over a traced run ([`crate::sim::Mode::Traced`]).
    pub fn new(sim: &'s Sim<'m>, src: &'s str) -> Explainer<'s, 'm> {
        Explainer { sim, model: sim.model, src, visiting: HashSet::new() }
    }

    fn name(&self, g: GenId) -> &'m str {
        self.model.name(g)
    }

    fn text(&self, e: &Expr) -> String {
        e.span.one_line(self.src)
    }

    /// `'decide at dawn: attack if ...' (line 14)`
    pub fn rule_ref(&self, r: RuleId) -> String {
        let rule = &self.model.rules[r as usize];
        format!("'{}' (line {})", rule.text, rule.line)
    }
}

/// A 64-bit draw as a uniform number in [0, 1), to 4 places (rounded down).
pub fn roll(draw: u64) -> f64 {
    ((draw as f64 / 2f64.powi(64)) * 10_000.0).floor() / 10_000.0
}

fn truth(v: i64) -> &'static str {
    if v != 0 { "true" } else { "false" }
}
