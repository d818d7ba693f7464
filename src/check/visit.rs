//! The one walk over the resolved rules and expressions. Every match here names every
//! form (no catch-all arm): a new expression form, trigger or action does not compile
//! until this file says where its parts are, and every reader of rules built on it
//! ([`super::reads`], the interpreter's plans, the state key, symmetry) then sees them.
//! The lint below holds the file to that.

#![deny(clippy::wildcard_enum_match_arm)]

use super::model::*;

/// Calls `f` on each direct part of an expression: operands, the payload values a
/// pattern compares with, `by`.
pub fn parts<'e>(e: &'e Expr, f: &mut dyn FnMut(&'e Expr)) {
    match &e.kind {
        ExprKind::Const(_) | ExprKind::Now | ExprKind::Local(_) | ExprKind::Var(_) => {}
        ExprKind::Neg(a) | ExprKind::Not(a) => f(a),
        ExprKind::Bin(_, a, b) | ExprKind::MinMax { a, b, .. } => {
            f(a);
            f(b);
        }
        ExprKind::Received { pattern, from: _, by } | ExprKind::Count { pattern, from: _, by } => {
            pattern_values(pattern, f);
            if let Some(b) = by {
                f(b);
            }
        }
        ExprKind::Sent { pattern, to: _ } => pattern_values(pattern, f),
    }
}

/// Calls `f` on an expression and on every part of it, outermost first.
pub fn walk<'e>(e: &'e Expr, f: &mut dyn FnMut(&'e Expr)) {
    f(e);
    parts(e, &mut |p| walk(p, f));
}

/// Whether some part of an expression (itself included) satisfies `hit`.
pub fn any_part(e: &Expr, hit: &dyn Fn(&Expr) -> bool) -> bool {
    let mut found = false;
    walk(e, &mut |p| found |= hit(p));
    found
}

/// Calls `f` on each payload value a pattern compares with (`ack(3)`, `vote(v + 1)`).
pub fn pattern_values<'e>(p: &'e Pattern, f: &mut dyn FnMut(&'e Expr)) {
    for a in &p.args {
        match a {
            PatArg::Any | PatArg::Bind(_) => {}
            PatArg::Eq(e) => f(e),
        }
    }
}

/// Calls `f` on each expression a rule holds, outermost only, in written order: its
/// trigger's (payload values of its pattern, guard, `until`, condition, decision) and
/// then its actions' (payload values, copies, values set or committed).
pub fn rule_exprs<'r>(r: &'r Rule, f: &mut dyn FnMut(&'r Expr)) {
    match &r.trigger {
        Trigger::Start | Trigger::Recover | Trigger::At(_) => {}
        Trigger::Receive { pattern, from: _, guard } => {
            pattern_values(pattern, f);
            if let Some(g) = guard {
                f(g);
            }
        }
        Trigger::Every { period: _, until } => {
            if let Some(c) = until {
                f(c);
            }
        }
        Trigger::When(c) => f(c),
        Trigger::Decide { at: _, what } => match what {
            DecideWhat::Attack(c) => {
                if let Some(c) = c {
                    f(c);
                }
            }
            DecideWhat::Wait => {}
            DecideWhat::Commit(v, guard) => {
                f(v);
                if let Some(g) = guard {
                    f(g);
                }
            }
        },
    }
    for a in &r.actions {
        match a {
            Action::Send { kind: _, args, to: _, copies, span: _ } => {
                for x in args {
                    f(x);
                }
                if let Some(c) = copies {
                    f(c);
                }
            }
            Action::Set { var: _, value, span: _ } | Action::Commit { value, span: _ } => f(value),
            Action::Attack(_) | Action::Wait(_) | Action::Crash(_) => {}
        }
    }
}

/// Calls `f` on every expression of a rule and every part of each.
pub fn rule_walk<'r>(r: &'r Rule, f: &mut dyn FnMut(&'r Expr)) {
    rule_exprs(r, &mut |e| walk(e, f));
}

/// The mutable twin of [`parts`].
pub fn parts_mut(e: &mut Expr, f: &mut dyn FnMut(&mut Expr)) {
    match &mut e.kind {
        ExprKind::Const(_) | ExprKind::Now | ExprKind::Local(_) | ExprKind::Var(_) => {}
        ExprKind::Neg(a) | ExprKind::Not(a) => f(a),
        ExprKind::Bin(_, a, b) | ExprKind::MinMax { a, b, .. } => {
            f(a);
            f(b);
        }
        ExprKind::Received { pattern, from: _, by } | ExprKind::Count { pattern, from: _, by } => {
            pattern_values_mut(pattern, f);
            if let Some(b) = by {
                f(b);
            }
        }
        ExprKind::Sent { pattern, to: _ } => pattern_values_mut(pattern, f),
    }
}

/// The mutable twin of [`pattern_values`].
pub fn pattern_values_mut(p: &mut Pattern, f: &mut dyn FnMut(&mut Expr)) {
    for a in &mut p.args {
        match a {
            PatArg::Any | PatArg::Bind(_) => {}
            PatArg::Eq(e) => f(e),
        }
    }
}

/// Calls `f` on each list of generals an expression form names itself (not its parts):
/// the senders of `received` and `count received`, the receivers of `sent`.
pub fn named_mut(e: &mut ExprKind, f: &mut dyn FnMut(&mut Vec<GenId>)) {
    match e {
        ExprKind::Const(_)
        | ExprKind::Now
        | ExprKind::Local(_)
        | ExprKind::Var(_)
        | ExprKind::Neg(_)
        | ExprKind::Not(_)
        | ExprKind::Bin(..)
        | ExprKind::MinMax { .. } => {}
        ExprKind::Received { pattern: _, from, by: _ } => match from {
            Senders::Any(None) => {}
            Senders::Any(Some(l)) | Senders::Each(l) => f(l),
        },
        ExprKind::Count { pattern: _, from, by: _ } => {
            if let Some(l) = from {
                f(l);
            }
        }
        ExprKind::Sent { pattern: _, to } => {
            if let Some(l) = to {
                f(l);
            }
        }
    }
}

/// Calls `expr` on each expression of a rule, outermost only, as [`rule_exprs`] does, and
/// `list` on each list of generals the rule names outside its expressions (the senders
/// of `on receive ... from`, the targets of `send`).
pub fn rule_mut(r: &mut Rule, expr: &mut dyn FnMut(&mut Expr), list: &mut dyn FnMut(&mut Vec<GenId>)) {
    match &mut r.trigger {
        Trigger::Start | Trigger::Recover | Trigger::At(_) => {}
        Trigger::Receive { pattern, from, guard } => {
            pattern_values_mut(pattern, expr);
            if let Some(from) = from {
                list(from);
            }
            if let Some(g) = guard {
                expr(g);
            }
        }
        Trigger::Every { period: _, until } => {
            if let Some(c) = until {
                expr(c);
            }
        }
        Trigger::When(c) => expr(c),
        Trigger::Decide { at: _, what } => match what {
            DecideWhat::Attack(c) => {
                if let Some(c) = c {
                    expr(c);
                }
            }
            DecideWhat::Wait => {}
            DecideWhat::Commit(v, guard) => {
                expr(v);
                if let Some(g) = guard {
                    expr(g);
                }
            }
        },
    }
    for a in &mut r.actions {
        match a {
            Action::Send { kind: _, args, to, copies, span: _ } => {
                for x in args {
                    expr(x);
                }
                list(to);
                if let Some(c) = copies {
                    expr(c);
                }
            }
            Action::Set { var: _, value, span: _ } | Action::Commit { value, span: _ } => expr(value),
            Action::Attack(_) | Action::Wait(_) | Action::Crash(_) => {}
        }
    }
}
