//! What `herald test` checks: every `expect` of a scenario, judged, and the outputs its
//! golden files hold. (The command, which reads and writes the files, is `cli::test`.)
//!
//! Seed-run expectations run the scenario once per seed. `probability` is exact when the
//! scenario can be enumerated within the bound, else estimated by trials and judged
//! statistically (the method is stated). `possible` and `never` ask the adversary.
//! Golden files sit beside the scenario: `NAME.golden.txt` (the text report, no colour),
//! `NAME.golden.yaml` (the YAML report) and `NAME.golden.mmd` (the Mermaid diagram) of its
//! seed run; `--bless` writes them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};

use crate::Loaded;
use crate::analysis::exact::{self, to_f64};
use crate::analysis::explore::{self, Reach};
use crate::analysis::trials::{self, outcome_index};
use crate::diag::{Code, Diag};
use crate::percent::{self, percent, percent_with};
use crate::report;
use crate::sim::{Mode, Recording, Seeded, Sim};
use crate::syntax::ast::{self, BinOp, Event, Expectation, GeneralFate};

/// Trials run for a `probability` expectation when exact enumeration is out of reach.
pub const TRIALS: u64 = 200_000;
/// Standard errors a trial estimate may stray from the claim and still pass.
pub const Z: f64 = 4.0;

/// The result of one check.
pub struct Verdict {
    /// Whether the expectation holds.
    pub pass: bool,
    /// What was found, in a few words.
    pub found: String,
    /// The run that contradicts the expectation, as text.
    pub run: Option<String>,
}

/// The expectation as written, without its hint (shown only when it fails).
pub fn said(l: &Loaded, e: &ast::Expect) -> String {
    let end = e.hint.as_ref().map(|h| h.span.start).unwrap_or(e.span.end);
    let said = crate::diag::Span { start: e.span.start, end }.one_line(&l.source.text);
    said.strip_suffix("hint").unwrap_or(&said).trim_end().to_string()
}

/// The diagnostic of an expectation that does not hold, at its line, with its hint.
pub fn failure(e: &ast::Expect, v: &Verdict) -> Diag {
    let d =
        Diag::error(Code::TestFailed, format!("this expectation does not hold: {}", v.found), e.span, "expected here");
    match &e.hint {
        Some(h) => d.with_help(h.value.clone()),
        None => d,
    }
}

/// What the checks of one scenario share: its exact analysis, trials and exploration, each
/// made once, when first needed.
#[derive(Default)]
pub struct Cache {
    /// The exact analysis; when it could not finish, why not if a run stopped (trials
    /// are tried after any other failure).
    exact: Option<Result<exact::Exact, Option<String>>>,
    trials: Option<Result<trials::Tally, String>>,
    explored: Option<Result<explore::Explored, String>>,
}

/// Judges one expectation (`jobs`: worker threads for trials).
pub fn check(l: &Loaded, e: &ast::Expect, jobs: Option<usize>, cache: &mut Cache) -> Verdict {
    match &e.what {
        Expectation::Outcome(o) => seed_run(l, e.seed.as_ref().map(|s| s.value), |run| {
            let found = run.outcome.result;
            (found == o.value, format!("the run with seed {} ended in {}", run.seed.unwrap_or(0), found.word()))
        }),
        Expectation::General(ev) => seed_run(l, e.seed.as_ref().map(|s| s.value), |run| {
            let g = run.decisions.iter().find(|d| d.general == ev.general.name).expect("checked: the general exists");
            let found = describe_fate(g);
            (fate_matches(l, ev, g), format!("with seed {}, {found}", run.seed.unwrap_or(0)))
        }),
        Expectation::Probability { event, op, p, tolerance } => {
            probability(l, event, op.value, p.value, tolerance.as_ref().map(|t| t.value), jobs, cache)
        }
        Expectation::Possible(ev) => reach(l, ev, true, cache),
        Expectation::Never(ev) => reach(l, ev, false, cache),
    }
}

/// Runs the scenario with a seed (its own by default) and judges the report.
fn seed_run(l: &Loaded, seed: Option<u64>, judge: impl Fn(&report::RunReport) -> (bool, String)) -> Verdict {
    let seed = seed.unwrap_or(l.model.seed);
    let run = match seeded_report(l, seed) {
        Ok(run) => run,
        Err(e) => return Verdict { pass: false, found: format!("the run with seed {seed} stopped: {e}"), run: None },
    };
    let (pass, found) = judge(&run);
    let text = (!pass).then(|| report::render_run_body(&run, false, 4));
    Verdict { pass, found, run: text }
}

fn describe_fate(g: &report::GeneralReport) -> String {
    let who = &g.general;
    match g.decision {
        "attack" => format!("{who} attacked"),
        "wait" => format!("{who} waited"),
        "commit" => format!("{who} committed {}", g.value.clone().unwrap_or_default()),
        "crashed" => format!("{who} crashed"),
        _ => format!("{who} never decided"),
    }
}

fn fate_matches(l: &Loaded, ev: &ast::GeneralEvent, g: &report::GeneralReport) -> bool {
    match &ev.what {
        GeneralFate::Attacks => g.decision == "attack",
        GeneralFate::Waits => g.decision == "wait",
        GeneralFate::Undecided => g.decision == "undecided",
        GeneralFate::Crashes => g.decision == "crashed",
        GeneralFate::Commits(v) => g.decision == "commit" && g.value.as_deref() == Some(literal(l, v).as_str()),
    }
}

/// A committed value as reports show it.
fn literal(l: &Loaded, e: &ast::Expr) -> String {
    match &e.kind {
        ast::ExprKind::Int(v) => v.to_string(),
        ast::ExprKind::Neg(a) => format!("-{}", literal(l, a)),
        ast::ExprKind::Str(s) => format!("{s:?}"),
        _ => e.span.one_line(&l.source.text),
    }
}

/// The general and fate index an event names, or the outcome index.
enum Target {
    Outcome(usize),
    Fate(u16, usize),
    Commit(u16, i64),
}

fn target(l: &Loaded, ev: &Event) -> Result<Target, String> {
    match ev {
        Event::Outcome(o) => Ok(Target::Outcome(outcome_index(o.value))),
        Event::General(g) => {
            let idx = l.model.generals.iter().position(|x| x.name == g.general.name).expect("checked") as u16;
            let f = match &g.what {
                GeneralFate::Attacks => 0,
                GeneralFate::Waits => 1,
                GeneralFate::Commits(v) => {
                    let value = match &v.kind {
                        ast::ExprKind::Int(n) => Some(*n),
                        ast::ExprKind::Neg(a) => match &a.kind {
                            ast::ExprKind::Int(n) => Some(-*n),
                            _ => None,
                        },
                        ast::ExprKind::Str(s) => l.model.strings.iter().position(|x| x == s).map(|i| i as i64),
                        _ => None,
                    };
                    return match value {
                        Some(v) => Ok(Target::Commit(idx, v)),
                        // A string no rule ever uses cannot be committed.
                        None if matches!(v.kind, ast::ExprKind::Str(_)) => Ok(Target::Commit(idx, i64::MIN)),
                        None => Err("the committed value must be written as a number or a string".into()),
                    };
                }
                GeneralFate::Undecided => 3,
                GeneralFate::Crashes => 4,
            };
            Ok(Target::Fate(idx, f))
        }
    }
}

/// Why a run stopped, and in which rule: `division by zero at tick 2 (in 'every 1 { ... }',
/// line 3)`, as `run`, `analyze` and `explore` say it.
fn stopped(l: &Loaded, e: &crate::sim::RunError) -> String {
    let rule = match e {
        crate::sim::RunError::EventLimit { rule, .. } | crate::sim::RunError::Arithmetic { rule, .. } => *rule,
    };
    let r = &l.model.rules[rule as usize];
    format!("{} (in '{}', line {})", report::run_error(&l.model, e).message, r.text, r.line)
}

fn event_name(l: &Loaded, ev: &Event) -> String {
    match ev {
        Event::Outcome(o) => o.value.word().to_string(),
        Event::General(g) => g.span.one_line(&l.source.text),
    }
}

#[allow(clippy::too_many_arguments)]
fn probability(
    l: &Loaded,
    ev: &Event,
    op: BinOp,
    p: ast::ProbLit,
    tolerance: Option<ast::ProbLit>,
    jobs: Option<usize>,
    cache: &mut Cache,
) -> Verdict {
    let t = match target(l, ev) {
        Ok(t) => t,
        Err(why) => return Verdict { pass: false, found: why, run: None },
    };
    let claim = BigRational::new((p.num as i128).into(), (p.den.max(1) as i128).into());
    let tol = tolerance.map(|t| BigRational::new((t.num as i128).into(), (t.den.max(1) as i128).into()));
    let name = event_name(l, ev);
    let exact = cache.exact.get_or_insert_with(|| {
        exact::analyze(&l.model, exact::DEFAULT_MAX_STATES, None).map_err(|e| match e {
            exact::ExactError::Run { error, .. } => Some(format!("cannot tell: a run stopped: {}", stopped(l, &error))),
            exact::ExactError::Stopped(_) => None,
        })
    });
    // A run of the analysis stopped at a limit: some runs cannot be judged (as `analyze`
    // says), and trials, which might not meet that run, would hide it.
    if let Err(Some(why)) = exact {
        return Verdict { pass: false, found: why.clone(), run: None };
    }
    if let Ok(x) = exact {
        let found = match t {
            Target::Outcome(i) => x.outcomes[i].clone(),
            Target::Fate(g, f) => x.fates[g as usize][f].clone(),
            Target::Commit(g, v) => x.commits[g as usize].get(&v).cloned().unwrap_or_else(BigRational::zero),
        };
        let zero = BigRational::from_integer(0.into());
        let tol = tol.unwrap_or(zero);
        let pass = match op {
            BinOp::Eq => (&found - &claim).abs() <= tol,
            BinOp::Ne => (&found - &claim).abs() > tol,
            BinOp::Ge => found >= &claim - &tol,
            BinOp::Gt => found > &claim - &tol,
            BinOp::Le => found <= &claim + &tol,
            BinOp::Lt => found < &claim + &tol,
            _ => false,
        };
        let frac = exact::fraction(&found).map(|f| format!(" = {f}")).unwrap_or_default();
        let value = to_f64(&found);
        if pass {
            return Verdict {
                pass,
                found: format!("exact: P({name}) = {}{frac} ({} states)", percent(value), x.states),
                run: None,
            };
        }
        // Failed: as many digits as show the value apart from the bounds it missed.
        let (lo, hi) = (to_f64(&(&claim - &tol)), to_f64(&(&claim + &tol)));
        let ask = Asked { op, lo, hi, strict: true, from: decimals_of(&[p, tolerance.unwrap_or(ZERO)]) };
        let d = ask.decimals(value);
        return Verdict {
            pass,
            found: format!(
                "exact: P({name}) = {}{frac} ({} states); the claim asks for {}",
                percent_with(value, d),
                x.states,
                ask.show(d)
            ),
            run: None,
        };
    }
    let tally = cache.trials.get_or_insert_with(|| {
        let cfg = trials::Config {
            trials: TRIALS,
            seed: l.model.seed,
            jobs,
            explain: 0,
            max_events: crate::sim::DEFAULT_MAX_EVENTS,
            progress: None,
        };
        trials::run(&l.model, &l.source.text, &cfg)
            .map_err(|e| format!("cannot tell: trial {} stopped: {}", e.trial, stopped(l, &e.error)))
    });
    let tally = match tally {
        Ok(t) => t,
        Err(e) => return Verdict { pass: false, found: e.clone(), run: None },
    };
    let hits = match t {
        Target::Outcome(i) => tally.outcomes[i],
        Target::Fate(g, f) => tally.fates[g as usize][f],
        Target::Commit(g, v) => {
            // Trials count each general's 1,000 smallest values one by one: a value among
            // them, or below the largest of them, is counted exactly.
            let (values, others) = (&tally.commits[g as usize], tally.other_commits[g as usize]);
            match values.get(&v) {
                Some(n) => *n,
                None if others == 0 || values.last_key_value().is_some_and(|(max, _)| v < *max) => 0,
                None => {
                    return Verdict {
                        pass: false,
                        found: format!(
                            "too many states to enumerate, and {} committed more than {} distinct values \
                             in the trials: this one is not counted alone",
                            l.model.name(g),
                            trials::MAX_VALUES
                        ),
                        run: None,
                    };
                }
            }
        }
    };
    let n = tally.trials as f64;
    let est = hits as f64 / n;
    // The standard error, never below that of one trial in n (so 0% and 100% are not certain).
    let se = (est * (1.0 - est) / n).sqrt().max(1.0 / n);
    let slack = Z * se + tol.and_then(|t| t.to_f64()).unwrap_or(0.0);
    let c = claim.to_f64().unwrap_or(0.0);
    let pass = match op {
        BinOp::Eq => (est - c).abs() <= slack,
        BinOp::Ne => (est - c).abs() > slack,
        BinOp::Ge | BinOp::Gt => est + slack >= c,
        BinOp::Le | BinOp::Lt => est - slack <= c,
        _ => false,
    };
    let (shown, asked) = if pass {
        (format!("{} ± {}", percent(est), percent(Z * se)), String::new())
    } else {
        // Failed: as many digits as show the estimate apart from the bounds it missed.
        let ask = Asked {
            op,
            lo: c - slack,
            hi: c + slack,
            strict: false,
            from: decimals_of(&[p, tolerance.unwrap_or(ZERO)]),
        };
        let d = ask.decimals(est);
        let tolerance = if tolerance.is_some() { " and the tolerance" } else { "" };
        (
            format!("{} ± {}", percent_with(est, d), percent_with(Z * se, d)),
            format!("; with 4 standard errors{tolerance}, the claim asks for an estimate of {}", ask.show(d)),
        )
    };
    Verdict {
        pass,
        found: format!(
            "by {} trials (too many states to enumerate): P({name}) ≈ {shown} (4 standard errors){asked}",
            tally.trials,
        ),
        run: None,
    }
}

const ZERO: ast::ProbLit = ast::ProbLit { num: 0, den: 1 };

/// The decimals that write each of these probabilities exactly as a percentage (at most 6;
/// one that needs more, 1/3 say, asks for none).
fn decimals_of(ps: &[ast::ProbLit]) -> usize {
    ps.iter()
        .filter(|p| p.den > 0)
        .filter_map(|p| crate::percent::exact_decimals(p.num as f64 / p.den as f64, 6))
        .max()
        .unwrap_or(0)
}

/// What a failed probability claim asked of the value it was judged on: `= 66.66% ± 0.001%`
/// asks for 66.659% to 66.661%, `>= 75%` for at least 75%.
struct Asked {
    op: BinOp,
    /// The claim less its slack, and plus it.
    lo: f64,
    hi: f64,
    /// Whether `<` and `>` are strict (exact answers; trials judge them as `<=` and `>=`).
    strict: bool,
    /// Decimals the claim and its tolerance are written with.
    from: usize,
}

impl Asked {
    /// The bounds as shown: probabilities, so within 0% and 100%.
    fn bounds(&self) -> (f64, f64) {
        (self.lo.clamp(0.0, 1.0), self.hi.clamp(0.0, 1.0))
    }

    /// Decimals that show `value` apart from the bounds.
    fn decimals(&self, value: f64) -> usize {
        let (lo, hi) = self.bounds();
        percent::decimals_apart(value, &[lo, hi], self.from)
    }

    fn show(&self, d: usize) -> String {
        let (lo, hi) = self.bounds();
        let (l, h) = (percent_with(lo, d), percent_with(hi, d));
        let range = if l == h { format!("exactly {l}") } else { format!("{l} to {h}") };
        match (self.op, self.strict) {
            (BinOp::Eq, _) => range,
            (BinOp::Ne, _) if l == h => format!("anything but {l}"),
            (BinOp::Ne, _) => format!("anything but {l} to {h}"),
            (BinOp::Gt, true) => format!("above {l}"),
            (BinOp::Lt, true) => format!("below {h}"),
            (BinOp::Ge | BinOp::Gt, _) => format!("at least {l}"),
            (BinOp::Le | BinOp::Lt, _) => format!("at most {h}"),
            _ => range,
        }
    }
}

fn reach(l: &Loaded, ev: &Event, possible: bool, cache: &mut Cache) -> Verdict {
    let t = match target(l, ev) {
        Ok(t) => t,
        Err(why) => return Verdict { pass: false, found: why, run: None },
    };
    let explored = cache.explored.get_or_insert_with(|| {
        explore::explore(&l.model, explore::DEFAULT_MAX_STATES, false).map_err(|e| match e {
            explore::ExploreError::Stopped(crate::analysis::budget::Stop::States(limit)) => {
                format!("cannot tell: more than {limit} states to explore")
            }
            explore::ExploreError::Stopped(crate::analysis::budget::Stop::Memory { limit, .. }) => {
                format!(
                    "cannot tell: the states to explore take more than {}",
                    crate::analysis::budget::show_size(limit)
                )
            }
            explore::ExploreError::Stopped(crate::analysis::budget::Stop::Work { .. }) => {
                "cannot tell: the exploration stopped at its bound on work".to_string()
            }
            explore::ExploreError::Run { error, .. } => format!("cannot tell: a run stopped: {}", stopped(l, &error)),
        })
    });
    let x = match explored {
        Ok(x) => x,
        Err(e) => return Verdict { pass: false, found: e.clone(), run: None },
    };
    let key = match t {
        Target::Outcome(i) => Reach::Outcome(i),
        Target::Fate(g, f) => Reach::Fate(g, f),
        Target::Commit(g, v) => Reach::Commit(g, v),
    };
    let name = event_name(l, ev);
    match (x.reached.get(&key), possible) {
        (Some(w), true) => {
            Verdict { pass: true, found: format!("witness: {}, over by tick {}", cost(l, w), w.ticks), run: None }
        }
        (None, true) => Verdict {
            pass: false,
            found: format!(
                "no choice of the adversary (losses, delays, crashes) leads to {name} ({} states explored, up to tick {})",
                x.states, l.model.horizon
            ),
            run: None,
        },
        (None, false) => Verdict {
            pass: true,
            found: format!("proved over {} states, up to tick {}", x.states, l.model.horizon),
            run: None,
        },
        (Some(w), false) => {
            let mut sim = Sim::new(&l.model, Mode::Traced);
            let run = sim.run(&mut crate::sim::Script::new(&w.choices)).ok().map(|()| {
                let r = report::build(&sim, l, None, &w.choices);
                report::render_run_body(&r, false, 4)
            });
            Verdict {
                pass: false,
                found: format!("{name} is possible: the adversary reaches it with {} (the run below)", cost(l, w)),
                run,
            }
        }
    }
}

/// What a witness costs the adversary, as `explore` says it: "1 capture", "0 captures, 1
/// crash". A witness counts its captures and crashes together; its replay tells them apart.
fn cost(l: &Loaded, w: &explore::Witness) -> String {
    let crashes = if l.model.crash_any.is_empty() {
        0
    } else {
        let mut sim = Sim::new(&l.model, Mode::Traced);
        match sim.run(&mut crate::sim::Script::new(&w.choices)) {
            Ok(()) => sim.state().crashes_chosen,
            // A witness replays (explore's report relies on it); if not, say no more than the total.
            Err(_) => {
                let n = w.captures;
                return format!("{n} capture{} or crash{}", plural(n, "s"), plural(n, "es"));
            }
        }
    };
    report::explore::cost(w.captures - crashes.min(w.captures), crashes)
}

fn plural(n: u32, s: &str) -> &str {
    if n == 1 { "" } else { s }
}

/// The golden files of a scenario: its seed run as text, as YAML and as a Mermaid diagram.
pub fn golden_files(path: &Path) -> [(PathBuf, &'static str); 3] {
    let stem = path.with_extension("");
    let with = |ext: &str| PathBuf::from(format!("{}.golden.{ext}", stem.to_string_lossy()));
    [(with("txt"), "text"), (with("yaml"), "yaml"), (with("mmd"), "mermaid")]
}

/// The report of the run with `seed`, or why it stopped.
pub fn seeded_report(l: &Loaded, seed: u64) -> Result<report::RunReport, String> {
    let mut sim = Sim::new(&l.model, Mode::Traced);
    let mut rec = Recording { inner: Seeded::new(seed), log: Vec::new() };
    sim.run(&mut rec).map_err(|e| report::run_error(&l.model, &e).message)?;
    let choices: Vec<u32> = rec.log.iter().map(|(_, c)| c.index).collect();
    Ok(report::build(&sim, l, Some(seed), &choices))
}

/// A run report in a golden file's format (`text`, `yaml` or `mermaid`).
pub fn golden_output(l: &Loaded, run: &report::RunReport, format: &str) -> String {
    match format {
        "text" => report::render_run(run, false),
        "mermaid" => report::mermaid::render_run(run, &l.model),
        _ => report::to_yaml(run),
    }
}

/// The scenario as golden files name it: by its file name alone, so that they read the same
/// wherever `herald test` runs from.
pub fn for_golden(l: &Loaded, path: &Path) -> Loaded {
    let mut l = l.clone();
    l.source.name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    l
}

/// A unified diff, indented, with three lines of context.
pub fn diff(old: &str, new: &str, color: bool) -> String {
    let p = crate::report::Paint { on: color };
    let d = similar::TextDiff::from_lines(old, new);
    let mut o = String::new();
    for group in d.grouped_ops(3) {
        let _ = writeln!(o, "    {}", p.dim("@@"));
        for op in group {
            for change in d.iter_changes(&op) {
                let line = change.value().trim_end_matches('\n');
                let _ = match change.tag() {
                    similar::ChangeTag::Delete => writeln!(o, "    {}", p.red(&format!("-{line}"))),
                    similar::ChangeTag::Insert => writeln!(o, "    {}", p.green(&format!("+{line}"))),
                    similar::ChangeTag::Equal => writeln!(o, "     {line}"),
                };
            }
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_claim_is_shown_with_its_bounds() {
        let ask = |op, lo, hi, strict| Asked { op, lo, hi, strict, from: 3 };
        let a = ask(BinOp::Eq, 0.66659, 0.66661, true);
        assert_eq!(a.decimals(2.0 / 3.0), 3);
        assert_eq!(a.show(3), "66.659% to 66.661%");
        // Trials judge < and > as <= and >=; bounds stay within 0% and 100%.
        assert_eq!(ask(BinOp::Gt, 0.5, 0.6, false).show(3), "at least 50%");
        assert_eq!(ask(BinOp::Lt, -0.1, 0.2, true).show(3), "below 20%");
        assert_eq!(ask(BinOp::Eq, -0.01, 0.01, true).show(3), "0% to 1%");
        assert_eq!(ask(BinOp::Ne, 0.25, 0.25, true).show(3), "anything but 25%");
        assert_eq!(ask(BinOp::Eq, 0.25, 0.25, true).show(3), "exactly 25%");
        // An estimate just past a bound gets the digits that show it past.
        let a = ask(BinOp::Le, 0.0, 0.66661, false);
        assert_eq!(a.decimals(0.666614), 4);
        assert_eq!(percent_with(0.666614, 4), "66.6614%");
    }
}
