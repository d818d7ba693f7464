//! The environment: partitions, crashes (fixed and `crash any`), victory, expectations.

use super::*;

impl Checker<'_> {
    /// Environment statements: partitions, crashes, victory, expectations.
    pub(super) fn environment_pass(&mut self, file: &ast::File) {
        for stmt in &file.stmts {
            match stmt {
                Stmt::Partition { a, b, window, span } => {
                    let sa = self.targets(a, None);
                    let sb = self.targets(b, None);
                    let (from, to) = match window {
                        Some(w) => match (self.const_tick(&w.from), self.const_tick(&w.to)) {
                            (Some(f), Some(t)) => {
                                if f > t {
                                    self.err(Diag::error(
                                        Code::CheckBadWindow,
                                        format!("this window runs backwards: from {f} to {t}"),
                                        w.span,
                                        "ends before it starts",
                                    ));
                                }
                                (f, t)
                            }
                            _ => continue,
                        },
                        None => (0, u32::MAX),
                    };
                    let (Some(sa), Some(sb)) = (sa, sb) else {
                        continue;
                    };
                    let n = self.generals.len();
                    let mut side_a = vec![false; n];
                    let mut side_b = vec![false; n];
                    for g in sa {
                        side_a[g as usize] = true;
                    }
                    for g in sb {
                        if side_a[g as usize] {
                            self.err(Diag::error(
                                Code::CheckBadPartition,
                                format!("'{}' is on both sides of the partition", self.generals[g as usize].name),
                                *span,
                                "a general can be on one side only",
                            ));
                        }
                        side_b[g as usize] = true;
                    }
                    let line = self.line(*span);
                    self.partitions.push(Partition { side_a, side_b, from, to, span: *span, line });
                }
                Stmt::Crash { who, at, span } | Stmt::Recover { who, at, span } => {
                    let recover = matches!(stmt, Stmt::Recover { .. });
                    let g = self.gen_index.get(&who.name).copied();
                    if g.is_none() {
                        self.unknown_general(who);
                    }
                    if let (Some(g), Some(t)) = (g, self.const_tick(at)) {
                        let line = self.line(*span);
                        self.crashes.push(Crash { general: g, at: t, span: *span, line, recover });
                    }
                }
                Stmt::CrashAny { count, of, window, span } => {
                    let n = self.const_int(count);
                    let targets = self.targets(of, None);
                    let (from, to) = match window {
                        Some(w) => (self.const_tick(&w.from), self.const_tick(&w.to)),
                        // To the horizon, which may be declared later: resolved with the model.
                        None => (Some(0), Some(u32::MAX)),
                    };
                    let (Some(n), Some(mut targets), Some(from), Some(to)) = (n, targets, from, to) else {
                        continue;
                    };
                    if n < 1 || n as usize > self.generals.len() {
                        self.err(
                            Diag::error(
                                Code::CheckBadNumber,
                                format!("'crash any {n}' must crash at least 1 general and at most all of them"),
                                count.span,
                                "out of range",
                            )
                            .with_help("write how many of the targets may crash, e.g. 'crash any 1 of A, B'"),
                        );
                        continue;
                    }
                    if from > to {
                        self.err(Diag::error(
                            Code::CheckBadWindow,
                            format!("this window runs backwards: from {from} to {to}"),
                            *span,
                            "ends before it starts",
                        ));
                        continue;
                    }
                    targets.sort_unstable();
                    targets.dedup();
                    let ticks = (to.min(self.horizon) - from.min(self.horizon) + 1) as u64;
                    let line = self.line(*span);
                    let text = span.one_line(self.src);
                    self.crash_any.push(CrashAny {
                        n: n as u32,
                        targets,
                        from,
                        to,
                        p: Prob::new(1, ticks + 1),
                        text,
                        span: *span,
                        line,
                    });
                }
                Stmt::Victory { at_least, span } => {
                    if let Some((_, first)) = self.victory_at_least {
                        self.err(
                            Diag::error(
                                Code::CheckDuplicate,
                                "'victory when' is given twice",
                                *span,
                                "given again here",
                            )
                            .with_label(first, "first given here"),
                        );
                        continue;
                    }
                    let n = match at_least {
                        None => self.generals.len(),
                        Some(e) => {
                            let Some(v) = self.const_int(e) else { continue };
                            if v < 1 || v as usize > self.generals.len() {
                                self.err(Diag::error(
                                    Code::CheckBadVictory,
                                    format!(
                                        "victory needs between 1 and {} generals (all of them)",
                                        self.generals.len()
                                    ),
                                    e.span,
                                    format!("this is {v}"),
                                ));
                                continue;
                            }
                            v as usize
                        }
                    };
                    self.victory_at_least = Some((n, *span));
                }
                Stmt::Expect(e) => {
                    self.check_expect(e);
                    self.expects.push(e.clone());
                }
                _ => {}
            }
        }
    }

    /// An outcome or a general's decision that this kind of scenario can never have: an
    /// attack outcome where generals commit values (`expect never defeat` would pass for
    /// nothing), a value outcome where they attack or wait. Whether a scenario commits
    /// values is what the model's `values` says: some rule commits.
    fn check_kind(&mut self, e: &ast::Expect) {
        let (values, attacks) = (self.values, self.attacks);
        if values.is_some() && attacks.is_some() {
            return; // mixed_decisions says it
        }
        let event = match &e.what {
            ast::Expectation::Outcome(o) => ast::Event::Outcome(o.clone()),
            ast::Expectation::General(g) => ast::Event::General(g.clone()),
            ast::Expectation::Probability { event, .. }
            | ast::Expectation::Possible(event)
            | ast::Expectation::Never(event) => event.clone(),
        };
        let (span, of_values) = match &event {
            ast::Event::Outcome(o) => match o.value {
                ast::Outcome::Victory | ast::Outcome::Defeat | ast::Outcome::NoAttack => (o.span, false),
                ast::Outcome::Agreement | ast::Outcome::Disagreement | ast::Outcome::Undecided => (o.span, true),
            },
            ast::Event::General(g) => match g.what {
                ast::GeneralFate::Attacks | ast::GeneralFate::Waits => (g.span, false),
                ast::GeneralFate::Commits(_) => (g.span, true),
                ast::GeneralFate::Undecided | ast::GeneralFate::Crashes => return,
            },
        };
        if of_values == values.is_some() {
            return;
        }
        let what = span.one_line(self.src);
        let outcome = matches!(event, ast::Event::Outcome(_));
        let d = if values.is_some() {
            let label =
                if outcome { "an outcome of attack scenarios" } else { "generals attack or wait in attack scenarios" };
            let help = if outcome {
                "a scenario that commits values ends in agreement, disagreement or undecided".to_string()
            } else {
                let g = what.split_whitespace().next().unwrap_or("A");
                format!(
                    "in a scenario that commits values, a general commits a value, is undecided or crashes: '{g} commits V'"
                )
            };
            let mut d = Diag::error(
                Code::CheckImpossibleOutcome,
                format!("'{what}' never happens in a scenario that commits values"),
                span,
                label,
            )
            .with_help(help);
            if let Some(v) = values {
                d = d.with_label(v, "this scenario commits values here");
            }
            d
        } else {
            let label = if outcome {
                "an outcome of scenarios that commit values"
            } else {
                "generals commit values in scenarios that commit them"
            };
            let help = if outcome {
                "an attack scenario ends in victory, defeat or no-attack".to_string()
            } else {
                let g = what.split_whitespace().next().unwrap_or("A");
                format!("in an attack scenario, a general attacks, waits, is undecided or crashes: '{g} attacks'")
            };
            let mut d = Diag::error(
                Code::CheckImpossibleOutcome,
                format!("'{what}' never happens in an attack scenario"),
                span,
                label,
            )
            .with_help(help);
            if let Some(a) = attacks {
                d = d.with_label(a, "its generals attack or wait: here");
            }
            d
        };
        self.err(d);
    }

    fn check_expect(&mut self, e: &ast::Expect) {
        self.check_kind(e);
        let event_general = |ev: &ast::Event| match ev {
            ast::Event::General(g) => Some(g.general.clone()),
            ast::Event::Outcome(_) => None,
        };
        let g = match &e.what {
            ast::Expectation::General(g) => Some(g.general.clone()),
            ast::Expectation::Probability { event, p, tolerance, .. } => {
                self.prob_lit(p.value, p.span);
                if let Some(t) = tolerance {
                    self.prob_lit(t.value, t.span);
                }
                event_general(event)
            }
            ast::Expectation::Possible(ev) | ast::Expectation::Never(ev) => event_general(ev),
            ast::Expectation::Outcome(_) => None,
        };
        if let Some(g) = g
            && !self.gen_index.contains_key(&g.name)
        {
            self.unknown_general(&g);
        }
    }
}
