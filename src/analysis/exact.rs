//! Exact outcome probabilities: every random choice enumerated with its weight, on the
//! same interpreter, with identical states merged.
//!
//! The run is explored tick by tick. From each distinct state at the start of a tick,
//! every sequence of choices the tick makes is tried (a `Walk` chooser replays a
//! prefix and takes the first possible option after it; an odometer moves to the next
//! sequence), each with the product of its choices' probabilities. The states reached
//! at the start of a later tick are merged when their [`Sim::state_key`]s are equal, so
//! the cost grows with the number of distinct states, not of paths. Probabilities are
//! exact rationals. For each outcome, the single most likely path to it is kept, so that
//! it can be replayed and explained.

use std::collections::BTreeMap;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, ToPrimitive, Zero};

use super::budget::{Held, Limits, Stop, WORK_PER_STATE};
use super::weight::{Weight, Weights};

use super::trials::{OUTCOMES, outcome_index};
use crate::check::Model;
use crate::sim::{About, Choice, Chooser, Chosen, Decided, Mode, RunError, Sim, Snapshot};

/// Default bound on the distinct states explored.
pub const DEFAULT_MAX_STATES: u64 = 200_000;

/// The exact result of a scenario.
#[derive(Debug, Clone)]
pub struct Exact {
    /// Probability of each outcome, indexed like [`OUTCOMES`].
    pub outcomes: Vec<BigRational>,
    /// Per general: probability of attack, wait, commit, undecided, crashed.
    pub fates: Vec<[BigRational; 5]>,
    /// Per general: probability of committing each value.
    pub commits: Vec<BTreeMap<i64, BigRational>>,
    /// Distinct states explored (after merging).
    pub states: u64,
    /// Ticks executed (one per state and choice sequence).
    pub steps: u64,
    /// For each outcome: the most likely single run reaching it (its probability and choices).
    pub most_likely: Vec<Option<(BigRational, Vec<u32>)>>,
    /// The bound on a run's events the analysis ran with (to replay its runs alike).
    pub max_events: u64,
}

/// Why an exact analysis could not finish.
#[derive(Debug, Clone)]
pub enum ExactError {
    /// A bound of the search was reached (states, memory or work).
    Stopped(Stop),
    /// A run hit a limit; the choices that lead to it.
    Run { error: RunError, choices: Vec<u32> },
}

/// Replays a prefix of choices, then takes the first possible option of each new choice,
/// recording everything it chose.
pub(crate) struct Walk<'a> {
    pub prefix: &'a [u32],
    pub taken: Vec<(Choice, u32)>,
    /// The factors, each (numerator, denominator), of the probability of one ordinary run
    /// (without lazy delivery) of those the choices stand for: every choice's but lazy
    /// arrivals', and a delay's 1 / its range for each delay they left unchosen.
    pub ordinary: Vec<(u64, u64)>,
    /// Whether the next choice is a lazy arrival.
    arrival: bool,
    /// Factors of the probability beyond the choices' own (alike arrivals counted:
    /// `Chooser::weigh`).
    pub extra: Vec<(u64, u64)>,
}

impl<'a> Walk<'a> {
    /// A walk after `prefix`, recording into `taken` (emptied: its buffer is reused).
    pub fn new(prefix: &'a [u32], mut taken: Vec<(Choice, u32)>) -> Walk<'a> {
        taken.clear();
        Walk { prefix, taken, ordinary: Vec::new(), arrival: false, extra: Vec::new() }
    }
}

/// Whether option `i` of a choice has probability zero.
pub(crate) fn impossible(c: &Choice, i: u32) -> bool {
    match c {
        Choice::Delay { .. } => false,
        Choice::Chance { p } => (i == 1 && p.num == 0) || (i == 0 && p.num == p.den),
    }
}

/// The probability of option `i` of a choice, as (numerator, denominator).
fn factor(c: &Choice, i: u32) -> (u64, u64) {
    match c {
        Choice::Delay { lo, hi } => (1, (hi - lo + 1) as u64),
        Choice::Chance { p } => (if i == 1 { p.num } else { p.den - p.num }, p.den),
    }
}

impl Chooser for Walk<'_> {
    fn choose(&mut self, c: &Choice) -> Chosen {
        let at = self.taken.len();
        let index = match self.prefix.get(at) {
            Some(i) => *i,
            None => (0..c.options()).find(|i| !impossible(c, *i)).unwrap_or(0),
        };
        self.taken.push((*c, index));
        if !std::mem::take(&mut self.arrival) {
            self.ordinary.push(factor(c, index));
        }
        Chosen { index, draw: None }
    }

    fn about(&mut self, m: &About) {
        self.arrival = matches!(m, About::Arrival { forced: false, .. });
    }

    fn lazy_delay(&mut self, lo: u32, hi: u32) {
        self.ordinary.push(factor(&Choice::Delay { lo, hi }, 0));
    }

    fn weigh(&mut self, num: u64, den: u64) {
        self.extra.push((num, den));
    }
}

/// The probability of a sequence of choices, with the `extra` factors it was weighed by.
fn product(w: &mut Weights, taken: &[(Choice, u32)], extra: &[(u64, u64)]) -> Weight {
    w.product(taken.iter().map(|(c, i)| factor(c, *i)).chain(extra.iter().copied()))
}

/// The next choice sequence after `taken` (an odometer over the possible options), into
/// `prefix`; false when there is none.
pub(crate) fn next_prefix(taken: &[(Choice, u32)], fixed_delays: bool, prefix: &mut Vec<u32>) -> bool {
    for j in (0..taken.len()).rev() {
        let (c, i) = taken[j];
        let options = if fixed_delays && matches!(c, Choice::Delay { .. }) { 1 } else { c.options() };
        if let Some(next) = (i + 1..options).find(|k| !impossible(&c, *k)) {
            prefix.clear();
            prefix.extend(taken[..j].iter().map(|(_, i)| *i));
            prefix.push(next);
            return true;
        }
    }
    false
}

/// Paths shared by prefix: each entry is one step's choices after its parent's (a state's
/// path is not copied at every step, which made long runs quadratic).
#[derive(Default)]
pub(crate) struct Paths {
    /// Per step: its parent, and where its choices end in `choices` (they start where
    /// the previous step's end).
    steps: Vec<(u32, usize)>,
    choices: Vec<u32>,
}

impl Paths {
    pub const ROOT: u32 = u32::MAX;

    pub fn push(&mut self, parent: u32, taken: &[(crate::sim::Choice, u32)]) -> u32 {
        self.choices.extend(taken.iter().map(|(_, i)| *i));
        self.steps.push((parent, self.choices.len()));
        self.steps.len() as u32 - 1
    }

    /// Bytes it holds.
    pub fn bytes(&self) -> usize {
        16 * self.steps.capacity() + 4 * self.choices.capacity()
    }

    pub fn full(&self, mut at: u32) -> Vec<u32> {
        let mut segments = Vec::new();
        while at != Self::ROOT {
            let (parent, end) = self.steps[at as usize];
            let start = if at == 0 { 0 } else { self.steps[at as usize - 1].1 };
            segments.push(&self.choices[start..end]);
            at = parent;
        }
        segments.into_iter().rev().flatten().copied().collect()
    }
}

/// A distinct state.
struct Node {
    snap: Snapshot,
    prob: Weight,
    /// The most likely path to it: its probability and choices (in `Paths`).
    best: (Weight, u32),
}

impl Node {
    /// Bytes it holds.
    fn bytes(&self) -> usize {
        std::mem::size_of::<Node>() + self.snap.bytes() + self.prob.bytes() + self.best.0.bytes()
    }
}

/// The distinct states at one point of a run (tick and stage), in the order found, and
/// their keys.
type Stage = (Vec<Node>, crate::sim::key::StateIndex);

/// Enumerates every run of the model.
pub fn analyze(model: &Model, max_states: u64, progress: Option<&dyn Fn(u64)>) -> Result<Exact, ExactError> {
    analyze_with(model, Limits::states(max_states), progress, true, true)
}

/// [`analyze`] within `limits` (states and memory).
pub fn analyze_limited(model: &Model, limits: Limits, progress: Option<&dyn Fn(u64)>) -> Result<Exact, ExactError> {
    analyze_with(model, limits, progress, true, true)
}

/// [`analyze`], choosing whether delays in a range are chosen when the messenger is sent
/// (eager) or lazily (the default): at each tick of its window a messenger arrives now
/// with probability 1 / the ticks left, which gives each delay its 1/k. Lazily, the
/// outcome probabilities are the same with far fewer choice sequences (a state holds
/// windows, not arrival ticks), and with `reduce` arrivals no rule can tell apart are not
/// branched on at all. A lazy "run" does not fix the delays of messengers that never
/// arrive, so it stands for a class of ordinary runs: the most likely run of an outcome
/// is weighed as one of them (each has the probability of its own choices) and reported
/// as ordinary choices.
pub fn analyze_with(
    model: &Model,
    limits: Limits,
    progress: Option<&dyn Fn(u64)>,
    lazy: bool,
    reduce: bool,
) -> Result<Exact, ExactError> {
    let max_states = limits.max_states;
    let max_work = max_states.saturating_mul(WORK_PER_STATE);
    // What the states waiting to be explored hold, and their keys.
    let mut held = Held::default();
    let n = model.generals.len();
    let mut w = Weights::default();
    // What is found, in weights (made fractions once, at the end).
    let mut outcomes = vec![Weight::zero(); OUTCOMES.len()];
    let mut fates: Vec<[Weight; 5]> = (0..n).map(|_| std::array::from_fn(|_| Weight::zero())).collect();
    let mut commits: Vec<BTreeMap<i64, Weight>> = vec![BTreeMap::new(); n];
    let mut most_likely: Vec<Option<(Weight, Vec<u32>)>> = vec![None; OUTCOMES.len()];
    let mut result = Exact {
        outcomes: Vec::new(),
        fates: Vec::new(),
        commits: Vec::new(),
        states: 0,
        steps: 0,
        most_likely: Vec::new(),
        max_events: limits.max_events,
    };
    // Staged: each messenger's choices are a step of their own, and the states between
    // them are merged (a tick of many messengers does not branch into every combination
    // of fates).
    // Without a delay in a range, lazy delivery changes nothing.
    let lazy = lazy && model.channels.iter().any(|c| c.delay_lo != c.delay_hi);
    let mut sim = Sim::new(model, Mode::Staged { lazy });
    sim.max_events = limits.max_events;
    sim.set_reductions(reduce);
    // Arrivals no rule can tell apart are not branched on (`sim::settle`): each such
    // window's ticks lead to runs alike, whose probabilities are counted together.
    sim.set_settled_delays(reduce && lazy);
    // Alike arrivals counted, each sequence weighed for the runs it stands for.
    sim.set_alike_arrivals(reduce && lazy);
    // A few lazy arrivals a step: the states between them are not worth keeping.
    if reduce {
        sim.set_arrivals_per_step(crate::sim::ARRIVALS_PER_STEP);
    }
    sim.start();
    // Pending states, by where they are in a run; at each point, in the order found.
    let mut frontier: BTreeMap<(u32, u32), Stage> = BTreeMap::new();
    let mut paths = Paths::default();
    let start = Node { snap: sim.save(), prob: Weight::one(), best: (Weight::one(), Paths::ROOT) };
    frontier.entry(sim.progress()).or_default().0.push(start);
    result.states = 1;
    let mut key = Vec::new();
    let (mut prefix, mut spare) = (Vec::new(), Vec::new());
    while let Some((_, (nodes, index))) = frontier.pop_first() {
        held.remove(index.bytes());
        for node in nodes {
            held.remove(node.bytes());
            prefix.clear();
            loop {
                sim.restore(&node.snap);
                let mut walk = Walk::new(&prefix, std::mem::take(&mut spare));
                let ended = sim.advance(&mut walk);
                result.steps += 1;
                // A step whose messengers make many choices is explored once per sequence of
                // them, before any merging: bound that work too.
                if result.steps > max_states.saturating_mul(8) {
                    return Err(ExactError::Stopped(Stop::States(max_states)));
                }
                if w.work > max_work {
                    return Err(ExactError::Stopped(Stop::Work { limit: max_work, states: result.states }));
                }
                let (taken, ordinary, walk_extra) = (walk.taken, walk.ordinary, walk.extra);
                let ended = ended.map_err(|error| {
                    let id = paths.push(node.best.1, &taken);
                    ExactError::Run { error, choices: paths.full(id) }
                })?;
                let step = product(&mut w, &taken, &walk_extra);
                let p = w.mul(&node.prob, &step);
                // The most likely run is an ordinary one: lazily, the choices stand for a
                // class of runs (the delays of messengers that never arrived are left
                // open), each of which has the probability of its own choices.
                let best = match lazy {
                    true => {
                        let one = w.product(ordinary.iter().copied());
                        w.mul(&node.best.0, &one)
                    }
                    false => w.mul(&node.best.0, &step),
                };
                if ended {
                    let o = outcome_index(sim.outcome());
                    w.add(&mut outcomes[o], &p);
                    for g in 0..n {
                        let f = match sim.state().decisions[g].map(|d| d.what) {
                            Some(Decided::Attack) => 0,
                            Some(Decided::Wait) => 1,
                            Some(Decided::Commit(_)) => 2,
                            None if sim.state().crashed[g].is_some() => 4,
                            None => 3,
                        };
                        w.add(&mut fates[g][f], &p);
                        if let Some(Decided::Commit(v)) = sim.state().decisions[g].map(|d| d.what) {
                            w.add(commits[g].entry(v).or_insert_with(Weight::zero), &p);
                        }
                    }
                    if most_likely[o].as_ref().is_none_or(|(q, _)| w.greater(&best, q)) {
                        let id = paths.push(node.best.1, &taken);
                        most_likely[o] = Some((best, paths.full(id)));
                    }
                } else {
                    sim.state_key(&mut key);
                    let (nodes, index) = frontier.entry(sim.progress()).or_default();
                    let before = index.bytes();
                    let found = index.find_or_add(&key);
                    held.add(index.bytes() - before);
                    match found {
                        Ok(i) => {
                            let existing = &mut nodes[i];
                            held.remove(existing.bytes());
                            w.add(&mut existing.prob, &p);
                            if w.greater(&best, &existing.best.0) {
                                // The state goes on from its most likely path (merged states
                                // go on alike, but not always with their choices in the same
                                // order).
                                existing.best = (best, paths.push(node.best.1, &taken));
                                existing.snap = sim.save();
                            }
                            held.add(existing.bytes());
                        }
                        Err(i) => {
                            debug_assert_eq!(i, nodes.len());
                            result.states += 1;
                            if result.states > max_states {
                                return Err(ExactError::Stopped(Stop::States(max_states)));
                            }
                            if let Some(f) = progress
                                && result.states.is_multiple_of(1024)
                            {
                                f(result.states);
                            }
                            let path = paths.push(node.best.1, &taken);
                            let node = Node { snap: sim.save(), prob: p, best: (best, path) };
                            held.add(node.bytes());
                            nodes.push(node);
                        }
                    }
                }
                if held.over(paths.bytes() + sim.key_bytes(), limits.max_memory) {
                    return Err(ExactError::Stopped(Stop::Memory { limit: limits.max_memory, states: result.states }));
                }
                let more = next_prefix(&taken, false, &mut prefix);
                // Its buffer is reused.
                spare = taken;
                if !more {
                    break;
                }
            }
        }
    }
    let fraction = |x: &Weight| x.to_rational(&w);
    result.outcomes = outcomes.iter().map(fraction).collect();
    result.fates = fates.iter().map(|f| std::array::from_fn(|k| fraction(&f[k]))).collect();
    result.commits = commits.iter().map(|c| c.iter().map(|(v, p)| (*v, fraction(p))).collect()).collect();
    result.most_likely = most_likely.into_iter().map(|m| m.map(|(p, path)| (fraction(&p), path))).collect();
    if reduce {
        // States were merged up to swaps of interchangeable generals, so a general's own
        // numbers may have been counted for another of its class; by symmetry each has
        // the class's average.
        let symmetry = crate::sim::symmetry::Symmetry::of(model);
        for members in symmetry.members.iter().filter(|m| m.len() > 1) {
            let k = BigRational::from_integer(BigInt::from(members.len()));
            for f in 0..5 {
                let sum = members.iter().fold(BigRational::zero(), |a, g| a + &result.fates[*g as usize][f]);
                for g in members {
                    result.fates[*g as usize][f] = &sum / &k;
                }
            }
            let mut values: BTreeMap<i64, BigRational> = BTreeMap::new();
            for g in members {
                for (v, p) in &result.commits[*g as usize] {
                    *values.entry(*v).or_insert_with(BigRational::zero) += p;
                }
            }
            for g in members {
                result.commits[*g as usize] = values.iter().map(|(v, p)| (*v, p / &k)).collect();
            }
        }
    }
    if lazy {
        // The most likely runs, as ordinary choices (the same runs, the same probabilities).
        for (_, path) in result.most_likely.iter_mut().flatten() {
            *path = super::lazy::ordinary(model, path, sim.max_events, (reduce, reduce));
        }
    }
    Ok(result)
}

/// A probability as a decimal.
pub fn to_f64(p: &BigRational) -> f64 {
    p.to_f64().unwrap_or(f64::NAN)
}

/// A probability as an exact fraction, when its denominator is small enough to read.
pub fn fraction(p: &BigRational) -> Option<String> {
    if p.is_zero() {
        return Some("0".to_string());
    }
    if p.is_one() {
        return Some("1".to_string());
    }
    let den = p.denom().to_u64()?;
    (den <= 1_000_000_000).then(|| format!("{}/{}", p.numer(), p.denom()))
}
