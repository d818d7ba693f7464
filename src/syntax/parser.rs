//! Binds the pest grammar: one `parse_<rule>` function per grammar rule, building the AST.

use pest::Parser as _;
use pest::iterators::Pair;

use super::ast::*;
use crate::diag::{Diag, Span};

/// The pest parser generated from `grammar/herald.pest`.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/herald.pest"]
pub struct HeraldParser;

type P<'a> = Pair<'a, Rule>;

/// The children of a pair, without the punctuation rules that exist only for error messages.
fn inner<'a>(p: P<'a>) -> impl Iterator<Item = P<'a>> {
    p.into_inner().filter(|q| !matches!(q.as_rule(), Rule::colon | Rule::equals | Rule::lbrace | Rule::rbrace))
}

/// Deepest expression tree accepted: later passes (checking, evaluating) recurse on it.
pub const MAX_EXPR_DEPTH: usize = 200;

/// Errors found while building the AST (numbers out of range, ...).
#[derive(Default)]
pub struct Builder {
    pub diags: Vec<Diag>,
}

/// A pair's span, without the whitespace and comments pest may leave at its end
/// (an optional part that failed after the whitespace before it was skipped).
fn span(p: &P) -> Span {
    let s = p.as_span();
    Span::new(s.start(), s.start() + trimmed_len(s.as_str()))
}

/// The length of `text` without trailing whitespace and comments.
fn trimmed_len(text: &str) -> usize {
    let mut t = text.trim_end();
    loop {
        let line_start = t.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let mut in_string = false;
        let mut escaped = false;
        let mut cut = None;
        for (i, c) in t[line_start..].char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '#' if !in_string => {
                    cut = Some(line_start + i);
                    break;
                }
                _ => {}
            }
        }
        match cut {
            Some(c) => t = t[..c].trim_end(),
            None => return t.len(),
        }
    }
}

fn ident(p: P) -> Ident {
    Ident { name: p.as_str().to_string(), span: span(&p) }
}

fn unescape(quoted: &str) -> String {
    let inner = &quoted[1..quoted.len() - 1];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn unexpected(p: &P) -> ! {
    unreachable!("grammar rule {:?} in an unexpected place", p.as_rule())
}

/// Parses a whole file. Syntax errors come back as a diagnostic.
pub fn parse_file(src: &str) -> Result<(File, Vec<Diag>), Diag> {
    let mut pairs = HeraldParser::parse(Rule::file, src).map_err(|e| super::expected::to_diag(e, src))?;
    let file = pairs.next().expect("file rule");
    let mut b = Builder::default();
    let mut stmts = Vec::new();
    for p in inner(file) {
        if p.as_rule() == Rule::EOI {
            break;
        }
        stmts.push(b.stmt(p));
    }
    Ok((File { stmts }, b.diags))
}

/// Parses a `--param` value given on the command line.
pub fn parse_param_value(text: &str) -> Result<ParamValue, Diag> {
    let mut pairs = HeraldParser::parse(Rule::param_value_only, text).map_err(|e| super::expected::to_diag(e, text))?;
    let only = pairs.next().expect("param_value_only");
    let mut b = Builder::default();
    let pv = inner(only).next().expect("param_value");
    let v = b.param_value(pv);
    match b.diags.into_iter().next() {
        Some(d) => Err(d),
        None => Ok(v),
    }
}

impl Builder {
    fn int(&mut self, p: P) -> Spanned<u64> {
        let sp = span(&p);
        let value = p.as_str().parse::<u64>().unwrap_or_else(|_| {
            self.diags.push(
                Diag::error(
                    "herald::syntax::integer_too_large",
                    "this number is too large",
                    sp,
                    "past the largest integer",
                )
                .with_help(format!("integers in herald are at most {}", i64::MAX)),
            );
            0
        });
        if value > i64::MAX as u64 {
            self.diags.push(
                Diag::error(
                    "herald::syntax::integer_too_large",
                    "this number is too large",
                    sp,
                    "past the largest integer",
                )
                .with_help(format!("integers in herald are at most {}", i64::MAX)),
            );
            return Spanned { value: 0, span: sp };
        }
        Spanned { value, span: sp }
    }

    fn string(&mut self, p: P) -> Spanned<String> {
        Spanned { value: unescape(p.as_str()), span: span(&p) }
    }

    fn stmt(&mut self, p: P) -> Stmt {
        let sp = span(&p);
        let rule = p.as_rule();
        let mut it = inner(p);
        it.next();
        match rule {
            Rule::scenario_stmt => Stmt::Scenario(self.string(it.next().unwrap())),
            Rule::about_stmt => Stmt::About(self.string(it.next().unwrap())),
            Rule::seed_stmt => Stmt::Seed(self.int(it.next().unwrap())),
            Rule::horizon_stmt => Stmt::Horizon(self.int(it.next().unwrap())),
            Rule::time_stmt => {
                let name = ident(it.next().unwrap());
                Stmt::Time { name, value: self.expr(it.next().unwrap()) }
            }
            Rule::param_stmt => {
                let name = ident(it.next().unwrap());
                Stmt::Param { name, value: self.param_value(it.next().unwrap()) }
            }
            Rule::general_stmt => {
                let name = ident(it.next().unwrap());
                let mut label = None;
                let mut role = None;
                let mut rules = Vec::new();
                for q in it {
                    match q.as_rule() {
                        Rule::string => label = Some(self.string(q)),
                        Rule::kw_is => {}
                        Rule::ident => role = Some(ident(q)),
                        Rule::rules_block => rules = self.rules_block(q),
                        _ => unexpected(&q),
                    }
                }
                Stmt::General(GeneralDecl { name, label, role, rules, span: sp })
            }
            Rule::generals_stmt => {
                let names = inner(it.next().unwrap()).map(|q| self.name_item(q)).collect();
                let role = it.find(|q| q.as_rule() == Rule::ident).map(ident);
                Stmt::Generals { names, role, span: sp }
            }
            Rule::role_stmt => {
                let name = ident(it.next().unwrap());
                let rules = self.rules_block(it.next().unwrap());
                Stmt::Role { name, rules, span: sp }
            }
            Rule::channel_stmt => {
                let from = self.endpoint(it.next().unwrap());
                let arrow = it.next().unwrap();
                let both_ways = inner(arrow).next().unwrap().as_rule() == Rule::both_ways;
                let to = self.endpoint(it.next().unwrap());
                let props = inner(it.next().unwrap()).map(|q| self.channel_prop(q)).collect();
                Stmt::Channel(ChannelDecl { from, to, both_ways, props, span: sp })
            }
            Rule::partition_stmt => {
                let a = self.targets(it.next().unwrap());
                let b = self.targets(it.next().unwrap());
                let window = it.next().map(|w| self.window(w));
                Stmt::Partition { a, b, window, span: sp }
            }
            Rule::crash_stmt => {
                let q = it.next().unwrap();
                let rule = q.as_rule();
                let mut jt = inner(q);
                match rule {
                    Rule::crash_one => {
                        let who = ident(jt.next().unwrap());
                        jt.next();
                        Stmt::Crash { who, at: self.expr(jt.next().unwrap()), span: sp }
                    }
                    Rule::crash_any => {
                        jt.next();
                        let count = self.expr(jt.next().unwrap());
                        jt.next();
                        let of = self.targets(jt.next().unwrap());
                        let window = jt.next().map(|w| self.window(w));
                        Stmt::CrashAny { count, of, window, span: sp }
                    }
                    _ => unreachable!("grammar rule {rule:?} is not a crash"),
                }
            }
            Rule::recover_stmt => {
                let who = ident(it.next().unwrap());
                it.next();
                Stmt::Recover { who, at: self.expr(it.next().unwrap()), span: sp }
            }
            Rule::victory_stmt => {
                it.next();
                let q = it.next().unwrap();
                let at_least = match q.as_rule() {
                    Rule::victory_all => None,
                    Rule::victory_least => Some(self.expr(inner(q).nth(2).unwrap())),
                    _ => unexpected(&q),
                };
                Stmt::Victory { at_least, span: sp }
            }
            Rule::expect_stmt => {
                let mut seed = None;
                let mut what = None;
                let mut hint = None;
                for q in it {
                    match q.as_rule() {
                        Rule::seed_prefix => seed = Some(self.int(inner(q).nth(1).unwrap())),
                        Rule::hint => hint = Some(self.string(inner(q).nth(1).unwrap())),
                        _ => what = Some(self.expectation(q)),
                    }
                }
                Stmt::Expect(Expect { seed, what: what.expect("expectation"), hint, span: sp })
            }
            _ => unreachable!("grammar rule {rule:?} is not a statement"),
        }
    }

    fn name_item(&mut self, p: P) -> NameItem {
        let sp = span(&p);
        let mut it = inner(p);
        let first = ident(it.next().unwrap());
        let last = it.next().map(ident);
        NameItem { first, last, span: sp }
    }

    fn window(&mut self, p: P) -> Window {
        let sp = span(&p);
        let mut it = inner(p);
        it.next();
        let from = self.expr(it.next().unwrap());
        it.next();
        let to = self.expr(it.next().unwrap());
        Window { from, to, span: sp }
    }

    fn endpoint(&mut self, p: P) -> Endpoint {
        let q = inner(p).next().unwrap();
        match q.as_rule() {
            Rule::star => Endpoint::Any(span(&q)),
            Rule::ident => Endpoint::Named(ident(q)),
            _ => unexpected(&q),
        }
    }

    fn param_value(&mut self, p: P) -> ParamValue {
        let q = inner(p).next().unwrap();
        match q.as_rule() {
            Rule::prob => ParamValue::Prob(self.prob(q)),
            Rule::expr => ParamValue::Expr(self.expr(q)),
            _ => unexpected(&q),
        }
    }

    fn prob(&mut self, p: P) -> Spanned<ProbLit> {
        let sp = span(&p);
        let q = inner(p).next().unwrap();
        let text = q.as_str();
        let value = match q.as_rule() {
            Rule::ratio => {
                let mut it = inner(q);
                let num = self.int(it.next().unwrap()).value as u128;
                it.next();
                let den = self.int(it.next().unwrap()).value as u128;
                ProbLit { num, den }
            }
            Rule::percent => self.decimal(&text[..text.len() - 1], 100, sp),
            Rule::decimal => self.decimal(text, 1, sp),
            _ => unexpected(&q),
        };
        Spanned { value, span: sp }
    }

    /// `digits[.digits]` divided by `scale`, exactly.
    fn decimal(&mut self, text: &str, scale: u128, sp: Span) -> ProbLit {
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        if whole.len() + frac.len() > 18 {
            self.diags.push(Diag::error(
                "herald::syntax::number_too_precise",
                "this number has too many digits",
                sp,
                "at most 18 digits",
            ));
            return ProbLit { num: 0, den: 1 };
        }
        let digits: u128 = format!("{whole}{frac}").parse().unwrap_or(0);
        let den = 10u128.pow(frac.len() as u32) * scale;
        ProbLit { num: digits, den }
    }

    fn probability(&mut self, p: P) -> Probability {
        let q = inner(p).next().unwrap();
        match q.as_rule() {
            Rule::prob => Probability::Lit(self.prob(q)),
            Rule::ident => Probability::Name(ident(q)),
            _ => unexpected(&q),
        }
    }

    fn channel_prop(&mut self, p: P) -> ChannelProp {
        let sp = span(&p);
        let rule = p.as_rule();
        let mut it = inner(p);
        it.next();
        match rule {
            Rule::delay_prop => {
                let q = it.next().unwrap();
                match q.as_rule() {
                    Rule::delay_any => ChannelProp::DelayAny { span: sp },
                    Rule::delay_range => {
                        let mut jt = inner(q);
                        let lo = self.expr(jt.next().unwrap());
                        let hi = jt.next().map(|h| self.expr(h));
                        ChannelProp::Delay { lo, hi, span: sp }
                    }
                    _ => unexpected(&q),
                }
            }
            Rule::duplicate_prop => ChannelProp::Duplicate { p: self.probability(it.next().unwrap()), span: sp },
            Rule::lose_prop => ChannelProp::Lose { rule: self.loss_rule(it.next().unwrap()), span: sp },
            _ => unreachable!("grammar rule {rule:?} is not a channel property"),
        }
    }

    fn loss_rule(&mut self, p: P) -> LossRule {
        let rule = p.as_rule();
        let mut it = inner(p);
        match rule {
            Rule::lose_all => LossRule::All,
            Rule::lose_numbers => {
                it.next();
                let items = inner(it.next().unwrap())
                    .map(|q| {
                        let sp = span(&q);
                        let mut jt = inner(q);
                        let lo = self.expr(jt.next().unwrap());
                        let hi = jt.next().map(|h| self.expr(h));
                        NumberItem { lo, hi, span: sp }
                    })
                    .collect();
                LossRule::Numbers(items)
            }
            Rule::lose_every => {
                it.next();
                let q = it.next().unwrap();
                let sp = span(&q);
                let digits: String = q.as_str().chars().take_while(|c| c.is_ascii_digit()).collect();
                let value = digits.parse::<u64>().unwrap_or_else(|_| {
                    self.diags.push(Diag::error(
                        "herald::syntax::integer_too_large",
                        "this number is too large",
                        sp,
                        "too large",
                    ));
                    0
                });
                LossRule::Every(Spanned { value, span: sp })
            }
            Rule::lose_first => {
                it.next();
                LossRule::First(self.expr(it.next().unwrap()))
            }
            Rule::lose_after => {
                it.next();
                LossRule::After(self.expr(it.next().unwrap()))
            }
            Rule::lose_window => {
                it.next();
                let a = self.expr(it.next().unwrap());
                it.next();
                LossRule::Window(a, self.expr(it.next().unwrap()))
            }
            Rule::lose_chance => {
                let p = self.prob(it.next().unwrap());
                let kind = it.nth(1).map(|k| self.kind(k));
                LossRule::Chance { p, kind }
            }
            Rule::lose_name => {
                let name = ident(it.next().unwrap());
                let kind = it.nth(1).map(|k| self.kind(k));
                LossRule::Name { name, kind }
            }
            Rule::lose_kind => {
                let q = it.next().unwrap();
                LossRule::Kind(Kind { span: span(&q), name: unescape(q.as_str()), quoted: true })
            }
            _ => unreachable!("grammar rule {rule:?} is not a loss rule"),
        }
    }

    fn kind(&mut self, p: P) -> Kind {
        let q = inner(p).next().unwrap();
        let sp = span(&q);
        match q.as_rule() {
            Rule::string => Kind { name: unescape(q.as_str()), quoted: true, span: sp },
            Rule::word => Kind { name: q.as_str().to_string(), quoted: false, span: sp },
            _ => unexpected(&q),
        }
    }

    fn targets(&mut self, p: P) -> Vec<Target> {
        inner(p)
            .map(|t| {
                let q = inner(t).next().unwrap();
                match q.as_rule() {
                    Rule::all_target => Target::All(span(&q)),
                    Rule::ident => Target::Name(ident(q)),
                    _ => unexpected(&q),
                }
            })
            .collect()
    }

    fn rules_block(&mut self, p: P) -> Vec<RuleDecl> {
        inner(p).map(|q| self.rule(q)).collect()
    }

    fn actions(&mut self, p: P) -> Vec<Action> {
        inner(p).map(|q| self.action(q)).collect()
    }

    fn rule(&mut self, p: P) -> RuleDecl {
        let sp = span(&p);
        let rule = p.as_rule();
        let mut head = sp;
        let mut it = inner(p).peekable();
        it.next();
        // The head of a rule is everything before its `{ actions }`.
        let mut head_end = |q: &P| {
            head = Span { start: sp.start, end: span(q).start };
        };
        let kind = match rule {
            Rule::on_start | Rule::on_recover => {
                it.next();
                let a = it.next().unwrap();
                head_end(&a);
                let actions = self.actions(a);
                if rule == Rule::on_start { RuleKind::Start(actions) } else { RuleKind::Recover(actions) }
            }
            Rule::on_receive => {
                it.next();
                let pattern = self.pattern(it.next().unwrap());
                let mut from = None;
                let mut guard = None;
                let mut actions = Vec::new();
                for q in it {
                    match q.as_rule() {
                        Rule::from_targets => from = Some(self.targets(inner(q).nth(1).unwrap())),
                        Rule::guard => guard = Some(self.expr(inner(q).nth(1).unwrap())),
                        Rule::actions => {
                            head_end(&q);
                            actions = self.actions(q);
                        }
                        _ => unexpected(&q),
                    }
                }
                RuleKind::Receive { pattern, from, guard, actions }
            }
            Rule::at_rule => {
                let at = self.expr(it.next().unwrap());
                let a = it.next().unwrap();
                head_end(&a);
                RuleKind::At { at, actions: self.actions(a) }
            }
            Rule::every_rule => {
                let period = self.expr(it.next().unwrap());
                let mut until = None;
                let mut actions = Vec::new();
                for q in it {
                    match q.as_rule() {
                        Rule::until => until = Some(self.expr(inner(q).nth(1).unwrap())),
                        Rule::actions => {
                            head_end(&q);
                            actions = self.actions(q);
                        }
                        _ => unexpected(&q),
                    }
                }
                RuleKind::Every { period, until, actions }
            }
            Rule::when_rule => {
                let cond = self.expr(it.next().unwrap());
                let a = it.next().unwrap();
                head_end(&a);
                RuleKind::When { cond, actions: self.actions(a) }
            }
            Rule::decide_rule => {
                it.next();
                let at = self.expr(it.next().unwrap());
                let q = it.next().unwrap();
                let dsp = span(&q);
                let drule = q.as_rule();
                let mut jt = inner(q);
                jt.next();
                let decision = match drule {
                    Rule::decide_attack => {
                        DecideForm::Attack { guard: jt.next().map(|g| self.expr(inner(g).nth(1).unwrap())), span: dsp }
                    }
                    Rule::decide_wait => DecideForm::Wait { span: dsp },
                    Rule::decide_commit => {
                        let value = self.expr(jt.next().unwrap());
                        let guard = jt.next().map(|g| self.expr(inner(g).nth(1).unwrap()));
                        DecideForm::Commit { value, guard, span: dsp }
                    }
                    _ => unreachable!("grammar rule {drule:?} is not a decision"),
                };
                RuleKind::Decide { at, decision }
            }
            Rule::var_decl => {
                let name = ident(it.next().unwrap());
                RuleKind::Var { name, init: self.expr(it.next().unwrap()) }
            }
            _ => unreachable!("grammar rule {rule:?} is not a rule"),
        };
        RuleDecl { kind, span: sp, head }
    }

    fn action(&mut self, p: P) -> Action {
        let sp = span(&p);
        let rule = p.as_rule();
        let mut it = inner(p);
        it.next();
        match rule {
            Rule::send_action => {
                let msg = self.message(it.next().unwrap());
                it.next();
                let to = self.targets(it.next().unwrap());
                let copies = it.next().map(|c| self.expr(inner(c).next().unwrap()));
                Action::Send { msg, to, copies, span: sp }
            }
            Rule::attack_action => Action::Attack(sp),
            Rule::wait_action => Action::Wait(sp),
            Rule::crash_action => Action::Crash(sp),
            Rule::set_action => {
                let name = ident(it.next().unwrap());
                Action::Set { name, value: self.expr(it.next().unwrap()), span: sp }
            }
            Rule::commit_action => Action::Commit { value: self.expr(it.next().unwrap()), span: sp },
            _ => unreachable!("grammar rule {rule:?} is not an action"),
        }
    }

    fn message(&mut self, p: P) -> Message {
        let sp = span(&p);
        let mut it = inner(p);
        let kind = self.kind(it.next().unwrap());
        let args = it.next().map(|a| inner(a).map(|e| self.expr(e)).collect()).unwrap_or_default();
        Message { kind, args, span: sp }
    }

    fn pattern(&mut self, p: P) -> Pattern {
        let sp = span(&p);
        let mut it = inner(p);
        let kind = self.kind(it.next().unwrap());
        let args = it
            .next()
            .map(|a| {
                inner(a)
                    .map(|pa| {
                        let q = inner(pa).next().unwrap();
                        match q.as_rule() {
                            Rule::wildcard => PatternArg::Wildcard(span(&q)),
                            Rule::expr => PatternArg::Expr(self.expr(q)),
                            _ => unexpected(&q),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        Pattern { kind, args, span: sp }
    }

    fn sender_filter(&mut self, p: P) -> SenderFilter {
        let q = inner(p).nth(1).unwrap();
        match q.as_rule() {
            Rule::from_all => {
                let sp = span(&q);
                SenderFilter::Each(inner(q).nth(1).map(|t| self.targets(t)), sp)
            }
            Rule::targets => SenderFilter::Any(self.targets(q)),
            _ => unexpected(&q),
        }
    }

    fn expectation(&mut self, p: P) -> Expectation {
        let rule = p.as_rule();
        let mut it = inner(p);
        match rule {
            Rule::expect_outcome => Expectation::Outcome(self.outcome(it.next().unwrap())),
            Rule::expect_general => Expectation::General(self.general_event(it.next().unwrap())),
            Rule::expect_possible => Expectation::Possible(self.event(it.nth(1).unwrap())),
            Rule::expect_never => Expectation::Never(self.event(it.nth(1).unwrap())),
            Rule::expect_probability => {
                it.next();
                let event = self.event(it.next().unwrap());
                let opp = it.next().unwrap();
                let op = Spanned { value: cmp_op(opp.as_str()), span: span(&opp) };
                let p = self.prob(it.next().unwrap());
                let tolerance = it.next().map(|t| self.prob(inner(t).next().unwrap()));
                Expectation::Probability { event, op, p, tolerance }
            }
            _ => unreachable!("grammar rule {rule:?} is not an expectation"),
        }
    }

    fn event(&mut self, p: P) -> Event {
        let q = inner(p).next().unwrap();
        match q.as_rule() {
            Rule::outcome => Event::Outcome(self.outcome(q)),
            Rule::general_event => Event::General(self.general_event(q)),
            _ => unexpected(&q),
        }
    }

    fn outcome(&mut self, p: P) -> Spanned<Outcome> {
        let sp = span(&p);
        let q = inner(p).next().unwrap();
        let value = match q.as_rule() {
            Rule::oc_victory => Outcome::Victory,
            Rule::oc_defeat => Outcome::Defeat,
            Rule::oc_no_attack => Outcome::NoAttack,
            Rule::oc_agreement => Outcome::Agreement,
            Rule::oc_disagreement => Outcome::Disagreement,
            Rule::oc_undecided => Outcome::Undecided,
            _ => unexpected(&q),
        };
        Spanned { value, span: sp }
    }

    fn general_event(&mut self, p: P) -> GeneralEvent {
        let sp = span(&p);
        let mut it = inner(p);
        let general = ident(it.next().unwrap());
        let q = it.next().unwrap();
        let what = match q.as_rule() {
            Rule::ev_attacks => GeneralFate::Attacks,
            Rule::ev_waits => GeneralFate::Waits,
            Rule::ev_undecided => GeneralFate::Undecided,
            Rule::ev_crashes => GeneralFate::Crashes,
            Rule::ev_commits => GeneralFate::Commits(self.expr(inner(q).nth(1).unwrap())),
            _ => unexpected(&q),
        };
        GeneralEvent { general, what, span: sp }
    }

    // ------------------------------------------------------------ expressions

    /// An expression, checked whole: one that nests deeper than [`MAX_EXPR_DEPTH`] is
    /// reported (and replaced by `0`), so that no later pass recurses that deep.
    /// Bracketed parts are checked on their own, and long chains of operators are
    /// refused before their tree is built, so no tree built here is much deeper.
    fn expr(&mut self, p: P) -> Expr {
        let e = self.expr_tree(p);
        if e.depth() <= MAX_EXPR_DEPTH {
            return e;
        }
        self.too_deep(e.span)
    }

    fn too_deep(&mut self, sp: Span) -> Expr {
        self.diags.push(
            Diag::error(
                "herald::syntax::too_deep",
                format!("this expression nests more than {MAX_EXPR_DEPTH} operations deep"),
                Span::new(sp.start as usize, sp.start as usize + 1),
                "this expression",
            )
            .with_help("split it: give parts of it a name with 'param' or 'time', or use fewer operators"),
        );
        Expr { kind: ExprKind::Int(0), span: sp }
    }

    /// The tree of an expression (the depth is checked by [`Builder::expr`]).
    fn expr_tree(&mut self, mut p: P) -> Expr {
        // Rules that only wrap one child (most levels of a bracketed expression) are
        // passed through without recursion, to keep the stack shallow.
        loop {
            match p.as_rule() {
                Rule::expr | Rule::not_expr => p = inner(p).next().unwrap(),
                Rule::or_expr | Rule::and_expr | Rule::comparison | Rule::sum | Rule::product | Rule::unary => {
                    let mut it = inner(p.clone());
                    let first = it.next().unwrap();
                    if it.next().is_some() {
                        break;
                    }
                    p = first;
                }
                _ => break,
            }
        }
        let sp = span(&p);
        let rule = p.as_rule();
        match rule {
            Rule::expr | Rule::not_expr => self.expr_tree(inner(p).next().unwrap()),
            Rule::or_expr | Rule::and_expr => {
                let op = if rule == Rule::or_expr { BinOp::Or } else { BinOp::And };
                let operands: Vec<P> =
                    inner(p).filter(|q| !matches!(q.as_rule(), Rule::kw_or | Rule::kw_and)).collect();
                if operands.len() > MAX_EXPR_DEPTH {
                    return self.too_deep(sp);
                }
                let mut it = operands.into_iter();
                let mut acc = self.expr_tree(it.next().unwrap());
                for q in it {
                    let rhs = self.expr_tree(q);
                    let s = acc.span.join(rhs.span);
                    acc = Expr { kind: ExprKind::Binary(op, Box::new(acc), Box::new(rhs)), span: s };
                }
                acc
            }
            Rule::negation => {
                // `not not ... x`: walked without recursion.
                let mut spans = vec![sp];
                let mut q = inner(p).nth(1).unwrap();
                loop {
                    match q.as_rule() {
                        Rule::not_expr => q = inner(q).next().unwrap(),
                        Rule::negation => {
                            spans.push(span(&q));
                            q = inner(q).nth(1).unwrap();
                        }
                        _ => break,
                    }
                }
                if spans.len() > MAX_EXPR_DEPTH {
                    return self.too_deep(sp);
                }
                let mut e = self.expr_tree(q);
                for s in spans.into_iter().rev() {
                    e = Expr { kind: ExprKind::Not(Box::new(e)), span: s };
                }
                e
            }
            Rule::comparison | Rule::sum | Rule::product => {
                let parts: Vec<P> = inner(p).collect();
                if parts.len() / 2 > MAX_EXPR_DEPTH {
                    return self.too_deep(sp);
                }
                let mut it = parts.into_iter();
                let mut acc = self.expr_tree(it.next().unwrap());
                while let Some(op) = it.next() {
                    let op = match op.as_str() {
                        "+" => BinOp::Add,
                        "-" => BinOp::Sub,
                        "*" => BinOp::Mul,
                        "/" => BinOp::Div,
                        s => cmp_op(s),
                    };
                    let rhs = self.expr_tree(it.next().unwrap());
                    let s = acc.span.join(rhs.span);
                    acc = Expr { kind: ExprKind::Binary(op, Box::new(acc), Box::new(rhs)), span: s };
                }
                acc
            }
            Rule::unary => {
                let mut negs = 0;
                let mut operand = None;
                for q in inner(p) {
                    if q.as_rule() == Rule::neg_op {
                        negs += 1;
                    } else {
                        operand = Some(q);
                    }
                }
                if negs > MAX_EXPR_DEPTH {
                    return self.too_deep(sp);
                }
                let mut e = self.expr_tree(operand.expect("primary"));
                for _ in 0..negs {
                    e = Expr { kind: ExprKind::Neg(Box::new(e)), span: sp };
                }
                e
            }
            Rule::paren => self.expr(inner(p).next().unwrap()),
            Rule::now => Expr { kind: ExprKind::Now, span: sp },
            Rule::int => {
                let v = self.int(p).value as i64;
                Expr { kind: ExprKind::Int(v), span: sp }
            }
            Rule::percent => {
                let t = p.as_str();
                let v = self.decimal(&t[..t.len() - 1], 100, sp);
                Expr { kind: ExprKind::Prob(v), span: sp }
            }
            Rule::decimal => {
                let v = self.decimal(p.as_str(), 1, sp);
                Expr { kind: ExprKind::Prob(v), span: sp }
            }
            Rule::string => Expr { kind: ExprKind::Str(unescape(p.as_str())), span: sp },
            Rule::ident => Expr { kind: ExprKind::Name(p.as_str().to_string()), span: sp },
            Rule::minmax => {
                let mut it = inner(p);
                let max = it.next().unwrap().as_rule() == Rule::kw_max;
                let a = Box::new(self.expr(it.next().unwrap()));
                let b = Box::new(self.expr(it.next().unwrap()));
                Expr { kind: ExprKind::MinMax { max, a, b }, span: sp }
            }
            Rule::received_expr | Rule::count_expr => {
                let mut it = inner(p).filter(|q| !matches!(q.as_rule(), Rule::kw_received | Rule::kw_count));
                let pattern = self.pattern(it.next().unwrap());
                let mut from = None;
                let mut by = None;
                for q in it {
                    match q.as_rule() {
                        Rule::sender_filter => from = Some(self.sender_filter(q)),
                        Rule::by_clause => by = Some(Box::new(self.expr(inner(q).nth(1).unwrap()))),
                        _ => unexpected(&q),
                    }
                }
                let kind = if rule == Rule::received_expr {
                    ExprKind::Received { pattern, from, by }
                } else {
                    ExprKind::Count { pattern, from, by }
                };
                Expr { kind, span: sp }
            }
            Rule::sent_expr => {
                let mut it = inner(p);
                it.next();
                let pattern = self.pattern(it.next().unwrap());
                let to = it.nth(1).map(|t| self.targets(t));
                Expr { kind: ExprKind::Sent { pattern, to }, span: sp }
            }
            _ => unreachable!("grammar rule {rule:?} is not an expression"),
        }
    }
}

fn cmp_op(s: &str) -> BinOp {
    match s {
        "<" => BinOp::Lt,
        "<=" => BinOp::Le,
        ">" => BinOp::Gt,
        ">=" => BinOp::Ge,
        "=" | "==" => BinOp::Eq,
        "!=" => BinOp::Ne,
        _ => unreachable!("not a comparison: {s}"),
    }
}
