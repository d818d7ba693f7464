//! The checks a class must pass: channels, partitions, `crash any` targets, rules (each
//! list of generals a rule names rewritten so that a permutation within classes fixes it).

use std::collections::HashMap;

use super::*;
use crate::check::visit;
use crate::diag::Span;

// ---------------------------------------------------------------- channels, partitions, crashes
/// For each channel, an id shared by the channels of the same shape: delays, duplication
/// and loss rules (without their spans).
pub(super) fn channel_shapes(model: &Model) -> Vec<usize> {
    let mut ids = HashMap::new();
    model
        .channels
        .iter()
        .map(|c| {
            let losses: Vec<&LossKind> = c.losses.iter().map(|l| &l.kind).collect();
            let shape = format!("{:?}", (c.delay_lo, c.delay_hi, c.duplicate, losses));
            let next = ids.len();
            *ids.entry(shape).or_insert(next)
        })
        .collect()
}

/// Breaks the classes in which swapping the first member with another does not map every
/// channel onto a channel of the same shape. (The transpositions of the first member
/// with each other one generate every permutation of the class.)
pub(super) fn check_channels(model: &Model, shapes: &[usize], classes: &Classes, broken: &mut [bool]) {
    let n = model.generals.len() as GenId;
    let shape = |a: GenId, b: GenId| model.chan(a, b).map(|c| shapes[c as usize]);
    for (c, members) in classes.shared() {
        let x = members[0];
        for &y in &members[1..] {
            let swap = |g: GenId| {
                if g == x {
                    y
                } else if g == y {
                    x
                } else {
                    g
                }
            };
            // Only the channels at x or y move.
            let mut moved = (0..n).flat_map(|a| [(a, x), (a, y), (x, a), (y, a)]);
            if moved.any(|(a, b)| shape(a, b) != shape(swap(a), swap(b))) {
                broken[c] = true;
                break;
            }
        }
    }
}

/// Breaks the classes that straddle a side of a partition.
pub(super) fn check_partitions(model: &Model, classes: &Classes, broken: &mut [bool]) {
    for p in &model.partitions {
        for (c, members) in classes.shared() {
            let uniform = |side: &[bool]| members.iter().all(|&g| side[g as usize] == side[members[0] as usize]);
            if !uniform(&p.side_a) || !uniform(&p.side_b) {
                broken[c] = true;
            }
        }
    }
}

/// Breaks the classes that straddle the targets of a `crash any` rule, and, when the
/// rule may stop rolling before its last target (fewer crashes than targets), the classes
/// with two members among its targets: their chances differ by their place in the list.
pub(super) fn check_crash_any(model: &Model, classes: &Classes, broken: &mut [bool]) {
    for rule in &model.crash_any {
        let mut targets = rule.targets.clone();
        targets.sort_unstable();
        targets.dedup();
        let in_order = (rule.n as usize) < targets.len();
        for (c, members) in classes.shared() {
            let inside = members.iter().filter(|g| targets.binary_search(g).is_ok()).count();
            if (inside > 0 && inside < members.len()) || (in_order && inside >= 2) {
                broken[c] = true;
            }
        }
    }
}

// ---------------------------------------------------------------- rules
/// Breaks the classes whose members' rules differ once rewritten by [`ListCode`], and the
/// classes that some general's rules name in part.
pub(super) fn check_rules(model: &Model, classes: &Classes, rules_of: &[Vec<RuleId>], broken: &mut [bool]) {
    let mut code = ListCode::new(classes);
    let forms: Vec<Vec<String>> = (0..model.generals.len() as GenId)
        .map(|g| {
            rules_of[g as usize]
                .iter()
                .map(|&r| {
                    let mut rule = model.rules[r as usize].clone();
                    rewrite(&mut rule, &mut |list| code.rewrite(g, list));
                    format!("{rule:?}")
                })
                .collect()
        })
        .collect();
    for (c, partial) in code.partial.iter().enumerate() {
        broken[c] |= *partial;
    }
    for (c, members) in classes.shared() {
        if members.iter().any(|&g| forms[g as usize] != forms[members[0] as usize]) {
            broken[c] = true;
        }
    }
}

/// Rewrites a list of generals named by a rule of general `g` into a code that every
/// permutation within classes that fixes `g` leaves alone: whether it names `g`; for
/// each class of two or more, whether it names all of the class but `g` (naming none is
/// left out; naming some but not all marks the class in `partial`: the rule names a
/// particular member, so the class must be broken); then the generals it names that are
/// alone in their class, sorted. A transposition `(x y)` within a class then maps the
/// rules of `x` onto those of `y` exactly when the codes of their lists are equal, and
/// leaves the lists of every other general unchanged.
struct ListCode<'c> {
    classes: &'c Classes,
    /// Classes named in part by some list.
    partial: Vec<bool>,
    /// Scratch: which generals the current list names.
    named: Vec<bool>,
}

impl<'c> ListCode<'c> {
    fn new(classes: &'c Classes) -> ListCode<'c> {
        ListCode { classes, partial: vec![false; classes.members.len()], named: vec![false; classes.of.len()] }
    }

    fn rewrite(&mut self, g: GenId, list: &mut Vec<GenId>) {
        for &m in list.iter() {
            self.named[m as usize] = true;
        }
        let mut code = vec![self.named[g as usize] as GenId];
        for (c, members) in self.classes.shared() {
            let others = members.iter().filter(|&&m| m != g);
            let hit = others.clone().filter(|&&m| self.named[m as usize]).count();
            if hit == others.count() {
                code.push(c as GenId);
            } else if hit > 0 {
                self.partial[c] = true;
            }
        }
        code.push(GenId::MAX);
        let mut alone: Vec<GenId> = list
            .iter()
            .copied()
            .filter(|&m| m != g && self.classes.members[self.classes.of[m as usize]].len() == 1)
            .collect();
        alone.sort_unstable();
        alone.dedup();
        code.extend(alone);
        for &m in list.iter() {
            self.named[m as usize] = false;
        }
        *list = code;
    }
}

/// Rewrites a rule (a copy) into the form that [`check_rules`] compares: its owner, spans,
/// line and text blanked, and `list` applied to every list of generals it names.
pub(super) fn rewrite(r: &mut Rule, list: &mut dyn FnMut(&mut Vec<GenId>)) {
    r.owner = 0;
    r.span = Span::default();
    r.line = 0;
    r.text.clear();
    for a in &mut r.actions {
        match a {
            Action::Send { span, .. }
            | Action::Attack(span)
            | Action::Wait(span)
            | Action::Crash(span)
            | Action::Set { span, .. }
            | Action::Commit { span, .. } => *span = Span::default(),
        }
    }
    // (Expressions and lists in written order; each expression outermost first.)
    let list = std::cell::RefCell::new(list);
    visit::rule_mut(r, &mut |e| rewrite_expr(e, &mut *list.borrow_mut()), &mut |l| (list.borrow_mut())(l));
}

/// Blanks the spans of an expression and its parts, and applies `list` to every list of
/// generals they name.
fn rewrite_expr(e: &mut Expr, list: &mut dyn FnMut(&mut Vec<GenId>)) {
    e.span = Span::default();
    visit::named_mut(&mut e.kind, list);
    visit::parts_mut(e, &mut |p| rewrite_expr(p, list));
}

/// An expression with its spans blanked, to compare by its `Debug` form.
pub(super) fn blanked(e: &Expr) -> Expr {
    let mut e = e.clone();
    rewrite_expr(&mut e, &mut |_| {});
    e
}
