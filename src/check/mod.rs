//! The checker: resolves every name to an index, folds constants, checks types and
//! ranges, and reports every problem at once; the result is a [`Model`].

mod channels;
pub mod model;
pub mod reads;
mod rules;
pub mod visit;
mod warn;

use std::collections::HashMap;

pub use model::*;
pub use reads::{ReadPattern, Reads};
pub(crate) use rules::fold;

use crate::diag::{Diag, Span, did_you_mean, line_col};
use crate::syntax::ast::{self, BinOp, ExprKind as AE, ParamValue, Stmt};

/// Default last tick simulated.
pub const DEFAULT_HORIZON: u32 = 1000;
/// Largest horizon accepted.
pub const MAX_HORIZON: u64 = 1_000_000;

/// A `--param NAME=VALUE` given on the command line.
#[derive(Debug, Clone)]
pub struct ParamOverride {
    pub name: String,
    pub value: ParamValue,
}

/// Checks a parsed file. On success, the model and the warnings; else every problem.
pub fn check(src: &str, file: &ast::File, overrides: &[ParamOverride]) -> Result<(Model, Vec<Diag>), Vec<Diag>> {
    let mut c = Checker::new(src);
    c.run(file, overrides);
    // Role rules are checked once per member: report each problem once.
    let mut seen = std::collections::HashSet::new();
    let diags: Vec<Diag> = c.diags.drain(..).filter(|d| seen.insert((d.code, d.span(), d.message.clone()))).collect();
    let (errors, warnings): (Vec<Diag>, Vec<Diag>) = diags.into_iter().partition(Diag::is_error);
    if !errors.is_empty() {
        let mut all = errors;
        all.extend(warnings);
        all.sort_by_key(|d| (d.span().start, d.severity));
        return Err(all);
    }
    let mut warnings = warnings;
    warnings.sort_by_key(|d| d.span().start);
    Ok((c.into_model(), warnings))
}

/// A name known at the top level.
#[derive(Debug, Clone, Copy)]
enum Global {
    Param(usize),
    Time(usize),
}

pub(crate) struct Checker<'a> {
    src: &'a str,
    diags: Vec<Diag>,
    title: Option<String>,
    about: Option<String>,
    seed: u64,
    horizon: u32,
    horizon_span: Option<Span>,
    globals: HashMap<String, (Global, Span)>,
    params: Vec<ParamInfo>,
    times: Vec<(String, i64, Span)>,
    generals: Vec<General>,
    gen_index: HashMap<String, GenId>,
    roles: Vec<Role>,
    role_index: HashMap<String, usize>,
    role_rules: Vec<&'a [ast::RuleDecl]>,
    kinds: Vec<KindInfo>,
    kind_index: HashMap<String, KindId>,
    /// Where each kind is first sent, and first checked (pattern or loss rule).
    kind_sent: Vec<Option<Span>>,
    kind_checked: Vec<Option<Span>>,
    strings: Vec<String>,
    string_index: HashMap<String, i64>,
    channels: Vec<Channel>,
    chan_of: Vec<Option<ChanId>>,
    rules: Vec<Rule>,
    partitions: Vec<Partition>,
    crashes: Vec<Crash>,
    crash_any: Vec<CrashAny>,
    victory_at_least: Option<(usize, Span)>,
    values: Option<Span>,
    attacks: Option<Span>,
    expects: Vec<ast::Expect>,
    /// Times used in `at`, `decide at`, ..., for the horizon warning.
    used_times: Vec<(u32, Span)>,
}

impl<'a> Checker<'a> {
    fn new(src: &'a str) -> Checker<'a> {
        Checker {
            src,
            diags: Vec::new(),
            title: None,
            about: None,
            seed: 0,
            horizon: DEFAULT_HORIZON,
            horizon_span: None,
            globals: HashMap::new(),
            params: Vec::new(),
            times: Vec::new(),
            generals: Vec::new(),
            gen_index: HashMap::new(),
            roles: Vec::new(),
            role_index: HashMap::new(),
            role_rules: Vec::new(),
            kinds: Vec::new(),
            kind_index: HashMap::new(),
            kind_sent: Vec::new(),
            kind_checked: Vec::new(),
            strings: Vec::new(),
            string_index: HashMap::new(),
            channels: Vec::new(),
            chan_of: Vec::new(),
            rules: Vec::new(),
            partitions: Vec::new(),
            crashes: Vec::new(),
            crash_any: Vec::new(),
            victory_at_least: None,
            values: None,
            attacks: None,
            expects: Vec::new(),
            used_times: Vec::new(),
        }
    }

    pub(crate) fn line(&self, span: Span) -> u32 {
        line_col(self.src, span.start).0 as u32
    }

    pub(crate) fn err(&mut self, d: Diag) {
        self.diags.push(d);
    }

    fn into_model(self) -> Model {
        let mut crashes = self.crashes;
        // At one tick, crashes before recoveries.
        crashes.sort_by_key(|c| (c.at, c.recover, c.general));
        let mut crash_any = self.crash_any;
        for c in &mut crash_any {
            if c.to == u32::MAX {
                c.to = self.horizon;
                c.from = c.from.min(c.to);
                c.p = Prob::new(1, (c.to - c.from + 2) as u64);
            }
        }
        // Whether a `when` condition reads the clock (then it is evaluated every tick).
        let when_reads_now = self.rules.iter().any(|r| match &r.trigger {
            Trigger::When(c) => visit::any_part(c, &|e| matches!(e.kind, ExprKind::Now)),
            _ => false,
        });
        Model {
            reads: self.rules.iter().map(Reads::of).collect(),
            crash_any,
            title: self.title,
            about: self.about,
            seed: self.seed,
            horizon: self.horizon,
            victory_at_least: self.victory_at_least.map(|v| v.0).unwrap_or(self.generals.len()),
            generals: self.generals,
            roles: self.roles,
            kinds: self.kinds,
            strings: self.strings,
            channels: self.channels,
            chan_of: self.chan_of,
            rules: self.rules,
            partitions: self.partitions,
            crashes,
            values: self.values.is_some(),
            when_reads_now,
            params: self.params,
            times: self.times.into_iter().map(|(n, v, _)| (n, v)).collect(),
            expects: self.expects,
        }
    }

    fn run(&mut self, file: &'a ast::File, overrides: &[ParamOverride]) {
        self.header(file);
        self.globals_pass(file, overrides);
        self.declare_generals(file);
        if self.generals.is_empty() {
            let span = Span::new(0, 0);
            self.err(
                Diag::error("herald::check::no_generals", "this scenario has no generals", span, "nothing to run")
                    .with_help("declare some: 'general A { ... }' or 'generals A, B'"),
            );
            return;
        }
        self.infer_kinds(file);
        self.channels_pass(file);
        self.rules_pass(file);
        self.environment_pass(file);
        self.warnings_pass(file);
    }

    /// `scenario`, `about`, `seed`, `horizon`: once each.
    fn header(&mut self, file: &ast::File) {
        let mut seen: HashMap<&'static str, Span> = HashMap::new();
        for stmt in &file.stmts {
            let (what, span) = match stmt {
                Stmt::Scenario(s) => {
                    self.title = Some(s.value.clone());
                    ("scenario", s.span)
                }
                Stmt::About(s) => {
                    self.about = Some(s.value.clone());
                    ("about", s.span)
                }
                Stmt::Seed(s) => {
                    self.seed = s.value;
                    ("seed", s.span)
                }
                Stmt::Horizon(s) => {
                    if s.value == 0 || s.value > MAX_HORIZON {
                        self.err(
                            Diag::error(
                                "herald::check::bad_horizon",
                                format!("horizon must be between 1 and {MAX_HORIZON}"),
                                s.span,
                                "out of range",
                            )
                            .with_help("the horizon is the last tick simulated"),
                        );
                    } else {
                        self.horizon = s.value as u32;
                        self.horizon_span = Some(s.span);
                    }
                    ("horizon", s.span)
                }
                _ => continue,
            };
            if let Some(first) = seen.insert(what, span) {
                self.err(
                    Diag::error(
                        "herald::check::duplicate",
                        format!("'{what}' is given twice"),
                        span,
                        "given again here",
                    )
                    .with_label(first, "first given here")
                    .with_help("keep one of them"),
                );
            }
        }
    }

    /// Params and times, in the order written (each may use those before it).
    fn globals_pass(&mut self, file: &ast::File, overrides: &[ParamOverride]) {
        // Every param declared, whether or not its value is valid.
        let mut declared: Vec<String> = Vec::new();
        for stmt in &file.stmts {
            match stmt {
                Stmt::Param { name, value } => {
                    if !self.declare_global(name) {
                        continue;
                    }
                    declared.push(name.name.clone());
                    let given = overrides.iter().rev().find(|o| o.name == name.name).map(|o| &o.value);
                    let mut checked = self.param_value(given.unwrap_or(value), given.is_some(), name);
                    if checked.is_none() && given.is_some() {
                        // A bad --param value is reported; the file's value keeps the
                        // param known, so its uses do not report it as unknown too.
                        checked = self.param_value(value, false, name);
                    }
                    let value = checked;
                    if let Some(value) = value {
                        self.globals.insert(name.name.clone(), (Global::Param(self.params.len()), name.span));
                        self.params.push(ParamInfo { name: name.name.clone(), value, span: name.span });
                    }
                }
                Stmt::Time { name, value } => {
                    if !self.declare_global(name) {
                        continue;
                    }
                    if let Some(v) = self.const_int(value) {
                        if v < 0 {
                            self.err(Diag::error(
                                "herald::check::negative_time",
                                format!("time '{}' is negative", name.name),
                                value.span,
                                format!("this is {v}"),
                            ));
                        }
                        self.globals.insert(name.name.clone(), (Global::Time(self.times.len()), name.span));
                        self.times.push((name.name.clone(), v, name.span));
                    }
                }
                _ => {}
            }
        }
        for o in overrides {
            if !declared.contains(&o.name) {
                let names: Vec<&str> = declared.iter().map(String::as_str).collect();
                let mut d = Diag::error(
                    "herald::check::unknown_param",
                    format!("--param {}: this scenario has no param '{}'", o.name, o.name),
                    Span::new(0, 0),
                    "",
                );
                d.labels.clear();
                let help = match did_you_mean(&o.name, names.iter().copied()) {
                    Some(h) => h,
                    None if names.is_empty() => "this scenario declares no params".to_string(),
                    None => format!("its params are: {}", names.join(", ")),
                };
                self.err(d.with_help(help));
            }
        }
    }

    fn declare_global(&mut self, name: &ast::Ident) -> bool {
        if let Some((_, first)) = self.globals.get(&name.name) {
            let first = *first;
            self.err(
                Diag::error(
                    "herald::check::duplicate",
                    format!("'{}' is declared twice", name.name),
                    name.span,
                    "declared again here",
                )
                .with_label(first, "first declared here"),
            );
            return false;
        }
        true
    }

    fn param_value(&mut self, v: &ParamValue, overridden: bool, name: &ast::Ident) -> Option<ParamVal> {
        let mark = self.diags.len();
        let r = match v {
            ParamValue::Prob(p) => self.prob_lit(p.value, p.span).map(ParamVal::Prob),
            ParamValue::Expr(e) => match &e.kind {
                AE::Str(s) => Some(ParamVal::Str(s.clone())),
                AE::Prob(p) => self.prob_lit(*p, e.span).map(ParamVal::Prob),
                _ => self.const_int(e).map(ParamVal::Int),
            },
        };
        if overridden && r.is_none() {
            // The value's spans point into the command line, not the file: report its
            // problem once, at the param it overrides.
            let why: Vec<Diag> = self.diags.drain(mark..).collect();
            let mut d = Diag::error(
                "herald::check::bad_param_value",
                match why.first() {
                    Some(w) => format!("--param {}: {}", name.name, w.message),
                    None => format!("--param {}: the value given is not valid", name.name),
                },
                name.span,
                "the param that --param sets",
            );
            d.help = why.into_iter().find_map(|w| w.help);
            self.err(d);
        }
        r
    }

    /// Checks a probability literal is within 0..=1.
    pub(crate) fn prob_lit(&mut self, p: ast::ProbLit, span: Span) -> Option<Prob> {
        if p.den == 0 {
            self.err(
                Diag::error("herald::check::bad_probability", "a probability cannot divide by zero", span, "'in 0'")
                    .with_help("write 'N in M' with M at least 1"),
            );
            return None;
        }
        if p.num > p.den {
            self.err(
                Diag::error(
                    "herald::check::bad_probability",
                    "a probability must be between 0% and 100%",
                    span,
                    format!("this is {}", crate::percent::percent(p.num as f64 / p.den as f64)),
                )
                .with_help("write it as 50%, 0.5 or 1 in 2"),
            );
            return None;
        }
        let g = gcd128(p.num, p.den).max(1);
        let (num, den) = (p.num / g, p.den / g);
        if den > u64::MAX as u128 {
            self.err(Diag::error(
                "herald::check::bad_probability",
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
                Some((Global::Time(i), _)) => Some(self.times[i].1),
                Some((Global::Param(i), _)) => match &self.params[i].value {
                    ParamVal::Int(v) => Some(*v),
                    other => {
                        let what = match other {
                            ParamVal::Prob(_) => "a probability",
                            _ => "a string",
                        };
                        self.err(Diag::error(
                            "herald::check::type_mismatch",
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
                        "herald::check::unknown_name",
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
            AE::Neg(a) => self.const_int(a).map(|v| v.wrapping_neg()),
            AE::Binary(op, a, b) if matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div) => {
                let (x, y) = (self.const_int(a)?, self.const_int(b)?);
                let r = match op {
                    BinOp::Add => x.checked_add(y),
                    BinOp::Sub => x.checked_sub(y),
                    BinOp::Mul => x.checked_mul(y),
                    _ => {
                        if y == 0 {
                            self.err(Diag::error(
                                "herald::check::division_by_zero",
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
                    self.err(Diag::error("herald::check::overflow", "this value overflows", e.span, "too large"));
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
                        "herald::check::not_constant",
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

    /// A static tick (`at T`, `from T to T`): a constant between 0 and the largest tick.
    pub(crate) fn const_tick(&mut self, e: &ast::Expr) -> Option<u32> {
        let v = self.const_int(e)?;
        if v < 0 || v > MAX_HORIZON as i64 {
            self.err(Diag::error(
                "herald::check::bad_tick",
                format!("a tick must be between 0 and {MAX_HORIZON}"),
                e.span,
                format!("this is {v}"),
            ));
            return None;
        }
        self.used_times.push((v as u32, e.span));
        Some(v as u32)
    }

    /// Generals and roles, in the order written.
    fn declare_generals(&mut self, file: &'a ast::File) {
        for stmt in &file.stmts {
            if let Stmt::Role { name, rules, span } = stmt {
                if let Some(&i) = self.role_index.get(&name.name) {
                    let first = self.roles[i].span;
                    self.err(
                        Diag::error(
                            "herald::check::duplicate",
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
                    "herald::check::unknown_role",
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
                    "herald::check::bad_range",
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
                    "herald::check::bad_range",
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
                "herald::check::too_many_generals",
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
                    "herald::check::duplicate",
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
                "herald::check::duplicate",
                format!("'{}' is both a role and a general", name.name),
                name.span,
                "a role has this name",
            ));
            return;
        }
        if self.generals.len() >= MAX_GENERALS {
            self.err(Diag::error(
                "herald::check::too_many_generals",
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
            "herald::check::unknown_general",
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

    /// Interns a string value.
    pub(crate) fn intern_str(&mut self, s: &str) -> i64 {
        if let Some(&i) = self.string_index.get(s) {
            return i;
        }
        let i = self.strings.len() as i64;
        self.strings.push(s.to_string());
        self.string_index.insert(s.to_string(), i);
        i
    }

    /// The id of a kind, creating it if new.
    pub(crate) fn kind_id(&mut self, k: &ast::Kind) -> KindId {
        if let Some(&i) = self.kind_index.get(&k.name) {
            return i;
        }
        let i = self.kinds.len() as KindId;
        self.kinds.push(KindInfo { name: k.name.clone(), quoted: k.quoted, arg_types: Vec::new() });
        self.kind_index.insert(k.name.clone(), i);
        self.kind_sent.push(None);
        self.kind_checked.push(None);
        i
    }

    /// Environment statements: partitions, crashes, victory, expectations.
    fn environment_pass(&mut self, file: &ast::File) {
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
                                        "herald::check::bad_window",
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
                                "herald::check::bad_partition",
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
                                "herald::check::bad_number",
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
                            "herald::check::bad_window",
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
                                "herald::check::duplicate",
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
                                    "herald::check::bad_victory",
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

fn gcd128(a: u128, b: u128) -> u128 {
    if b == 0 { a } else { gcd128(b, a % b) }
}
