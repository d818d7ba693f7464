//! Expressions and patterns: names resolved, types checked, constant parts folded.

use super::*;
use crate::syntax::ast::SenderFilter;

/// Names visible inside one rule.
pub(super) struct Scope {
    pub(super) owner: GenId,
    /// Payload binders of an `on receive` rule.
    pub(super) locals: Vec<(String, Ty, Span)>,
    /// Whether the expression may depend on the run (knowledge, `now`, variables).
    pub(super) runtime: bool,
}

impl Checker<'_> {
    /// Interns a string value.
    pub(crate) fn intern_str(&mut self, s: &str) -> i64 {
        if let Some(&i) = self.string_index.get(s) {
            return i;
        }
        let i = self.strings.len() as i64;
        self.strings.push(s.to_string());
        self.string_index.insert(s.to_string(), i);
        i
    }

    pub(super) fn type_error(&mut self, span: Span, want: Ty, got: Ty) {
        self.err(Diag::error(
            Code::CheckTypeMismatch,
            format!("expected {}, found {}", want.name(), got.name()),
            span,
            format!("this is {}", got.name()),
        ));
    }

    /// A pattern; in `on receive` (`binding`), unbound payload names bind values.
    pub(super) fn pattern(&mut self, p: &ast::Pattern, scope: &mut Scope, binding: bool) -> Option<Pattern> {
        let kind = self.checked_kind(&p.kind);
        let types = self.kinds[kind as usize].arg_types.clone();
        if !p.args.is_empty() && p.args.len() != types.len() && self.kind_sent[kind as usize].is_some() {
            self.err(
                Diag::error(
                    Code::CheckPayloadMismatch,
                    format!("'{}' carries {} value(s), this pattern has {}", p.kind.name, types.len(), p.args.len()),
                    p.span,
                    "wrong number of values",
                )
                .with_help(format!("write {} value(s), or none to match any payload", types.len())),
            );
            return None;
        }
        let mut args = Vec::new();
        let mut bound_here: Vec<(String, Span)> = Vec::new();
        for (i, a) in p.args.iter().enumerate() {
            let ty = types.get(i).copied().unwrap_or(Ty::Int);
            match a {
                ast::PatternArg::Wildcard(_) => args.push(PatArg::Any),
                ast::PatternArg::Expr(e) => {
                    // A name bound earlier in this same pattern is a second binder, not a
                    // match against the first one's value: checked before `is_bound`,
                    // which sees the first binding.
                    if binding
                        && let AE::Name(n) = &e.kind
                        && let Some((_, first)) = bound_here.iter().find(|(b, _)| b == n)
                    {
                        self.err(
                            Diag::error(
                                Code::CheckBinderTwice,
                                format!("'{n}' is bound twice in one pattern"),
                                e.span,
                                "bound again here",
                            )
                            .with_label(*first, "first bound here")
                            .with_help("use another name, or '_' for a value you do not need"),
                        );
                        return None;
                    }
                    if binding
                        && let AE::Name(n) = &e.kind
                        && !self.is_bound(n, scope)
                    {
                        bound_here.push((n.clone(), e.span));
                        scope.locals.push((n.clone(), ty, e.span));
                        args.push(PatArg::Bind((scope.locals.len() - 1) as u8));
                        continue;
                    }
                    let v = self.expr(e, scope)?;
                    if v.ty != ty {
                        self.type_error(e.span, ty, v.ty);
                        return None;
                    }
                    args.push(PatArg::Eq(v));
                }
            }
        }
        Some(Pattern { kind, args })
    }

    fn is_bound(&self, n: &str, scope: &Scope) -> bool {
        scope.locals.iter().any(|(l, ..)| l == n)
            || self.globals.contains_key(n)
            || self.generals[scope.owner as usize].vars.iter().any(|v| v.name == n)
    }

    /// A condition: an expression of type bool.
    pub(super) fn cond(&mut self, e: &ast::Expr, scope: &Scope) -> Option<Expr> {
        let c = self.expr(e, scope)?;
        if c.ty != Ty::Bool {
            self.err(
                Diag::error(
                    Code::CheckTypeMismatch,
                    format!("expected a condition, found {}", c.ty.name()),
                    e.span,
                    "not true or false",
                )
                .with_help("compare it: 'count received vote >= 3'"),
            );
            return None;
        }
        Some(c)
    }

    pub(super) fn expr(&mut self, e: &ast::Expr, scope: &Scope) -> Option<Expr> {
        let span = e.span;
        let mk = |kind, ty| Some(Expr { kind, ty, span });
        match &e.kind {
            AE::Int(v) => mk(ExprKind::Const(*v), Ty::Int),
            AE::Str(s) => {
                let i = self.intern_str(s);
                mk(ExprKind::Const(i), Ty::Str)
            }
            AE::Prob(_) => {
                self.err(
                    Diag::error(Code::CheckTypeMismatch, "a probability cannot be used here", span, "a probability")
                        .with_help("probabilities belong in 'lose', 'duplicate' and params; conditions use numbers"),
                );
                None
            }
            AE::Now => {
                if !scope.runtime {
                    return self.not_static(span);
                }
                mk(ExprKind::Now, Ty::Int)
            }
            AE::Name(n) => {
                if let Some(i) = scope.locals.iter().position(|(l, ..)| l == n) {
                    return mk(ExprKind::Local(i as u8), scope.locals[i].1);
                }
                if let Some(i) = self.generals[scope.owner as usize].vars.iter().position(|v| &v.name == n) {
                    if !scope.runtime {
                        return self.not_static(span);
                    }
                    let ty = self.generals[scope.owner as usize].vars[i].ty;
                    return mk(ExprKind::Var(i as u16), ty);
                }
                match self.globals.get(n).copied() {
                    Some((Global::Param(i), _)) => match self.params[i].value.clone() {
                        ParamVal::Int(v) => mk(ExprKind::Const(v), Ty::Int),
                        ParamVal::Str(s) => {
                            let i = self.intern_str(&s);
                            mk(ExprKind::Const(i), Ty::Str)
                        }
                        ParamVal::Prob(_) => {
                            self.err(
                                Diag::error(
                                    Code::CheckTypeMismatch,
                                    format!("param '{n}' is a probability"),
                                    span,
                                    "a probability",
                                )
                                .with_help("probabilities belong in 'lose' and 'duplicate'"),
                            );
                            None
                        }
                    },
                    Some((Global::Time(i), _)) => mk(ExprKind::Const(self.times[i].1), Ty::Int),
                    Some((Global::Broken, _)) => None,
                    None => {
                        let mut cands: Vec<String> = self.globals.keys().cloned().collect();
                        cands.extend(scope.locals.iter().map(|l| l.0.clone()));
                        cands.extend(self.generals[scope.owner as usize].vars.iter().map(|v| v.name.clone()));
                        cands.sort();
                        let mut d = Diag::error(
                            Code::CheckUnknownName,
                            format!("unknown name '{n}'"),
                            span,
                            "not a param, time, variable or binding",
                        );
                        d.help = Some(did_you_mean(n, cands.iter().map(String::as_str)).unwrap_or_else(|| {
                            if self.gen_index.contains_key(n) {
                                format!("'{n}' is a general; conditions are about what this general has seen: 'received KIND from {n}'")
                            } else {
                                "declare it: 'param NAME = VALUE', 'time NAME = TICK' or 'var NAME = VALUE'".into()
                            }
                        }));
                        self.err(d);
                        None
                    }
                }
            }
            AE::Neg(a) => {
                let a = self.expr(a, scope)?;
                self.want(&a, Ty::Int)?;
                if let ExprKind::Const(v) = a.kind {
                    // Known before the run: an overflow is the checker's to report.
                    let Some(v) = v.checked_neg() else {
                        self.overflow(span);
                        return None;
                    };
                    return mk(ExprKind::Const(v), Ty::Int);
                }
                mk(ExprKind::Neg(Box::new(a)), Ty::Int)
            }
            AE::Not(a) => {
                let a = self.expr(a, scope)?;
                self.want(&a, Ty::Bool)?;
                mk(ExprKind::Not(Box::new(a)), Ty::Bool)
            }
            AE::Binary(op, a, b) => {
                let (a, b) = (self.expr(a, scope), self.expr(b, scope));
                let (a, b) = (a?, b?);
                let ty = match op {
                    BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div => {
                        self.want(&a, Ty::Int)?;
                        self.want(&b, Ty::Int)?;
                        Ty::Int
                    }
                    BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                        self.want(&a, Ty::Int)?;
                        self.want(&b, Ty::Int)?;
                        Ty::Bool
                    }
                    BinOp::Eq | BinOp::Ne => {
                        if a.ty != b.ty {
                            self.err(
                                Diag::error(
                                    Code::CheckTypeMismatch,
                                    format!("cannot compare {} with {}", a.ty.name(), b.ty.name()),
                                    span,
                                    "different types",
                                )
                                .with_label(a.span, a.ty.name())
                                .with_label(b.span, b.ty.name()),
                            );
                            return None;
                        }
                        Ty::Bool
                    }
                    BinOp::And | BinOp::Or => {
                        self.want(&a, Ty::Bool)?;
                        self.want(&b, Ty::Bool)?;
                        Ty::Bool
                    }
                };
                if let (ExprKind::Const(x), ExprKind::Const(y)) = (&a.kind, &b.kind)
                    && let Some(v) = fold(*op, *x, *y)
                {
                    return mk(ExprKind::Const(v), ty);
                }
                if *op == BinOp::Div && matches!(b.kind, ExprKind::Const(0)) {
                    self.err(Diag::error(Code::CheckDivisionByZero, "division by zero", span, "divides by 0"));
                    return None;
                }
                if let (ExprKind::Const(_), ExprKind::Const(_)) = (&a.kind, &b.kind) {
                    // Both known, and `fold` could not: it overflows, before the run.
                    self.overflow(span);
                    return None;
                }
                mk(ExprKind::Bin(*op, Box::new(a), Box::new(b)), ty)
            }
            AE::MinMax { max, a, b } => {
                let (a, b) = (self.expr(a, scope)?, self.expr(b, scope)?);
                self.want(&a, Ty::Int)?;
                self.want(&b, Ty::Int)?;
                mk(ExprKind::MinMax { max: *max, a: Box::new(a), b: Box::new(b) }, Ty::Int)
            }
            AE::Received { pattern, from, by } | AE::Count { pattern, from, by } => {
                if !scope.runtime {
                    return self.not_static(span);
                }
                let count = matches!(e.kind, AE::Count { .. });
                let mut s2 = Scope { owner: scope.owner, locals: scope.locals.clone(), runtime: true };
                let pat = self.pattern(pattern, &mut s2, false)?;
                let by = match by {
                    Some(b) => {
                        let v = self.expr(b, scope)?;
                        self.want(&v, Ty::Int)?;
                        Some(Box::new(v))
                    }
                    None => None,
                };
                let senders = match from {
                    None => Senders::Any(None),
                    Some(SenderFilter::Any(t)) => Senders::Any(Some(self.targets(t, Some(scope.owner))?)),
                    Some(SenderFilter::Each(t, _)) => Senders::Each(match t {
                        Some(t) => self.targets(t, Some(scope.owner))?,
                        None => (0..self.generals.len() as GenId).filter(|g| *g != scope.owner).collect(),
                    }),
                };
                if count {
                    let from = match senders {
                        Senders::Any(f) => f,
                        Senders::Each(_) => {
                            self.err(
                                Diag::error(
                                    Code::CheckCountFromAll,
                                    "'count received ... from all' counts nothing more",
                                    span,
                                    "'from all' here",
                                )
                                .with_help(
                                    "count counts distinct senders: write 'count received KIND' or '... from ROLE'",
                                ),
                            );
                            return None;
                        }
                    };
                    mk(ExprKind::Count { pattern: pat, from, by }, Ty::Int)
                } else {
                    mk(ExprKind::Received { pattern: pat, from: senders, by }, Ty::Bool)
                }
            }
            AE::Sent { pattern, to } => {
                if !scope.runtime {
                    return self.not_static(span);
                }
                let mut s2 = Scope { owner: scope.owner, locals: scope.locals.clone(), runtime: true };
                let pat = self.pattern(pattern, &mut s2, false)?;
                let to = match to {
                    Some(t) => Some(self.targets(t, Some(scope.owner))?),
                    None => None,
                };
                mk(ExprKind::Sent { pattern: pat, to }, Ty::Bool)
            }
        }
    }

    fn not_static<T>(&mut self, span: Span) -> Option<T> {
        self.err(
            Diag::error(Code::CheckNotConstant, "this must be known before the run", span, "depends on the run")
                .with_help("use numbers, params and times here"),
        );
        None
    }

    fn want(&mut self, e: &Expr, ty: Ty) -> Option<()> {
        if e.ty != ty {
            self.type_error(e.span, ty, e.ty);
            return None;
        }
        Some(())
    }
}
