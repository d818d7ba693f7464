//! Generals and roles: declared in order, ranges (`G1..G5`) expanded, named as targets.

use super::*;

impl<'a> Checker<'a> {
    /// Generals and roles, in the order written.
    pub(super) fn declare_generals(&mut self, file: &'a ast::File) {
        for stmt in &file.stmts {
            if let Stmt::Role { name, rules, span } = stmt {
                if let Some(&i) = self.role_index.get(&name.name) {
                    let first = self.roles[i].span;
                    self.err(
                        Diag::error(
                            Code::CheckDuplicate,
                            format!("role '{}' is declared twice", name.name),
                            name.span,
                            "declared again here",
                        )
                        .with_label(first, "first declared here"),
                    );
                    continue;
                }
                self.role_index.insert(name.name.clone(), self.roles.len());
                self.roles.push(Role { name: name.name.clone(), members: Vec::new(), span: *span });
                self.role_rules.push(rules);
            }
        }
        for stmt in &file.stmts {
            match stmt {
                Stmt::General(g) => {
                    if let Some(&first) = self.gen_index.get(&g.name.name)
                        && g.rules.iter().any(super::rules::could_decide)
                    {
                        // Declared again, with rules that are dropped with it.
                        self.decisions_dropped.insert(first);
                    }
                    let role = g.role.as_ref().and_then(|r| self.role_ref(r));
                    self.add_general(&g.name, g.label.as_ref().map(|l| l.value.clone()), role, g.span);
                }
                Stmt::Generals { names, role, span } => {
                    let role = role.as_ref().and_then(|r| self.role_ref(r));
                    for item in names {
                        for name in self.expand_range(item) {
                            self.add_general(&name, None, role, *span);
                        }
                    }
                }
                _ => {}
            }
        }
        let n = self.generals.len();
        self.chan_of = vec![None; n * n];
    }

    fn role_ref(&mut self, r: &ast::Ident) -> Option<usize> {
        match self.role_index.get(&r.name) {
            Some(&i) => Some(i),
            None => {
                let names: Vec<&str> = self.roles.iter().map(|r| r.name.as_str()).collect();
                let mut d = Diag::error(
                    Code::CheckUnknownRole,
                    format!("unknown role '{}'", r.name),
                    r.span,
                    "no role of this name",
                );
                d.help = Some(
                    did_you_mean(&r.name, names.iter().copied())
                        .unwrap_or_else(|| "declare it: 'role NAME { ... }'".into()),
                );
                self.err(d);
                None
            }
        }
    }

    /// `G1..G5` into its names; a single name into itself.
    fn expand_range(&mut self, item: &ast::NameItem) -> Vec<ast::Ident> {
        let Some(last) = &item.last else {
            return vec![item.first.clone()];
        };
        let split = |s: &str| {
            let digits = s.chars().rev().take_while(|c| c.is_ascii_digit()).count();
            let (p, d) = s.split_at(s.len() - digits);
            (p.to_string(), d.to_string())
        };
        let (p1, d1) = split(&item.first.name);
        let (p2, d2) = split(&last.name);
        if d1.is_empty() || d2.is_empty() || p1 != p2 {
            self.err(
                Diag::error(
                    Code::CheckBadRange,
                    "a range of generals needs one prefix and two numbers",
                    item.span,
                    "not a range like G1..G5",
                )
                .with_help("write it as G1..G5"),
            );
            return vec![];
        }
        let (a, b) = (d1.parse::<u64>().unwrap_or(u64::MAX), d2.parse::<u64>().unwrap_or(u64::MAX));
        if a > b {
            self.err(
                Diag::error(
                    Code::CheckBadRange,
                    format!("the range {}..{} runs backwards", item.first.name, last.name),
                    item.span,
                    "first is after last",
                )
                .with_help(format!("write {}..{}", last.name, item.first.name)),
            );
            return vec![];
        }
        if b - a >= MAX_GENERALS as u64 {
            self.err(Diag::error(
                Code::CheckTooManyGenerals,
                format!("a scenario has at most {MAX_GENERALS} generals"),
                item.span,
                "this range is too long",
            ));
            return vec![];
        }
        (a..=b).map(|i| ast::Ident { name: format!("{p1}{i}"), span: item.span }).collect()
    }

    fn add_general(&mut self, name: &ast::Ident, label: Option<String>, role: Option<usize>, _statement: Span) {
        if let Some(&g) = self.gen_index.get(&name.name) {
            let first = self.generals[g as usize].span;
            self.err(
                Diag::error(
                    Code::CheckDuplicate,
                    format!("general '{}' is declared twice", name.name),
                    name.span,
                    "declared again here",
                )
                .with_label(first, "first declared here"),
            );
            return;
        }
        if self.role_index.contains_key(&name.name) {
            self.err(Diag::error(
                Code::CheckDuplicate,
                format!("'{}' is both a role and a general", name.name),
                name.span,
                "a role has this name",
            ));
            return;
        }
        if self.generals.len() >= MAX_GENERALS {
            self.err(Diag::error(
                Code::CheckTooManyGenerals,
                format!("a scenario has at most {MAX_GENERALS} generals"),
                name.span,
                "one too many",
            ));
            return;
        }
        let id = self.generals.len() as GenId;
        self.gen_index.insert(name.name.clone(), id);
        if let Some(r) = role {
            self.roles[r].members.push(id);
        }
        self.generals.push(General {
            name: name.name.clone(),
            label,
            role,
            span: name.span,
            on_start: vec![],
            on_recover: vec![],
            on_receive: vec![],
            timed: vec![],
            when: vec![],
            decide: vec![],
            vars: vec![],
        });
    }

    /// Resolves targets to generals, in order, without repeats and without the owner
    /// (a set such as a role or `all` never includes the general itself). `None` on error.
    pub(crate) fn targets(&mut self, targets: &[ast::Target], owner: Option<GenId>) -> Option<Vec<GenId>> {
        let mut out = Vec::new();
        let mut ok = true;
        for t in targets {
            match t {
                ast::Target::All(_) => out.extend(0..self.generals.len() as GenId),
                ast::Target::Name(id) => {
                    if let Some(&g) = self.gen_index.get(&id.name) {
                        out.push(g);
                    } else if let Some(&r) = self.role_index.get(&id.name) {
                        out.extend(self.roles[r].members.iter().copied());
                    } else {
                        ok = false;
                        self.unknown_general_from(id, owner);
                    }
                }
            }
        }
        if !ok {
            return None;
        }
        let mut seen = vec![false; self.generals.len()];
        out.retain(|g| Some(*g) != owner && !std::mem::replace(&mut seen[*g as usize], true));
        Some(out)
    }

    pub(crate) fn unknown_general(&mut self, id: &ast::Ident) {
        self.unknown_general_from(id, None);
    }

    /// An unknown general named in `owner`'s rules (`None`: at the top level). The owner
    /// is no candidate: a general never names itself as a target or sender, so with two
    /// generals `send plan to C` in A's rules can only mean B.
    pub(crate) fn unknown_general_from(&mut self, id: &ast::Ident, owner: Option<GenId>) {
        let mut names: Vec<&str> = self
            .generals
            .iter()
            .enumerate()
            .filter(|(i, _)| owner != Some(*i as GenId))
            .map(|(_, g)| g.name.as_str())
            .collect();
        names.extend(self.roles.iter().map(|r| r.name.as_str()));
        let mut d = Diag::error(
            Code::CheckUnknownGeneral,
            format!("unknown general '{}'", id.name),
            id.span,
            "no general or role of this name",
        );
        let only = match names.as_slice() {
            [one] if owner.is_some() => Some(format!("did you mean '{one}'?")),
            _ => None,
        };
        d.help = Some(did_you_mean(&id.name, names.iter().copied()).or(only).unwrap_or_else(|| {
            format!(
                "the generals are: {}",
                self.generals.iter().map(|g| g.name.as_str()).collect::<Vec<_>>().join(", ")
            )
        }));
        self.err(d);
    }
}
