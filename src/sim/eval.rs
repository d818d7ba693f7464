//! Expression evaluation and pattern matching, against what one general has seen.

use super::{RunError, Sim};
use crate::check::*;
use crate::syntax::ast::BinOp;

impl Sim<'_> {
    /// Evaluates an expression for general `g` (booleans are 0 and 1).
    #[inline]
    pub(crate) fn eval(&self, e: &Expr, g: GenId, locals: &[i64]) -> Result<i64, RunError> {
        self.eval_at(e, g, locals, u32::MAX)
    }

    /// Evaluates an expression as it stood at tick `cut`: only what had been received and
    /// sent by then counts (used by explanations, after the run).
    pub fn eval_at(&self, e: &Expr, g: GenId, locals: &[i64], cut: u32) -> Result<i64, RunError> {
        Ok(match &e.kind {
            ExprKind::Const(v) => *v,
            ExprKind::Now => self.now.min(cut) as i64,
            ExprKind::Local(i) => locals[*i as usize],
            ExprKind::Var(i) => self.vars[g as usize][*i as usize],
            ExprKind::Neg(a) => self.eval_at(a, g, locals, cut)?.wrapping_neg(),
            ExprKind::Not(a) => (self.eval_at(a, g, locals, cut)? == 0) as i64,
            ExprKind::Bin(op, a, b) => {
                let x = self.eval_at(a, g, locals, cut)?;
                // `and` and `or` short-circuit.
                match op {
                    BinOp::And if x == 0 => return Ok(0),
                    BinOp::Or if x != 0 => return Ok(1),
                    _ => {}
                }
                let y = self.eval_at(b, g, locals, cut)?;
                let arith = |r: Option<i64>, what| {
                    r.ok_or(RunError::Arithmetic { rule: self.current, what, span: e.span, tick: self.now })
                };
                match op {
                    BinOp::Add => arith(x.checked_add(y), "overflow")?,
                    BinOp::Sub => arith(x.checked_sub(y), "overflow")?,
                    BinOp::Mul => arith(x.checked_mul(y), "overflow")?,
                    BinOp::Div => arith(
                        if y == 0 { None } else { x.checked_div(y) },
                        if y == 0 { "division by zero" } else { "overflow" },
                    )?,
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
                let (x, y) = (self.eval_at(a, g, locals, cut)?, self.eval_at(b, g, locals, cut)?);
                if *max { x.max(y) } else { x.min(y) }
            }
            ExprKind::Received { pattern, from, by } => {
                let by = match by {
                    Some(b) => Some(self.eval_at(b, g, locals, cut)?),
                    None => None,
                };
                match from {
                    Senders::Any(filter) => {
                        for r in &self.recv[g as usize] {
                            if r.tick <= cut
                                && filter.as_ref().is_none_or(|f| f.contains(&r.from))
                                && by.is_none_or(|b| r.tick as i64 <= b)
                                && self.matches(pattern, &r.msg, g, locals)?
                            {
                                return Ok(1);
                            }
                        }
                        0
                    }
                    Senders::Each(list) => {
                        for s in list {
                            let mut found = false;
                            for r in &self.recv[g as usize] {
                                if r.from == *s
                                    && r.tick <= cut
                                    && by.is_none_or(|b| r.tick as i64 <= b)
                                    && self.matches(pattern, &r.msg, g, locals)?
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
                }
            }
            ExprKind::Count { pattern, from, by } => {
                let by = match by {
                    Some(b) => Some(self.eval_at(b, g, locals, cut)?),
                    None => None,
                };
                let mut seen = [0u64; MAX_GENERALS / 64];
                let mut n = 0;
                for r in &self.recv[g as usize] {
                    let (w, bit) = (r.from as usize / 64, 1u64 << (r.from % 64));
                    if seen[w] & bit == 0
                        && r.tick <= cut
                        && from.as_ref().is_none_or(|f| f.contains(&r.from))
                        && by.is_none_or(|b| r.tick as i64 <= b)
                        && self.matches(pattern, &r.msg, g, locals)?
                    {
                        seen[w] |= bit;
                        n += 1;
                    }
                }
                n
            }
            ExprKind::Sent { pattern, to } => {
                for s in &self.sent[g as usize] {
                    if s.tick <= cut
                        && to.as_ref().is_none_or(|t| t.contains(&s.to))
                        && self.matches(pattern, &s.msg, g, locals)?
                    {
                        return Ok(1);
                    }
                }
                0
            }
        })
    }

    /// Whether a message matches a pattern (no binding).
    pub fn matches(&self, p: &Pattern, m: &Msg, g: GenId, locals: &[i64]) -> Result<bool, RunError> {
        if p.kind != m.kind {
            return Ok(false);
        }
        for (i, a) in p.args.iter().enumerate() {
            if let PatArg::Eq(e) = a
                && self.eval(e, g, locals)? != m.args.vals[i]
            {
                return Ok(false);
            }
        }
        Ok(true)
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
