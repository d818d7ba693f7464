//! Conditions evaluated as of a tick: the value of each part, and what each part rests on.

use super::{Explainer, Why, truth};
use crate::check::*;
use crate::syntax::ast::BinOp;

impl Explainer<'_, '_> {
    /// Explains a condition's value at tick `t`.
    pub(super) fn cond(&mut self, e: &Expr, g: GenId, t: u32, locals: &[i64], depth: usize) -> Why {
        let v = self.value(e, g, t, locals);
        let text = self.text(e);
        match &e.kind {
            ExprKind::Bin(op @ (BinOp::And | BinOp::Or), a, b) => {
                let mut parts = Vec::new();
                self.flatten(*op, a, &mut parts);
                self.flatten(*op, b, &mut parts);
                let because = parts.iter().map(|p| self.cond(p, g, t, locals, depth)).collect();
                Why::node(format!("`{text}` is {}", truth(v)), because)
            }
            ExprKind::Not(a) => Why::node(format!("`{text}` is {}", truth(v)), vec![self.cond(a, g, t, locals, depth)]),
            ExprKind::Received { pattern, from, by } => {
                let by_v = by.as_ref().map(|b| self.value(b, g, t, locals));
                let because = self.received(pattern, from, by_v, g, t, locals, v != 0, depth);
                Why::node(format!("`{text}` is {}", truth(v)), because)
            }
            ExprKind::Sent { pattern, to } => {
                let because = self.sent_why(pattern, to.as_deref(), g, t, locals, v != 0, depth);
                Why::node(format!("`{text}` is {}", truth(v)), because)
            }
            ExprKind::Bin(_, a, b) => {
                let mut because = Vec::new();
                for side in [a, b] {
                    if !matches!(side.kind, ExprKind::Const(_)) {
                        because.push(self.int_part(side, g, t, locals, depth));
                    }
                }
                Why::node(format!("`{text}` is {}", self.show(e, v)), because)
            }
            _ => Why::leaf(format!("`{text}` is {}", self.show(e, v))),
        }
    }

    /// Explains a numeric part of a comparison.
    fn int_part(&mut self, e: &Expr, g: GenId, t: u32, locals: &[i64], depth: usize) -> Why {
        let v = self.value(e, g, t, locals);
        let text = self.text(e);
        match &e.kind {
            ExprKind::Count { pattern, from, by } => {
                let by_v = by.as_ref().map(|b| self.value(b, g, t, locals));
                let because = self.count(pattern, from.as_deref(), by_v, g, t, locals, depth);
                Why::node(format!("`{text}` is {v}"), because)
            }
            ExprKind::Bin(_, a, b) | ExprKind::MinMax { a, b, .. } => {
                let mut because = Vec::new();
                for side in [a, b] {
                    if !matches!(side.kind, ExprKind::Const(_)) {
                        because.push(self.int_part(side, g, t, locals, depth));
                    }
                }
                if because.len() == 1 && because[0].because.is_empty() {
                    because.clear();
                }
                Why::node(format!("`{text}` is {}", self.show(e, v)), because)
            }
            // (Every form named: a new one must say whether its parts explain it.)
            ExprKind::Const(_)
            | ExprKind::Now
            | ExprKind::Local(_)
            | ExprKind::Var(_)
            | ExprKind::Neg(_)
            | ExprKind::Not(_)
            | ExprKind::Received { .. }
            | ExprKind::Sent { .. } => Why::leaf(format!("`{text}` is {}", self.show(e, v))),
        }
    }

    fn flatten<'e>(&self, op: BinOp, e: &'e Expr, out: &mut Vec<&'e Expr>) {
        match &e.kind {
            ExprKind::Bin(o, a, b) if *o == op => {
                self.flatten(op, a, out);
                self.flatten(op, b, out);
            }
            _ => out.push(e),
        }
    }

    fn show(&self, e: &Expr, v: i64) -> String {
        match e.ty {
            Ty::Bool => truth(v).to_string(),
            ty => self.model.show_value(v, Some(ty)),
        }
    }

    /// The value of an expression for `g` as it stood at tick `t`.
    pub(super) fn value(&self, e: &Expr, g: GenId, t: u32, locals: &[i64]) -> i64 {
        self.sim.eval_at(e, g, locals, t).unwrap_or(0)
    }
}
