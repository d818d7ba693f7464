//! Expressions (their depth bounded, `MAX_EXPR_DEPTH`) and patterns, with their sender filters.

use super::*;

impl Builder {
    pub(super) fn pattern(&mut self, p: P) -> Pattern {
        let sp = span(&p);
        let mut it = inner(p);
        let kind = self.kind(it.next().unwrap());
        let args = it
            .next()
            .map(|a| {
                inner(a)
                    .map(|pa| {
                        let q = inner(pa).next().unwrap();
                        match q.as_rule() {
                            Rule::wildcard => PatternArg::Wildcard(span(&q)),
                            Rule::expr => PatternArg::Expr(self.expr(q)),
                            _ => unexpected(&q),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        Pattern { kind, args, span: sp }
    }

    fn sender_filter(&mut self, p: P) -> SenderFilter {
        let q = inner(p).nth(1).unwrap();
        match q.as_rule() {
            Rule::from_all => {
                let sp = span(&q);
                SenderFilter::Each(inner(q).nth(1).map(|t| self.targets(t)), sp)
            }
            Rule::targets => SenderFilter::Any(self.targets(q)),
            _ => unexpected(&q),
        }
    }

    /// An expression, checked whole: one that nests deeper than [`MAX_EXPR_DEPTH`] is
    /// reported (and replaced by `0`), so that no later pass recurses that deep.
    /// Bracketed parts are checked on their own, and long chains of operators are
    /// refused before their tree is built, so no tree built here is much deeper.
    pub(super) fn expr(&mut self, p: P) -> Expr {
        let e = self.expr_tree(p);
        if e.depth() <= MAX_EXPR_DEPTH {
            return e;
        }
        self.too_deep(e.span)
    }

    fn too_deep(&mut self, sp: Span) -> Expr {
        self.diags.push(
            Diag::error(
                Code::SyntaxTooDeep,
                format!("this expression nests more than {MAX_EXPR_DEPTH} operations deep"),
                Span::new(sp.start as usize, sp.start as usize + 1),
                "this expression",
            )
            .with_help("split it: give parts of it a name with 'param' or 'time', or use fewer operators"),
        );
        Expr { kind: ExprKind::Int(0), span: sp }
    }

    /// The tree of an expression (the depth is checked by [`Builder::expr`]).
    fn expr_tree(&mut self, mut p: P) -> Expr {
        // Rules that only wrap one child (most levels of a bracketed expression) are
        // passed through without recursion, to keep the stack shallow.
        loop {
            match p.as_rule() {
                Rule::expr | Rule::not_expr => p = inner(p).next().unwrap(),
                Rule::or_expr | Rule::and_expr | Rule::comparison | Rule::sum | Rule::product | Rule::unary => {
                    let mut it = inner(p.clone());
                    let first = it.next().unwrap();
                    if it.next().is_some() {
                        break;
                    }
                    p = first;
                }
                _ => break,
            }
        }
        let sp = span(&p);
        let rule = p.as_rule();
        match rule {
            Rule::expr | Rule::not_expr => self.expr_tree(inner(p).next().unwrap()),
            Rule::or_expr | Rule::and_expr => {
                let op = if rule == Rule::or_expr { BinOp::Or } else { BinOp::And };
                let operands: Vec<P> =
                    inner(p).filter(|q| !matches!(q.as_rule(), Rule::kw_or | Rule::kw_and)).collect();
                if operands.len() > MAX_EXPR_DEPTH {
                    return self.too_deep(sp);
                }
                let mut it = operands.into_iter();
                let mut acc = self.expr_tree(it.next().unwrap());
                for q in it {
                    let rhs = self.expr_tree(q);
                    let s = acc.span.join(rhs.span);
                    acc = Expr { kind: ExprKind::Binary(op, Box::new(acc), Box::new(rhs)), span: s };
                }
                acc
            }
            Rule::negation => {
                // `not not ... x`: walked without recursion.
                let mut spans = vec![sp];
                let mut q = inner(p).nth(1).unwrap();
                loop {
                    match q.as_rule() {
                        Rule::not_expr => q = inner(q).next().unwrap(),
                        Rule::negation => {
                            spans.push(span(&q));
                            q = inner(q).nth(1).unwrap();
                        }
                        _ => break,
                    }
                }
                if spans.len() > MAX_EXPR_DEPTH {
                    return self.too_deep(sp);
                }
                let mut e = self.expr_tree(q);
                for s in spans.into_iter().rev() {
                    e = Expr { kind: ExprKind::Not(Box::new(e)), span: s };
                }
                e
            }
            Rule::comparison | Rule::sum | Rule::product => {
                let parts: Vec<P> = inner(p).collect();
                if parts.len() / 2 > MAX_EXPR_DEPTH {
                    return self.too_deep(sp);
                }
                let mut it = parts.into_iter();
                let mut acc = self.expr_tree(it.next().unwrap());
                while let Some(op) = it.next() {
                    let op = match op.as_str() {
                        "+" => BinOp::Add,
                        "-" => BinOp::Sub,
                        "*" => BinOp::Mul,
                        "/" => BinOp::Div,
                        s => cmp_op(s),
                    };
                    let rhs = self.expr_tree(it.next().unwrap());
                    let s = acc.span.join(rhs.span);
                    acc = Expr { kind: ExprKind::Binary(op, Box::new(acc), Box::new(rhs)), span: s };
                }
                acc
            }
            Rule::unary => {
                let mut negs = 0;
                let mut operand = None;
                for q in inner(p) {
                    if q.as_rule() == Rule::neg_op {
                        negs += 1;
                    } else {
                        operand = Some(q);
                    }
                }
                if negs > MAX_EXPR_DEPTH {
                    return self.too_deep(sp);
                }
                let mut e = self.expr_tree(operand.expect("primary"));
                for _ in 0..negs {
                    e = Expr { kind: ExprKind::Neg(Box::new(e)), span: sp };
                }
                e
            }
            Rule::paren => self.expr(inner(p).next().unwrap()),
            Rule::now => Expr { kind: ExprKind::Now, span: sp },
            Rule::int => {
                let v = self.int(p).value as i64;
                Expr { kind: ExprKind::Int(v), span: sp }
            }
            Rule::percent => {
                let t = p.as_str();
                let v = self.decimal(&t[..t.len() - 1], 100, sp);
                Expr { kind: ExprKind::Prob(v), span: sp }
            }
            Rule::decimal => {
                let v = self.decimal(p.as_str(), 1, sp);
                Expr { kind: ExprKind::Prob(v), span: sp }
            }
            Rule::string => Expr { kind: ExprKind::Str(unescape(p.as_str())), span: sp },
            Rule::ident => Expr { kind: ExprKind::Name(p.as_str().to_string()), span: sp },
            Rule::minmax => {
                let mut it = inner(p);
                let max = it.next().unwrap().as_rule() == Rule::kw_max;
                let a = Box::new(self.expr(it.next().unwrap()));
                let b = Box::new(self.expr(it.next().unwrap()));
                Expr { kind: ExprKind::MinMax { max, a, b }, span: sp }
            }
            Rule::received_expr | Rule::count_expr => {
                let mut it = inner(p).filter(|q| !matches!(q.as_rule(), Rule::kw_received | Rule::kw_count));
                let pattern = self.pattern(it.next().unwrap());
                let mut from = None;
                let mut by = None;
                for q in it {
                    match q.as_rule() {
                        Rule::sender_filter => from = Some(self.sender_filter(q)),
                        Rule::by_clause => by = Some(Box::new(self.expr(inner(q).nth(1).unwrap()))),
                        _ => unexpected(&q),
                    }
                }
                let kind = if rule == Rule::received_expr {
                    ExprKind::Received { pattern, from, by }
                } else {
                    ExprKind::Count { pattern, from, by }
                };
                Expr { kind, span: sp }
            }
            Rule::sent_expr => {
                let mut it = inner(p);
                it.next();
                let pattern = self.pattern(it.next().unwrap());
                let to = it.nth(1).map(|t| self.targets(t));
                Expr { kind: ExprKind::Sent { pattern, to }, span: sp }
            }
            _ => unreachable!("grammar rule {rule:?} is not an expression"),
        }
    }
}

pub(super) fn cmp_op(s: &str) -> BinOp {
    match s {
        "<" => BinOp::Lt,
        "<=" => BinOp::Le,
        ">" => BinOp::Gt,
        ">=" => BinOp::Ge,
        "=" | "==" => BinOp::Eq,
        "!=" => BinOp::Ne,
        _ => unreachable!("not a comparison: {s}"),
    }
}
