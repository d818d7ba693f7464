//! Expression evaluation and pattern matching, against what one general has seen.
//!
//! The evaluator proper (`ev`) returns `Result<i64, Fault>` with a zero-sized fault, so
//! that its results travel in registers; what went wrong is kept in [`Sim::fault`] and
//! turned into a [`RunError`] by the public entry points.

use super::{RunError, Sim};
use crate::check::*;
use crate::diag::Span;
use crate::syntax::ast::BinOp;

/// An arithmetic error happened; [`Sim::fault`] says where and what.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fault;

type Ev = Result<i64, Fault>;

impl Sim<'_> {
    /// Evaluates an expression for general `g` (booleans are 0 and 1).
    #[inline]
    pub(crate) fn eval(&self, e: &Expr, g: GenId, locals: &[i64]) -> Result<i64, RunError> {
        if let ExprKind::Const(v) = e.kind {
            return Ok(v);
        }
        self.ev(e, g, locals, u32::MAX).map_err(|Fault| self.fault_error())
    }

    /// Evaluates an expression as it stood at tick `cut`: only what had been received and
    /// sent by then counts (used by explanations, after the run).
    pub fn eval_at(&self, e: &Expr, g: GenId, locals: &[i64], cut: u32) -> Result<i64, RunError> {
        self.ev(e, g, locals, cut).map_err(|Fault| self.fault_error())
    }

    /// The error behind the last [`Fault`].
    #[cold]
    fn fault_error(&self) -> RunError {
        let (span, what) = self.fault.get();
        RunError::Arithmetic { rule: self.current, what, span, tick: self.state.now }
    }

    #[cold]
    fn arith(&self, span: Span, what: &'static str) -> Fault {
        self.fault.set((span, what));
        Fault
    }

    fn ev(&self, e: &Expr, g: GenId, locals: &[i64], cut: u32) -> Ev {
        Ok(match &e.kind {
            ExprKind::Const(v) => *v,
            ExprKind::Now => self.state.now.min(cut) as i64,
            ExprKind::Local(i) => locals[*i as usize],
            ExprKind::Var(i) => self.state.vars[g as usize][*i as usize],
            ExprKind::Neg(a) => {
                self.ev(a, g, locals, cut)?.checked_neg().ok_or_else(|| self.arith(e.span, "overflow"))?
            }
            ExprKind::Not(a) => (self.ev(a, g, locals, cut)? == 0) as i64,
            ExprKind::Bin(op, a, b) => {
                let x = self.operand(a, g, locals, cut)?;
                // `and` and `or` short-circuit.
                match op {
                    BinOp::And if x == 0 => return Ok(0),
                    BinOp::Or if x != 0 => return Ok(1),
                    _ => {}
                }
                let y = self.operand(b, g, locals, cut)?;
                match op {
                    BinOp::Add => x.checked_add(y).ok_or_else(|| self.arith(e.span, "overflow"))?,
                    BinOp::Sub => x.checked_sub(y).ok_or_else(|| self.arith(e.span, "overflow"))?,
                    BinOp::Mul => x.checked_mul(y).ok_or_else(|| self.arith(e.span, "overflow"))?,
                    BinOp::Div => {
                        if y == 0 {
                            return Err(self.arith(e.span, "division by zero"));
                        }
                        x.checked_div(y).ok_or_else(|| self.arith(e.span, "overflow"))?
                    }
                    BinOp::Lt => (x < y) as i64,
                    BinOp::Le => (x <= y) as i64,
                    BinOp::Gt => (x > y) as i64,
                    BinOp::Ge => (x >= y) as i64,
                    BinOp::Eq => (x == y) as i64,
                    BinOp::Ne => (x != y) as i64,
                    BinOp::And | BinOp::Or => (y != 0) as i64,
                }
            }
            ExprKind::MinMax { max, a, b } => {
                let (x, y) = (self.ev(a, g, locals, cut)?, self.ev(b, g, locals, cut)?);
                if *max { x.max(y) } else { x.min(y) }
            }
            ExprKind::Received { pattern, from, by } => self.received(pattern, from, by.as_deref(), g, locals, cut)?,
            ExprKind::Count { pattern, from, by } => {
                self.count(pattern, from.as_deref(), by.as_deref(), g, locals, cut)?
            }
            ExprKind::Sent { pattern, to } => self.sent_any(pattern, to.as_deref(), g, locals, cut)?,
        })
    }

    /// An operand: constants (the usual right-hand side) without a call.
    #[inline(always)]
    fn operand(&self, e: &Expr, g: GenId, locals: &[i64], cut: u32) -> Ev {
        match &e.kind {
            ExprKind::Const(v) => Ok(*v),
            ExprKind::Local(i) => Ok(locals[*i as usize]),
            ExprKind::Count { pattern, from, by } => {
                // The usual `count received K`, in a lean run: the size of a set.
                if from.is_none()
                    && let Some(i) = self.heard_index(pattern, by.as_deref(), g, cut)
                {
                    return Ok(self.heard_count(i) as i64);
                }
                self.count(pattern, from.as_deref(), by.as_deref(), g, locals, cut)
            }
            _ => self.ev(e, g, locals, cut),
        }
    }

    /// `by T`, evaluated.
    #[inline]
    fn by(&self, by: Option<&Expr>, g: GenId, locals: &[i64], cut: u32) -> Result<Option<i64>, Fault> {
        match by {
            Some(b) => Ok(Some(self.ev(b, g, locals, cut)?)),
            None => Ok(None),
        }
    }

    /// Whether a message matches a pattern, without the fault's conversion.
    #[inline]
    fn is_match(&self, p: &Pattern, m: &Msg, g: GenId, locals: &[i64]) -> Result<bool, Fault> {
        self.is_match_memo(p, m, g, locals, &mut ArgMemo::default())
    }

    /// [`Sim::is_match`] within one scan of many messages: a payload value the pattern
    /// compares with is worked out the first time a message needs it, as before, and
    /// kept for the rest of the scan (it does not depend on the message). Without it,
    /// `count received m(count received m)` worked out its inner count once per message
    /// received: cubic in the messages, minutes for one run (found by the fuzzer).
    fn is_match_memo(&self, p: &Pattern, m: &Msg, g: GenId, locals: &[i64], memo: &mut ArgMemo) -> Result<bool, Fault> {
        if p.kind != m.kind {
            return Ok(false);
        }
        for (i, a) in p.args.iter().enumerate() {
            if let PatArg::Eq(e) = a {
                let v = match memo.0[i] {
                    Some(v) => v,
                    None => {
                        let v = self.ev(e, g, locals, u32::MAX)?;
                        memo.0[i] = Some(v);
                        v
                    }
                };
                if v != m.args.vals[i] {
                    return Ok(false);
                }
            }
        }
        Ok(true)
    }

    /// In a lean run, the number of the set of senders of `pattern`'s kind heard by `g`
    /// (see `HeardPlan`), when it answers an expression with this pattern and `by`
    /// evaluated now.
    #[inline(always)]
    fn heard_index(&self, pattern: &Pattern, by: Option<&Expr>, g: GenId, cut: u32) -> Option<usize> {
        if !self.f.heard || cut != u32::MAX || !crate::check::reads::senders_answer(pattern, by) {
            return None;
        }
        let slot = self.plan.lean.heard.slot[pattern.kind as usize];
        (slot != super::NONE).then(|| self.heard_at(g, slot))
    }

    /// In a lean run, the set of senders of `pattern`'s kind heard by `g`, when it
    /// answers an expression with this pattern and `by` evaluated now.
    #[inline]
    fn heard_set(&self, pattern: &Pattern, by: Option<&Expr>, g: GenId, cut: u32) -> Option<&[u64]> {
        let at = self.heard_index(pattern, by, g, cut)? * self.plan.lean.heard.words;
        Some(&self.lean.heard[at..at + self.plan.lean.heard.words])
    }

    #[inline(never)]
    fn received(&self, pattern: &Pattern, from: &Senders, by: Option<&Expr>, g: GenId, locals: &[i64], cut: u32) -> Ev {
        if let Some(set) = self.heard_set(pattern, by, g, cut) {
            let has = |s: &GenId| set[*s as usize / 64] & (1u64 << (s % 64)) != 0;
            return Ok(match from {
                Senders::Any(None) => set.iter().any(|w| *w != 0),
                Senders::Any(Some(list)) => list.iter().any(has),
                Senders::Each(list) => list.iter().all(has),
            } as i64);
        }
        let by = self.by(by, g, locals, cut)?;
        let recv = &self.state.recv[g as usize];
        let memo = &mut ArgMemo::default();
        Ok(match from {
            Senders::Any(filter) => {
                for r in recv {
                    if r.tick <= cut
                        && filter.as_ref().is_none_or(|f| f.contains(&r.from))
                        && by.is_none_or(|b| r.tick as i64 <= b)
                        && self.is_match_memo(pattern, &r.msg, g, locals, memo)?
                    {
                        return Ok(1);
                    }
                }
                0
            }
            Senders::Each(list) => {
                for s in list {
                    let mut found = false;
                    for r in recv {
                        if r.from == *s
                            && r.tick <= cut
                            && by.is_none_or(|b| r.tick as i64 <= b)
                            && self.is_match_memo(pattern, &r.msg, g, locals, memo)?
                        {
                            found = true;
                            break;
                        }
                    }
                    if !found {
                        return Ok(0);
                    }
                }
                1
            }
        })
    }

    #[inline(never)]
    fn count(
        &self,
        pattern: &Pattern,
        from: Option<&[GenId]>,
        by: Option<&Expr>,
        g: GenId,
        locals: &[i64],
        cut: u32,
    ) -> Ev {
        if let Some(set) = self.heard_set(pattern, by, g, cut) {
            return Ok(match from {
                None => set.iter().map(|w| w.count_ones() as i64).sum(),
                Some(list) => {
                    let mut mask = [0u64; MAX_GENERALS / 64];
                    for s in list {
                        mask[*s as usize / 64] |= 1u64 << (s % 64);
                    }
                    set.iter().zip(&mask).map(|(w, m)| (w & m).count_ones() as i64).sum()
                }
            });
        }
        let by = self.by(by, g, locals, cut)?;
        let mut seen = [0u64; MAX_GENERALS / 64];
        let mut n = 0;
        if from.is_none() && by.is_none() && pattern.args.is_empty() {
            // The usual `count received K`: nothing to evaluate per message.
            for r in &self.state.recv[g as usize] {
                let (w, bit) = (r.from as usize / 64, 1u64 << (r.from % 64));
                if r.msg.kind == pattern.kind && r.tick <= cut && seen[w] & bit == 0 {
                    seen[w] |= bit;
                    n += 1;
                }
            }
            return Ok(n);
        }
        let memo = &mut ArgMemo::default();
        for r in &self.state.recv[g as usize] {
            let (w, bit) = (r.from as usize / 64, 1u64 << (r.from % 64));
            if seen[w] & bit == 0
                && r.tick <= cut
                && from.is_none_or(|f| f.contains(&r.from))
                && by.is_none_or(|b| r.tick as i64 <= b)
                && self.is_match_memo(pattern, &r.msg, g, locals, memo)?
            {
                seen[w] |= bit;
                n += 1;
            }
        }
        Ok(n)
    }

    #[inline(never)]
    fn sent_any(&self, pattern: &Pattern, to: Option<&[GenId]>, g: GenId, locals: &[i64], cut: u32) -> Ev {
        let memo = &mut ArgMemo::default();
        for s in &self.state.sent[g as usize] {
            if s.tick <= cut
                && to.is_none_or(|t| t.contains(&s.to))
                && self.is_match_memo(pattern, &s.msg, g, locals, memo)?
            {
                return Ok(1);
            }
        }
        Ok(0)
    }

    /// Whether a message matches a pattern (no binding).
    pub fn matches(&self, p: &Pattern, m: &Msg, g: GenId, locals: &[i64]) -> Result<bool, RunError> {
        self.is_match(p, m, g, locals).map_err(|Fault| self.fault_error())
    }

    /// Matches payload patterns, binding values into `locals`.
    pub fn match_args(&self, p: &Pattern, m: &Msg, g: GenId, locals: &mut [i64]) -> Result<bool, RunError> {
        for (i, a) in p.args.iter().enumerate() {
            let v = m.args.vals[i];
            match a {
                PatArg::Any => {}
                PatArg::Bind(slot) => locals[*slot as usize] = v,
                PatArg::Eq(e) => {
                    if self.eval(e, g, locals)? != v {
                        return Ok(false);
                    }
                }
            }
        }
        Ok(true)
    }
}

/// The payload values of one pattern, worked out during one scan (see
/// `Sim::is_match_memo`).
#[derive(Default)]
struct ArgMemo([Option<i64>; crate::check::MAX_ARGS]);
