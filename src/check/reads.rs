//! What each rule reads of a run, worked out once by the checker (from [`super::visit`])
//! and kept in the [`Model`]: the interpreter's plans (what deliveries to keep, what lean
//! runs can answer from sets of senders), the state key (what it may forget) and
//! symmetry (whose deliveries commute) all read this summary, never the expressions.
//! Its matches name every form too (no catch-all arm), held to it by the lint below: a
//! new form does not compile until this file says what it reads.

#![deny(clippy::wildcard_enum_match_arm)]

use super::model::*;
use super::visit;
use crate::syntax::ast::BinOp;

/// What one rule reads: its trigger's pattern values, guard or condition, and its
/// actions' expressions, all of their parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reads {
    /// Some expression asks what its general received (`received`, `count received`).
    pub received: bool,
    /// It asks who sent a messenger: `from` in `received` or `count received`, or an
    /// `on receive ... from` trigger.
    pub sender: bool,
    /// It asks when a messenger arrived (`received ... by T`).
    pub arrival: bool,
    /// It asks what its general sent (`sent`).
    pub sent: bool,
    /// It reads the clock (`now`).
    pub now: bool,
    /// It reads payload values its trigger bound.
    pub locals: bool,
    /// The variables it reads, in the order met (repeats left in).
    pub vars: Vec<u16>,
    /// Each `received` and `count received`, in the order met: what it matches.
    pub patterns: Vec<ReadPattern>,
}

/// What one `received` or `count received` asks about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadPattern {
    pub kind: KindId,
    /// Per payload position: the value it must equal when that is a constant; `None`
    /// when any value fits there (or one that only a run can work out).
    pub values: Vec<Option<i64>>,
    /// Which senders delivered such a message answers it (no `by`, no payload value to
    /// compare): see [`senders_answer`].
    pub by_senders: bool,
    /// Its `by`, if it has one.
    pub by: By,
}

/// The `by T` of a `received` or `count received`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// None: any arrival counts.
    Never,
    /// A tick known before the run.
    Tick(i64),
    /// An expression only a run can work out (`by now - 5`, a variable).
    Computed,
}

impl Reads {
    /// What rule `r` reads.
    pub fn of(r: &Rule) -> Reads {
        let mut reads =
            Reads { sender: matches!(r.trigger, Trigger::Receive { from: Some(_), .. }), ..Reads::default() };
        visit::rule_walk(r, &mut |e| reads.note(e));
        reads
    }

    /// Notes what one expression form reads (its parts are visited on their own).
    fn note(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Const(_) | ExprKind::Neg(_) | ExprKind::Not(_) | ExprKind::Bin(..) | ExprKind::MinMax { .. } => {}
            ExprKind::Now => self.now = true,
            ExprKind::Local(_) => self.locals = true,
            ExprKind::Var(v) => self.vars.push(*v),
            ExprKind::Received { pattern, from, by } => {
                self.received = true;
                self.sender |= !matches!(from, Senders::Any(None));
                self.arrival |= by.is_some();
                self.patterns.push(ReadPattern::new(pattern, by.as_deref()));
            }
            ExprKind::Count { pattern, from, by } => {
                self.received = true;
                self.sender |= from.is_some();
                self.arrival |= by.is_some();
                self.patterns.push(ReadPattern::new(pattern, by.as_deref()));
            }
            ExprKind::Sent { pattern: _, to: _ } => self.sent = true,
        }
    }
}

impl ReadPattern {
    fn new(pattern: &Pattern, by: Option<&Expr>) -> ReadPattern {
        let values = pattern
            .args
            .iter()
            .map(|a| match a {
                PatArg::Eq(e) => constant(e),
                PatArg::Any | PatArg::Bind(_) => None,
            })
            .collect();
        let deadline = match by {
            None => By::Never,
            Some(e) => constant(e).map_or(By::Computed, By::Tick),
        };
        ReadPattern { kind: pattern.kind, values, by_senders: senders_answer(pattern, by), by: deadline }
    }
}

/// Whether `received` or `count received` with this pattern and `by` is answered by the
/// set of generals that delivered a message of its kind: no `by`, and no payload value
/// to compare (then a message matches by its kind alone).
#[inline]
pub fn senders_answer(pattern: &Pattern, by: Option<&Expr>) -> bool {
    by.is_none() && !pattern.args.iter().any(|a| matches!(a, PatArg::Eq(_)))
}

/// The value of an expression that reads nothing of a run, if it is one (and computes
/// without overflow).
pub fn constant(e: &Expr) -> Option<i64> {
    match &e.kind {
        ExprKind::Const(v) => Some(*v),
        ExprKind::Neg(a) => constant(a)?.checked_neg(),
        ExprKind::Bin(op, a, b) => {
            let (x, y) = (constant(a)?, constant(b)?);
            match op {
                BinOp::Add => x.checked_add(y),
                BinOp::Sub => x.checked_sub(y),
                BinOp::Mul => x.checked_mul(y),
                BinOp::Div
                | BinOp::Lt
                | BinOp::Le
                | BinOp::Gt
                | BinOp::Ge
                | BinOp::Eq
                | BinOp::Ne
                | BinOp::And
                | BinOp::Or => None,
            }
        }
        ExprKind::Now
        | ExprKind::Local(_)
        | ExprKind::Var(_)
        | ExprKind::Not(_)
        | ExprKind::MinMax { .. }
        | ExprKind::Received { .. }
        | ExprKind::Count { .. }
        | ExprKind::Sent { .. } => None,
    }
}
