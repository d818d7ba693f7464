//! Top-level statements: header, params, times, generals, roles, channels, partitions, crashes, victory, `expect`.

use super::*;

impl Builder {
    pub(super) fn stmt(&mut self, p: P) -> Stmt {
        let sp = span(&p);
        let rule = p.as_rule();
        let mut it = inner(p);
        it.next();
        match rule {
            Rule::scenario_stmt => Stmt::Scenario(self.string(it.next().unwrap())),
            Rule::about_stmt => Stmt::About(self.string(it.next().unwrap())),
            Rule::seed_stmt => Stmt::Seed(self.int(it.next().unwrap())),
            Rule::horizon_stmt => Stmt::Horizon(self.int(it.next().unwrap())),
            Rule::time_stmt => {
                let name = ident(it.next().unwrap());
                Stmt::Time { name, value: self.expr(it.next().unwrap()) }
            }
            Rule::param_stmt => {
                let name = ident(it.next().unwrap());
                Stmt::Param { name, value: self.param_value(it.next().unwrap()) }
            }
            Rule::general_stmt => {
                let name = ident(it.next().unwrap());
                let mut label = None;
                let mut role = None;
                let mut rules = Vec::new();
                for q in it {
                    match q.as_rule() {
                        Rule::string => label = Some(self.string(q)),
                        Rule::kw_is => {}
                        Rule::ident => role = Some(ident(q)),
                        Rule::rules_block => rules = self.rules_block(q),
                        _ => unexpected(&q),
                    }
                }
                Stmt::General(GeneralDecl { name, label, role, rules, span: sp })
            }
            Rule::generals_stmt => {
                let names = inner(it.next().unwrap()).map(|q| self.name_item(q)).collect();
                let role = it.find(|q| q.as_rule() == Rule::ident).map(ident);
                Stmt::Generals { names, role, span: sp }
            }
            Rule::role_stmt => {
                let name = ident(it.next().unwrap());
                let rules = self.rules_block(it.next().unwrap());
                Stmt::Role { name, rules, span: sp }
            }
            Rule::channel_stmt => {
                let from = self.endpoint(it.next().unwrap());
                let arrow = it.next().unwrap();
                let both_ways = inner(arrow).next().unwrap().as_rule() == Rule::both_ways;
                let to = self.endpoint(it.next().unwrap());
                let props = inner(it.next().unwrap()).map(|q| self.channel_prop(q)).collect();
                Stmt::Channel(ChannelDecl { from, to, both_ways, props, span: sp })
            }
            Rule::partition_stmt => {
                let a = self.targets(it.next().unwrap());
                let b = self.targets(it.next().unwrap());
                let window = it.next().map(|w| self.window(w));
                Stmt::Partition { a, b, window, span: sp }
            }
            Rule::crash_stmt => {
                let q = it.next().unwrap();
                let rule = q.as_rule();
                let mut jt = inner(q);
                match rule {
                    Rule::crash_one => {
                        let who = ident(jt.next().unwrap());
                        jt.next();
                        Stmt::Crash { who, at: self.expr(jt.next().unwrap()), span: sp }
                    }
                    Rule::crash_any => {
                        jt.next();
                        let count = self.expr(jt.next().unwrap());
                        jt.next();
                        let of = self.targets(jt.next().unwrap());
                        let window = jt.next().map(|w| self.window(w));
                        Stmt::CrashAny { count, of, window, span: sp }
                    }
                    _ => unreachable!("grammar rule {rule:?} is not a crash"),
                }
            }
            Rule::recover_stmt => {
                let who = ident(it.next().unwrap());
                it.next();
                Stmt::Recover { who, at: self.expr(it.next().unwrap()), span: sp }
            }
            Rule::victory_stmt => {
                it.next();
                let q = it.next().unwrap();
                let at_least = match q.as_rule() {
                    Rule::victory_all => None,
                    Rule::victory_least => Some(self.expr(inner(q).nth(2).unwrap())),
                    _ => unexpected(&q),
                };
                Stmt::Victory { at_least, span: sp }
            }
            Rule::expect_stmt => {
                let mut seed = None;
                let mut what = None;
                let mut hint = None;
                for q in it {
                    match q.as_rule() {
                        Rule::seed_prefix => seed = Some(self.int(inner(q).nth(1).unwrap())),
                        Rule::hint => hint = Some(self.string(inner(q).nth(1).unwrap())),
                        _ => what = Some(self.expectation(q)),
                    }
                }
                Stmt::Expect(Expect { seed, what: what.expect("expectation"), hint, span: sp })
            }
            _ => unreachable!("grammar rule {rule:?} is not a statement"),
        }
    }

    fn name_item(&mut self, p: P) -> NameItem {
        let sp = span(&p);
        let mut it = inner(p);
        let first = ident(it.next().unwrap());
        let last = it.next().map(ident);
        NameItem { first, last, span: sp }
    }

    fn window(&mut self, p: P) -> Window {
        let sp = span(&p);
        let mut it = inner(p);
        it.next();
        let from = self.expr(it.next().unwrap());
        it.next();
        let to = self.expr(it.next().unwrap());
        Window { from, to, span: sp }
    }
}
