//! The abstract syntax tree: what the file says, every node with its span, no logic.

use crate::diag::Span;

/// A name as written, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A value with the span it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// A parsed scenario file.
#[derive(Debug, Clone, Default)]
pub struct File {
    pub stmts: Vec<Stmt>,
}

/// A top-level statement.
#[derive(Debug, Clone)]
pub enum Stmt {
    Scenario(Spanned<String>),
    About(Spanned<String>),
    Seed(Spanned<u64>),
    Horizon(Spanned<u64>),
    Time { name: Ident, value: Expr },
    Param { name: Ident, value: ParamValue },
    General(GeneralDecl),
    Generals { names: Vec<NameItem>, role: Option<Ident>, span: Span },
    Role { name: Ident, rules: Vec<RuleDecl>, span: Span },
    Channel(ChannelDecl),
    Partition { a: Vec<Target>, b: Vec<Target>, window: Option<Window>, span: Span },
    Crash { who: Ident, at: Expr, span: Span },
    CrashAny { count: Expr, of: Vec<Target>, window: Option<Window>, span: Span },
    Recover { who: Ident, at: Expr, span: Span },
    Victory { at_least: Option<Expr>, span: Span },
    Expect(Expect),
}

/// `general NAME ["LABEL"] [is ROLE] { RULES }`
#[derive(Debug, Clone)]
pub struct GeneralDecl {
    pub name: Ident,
    pub label: Option<Spanned<String>>,
    pub role: Option<Ident>,
    pub rules: Vec<RuleDecl>,
    pub span: Span,
}

/// One item of `generals A, G1..G5`.
#[derive(Debug, Clone)]
pub struct NameItem {
    pub first: Ident,
    pub last: Option<Ident>,
    pub span: Span,
}

/// `from T to T`
#[derive(Debug, Clone)]
pub struct Window {
    pub from: Expr,
    pub to: Expr,
    pub span: Span,
}

/// The value of a `param`: a probability literal or an expression.
#[derive(Debug, Clone)]
pub enum ParamValue {
    Prob(Spanned<ProbLit>),
    Expr(Expr),
}

/// A probability as written: exact numerator and denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProbLit {
    pub num: u128,
    pub den: u128,
}

/// `channel X -> Y { ... }` or `X <-> Y`.
#[derive(Debug, Clone)]
pub struct ChannelDecl {
    pub from: Endpoint,
    pub to: Endpoint,
    pub both_ways: bool,
    pub props: Vec<ChannelProp>,
    pub span: Span,
}

/// One end of a channel declaration.
#[derive(Debug, Clone)]
pub enum Endpoint {
    Any(Span),
    Named(Ident),
}

/// A probability written as a literal or as a param name.
#[derive(Debug, Clone)]
pub enum Probability {
    Lit(Spanned<ProbLit>),
    Name(Ident),
}

/// A channel property.
#[derive(Debug, Clone)]
pub enum ChannelProp {
    Delay { lo: Expr, hi: Option<Expr>, span: Span },
    DelayAny { span: Span },
    Duplicate { p: Probability, span: Span },
    Lose { rule: LossRule, span: Span },
}

/// A loss rule, as written.
#[derive(Debug, Clone)]
pub enum LossRule {
    All,
    Numbers(Vec<NumberItem>),
    Every(Spanned<u64>),
    First(Expr),
    After(Expr),
    Window(Expr, Expr),
    Chance {
        p: Spanned<ProbLit>,
        kind: Option<Kind>,
    },
    /// `lose NAME [of KIND]`: a param (probability) or a kind; resolved by the checker.
    Name {
        name: Ident,
        kind: Option<Kind>,
    },
    Kind(Kind),
}

/// `3` or `3..5` in `lose messengers`.
#[derive(Debug, Clone)]
pub struct NumberItem {
    pub lo: Expr,
    pub hi: Option<Expr>,
    pub span: Span,
}

/// A message kind: a name or a string.
#[derive(Debug, Clone)]
pub struct Kind {
    pub name: String,
    pub quoted: bool,
    pub span: Span,
}

/// A rule inside `general` or `role`.
#[derive(Debug, Clone)]
pub struct RuleDecl {
    pub kind: RuleKind,
    pub span: Span,
    /// Span of the rule's head (up to its actions), used to name it.
    pub head: Span,
}

/// The forms of a rule.
#[derive(Debug, Clone)]
pub enum RuleKind {
    Start(Vec<Action>),
    Recover(Vec<Action>),
    Receive { pattern: Pattern, from: Option<Vec<Target>>, guard: Option<Expr>, actions: Vec<Action> },
    At { at: Expr, actions: Vec<Action> },
    Every { period: Expr, until: Option<Expr>, actions: Vec<Action> },
    When { cond: Expr, actions: Vec<Action> },
    Decide { at: Expr, decision: DecideForm },
    Var { name: Ident, init: Expr },
}

/// What a `decide at T:` rule decides.
#[derive(Debug, Clone)]
pub enum DecideForm {
    Attack { guard: Option<Expr>, span: Span },
    Wait { span: Span },
    Commit { value: Expr, guard: Option<Expr>, span: Span },
}

/// An action.
#[derive(Debug, Clone)]
pub enum Action {
    Send { msg: Message, to: Vec<Target>, copies: Option<Expr>, span: Span },
    Attack(Span),
    Wait(Span),
    Crash(Span),
    Set { name: Ident, value: Expr, span: Span },
    Commit { value: Expr, span: Span },
}

/// A general, a role or `all`.
#[derive(Debug, Clone)]
pub enum Target {
    All(Span),
    Name(Ident),
}

impl Target {
    /// Where the target was written.
    pub fn span(&self) -> Span {
        match self {
            Target::All(s) => *s,
            Target::Name(i) => i.span,
        }
    }
}

/// A message to send: kind and payload.
#[derive(Debug, Clone)]
pub struct Message {
    pub kind: Kind,
    pub args: Vec<Expr>,
    pub span: Span,
}

/// A message pattern: kind and payload patterns.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub kind: Kind,
    pub args: Vec<PatternArg>,
    pub span: Span,
}

/// One payload pattern.
#[derive(Debug, Clone)]
pub enum PatternArg {
    Wildcard(Span),
    Expr(Expr),
}

/// Whom a knowledge expression asks about.
#[derive(Debug, Clone)]
pub enum SenderFilter {
    /// `from A, B`: from any of them.
    Any(Vec<Target>),
    /// `from all [TARGETS]`: from each of them.
    Each(Option<Vec<Target>>, Span),
}

/// An expression.
#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

/// The forms of an expression.
#[derive(Debug, Clone)]
pub enum ExprKind {
    Int(i64),
    Prob(ProbLit),
    Str(String),
    Name(String),
    Now,
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    MinMax { max: bool, a: Box<Expr>, b: Box<Expr> },
    Received { pattern: Pattern, from: Option<SenderFilter>, by: Option<Box<Expr>> },
    Count { pattern: Pattern, from: Option<SenderFilter>, by: Option<Box<Expr>> },
    Sent { pattern: Pattern, to: Option<Vec<Target>> },
}

fn pattern_args(p: &Pattern) -> Vec<&Expr> {
    p.args
        .iter()
        .filter_map(|a| match a {
            PatternArg::Expr(e) => Some(e),
            PatternArg::Wildcard(_) => None,
        })
        .collect()
}

impl Expr {
    /// The expressions directly inside this one (payload patterns included).
    pub fn children(&self) -> Vec<&Expr> {
        match &self.kind {
            ExprKind::Int(_) | ExprKind::Prob(_) | ExprKind::Str(_) | ExprKind::Name(_) | ExprKind::Now => vec![],
            ExprKind::Neg(a) | ExprKind::Not(a) => vec![a],
            ExprKind::Binary(_, a, b) | ExprKind::MinMax { a, b, .. } => vec![a, b],
            ExprKind::Received { pattern, by, .. } | ExprKind::Count { pattern, by, .. } => {
                let mut out = pattern_args(pattern);
                out.extend(by.as_deref());
                out
            }
            ExprKind::Sent { pattern, .. } => pattern_args(pattern),
        }
    }

    /// How deep this expression's tree is (a leaf is 1), found without recursion.
    pub fn depth(&self) -> usize {
        let mut deepest = 0;
        let mut stack = vec![(self, 1)];
        while let Some((e, d)) = stack.pop() {
            deepest = deepest.max(d);
            stack.extend(e.children().into_iter().map(|c| (c, d + 1)));
        }
        deepest
    }
}

/// Binary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }
}

/// An `expect` statement.
#[derive(Debug, Clone)]
pub struct Expect {
    pub seed: Option<Spanned<u64>>,
    pub what: Expectation,
    pub hint: Option<Spanned<String>>,
    pub span: Span,
}

/// What is expected.
#[derive(Debug, Clone)]
pub enum Expectation {
    Outcome(Spanned<Outcome>),
    General(GeneralEvent),
    Probability { event: Event, op: Spanned<BinOp>, p: Spanned<ProbLit>, tolerance: Option<Spanned<ProbLit>> },
    Possible(Event),
    Never(Event),
}

/// An outcome of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Victory,
    Defeat,
    NoAttack,
    Agreement,
    Disagreement,
    Undecided,
}

impl Outcome {
    /// The outcome as written in the language.
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Victory => "victory",
            Outcome::Defeat => "defeat",
            Outcome::NoAttack => "no-attack",
            Outcome::Agreement => "agreement",
            Outcome::Disagreement => "disagreement",
            Outcome::Undecided => "undecided",
        }
    }
}

/// An event an expectation is about.
#[derive(Debug, Clone)]
pub enum Event {
    Outcome(Spanned<Outcome>),
    General(GeneralEvent),
}

/// `A attacks`, `A commits 1000`, ...
#[derive(Debug, Clone)]
pub struct GeneralEvent {
    pub general: Ident,
    pub what: GeneralFate,
    pub span: Span,
}

/// What a general did.
#[derive(Debug, Clone)]
pub enum GeneralFate {
    Attacks,
    Waits,
    Undecided,
    Crashes,
    Commits(Expr),
}
