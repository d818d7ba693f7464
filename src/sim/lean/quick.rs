//! Rule conditions compiled once per model, for lean runs ([`Mode::Lean`](crate::sim::Mode::Lean)).
//!
//! A condition (`decide at T: attack if C`, `when C`, `every P until C`, the guard of
//! `on receive ... if C`) is evaluated once per general and tick or delivery, and in a
//! trial that is most of what the evaluator does. Where every part of it is cheap to
//! answer — constants, `now`, variables, payload values, arithmetic and comparisons, and
//! `count received K` / `received K` that the sets of senders heard answer (see
//! `HeardPlan`) — it is compiled into a short program for a stack machine, with the sets'
//! slots resolved, and run without the general evaluator's recursion and dispatch.
//!
//! Same values as [`Sim::eval`]: a compiled condition is only used in lean runs, where
//! the sets are kept; the evaluator is pure, so on any arithmetic fault the compiled
//! form gives up (`None`) and [`Sim::eval`] evaluates the condition again, reporting
//! the fault as ever. Debug builds check every compiled answer against `eval`.

use crate::check::*;
use crate::sim::{HeardPlan, NONE, Sim};
use crate::syntax::ast::BinOp;

/// The deepest stack a compiled condition may need.
const STACK: usize = 8;

/// One step of a compiled condition: a stack machine, each step pushing a value or
/// combining the top ones.
#[derive(Debug, Clone, Copy)]
enum Op {
    Const(i64),
    Now,
    Local(u8),
    Var(u16),
    /// `count received K` (from anyone): the size of the general's set for this slot.
    Count(u32),
    /// `count received K` compared with a constant (`Count` then `BinK` folded, see
    /// `Compiler::fold`): the usual quorum test, in one step.
    CountCmp {
        slot: u32,
        op: BinOp,
        k: i64,
    },
    /// `received K` from anyone: the set for this slot is not empty.
    Heard(u32),
    /// `received K` from any (`each`: from each) of the generals in `lists[list]`.
    HeardOf {
        slot: u32,
        list: u32,
        each: bool,
    },
    Neg,
    Not,
    /// `x op y`, both on the stack (`and` and `or` are `Skip` then `Truthy`).
    Bin(BinOp),
    /// `x op k`, `x` on the stack (the usual right operand, a constant).
    BinK(BinOp, i64),
    MinMax {
        max: bool,
    },
    /// `and`/`or` on the left operand at the top: if it decides (0 for `and`, non-zero
    /// for `or`), leave the answer (0 or 1) and skip the next `skip` steps (the right
    /// operand and its `Truthy`); else drop it.
    Skip {
        or: bool,
        skip: u32,
    },
    /// The top becomes 0 or 1.
    Truthy,
}

/// A compiled condition.
#[derive(Debug, Clone)]
pub(crate) struct Code {
    ops: Box<[Op]>,
    lists: Box<[Box<[GenId]>]>,
}

/// `fold` of a comparison (`Compiler::fold` makes `CountCmp`s of only these), inline.
#[inline(always)]
pub(crate) fn compare(op: BinOp, x: i64, y: i64) -> bool {
    match op {
        BinOp::Lt => x < y,
        BinOp::Le => x <= y,
        BinOp::Gt => x > y,
        BinOp::Ge => x >= y,
        BinOp::Eq => x == y,
        _ => x != y,
    }
}

impl Code {
    /// When the condition is one comparison of the number of senders heard with a
    /// constant (`count received K >= 3`; `received K` is `> 0`): its set's slot, the
    /// comparison and the constant.
    pub(crate) fn count_cmp(&self) -> Option<(u32, BinOp, i64)> {
        match *self.ops {
            [Op::CountCmp { slot, op, k }] => Some((slot, op, k)),
            [Op::Heard(slot)] => Some((slot, BinOp::Gt, 0)),
            _ => None,
        }
    }

    /// The compiled form of `e`, if every part of it has one.
    pub(crate) fn compile(e: &Expr, heard: &HeardPlan) -> Option<Code> {
        let mut c = Compiler { heard, ops: Vec::new(), lists: Vec::new(), depth: 0, deepest: 0 };
        c.expr(e)?;
        (c.deepest <= STACK).then(|| Code { ops: c.ops.into(), lists: c.lists.into() })
    }
}

struct Compiler<'a> {
    heard: &'a HeardPlan,
    ops: Vec<Op>,
    lists: Vec<Box<[GenId]>>,
    depth: usize,
    deepest: usize,
}

impl Compiler<'_> {
    fn push(&mut self, op: Op) {
        self.ops.push(op);
        self.depth += 1;
        self.deepest = self.deepest.max(self.depth);
    }

    /// The set that answers a pattern with no `by`, if there is one.
    fn slot(&self, pattern: &Pattern, by: &Option<Box<Expr>>) -> Option<u32> {
        let s = self.heard.slot[pattern.kind as usize];
        (crate::check::reads::senders_answer(pattern, by.as_deref()) && s != NONE).then_some(s)
    }

    /// Folds a comparison with a constant into the `count received K` it compares, with
    /// a constant added or subtracted on the way: `count + a >= k` is `count >= k - a`.
    /// (A count is at most [`MAX_GENERALS`], so `count + a` cannot overflow unless `a` is
    /// within that of the limits, nor can `k - a` here; those are left as they are.)
    fn fold(&mut self) {
        let n = self.ops.len();
        let Some(&Op::BinK(op @ (BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge | BinOp::Eq | BinOp::Ne), k)) =
            self.ops.last()
        else {
            return;
        };
        let room =
            |a: i64| a.checked_add(MAX_GENERALS as i64).is_some() && a.checked_sub(MAX_GENERALS as i64).is_some();
        let folded = match self.ops[..n - 1] {
            [.., Op::Count(slot)] => Some((slot, k, 2)),
            [.., Op::Count(slot), Op::BinK(BinOp::Add, a)] if room(a) => k.checked_sub(a).map(|k| (slot, k, 3)),
            [.., Op::Count(slot), Op::BinK(BinOp::Sub, a)] if room(a) => k.checked_add(a).map(|k| (slot, k, 3)),
            _ => None,
        };
        if let Some((slot, k, len)) = folded {
            self.ops.truncate(n - len);
            self.ops.push(Op::CountCmp { slot, op, k });
        }
    }

    fn expr(&mut self, e: &Expr) -> Option<()> {
        match &e.kind {
            ExprKind::Const(v) => self.push(Op::Const(*v)),
            ExprKind::Now => self.push(Op::Now),
            ExprKind::Local(i) => self.push(Op::Local(*i)),
            ExprKind::Var(i) => self.push(Op::Var(*i)),
            ExprKind::Neg(a) => {
                self.expr(a)?;
                self.ops.push(Op::Neg);
            }
            ExprKind::Not(a) => {
                self.expr(a)?;
                self.ops.push(Op::Not);
            }
            ExprKind::Bin(op @ (BinOp::And | BinOp::Or), a, b) => {
                self.expr(a)?;
                let at = self.ops.len();
                self.ops.push(Op::Skip { or: *op == BinOp::Or, skip: 0 });
                self.depth -= 1;
                self.expr(b)?;
                self.ops.push(Op::Truthy);
                let skip = (self.ops.len() - at - 1) as u32;
                self.ops[at] = Op::Skip { or: *op == BinOp::Or, skip };
            }
            ExprKind::Bin(op, a, b) => {
                self.expr(a)?;
                if let ExprKind::Const(k) = b.kind {
                    self.ops.push(Op::BinK(*op, k));
                    self.fold();
                    return Some(());
                }
                self.expr(b)?;
                self.ops.push(Op::Bin(*op));
                self.depth -= 1;
            }
            ExprKind::MinMax { max, a, b } => {
                self.expr(a)?;
                self.expr(b)?;
                self.ops.push(Op::MinMax { max: *max });
                self.depth -= 1;
            }
            ExprKind::Count { pattern, from: None, by } => {
                let slot = self.slot(pattern, by)?;
                self.push(Op::Count(slot));
            }
            ExprKind::Received { pattern, from, by } => {
                let slot = self.slot(pattern, by)?;
                let (list, each) = match from {
                    Senders::Any(None) => {
                        self.push(Op::Heard(slot));
                        return Some(());
                    }
                    Senders::Any(Some(list)) => (list, false),
                    Senders::Each(list) => (list, true),
                };
                self.lists.push(list.clone().into());
                self.push(Op::HeardOf { slot, list: self.lists.len() as u32 - 1, each });
            }
            ExprKind::Count { .. } | ExprKind::Sent { .. } => return None,
        }
        Some(())
    }
}

/// The condition of a rule, the one that is evaluated each time it may fire.
pub(crate) fn condition(r: &Rule) -> Option<&Expr> {
    match &r.trigger {
        Trigger::Receive { guard, .. } => guard.as_ref(),
        Trigger::Every { until, .. } => until.as_ref(),
        Trigger::When(c) => Some(c),
        Trigger::Decide { what: DecideWhat::Attack(c), .. } => c.as_ref(),
        Trigger::Decide { what: DecideWhat::Commit(_, guard), .. } => guard.as_ref(),
        Trigger::Start | Trigger::Recover | Trigger::At(_) | Trigger::Decide { what: DecideWhat::Wait, .. } => None,
    }
}

impl Sim<'_> {
    /// Evaluates `c`, the condition of rule `r` (see [`condition`]), for general `g`: its
    /// compiled form in a lean run, else [`Sim::eval`].
    #[inline(always)]
    pub(crate) fn condition(&self, r: RuleId, c: &Expr, g: GenId, locals: &[i64]) -> Result<i64, super::RunError> {
        if self.f.lean
            && let Some(code) = &self.plan.lean.quick[r as usize]
            && let Some(v) = match *code.ops {
                // One step (a quorum test, `received K`...): no stack.
                [op] => self.leaf(op, g, locals, &code.lists),
                _ => self.run_code(code, g, locals),
            }
        {
            debug_assert_eq!(Ok(v), self.eval(c, g, locals), "a compiled condition gives what eval gives");
            return Ok(v);
        }
        self.eval(c, g, locals)
    }

    /// The value of a compiled condition, or `None` on an arithmetic fault. (As `ev`
    /// computes it: operands in the same order, `and` and `or` short-circuiting.)
    fn run_code(&self, code: &Code, g: GenId, locals: &[i64]) -> Option<i64> {
        let mut st = [0i64; STACK];
        let mut sp = 0;
        let mut pc = 0;
        while let Some(&op) = code.ops.get(pc) {
            pc += 1;
            let v = match op {
                Op::Const(_)
                | Op::Now
                | Op::Local(_)
                | Op::Var(_)
                | Op::Count(_)
                | Op::CountCmp { .. }
                | Op::Heard(_)
                | Op::HeardOf { .. } => self.leaf(op, g, locals, &code.lists)?,
                Op::Neg => {
                    st[sp - 1] = st[sp - 1].checked_neg()?;
                    continue;
                }
                Op::Not => {
                    st[sp - 1] = (st[sp - 1] == 0) as i64;
                    continue;
                }
                Op::Truthy => {
                    st[sp - 1] = (st[sp - 1] != 0) as i64;
                    continue;
                }
                Op::Skip { or, skip } => {
                    let x = st[sp - 1];
                    if (x != 0) == or {
                        st[sp - 1] = or as i64;
                        pc += skip as usize;
                    } else {
                        sp -= 1;
                    }
                    continue;
                }
                Op::Bin(op) => {
                    sp -= 1;
                    st[sp - 1] = fold(op, st[sp - 1], st[sp])?;
                    continue;
                }
                Op::BinK(op, k) => {
                    st[sp - 1] = fold(op, st[sp - 1], k)?;
                    continue;
                }
                Op::MinMax { max } => {
                    sp -= 1;
                    let (x, y) = (st[sp - 1], st[sp]);
                    st[sp - 1] = if max { x.max(y) } else { x.min(y) };
                    continue;
                }
            };
            st[sp] = v;
            sp += 1;
        }
        Some(st[0])
    }

    /// The value a step that only pushes one pushes (`None` for the others).
    #[inline(always)]
    fn leaf(&self, op: Op, g: GenId, locals: &[i64], lists: &[Box<[GenId]>]) -> Option<i64> {
        Some(match op {
            Op::Const(v) => v,
            Op::Now => self.state.now as i64,
            Op::Local(i) => locals[i as usize],
            Op::Var(i) => self.state.vars[g as usize][i as usize],
            Op::Count(slot) => self.heard_count(self.heard_at(g, slot)) as i64,
            Op::CountCmp { slot, op, k } => compare(op, self.heard_count(self.heard_at(g, slot)) as i64, k) as i64,
            Op::Heard(slot) => (self.heard_count(self.heard_at(g, slot)) > 0) as i64,
            Op::HeardOf { slot, list, each } => {
                let words = self.plan.lean.heard.words;
                let at = self.heard_at(g, slot) * words;
                let set = &self.lean.heard[at..at + words];
                let has = |s: &GenId| set[*s as usize / 64] & (1u64 << (s % 64)) != 0;
                let list = &lists[list as usize];
                (if each { list.iter().all(has) } else { list.iter().any(has) }) as i64
            }
            _ => return None,
        })
    }

    /// The size of set number `set` of senders heard.
    #[inline(always)]
    pub(crate) fn heard_count(&self, set: usize) -> u32 {
        match self.plan.lean.heard.words {
            1 => self.lean.heard[set].count_ones(),
            words => self.lean.heard[set * words..(set + 1) * words].iter().map(|w| w.count_ones()).sum(),
        }
    }

    /// The number of general `g`'s set for `slot`.
    #[inline]
    pub(crate) fn heard_at(&self, g: GenId, slot: u32) -> usize {
        g as usize * self.plan.lean.heard.kinds + slot as usize
    }
}
