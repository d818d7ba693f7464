//! Equivalences over generated scenarios (`common::generator`): the interpreter's fast
//! paths against the plain interpreter, and the searches' reductions against the plain
//! searches, on scenarios nobody wrote by hand.
//!
//! - lean runs (what trials use), plain runs and traced runs make the same choices, about
//!   the same messengers, hit the same errors and end alike;
//! - staged runs (`defer`, `advance`) and runs of whole ticks (`step`) make the same
//!   choices as `run`, eager and lazy, also when every step's state is saved and restored
//!   into another interpreter, and when a run is taken up again from an old snapshot;
//! - trials through the memo of finished runs, trials interpreted one by one, trials on
//!   two threads and plain runs of the same streams count the same;
//! - the state key's reductions (forgotten senders, symmetry) and lazy delays change no
//!   exact probability and nothing the adversary finds; every most likely run and
//!   witness replays to what it claims; what `analyze` finds possible, `explore` does;
//! - two states with equal keys (reductions off) go on alike.
//!
//! Each property is a proptest over a fixed seed, without failure files, whatever the
//! environment (`generator::config`): the same cases on every machine.

#![allow(clippy::print_stdout, reason = "the generator's coverage, shown with --nocapture")]

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use herald::analysis::budget::Limits;
use herald::analysis::exact::{self, Exact, ExactError};
use herald::analysis::explore::{self, ExploreError, Explored, Reach};
use herald::analysis::trials::{self, Tally, TrialError, fate_index, outcome_index};
use herald::check::Model;
use herald::sim::{About, Choice, Chooser, Chosen, Decided, Mode, Recording, RunError, Seeded, Sim, Snapshot};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, Zero};
use proptest::prelude::*;

mod common;
use common::generator::{self, scenario};

/// Events per run: low enough that some generated runs hit the bound (an error every mode
/// must report alike), high enough for nearly all to finish.
const MAX_EVENTS: u64 = 2_000;

/// Distinct states per search: most generated scenarios fit (see
/// `generated_scenarios_load_and_run`), and a search that does not stops within 0.2 s.
const MAX_STATES: u64 = 4_000;

/// A generated scenario, loaded (or the case is rejected: nearly all load, see
/// `generated_scenarios_load_and_run`).
fn loaded(src: &str) -> Result<herald::Loaded, TestCaseError> {
    herald::load("generated.herald", src.as_bytes(), &[]).map_err(|_| TestCaseError::reject("does not load"))
}

// ---------------------------------------------------------------- what runs come to

/// One call the interpreter made to its chooser.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Choice(Choice, u32),
    About(About),
}

/// Wraps a chooser and notes every choice and what it was about.
struct Log<C> {
    inner: C,
    steps: Vec<Step>,
}

impl<C: Chooser> Log<C> {
    fn new(inner: C) -> Log<C> {
        Log { inner, steps: Vec::new() }
    }
}

impl<C: Chooser> Chooser for Log<C> {
    fn choose(&mut self, c: &Choice) -> Chosen {
        let r = self.inner.choose(c);
        self.steps.push(Step::Choice(*c, r.index));
        r
    }

    fn about(&mut self, m: &About) {
        self.inner.about(m);
        self.steps.push(Step::About(*m));
    }
}

/// The indices of the choices in `steps`.
fn indices(steps: &[Step]) -> Vec<u32> {
    steps.iter().filter_map(|s| if let Step::Choice(_, i) = s { Some(*i) } else { None }).collect()
}

/// Replays choice indices; past their end (or asked for an option a choice does not
/// have), it takes the first option and says so.
struct Replay {
    choices: Vec<u32>,
    at: usize,
    off: bool,
}

impl Replay {
    fn new(choices: Vec<u32>) -> Replay {
        Replay { choices, at: 0, off: false }
    }
}

impl Chooser for Replay {
    fn choose(&mut self, c: &Choice) -> Chosen {
        let i = match self.choices.get(self.at) {
            Some(&i) if i < c.options() => i,
            _ => {
                self.off = true;
                0
            }
        };
        self.at += 1;
        Chosen { index: i, draw: None }
    }
}

/// How a finished run ended: what a mode of the interpreter must reproduce.
fn finish(sim: &Sim) -> String {
    format!(
        "end {:?} at tick {}; decisions {:?}; crashed {:?}; captures {}, crashes chosen {}; vars {:?}; outcome {:?}, blocked {}",
        sim.state().end,
        sim.state().now,
        sim.state().decisions,
        sim.state().crashed,
        sim.state().captures,
        sim.state().crashes_chosen,
        sim.state().vars,
        sim.outcome(),
        sim.blocked()
    )
}

/// What a run came to: its result, the calls to its chooser, and its end if it finished.
#[derive(Debug, Clone, PartialEq)]
struct Came {
    result: Result<(), RunError>,
    steps: Vec<Step>,
    end: String,
}

fn came(sim: &Sim, result: Result<(), RunError>, steps: Vec<Step>) -> Came {
    let end = if result.is_ok() { finish(sim) } else { String::new() };
    Came { result, steps, end }
}

/// Fails (with the first difference, and the scenario) unless `got` is `want`.
fn same(what: &str, got: &Came, want: &Came, src: &str) -> Result<(), TestCaseError> {
    if got.result != want.result {
        return Err(TestCaseError::fail(format!(
            "{what}: the result differs: {:?}, expected {:?}\n{src}",
            got.result, want.result
        )));
    }
    if got.steps != want.steps {
        let i = got.steps.iter().zip(&want.steps).take_while(|(a, b)| a == b).count();
        return Err(TestCaseError::fail(format!(
            "{what}: the choices differ at call {i} of {} (expected {}): {:?}, expected {:?}\n{src}",
            got.steps.len(),
            want.steps.len(),
            got.steps.get(i),
            want.steps.get(i)
        )));
    }
    if got.end != want.end {
        return Err(TestCaseError::fail(format!(
            "{what}: the end differs:\n  {}\nexpected\n  {}\n{src}",
            got.end, want.end
        )));
    }
    Ok(())
}

/// [`same`] for a staged run: when the run stops at an error in a tick's rules, the staged
/// run has not yet chosen the fates of the messengers sent earlier in that tick (they come
/// after the tick's rules, one per step): its calls are a beginning of the others.
fn same_staged(what: &str, got: &Came, want: &Came, src: &str) -> Result<(), TestCaseError> {
    if want.result.is_err() && got.result == want.result && want.steps.starts_with(&got.steps) {
        return Ok(());
    }
    same(what, got, want, src)
}

/// Runs `test` on `cases` values of `strategy` drawn from `seed` (`generator::config`:
/// whatever the environment, unlike the `proptest!` macro, whose configuration
/// `PROPTEST_*` variables override), shrinking a failure to a minimal one.
fn check<S: Strategy>(cases: u32, seed: u64, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>) {
    let mut runner = proptest::test_runner::TestRunner::new(generator::config(cases, seed));
    if let Err(e) = runner.run(&strategy, test) {
        panic!("{e}");
    }
}

// ---------------------------------------------------------------- the generator

/// Scenarios drawn from a fixed seed load (at least 80% of them; by construction nearly
/// all), and loading, running, analysing and exploring them never panics. Prints what
/// they came to and which forms of the language they use
/// (`cargo test --test equivalence -- --nocapture`).
#[test]
fn generated_scenarios_load_and_run() {
    let all = generator::sample(300, 7);
    let mut loaded = 0;
    let mut tally: std::collections::BTreeMap<String, usize> = Default::default();
    let mut note = |what: String| *tally.entry(what).or_default() += 1;
    let mut symmetric = 0;
    let mut exact_finished = 0;
    for (i, src) in all.iter().enumerate() {
        let l = catch_unwind(|| herald::load("generated.herald", src.as_bytes(), &[]))
            .unwrap_or_else(|_| panic!("loading scenario {i} panics:\n{src}"));
        let l = match l {
            Ok(l) => l,
            Err(f) => {
                for d in f.diags.iter().filter(|d| d.is_error()) {
                    note(format!("does not load: {}", d.code));
                }
                continue;
            }
        };
        loaded += 1;
        let m = &l.model;
        symmetric += herald::sim::symmetry::Symmetry::of(m).any() as usize;
        catch_unwind(AssertUnwindSafe(|| {
            let mut sim = Sim::new(m, Mode::Traced);
            sim.max_events = MAX_EVENTS;
            for seed in 0..3 {
                note(match sim.run(&mut Seeded::new(seed)) {
                    Ok(()) => format!("run: {:?}", sim.outcome()),
                    Err(RunError::EventLimit { .. }) => "run: event limit".into(),
                    Err(RunError::Arithmetic { .. }) => "run: arithmetic error".into(),
                });
            }
            note(match exact::analyze(m, MAX_STATES, None) {
                Ok(_) => {
                    exact_finished += 1;
                    "analyze: finished".into()
                }
                Err(ExactError::Stopped(_)) => "analyze: too many states".into(),
                Err(ExactError::Run { .. }) => "analyze: a run stopped".into(),
            });
            note(match explore::explore(m, MAX_STATES, false) {
                Ok(_) => "explore: finished".into(),
                Err(ExploreError::Stopped(_)) => "explore: too many states".into(),
                Err(ExploreError::Run { .. }) => "explore: a run stopped".into(),
            });
        }))
        .unwrap_or_else(|_| panic!("scenario {i} panics in a run or a search:\n{src}"));
    }
    let n = all.len();
    println!("{loaded} of {n} generated scenarios load; {symmetric} have interchangeable generals");
    for (what, count) in &tally {
        println!("  {what}: {count}");
    }
    println!("forms used (share of scenarios):");
    let mut rare = Vec::new();
    for form in generator::FORMS {
        let used = all.iter().filter(|s| s.contains(form)).count();
        println!("  {form:?}: {:.1}%", 100.0 * used as f64 / n as f64);
        if used < 2 {
            rare.push(form);
        }
    }
    assert!(loaded * 10 >= n * 8, "only {loaded} of {n} generated scenarios load: {tally:?}");
    assert!(rare.is_empty(), "forms the generator hardly ever writes: {rare:?}");
    assert!(symmetric * 10 >= loaded, "only {symmetric} of {loaded} scenarios with interchangeable generals");
    assert!(exact_finished * 2 >= loaded, "only {exact_finished} of {loaded} scenarios analysed exactly");
}

// ---------------------------------------------------------------- lean, plain, traced

fn sim_in(m: &Model, mode: Mode) -> Sim<'_> {
    let mut sim = Sim::new(m, mode);
    sim.max_events = MAX_EVENTS;
    sim
}

/// Lean runs (sets of senders heard, compiled conditions, fanned-out sends, skipped
/// ticks, one-round runs), plain runs and traced runs of the same seed make the same
/// choices about the same messengers, stop at the same error or end alike: decisions
/// (what, when, by which rule), crashes, captures, variables, outcome. One interpreter
/// per mode, reused from seed to seed (as trials reuse theirs).
#[test]
fn lean_plain_and_traced_runs_agree() {
    check(200, 0x1ea7, (scenario(), 0u64..1_000_000), |(src, seed)| {
        let l = loaded(&src)?;
        let m = &l.model;
        let mut sims = [Mode::Traced, Mode::Plain, Mode::Lean].map(|mode| (mode, sim_in(m, mode)));
        for s in seed..seed + 6 {
            let mut want: Option<Came> = None;
            for (mode, sim) in sims.iter_mut() {
                let mut ch = Log::new(Seeded::new(s));
                let r = sim.run(&mut ch);
                let got = came(sim, r, ch.steps);
                match &want {
                    None => want = Some(got),
                    Some(want) => same(&format!("{mode:?} run, seed {s}"), &got, want, &src)?,
                }
            }
        }
        Ok(())
    });
}

// ---------------------------------------------------------------- staged and stepped

fn staged_sim(m: &Model, lazy: bool) -> Sim<'_> {
    let mut sim = Sim::new(m, Mode::Staged { lazy });
    sim.max_events = MAX_EVENTS;
    sim
}

/// Whole ticks: the plain interpreter, or with lazy delivery.
fn unstaged(m: &Model, lazy: bool) -> Sim<'_> {
    let mut sim = Sim::new(m, if lazy { Mode::Staged { lazy } } else { Mode::Plain });
    sim.max_events = MAX_EVENTS;
    sim
}

/// `run`, with the choices of `seed`.
fn whole(m: &Model, lazy: bool, seed: u64) -> Came {
    let mut sim = unstaged(m, lazy);
    let mut ch = Log::new(Seeded::new(seed));
    let r = sim.run(&mut ch);
    came(&sim, r, ch.steps)
}

/// `start`, then `step` until the run ends.
fn stepped(m: &Model, lazy: bool, seed: u64) -> Came {
    let mut sim = unstaged(m, lazy);
    sim.start();
    let mut ch = Log::new(Seeded::new(seed));
    let r = loop {
        match sim.step(&mut ch) {
            Ok(false) => {}
            Ok(true) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    came(&sim, r, ch.steps)
}

/// `defer`, `start`, then `advance` until the run ends.
fn staged(m: &Model, lazy: bool, seed: u64) -> Came {
    let mut sim = staged_sim(m, lazy);
    sim.start();
    let mut ch = Log::new(Seeded::new(seed));
    let r = loop {
        match sim.advance(&mut ch) {
            Ok(false) => {}
            Ok(true) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    came(&sim, r, ch.steps)
}

/// A staged run that, after every step, is saved and restored into the other of two
/// interpreters and goes on there (restoring over the state of two steps before); the
/// restored state saves as the snapshot it came from. Also returns each step's snapshot
/// with the calls to the chooser made before it.
fn staged_restored(m: &Model, lazy: bool, seed: u64) -> Result<(Came, Vec<(Snapshot, usize)>), String> {
    let mut sims = [staged_sim(m, lazy), staged_sim(m, lazy)];
    sims[0].start();
    sims[1].start();
    let mut ch = Log::new(Seeded::new(seed));
    let mut snaps = vec![(sims[0].save(), 0)];
    let mut cur = 0;
    let r = loop {
        match sims[cur].advance(&mut ch) {
            Ok(false) => {
                let snap = sims[cur].save();
                sims[1 - cur].restore(&snap);
                let again = format!("{:?}", sims[1 - cur].save());
                if again != format!("{snap:?}") {
                    return Err(format!("step {}: a restored state saves otherwise", snaps.len()));
                }
                snaps.push((snap, ch.steps.len()));
                cur = 1 - cur;
            }
            Ok(true) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    Ok((came(&sims[cur], r, ch.steps), snaps))
}

/// A staged run (one messenger's fate, or a tick's crashes, per `advance`) and a run of
/// whole ticks (`step`) make the same choices in the same order, about the same
/// messengers, as `run`, and end alike; eager and lazy. Saving and restoring between
/// steps, into another interpreter, changes nothing; and the run taken up again from
/// an old snapshot, over an interpreter in another state, with the same choices,
/// makes the same calls and ends alike.
#[test]
fn staged_and_stepped_runs_agree() {
    check(150, 0x57a9e, (scenario(), 0u64..1_000_000), |(src, seed)| {
        let l = loaded(&src)?;
        let m = &l.model;
        for lazy in [false, true] {
            for s in seed..seed + 3 {
                let what = |how: &str| format!("{how} run, lazy {lazy}, seed {s}");
                let want = whole(m, lazy, s);
                same(&what("stepped"), &stepped(m, lazy, s), &want, &src)?;
                same_staged(&what("staged"), &staged(m, lazy, s), &want, &src)?;
                let (got, snaps) = staged_restored(m, lazy, s)
                    .map_err(|e| TestCaseError::fail(format!("{}: {e}\n{src}", what("restored"))))?;
                same_staged(&what("restored"), &got, &want, &src)?;
                if want.result.is_err() {
                    continue;
                }
                // Taken up again from three snapshots along the run, each over the state
                // the last one ended in.
                let mut over = staged_sim(m, lazy);
                over.start();
                let k = snaps.len();
                for i in [k / 4, k / 2, k - 1] {
                    let (snap, calls) = &snaps[i];
                    over.restore(snap);
                    let rest = &want.steps[*calls..];
                    let mut ch = Log::new(Replay::new(indices(rest)));
                    let r = loop {
                        match over.advance(&mut ch) {
                            Ok(false) => {}
                            Ok(true) => break Ok(()),
                            Err(e) => break Err(e),
                        }
                    };
                    prop_assert!(!ch.inner.off, "{}: from snapshot {i}, other choices\n{src}", what("resumed"));
                    let got = came(&over, r, ch.steps);
                    let want_rest = Came { steps: rest.to_vec(), ..want.clone() };
                    same(&format!("{} from snapshot {i} of {k}", what("resumed")), &got, &want_rest, &src)?;
                }
            }
        }
        Ok(())
    });
}

// ---------------------------------------------------------------- trials

fn tally_or_error(r: Result<Tally, TrialError>) -> Result<Tally, (u64, RunError)> {
    r.map_err(|e| (e.trial, e.error))
}

/// Outcomes and fates of the trials of `cfg`, counted by hand: plain runs (no lean run,
/// no memo, no trace) of the same streams, block by block.
type Counts = ([u64; 6], Vec<[u64; 5]>);

fn by_hand(m: &Model, cfg: &trials::Config) -> Result<Counts, (u64, RunError)> {
    let mut sim = Sim::new(m, Mode::Plain);
    sim.max_events = cfg.max_events;
    let mut outcomes = [0; 6];
    let mut fates = vec![[0; 5]; m.generals.len()];
    for b in 0..cfg.trials.div_ceil(trials::BLOCK) {
        let mut rng = Seeded::stream(cfg.seed, b);
        for k in b * trials::BLOCK..((b + 1) * trials::BLOCK).min(cfg.trials) {
            sim.run(&mut rng).map_err(|e| (k, e))?;
            outcomes[outcome_index(sim.outcome())] += 1;
            for (g, f) in fates.iter_mut().enumerate() {
                f[fate_index(&sim, g)] += 1;
            }
        }
    }
    Ok((outcomes, fates))
}

/// Trials through the memo of finished runs (`trials::run`) and trials interpreted one
/// by one (`run_interpreted`) give the same tally, explained trials and their reasons
/// included, or stop at the same trial with the same error; so do two threads; and
/// the outcomes and fates are those of plain runs of the same streams.
#[test]
fn memo_and_interpreted_trials_agree() {
    check(100, 0x7a11, (scenario(), 0u64..1_000_000, 1u64..600), |(src, seed, trials)| {
        let l = loaded(&src)?;
        let m = &l.model;
        let cfg = trials::Config { trials, seed, jobs: Some(1), explain: 7, max_events: MAX_EVENTS, progress: None };
        let memo = tally_or_error(trials::run(m, &src, &cfg));
        let interpreted = tally_or_error(trials::run_interpreted(m, &src, &cfg));
        prop_assert_eq!(&memo, &interpreted, "memo and interpreted trials\n{}", src);
        let threads = tally_or_error(trials::run(m, &src, &trials::Config { jobs: Some(2), ..cfg.clone() }));
        prop_assert_eq!(&memo, &threads, "one and two threads\n{}", src);
        let hand = by_hand(m, &cfg);
        match (&memo, &hand) {
            (Ok(t), Ok((outcomes, fates))) => {
                prop_assert_eq!(t.trials, trials);
                prop_assert_eq!(&t.outcomes, outcomes, "outcomes, against plain runs\n{}", src);
                prop_assert_eq!(&t.fates, fates, "fates, against plain runs\n{}", src);
            }
            (Err(a), Err(b)) => prop_assert_eq!(a, b, "the first error\n{}", src),
            _ => {
                prop_assert!(false, "trials: {:?}, plain runs: {:?}\n{}", memo.as_ref().map(|t| t.outcomes), hand, src)
            }
        }
        Ok(())
    });
}

// ---------------------------------------------------------------- exact analysis

/// The probability of the choices a run made, from its record.
fn probability(log: &[(Choice, Chosen)]) -> BigRational {
    let mut p = BigRational::one();
    for (c, r) in log {
        p *= match c {
            Choice::Delay { lo, hi } => BigRational::new(BigInt::one(), BigInt::from(hi - lo + 1)),
            Choice::Chance { p } => {
                let num = if r.index == 1 { p.num } else { p.den - p.num };
                BigRational::new(BigInt::from(num), BigInt::from(p.den))
            }
        };
    }
    p
}

/// Replays `choices` (with the trace on, as reports do); fails unless they fit the run.
fn replay<'m>(m: &'m Model, choices: &[u32], src: &str) -> Result<(Sim<'m>, Vec<(Choice, Chosen)>), TestCaseError> {
    let mut sim = Sim::new(m, Mode::Traced);
    let mut rec = Recording { inner: Replay::new(choices.to_vec()), log: Vec::new() };
    let r = sim.run(&mut rec);
    prop_assert!(r.is_ok(), "a replay stops: {:?}\n{}", r, src);
    prop_assert!(!rec.inner.off && rec.inner.at == choices.len(), "choices that do not fit the run\n{}", src);
    Ok((sim, rec.log))
}

/// Checks the most likely run of each outcome: it replays to it, with the probability
/// stated.
fn check_most_likely(m: &Model, e: &Exact, what: &str, src: &str) -> Result<(), TestCaseError> {
    for (i, best) in e.most_likely.iter().enumerate() {
        prop_assert_eq!(
            best.is_some(),
            !e.outcomes[i].is_zero(),
            "{}: outcome {} has a most likely run\n{}",
            what,
            i,
            src
        );
        if let Some((p, choices)) = best {
            let (sim, log) = replay(m, choices, src)?;
            prop_assert_eq!(outcome_index(sim.outcome()), i, "{}: the most likely run's outcome\n{}", what, src);
            prop_assert_eq!(&probability(&log), p, "{}: the most likely run's probability\n{}", what, src);
        }
    }
    Ok(())
}

/// The most likely run of each outcome has the same probability in both analyses.
fn same_most_likely(a: &Exact, b: &Exact, what: &str, src: &str) -> Result<(), TestCaseError> {
    for (i, (x, y)) in a.most_likely.iter().zip(&b.most_likely).enumerate() {
        prop_assert_eq!(
            x.as_ref().map(|x| &x.0),
            y.as_ref().map(|y| &y.0),
            "{}: most likely run of outcome {}\n{}",
            what,
            i,
            src
        );
    }
    Ok(())
}

/// Equal answers, or both stopped by a run (unless one of them has too many states:
/// then `None`).
fn exact_pair<'a>(
    a: &'a Result<Exact, ExactError>,
    b: &'a Result<Exact, ExactError>,
    what: &str,
    src: &str,
) -> Result<Option<(&'a Exact, &'a Exact)>, TestCaseError> {
    match (a, b) {
        (Err(ExactError::Stopped(_)), _) | (_, Err(ExactError::Stopped(_))) => Ok(None),
        (Ok(x), Ok(y)) => {
            prop_assert_eq!(&x.outcomes, &y.outcomes, "{}: outcomes\n{}", what, src);
            prop_assert_eq!(&x.fates, &y.fates, "{}: fates\n{}", what, src);
            prop_assert_eq!(&x.commits, &y.commits, "{}: commits\n{}", what, src);
            Ok(Some((x, y)))
        }
        (Err(ExactError::Run { .. }), Err(ExactError::Run { .. })) => Ok(None),
        _ => Err(TestCaseError::fail(format!("{what}: one analysis finishes, the other stops at a run\n{src}"))),
    }
}

/// Exact probabilities the long way: every sequence of choices of a staged run enumerated
/// with its probability, nothing merged (`None` past `limit` runs, or when a run stops at a
/// limit).
fn brute_force(m: &Model, limit: usize) -> Option<Exact> {
    let mut sim = staged_sim(m, false);
    sim.max_events = herald::sim::DEFAULT_MAX_EVENTS;
    let zero = BigRational::zero;
    let n = m.generals.len();
    let mut e = Exact {
        outcomes: vec![zero(); trials::OUTCOMES.len()],
        fates: (0..n).map(|_| std::array::from_fn(|_| zero())).collect(),
        commits: vec![Default::default(); n],
        states: 0,
        steps: 0,
        most_likely: vec![None; trials::OUTCOMES.len()],
        max_events: herald::sim::DEFAULT_MAX_EVENTS,
    };
    let mut prefix = Vec::new();
    for _ in 0..limit {
        sim.start();
        let mut walk = Walk { prefix: &prefix, taken: Vec::new() };
        while !sim.advance(&mut walk).ok()? {}
        let p = probability(&walk.taken);
        e.outcomes[outcome_index(sim.outcome())] += &p;
        for g in 0..n {
            e.fates[g][fate_index(&sim, g)] += &p;
            if let Some(Decided::Commit(v)) = sim.state().decisions[g].map(|d| d.what) {
                *e.commits[g].entry(v).or_insert_with(zero) += &p;
            }
        }
        let taken = walk.taken;
        if !next_prefix(&taken, &mut prefix) {
            return Some(e);
        }
    }
    None
}

/// Exact probabilities do not depend on the state key's reductions (forgotten senders,
/// symmetry) nor on lazy delays: the same outcomes, fates and commits; the most likely
/// run of each outcome has the same probability with and without the reductions, and
/// every one replays to its outcome with the probability stated. When the runs are
/// few enough to enumerate one by one (400), the answers are theirs.
#[test]
fn reductions_and_lazy_delays_change_no_exact_answer() {
    check(200, 0xe8ac7, scenario(), |src| {
        let l = loaded(&src)?;
        let m = &l.model;
        let reduced = exact::analyze_with(m, Limits::states(MAX_STATES), None, false, true);
        if matches!(reduced, Err(ExactError::Stopped(_))) {
            // (Without the reductions, more states still; lazily, seldom enough fewer.)
            return Ok(());
        }
        let plain = exact::analyze_with(m, Limits::states(MAX_STATES), None, false, false);
        let lazy = exact::analyze_with(m, Limits::states(MAX_STATES), None, true, true);
        if let Ok(e) = &reduced {
            let total: BigRational = e.outcomes.iter().sum();
            prop_assert_eq!(total, BigRational::one(), "the outcomes add up to 1\n{}", src);
            check_most_likely(m, e, "reduced", &src)?;
        }
        if let (Ok(_), Some(b)) = (&reduced, brute_force(m, 400)) {
            exact_pair(&reduced, &Ok(b.clone()), "with the reductions and run by run", &src)?;
            exact_pair(&plain, &Ok(b), "without the reductions and run by run", &src)?;
        }
        if let Some((r, p)) = exact_pair(&reduced, &plain, "reductions on and off", &src)? {
            // (Not `r.states <= p.states`: see `the_reductions_never_split_a_state`.)
            same_most_likely(r, p, "reductions on and off", &src)?;
            check_most_likely(m, p, "plain", &src)?;
        }
        if let Some((r, z)) = exact_pair(&reduced, &lazy, "eager and lazy delays", &src)? {
            // Lazily too, the most likely run is an ordinary run, as likely as eagerly.
            same_most_likely(r, z, "eager and lazy delays", &src)?;
            check_most_likely(m, z, "lazy", &src)?;
        }
        let lazy_plain = exact::analyze_with(m, Limits::states(MAX_STATES), None, true, false);
        if let Some((_, z)) = exact_pair(&plain, &lazy_plain, "eager and lazy delays without the reductions", &src)? {
            check_most_likely(m, z, "lazy without the reductions", &src)?;
        }
        Ok(())
    });
}

/// The adversary's search cut into parts (`--shard`) keeps, for each thing reached, the
/// witness the whole search keeps: the least over the parts by captures, ticks and where
/// it was met (`Witness::order`) is the whole search's witness, choice for choice, on
/// generated scenarios (synchronous and asynchronous: merged states, symmetry, states
/// compared across ticks and within windows).
#[test]
fn parts_of_a_search_keep_the_whole_search_s_witnesses() {
    let split = std::cell::Cell::new(0);
    let test = |src: String| {
        let Ok(l) = herald::load("generated.herald", src.as_bytes(), &[]) else {
            return Ok(());
        };
        let m = &l.model;
        let limits = Limits::states(MAX_STATES);
        let Ok(whole) = explore::explore_limited(m, limits, false) else {
            return Ok(());
        };
        for parts in [2u64, 3, 5] {
            let mut best: std::collections::BTreeMap<Reach, explore::Witness> = Default::default();
            for k in 0..parts {
                let Ok(part) = explore::explore_part(m, limits, false, (k, parts)) else {
                    return Ok(());
                };
                for (r, w) in part.reached {
                    if best.get(&r).is_none_or(|b| w.rank() < b.rank()) {
                        best.insert(r, w);
                    }
                }
            }
            split.set(split.get() + 1);
            for (r, w) in &whole.reached {
                let b = best.get(r);
                prop_assert!(b.is_some(), "{r:?} reached by the whole search, by no part ({parts} parts)\n{src}");
                let b = b.unwrap();
                prop_assert_eq!(
                    (b.captures, b.ticks, &b.choices),
                    (w.captures, w.ticks, &w.choices),
                    "{:?}: {} parts and the whole search keep different witnesses\n{}",
                    r,
                    parts,
                    src
                );
            }
            prop_assert_eq!(best.len(), whole.reached.len(), "the parts reach what the whole reaches\n{}", src);
        }
        Ok(())
    };
    check(150, 0x5a4d, scenario(), test);
    check(150, 0x5a4e, asynchronous(), test);
    assert!(split.get() >= 500, "{} searches split and compared", split.get());
}

/// Alike arrivals counted (the reductions on: of alike messengers, the analysis chooses
/// how many arrive and weighs each sequence by the runs it stands for) change no exact
/// answer: on asynchronous scenarios, which send alike messengers, lazy analysis with and
/// without the reductions gives the same probabilities, and most likely runs of the same
/// probability that replay to their outcome with it.
#[test]
fn counted_arrivals_change_no_exact_answer() {
    let compared = std::cell::Cell::new(0);
    check(300, 0xa11c, asynchronous(), |src| {
        let Ok(l) = herald::load("async.herald", src.as_bytes(), &[]) else {
            return Ok(());
        };
        let m = &l.model;
        let on = exact::analyze_with(m, Limits::states(MAX_STATES), None, true, true);
        let off = exact::analyze_with(m, Limits::states(MAX_STATES), None, true, false);
        if let Some((a, b)) = exact_pair(&on, &off, "alike arrivals counted and not", &src)? {
            same_most_likely(a, b, "alike arrivals counted and not", &src)?;
            check_most_likely(m, a, "alike arrivals counted", &src)?;
            compared.set(compared.get() + src.contains("    send propose(x) to") as u32);
        }
        Ok(())
    });
    assert!(compared.get() >= 30, "{} of 300 scenarios compared with alike messengers", compared.get());
}

/// The state key's reductions only merge states: a scenario never has more distinct
/// states with them than without (what `tests/likelihood.rs` checks on the bundled
/// scenarios). On generated scenarios it does (600 cases: some fail); see the minimised
/// cases below.
#[test]
#[ignore = "bug: with forgotten senders, the reduced key splits states the plain key merges (a missed merge: more states, the same answers); see a_duplicate_splits_states_when_senders_are_forgotten"]
fn the_reductions_never_split_a_state() {
    check(600, 0xe8ac7, scenario(), |src| {
        let l = loaded(&src)?;
        let m = &l.model;
        if let (Ok(r), Ok(p)) = (
            exact::analyze_with(m, Limits::states(MAX_STATES), None, false, true),
            exact::analyze_with(m, Limits::states(MAX_STATES), None, false, false),
        ) {
            prop_assert!(
                r.states <= p.states,
                "{} states with the reductions, {} without\n{}",
                r.states,
                p.states,
                src
            );
        }
        Ok(())
    });
}

/// The minimised cases. (1) B sends two copies of a plan to C, each may be duplicated:
/// at the start of tick 1, the state where only the first copy was duplicated and the
/// one where only the second was have one plain key (three plans arrive at C now), but
/// two reduced keys (C's senders are forgotten: B sends nothing after tick 0); `analyze`
/// explores 7 states with the reductions, 6 without. (2) A sends x, y, x to B over a
/// channel of delay 1..2: 20 states with the reductions, 17 without. The answers are the
/// same: merges missed, never a wrong one.
#[test]
#[ignore = "bug: missed merges with forgotten senders, duplicates or delay ranges (7 states with the reductions, 6 without; 20 and 17)"]
fn a_duplicate_splits_states_when_senders_are_forgotten() {
    for src in [
        "channel * -> * { duplicate 1 in 2 }\ngeneral B { on start { send plan to C 2 times } }\ngeneral C { }\n",
        "channel A -> B { delay 1..2 }\ngeneral A { on start { send x to B  send y to B  send x to B } }\ngeneral B { }\n",
    ] {
        let l = herald::load("split.herald", src.as_bytes(), &[]).expect("loads");
        let reduced = exact::analyze_with(&l.model, Limits::states(1_000), None, false, true).expect("analysed");
        let plain = exact::analyze_with(&l.model, Limits::states(1_000), None, false, false).expect("analysed");
        assert_eq!(reduced.outcomes, plain.outcomes);
        assert!(
            reduced.states <= plain.states,
            "{} states with the reductions, {} without:\n{src}",
            reduced.states,
            plain.states
        );
    }
}

// ---------------------------------------------------------------- the adversary

/// Checks that each witness replays to what it reached, in its ticks.
fn check_witnesses(m: &Model, x: &Explored, what: &str, src: &str) -> Result<(), TestCaseError> {
    for (r, w) in &x.reached {
        let (sim, _) = replay(m, &w.choices, src)?;
        prop_assert_eq!(sim.state().now, w.ticks, "{}: {:?}: the witness's ticks\n{}", what, r, src);
        match r {
            Reach::Outcome(i) => prop_assert_eq!(outcome_index(sim.outcome()), *i, "{}: {:?}\n{}", what, r, src),
            Reach::Blocked => prop_assert!(sim.blocked(), "{}: {:?}\n{}", what, r, src),
            Reach::Fate(g, f) => prop_assert_eq!(fate_index(&sim, *g as usize), *f, "{}: {:?}\n{}", what, r, src),
            Reach::Commit(g, v) => prop_assert_eq!(
                sim.state().decisions[*g as usize].map(|d| d.what),
                Some(Decided::Commit(*v)),
                "{}: {:?}\n{}",
                what,
                r,
                src
            ),
        }
    }
    Ok(())
}

/// What exact analysis says can happen (probability above zero), as the adversary's
/// reaches.
fn possible(e: &Exact) -> Vec<Reach> {
    let mut out = Vec::new();
    for (i, p) in e.outcomes.iter().enumerate() {
        if !p.is_zero() {
            out.push(Reach::Outcome(i));
        }
    }
    if e.fates.iter().any(|f| !f[3].is_zero()) {
        out.push(Reach::Blocked);
    }
    for (g, fates) in e.fates.iter().enumerate() {
        for (f, p) in fates.iter().enumerate() {
            if !p.is_zero() {
                out.push(Reach::Fate(g as u16, f));
            }
        }
    }
    for (g, commits) in e.commits.iter().enumerate() {
        for (v, p) in commits {
            if !p.is_zero() {
                out.push(Reach::Commit(g as u16, *v));
            }
        }
    }
    out.sort();
    out
}

/// The adversary finds the same things possible, with shortest witnesses of the same
/// cost (captures, then ticks), with lazy delays or every delay chosen at the send,
/// with the reductions on or off; every witness replays to what it reached. What it
/// finds possible is what exact analysis gives a probability above zero. With fixed
/// delays it finds a part of it, at no lower cost.
#[test]
fn the_adversary_finds_the_same_whatever_the_search() {
    check(120, 0xadd5, scenario(), |src| {
        let l = loaded(&src)?;
        let m = &l.model;
        let found = explore::explore(m, MAX_STATES, false);
        let Ok(x) = &found else {
            return Ok(());
        };
        check_witnesses(m, x, "lazy, reduced", &src)?;
        let cost = |x: &Explored| x.reached.iter().map(|(r, w)| (r.clone(), (w.captures, w.ticks))).collect::<Vec<_>>();
        for (lazy, reduce) in [(true, false), (false, true), (false, false)] {
            let what = format!("lazy {lazy}, reduce {reduce}");
            match explore::explore_with(m, MAX_STATES, false, lazy, reduce) {
                Ok(y) => {
                    prop_assert_eq!(cost(&y), cost(x), "{}: what is possible, and at what cost\n{}", what, src);
                    check_witnesses(m, &y, &what, &src)?;
                }
                Err(ExploreError::Stopped(_)) => {}
                Err(e) => prop_assert!(false, "{}: {:?}\n{}", what, e, src),
            }
        }
        if let Ok(e) = exact::analyze(m, MAX_STATES, None) {
            let reached: Vec<Reach> = x.reached.keys().cloned().collect();
            prop_assert_eq!(reached, possible(&e), "explore and analyze\n{}", src);
        }
        if let Ok(f) = explore::explore(m, MAX_STATES, true) {
            for (r, w) in &f.reached {
                let any = x.reached.get(r);
                prop_assert!(
                    any.is_some_and(|a| (a.captures, a.ticks) <= (w.captures, w.ticks)),
                    "fixed delays reach {:?} at {:?}, any delays at {:?}\n{}",
                    r,
                    (w.captures, w.ticks),
                    any.map(|a| (a.captures, a.ticks)),
                    src
                );
            }
        }
        Ok(())
    });
}

// ---------------------------------------------------------------- state keys

/// Chooses along a prefix of indices, then the first possible option of each choice;
/// notes what it chose.
struct Walk<'a> {
    prefix: &'a [u32],
    taken: Vec<(Choice, Chosen)>,
}

/// Whether option `i` of a choice has probability zero.
fn impossible(c: &Choice, i: u32) -> bool {
    match c {
        Choice::Delay { .. } => false,
        Choice::Chance { p } => (i == 1 && p.num == 0) || (i == 0 && p.num == p.den),
    }
}

impl Chooser for Walk<'_> {
    fn choose(&mut self, c: &Choice) -> Chosen {
        let index = match self.prefix.get(self.taken.len()) {
            Some(&i) => i,
            None => (0..c.options()).find(|i| !impossible(c, *i)).unwrap_or(0),
        };
        let r = Chosen { index, draw: None };
        self.taken.push((*c, r));
        r
    }
}

/// The next sequence of choices after `taken` (an odometer over the possible options).
fn next_prefix(taken: &[(Choice, Chosen)], prefix: &mut Vec<u32>) -> bool {
    for j in (0..taken.len()).rev() {
        let (c, r) = taken[j];
        if let Some(next) = (r.index + 1..c.options()).find(|k| !impossible(&c, *k)) {
            prefix.clear();
            prefix.extend(taken[..j].iter().map(|(_, r)| r.index));
            prefix.push(next);
            return true;
        }
    }
    false
}

/// What every run from `snap` on comes to, with its probability: each sequence of
/// choices enumerated, nothing merged (`None` when that takes more steps, `advance`
/// calls, than `budget` has left). What a run comes to: its outcome, and with
/// `by_general` each general's fate and value; or that it stopped, and why.
fn futures(sim: &mut Sim, snap: &Snapshot, by_general: bool, budget: &mut usize) -> Option<Vec<(String, BigRational)>> {
    let mut out: HashMap<String, BigRational> = HashMap::new();
    let mut prefix = Vec::new();
    loop {
        sim.restore(snap);
        let mut walk = Walk { prefix: &prefix, taken: Vec::new() };
        let r = loop {
            if *budget == 0 {
                return None;
            }
            *budget -= 1;
            match sim.advance(&mut walk) {
                Ok(false) => {}
                Ok(true) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        let what = match r {
            Err(RunError::EventLimit { .. }) => "event limit".to_string(),
            Err(RunError::Arithmetic { what, .. }) => format!("arithmetic: {what}"),
            Ok(()) if by_general => {
                let (end, now) = (sim.state().end, sim.state().now);
                let fates: Vec<String> = (0..sim.state().decisions.len())
                    .map(|g| match sim.state().decisions[g].map(|d| d.what) {
                        Some(Decided::Commit(v)) => format!("commit {v}"),
                        _ => trials::FATES[fate_index(sim, g)].to_string(),
                    })
                    .collect();
                format!("{:?} {fates:?}, {end:?} at {now}", sim.outcome())
            }
            Ok(()) => format!("{:?}, {:?} at {}", sim.outcome(), sim.state().end, sim.state().now),
        };
        *out.entry(what).or_insert_with(BigRational::zero) += probability(&walk.taken);
        let taken = walk.taken;
        if !next_prefix(&taken, &mut prefix) {
            let mut out: Vec<(String, BigRational)> = out.into_iter().collect();
            out.sort();
            return Some(out);
        }
    }
}

/// Pairs of different states with one key at one point of a run (`Sim::progress`), as a
/// search meets them: the states of the staged runs, breadth first (each state's
/// children one `advance` on, one per sequence of choices), up to `limit` distinct states
/// and 100 pairs.
type Merge = ((u32, u32), Snapshot, Snapshot);

/// Much of what tells states apart that a key may leave out: what each general received
/// and sent, when, and from or to whom, its variables and decisions (a hash of them; when
/// it is equal, the snapshots are compared).
fn fingerprint(sim: &Sim) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    (
        sim.state().now,
        &sim.state().decisions,
        &sim.state().crashed,
        &sim.state().recv,
        &sim.state().sent,
        &sim.state().vars,
        sim.state().captures,
    )
        .hash(&mut h);
    h.finish()
}

fn merges(m: &Model, lazy: bool, reduce: bool, limit: usize) -> Vec<Merge> {
    let mut sim = staged_sim(m, lazy);
    sim.set_reductions(reduce);
    sim.start();
    let mut frontier: std::collections::BTreeMap<(u32, u32), Vec<Snapshot>> = Default::default();
    frontier.entry(sim.progress()).or_default().push(sim.save());
    // By point and key: the first state met, and its fingerprint.
    type Key = ((u32, u32), Vec<u64>);
    let mut seen: HashMap<Key, (Snapshot, u64)> = HashMap::new();
    let (mut key, mut prefix) = (Vec::new(), Vec::new());
    let mut pairs = Vec::new();
    while let Some((_, nodes)) = frontier.pop_first() {
        for node in nodes {
            prefix.clear();
            loop {
                sim.restore(&node);
                let mut walk = Walk { prefix: &prefix, taken: Vec::new() };
                if let Ok(false) = sim.advance(&mut walk) {
                    sim.state_key(&mut key);
                    let k = (sim.progress(), key.clone());
                    let print = fingerprint(&sim);
                    match seen.get(&k) {
                        // (Not the same state reached twice: that goes on alike anyway.)
                        Some(_) if pairs.len() >= 100 => {}
                        Some((first, first_print)) => {
                            let snap = sim.save();
                            if *first_print != print || format!("{first:?}") != format!("{snap:?}") {
                                pairs.push((k.0, first.clone(), snap));
                            }
                        }
                        None if seen.len() < limit => {
                            let snap = sim.save();
                            frontier.entry(k.0).or_default().push(snap.clone());
                            seen.insert(k, (snap, print));
                        }
                        None => {}
                    }
                }
                let taken = walk.taken;
                if !next_prefix(&taken, &mut prefix) {
                    break;
                }
            }
        }
    }
    pairs
}

/// Two different states at one point of a run (`Sim::progress`) with equal keys
/// (`Sim::state_key`), which a search merges, go on alike: every run from each,
/// enumerated, comes to the same outcomes and ends at the same ticks with the same
/// probabilities; with the reductions off, also each general's fate and value (with
/// them on, merged states may differ by a relabeling of interchangeable generals).
/// Eager and lazy; the pairs are met as a search meets them (up to 500 states), and
/// up to 6 whose runs can end in more than one way are compared, and 6 others, from
/// the end of the runs back, within a budget of steps.
#[test]
fn states_with_equal_keys_go_on_alike() {
    check(80, 0x4e75, scenario(), |src| {
        let l = loaded(&src)?;
        let m = &l.model;
        for (lazy, reduce) in [(false, false), (true, false), (false, true), (true, true)] {
            let mut pairs = merges(m, lazy, reduce, 500);
            pairs.sort_by_key(|p| std::cmp::Reverse(p.0));
            let mut other = staged_sim(m, lazy);
            other.set_reductions(reduce);
            let (mut budget, mut rich, mut one_way) = (8_000, 0, 0);
            for (at, a, b) in &pairs {
                if budget == 0 || rich == 6 {
                    break;
                }
                let mut cap = budget.min(3_000);
                let (fa, fb) = (futures(&mut other, a, !reduce, &mut cap), futures(&mut other, b, !reduce, &mut cap));
                budget -= budget.min(3_000) - cap;
                let (Some(fa), Some(fb)) = (fa, fb) else { continue };
                if fa.len() > 1 {
                    rich += 1;
                } else if one_way < 6 {
                    one_way += 1;
                } else {
                    continue;
                }
                prop_assert_eq!(
                    fa,
                    fb,
                    "lazy {}, reduce {}: two states at {:?} have one key and go on otherwise\n{}",
                    lazy,
                    reduce,
                    at,
                    src
                );
            }
        }
        Ok(())
    });
}

// ---------------------------------------------------------------- keys from parents

/// A state's key written from its parent's (the records of the generals a step did not
/// change copied, their order kept) is the key written afresh, on generated scenarios,
/// lazy and eager, with and without fixed delays and reductions.
#[test]
fn keys_written_from_parents_are_the_keys() {
    let copied = std::cell::Cell::new(0u64);
    check(120, 0x6e75, scenario(), |src| {
        let l = loaded(&src)?;
        for variant in [(false, true, true), (false, false, true), (true, false, true), (false, true, false)] {
            let mut differ = None;
            let mut check = |sim: &Sim, key: &[u64], reused: bool| {
                let mut fresh = Vec::new();
                sim.state_key(&mut fresh);
                if differ.is_none() && key != fresh.as_slice() {
                    differ = Some((key.to_vec(), fresh));
                }
                copied.set(copied.get() + reused as u64);
            };
            let _ = explore::explore_checking_keys(&l.model, 4_000, variant, &mut check);
            prop_assert!(differ.is_none(), "{:?}: a key from the parent's differs: {:?}\n{}", variant, differ, src);
        }
        Ok(())
    });
    assert!(copied.get() > 10_000, "only {} keys written from their parents'", copied.get());
}

// ---------------------------------------------------------------- asynchrony

/// Asynchronous scenarios (`delay any` everywhere, no clock read after tick 0, perhaps
/// a `crash any`, a loss or duplicates; replicas that agree on a value or generals that
/// attack on what they heard): the clock-free ones the adversary's search compares
/// across ticks (`sim::key::timeless`).
fn asynchronous() -> impl Strategy<Value = String> {
    (
        (2usize..=3, 2u32..=6, any::<bool>(), 0u8..3, 0u8..5, 0u8..3),
        proptest::collection::vec((0u8..6, 0u8..5, 0u8..8, 1i64..4), 3),
    )
        .prop_map(|((n, horizon, values, net, crash, delay), gens)| {
            let names = ["A", "B", "C"];
            let delay = ["any", "1..2", "1..3"][delay as usize];
            let mut s = format!("scenario \"async\"\nhorizon {horizon}\nchannel * <-> * {{\n  delay {delay}\n");
            match net {
                1 => s.push_str("  lose 1 in 3\n"),
                2 => s.push_str("  duplicate 50%\n"),
                _ => {}
            }
            s.push_str("}\n");
            match crash {
                1 => s.push_str(&format!("crash any 1 of {}\n", names[..n].join(", "))),
                2 => s.push_str(&format!("crash any 1 of {}\n", names[n - 1])),
                // (Opening at a stated tick: a boundary of the windowed search.)
                3 => s.push_str(&format!("crash any 1 of {} from 2 to {horizon}\n", names[..n].join(", "))),
                // (A stated crash and recovery: boundaries too.)
                4 => s.push_str(&format!("crash {0} at 2\nrecover {0} at 3\n", names[n - 1])),
                _ => {}
            }
            for (g, &(start, receive, decide, value)) in gens.iter().take(n).enumerate() {
                let next = names[(g + 1) % n];
                s.push_str(&format!("general {} {{\n  var x = {value}\n  var y = 0\n", names[g]));
                match start {
                    0 => s.push_str("  on start { send propose(x) to all }\n"),
                    1 => s.push_str(&format!("  on start {{ send propose(x) to {next} }}\n")),
                    // (A timer: its tick is a boundary of the windowed search.)
                    2 => s.push_str(&format!("  at {} {{ send propose(x) to all }}\n", 1 + value as u32 % horizon)),
                    // (Interchangeable messengers: the search chooses how many arrive.)
                    3 => s.push_str(&format!(
                        "  on start {{\n    send propose(x) to {next}\n    send propose(x) to {next}\n  }}\n"
                    )),
                    // (A periodic timer, which stops: each firing a boundary.)
                    4 => s.push_str(&format!(
                        "  every 2 until received propose from {next} {{ send propose(x) to {next} }}\n  on recover {{ send propose(x) to all }}\n"
                    )),
                    _ => {}
                }
                match receive {
                    0 => s.push_str("  on receive propose(p) if p < x { set x = p }\n"),
                    1 => s.push_str(&format!("  on receive propose(p) {{ send ack(p) to {next} }}\n")),
                    2 => s.push_str("  on receive ack(p) { set y = y + 1 }\n"),
                    3 => s.push_str(&format!(
                        "  on receive propose(p) if y < 1 {{ set y = y + 1\n send propose(p) to {next} }}\n"
                    )),
                    // (None: a general that reads what it received only when it decides.)
                    _ => {}
                }
                let at = 1 + value as u32 % horizon;
                let decision = match (values, decide) {
                    (true, 0) => "  when received propose from all { commit x }\n".to_string(),
                    (true, 1) => "  when count received propose >= 1 { commit x }\n".to_string(),
                    (true, 2) => "  when y >= 1 { commit x + y }\n".to_string(),
                    (true, 3) => format!("  when received propose from {next} {{ commit x }}\n"),
                    (true, 4 | 5) => format!("  decide at {at}: commit x + count received propose\n"),
                    (true, 6) => format!("  when received propose by {at} {{ commit x }}\n"),
                    (true, _) => format!("  decide at {horizon}: commit x if received propose from {next} by {at}\n"),
                    (false, 0) => "  when received propose from all { attack }\n".to_string(),
                    (false, 1) => "  when count received ack >= 1 { attack }\n".to_string(),
                    (false, 2) => "  when y >= 1 { attack }\n".to_string(),
                    (false, 3) => "  on receive propose(p) if p > 2 { wait }\n".to_string(),
                    (false, 4 | 5) => format!("  decide at {at}: attack if count received propose >= 1\n"),
                    (false, 6) => format!("  when received propose from {next} by {at} {{ attack }}\n"),
                    (false, _) => format!("  decide at {horizon}: attack if received propose by {at}\n"),
                };
                s.push_str(&decision);
                s.push_str("}\n");
            }
            s
        })
}

/// On asynchronous scenarios, the search that compares states across ticks and settles
/// arrivals no rule can tell apart (reductions on) finds what the search of every tick's
/// states and every arrival finds (reductions off), with witnesses of the same captures
/// and ticks that replay; and each reduction is at work on many of them.
#[test]
fn states_compared_across_ticks_change_no_answer_of_the_adversary() {
    let dominated = std::cell::Cell::new(0);
    let settled = std::cell::Cell::new(0);
    let windowed = std::cell::Cell::new(0);
    let cost = |x: &Explored| x.reached.iter().map(|(r, w)| (r.clone(), (w.captures, w.ticks))).collect::<Vec<_>>();
    check(400, 0xa5c, asynchronous(), |src| {
        let Ok(l) = herald::load("async.herald", src.as_bytes(), &[]) else {
            return Ok(());
        };
        let m = &l.model;
        let (Ok(x), Ok(y)) = (
            explore::explore_with(m, 200_000, false, true, true),
            explore::explore_with(m, 200_000, false, true, false),
        ) else {
            return Ok(());
        };
        dominated.set(dominated.get() + (x.dominated > 0) as u32);
        // (States compared within windows: the clock is read at stated ticks.)
        let clock = [" at ", " by ", " from 2 ", "every "].iter().any(|w| src.contains(w));
        windowed.set(windowed.get() + (x.dominated > 0 && clock) as u32);
        // (Fewer states with delays in a range: settled arrivals, or the other reductions.)
        settled.set(settled.get() + (x.states < y.states && !src.contains("delay any")) as u32);
        prop_assert_eq!(cost(&x), cost(&y), "across ticks and not: what is possible, and at what cost\n{}", src);
        check_witnesses(m, &x, "across ticks", &src)?;
        Ok(())
    });
    assert!(dominated.get() >= 40, "{} of 400 scenarios compared states across ticks", dominated.get());
    assert!(windowed.get() >= 20, "{} of 400 scenarios compared states within windows", windowed.get());
    assert!(settled.get() >= 30, "{} of 400 scenarios with fewer states and delays in a range", settled.get());
}
