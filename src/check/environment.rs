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
                    let text = span.text(self.src).split_whitespace().collect::<Vec<_>>().join(" ");
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

    fn check_expect(&mut self, e: &ast::Expect) {
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
