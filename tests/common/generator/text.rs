//! Scenario *text* from a stream of numbers: the part of the test generator
//! (`tests/common/generator.rs`) that needs nothing but the standard library, so that the
//! fuzz targets (`fuzz/`) include it too (`#[path]`) and turn a fuzzer's bytes into valid
//! scenarios. What it covers and how it stays small: see the generator's documentation.
//!
//! Each choice takes the next number of the stream: a zero is always the simplest choice,
//! and past the end of the stream every choice is zero.

use std::collections::BTreeSet;
use std::fmt::Write as _;

/// The scenario a stream of numbers describes.
pub fn build(stream: &[u32]) -> String {
    Builder::new(stream).scenario()
}

/// Reads choices from the stream.
struct Draw<'a> {
    stream: &'a [u32],
    at: usize,
}

impl Draw<'_> {
    fn next(&mut self) -> u32 {
        let v = self.stream.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        v
    }

    /// One of `0..n` (0 when `n` is 0 or 1).
    fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            self.next();
            return 0;
        }
        self.next() as usize % n
    }

    /// True with about `percent`% (a zero in the stream: false).
    fn chance(&mut self, percent: u32) -> bool {
        self.next() % 100 >= 100 - percent
    }

    /// One of `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }
}

/// Message kinds: how they are written, and how many values they carry (all numbers).
const KINDS: [(&str, usize); 7] =
    [("plan", 0), ("ack", 0), ("vote", 0), ("val", 1), ("pair", 2), ("\"go now\"", 0), ("commit", 0)];

/// Probabilities as the language writes them (the last ones are edge cases).
const PROBS: [&str; 9] = ["50%", "1 in 3", "0.25", "10%", "2 in 3", "0.5", "90%", "0%", "100%"];

/// The shape of a scenario's protocol. Lean runs (trials) take shortcuts for the simpler
/// shapes: without `on receive` rules and crashes, deliveries are bits added to sets of
/// senders; without `when` rules, ticks at which only such bits arrive do not run; when
/// nothing fires after tick 0 but decisions, a run is tick 0 and its decisions' ticks.
#[derive(Clone, Copy, PartialEq)]
enum Style {
    /// Anything.
    Rich,
    /// Only one plain send per rule at tick 0, and decisions (a one-round run).
    OneRound,
    /// No `on receive`, no `when`, no crash: timed rules and decisions.
    Quiet,
    /// Two or three generals that count heartbeats in a variable, and decide on the count
    /// (small: every run can be enumerated one by one).
    Counter,
}

/// Whose rules are being written.
#[derive(Clone, Copy, PartialEq)]
enum Owner {
    /// A general of no role (its index).
    Lone(usize),
    /// A role's rules (its index).
    Role(usize),
    /// A role member's own rules (its index).
    Member(usize),
}

/// What an expression may name.
#[derive(Clone, Default)]
struct Ctx {
    /// Integer names: params, times, variables, binders.
    ints: Vec<String>,
    /// The variables among them.
    vars: Vec<String>,
    /// Whether `now` and knowledge may be read (not in a variable's initial value).
    runtime: bool,
}

struct General {
    name: String,
    role: Option<usize>,
    /// Its own variables (a role member: overrides of its role's).
    vars: Vec<(String, i64)>,
    /// Its own rules, written out.
    rules: Vec<String>,
    /// A role member declared on its own (`general P2 is r { ... }`), not in a list.
    alone: bool,
    label: Option<String>,
}

struct Role {
    name: String,
    members: Vec<usize>,
    vars: Vec<(String, i64)>,
    rules: Vec<String>,
}

struct Builder<'a> {
    d: Draw<'a>,
    /// A scenario meant to have interchangeable generals: role members are named by their
    /// role only, receive rules commute, nothing singles a member out.
    sym: bool,
    /// The shape of the protocol (see [`Style`]).
    style: Style,
    /// Writing an `on receive` rule's actions: its sends go to fewer generals, once (a
    /// receipt that sends to everyone floods the run, and the searches with it).
    receiving: bool,
    values: bool,
    horizon: Option<u32>,
    /// The last tick worth naming (the horizon, or a small one without).
    last: u32,
    prob_params: Vec<String>,
    int_params: Vec<(String, i64)>,
    times: Vec<(String, i64)>,
    generals: Vec<General>,
    roles: Vec<Role>,
    /// Kinds the rules may send and check (indices into `KINDS`), and those sent.
    kinds: Vec<usize>,
    sent: BTreeSet<usize>,
    recovers: bool,
    /// Some rule sends `beat` (see `all_rules`).
    beat: bool,
}

/// `s`, in brackets if it is more than one token.
fn operand(s: String) -> String {
    if s.contains(' ') && !(s.starts_with('(') && s.ends_with(')') && balanced_inside(&s)) {
        format!("({s})")
    } else {
        s
    }
}

/// Whether the brackets of `s` (which starts with `(` and ends with `)`) are one pair
/// around it all.
fn balanced_inside(s: &str) -> bool {
    let mut depth = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 && i != s.len() - 1 {
                    return false;
                }
            }
            _ => {}
        }
    }
    true
}

impl<'a> Builder<'a> {
    fn new(stream: &'a [u32]) -> Builder<'a> {
        Builder {
            d: Draw { stream, at: 0 },
            sym: false,
            style: Style::Rich,
            receiving: false,
            values: false,
            horizon: None,
            last: 8,
            prob_params: Vec::new(),
            int_params: Vec::new(),
            times: Vec::new(),
            generals: Vec::new(),
            roles: Vec::new(),
            kinds: Vec::new(),
            sent: BTreeSet::new(),
            recovers: false,
            beat: false,
        }
    }

    fn n(&self) -> usize {
        self.generals.len()
    }

    fn scenario(mut self) -> String {
        let mut out = String::new();
        if self.d.chance(10) {
            out.push_str("# generated\n");
        }
        if self.d.chance(40) {
            out.push_str("scenario \"Generated\"\n");
        }
        if self.d.chance(20) {
            out.push_str("about \"a scenario made by the property tests\"\n");
        }
        if self.d.chance(50) {
            let _ = writeln!(out, "seed {}", self.d.below(20));
        }
        // A horizon nearly always (without one, runs may go on to tick 1000: no `every`,
        // no `delay any` then).
        if !self.d.chance(12) {
            let h = self.d.range(3, 7) as u32;
            self.horizon = Some(h);
            self.last = h;
            let _ = writeln!(out, "horizon {h}");
        }
        self.values = self.d.chance(30);
        self.sym = self.d.chance(35);
        self.style = match self.d.below(20) {
            0..=11 => Style::Rich,
            12..=15 => Style::OneRound,
            16 | 17 => Style::Quiet,
            _ => Style::Counter,
        };
        if self.style == Style::Counter {
            // (Lone generals only.)
            self.sym = false;
        }
        // Params and times.
        if self.d.chance(50) {
            let p = PROBS[self.d.below(7)];
            self.prob_params.push("loss".into());
            let _ = writeln!(out, "param loss = {p}");
        }
        if self.d.chance(35) {
            let v = self.d.range(1, 3);
            self.int_params.push(("k".into(), v));
            let _ = writeln!(out, "param k = {v}");
        }
        if self.d.chance(10) {
            self.prob_params.push("dup".into());
            let _ = writeln!(out, "param dup = 1 in 4");
        }
        let dawn = self.d.range(2, (self.last as i64 - 1).max(2));
        let _ = writeln!(out, "time dawn = {dawn}");
        self.times.push(("dawn".into(), dawn));
        if self.d.chance(30) {
            let late = self.d.range(1, 3);
            let _ = writeln!(out, "time late = dawn + {late}");
            self.times.push(("late".into(), dawn + late));
        }
        // Kinds in use: one to four.
        let kinds = 1 + self.d.below(4);
        for _ in 0..kinds {
            let k = self.d.below(KINDS.len());
            if !self.kinds.contains(&k) {
                self.kinds.push(k);
            }
        }
        self.kinds.sort();
        self.generals_and_roles();
        if !self.values && self.d.chance(30) {
            let n = self.d.range(1, self.n() as i64);
            let _ = writeln!(out, "victory when at least {n} attack");
        } else if !self.values && self.d.chance(10) {
            out.push_str("victory when all attack\n");
        }
        // Environment first: `on recover` rules are written when some general recovers.
        let env = self.environment();
        self.all_rules();
        let channels = self.channels();
        out.push_str(&channels);
        out.push_str(&self.declarations());
        out.push_str(&env);
        out.push_str(&self.expects());
        out
    }

    // ------------------------------------------------------------ generals

    fn generals_and_roles(&mut self) {
        let mut n = [2, 2, 2, 3, 3, 3, 4, 4, 5, 6][self.d.below(10)];
        let roles = match self.d.below(10) {
            _ if self.style == Style::Counter => 0,
            _ if self.sym => 1,
            0..=3 => 0,
            4..=8 => 1,
            _ => 2,
        };
        if self.sym {
            n = n.clamp(3, 5);
        }
        if self.style == Style::Counter {
            n = 2 + self.d.below(2);
        }
        if self.style == Style::OneRound {
            // (A send is planned as a fan when it has 4 targets or more: the shortcuts of
            // one-round runs need every send of tick 0 to be one.)
            n = 5 + self.d.below(2);
        }
        let role_names = ["crew", "voters"];
        let prefixes = ["P", "Q"];
        for (r, name) in role_names.iter().enumerate().take(roles) {
            self.roles.push(Role { name: name.to_string(), members: vec![], vars: vec![], rules: vec![] });
            let _ = r;
        }
        let lone_names = ["A", "B", "C", "D", "E", "F"];
        let mut lone = 0;
        for _ in 0..n {
            // Most generals of a scenario with roles play one (with symmetry, all but one or
            // two, and at least two).
            let role = if self.sym {
                (self.generals.len() < 2 || !self.d.chance(25)).then_some(0)
            } else if roles > 0 && !self.d.chance(30) {
                Some(self.d.below(roles))
            } else {
                None
            };
            let name = match role {
                Some(r) => format!("{}{}", prefixes[r], self.roles[r].members.len() + 1),
                None => {
                    lone += 1;
                    lone_names[lone - 1].to_string()
                }
            };
            let g = self.generals.len();
            if let Some(r) = role {
                self.roles[r].members.push(g);
            }
            let alone = role.is_some() && !self.sym && self.d.chance(25);
            let label = self.d.chance(8).then(|| format!("General {name}"));
            self.generals.push(General { name, role, vars: vec![], rules: vec![], alone, label });
        }
        // Variables: the roles' and the lone generals' (a member may start from another value).
        let var_names = ["x", "y"];
        for r in 0..self.roles.len() {
            let vars = self.d.below(3);
            for name in var_names.iter().take(vars) {
                let init = self.var_init();
                self.roles[r].vars.push((name.to_string(), init));
            }
            for m in self.roles[r].members.clone() {
                if self.generals[m].alone && !self.roles[r].vars.is_empty() && self.d.chance(50) {
                    let init = self.var_init();
                    self.generals[m].vars.push((self.roles[r].vars[0].0.clone(), init));
                }
            }
        }
        for g in 0..self.n() {
            if self.generals[g].role.is_none() {
                let vars = if self.style == Style::Counter { 1 } else { self.d.below(3) };
                for name in var_names.iter().take(vars) {
                    let init = self.var_init();
                    self.generals[g].vars.push((name.to_string(), init));
                }
            }
        }
    }

    fn var_init(&mut self) -> i64 {
        match self.d.below(10) {
            0..=6 => self.d.range(0, 5),
            7 => -self.d.range(1, 3),
            8 => 1000 + 500 * self.d.range(0, 2),
            // More than 32 bits.
            _ => 5_000_000_000,
        }
    }

    /// The variables an owner's rules may use.
    fn vars_of(&self, owner: Owner) -> Vec<String> {
        match owner {
            Owner::Lone(g) => self.generals[g].vars.iter().map(|v| v.0.clone()).collect(),
            Owner::Role(r) => self.roles[r].vars.iter().map(|v| v.0.clone()).collect(),
            Owner::Member(g) => {
                let r = self.generals[g].role.expect("a member");
                self.roles[r].vars.iter().map(|v| v.0.clone()).collect()
            }
        }
    }

    fn ctx(&self, owner: Owner) -> Ctx {
        let mut ints: Vec<String> = self.int_params.iter().map(|p| p.0.clone()).collect();
        ints.extend(self.times.iter().map(|t| t.0.clone()));
        let vars = self.vars_of(owner);
        ints.extend(vars.iter().cloned());
        Ctx { ints, vars, runtime: true }
    }

    // ------------------------------------------------------------ names and targets

    /// The general an owner is, if one.
    fn me(owner: Owner) -> Option<usize> {
        match owner {
            Owner::Lone(g) | Owner::Member(g) => Some(g),
            Owner::Role(_) => None,
        }
    }

    /// One general, not the owner (for a role: any general). With symmetry, a general of
    /// no role, or a role when there is none other.
    fn other_general(&mut self, owner: Owner) -> String {
        let me = Self::me(owner);
        let others: Vec<usize> =
            (0..self.n()).filter(|g| Some(*g) != me && !(self.sym && self.generals[*g].role.is_some())).collect();
        if others.is_empty() {
            return if self.roles.is_empty() { "all".into() } else { self.roles[0].name.clone() };
        }
        let g = others[self.d.below(others.len())];
        self.generals[g].name.clone()
    }

    /// Whom to send to, or hear from: `all`, a role, one or two generals.
    fn targets(&mut self, owner: Owner) -> String {
        match self.d.below(6) {
            0 | 1 => "all".into(),
            2 if !self.roles.is_empty() => {
                let r = self.d.below(self.roles.len());
                self.roles[r].name.clone()
            }
            3 if (self.n() > 2 || Self::me(owner).is_none()) && !self.sym => {
                let a = self.other_general(owner);
                let b = self.other_general(owner);
                if a == b { a } else { format!("{a}, {b}") }
            }
            4 if !self.roles.is_empty() => {
                let r = self.d.below(self.roles.len());
                let g = self.other_general(owner);
                format!("{}, {g}", self.roles[r].name)
            }
            _ => self.other_general(owner),
        }
    }

    /// A general, for the statements of the environment (with symmetry, one of no role if
    /// there is one).
    fn some_general(&mut self) -> usize {
        let lone: Vec<usize> = (0..self.n()).filter(|g| self.generals[*g].role.is_none()).collect();
        if self.sym && !lone.is_empty() {
            return lone[self.d.below(lone.len())];
        }
        self.d.below(self.n())
    }

    // ------------------------------------------------------------ ticks and numbers

    /// A tick known before the run: a number, a time, a time plus a number.
    fn tick(&mut self) -> String {
        match self.d.below(6) {
            0..=2 => self.d.range(0, self.last as i64).to_string(),
            3 => "dawn".into(),
            4 if self.times.len() > 1 => "late".into(),
            _ => format!("dawn + {}", self.d.range(1, 2)),
        }
    }

    /// A tick at or after 1.
    fn later_tick(&mut self) -> String {
        match self.d.below(4) {
            0 | 1 => self.d.range(1, self.last as i64).to_string(),
            2 => "dawn".into(),
            _ => format!("dawn + {}", self.d.range(0, 2)),
        }
    }

    /// A pattern of a kind in use: `kind`, or `kind(args)` with `_`, numbers or names.
    fn pattern(&mut self, cx: &Ctx, binders: &mut Vec<String>) -> (usize, String) {
        let k = self.kinds[self.d.below(self.kinds.len())];
        let (text, arity) = KINDS[k];
        if arity == 0 || self.d.chance(40) {
            return (k, text.to_string());
        }
        let mut args = Vec::new();
        let mut bound_here = Vec::new();
        for _ in 0..arity {
            let a = match self.d.below(5) {
                0 => "_".to_string(),
                // In `on receive`: a fresh name binds the value.
                1 | 2 => match ["v", "w"].into_iter().find(|b| !binders.iter().chain(&bound_here).any(|x| x == b)) {
                    Some(b) => {
                        bound_here.push(b.to_string());
                        b.to_string()
                    }
                    None => "_".to_string(),
                },
                _ => operand(self.int_expr(cx, 0)),
            };
            args.push(a);
        }
        binders.extend(bound_here);
        (k, format!("{text}({})", args.join(", ")))
    }

    /// A pattern in an expression (no binders).
    fn pattern_expr(&mut self, cx: &Ctx) -> String {
        let k = self.kinds[self.d.below(self.kinds.len())];
        let (text, arity) = KINDS[k];
        if arity == 0 || !self.d.chance(30) {
            return text.to_string();
        }
        let args: Vec<String> =
            (0..arity).map(|_| if self.d.chance(50) { operand(self.int_expr(cx, 0)) } else { "_".into() }).collect();
        format!("{text}({})", args.join(", "))
    }

    // ------------------------------------------------------------ expressions

    fn int_expr(&mut self, cx: &Ctx, depth: u32) -> String {
        let choices = if depth == 0 { 4 } else { 12 };
        match self.d.below(choices) {
            0 => self.d.range(0, 4).to_string(),
            1 if !cx.ints.is_empty() => cx.ints[self.d.below(cx.ints.len())].clone(),
            1 => self.d.range(1, 3).to_string(),
            2 if cx.runtime => "now".into(),
            2 => "1".into(),
            3 if cx.runtime => self.count_expr(cx, depth),
            3 => "2".into(),
            4 | 5 => {
                let (a, b) = (self.int_expr(cx, depth - 1), self.int_expr(cx, depth - 1));
                let op = ["+", "-"][self.d.below(2)];
                format!("{} {op} {}", operand(a), operand(b))
            }
            6 => {
                let (a, b) = (self.int_expr(cx, depth - 1), self.int_expr(cx, depth - 1));
                format!("{} * {}", operand(a), operand(b))
            }
            7 => {
                // Mostly a divisor that cannot be zero; now and then one that can (a
                // division by zero in a run is an error every mode must report alike).
                let a = self.int_expr(cx, depth - 1);
                let b = if self.d.chance(15) { self.int_expr(cx, 0) } else { self.d.range(1, 3).to_string() };
                if b == "0" { format!("{} / 1", operand(a)) } else { format!("{} / {}", operand(a), operand(b)) }
            }
            8 => {
                let (a, b) = (self.int_expr(cx, depth - 1), self.int_expr(cx, depth - 1));
                let f = ["min", "max"][self.d.below(2)];
                // (Arguments in brackets: `from A, B` would take the comma.)
                format!("{f}({}, {})", operand(a), operand(b))
            }
            9 => format!("-{}", operand(self.int_expr(cx, depth - 1))),
            10 => format!("({})", self.int_expr(cx, depth - 1)),
            // Large numbers: more than 32 bits, and now and then an overflow.
            _ => ["4000000000", "9223372036854775807"][self.d.below(2)].to_string(),
        }
    }

    fn count_expr(&mut self, cx: &Ctx, depth: u32) -> String {
        let p = self.pattern_expr(cx);
        let mut s = format!("count received {p}");
        if self.d.chance(25) {
            // (Not `from all`: a count of every sender is `count received` alone.)
            let t = match self.targets(Owner::Role(usize::MAX)) {
                t if t == "all" => self.other_general(Owner::Role(usize::MAX)),
                t => t,
            };
            if t != "all" {
                let _ = write!(s, " from {t}");
            }
        }
        if self.d.chance(20) {
            let by = if depth > 0 && self.d.chance(30) { self.int_expr(cx, 0) } else { self.tick() };
            let _ = write!(s, " by {by}");
        }
        s
    }

    fn cond(&mut self, cx: &Ctx, owner: Owner, depth: u32) -> String {
        // Now and then what a variable holds (what the state key must keep).
        if !cx.vars.is_empty() && self.d.chance(20) {
            let v = &cx.vars[self.d.below(cx.vars.len())];
            let op = [">=", ">", "==", "<", "<=", "!="][self.d.below(6)];
            return format!("{v} {op} {}", self.d.range(0, 2));
        }
        let choices = if depth == 0 { 4 } else { 9 };
        match self.d.below(choices) {
            0 => {
                let p = self.pattern_expr(cx);
                let mut s = format!("received {p}");
                match self.d.below(6) {
                    0..=2 => {}
                    3 | 4 => {
                        let t = self.targets(owner);
                        let _ = write!(s, " from {t}");
                    }
                    _ => {
                        s.push_str(" from all");
                        if self.d.chance(50) {
                            let t = self.targets(owner);
                            let _ = write!(s, " {t}");
                        }
                    }
                }
                if self.d.chance(20) {
                    let by = self.tick();
                    let _ = write!(s, " by {by}");
                }
                s
            }
            1 => {
                // The lean form: a count against a number.
                let c = self.count_expr(cx, depth);
                let op = [">=", ">", "==", "<", "<=", "!=", "="][self.d.below(7)];
                format!("{c} {op} {}", self.d.range(0, 3))
            }
            2 => {
                let (a, b) = (self.int_expr(cx, depth.min(2)), self.int_expr(cx, depth.min(2)));
                let op = [">=", ">", "==", "<", "<=", "!=", "="][self.d.below(7)];
                format!("{} {op} {}", operand(a), operand(b))
            }
            3 => {
                let p = self.pattern_expr(cx);
                if self.d.chance(40) {
                    let t = self.targets(owner);
                    format!("sent {p} to {t}")
                } else {
                    format!("sent {p}")
                }
            }
            4 | 5 => {
                let (a, b) = (self.cond(cx, owner, depth - 1), self.cond(cx, owner, depth - 1));
                format!("{} and {}", operand(a), operand(b))
            }
            6 | 7 => {
                let (a, b) = (self.cond(cx, owner, depth - 1), self.cond(cx, owner, depth - 1));
                format!("{} or {}", operand(a), operand(b))
            }
            _ => format!("not {}", operand(self.cond(cx, owner, depth - 1))),
        }
    }

    // ------------------------------------------------------------ rules

    fn all_rules(&mut self) {
        for r in 0..self.roles.len() {
            let rules = self.rules(Owner::Role(r));
            self.roles[r].rules = rules;
        }
        for g in 0..self.n() {
            let owner = if self.generals[g].role.is_some() { Owner::Member(g) } else { Owner::Lone(g) };
            // A member's own rules now and then (then it is declared on its own).
            if matches!(owner, Owner::Member(_)) && !(self.generals[g].alone && self.d.chance(40)) {
                continue;
            }
            let rules = self.rules(owner);
            self.generals[g].rules = rules;
        }
        // Now and then a heartbeat that only variables count: `beat` is never read by a
        // condition, so what tells the states apart is the count alone.
        if self.style == Style::Counter || self.style == Style::Rich && self.d.chance(30) {
            let counters: Vec<Owner> = (0..self.roles.len())
                .map(Owner::Role)
                .chain((0..self.n()).filter(|g| self.generals[*g].role.is_none()).map(Owner::Lone))
                .filter(|o| !self.vars_of(*o).is_empty())
                .collect();
            if !counters.is_empty() {
                self.beat = true;
                let sent_at = if self.d.chance(50) { 0 } else { self.d.range(0, 2) };
                let beat = if sent_at == 0 && self.d.chance(50) {
                    "on start { send beat to all }".to_string()
                } else {
                    format!("at {sent_at} {{ send beat to all 2 times }}")
                };
                // Everyone beats, first thing (before a rule can crash it).
                for r in &mut self.roles {
                    r.rules.insert(0, beat.clone());
                }
                for g in self.generals.iter_mut().filter(|g| g.role.is_none()) {
                    g.rules.insert(0, beat.clone());
                }
                for o in counters {
                    let v = self.vars_of(o)[0].clone();
                    let init = match o {
                        Owner::Role(r) => self.roles[r].vars[0].1,
                        _ => self.generals[Self::me(o).expect("a general")].vars[0].1,
                    };
                    // The count decides first (a decision reading it, before the others,
                    // a few ticks after the beats arrive: in between, only the count tells
                    // the states apart).
                    let at = sent_at + 3;
                    let decide = if self.values {
                        format!("decide at {at}: commit {v}")
                    } else {
                        format!("decide at {at}: attack if {v} > {init}")
                    };
                    let receive = format!("on receive beat {{ set {v} = {v} + 1 }}");
                    let rules = match o {
                        Owner::Role(r) => &mut self.roles[r].rules,
                        _ => &mut self.generals[Self::me(o).expect("a general")].rules,
                    };
                    rules.insert(1, decide);
                    rules.push(receive);
                }
            }
        }
        // Every kind in use is sent somewhere (a kind checked but never sent can be an
        // error): the first owner of rules sends the missing ones at tick 1.
        for k in self.kinds.clone() {
            if !self.sent.contains(&k) {
                let owner = if self.roles.is_empty() { Owner::Lone(0) } else { Owner::Role(0) };
                let cx = self.ctx(owner);
                let send = self.send(&cx, owner, Some(k));
                let at = if self.style == Style::OneRound { 0 } else { 1 };
                let rule = format!("at {at} {{\n    {send}\n  }}");
                match owner {
                    Owner::Role(r) => self.roles[r].rules.push(rule),
                    _ => self.generals[0].rules.push(rule),
                }
            }
        }
    }

    /// A send action (of kind `kind`, or of one in use).
    fn send(&mut self, cx: &Ctx, owner: Owner, kind: Option<usize>) -> String {
        let k = kind.unwrap_or_else(|| self.kinds[self.d.below(self.kinds.len())]);
        self.sent.insert(k);
        let (text, arity) = KINDS[k];
        let mut s = format!("send {text}");
        if arity > 0 {
            let args: Vec<String> = (0..arity)
                .map(|_| match self.style {
                    // (Payloads known before the run: the sends of a one-round run are plain.)
                    Style::OneRound => self.d.range(0, 3).to_string(),
                    _ => operand(self.int_expr(cx, 1)),
                })
                .collect();
            let _ = write!(s, "({})", args.join(", "));
        }
        let to = if self.receiving && self.d.chance(75) {
            self.other_general(owner)
        } else if self.style == Style::OneRound && !self.d.chance(10) {
            "all".into()
        } else {
            self.targets(owner)
        };
        let _ = write!(s, " to {to}");
        match self.d.below(10) {
            _ if self.receiving || self.style == Style::OneRound => {}
            0..=6 => {}
            7 | 8 => {
                let _ = write!(s, " {} times", [2, 2, 3][self.d.below(3)]);
            }
            _ if !self.int_params.is_empty() => s.push_str(" k times"),
            _ => s.push_str(" 1 times"),
        }
        s
    }

    fn actions(&mut self, cx: &Ctx, owner: Owner, decides: bool) -> String {
        let n = 1 + self.d.below(2);
        let mut out = Vec::new();
        for _ in 0..n {
            let vars = self.vars_of(owner);
            let a = match self.d.below(12) {
                0..=5 => self.send(cx, owner, None),
                6 | 7 if !vars.is_empty() => {
                    let v = vars[self.d.below(vars.len())].clone();
                    let e = match self.d.below(3) {
                        0 => format!("{v} + 1"),
                        1 => self.d.range(0, 2).to_string(),
                        _ => self.int_expr(cx, 2),
                    };
                    format!("set {v} = {e}")
                }
                8 | 9 if decides && self.values => format!("commit {}", self.int_expr(cx, 1)),
                8 | 9 if decides => ["attack", "wait", "attack"][self.d.below(3)].to_string(),
                10 if self.d.chance(30) && self.style == Style::Rich => "crash".into(),
                _ => self.send(cx, owner, None),
            };
            out.push(a);
        }
        if out.len() == 1 && out[0].len() < 40 && self.d.chance(50) {
            format!("{{ {} }}", out[0])
        } else {
            format!("{{\n    {}\n  }}", out.join("\n    "))
        }
    }

    fn rules(&mut self, owner: Owner) -> Vec<String> {
        if self.style == Style::OneRound {
            return self.one_round_rules(owner);
        }
        if self.style == Style::Counter {
            // The heartbeats come in `all_rules`; now and then one more decision.
            let cx = self.ctx(owner);
            return if self.d.chance(30) { vec![self.decide(&cx, owner)] } else { Vec::new() };
        }
        let mut rules = Vec::new();
        let base = self.ctx(owner);
        let n = 1 + self.d.below(4);
        // The first owner starts things.
        let first = matches!(owner, Owner::Role(0)) || (self.roles.is_empty() && owner == Owner::Lone(0));
        if first {
            let a = self.actions(&base, owner, false);
            rules.push(format!("on start {a}"));
        }
        for _ in 0..n {
            let rule = match self.d.below(16) {
                0..=2 => {
                    let a = self.actions(&base, owner, false);
                    format!("on start {a}")
                }
                3..=6 if self.style == Style::Rich => {
                    let mut cx = base.clone();
                    let mut binders = Vec::new();
                    let (_, p) = self.pattern(&cx, &mut binders);
                    cx.ints.extend(binders);
                    let mut head = format!("on receive {p}");
                    if self.d.chance(30) {
                        let t = if self.d.chance(20) { "all".to_string() } else { self.targets(owner) };
                        let _ = write!(head, " from {t}");
                    }
                    if !self.sym && self.d.chance(30) {
                        let c = self.cond(&cx, owner, 1);
                        let _ = write!(head, " if {c}");
                    }
                    self.receiving = true;
                    let a = if self.sym {
                        // Receipts that commute: sends and attacks only.
                        let send = self.send(&cx, owner, None);
                        if !self.values && self.d.chance(30) {
                            format!("{{ {send}\n    attack }}")
                        } else {
                            format!("{{ {send} }}")
                        }
                    } else {
                        self.actions(&cx, owner, true)
                    };
                    self.receiving = false;
                    format!("{head} {a}")
                }
                7 => {
                    let t = self.tick();
                    let a = self.actions(&base, owner, true);
                    format!("at {t} {a}")
                }
                8 if self.horizon.is_some() => {
                    let p = if !self.int_params.is_empty() && self.d.chance(20) {
                        "k".to_string()
                    } else {
                        self.d.range(2, 4).to_string()
                    };
                    let until = if self.d.chance(60) {
                        format!(" until {}", self.cond(&base, owner, 1))
                    } else {
                        String::new()
                    };
                    let a = self.actions(&base, owner, false);
                    format!("every {p}{until} {a}")
                }
                9 | 10 if self.style == Style::Rich => {
                    let c = self.cond(&base, owner, 2);
                    let a = self.actions(&base, owner, true);
                    format!("when {c} {a}")
                }
                11 if self.recovers => {
                    let a = self.actions(&base, owner, false);
                    format!("on recover {a}")
                }
                _ => self.decide(&base, owner),
            };
            rules.push(rule);
        }
        // Nearly everyone decides at some point.
        if self.d.chance(95) {
            rules.push(self.decide(&base, owner));
        }
        rules
    }

    /// A one-round protocol: tick 0's rules each send one message known before the run;
    /// decisions read only what was heard (no `by`, no payload, no `sent`).
    fn one_round_rules(&mut self, owner: Owner) -> Vec<String> {
        let cx = self.ctx(owner);
        let mut rules = Vec::new();
        // (The first owner sends; the others now and then: with everyone sending to
        // everyone, the searches soon have too many states.)
        let first = matches!(owner, Owner::Role(0)) || (self.roles.is_empty() && owner == Owner::Lone(0));
        let sends = if first || self.d.chance(35) { 1 + self.d.below(2) } else { 0 };
        for _ in 0..sends {
            let send = self.send(&cx, owner, None);
            let head = if self.d.chance(25) { "at 0" } else { "on start" };
            rules.push(format!("{head} {{ {send} }}"));
        }
        for _ in 0..1 + self.d.below(2) {
            let t = self.later_tick();
            let c = self.heard_cond(owner, 2);
            rules.push(match self.d.below(10) {
                0..=6 if self.values => format!("decide at {t}: commit {} if {c}", self.d.range(1, 3)),
                7..=9 if self.values => format!("decide at {t}: commit {}", self.d.range(1, 3)),
                0..=6 => format!("decide at {t}: attack if {c}"),
                7 | 8 => format!("decide at {t}: attack"),
                _ => format!("decide at {t}: wait"),
            });
        }
        rules
    }

    /// A condition on what was heard alone: counts and `received`, compared, combined.
    fn heard_cond(&mut self, owner: Owner, depth: u32) -> String {
        let kind = |b: &mut Self| KINDS[b.kinds[b.d.below(b.kinds.len())]].0;
        let from = |b: &mut Self| -> String {
            if b.d.chance(25) {
                match b.targets(owner) {
                    t if t == "all" => String::new(),
                    t => format!(" from {t}"),
                }
            } else {
                String::new()
            }
        };
        match self.d.below(if depth == 0 { 3 } else { 6 }) {
            0 => {
                let (k, f) = (kind(self), from(self));
                let op = [">=", ">", "==", "<", "<=", "!="][self.d.below(6)];
                format!("count received {k}{f} {op} {}", self.d.range(0, 3))
            }
            1 => {
                let (k, f) = (kind(self), from(self));
                format!("received {k}{f}")
            }
            2 => {
                let (k, l) = (kind(self), kind(self));
                format!("count received {k} + 1 >= count received {l}")
            }
            3 => format!(
                "{} and {}",
                operand(self.heard_cond(owner, depth - 1)),
                operand(self.heard_cond(owner, depth - 1))
            ),
            4 => format!(
                "{} or {}",
                operand(self.heard_cond(owner, depth - 1)),
                operand(self.heard_cond(owner, depth - 1))
            ),
            _ => format!("not {}", operand(self.heard_cond(owner, depth - 1))),
        }
    }

    fn decide(&mut self, cx: &Ctx, owner: Owner) -> String {
        let t = self.later_tick();
        if self.values {
            let v = match self.d.below(4) {
                0 | 1 if !self.vars_of(owner).is_empty() => self.vars_of(owner)[0].clone(),
                _ => self.int_expr(cx, 1),
            };
            if self.d.chance(40) {
                let c = self.cond(cx, owner, 2);
                format!("decide at {t}: commit {v} if {c}")
            } else {
                format!("decide at {t}: commit {v}")
            }
        } else {
            match self.d.below(10) {
                0..=6 => {
                    let c = self.cond(cx, owner, 2);
                    format!("decide at {t}: attack if {c}")
                }
                7 | 8 => format!("decide at {t}: attack"),
                _ => format!("decide at {t}: wait"),
            }
        }
    }

    // ------------------------------------------------------------ channels

    /// Who an endpoint is: its generals and its rank (general 2, role 1, `*` 0).
    fn endpoint(&mut self) -> (String, Vec<usize>, u8) {
        match self.d.below(3) {
            0 => ("*".into(), (0..self.n()).collect(), 0),
            1 if !self.roles.is_empty() => {
                let r = self.d.below(self.roles.len());
                (self.roles[r].name.clone(), self.roles[r].members.clone(), 1)
            }
            _ => {
                let g = self.some_general();
                if self.sym && self.generals[g].role.is_some() {
                    return ("*".into(), (0..self.n()).collect(), 0);
                }
                (self.generals[g].name.clone(), vec![g], 2)
            }
        }
    }

    fn channel_props(&mut self) -> String {
        let mut props = Vec::new();
        match self.d.below(8) {
            0 | 1 => {}
            2 | 3 => props.push(format!("delay {}", self.d.range(1, 2))),
            4 | 5 => {
                let lo = self.d.range(1, 2);
                props.push(format!("delay {lo}..{}", lo + [1, 1, 2][self.d.below(3)]));
            }
            6 if self.horizon.is_some_and(|h| h <= 8) => props.push("delay any".into()),
            6 if !self.int_params.is_empty() => props.push("delay 1..k".into()),
            _ => props.push(format!("delay {}", self.d.range(1, 3))),
        }
        let losses = match self.d.below(10) {
            0..=2 => 0,
            3..=8 => 1,
            _ => 2,
        };
        // (A one-round run needs plain channels, mostly: one chance to lose, no duplicate.)
        let plain = self.style == Style::OneRound && !self.d.chance(15);
        for _ in 0..losses {
            let rule = if plain { PROBS[self.d.below(PROBS.len())].to_string() } else { self.loss_rule() };
            props.push(format!("lose {rule}"));
            if plain {
                break;
            }
        }
        if !plain && self.d.chance(12) {
            let p = if self.prob_params.contains(&"dup".to_string()) { "dup" } else { "1 in 3" };
            props.push(format!("duplicate {p}"));
        }
        if props.is_empty() {
            "{ }".into()
        } else if props.len() == 1 && self.d.chance(50) {
            format!("{{ {} }}", props[0])
        } else {
            format!("{{\n  {}\n}}", props.join("\n  "))
        }
    }

    fn loss_rule(&mut self) -> String {
        let kind = |b: &mut Self| KINDS[b.kinds[b.d.below(b.kinds.len())]].0;
        match self.d.below(20) {
            0..=5 => PROBS[self.d.below(PROBS.len())].to_string(),
            6 if !self.prob_params.is_empty() => "loss".into(),
            6 | 7 => format!("{} of {}", PROBS[self.d.below(7)], kind(self)),
            8 if self.prob_params.contains(&"loss".to_string()) => format!("loss of {}", kind(self)),
            8 | 9 => kind(self).to_string(),
            // (Rules that count messengers make the order of sends matter: not with symmetry.)
            10..=14 if self.sym => PROBS[self.d.below(PROBS.len())].to_string(),
            10 => format!("messenger {}", self.d.range(1, 3)),
            11 => format!("messengers 1, {}..{}", self.d.range(2, 3), self.d.range(3, 5)),
            12 => ["every 2nd", "every 3rd", "every 1st", "every 4th"][self.d.below(4)].into(),
            13 => format!("first {}", self.d.range(1, 2)),
            14 => format!("after {}", self.d.range(0, 3)),
            15 => {
                let a = self.d.range(0, self.last as i64);
                format!("from {a} to {}", a + self.d.range(0, 3))
            }
            16 if self.d.chance(30) => "all".into(),
            _ => PROBS[self.d.below(7)].to_string(),
        }
    }

    fn channels(&mut self) -> String {
        let mut out = String::new();
        let n = self.n();
        // Which declaration rank covers each ordered pair, one per rank.
        let mut covered = vec![[false; 5]; n * n];
        let base = if self.d.chance(80) { "* <-> *" } else { "* -> *" };
        let mut props = self.channel_props();
        if self.beat {
            // (Beats lost or not: the counts differ from run to run.)
            if let Some(rest) = props.strip_prefix('{') {
                props = format!("{{\n  lose 1 in 3 of beat\n  {}", rest.trim_start());
            }
        }
        let _ = writeln!(out, "channel {base} {props}");
        for c in covered.iter_mut() {
            c[0] = true;
        }
        for _ in 0..self.d.below(4) {
            let (a, ga, ra) = self.endpoint();
            let (b, gb, rb) = self.endpoint();
            let both = self.d.chance(50);
            if a == "*" && b == "*" || ra == 2 && rb == 2 && a == b {
                continue;
            }
            let rank = (ra + rb) as usize;
            let mut pairs = Vec::new();
            for &x in &ga {
                for &y in &gb {
                    if x != y {
                        pairs.push((x, y));
                        if both {
                            pairs.push((y, x));
                        }
                    }
                }
            }
            if pairs.iter().any(|&(x, y)| covered[x * n + y][rank]) {
                continue;
            }
            for (x, y) in pairs {
                covered[x * n + y][rank] = true;
            }
            let props = self.channel_props();
            let arrow = if both { "<->" } else { "->" };
            let _ = writeln!(out, "channel {a} {arrow} {b} {props}");
        }
        out
    }

    // ------------------------------------------------------------ declarations

    fn declarations(&mut self) -> String {
        let mut out = String::new();
        let var_lines = |vars: &[(String, i64)]| -> Vec<String> {
            vars.iter().map(|(name, init)| format!("var {name} = {init}")).collect()
        };
        for r in &self.roles {
            let mut body = var_lines(&r.vars);
            body.extend(r.rules.iter().cloned());
            let _ = writeln!(out, "role {} {{\n  {}\n}}", r.name, body.join("\n  "));
        }
        // Role members: those in lists first (a range `P1..P3` when they are consecutive),
        // then those declared on their own; lone generals in order.
        for (ri, r) in self.roles.iter().enumerate() {
            let listed: Vec<&General> = r.members.iter().map(|&g| &self.generals[g]).filter(|g| !g.alone).collect();
            if !listed.is_empty() {
                let names: Vec<&str> = listed.iter().map(|g| g.name.as_str()).collect();
                let consecutive = names.iter().enumerate().all(|(i, n)| n[1..] == (i + 1).to_string());
                let list = if consecutive && names.len() > 1 && ri % 2 == 0 {
                    format!("{}..{}", names[0], names[names.len() - 1])
                } else {
                    names.join(", ")
                };
                let _ = writeln!(out, "generals {list} are {}", r.name);
            }
        }
        for g in &self.generals {
            if g.role.is_some() && !g.alone {
                continue;
            }
            let mut body = var_lines(&g.vars);
            body.extend(g.rules.iter().cloned());
            let label = g.label.as_ref().map(|l| format!(" \"{l}\"")).unwrap_or_default();
            let role = g.role.map(|r| format!(" is {}", self.roles[r].name)).unwrap_or_default();
            if body.is_empty() {
                let _ = writeln!(out, "general {}{label}{role} {{ }}", g.name);
            } else {
                let _ = writeln!(out, "general {}{label}{role} {{\n  {}\n}}", g.name, body.join("\n  "));
            }
        }
        out
    }

    fn environment(&mut self) -> String {
        let mut out = String::new();
        let n = self.n();
        if !self.sym && self.style != Style::OneRound && self.d.chance(20) {
            // Two sides, each not empty.
            let mut side = vec![0; n];
            for s in side.iter_mut() {
                *s = self.d.below(3);
            }
            side[0] = 1;
            side[n - 1] = 2;
            let names = |k: usize| -> Vec<String> {
                (0..n).filter(|g| side[*g] == k).map(|g| self.generals[g].name.clone()).collect()
            };
            let (a, b) = (names(1).join(", "), names(2).join(", "));
            let window = if self.d.chance(60) {
                let from = self.d.range(0, 2);
                format!(" from {from} to {}", from + self.d.range(0, 4))
            } else {
                String::new()
            };
            let _ = writeln!(out, "partition {a} | {b}{window}");
        }
        if self.style != Style::Rich {
            return out;
        }
        if self.d.chance(20) {
            let g = self.some_general();
            let at = self.d.range(0, self.last as i64);
            let _ = writeln!(out, "crash {} at {at}", self.generals[g].name);
            if self.d.chance(50) {
                self.recovers = true;
                let back = at + self.d.range(0, 3);
                let _ = writeln!(out, "recover {} at {back}", self.generals[g].name);
            }
        }
        if self.d.chance(5) {
            // Recovering a general that is up does nothing.
            self.recovers = true;
            let g = self.some_general();
            let _ = writeln!(out, "recover {} at {}", self.generals[g].name, self.d.range(1, 3));
        }
        if self.d.chance(15) {
            let count = self.d.range(1, 2.min(n as i64));
            let mut targets: Vec<String> = Vec::new();
            if !self.roles.is_empty() && self.d.chance(30) && !self.sym {
                targets.push(self.roles[0].name.clone());
            }
            for _ in 0..1 + self.d.below(2) {
                let g = self.some_general();
                targets.push(self.generals[g].name.clone());
            }
            targets.dedup();
            let window = if self.horizon.is_none() || self.d.chance(70) {
                let from = self.d.range(0, 2);
                format!(" from {from} to {}", from + self.d.range(0, 2))
            } else {
                String::new()
            };
            let _ = writeln!(out, "crash any {count} of {}{window}", targets.join(", "));
        }
        out
    }

    fn expects(&mut self) -> String {
        if !self.d.chance(10) {
            return String::new();
        }
        let g = self.some_general();
        let name = self.generals[g].name.clone();
        let outcomes: &[&str] = if self.values {
            &["agreement", "disagreement", "undecided"]
        } else {
            &["victory", "defeat", "no-attack", "undecided"]
        };
        let o = outcomes[self.d.below(outcomes.len())];
        match self.d.below(5) {
            0 => format!("expect possible {o}\n"),
            1 => format!("expect never {o}\n"),
            2 => format!("expect probability {o} >= 50%\n"),
            3 => format!("expect seed 3: {o} hint \"a hint\"\n"),
            _ if self.values => format!("expect {name} commits 1\n"),
            _ => format!("expect {name} attacks\n"),
        }
    }
}
