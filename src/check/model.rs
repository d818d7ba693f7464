//! The resolved form of a scenario: names turned into indices, constants folded,
//! probabilities exact. The interpreter runs this, never the AST.

use crate::diag::Span;
use crate::syntax::ast::{BinOp, Expect};

/// Index of a general.
pub type GenId = u16;
/// Index of a message kind.
pub type KindId = u32;
/// Index of a rule in [`Model::rules`].
pub type RuleId = u32;
/// Index of a channel in [`Model::channels`].
pub type ChanId = u32;

/// Most payload values one message carries.
pub const MAX_ARGS: usize = 4;
/// Most generals in one scenario.
pub const MAX_GENERALS: usize = 256;

/// An exact probability, with the threshold a 64-bit draw is compared against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Prob {
    pub num: u64,
    pub den: u64,
    /// `floor(num * 2^64 / den)`: a draw `d` means "happens" when `d < threshold`.
    pub threshold: u128,
}

impl Prob {
    /// The probability `num / den`, reduced. `num <= den`, `den > 0`.
    pub fn new(num: u64, den: u64) -> Prob {
        let g = gcd(num, den).max(1);
        let (num, den) = (num / g, den / g);
        Prob { num, den, threshold: ((num as u128) << 64) / den as u128 }
    }

    /// As a float.
    pub fn as_f64(&self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// Certain.
    pub fn is_one(&self) -> bool {
        self.num == self.den
    }

    /// Written as a percentage (`50%`, `33.33%`).
    pub fn percent(&self) -> String {
        self.to_string()
    }
}

/// A probability is written as a percentage (`50%`, `33.33%`).
impl std::fmt::Display for Prob {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::percent::percent(self.as_f64()))
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// The static type of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ty {
    Int,
    Str,
    Bool,
}

impl Ty {
    /// Name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Ty::Int => "a number",
            Ty::Str => "a string",
            Ty::Bool => "a condition",
        }
    }
}

/// A payload: up to [`MAX_ARGS`] values (strings are interned, booleans 0/1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Args {
    pub len: u8,
    pub vals: [i64; MAX_ARGS],
}

impl Args {
    /// The values.
    pub fn as_slice(&self) -> &[i64] {
        &self.vals[..self.len as usize]
    }
}

/// A message: its kind and payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Msg {
    pub kind: KindId,
    pub args: Args,
}

/// A checked scenario, ready to run.
#[derive(Debug, Clone)]
pub struct Model {
    pub title: Option<String>,
    pub about: Option<String>,
    pub seed: u64,
    pub horizon: u32,
    pub generals: Vec<General>,
    pub roles: Vec<Role>,
    pub kinds: Vec<KindInfo>,
    /// Interned string values.
    pub strings: Vec<String>,
    pub channels: Vec<Channel>,
    /// `chan_of[from * n + to]`: the channel between two generals, if any.
    pub chan_of: Vec<Option<ChanId>>,
    pub rules: Vec<Rule>,
    /// What each rule reads of a run, by rule (see [`super::reads`]).
    pub reads: Vec<super::Reads>,
    pub partitions: Vec<Partition>,
    /// Scheduled crashes, sorted by tick.
    pub crashes: Vec<Crash>,
    /// `crash any N of TARGETS [from T to T]`: crashes chosen at random or by the adversary.
    pub crash_any: Vec<CrashAny>,
    /// Victory when at least this many attack.
    pub victory_at_least: usize,
    /// True when some decision commits a value (a value scenario).
    pub values: bool,
    /// True when some `when` condition reads `now` (it must be evaluated every tick).
    pub when_reads_now: bool,
    pub params: Vec<ParamInfo>,
    pub times: Vec<(String, i64)>,
    pub expects: Vec<Expect>,
}

impl Model {
    /// The channel from `a` to `b`.
    #[inline]
    pub fn chan(&self, a: GenId, b: GenId) -> Option<ChanId> {
        self.chan_of[a as usize * self.generals.len() + b as usize]
    }

    /// The name of a general.
    pub fn name(&self, g: GenId) -> &str {
        &self.generals[g as usize].name
    }

    /// A message as written: `ack(3)`, `"attack at dawn"`.
    pub fn show_msg(&self, m: &Msg) -> String {
        let k = &self.kinds[m.kind as usize];
        let mut s = if k.quoted { format!("{:?}", k.name) } else { k.name.clone() };
        if m.args.len > 0 {
            let vals: Vec<String> = m
                .args
                .as_slice()
                .iter()
                .enumerate()
                .map(|(i, v)| self.show_value(*v, k.arg_types.get(i).copied()))
                .collect();
            s.push('(');
            s.push_str(&vals.join(", "));
            s.push(')');
        }
        s
    }

    /// A kind as written: `ack`, `"attack at dawn"`.
    pub fn show_kind(&self, k: KindId) -> String {
        let k = &self.kinds[k as usize];
        if k.quoted { format!("{:?}", k.name) } else { k.name.clone() }
    }

    /// A value as written.
    pub fn show_value(&self, v: i64, ty: Option<Ty>) -> String {
        match ty {
            Some(Ty::Str) => format!("{:?}", self.strings.get(v as usize).map(String::as_str).unwrap_or("?")),
            Some(Ty::Bool) => (if v != 0 { "true" } else { "false" }).to_string(),
            _ => v.to_string(),
        }
    }

    /// A channel as written: `A -> B`.
    pub fn show_chan(&self, c: ChanId) -> String {
        let ch = &self.channels[c as usize];
        format!("{} -> {}", self.name(ch.from), self.name(ch.to))
    }
}

/// A param, after overrides.
#[derive(Debug, Clone)]
pub struct ParamInfo {
    pub name: String,
    pub value: ParamVal,
    pub span: Span,
}

/// The value of a param.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamVal {
    Int(i64),
    Str(String),
    Prob(Prob),
}

/// A message kind, with the payload its sends carry.
#[derive(Debug, Clone)]
pub struct KindInfo {
    pub name: String,
    pub quoted: bool,
    pub arg_types: Vec<Ty>,
}

/// A general.
#[derive(Debug, Clone)]
pub struct General {
    pub name: String,
    pub label: Option<String>,
    pub role: Option<usize>,
    pub span: Span,
    /// Rules by trigger, each list in written order.
    pub on_start: Vec<RuleId>,
    pub on_recover: Vec<RuleId>,
    pub on_receive: Vec<RuleId>,
    pub timed: Vec<RuleId>,
    pub when: Vec<RuleId>,
    pub decide: Vec<RuleId>,
    /// Variables: name, type and initial value.
    pub vars: Vec<Var>,
}

/// A variable of a general.
#[derive(Debug, Clone)]
pub struct Var {
    pub name: String,
    pub ty: Ty,
    pub init: i64,
    pub span: Span,
}

/// A role: shared behaviour, and the set of generals that play it.
#[derive(Debug, Clone)]
pub struct Role {
    pub name: String,
    pub members: Vec<GenId>,
    pub span: Span,
}

/// A directed channel between two generals.
#[derive(Debug, Clone)]
pub struct Channel {
    pub from: GenId,
    pub to: GenId,
    pub delay_lo: u32,
    pub delay_hi: u32,
    pub duplicate: Option<Prob>,
    pub losses: Vec<Loss>,
    /// The `channel` statement this comes from.
    pub span: Span,
    pub line: u32,
}

/// A loss rule of a channel.
#[derive(Debug, Clone)]
pub struct Loss {
    pub kind: LossKind,
    pub span: Span,
    pub line: u32,
    /// As written: `lose 50%`.
    pub text: String,
}

/// What a loss rule captures.
#[derive(Debug, Clone)]
pub enum LossKind {
    /// Every messenger.
    All,
    /// Messengers with these numbers on the channel (inclusive ranges).
    Numbers(Vec<(u64, u64)>),
    /// Every Nth messenger.
    Every(u64),
    /// The first N.
    First(u64),
    /// All but the first N.
    After(u64),
    /// Those sent in `from..=to`.
    Window(u32, u32),
    /// Each with probability p, only those of a kind if given.
    Chance { p: Prob, kind: Option<KindId> },
    /// Every messenger of a kind.
    Kind(KindId),
}

impl LossKind {
    /// True for rules that draw from the random stream.
    pub fn is_random(&self) -> bool {
        match self {
            LossKind::Chance { .. } => true,
            LossKind::All
            | LossKind::Numbers(_)
            | LossKind::Every(_)
            | LossKind::First(_)
            | LossKind::After(_)
            | LossKind::Window(..)
            | LossKind::Kind(_) => false,
        }
    }

    /// True for rules that count their channel's messengers (its counter is then part
    /// of a run's state).
    pub fn counts(&self) -> bool {
        match self {
            LossKind::Numbers(_) | LossKind::Every(_) | LossKind::First(_) | LossKind::After(_) => true,
            LossKind::All | LossKind::Window(..) | LossKind::Chance { .. } | LossKind::Kind(_) => false,
        }
    }
}

/// A partition: messengers crossing the cut, sent in the window, are captured.
#[derive(Debug, Clone)]
pub struct Partition {
    pub side_a: Vec<bool>,
    pub side_b: Vec<bool>,
    pub from: u32,
    pub to: u32,
    pub span: Span,
    pub line: u32,
}

/// A scheduled crash.
#[derive(Debug, Clone)]
pub struct Crash {
    pub general: GenId,
    pub at: u32,
    pub span: Span,
    pub line: u32,
    /// `recover G at T` rather than `crash G at T`.
    pub recover: bool,
}

/// `crash any N of TARGETS from T to T`: at each tick of the window, each target still up
/// crashes with probability `p` (1 / (ticks in the window + 1)), until `n` have crashed.
#[derive(Debug, Clone)]
pub struct CrashAny {
    pub n: u32,
    pub targets: Vec<GenId>,
    pub from: u32,
    pub to: u32,
    pub p: Prob,
    pub text: String,
    pub span: Span,
    pub line: u32,
}

/// A rule of one general (role rules are instantiated for each member).
#[derive(Debug, Clone)]
pub struct Rule {
    pub owner: GenId,
    pub trigger: Trigger,
    pub actions: Vec<Action>,
    pub span: Span,
    pub line: u32,
    /// The rule's head as written: `on receive ack from B`.
    pub text: String,
    /// Number of local slots (payload binders).
    pub locals: u8,
}

/// What makes a rule fire.
#[derive(Debug, Clone)]
pub enum Trigger {
    Start,
    /// `on recover`: when the general comes back after a crash.
    Recover,
    Receive {
        pattern: Pattern,
        from: Option<Vec<GenId>>,
        guard: Option<Expr>,
    },
    At(u32),
    Every {
        period: u32,
        until: Option<Expr>,
    },
    When(Expr),
    Decide {
        at: u32,
        what: DecideWhat,
    },
}

/// What a `decide at` rule decides.
#[derive(Debug, Clone)]
pub enum DecideWhat {
    Attack(Option<Expr>),
    Wait,
    Commit(Expr, Option<Expr>),
}

/// An action.
#[derive(Debug, Clone)]
pub enum Action {
    Send { kind: KindId, args: Vec<Expr>, to: Vec<GenId>, copies: Option<Expr>, span: Span },
    Attack(Span),
    Wait(Span),
    Crash(Span),
    Set { var: u16, value: Expr, span: Span },
    Commit { value: Expr, span: Span },
}

/// A message pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub kind: KindId,
    /// Empty: any payload.
    pub args: Vec<PatArg>,
}

/// A payload pattern.
#[derive(Debug, Clone)]
pub enum PatArg {
    Any,
    /// Binds the value to a local slot.
    Bind(u8),
    /// Matches a value.
    Eq(Expr),
}

/// Whose messengers a knowledge expression counts.
#[derive(Debug, Clone)]
pub enum Senders {
    /// From anyone (`None`) or any of these.
    Any(Option<Vec<GenId>>),
    /// One from each of these.
    Each(Vec<GenId>),
}

/// A resolved expression.
#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Ty,
    pub span: Span,
}

/// The forms of a resolved expression.
#[derive(Debug, Clone)]
pub enum ExprKind {
    Const(i64),
    Now,
    Local(u8),
    Var(u16),
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    MinMax { max: bool, a: Box<Expr>, b: Box<Expr> },
    Received { pattern: Pattern, from: Senders, by: Option<Box<Expr>> },
    Count { pattern: Pattern, from: Option<Vec<GenId>>, by: Option<Box<Expr>> },
    Sent { pattern: Pattern, to: Option<Vec<GenId>> },
}
