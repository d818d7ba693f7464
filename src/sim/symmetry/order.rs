//! Order within a tick: which generals' deliveries do not commute, and so must stand
//! alone with every general that can reach them.

use std::collections::HashMap;

use super::checks::blanked;
use crate::check::visit;
use crate::check::*;
use crate::syntax::ast::BinOp;

// ---------------------------------------------------------------- order within a tick
/// The generals that may send messengers whose order of arrival matters: those from
/// which an [`order_sensitive`] general can be reached over channels (one hop or more).
pub(super) fn order_tangled(model: &Model) -> Vec<GenId> {
    let n = model.generals.len() as GenId;
    let mut tangled = vec![false; n as usize];
    let mut todo: Vec<GenId> = (0..n).filter(|&g| order_sensitive(model, g)).collect();
    while let Some(to) = todo.pop() {
        for from in 0..n {
            if from != to && !tangled[from as usize] && model.chan(from, to).is_some() {
                tangled[from as usize] = true;
                todo.push(from);
            }
        }
    }
    (0..n).filter(|&g| tangled[g as usize]).collect()
}

/// Whether the order in which general `g` is delivered the messengers of one tick can
/// change what happens, as far as can be told from its `on receive` rules (when in
/// doubt, yes). Deliveries commute when, in each of those rules:
///
/// - no condition, pattern, payload or value reads what was received or sent (it grows
///   with each delivery);
/// - every `set` is a commuting update of a variable that nothing else there reads:
///   `v = v + c` with constants `c` all of one sign (so an overflow happens in every
///   order or in none), or all `v = min(v, e)`, or all `v = max(v, e)`, `e` reading no
///   variable;
/// - every decision is the same (first decision wins): all `attack`, all `wait`, or all
///   `commit` of one expression reading no payload;
/// - no `crash` (what arrives after it is lost), and no `send` over a channel whose loss
///   rules count messengers (which one is captured would depend on the order).
///
/// Sends in a different order are fine: the order only matters to receivers, and every
/// general upstream of an order-sensitive one is made to stand alone.
pub(super) fn order_sensitive(model: &Model, g: GenId) -> bool {
    let mut updates: HashMap<u16, Update> = HashMap::new();
    let mut reads = Vec::new();
    let mut decision: Option<String> = None;
    for &r in &model.generals[g as usize].on_receive {
        let rule = &model.rules[r as usize];
        // What it received or sent grows with each delivery.
        let summary = &model.reads[r as usize];
        if summary.received || summary.sent {
            return true;
        }
        // Every variable read, except the updated operand of a commuting update.
        let Trigger::Receive { pattern, guard, .. } = &rule.trigger else {
            return true;
        };
        visit::pattern_values(pattern, &mut |e| vars_read(e, &mut reads));
        if let Some(e) = guard {
            vars_read(e, &mut reads);
        }
        for a in &rule.actions {
            let decided = match a {
                Action::Send { args, to, copies, .. } => {
                    args.iter().chain(copies).for_each(|e| vars_read(e, &mut reads));
                    if to.iter().any(|&t| model.chan(g, t).is_some_and(|c| counts(&model.channels[c as usize]))) {
                        return true;
                    }
                    continue;
                }
                Action::Set { var, value, .. } => {
                    let Some((update, operand)) = commuting_update(*var, value) else {
                        return true;
                    };
                    if *updates.entry(*var).or_insert(update) != update {
                        return true;
                    }
                    vars_read(operand, &mut reads);
                    continue;
                }
                Action::Crash(_) => return true,
                Action::Attack(_) => "attack".to_string(),
                Action::Wait(_) => "wait".to_string(),
                Action::Commit { value, .. } => {
                    if visit::any_part(value, &|e| matches!(e.kind, ExprKind::Local(_))) {
                        return true;
                    }
                    vars_read(value, &mut reads);
                    format!("commit {:?}", blanked(value))
                }
            };
            match &decision {
                Some(d) if *d != decided => return true,
                _ => decision = Some(decided),
            }
        }
    }
    reads.iter().any(|v| updates.contains_key(v))
}

/// A commuting update of a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Update {
    /// Adds constants, all `>= 0` (true) or all `<= 0` (false).
    Add(bool),
    Min,
    Max,
}

/// `set v = value` as a commuting update of `v`, with its other operand.
fn commuting_update(v: u16, value: &Expr) -> Option<(Update, &Expr)> {
    let is_v = |e: &Expr| matches!(e.kind, ExprKind::Var(w) if w == v);
    let constant = |e: &Expr| match e.kind {
        ExprKind::Const(c) => Some(c),
        _ => None,
    };
    match &value.kind {
        ExprKind::Bin(op @ (BinOp::Add | BinOp::Sub), a, b) => {
            let add = matches!(op, BinOp::Add);
            let (c, operand) = if is_v(a) {
                (constant(b)?, b)
            } else if add && is_v(b) {
                (constant(a)?, a)
            } else {
                return None;
            };
            let c = if add { c } else { c.checked_neg()? };
            Some((Update::Add(c >= 0), operand))
        }
        ExprKind::MinMax { max, a, b } => {
            let operand = if is_v(a) {
                b
            } else if is_v(b) {
                a
            } else {
                return None;
            };
            if visit::any_part(operand, &|e| matches!(e.kind, ExprKind::Var(_))) {
                return None;
            }
            Some((if *max { Update::Max } else { Update::Min }, operand))
        }
        _ => None,
    }
}

/// Whether a channel's loss rules count its messengers.
fn counts(c: &Channel) -> bool {
    c.losses.iter().any(|l| l.kind.counts())
}

/// Adds the variables an expression reads to `out`.
fn vars_read(e: &Expr, out: &mut Vec<u16>) {
    visit::walk(e, &mut |p| {
        if let ExprKind::Var(v) = p.kind {
            out.push(v);
        }
    });
}
