//! The names of a scenario, from its syntax tree: every declaration and every use of a
//! general, role, param, time, variable, pattern binding and message kind, with its span.
//! Definition, references, hover and rename-free navigation read it; it resolves names the
//! way the checker does (a binding of the rule, then the block's variables, then its role's,
//! then params and times), without changing the checker.

use std::collections::HashMap;

use crate::diag::Span;
use crate::syntax::ast::{
    Action, ChannelProp, DecideForm, Endpoint, Event, Expectation, Expr, ExprKind, File, GeneralFate, Kind, LossRule,
    ParamValue, Pattern, PatternArg, Probability, RuleDecl, RuleKind, SenderFilter, Stmt, Target,
};

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymKind {
    General,
    Role,
    Param,
    Time,
    /// A variable (`var`) of a general's or a role's block.
    Var,
    /// A name bound by a pattern of an `on receive` rule or a `received` expression.
    Binding,
    /// A message kind: it has no declaration; its sends define it.
    Kind,
}

impl SymKind {
    /// How hovers and symbol lists call it.
    pub fn word(self) -> &'static str {
        match self {
            SymKind::General => "general",
            SymKind::Role => "role",
            SymKind::Param => "param",
            SymKind::Time => "time",
            SymKind::Var => "variable",
            SymKind::Binding => "binding",
            SymKind::Kind => "message kind",
        }
    }
}

/// One named thing: its kind, its name and, for variables and bindings, where it lives
/// (the block's or the rule's span start), so that two generals' `x` are two symbols.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Symbol {
    pub kind: SymKind,
    pub name: String,
    pub scope: u32,
}

/// One place a symbol is written.
#[derive(Debug, Clone, Copy)]
pub struct Occurrence {
    pub span: Span,
    pub symbol: usize,
    /// A declaration (for a kind: a `send` of it).
    pub decl: bool,
}

/// A general's or a role's block, for scopes and for completion.
#[derive(Debug, Clone)]
pub struct Block {
    pub span: Span,
    pub name: String,
    pub is_role: bool,
    /// The role of a general (`general A is R`, `generals ... are R`).
    pub role: Option<String>,
    /// Its variables, by name.
    pub vars: Vec<String>,
}

/// Every declaration and use of every name of a file.
#[derive(Debug, Default, Clone)]
pub struct Index {
    pub symbols: Vec<Symbol>,
    pub occurrences: Vec<Occurrence>,
    pub blocks: Vec<Block>,
    ids: HashMap<Symbol, usize>,
    generals: HashMap<String, Span>,
    roles: HashMap<String, Span>,
    params: HashMap<String, Span>,
    times: HashMap<String, Span>,
}

/// Most names a range of generals (`G1..G5`) stands for, as the checker allows.
const MAX_RANGE: u64 = crate::check::model::MAX_GENERALS as u64;

impl Index {
    /// The index of a parsed file.
    pub fn new(file: &File) -> Index {
        let mut ix = Index::default();
        ix.declare(file);
        ix.uses(file);
        ix.occurrences.sort_by_key(|o| (o.span.start, o.span.end));
        ix
    }

    /// The symbols of a kind, by name, in order of first appearance.
    pub fn names(&self, kind: SymKind) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in self.symbols.iter().filter(|s| s.kind == kind) {
            if !out.contains(&s.name.as_str()) {
                out.push(&s.name);
            }
        }
        out
    }

    /// The occurrence at a byte offset (its span touching the offset, the later one when two
    /// do: the cursor just after a name is still on it).
    pub fn at(&self, offset: usize) -> Option<Occurrence> {
        let o = offset as u32;
        self.occurrences.iter().rev().find(|x| x.span.start <= o && o <= x.span.end).copied()
    }

    /// Every occurrence of a symbol, in the order of the file.
    pub fn of(&self, symbol: usize) -> impl Iterator<Item = Occurrence> + '_ {
        self.occurrences.iter().filter(move |o| o.symbol == symbol).copied()
    }

    /// The declarations of a symbol (for a kind: its sends).
    pub fn decls(&self, symbol: usize) -> Vec<Span> {
        self.of(symbol).filter(|o| o.decl).map(|o| o.span).collect()
    }

    /// The innermost general's or role's block at an offset.
    pub fn block_at(&self, offset: usize) -> Option<&Block> {
        let o = offset as u32;
        self.blocks.iter().find(|b| b.span.start <= o && o < b.span.end)
    }

    fn symbol(&mut self, kind: SymKind, name: &str, scope: u32) -> usize {
        let s = Symbol { kind, name: name.to_string(), scope };
        if let Some(&i) = self.ids.get(&s) {
            return i;
        }
        self.symbols.push(s.clone());
        self.ids.insert(s, self.symbols.len() - 1);
        self.symbols.len() - 1
    }

    fn add(&mut self, kind: SymKind, name: &str, scope: u32, span: Span, decl: bool) {
        let symbol = self.symbol(kind, name, scope);
        self.occurrences.push(Occurrence { span, symbol, decl });
    }

    // ------------------------------------------------------------------ declarations

    fn declare(&mut self, file: &File) {
        for s in &file.stmts {
            match s {
                Stmt::Param { name, .. } => {
                    self.params.entry(name.name.clone()).or_insert(name.span);
                    self.add(SymKind::Param, &name.name, 0, name.span, true);
                }
                Stmt::Time { name, .. } => {
                    self.times.entry(name.name.clone()).or_insert(name.span);
                    self.add(SymKind::Time, &name.name, 0, name.span, true);
                }
                Stmt::General(g) => {
                    self.generals.entry(g.name.name.clone()).or_insert(g.name.span);
                    self.add(SymKind::General, &g.name.name, 0, g.name.span, true);
                    let vars = declared_vars(&g.rules);
                    self.blocks.push(Block {
                        span: g.span,
                        name: g.name.name.clone(),
                        is_role: false,
                        role: g.role.as_ref().map(|r| r.name.clone()),
                        vars: vars.iter().map(|v| v.0.clone()).collect(),
                    });
                    for (v, span) in vars {
                        self.add(SymKind::Var, &v, g.span.start, span, true);
                    }
                }
                Stmt::Generals { names, .. } => {
                    for item in names {
                        for (name, span) in expand(item) {
                            self.generals.entry(name.clone()).or_insert(span);
                            self.add(SymKind::General, &name, 0, span, true);
                        }
                    }
                }
                Stmt::Role { name, rules, span } => {
                    self.roles.entry(name.name.clone()).or_insert(name.span);
                    self.add(SymKind::Role, &name.name, 0, name.span, true);
                    let vars = declared_vars(rules);
                    self.blocks.push(Block {
                        span: *span,
                        name: name.name.clone(),
                        is_role: true,
                        role: None,
                        vars: vars.iter().map(|v| v.0.clone()).collect(),
                    });
                    for (v, vspan) in vars {
                        self.add(SymKind::Var, &v, span.start, vspan, true);
                    }
                }
                _ => {}
            }
        }
    }

    // ------------------------------------------------------------------ uses

    fn uses(&mut self, file: &File) {
        for s in &file.stmts {
            let top = Scope::default();
            match s {
                Stmt::Scenario(_) | Stmt::About(_) | Stmt::Seed(_) | Stmt::Horizon(_) => {}
                Stmt::Time { value, .. } => self.expr(value, &top),
                Stmt::Param { value, .. } => {
                    if let ParamValue::Expr(e) = value {
                        self.expr(e, &top);
                    }
                }
                Stmt::General(g) => {
                    if let Some(r) = &g.role {
                        self.role_ref(&r.name, r.span);
                    }
                    let scope = Scope { block: Some(g.span.start), role: g.role.as_ref().map(|r| r.name.clone()) };
                    self.rules(&g.rules, &scope);
                }
                Stmt::Generals { role, .. } => {
                    if let Some(r) = role {
                        self.role_ref(&r.name, r.span);
                    }
                }
                Stmt::Role { rules, span, .. } => {
                    let scope = Scope { block: Some(span.start), role: None };
                    self.rules(rules, &scope);
                }
                Stmt::Channel(c) => {
                    for e in [&c.from, &c.to] {
                        if let Endpoint::Named(id) = e {
                            self.target_name(&id.name, id.span);
                        }
                    }
                    for p in &c.props {
                        match p {
                            ChannelProp::Delay { lo, hi, .. } => {
                                self.expr(lo, &top);
                                if let Some(h) = hi {
                                    self.expr(h, &top);
                                }
                            }
                            ChannelProp::DelayAny { .. } => {}
                            ChannelProp::Duplicate { p, .. } => self.probability(p),
                            ChannelProp::Lose { rule, .. } => self.loss(rule, &top),
                        }
                    }
                }
                Stmt::Partition { a, b, window, .. } => {
                    self.targets(a);
                    self.targets(b);
                    if let Some(w) = window {
                        self.expr(&w.from, &top);
                        self.expr(&w.to, &top);
                    }
                }
                Stmt::Crash { who, at, .. } | Stmt::Recover { who, at, .. } => {
                    self.general_ref(&who.name, who.span);
                    self.expr(at, &top);
                }
                Stmt::CrashAny { count, of, window, .. } => {
                    self.expr(count, &top);
                    self.targets(of);
                    if let Some(w) = window {
                        self.expr(&w.from, &top);
                        self.expr(&w.to, &top);
                    }
                }
                Stmt::Victory { at_least, .. } => {
                    if let Some(e) = at_least {
                        self.expr(e, &top);
                    }
                }
                Stmt::Expect(x) => match &x.what {
                    Expectation::Outcome(_) => {}
                    Expectation::General(ev) => self.general_event(ev, &top),
                    Expectation::Probability { event, .. }
                    | Expectation::Possible(event)
                    | Expectation::Never(event) => {
                        if let Event::General(ev) = event {
                            self.general_event(ev, &top);
                        }
                    }
                },
            }
        }
    }

    fn general_event(&mut self, ev: &crate::syntax::ast::GeneralEvent, top: &Scope) {
        self.general_ref(&ev.general.name, ev.general.span);
        if let GeneralFate::Commits(e) = &ev.what {
            self.expr(e, top);
        }
    }

    fn rules(&mut self, rules: &[RuleDecl], scope: &Scope) {
        for r in rules {
            let mut locals: Vec<String> = Vec::new();
            let rule_scope = r.span.start;
            match &r.kind {
                RuleKind::Start(actions) | RuleKind::Recover(actions) => self.actions(actions, scope, &locals, 0),
                RuleKind::Receive { pattern, from, guard, actions } => {
                    self.pattern(pattern, scope, &mut locals, rule_scope, true);
                    if let Some(t) = from {
                        self.targets(t);
                    }
                    if let Some(g) = guard {
                        self.rexpr(g, scope, &mut locals, rule_scope);
                    }
                    self.actions(actions, scope, &locals, rule_scope);
                }
                RuleKind::At { at, actions } => {
                    self.expr(at, scope);
                    self.actions(actions, scope, &locals, rule_scope);
                }
                RuleKind::Every { period, until, actions } => {
                    self.expr(period, scope);
                    if let Some(u) = until {
                        self.rexpr(u, scope, &mut locals, rule_scope);
                    }
                    self.actions(actions, scope, &locals, rule_scope);
                }
                RuleKind::When { cond, actions } => {
                    self.rexpr(cond, scope, &mut locals, rule_scope);
                    self.actions(actions, scope, &locals, rule_scope);
                }
                RuleKind::Decide { at, decision } => {
                    self.expr(at, scope);
                    match decision {
                        DecideForm::Attack { guard, .. } => {
                            if let Some(g) = guard {
                                self.rexpr(g, scope, &mut locals, rule_scope);
                            }
                        }
                        DecideForm::Wait { .. } => {}
                        DecideForm::Commit { value, guard, .. } => {
                            if let Some(g) = guard {
                                self.rexpr(g, scope, &mut locals, rule_scope);
                            }
                            self.rexpr(value, scope, &mut locals, rule_scope);
                        }
                    }
                }
                RuleKind::Var { init, .. } => self.expr(init, scope),
            }
        }
    }

    fn actions(&mut self, actions: &[Action], scope: &Scope, locals: &[String], rule_scope: u32) {
        let mut locals = locals.to_vec();
        for a in actions {
            match a {
                Action::Send { msg, to, copies, .. } => {
                    self.kind(&msg.kind, true);
                    for e in &msg.args {
                        self.rexpr(e, scope, &mut locals, rule_scope);
                    }
                    self.targets(to);
                    if let Some(c) = copies {
                        self.rexpr(c, scope, &mut locals, rule_scope);
                    }
                }
                Action::Attack(_) | Action::Wait(_) | Action::Crash(_) => {}
                Action::Set { name, value, .. } => {
                    self.name(&name.name, name.span, scope, &locals, rule_scope);
                    self.rexpr(value, scope, &mut locals, rule_scope);
                }
                Action::Commit { value, .. } => self.rexpr(value, scope, &mut locals, rule_scope),
            }
        }
    }

    /// A pattern: its kind, and its arguments. In an `on receive` pattern (`binding`), a
    /// name that is not a param, time, variable or earlier binding binds the value.
    fn pattern(&mut self, p: &Pattern, scope: &Scope, locals: &mut Vec<String>, rule_scope: u32, binding: bool) {
        self.kind(&p.kind, false);
        for a in &p.args {
            let PatternArg::Expr(e) = a else { continue };
            if binding
                && let ExprKind::Name(n) = &e.kind
                && !locals.contains(n)
                && self.resolve(n, scope).is_none()
            {
                locals.push(n.clone());
                self.add(SymKind::Binding, n, rule_scope, e.span, true);
                continue;
            }
            self.rexpr(e, scope, locals, rule_scope);
        }
    }

    /// An expression outside a rule's bindings.
    fn expr(&mut self, e: &Expr, scope: &Scope) {
        let mut none = Vec::new();
        self.rexpr(e, scope, &mut none, 0);
    }

    /// An expression in a rule (its bindings in `locals`), without recursion: the parser
    /// bounds the depth, but a wide one is walked with a stack all the same.
    fn rexpr(&mut self, e: &Expr, scope: &Scope, locals: &mut Vec<String>, rule_scope: u32) {
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            match &e.kind {
                ExprKind::Int(_) | ExprKind::Prob(_) | ExprKind::Str(_) | ExprKind::Now => {}
                ExprKind::Name(n) => self.name(n, e.span, scope, locals, rule_scope),
                ExprKind::Neg(a) | ExprKind::Not(a) => stack.push(a),
                ExprKind::Binary(_, a, b) | ExprKind::MinMax { a, b, .. } => {
                    stack.push(b);
                    stack.push(a);
                }
                ExprKind::Received { pattern, from, by } | ExprKind::Count { pattern, from, by } => {
                    self.pattern(pattern, scope, locals, rule_scope, false);
                    match from {
                        Some(SenderFilter::Any(t)) | Some(SenderFilter::Each(Some(t), _)) => self.targets(t),
                        Some(SenderFilter::Each(None, _)) | None => {}
                    }
                    if let Some(b) = by {
                        stack.push(b);
                    }
                }
                ExprKind::Sent { pattern, to } => {
                    self.pattern(pattern, scope, locals, rule_scope, false);
                    if let Some(t) = to {
                        self.targets(t);
                    }
                }
            }
        }
    }

    /// What a name in an expression (or `set NAME`) names, as the checker looks it up.
    fn name(&mut self, n: &str, span: Span, scope: &Scope, locals: &[String], rule_scope: u32) {
        if locals.iter().any(|l| l == n) {
            self.add(SymKind::Binding, n, rule_scope, span, false);
        } else if let Some((kind, at)) = self.resolve(n, scope) {
            self.add(kind, n, at, span, false);
        }
    }

    /// A variable of the block, of its role, a param or a time.
    fn resolve(&self, n: &str, scope: &Scope) -> Option<(SymKind, u32)> {
        if let Some(b) = scope.block {
            if self.blocks.iter().any(|x| x.span.start == b && x.vars.iter().any(|v| v == n)) {
                return Some((SymKind::Var, b));
            }
            if let Some(r) = &scope.role
                && let Some(rb) = self.blocks.iter().find(|x| x.is_role && &x.name == r)
                && rb.vars.iter().any(|v| v == n)
            {
                return Some((SymKind::Var, rb.span.start));
            }
        }
        if self.params.contains_key(n) {
            return Some((SymKind::Param, 0));
        }
        if self.times.contains_key(n) {
            return Some((SymKind::Time, 0));
        }
        None
    }

    fn kind(&mut self, k: &Kind, decl: bool) {
        self.add(SymKind::Kind, &k.name, 0, k.span, decl);
    }

    fn probability(&mut self, p: &Probability) {
        if let Probability::Name(id) = p
            && self.params.contains_key(&id.name)
        {
            self.add(SymKind::Param, &id.name, 0, id.span, false);
        }
    }

    fn loss(&mut self, rule: &LossRule, top: &Scope) {
        match rule {
            LossRule::All | LossRule::Every(_) => {}
            LossRule::Numbers(items) => {
                for i in items {
                    self.expr(&i.lo, top);
                    if let Some(h) = &i.hi {
                        self.expr(h, top);
                    }
                }
            }
            LossRule::First(e) | LossRule::After(e) => self.expr(e, top),
            LossRule::Window(a, b) => {
                self.expr(a, top);
                self.expr(b, top);
            }
            LossRule::Chance { kind, .. } => {
                if let Some(k) = kind {
                    self.kind(k, false);
                }
            }
            LossRule::Name { name, kind } => {
                if self.params.contains_key(&name.name) {
                    self.add(SymKind::Param, &name.name, 0, name.span, false);
                } else {
                    self.add(SymKind::Kind, &name.name, 0, name.span, false);
                }
                if let Some(k) = kind {
                    self.kind(k, false);
                }
            }
            LossRule::Kind(k) => self.kind(k, false),
        }
    }

    fn targets(&mut self, targets: &[Target]) {
        for t in targets {
            if let Target::Name(id) = t {
                self.target_name(&id.name, id.span);
            }
        }
    }

    /// A general or a role named as a target.
    fn target_name(&mut self, n: &str, span: Span) {
        if self.roles.contains_key(n) && !self.generals.contains_key(n) {
            self.role_ref(n, span);
        } else {
            self.general_ref(n, span);
        }
    }

    fn general_ref(&mut self, n: &str, span: Span) {
        if self.generals.contains_key(n) {
            self.add(SymKind::General, n, 0, span, false);
        }
    }

    fn role_ref(&mut self, n: &str, span: Span) {
        if self.roles.contains_key(n) {
            self.add(SymKind::Role, n, 0, span, false);
        }
    }
}

/// Where names are looked up: the block (its span's start) and the role of a general.
#[derive(Default)]
struct Scope {
    block: Option<u32>,
    role: Option<String>,
}

/// The `var`s of a block, with the spans of their names.
fn declared_vars(rules: &[RuleDecl]) -> Vec<(String, Span)> {
    rules
        .iter()
        .filter_map(|r| match &r.kind {
            RuleKind::Var { name, .. } => Some((name.name.clone(), name.span)),
            _ => None,
        })
        .collect()
}

/// The names an item of `generals` declares: one, or each of a range `G1..G5` (the whole
/// range their declaration), as the checker expands it.
fn expand(item: &crate::syntax::ast::NameItem) -> Vec<(String, Span)> {
    let Some(last) = &item.last else {
        return vec![(item.first.name.clone(), item.first.span)];
    };
    let split = |s: &str| {
        let digits = s.chars().rev().take_while(|c| c.is_ascii_digit()).count();
        let (p, d) = s.split_at(s.len() - digits);
        (p.to_string(), d.parse::<u64>().ok())
    };
    match (split(&item.first.name), split(&last.name)) {
        ((p1, Some(a)), (p2, Some(b))) if p1 == p2 && a <= b && b - a < MAX_RANGE => {
            (a..=b).map(|i| (format!("{p1}{i}"), item.span)).collect()
        }
        _ => vec![],
    }
}
