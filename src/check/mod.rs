//! The checker: resolves every name to an index, folds constants, checks types and
//! ranges, and reports every problem at once; the result is a [`Model`].

mod actions;
mod channels;
mod consts;
mod environment;
mod exprs;
mod generals;
mod header;
mod kinds;
pub mod model;
pub mod reads;
mod rules;
pub mod visit;
mod warn;

use std::collections::HashMap;

pub(crate) use consts::fold;
pub use model::*;
pub use reads::{By, ReadPattern, Reads};

use crate::diag::{Code, Diag, Span, did_you_mean, line_col};
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
    /// A param or time whose value has an error (reported): its uses say nothing more.
    Broken,
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
    /// Generals a rule that could decide was dropped from, by an error already reported
    /// (or a second declaration's): whether they can decide is not known.
    decisions_dropped: std::collections::HashSet<GenId>,
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
            decisions_dropped: std::collections::HashSet::new(),
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
            // Declarations that all failed (`generals G5..G1`) have said why already.
            if !self.diags.iter().any(Diag::is_error) {
                let span = Span::new(0, 0);
                self.err(
                    Diag::error(Code::CheckNoGenerals, "this scenario has no generals", span, "nothing to run")
                        .with_help("declare some: 'general A { ... }' or 'generals A, B'"),
                );
            }
            return;
        }
        self.infer_kinds(file);
        self.channels_pass(file);
        self.rules_pass(file);
        self.environment_pass(file);
        self.warnings_pass(file);
    }
}
