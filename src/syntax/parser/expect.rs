//! Expectations: outcomes, what a general does, probabilities, `possible` and `never`.

use super::exprs::cmp_op;
use super::*;

impl Builder {
    pub(super) fn expectation(&mut self, p: P) -> Expectation {
        let rule = p.as_rule();
        let mut it = inner(p);
        match rule {
            Rule::expect_outcome => Expectation::Outcome(self.outcome(it.next().unwrap())),
            Rule::expect_general => Expectation::General(self.general_event(it.next().unwrap())),
            Rule::expect_possible => Expectation::Possible(self.event(it.nth(1).unwrap())),
            Rule::expect_never => Expectation::Never(self.event(it.nth(1).unwrap())),
            Rule::expect_probability => {
                it.next();
                let event = self.event(it.next().unwrap());
                let opp = it.next().unwrap();
                let op = Spanned { value: cmp_op(opp.as_str()), span: span(&opp) };
                let p = self.prob(it.next().unwrap());
                let tolerance = it.next().map(|t| self.prob(inner(t).next().unwrap()));
                Expectation::Probability { event, op, p, tolerance }
            }
            _ => unreachable!("grammar rule {rule:?} is not an expectation"),
        }
    }

    fn event(&mut self, p: P) -> Event {
        let q = inner(p).next().unwrap();
        match q.as_rule() {
            Rule::outcome => Event::Outcome(self.outcome(q)),
            Rule::general_event => Event::General(self.general_event(q)),
            _ => unexpected(&q),
        }
    }

    fn outcome(&mut self, p: P) -> Spanned<Outcome> {
        let sp = span(&p);
        let q = inner(p).next().unwrap();
        let value = match q.as_rule() {
            Rule::oc_victory => Outcome::Victory,
            Rule::oc_defeat => Outcome::Defeat,
            Rule::oc_no_attack => Outcome::NoAttack,
            Rule::oc_agreement => Outcome::Agreement,
            Rule::oc_disagreement => Outcome::Disagreement,
            Rule::oc_undecided => Outcome::Undecided,
            _ => unexpected(&q),
        };
        Spanned { value, span: sp }
    }

    fn general_event(&mut self, p: P) -> GeneralEvent {
        let sp = span(&p);
        let mut it = inner(p);
        let general = ident(it.next().unwrap());
        let q = it.next().unwrap();
        let what = match q.as_rule() {
            Rule::ev_attacks => GeneralFate::Attacks,
            Rule::ev_waits => GeneralFate::Waits,
            Rule::ev_undecided => GeneralFate::Undecided,
            Rule::ev_crashes => GeneralFate::Crashes,
            Rule::ev_commits => GeneralFate::Commits(self.expr(inner(q).nth(1).unwrap())),
            _ => unexpected(&q),
        };
        GeneralEvent { general, what, span: sp }
    }
}
