//! Monte Carlo trials: many seeded runs, in parallel, with outcome frequencies and the
//! reasons behind each general's decisions.
//!
//! Reproducibility: trials are cut into blocks of [`BLOCK`]; block `b` draws from stream
//! `b` of ChaCha8 keyed by the seed (`ChaCha8Rng::seed_from_u64(seed)` then
//! `set_stream(b)`), its trials one after the other. So trial `k`'s draws depend on the
//! seed and `k` alone, never on the number of threads, and a new stream costs once per
//! block rather than once per trial.

use std::collections::BTreeMap;
#[cfg(feature = "parallel")]
use std::sync::atomic::{AtomicU64, Ordering};

#[cfg(feature = "parallel")]
use rayon::prelude::*;

use super::memo::Memo;
use crate::check::GenId;
use crate::explain::{Cause, Explainer};
use crate::sim::{Decided, Kernel, KernelScratch, Mode, RunError, Seeded, Sim};

/// What a worker keeps across the blocks it runs: a lean interpreter, a traced one (for
/// the trials explained), the memo of finished runs, and the kernel's scratch space.
type State<'m> = (Sim<'m>, Sim<'m>, Memo, Option<KernelScratch>);
use crate::syntax::ast::Outcome;

/// Trials per random stream.
pub const BLOCK: u64 = 256;

/// The explained runs of a batch together take about this many events at most: past it,
/// fewer trials are explained than `--explain` asks (at least one), still spread evenly
/// over the batch. (An explained run is traced and then explained, and costs many times
/// a trial that is only counted: without a bound, explanations would dominate a batch of
/// long runs.)
pub const EXPLAIN_BUDGET: u64 = 10_000_000;

/// The trials run to estimate the events of a trial: the first ones of the batch.
pub const SAMPLE: u64 = 16;

/// The most worker threads a batch uses (`--jobs` above it is a usage error; a library
/// caller asking for more gets this many).
pub const MAX_JOBS: usize = 256;

/// Outcomes in the order tallies count them.
pub const OUTCOMES: [Outcome; 6] = [
    Outcome::Victory,
    Outcome::Defeat,
    Outcome::NoAttack,
    Outcome::Agreement,
    Outcome::Disagreement,
    Outcome::Undecided,
];

/// What a general did, in the order tallies count them.
pub const FATES: [&str; 5] = ["attack", "wait", "commit", "undecided", "crashed"];

/// How to run a batch.
#[derive(Clone)]
pub struct Config {
    pub trials: u64,
    pub seed: u64,
    /// Worker threads (None: one per core). Results do not depend on it.
    pub jobs: Option<usize>,
    /// How many trials to explain, spread evenly over the batch, for the reasons.
    pub explain: u64,
    pub max_events: u64,
    /// Called with the number of trials finished (for a progress bar).
    pub progress: Option<std::sync::Arc<dyn Fn(u64) + Send + Sync>>,
}

/// Counts over a batch of trials.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub trials: u64,
    /// Indexed like [`OUTCOMES`].
    pub outcomes: [u64; 6],
    /// Per general, indexed like [`FATES`].
    pub fates: Vec<[u64; 5]>,
    /// Per general, the values it committed and how often: the [`MAX_VALUES`] smallest
    /// values committed (the same ones however the batch is cut into blocks and merged),
    /// the others counted together in [`Tally::other_commits`].
    pub commits: Vec<BTreeMap<i64, u64>>,
    /// Per general, the commits of values past the [`MAX_VALUES`] kept in `commits`.
    pub other_commits: Vec<u64>,
    /// Per general, fate and (for a commit) value: how many explained trials, and their
    /// causes (sorted).
    pub explained: BTreeMap<(GenId, usize, Option<i64>), Explained>,
    /// When the explanations' budget ([`EXPLAIN_BUDGET`]) explained fewer trials than
    /// asked: how many were asked for, and the events a trial was estimated to take.
    pub explain_cut: Option<ExplainCut>,
}

/// Fewer trials explained than asked, for the explanations' budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExplainCut {
    /// The trials `--explain` asked to explain.
    pub asked: u64,
    /// The events of a trial, as estimated ([`estimate`]).
    pub events: u64,
}

/// The most values committed by one general that a batch counts one by one.
pub const MAX_VALUES: usize = 1000;

impl Tally {
    /// An empty tally for `generals` generals.
    pub fn new(generals: usize) -> Tally {
        Tally {
            fates: vec![[0; 5]; generals],
            commits: vec![BTreeMap::new(); generals],
            other_commits: vec![0; generals],
            ..Tally::default()
        }
    }

    /// Counts `n` commits of `value` by general `g`. Past [`MAX_VALUES`] values, the
    /// largest is counted with the others: what is kept in the end is the smallest values
    /// of the whole batch, exactly counted, in any order of counting and merging.
    fn commit(&mut self, g: usize, value: i64, n: u64) {
        *self.commits[g].entry(value).or_default() += n;
        if self.commits[g].len() > MAX_VALUES
            && let Some((_, m)) = self.commits[g].pop_last()
        {
            self.other_commits[g] += m;
        }
    }

    /// Adds `other`'s counts to this tally's (the same sums in any order of merging).
    pub fn merge(&mut self, other: Tally) {
        self.trials += other.trials;
        for (a, b) in self.outcomes.iter_mut().zip(other.outcomes) {
            *a += b;
        }
        for (a, b) in self.fates.iter_mut().zip(other.fates) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (g, (values, others)) in other.commits.into_iter().zip(other.other_commits).enumerate() {
            self.other_commits[g] += others;
            for (v, n) in values {
                self.commit(g, v, n);
            }
        }
        for (k, (n, causes)) in other.explained {
            let e = self.explained.entry(k).or_default();
            e.0 += n;
            for (c, m) in causes {
                *e.1.entry(c).or_default() += m;
            }
        }
    }
}

/// Explained trials of one general and fate: how many, and how often each set of causes.
pub type Explained = (u64, BTreeMap<Vec<Cause>, u64>);

/// A trial that could not finish.
#[derive(Debug, Clone)]
pub struct TrialError {
    pub trial: u64,
    pub error: RunError,
}

/// The index of an outcome in [`OUTCOMES`].
#[inline]
pub fn outcome_index(o: Outcome) -> usize {
    match o {
        Outcome::Victory => 0,
        Outcome::Defeat => 1,
        Outcome::NoAttack => 2,
        Outcome::Agreement => 3,
        Outcome::Disagreement => 4,
        Outcome::Undecided => 5,
    }
}

/// The value general `g` committed, if it did.
pub fn committed(sim: &Sim, g: usize) -> Option<i64> {
    match sim.state().decisions[g].map(|d| d.what) {
        Some(Decided::Commit(v)) => Some(v),
        _ => None,
    }
}

/// The fate of general `g` at the end of a run, indexed like [`FATES`].
pub fn fate_index(sim: &Sim, g: usize) -> usize {
    match sim.state().decisions[g].map(|d| d.what) {
        Some(Decided::Attack) => 0,
        Some(Decided::Wait) => 1,
        Some(Decided::Commit(_)) => 2,
        None if sim.state().crashed[g].is_some() => 4,
        None => 3,
    }
}

/// Runs a batch of trials.
///
/// Trials that make the same random choices end the same way (untraced, a run
/// is a function of its choices), so the engine remembers finished runs by their
/// choices and answers repeats without interpreting them again, making the same draws
/// (see `memo.rs`); the results are the same as [`run_interpreted`]'s, trial by trial.
pub fn run(model: &crate::check::Model, src: &str, cfg: &Config) -> Result<Tally, TrialError> {
    run_with(model, src, cfg, true, 0..cfg.trials.div_ceil(BLOCK))
}

/// Runs the blocks `blocks` of the batch `cfg` describes (a shard of it, `src/shard/`):
/// the same trials, draws and explained trials as [`run`] makes in those blocks (the
/// explanations' budget is estimated over the whole batch), so the tallies of the blocks
/// of a batch, merged, are [`run`]'s tally.
pub fn run_blocks_of(
    model: &crate::check::Model,
    src: &str,
    cfg: &Config,
    blocks: std::ops::Range<u64>,
) -> Result<Tally, TrialError> {
    run_with(model, src, cfg, true, blocks)
}

/// Runs a batch of trials interpreting every one (the same results as [`run`]; for
/// measuring the interpreter alone).
pub fn run_interpreted(model: &crate::check::Model, src: &str, cfg: &Config) -> Result<Tally, TrialError> {
    run_with(model, src, cfg, false, 0..cfg.trials.div_ceil(BLOCK))
}

/// What a batch will cost, estimated before it runs: the events of a trial, and how many
/// trials it explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    /// The mean events of the batch's first [`SAMPLE`] trials (at least 1; the bound on a
    /// run's events when one of them stops at a limit).
    pub events: u64,
    /// The trials to explain: as many as asked, unless they would pass [`EXPLAIN_BUDGET`].
    pub explain: u64,
}

impl Estimate {
    /// The work of the batch, in events: its trials, and its explained trials counted
    /// [`EXPLAINED_WEIGHT`] times (traced, then explained).
    pub fn work(&self, trials: u64) -> u64 {
        let explained = self.explain.min(trials);
        trials.saturating_add(explained.saturating_mul(EXPLAINED_WEIGHT)).saturating_mul(self.events)
    }
}

/// How many trials an explained trial costs, roughly, in [`Estimate::work`].
pub const EXPLAINED_WEIGHT: u64 = 2;

/// Estimates a batch: runs its first [`SAMPLE`] trials (the same draws as the batch's)
/// and counts their events. It depends on the scenario, the seed and the bound on events
/// alone (never on `--jobs` or on time), and so does what it decides.
pub fn estimate(model: &crate::check::Model, cfg: &Config) -> Estimate {
    let n = cfg.trials.min(SAMPLE);
    let mut sim = Sim::new(model, Mode::Lean);
    sim.max_events = cfg.max_events;
    let mut rng = Seeded::stream(cfg.seed, 0);
    let mut total = 0u64;
    for _ in 0..n {
        if sim.run(&mut rng).is_err() {
            // The batch stops at this trial: explaining costs nothing more.
            total = cfg.max_events.saturating_mul(n);
            break;
        }
        total = total.saturating_add(sim.state().events);
    }
    let events = total.div_ceil(n.max(1)).max(1);
    Estimate { events, explain: explained(cfg.explain, events) }
}

/// How many trials to explain when `asked`, each of about `events` events.
fn explained(asked: u64, events: u64) -> u64 {
    if asked.saturating_mul(events) <= EXPLAIN_BUDGET { asked } else { (EXPLAIN_BUDGET / events).max(1) }
}

fn run_with(
    model: &crate::check::Model,
    src: &str,
    cfg: &Config,
    memo: bool,
    blocks: std::ops::Range<u64>,
) -> Result<Tally, TrialError> {
    // No need to estimate the batch when the bound on events keeps its explanations in
    // budget. Explaining fewer trials changes none of the draws: only which are explained.
    let estimated = (cfg.explain.saturating_mul(cfg.max_events) > EXPLAIN_BUDGET).then(|| estimate(model, cfg));
    let cut =
        estimated.filter(|e| e.explain < cfg.explain).map(|e| ExplainCut { asked: cfg.explain, events: e.events });
    let explain = estimated.map_or(cfg.explain, |e| e.explain);
    let mut tally = run_blocks(model, src, &Config { explain, ..cfg.clone() }, memo, blocks)?;
    tally.explain_cut = cut;
    Ok(tally)
}

/// Runs the blocks `blocks` of a batch, explaining `cfg.explain` trials over the batch.
fn run_blocks(
    model: &crate::check::Model,
    src: &str,
    cfg: &Config,
    memo: bool,
    blocks: std::ops::Range<u64>,
) -> Result<Tally, TrialError> {
    let blocks = blocks.start.min(cfg.trials.div_ceil(BLOCK))..blocks.end.min(cfg.trials.div_ceil(BLOCK));
    let stride = if cfg.explain == 0 { u64::MAX } else { cfg.trials.div_ceil(cfg.explain).max(1) };
    let generals = model.generals.len();
    // What a trial comes to: its outcome, then each general's fate (and, when the
    // scenario commits values, each general's value, 8 bytes, 0 when it committed none).
    let values = model.values;
    let width = 1 + generals + if values { 8 * generals } else { 0 };
    let summary = |sim: &Sim, out: &mut Vec<u8>| {
        out.push(outcome_index(sim.outcome()) as u8);
        out.extend((0..generals).map(|g| fate_index(sim, g) as u8));
        if values {
            for g in 0..generals {
                out.extend(committed(sim, g).unwrap_or(0).to_le_bytes());
            }
        }
    };
    // Counts `n` trials that came to `s`.
    let add = |tally: &mut Tally, s: &[u8], n: u64| {
        tally.outcomes[s[0] as usize] += n;
        for (f, &i) in tally.fates.iter_mut().zip(&s[1..]) {
            f[i as usize] += n;
        }
        if values {
            for g in 0..generals {
                if s[1 + g] == 2 {
                    let at = 1 + generals + 8 * g;
                    let v = i64::from_le_bytes(s[at..at + 8].try_into().expect("8 bytes"));
                    tally.commit(g, v, n);
                }
            }
        }
    };
    // Trials of votes run in a kernel of their own (not when every trial is to be
    // interpreted).
    let kernel = memo
        .then(|| {
            let mut sim = Sim::new(model, Mode::Lean);
            sim.max_events = cfg.max_events;
            Kernel::of(&sim)
        })
        .flatten();
    let work = |(sim, traced, memo, scratch): &mut State, b: u64| -> Result<Tally, TrialError> {
        let first = b * BLOCK;
        let last = (first + BLOCK).min(cfg.trials);
        let mut rng = Seeded::stream(cfg.seed, b);
        let mut tally = Tally::new(model.generals.len());
        // The next trial to explain: the first multiple of `stride` from `first` (none
        // with `explain` 0: not trial 0 either).
        let mut next_explain = if cfg.explain == 0 { u64::MAX } else { first.div_ceil(stride).saturating_mul(stride) };
        let mut k = first;
        while k < last {
            if k == next_explain {
                // Explained: run traced (the same choices as a lean run), then each
                // general's reasons read from the trace.
                next_explain = next_explain.saturating_add(stride);
                traced.run(&mut rng).map_err(|error| TrialError { trial: k, error })?;
                tally.outcomes[outcome_index(traced.outcome())] += 1;
                let mut ex = Explainer::new(traced, src);
                for g in 0..model.generals.len() {
                    let fate = fate_index(traced, g);
                    let value = committed(traced, g);
                    tally.fates[g][fate] += 1;
                    if let Some(v) = value {
                        tally.commit(g, v, 1);
                    }
                    // What its end rests on (for a committed value: what brought it, and
                    // what kept the other values from it).
                    let cs = ex.reasons(g as GenId);
                    let e = tally.explained.entry((g as GenId, fate, value)).or_default();
                    e.0 += 1;
                    *e.1.entry(cs).or_default() += 1;
                }
                k += 1;
                continue;
            }
            // The trials up to the next one to explain.
            let end = next_explain.min(last);
            if let (Some(kernel), Some(scratch)) = (&kernel, scratch.as_mut()) {
                kernel.run(&mut rng, end - k, scratch, &mut tally.outcomes, &mut tally.fates);
                k = end;
                continue;
            }
            if memo.is_on() {
                // As many as the memo runs (all, unless it turns itself off).
                let found = |s: &[u8]| add(&mut tally, s, 1);
                k += memo
                    .run(sim, &mut rng, end - k, summary, found)
                    .map_err(|(i, error)| TrialError { trial: k + i, error })?;
                continue;
            }
            for k in k..end {
                // Interpreted (the memo is off): counted straight from the run.
                sim.run(&mut rng).map_err(|error| TrialError { trial: k, error })?;
                // The fates, and the outcome from them (one pass over the generals).
                let mut attackers = 0;
                for g in 0..generals {
                    let fate = fate_index(sim, g);
                    attackers += (fate == 0) as usize;
                    tally.fates[g][fate] += 1;
                    if values && let Some(v) = committed(sim, g) {
                        tally.commit(g, v, 1);
                    }
                }
                let outcome = if model.values { sim.outcome() } else { crate::sim::attack_outcome(model, attackers) };
                debug_assert_eq!(outcome, sim.outcome());
                tally.outcomes[outcome_index(outcome)] += 1;
            }
            k = end;
        }
        tally.trials += last - first;
        memo.flush(|s, n| add(&mut tally, s, n));
        if let Some(p) = &cfg.progress {
            p(last - first);
        }
        Ok(tally)
    };
    // The first block known to have failed: the blocks after it are not run (no trial of
    // theirs can be the first to fail), the blocks before it are (one of them may fail
    // at an earlier trial). So the error reported is the first, for any `--jobs`.
    // (Without the `parallel` feature, as in the browser playground, every batch takes the
    // one-thread path at the end: the same tallies and the same first error.)
    #[cfg(feature = "parallel")]
    let failed = AtomicU64::new(u64::MAX);
    let new_state = || {
        // Trials read only decisions (and, explained, the trace).
        let (mut sim, mut traced) = (Sim::new(model, Mode::Lean), Sim::new(model, Mode::Traced));
        (sim.max_events, traced.max_events) = (cfg.max_events, cfg.max_events);
        let scratch = kernel.as_ref().map(Kernel::scratch);
        (sim, traced, Memo::new(width, memo), scratch)
    };
    // The blocks' tallies are added as they come, in any order (sums: the same total
    // whatever the order), so that memory does not grow with the number of trials.
    #[cfg(feature = "parallel")]
    let run_all = || -> Result<Tally, TrialError> {
        blocks
            .clone()
            .into_par_iter()
            .map_init(new_state, |state, b| {
                if b > failed.load(Ordering::Relaxed) {
                    return Ok(Tally::new(generals));
                }
                let r = work(state, b);
                if r.is_err() {
                    failed.fetch_min(b, Ordering::Relaxed);
                }
                r
            })
            .reduce(|| Ok(Tally::new(generals)), first_error_or_sum)
    };
    #[cfg(feature = "parallel")]
    let pool = match cfg.jobs {
        None => return run_all(),
        Some(j) if j > 1 => {
            // A pool that cannot be made (the system refuses the threads) runs on one
            // thread instead: the same results.
            rayon::ThreadPoolBuilder::new().num_threads(j.min(MAX_JOBS)).build().ok()
        }
        Some(_) => None,
    };
    #[cfg(feature = "parallel")]
    if let Some(pool) = pool {
        return pool.install(run_all);
    }
    // One thread: no pool, one interpreter, the blocks in order (the same tally, and the
    // same first error, as a pool of one).
    let mut state = new_state();
    let mut total = Tally::new(generals);
    for b in blocks {
        total.merge(work(&mut state, b)?);
    }
    Ok(total)
}

/// Two blocks' results together: the earlier error, or the sum of the tallies.
#[cfg(feature = "parallel")]
fn first_error_or_sum(a: Result<Tally, TrialError>, b: Result<Tally, TrialError>) -> Result<Tally, TrialError> {
    match (a, b) {
        (Err(x), Err(y)) => Err(if x.trial <= y.trial { x } else { y }),
        (Err(x), Ok(_)) | (Ok(_), Err(x)) => Err(x),
        (Ok(mut x), Ok(y)) => {
            x.merge(y);
            Ok(x)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The values a tally keeps, and their counts, do not depend on how the commits are
    /// cut into tallies or in which order the tallies are merged.
    #[test]
    fn committed_values_are_kept_alike_in_any_order_of_merging() {
        let values: Vec<i64> = (0..5000u64).map(|i| ((i * 7919) % 2503) as i64 - 1200).collect();
        let mut whole = Tally::new(1);
        for &v in &values {
            whole.commit(0, v, 1);
        }
        assert_eq!(whole.commits[0].len(), MAX_VALUES);
        assert_eq!(whole.commits[0].values().sum::<u64>() + whole.other_commits[0], 5000);
        for parts in [2, 3, 7, 64] {
            let mut tallies: Vec<Tally> = (0..parts).map(|_| Tally::new(1)).collect();
            for (i, &v) in values.iter().enumerate() {
                tallies[(i * 31) % parts].commit(0, v, 1);
            }
            // Merged backwards, and forwards.
            let mut back = Tally::new(1);
            for t in tallies.iter().rev() {
                back.merge(t.clone());
            }
            let mut forth = Tally::new(1);
            for t in tallies {
                forth.merge(t);
            }
            assert_eq!(back, whole, "{parts} parts, backwards");
            assert_eq!(forth, whole, "{parts} parts");
        }
    }
}
