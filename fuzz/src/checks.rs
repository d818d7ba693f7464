//! What every fuzz input goes through, and what must hold of it. The fuzz targets
//! (`fuzz_targets/`) call [`bytes`] (any bytes, as a user's file) and [`generated`] (a
//! valid scenario written by the test generator from the fuzzer's bytes); the root crate's
//! `tests/fuzz_inputs.rs` includes this same file to run the seeds and the regressions
//! (`fuzz/regressions/`) through the same checks on every `cargo test`.
//!
//! The pipeline: load (prescan, parse, check; diagnostics rendered), `fmt` (idempotent,
//! keeps the comments, the checked model and whether the text loads), one traced run
//! (its report in every format), a batch of lean trials (report rendered), `analyze` and
//! `explore` (with and without fixed delays), each within small bounds so that one input
//! takes a fraction of a second; a panic or a hang anywhere is a bug. Cross-checks that
//! are cheap and must hold: lean, plain and traced runs make the same choices and end
//! alike; trials are identical for `--jobs` 1 and 2; every witness of `explore` and every
//! most likely run of `analyze` replays to what it claims; what `explore` finds possible
//! is what `analyze` gives a probability above zero; fixed delays reach a part of it;
//! what trials saw is possible; exact probabilities add up to 1.

use herald::Loaded;
use herald::analysis::budget::Limits;
use herald::analysis::exact::{self, Exact, ExactError};
use herald::analysis::explore::{self, ExploreError, Explored, Reach};
use herald::analysis::trials::{self, Tally, fate_index, outcome_index};
use herald::report;
use herald::sim::{About, Choice, Chooser, Chosen, Decided, Mode, RunError, Script, Seeded, Sim};
use num_traits::{One, Zero};

/// Events per run (messengers sent, rules fired): a run, each re-run of its "what if"
/// pass and each trial stop there.
pub const MAX_EVENTS: u64 = 500;

/// Trials per batch: two blocks of 256, so that `--jobs 2` splits them.
pub const TRIALS: u64 = 300;

/// Trials explained per batch (each one a traced run and its explanation).
pub const EXPLAIN: u64 = 2;

/// The bounds of `analyze` and `explore`: 1,000 states, 16 MiB, and a run's events as
/// everywhere in the harness. (Set field by field, so that a bound added to `Limits`
/// keeps its default here until the harness sets it.)
pub fn limits() -> Limits {
    let mut l = Limits::states(1_000);
    l.max_memory = 16 << 20;
    l.max_events = MAX_EVENTS;
    l
}

/// Any bytes, as a user's scenario file.
pub fn bytes(data: &[u8]) {
    scenario(data);
}

/// A scenario written by the generator: the same checks. (Most generated scenarios load;
/// those that do not are checked like any other text.)
pub fn generated(text: &str) {
    scenario(text.as_bytes());
}

/// The fuzzer's bytes as the generator's stream of numbers (4 bytes each, little-endian;
/// a short tail is padded with zeros).
pub fn stream(data: &[u8]) -> Vec<u32> {
    data.chunks(4)
        .map(|c| {
            let mut w = [0u8; 4];
            w[..c.len()].copy_from_slice(c);
            u32::from_le_bytes(w)
        })
        .collect()
}

fn scenario(data: &[u8]) {
    let loaded = herald::load("fuzz.herald", data, &[]);
    match &loaded {
        Ok(l) => {
            let _ = herald::diag::render(&l.warnings, &l.source, false);
        }
        Err(f) => {
            assert!(!f.diags.is_empty(), "a scenario that does not load says why");
            assert!(f.diags.iter().any(|d| d.is_error()), "a scenario that does not load has an error: {:?}", f.diags);
            let _ = herald::diag::render(&f.diags, &f.source, false);
            let _ = herald::diag::render(&f.diags, &f.source, true);
        }
    }
    formatting(data, loaded.as_ref().ok());
    // The language server on the same text (an editor's text is always a string): every
    // feature at a few offsets, its diagnostics herald check's.
    herald::lsp::exercise(&String::from_utf8_lossy(data), 8);
    if let Ok(l) = &loaded {
        loaded_scenario(l);
    }
}

/// `herald fmt`: as the command reads a file (the prescan first), formatted once, then
/// again.
fn formatting(data: &[u8], loaded: Option<&Loaded>) {
    let Ok(text) = herald::syntax::prescan::decode(data) else {
        return;
    };
    let once = match herald::fmt::format(&text) {
        Ok(once) => once,
        Err(diags) => {
            assert!(
                diags.iter().all(|d| d.code != herald::diag::Code::FmtWouldChangeMeaning.as_str()),
                "fmt would change the meaning of:\n{text}"
            );
            assert!(loaded.is_none(), "a scenario that loads does not format: {diags:?}\n{text}");
            return;
        }
    };
    let twice =
        herald::fmt::format(&once).unwrap_or_else(|d| panic!("the formatted text does not format: {d:?}\n{once}"));
    assert_eq!(twice, once, "formatting twice changes the text:\n{text}");
    assert_eq!(herald::fmt::comments(&text), herald::fmt::comments(&once), "fmt changed the comments of:\n{text}");
    let again = herald::load("fuzz.herald", once.as_bytes(), &[]);
    match (loaded, &again) {
        (Some(l), Ok(a)) => {
            assert!(model(l) == model(a), "fmt changed the checked model of:\n{text}\nformatted:\n{once}");
        }
        (None, Err(_)) => {}
        (Some(_), Err(f)) => panic!("the formatted text does not load: {:?}\n{text}\nformatted:\n{once}", f.diags),
        (None, Ok(_)) => panic!("the text does not load, its formatted text does:\n{text}\nformatted:\n{once}"),
    }
}

/// A checked model without spans, line numbers or layout (as `tests/fmt.rs` compares
/// them).
fn model(l: &Loaded) -> String {
    layout_free(&herald::fmt::without_spans(&format!("{:?}", l.model)))
}

/// Removes what depends on the layout from a `Debug` text: line numbers, every whitespace
/// (rule texts are quoted from the source as written) and single quotes.
fn layout_free(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    loop {
        let next = ["line: ", "line "].iter().filter_map(|k| rest.find(k).map(|i| (i, k.len()))).min();
        match next {
            Some((i, k)) => {
                out.push_str(&rest[..i + k]);
                let after = rest[i + k..].trim_start_matches(|c: char| c.is_ascii_digit());
                if after.len() < rest.len() - i - k {
                    out.push('N');
                }
                rest = after;
            }
            None => break,
        }
    }
    out.push_str(rest);
    out.chars().filter(|c| !c.is_whitespace() && *c != '\'').collect()
}

fn loaded_scenario(l: &Loaded) {
    let m = &l.model;
    let src = l.source.text.as_str();
    let traced = one_run(l);
    for mode in [Mode::Plain, Mode::Lean] {
        let (_, came) = run(l, mode, Seeded::new(m.seed));
        assert!(came == traced, "a {mode:?} run differs from the traced run:\n{came:?}\ntraced:\n{traced:?}\n{src}");
    }
    let seen = trial_batch(l);
    let exact = analysis(l);
    let found = adversary(l, false);
    let fixed = adversary(l, true);
    if let (Some(e), Some(x)) = (&exact, &found) {
        let reached: Vec<Reach> = x.reached.keys().cloned().collect();
        assert_eq!(reached, possible(e), "explore and analyze find different things possible:\n{src}");
    }
    if let (Some(f), Some(x)) = (&fixed, &found) {
        for (r, w) in &f.reached {
            let any = x.reached.get(r);
            assert!(
                any.is_some_and(|a| (a.captures, a.ticks) <= (w.captures, w.ticks)),
                "fixed delays reach {r:?} at {:?}, any delays at {:?}:\n{src}",
                (w.captures, w.ticks),
                any.map(|a| (a.captures, a.ticks))
            );
        }
    }
    if let (Some(t), Some(x)) = (&seen, &found) {
        for (i, n) in t.outcomes.iter().enumerate() {
            assert!(
                *n == 0 || x.reached.contains_key(&Reach::Outcome(i)),
                "trials saw outcome {i} {n} times, explore finds it impossible:\n{src}"
            );
        }
    }
}

/// What a run came to: its result, every call to its chooser, and how it ended.
#[derive(Debug, PartialEq)]
struct Came {
    result: Result<(), RunError>,
    calls: Vec<Call>,
    end: String,
}

/// One call a run made to its chooser.
#[derive(Debug, PartialEq)]
enum Call {
    Choice(Choice, u32),
    About(About),
}

/// A chooser that notes every call made to it.
struct Log<C> {
    inner: C,
    calls: Vec<Call>,
}

impl<C: Chooser> Chooser for Log<C> {
    fn choose(&mut self, c: &Choice) -> Chosen {
        let r = self.inner.choose(c);
        self.calls.push(Call::Choice(*c, r.index));
        r
    }

    fn about(&mut self, m: &About) {
        self.inner.about(m);
        self.calls.push(Call::About(*m));
    }
}

/// A run in `mode`, its calls noted.
fn run<C: Chooser>(l: &Loaded, mode: Mode, chooser: C) -> (Sim<'_>, Came) {
    let mut sim = Sim::new(&l.model, mode);
    sim.max_events = MAX_EVENTS;
    let mut log = Log { inner: chooser, calls: Vec::new() };
    let result = sim.run(&mut log);
    let end = if result.is_ok() {
        let s = sim.state();
        format!(
            "end {:?} at tick {}; decisions {:?}; crashed {:?}; captures {}; vars {:?}; outcome {:?}, blocked {}",
            s.end,
            s.now,
            s.decisions,
            s.crashed,
            s.captures,
            s.vars,
            sim.outcome(),
            sim.blocked()
        )
    } else {
        String::new()
    };
    (sim, Came { result, calls: log.calls, end })
}

/// `herald run`: the traced run at the scenario's seed, reported in every format.
fn one_run(l: &Loaded) -> Came {
    let (sim, came) = run(l, Mode::Traced, Seeded::new(l.model.seed));
    match &came.result {
        Ok(()) => {
            let choices: Vec<u32> = came
                .calls
                .iter()
                .filter_map(|c| match c {
                    Call::Choice(_, i) => Some(*i),
                    Call::About(_) => None,
                })
                .collect();
            let r = report::build(&sim, l, Some(l.model.seed), &choices);
            let _ = report::render_run(&r, false);
            let _ = report::render_run(&r, true);
            let _ = report::to_yaml(&r);
            let _ = report::to_json(&r);
            let _ = report::mermaid::render_run(&r, &l.model);
        }
        Err(e) => {
            let _ = herald::diag::render(&[report::run_error(&l.model, e)], &l.source, false);
        }
    }
    came
}

/// `herald run --trials`: the same batch with one worker and with two; its report.
fn trial_batch(l: &Loaded) -> Option<Tally> {
    let cfg = |jobs| trials::Config {
        trials: TRIALS,
        seed: l.model.seed,
        jobs: Some(jobs),
        explain: EXPLAIN,
        max_events: MAX_EVENTS,
        progress: None,
    };
    let one = trials::run(&l.model, &l.source.text, &cfg(1));
    let two = trials::run(&l.model, &l.source.text, &cfg(2));
    let src = &l.source.text;
    match (one, two) {
        (Ok(a), Ok(b)) => {
            assert!(a == b, "trials differ with --jobs 1 and 2:\n{a:?}\n{b:?}\n{src}");
            assert_eq!(a.trials, TRIALS);
            assert_eq!(a.outcomes.iter().sum::<u64>(), TRIALS, "every trial has one outcome:\n{src}");
            let r = report::trials::build(l, l.model.seed, &a);
            let _ = report::trials::render(&r, false);
            let _ = report::to_yaml(&r);
            Some(a)
        }
        (Err(a), Err(b)) => {
            assert_eq!((a.trial, &a.error), (b.trial, &b.error), "trials stop differently with --jobs 1 and 2:\n{src}");
            let _ = herald::diag::render(&[report::run_error(&l.model, &a.error)], &l.source, false);
            None
        }
        (a, b) => panic!("trials end differently with --jobs 1 and 2: {:?} / {:?}\n{src}", a.err(), b.err()),
    }
}

/// `herald analyze`, its report, its probabilities and its most likely runs.
fn analysis(l: &Loaded) -> Option<Exact> {
    let src = &l.source.text;
    match exact::analyze_limited(&l.model, limits(), None) {
        Ok(e) => {
            let total = e.outcomes.iter().fold(num_rational::BigRational::zero(), |a, p| a + p);
            assert!(total.is_one(), "the outcomes' probabilities add up to {total}:\n{src}");
            for (i, m) in e.most_likely.iter().enumerate() {
                if let Some((p, choices)) = m {
                    assert!(!p.is_zero() && *p <= e.outcomes[i], "most likely run to outcome {i}: {p}:\n{src}");
                    let sim = replay(l, choices, "analyze's most likely run");
                    assert_eq!(outcome_index(sim.outcome()), i, "analyze's most likely run to outcome {i}:\n{src}");
                }
            }
            let r = report::analyze::build(l, &e);
            let _ = report::analyze::render(&r, false);
            let _ = report::to_yaml(&r);
            let _ = report::mermaid::render_analyze(&r, &l.model);
            Some(e)
        }
        Err(ExactError::Stopped(_)) => None,
        Err(ExactError::Run { error, .. }) => {
            let _ = herald::diag::render(&[report::run_error(&l.model, &error)], &l.source, false);
            None
        }
    }
}

/// `herald explore` (`--fixed-delays` or not), its report, and its witnesses replayed.
fn adversary(l: &Loaded, fixed_delays: bool) -> Option<Explored> {
    let src = &l.source.text;
    match explore::explore_limited(&l.model, limits(), fixed_delays) {
        Ok(x) => {
            for (r, w) in &x.reached {
                let sim = replay(l, &w.choices, "a witness");
                assert_eq!(sim.state().now, w.ticks, "{r:?}: the witness's ticks:\n{src}");
                let holds = match r {
                    Reach::Outcome(i) => outcome_index(sim.outcome()) == *i,
                    Reach::Blocked => sim.blocked(),
                    Reach::Fate(g, f) => fate_index(&sim, *g as usize) == *f,
                    Reach::Commit(g, v) => {
                        sim.state().decisions[*g as usize].map(|d| d.what) == Some(Decided::Commit(*v))
                    }
                };
                assert!(holds, "the witness of {r:?} does not reach it (fixed delays: {fixed_delays}):\n{src}");
            }
            let r = report::explore::build(l, &x);
            let _ = report::explore::render(&r, false);
            let _ = report::to_yaml(&r);
            let _ = report::mermaid::render_explore(&r, &l.model);
            Some(x)
        }
        Err(ExploreError::Stopped(_)) => None,
        Err(ExploreError::Run { error, .. }) => {
            let _ = herald::diag::render(&[report::run_error(&l.model, &error)], &l.source, false);
            None
        }
    }
}

/// A traced run of `choices`, which must fit the scenario exactly.
fn replay<'m>(l: &'m Loaded, choices: &[u32], what: &str) -> Sim<'m> {
    let src = &l.source.text;
    let mut sim = Sim::new(&l.model, Mode::Traced);
    let mut script = Script::new(choices);
    let result = sim.run(&mut script);
    assert!(result.is_ok(), "{what} stops: {result:?}:\n{src}");
    assert!(script.mismatch.is_none() && script.pos == choices.len(), "{what} does not fit the scenario:\n{src}");
    sim
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
