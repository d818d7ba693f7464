//! Constants known before the run: probability literals, folded integer expressions, ticks.

use super::*;

impl Checker<'_> {
    /// Checks a probability literal is within 0..=1.
    pub(crate) fn prob_lit(&mut self, p: ast::ProbLit, span: Span) -> Option<Prob> {
        if p.den == 0 {
            self.err(
                Diag::error(Code::CheckBadProbability, "a probability cannot divide by zero", span, "divides by 0")
                    .with_help("write 'N in M' or 'N/M' with M at least 1"),
            );
            return None;
        }
        if p.num > p.den {
            self.err(
                Diag::error(
                    Code::CheckBadProbability,
                    "a probability must be between 0% and 100%",
                    span,
                    format!("this is {}", crate::percent::percent(p.num as f64 / p.den as f64)),
                )
                .with_help("write it as 50%, 0.5, 1 in 2 or 1/2"),
            );
            return None;
        }
        let g = gcd128(p.num, p.den).max(1);
        let (num, den) = (p.num / g, p.den / g);
        if den > u64::MAX as u128 {
            self.err(Diag::error(
                Code::CheckBadProbability,
                "this probability is too precise",
                span,
                "too many digits",
            ));
            return None;
        }
        Some(Prob::new(num as u64, den as u64))
    }

    /// Folds a static integer expression (numbers, params, times, arithmetic).
    pub(crate) fn const_int(&mut self, e: &ast::Expr) -> Option<i64> {
        match &e.kind {
            AE::Int(v) => Some(*v),
            AE::Name(n) => match self.globals.get(n).copied() {
                Some((Global::Broken, _)) => None,
                Some((Global::Time(i), _)) => Some(self.times[i].1),
                Some((Global::Param(i), _)) => match &self.params[i].value {
                    ParamVal::Int(v) => Some(*v),
                    other => {
                        let what = match other {
                            ParamVal::Prob(_) => "a probability",
                            _ => "a string",
                        };
                        self.err(Diag::error(
                            Code::CheckTypeMismatch,
                            format!("param '{n}' is {what}, not a number"),
                            e.span,
                            "a number is needed here",
                        ));
                        None
                    }
                },
                None => {
                    let mut cands: Vec<&str> = self.globals.keys().map(String::as_str).collect();
                    cands.sort();
                    let help = did_you_mean(n, cands.iter().copied());
                    let mut d = Diag::error(
                        Code::CheckUnknownName,
                        format!("unknown name '{n}'"),
                        e.span,
                        "not a param or time declared before this",
                    );
                    d.help = Some(
                        help.unwrap_or_else(|| "declare it first: 'param NAME = VALUE' or 'time NAME = TICK'".into()),
                    );
                    self.err(d);
                    None
                }
            },
            AE::Neg(a) => {
                let r = self.const_int(a)?.checked_neg();
                if r.is_none() {
                    self.overflow(e.span);
                }
                r
            }
            AE::Binary(op, a, b) if matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div) => {
                let (x, y) = (self.const_int(a)?, self.const_int(b)?);
                let r = match op {
                    BinOp::Add => x.checked_add(y),
                    BinOp::Sub => x.checked_sub(y),
                    BinOp::Mul => x.checked_mul(y),
                    _ => {
                        if y == 0 {
                            self.err(Diag::error(
                                Code::CheckDivisionByZero,
                                "division by zero",
                                e.span,
                                "divides by 0",
                            ));
                            return None;
                        }
                        x.checked_div(y)
                    }
                };
                if r.is_none() {
                    self.overflow(e.span);
                }
                r
            }
            AE::MinMax { max, a, b } => {
                let (x, y) = (self.const_int(a)?, self.const_int(b)?);
                Some(if *max { x.max(y) } else { x.min(y) })
            }
            _ => {
                self.err(
                    Diag::error(
                        Code::CheckNotConstant,
                        "this must be a number known before the run",
                        e.span,
                        "depends on the run",
                    )
                    .with_help("use numbers, params and times here"),
                );
                None
            }
        }
    }

    /// An expression known before the run overflows (`herald::check::overflow`).
    pub(crate) fn overflow(&mut self, span: Span) {
        self.err(Diag::error(Code::CheckOverflow, "this value overflows", span, "too large"));
    }

    /// A static tick (`at T`, `from T to T`): a constant between 0 and the largest tick.
    pub(crate) fn const_tick(&mut self, e: &ast::Expr) -> Option<u32> {
        let v = self.const_int(e)?;
        if v < 0 || v > MAX_HORIZON as i64 {
            self.err(Diag::error(
                Code::CheckBadTick,
                format!("a tick must be between 0 and {MAX_HORIZON}"),
                e.span,
                format!("this is {v}"),
            ));
            return None;
        }
        self.used_times.push((v as u32, e.span));
        Some(v as u32)
    }
}

fn gcd128(a: u128, b: u128) -> u128 {
    if b == 0 { a } else { gcd128(b, a % b) }
}

/// Folds a constant binary operation; `None` where it cannot (overflow, division by zero).
/// (Also what lean runs' compiled conditions compute, `sim::quick`.)
#[inline]
pub(crate) fn fold(op: BinOp, x: i64, y: i64) -> Option<i64> {
    Some(match op {
        BinOp::Add => x.checked_add(y)?,
        BinOp::Sub => x.checked_sub(y)?,
        BinOp::Mul => x.checked_mul(y)?,
        BinOp::Div => x.checked_div(y)?,
        BinOp::Lt => (x < y) as i64,
        BinOp::Le => (x <= y) as i64,
        BinOp::Gt => (x > y) as i64,
        BinOp::Ge => (x >= y) as i64,
        BinOp::Eq => (x == y) as i64,
        BinOp::Ne => (x != y) as i64,
        BinOp::And => (x != 0 && y != 0) as i64,
        BinOp::Or => (x != 0 || y != 0) as i64,
    })
}
