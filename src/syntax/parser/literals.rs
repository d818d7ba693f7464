//! The leaves: integers, strings, probabilities, params' values, message kinds, lists of targets.

use super::*;

impl Builder {
    pub(super) fn int(&mut self, p: P) -> Spanned<u64> {
        let sp = span(&p);
        let value = p.as_str().parse::<u64>().unwrap_or_else(|_| {
            self.diags.push(
                Diag::error(Code::SyntaxIntegerTooLarge, "this number is too large", sp, "past the largest integer")
                    .with_help(format!("integers in herald are at most {}", i64::MAX)),
            );
            0
        });
        if value > i64::MAX as u64 {
            self.diags.push(
                Diag::error(Code::SyntaxIntegerTooLarge, "this number is too large", sp, "past the largest integer")
                    .with_help(format!("integers in herald are at most {}", i64::MAX)),
            );
            return Spanned { value: 0, span: sp };
        }
        Spanned { value, span: sp }
    }

    pub(super) fn string(&mut self, p: P) -> Spanned<String> {
        Spanned { value: unescape(p.as_str()), span: span(&p) }
    }

    pub(super) fn param_value(&mut self, p: P) -> ParamValue {
        let q = inner(p).next().unwrap();
        match q.as_rule() {
            Rule::prob => ParamValue::Prob(self.prob(q)),
            Rule::expr => ParamValue::Expr(self.expr(q)),
            _ => unexpected(&q),
        }
    }

    pub(super) fn prob(&mut self, p: P) -> Spanned<ProbLit> {
        let sp = span(&p);
        let q = inner(p).next().unwrap();
        let text = q.as_str();
        let value = match q.as_rule() {
            Rule::ratio | Rule::fraction => {
                let mut it = inner(q);
                let num = self.int(it.next().unwrap()).value as u128;
                it.next();
                let den = self.int(it.next().unwrap()).value as u128;
                ProbLit { num, den }
            }
            Rule::percent => self.decimal(&text[..text.len() - 1], 100, sp),
            Rule::decimal => self.decimal(text, 1, sp),
            _ => unexpected(&q),
        };
        Spanned { value, span: sp }
    }

    /// `digits[.digits]` divided by `scale`, exactly.
    pub(super) fn decimal(&mut self, text: &str, scale: u128, sp: Span) -> ProbLit {
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        if whole.len() + frac.len() > 18 {
            self.diags.push(Diag::error(
                Code::SyntaxNumberTooPrecise,
                "this number has too many digits",
                sp,
                "at most 18 digits",
            ));
            return ProbLit { num: 0, den: 1 };
        }
        let digits: u128 = format!("{whole}{frac}").parse().unwrap_or(0);
        let den = 10u128.pow(frac.len() as u32) * scale;
        ProbLit { num: digits, den }
    }

    pub(super) fn probability(&mut self, p: P) -> Probability {
        let q = inner(p).next().unwrap();
        match q.as_rule() {
            Rule::prob => Probability::Lit(self.prob(q)),
            Rule::ident => Probability::Name(ident(q)),
            _ => unexpected(&q),
        }
    }

    pub(super) fn kind(&mut self, p: P) -> Kind {
        let q = inner(p).next().unwrap();
        let sp = span(&q);
        match q.as_rule() {
            Rule::string => Kind { name: unescape(q.as_str()), quoted: true, span: sp },
            Rule::word => Kind { name: q.as_str().to_string(), quoted: false, span: sp },
            _ => unexpected(&q),
        }
    }

    pub(super) fn targets(&mut self, p: P) -> Vec<Target> {
        inner(p)
            .map(|t| {
                let q = inner(t).next().unwrap();
                match q.as_rule() {
                    Rule::all_target => Target::All(span(&q)),
                    Rule::ident => Target::Name(ident(q)),
                    _ => unexpected(&q),
                }
            })
            .collect()
    }
}
