//! Symmetry detection: which generals are interchangeable, so that the state-space
//! searches (exact analysis, the adversary) can merge states that differ only by a
//! relabeling of generals within a class.
//!
//! Two generals share a class only when every transposition of two members of their
//! class maps the model onto itself (transpositions generate every permutation of a
//! class, so every permutation does then too), *and* runs do not depend on the order in
//! which the interpreter happens to visit them. Classes start as the members of a role
//! with equal variables and equally many rules of each kind, and are refined until
//! stable: a failed check splits the class into singletons, which changes other checks
//! (a rule that names all of a class names a particular general once the class is
//! split), so the checks run again until none fails.
//!
//! What is checked:
//!
//! - **rules**: every rule of every general (class member or not), with each list of
//!   generals it names rewritten into a form that no permutation within classes fixing
//!   its owner changes (see `ListCode`); a list that names some but not all of a class
//!   (its owner aside) breaks that class; the members of a class must have the same
//!   rewritten rules, position by position;
//! - **channels**: swapping two members maps every channel onto one of the same shape
//!   (delays, duplication, loss rules);
//! - **partitions** and **`crash any` targets**: a class is entirely on a side (among the
//!   targets) or entirely off it; and since `crash any N` rolls its targets in the order
//!   written until N have crashed, a target's chance depends on its place when N is
//!   less than the number of targets: a class then has at most one member among them;
//! - **scheduled crashes and recoveries**: the general they name is alone in its class;
//! - **order within a tick**: messengers arriving at one tick are delivered in send
//!   order, and generals send in the order they are declared, so a receiver whose
//!   `on receive` rules do not commute (`set seen = p`, `commit p`, a condition on what
//!   it has received so far, a send over a channel whose loss rules count messengers)
//!   sees the members of a class in a fixed order that a relabeling does not preserve.
//!   A general from which such a receiver can be reached over channels is alone in its
//!   class (see `order_sensitive`).
//!
//! The outcome counts attackers or compares committed values and names no general;
//! expectations are not part of runs: neither needs checking.

mod checks;
mod order;
#[cfg(test)]
mod tests;

use checks::*;
use std::collections::HashMap;

use crate::check::*;
use order::order_tangled;

/// Classes of interchangeable generals.
///
/// For two generals `a` and `b` of one class, their rule lists correspond position by
/// position: `generals[a].on_receive[i]` plays the part of `generals[b].on_receive[i]`,
/// and likewise for every list ([`Symmetry::rule_index`] numbers them across lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symmetry {
    /// `class[g]`: the class of general `g`. Ids are `0..members.len()`, numbered in the
    /// order of each class's first member; generals alone in their class have ids of
    /// their own.
    pub class: Vec<u16>,
    /// The members of each class, by class id, in increasing order.
    pub members: Vec<Vec<GenId>>,
    /// Each general's rules: `on_start`, `on_recover`, `on_receive`, `timed`, `when`,
    /// `decide`, one after the other.
    rules_of: Vec<Vec<RuleId>>,
    /// `index_of[r]`: the position of rule `r` in its owner's `rules_of`.
    index_of: Vec<u32>,
}

impl Symmetry {
    /// The classes of interchangeable generals of a model.
    pub fn of(model: &Model) -> Symmetry {
        let rules_of: Vec<Vec<RuleId>> = model.generals.iter().map(|g| rule_lists(g).concat()).collect();
        let mut index_of = vec![u32::MAX; model.rules.len()];
        for rules in &rules_of {
            for (i, &r) in rules.iter().enumerate() {
                index_of[r as usize] = i as u32;
            }
        }
        let mut classes = Classes::initial(model);
        if classes.shared().next().is_none() {
            // Every general alone already: the checks below only split classes. (Most
            // scenarios of two or three generals; the checks cost far more than a small
            // search.)
            return Symmetry {
                class: classes.of.iter().map(|&c| c as u16).collect(),
                members: classes.members,
                rules_of,
                index_of,
            };
        }
        // What does not depend on the other classes: generals that must be alone.
        for c in &model.crashes {
            classes.isolate(c.general);
        }
        for g in order_tangled(model) {
            classes.isolate(g);
        }
        classes.rebuild();
        let shapes = channel_shapes(model);
        loop {
            let mut broken = vec![false; classes.members.len()];
            check_channels(model, &shapes, &classes, &mut broken);
            check_partitions(model, &classes, &mut broken);
            check_crash_any(model, &classes, &mut broken);
            check_rules(model, &classes, &rules_of, &mut broken);
            if !broken.contains(&true) {
                break;
            }
            let alone: Vec<GenId> =
                classes.shared().filter(|(c, _)| broken[*c]).flat_map(|(_, m)| m.to_vec()).collect();
            for g in alone {
                classes.isolate(g);
            }
            classes.rebuild();
        }
        Symmetry { class: classes.of.iter().map(|&c| c as u16).collect(), members: classes.members, rules_of, index_of }
    }

    /// True when some class has at least two members.
    /// Every general alone (no symmetry used).
    pub fn none(model: &Model) -> Symmetry {
        let n = model.generals.len();
        let rules_of: Vec<Vec<RuleId>> = model.generals.iter().map(|g| rule_lists(g).concat()).collect();
        let mut index_of = vec![u32::MAX; model.rules.len()];
        for rules in &rules_of {
            for (i, r) in rules.iter().enumerate() {
                index_of[*r as usize] = i as u32;
            }
        }
        Symmetry {
            class: (0..n as u16).collect(),
            members: (0..n as GenId).map(|g| vec![g]).collect(),
            rules_of,
            index_of,
        }
    }

    pub fn any(&self) -> bool {
        self.members.iter().any(|m| m.len() >= 2)
    }

    /// The position of rule `r` among general `g`'s rules (its lists `on_start`,
    /// `on_recover`, `on_receive`, `timed`, `when`, `decide`, one after the other): the
    /// rules of two members of a class at one position correspond.
    pub fn rule_index(&self, model: &Model, g: GenId, r: RuleId) -> u32 {
        debug_assert_eq!(model.rules[r as usize].owner, g, "rule {r} is not general {g}'s");
        self.index_of[r as usize]
    }

    /// The rule of general `g` at position `index` (the inverse of [`Symmetry::rule_index`]).
    pub fn rule_at(&self, model: &Model, g: GenId, index: u32) -> RuleId {
        let r = self.rules_of[g as usize][index as usize];
        debug_assert_eq!(model.rules[r as usize].owner, g);
        r
    }
}

/// A general's rule lists, in the order [`Symmetry::rule_index`] numbers them.
fn rule_lists(g: &General) -> [&[RuleId]; 6] {
    [&g.on_start, &g.on_recover, &g.on_receive, &g.timed, &g.when, &g.decide]
}

/// A partition of the generals into classes, while it is refined.
struct Classes {
    /// The class of each general (after [`Classes::rebuild`]: an index into `members`).
    of: Vec<usize>,
    members: Vec<Vec<GenId>>,
}

impl Classes {
    /// The candidates: members of one role with equal variables (types and initial
    /// values) and as many rules of each kind. Generals with no role are alone.
    fn initial(model: &Model) -> Classes {
        let n = model.generals.len();
        let key = |g: &General| {
            let vars: Vec<(Ty, i64)> = g.vars.iter().map(|v| (v.ty, v.init)).collect();
            (g.role, vars, rule_lists(g).map(<[RuleId]>::len))
        };
        let keys: Vec<_> = model.generals.iter().map(key).collect();
        let of = (0..n)
            .map(|g| match keys[g].0 {
                None => n + g,
                Some(_) => keys.iter().position(|k| *k == keys[g]).expect("g's own key is there"),
            })
            .collect();
        let mut classes = Classes { of, members: Vec::new() };
        classes.rebuild();
        classes
    }

    /// Puts `g` in a class of its own (call [`Classes::rebuild`] afterwards).
    fn isolate(&mut self, g: GenId) {
        self.of[g as usize] = self.of.len() + g as usize;
    }

    /// Renumbers the classes `0..`, in the order of their first members, and lists them.
    fn rebuild(&mut self) {
        let mut ids = HashMap::new();
        self.members.clear();
        for (g, c) in self.of.iter_mut().enumerate() {
            let id = *ids.entry(*c).or_insert_with(|| {
                self.members.push(Vec::new());
                self.members.len() - 1
            });
            self.members[id].push(g as GenId);
            *c = id;
        }
    }

    /// The classes of at least two members, with their ids.
    fn shared(&self) -> impl Iterator<Item = (usize, &[GenId])> {
        self.members.iter().enumerate().filter(|(_, m)| m.len() >= 2).map(|(c, m)| (c, m.as_slice()))
    }
}
