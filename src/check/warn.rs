//! Warnings: scenarios that run, but probably not as their author meant.

use super::*;

impl Checker<'_> {
    pub(super) fn warnings_pass(&mut self, file: &ast::File) {
        self.warn_undecidable();
        self.warn_kinds();
        self.warn_horizon(file);
        self.warn_losses();
        self.warn_shadowed();
    }

    fn warn_undecidable(&mut self) {
        for g in 0..self.generals.len() {
            let general = &self.generals[g];
            let rules = general.on_start.iter().chain(&general.on_receive).chain(&general.timed).chain(&general.when);
            let acts = rules
                .flat_map(|r| &self.rules[*r as usize].actions)
                .any(|a| matches!(a, Action::Attack(_) | Action::Wait(_) | Action::Commit { .. }));
            if general.decide.is_empty() && !acts && !self.decisions_dropped.contains(&(g as GenId)) {
                let d = Diag::warning(
                    Code::CheckNeverDecides,
                    format!("'{}' can never decide", general.name),
                    general.span,
                    "no 'decide at' rule, and no rule that attacks or waits",
                )
                .with_help("add a rule such as 'decide at dawn: attack if received plan'");
                self.err(d);
            }
        }
    }

    fn warn_kinds(&mut self) {
        let probs: Vec<String> =
            self.params.iter().filter(|p| matches!(p.value, ParamVal::Prob(_))).map(|p| p.name.clone()).collect();
        let sent: Vec<String> = (0..self.kinds.len())
            .filter(|k| self.kind_sent[*k].is_some())
            .map(|k| self.kinds[k].name.clone())
            .collect();
        for k in 0..self.kinds.len() {
            let name = self.kinds[k].name.clone();
            match (self.kind_sent[k], self.kind_checked[k]) {
                (Some(s), None) => self.err(
                    Diag::warning(
                        Code::CheckNeverReceived,
                        format!("'{name}' is sent but never received or checked"),
                        s,
                        "no rule or condition looks at this",
                    )
                    .with_help(format!(
                        "react to it ('on receive {name} {{ ... }}') or decide on it ('received {name}')"
                    )),
                ),
                (None, Some(c)) => match did_you_mean(&name, sent.iter().map(String::as_str)) {
                    None if did_you_mean(&name, probs.iter().map(String::as_str)).is_some() => {
                        let param = did_you_mean(&name, probs.iter().map(String::as_str)).unwrap_or_default();
                        self.err(
                            Diag::error(
                                Code::CheckUnknownKind,
                                format!("unknown message kind '{name}'"),
                                c,
                                "no general ever sends this",
                            )
                            .with_help(format!(
                                "{} (a name here is a param if one is declared, else a message kind)",
                                param.replace("did you mean", "did you mean the param")
                            )),
                        )
                    }
                    Some(help) => self.err(
                        Diag::error(
                            Code::CheckUnknownKind,
                            format!("unknown message kind '{name}'"),
                            c,
                            "no general ever sends this",
                        )
                        .with_help(help),
                    ),
                    None => self.err(
                        Diag::warning(
                            Code::CheckNeverSent,
                            format!("'{name}' is checked but never sent"),
                            c,
                            "no general ever sends this",
                        )
                        .with_help("this can never match: send it somewhere, or remove the check"),
                    ),
                },
                _ => {}
            }
        }
    }

    fn warn_horizon(&mut self, file: &ast::File) {
        let h = self.horizon;
        let mut warned: Vec<Span> = Vec::new();
        // A use of a time already warned about (`decide at dawn`) is the same problem.
        let mut warned_names: Vec<String> = Vec::new();
        for stmt in &file.stmts {
            if let Stmt::Time { name, .. } = stmt
                && let Some((_, v, _)) = self.times.iter().find(|(n, ..)| n == &name.name)
                && *v > h as i64
            {
                let v = *v;
                warned.push(name.span);
                warned_names.push(name.name.clone());
                self.err(
                    Diag::warning(
                        Code::CheckPastHorizon,
                        format!("'{}' = {v} is past the horizon ({h})", name.name),
                        name.span,
                        "never reached",
                    )
                    .with_help(format!("raise it: 'horizon {}'", v.max(1))),
                );
            }
        }
        for (t, span) in std::mem::take(&mut self.used_times) {
            if t > h && !warned.contains(&span) && !warned_names.iter().any(|n| n == span.text(self.src)) {
                warned.push(span);
                self.err(
                    Diag::warning(
                        Code::CheckPastHorizon,
                        format!("tick {t} is past the horizon ({h})"),
                        span,
                        "never reached",
                    )
                    .with_help(format!("raise it: 'horizon {t}'")),
                );
            }
        }
    }

    fn warn_losses(&mut self) {
        let mut seen: Vec<Span> = Vec::new();
        let mut out = Vec::new();
        for c in &self.channels {
            for l in &c.losses {
                let total = match &l.kind {
                    LossKind::All => true,
                    LossKind::Chance { p, kind: None } => p.is_one(),
                    _ => false,
                };
                if total && !seen.contains(&l.span) {
                    seen.push(l.span);
                    out.push(
                        Diag::warning(
                            Code::CheckTotalLoss,
                            "every messenger on this channel is captured",
                            l.span,
                            "100% loss",
                        )
                        .with_help(
                            "nothing can cross it: the protocol over it is pointless; did you mean a partition?",
                        ),
                    );
                }
            }
        }
        for d in out {
            self.err(d);
        }
    }

    fn warn_shadowed(&mut self) {
        let mut out = Vec::new();
        for g in &self.generals {
            let mut earliest: Option<(u32, Span)> = None;
            for &r in &g.decide {
                let rule = &self.rules[r as usize];
                let Trigger::Decide { at, what } = &rule.trigger else {
                    continue;
                };
                if let Some((t0, s0)) = earliest
                    && *at >= t0
                {
                    out.push(
                        Diag::warning(Code::CheckShadowed, "this decision can never be taken", rule.span, "shadowed")
                            .with_label(s0, "this earlier rule always decides first")
                            .with_help("a decision is final: the first 'decide at' that fires decides"),
                    );
                    continue;
                }
                let always = !matches!(what, DecideWhat::Commit(_, Some(_)));
                if always && earliest.is_none_or(|(t0, _)| *at < t0) {
                    earliest = Some((*at, rule.span));
                }
            }
        }
        for c in &self.channels {
            if let Some(pos) = c.losses.iter().position(|l| matches!(l.kind, LossKind::All)) {
                for l in &c.losses[pos + 1..] {
                    out.push(
                        Diag::warning(Code::CheckShadowed, "this loss rule can never capture", l.span, "shadowed")
                            .with_label(c.losses[pos].span, "'lose all' captures every messenger first"),
                    );
                }
            }
        }
        let mut seen = Vec::new();
        for d in out {
            if !seen.contains(&d.span()) {
                seen.push(d.span());
                self.err(d);
            }
        }
    }
}
