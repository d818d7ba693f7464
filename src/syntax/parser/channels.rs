//! Channels: endpoints, delays, duplication and loss rules.

use super::*;

impl Builder {
    pub(super) fn endpoint(&mut self, p: P) -> Endpoint {
        let q = inner(p).next().unwrap();
        match q.as_rule() {
            Rule::star => Endpoint::Any(span(&q)),
            Rule::ident => Endpoint::Named(ident(q)),
            _ => unexpected(&q),
        }
    }

    pub(super) fn channel_prop(&mut self, p: P) -> ChannelProp {
        let sp = span(&p);
        let rule = p.as_rule();
        let mut it = inner(p);
        it.next();
        match rule {
            Rule::delay_prop => {
                let q = it.next().unwrap();
                match q.as_rule() {
                    Rule::delay_any => ChannelProp::DelayAny { span: sp },
                    Rule::delay_range => {
                        let mut jt = inner(q);
                        let lo = self.expr(jt.next().unwrap());
                        let hi = jt.next().map(|h| self.expr(h));
                        ChannelProp::Delay { lo, hi, span: sp }
                    }
                    _ => unexpected(&q),
                }
            }
            Rule::duplicate_prop => ChannelProp::Duplicate { p: self.probability(it.next().unwrap()), span: sp },
            Rule::lose_prop => ChannelProp::Lose { rule: self.loss_rule(it.next().unwrap()), span: sp },
            _ => unreachable!("grammar rule {rule:?} is not a channel property"),
        }
    }

    fn loss_rule(&mut self, p: P) -> LossRule {
        let rule = p.as_rule();
        let mut it = inner(p);
        match rule {
            Rule::lose_all => LossRule::All,
            Rule::lose_numbers => {
                it.next();
                let items = inner(it.next().unwrap())
                    .map(|q| {
                        let sp = span(&q);
                        let mut jt = inner(q);
                        let lo = self.expr(jt.next().unwrap());
                        let hi = jt.next().map(|h| self.expr(h));
                        NumberItem { lo, hi, span: sp }
                    })
                    .collect();
                LossRule::Numbers(items)
            }
            Rule::lose_every => {
                it.next();
                let q = it.next().unwrap();
                let sp = span(&q);
                let digits: String = q.as_str().chars().take_while(|c| c.is_ascii_digit()).collect();
                let value = digits.parse::<u64>().unwrap_or_else(|_| {
                    self.diags.push(Diag::error(
                        Code::SyntaxIntegerTooLarge,
                        "this number is too large",
                        sp,
                        "too large",
                    ));
                    0
                });
                LossRule::Every(Spanned { value, span: sp })
            }
            Rule::lose_first => {
                it.next();
                LossRule::First(self.expr(it.next().unwrap()))
            }
            Rule::lose_after => {
                it.next();
                LossRule::After(self.expr(it.next().unwrap()))
            }
            Rule::lose_window => {
                it.next();
                let a = self.expr(it.next().unwrap());
                it.next();
                LossRule::Window(a, self.expr(it.next().unwrap()))
            }
            Rule::lose_chance => {
                let p = self.prob(it.next().unwrap());
                let kind = it.nth(1).map(|k| self.kind(k));
                LossRule::Chance { p, kind }
            }
            Rule::lose_name => {
                let name = ident(it.next().unwrap());
                let kind = it.nth(1).map(|k| self.kind(k));
                LossRule::Name { name, kind }
            }
            Rule::lose_kind => {
                let q = it.next().unwrap();
                LossRule::Kind(Kind { span: span(&q), name: unescape(q.as_str()), quoted: true })
            }
            _ => unreachable!("grammar rule {rule:?} is not a loss rule"),
        }
    }
}
