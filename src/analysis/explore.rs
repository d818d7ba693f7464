//! The adversary's view: every probabilistic loss is a choice (captured or delivered),
//! every delay in a range too; which outcomes are possible, with the shortest witness of
//! each, and which are impossible — a proof over the whole bounded space.
//!
//! The same interpreter and the same tick-by-tick walk as the exact analysis, without
//! weights: states that cannot be told apart are merged, keeping for each the path with
//! the fewest captures, so the witness kept for an outcome has the fewest captures, then
//! the fewest ticks.

use std::collections::BTreeMap;

use super::budget::{Held, Limits, Stop};
use super::exact::{Paths, Walk, next_prefix};
use crate::check::Model;
use crate::sim::key::StateIndex;
use crate::sim::key::{Parent, Place};
use crate::sim::{Mode, RunError, Sim, Snapshot};

/// Default bound on the distinct states explored.
pub const DEFAULT_MAX_STATES: u64 = 1_000_000;

/// What the adversary can reach.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reach {
    /// An outcome (victory, defeat, no-attack, agreement, ...), by its index in
    /// [`super::trials::OUTCOMES`].
    Outcome(usize),
    /// A live general ended undecided.
    Blocked,
    /// A general ended with a fate (indexed like [`super::trials::FATES`]).
    Fate(u16, usize),
    /// A general committed a value.
    Commit(u16, i64),
}

/// The shortest run that reaches something.
#[derive(Debug, Clone)]
pub struct Witness {
    /// The adversary's actions: messengers captured plus generals crashed (`crash any`).
    pub captures: u32,
    pub ticks: u32,
    pub choices: Vec<u32>,
    /// Where the search met it, as a sequence compared lexicographically (see `Order`
    /// in this module): among witnesses of equal captures and ticks, the least is kept, by a
    /// search on one machine and by the merge of a search's parts alike.
    pub order: Vec<u64>,
}

impl Witness {
    /// What the search keeps the least of: captures, then ticks, then where it was met.
    pub fn rank(&self) -> (u32, u32, &[u64]) {
        (self.captures, self.ticks, &self.order)
    }
}

/// **The order in which the search meets states and runs**, which breaks ties between
/// equally cheap witnesses the same way whether the search ran on one machine or in
/// parts (`--shard`).
///
/// The search takes stages (tick, and position within it) in order, and the states of a
/// stage in the order of their best paths' last steps: the state the step started from
/// (in the order the search took it) and the number of the step's choice sequence from
/// it. So a state's place is `(its parent's stage, its parent's place, its step's
/// number)`, and a run's end is met at `(its last state's stage, that state's place, the
/// step's number)`: a nesting that [`Order::flatten`] writes as one sequence compared
/// lexicographically (the stages from the end up to the first state, a 0, then the step
/// numbers from the first state down). A state keeps its first best path (fewest
/// captures; the earliest met among equals), so every search keeps, for each thing
/// reached, the cheapest witness met first; and a part of the search meets a run where
/// the whole search does, or the whole search meets one as cheap no later, so the least
/// over the parts is the whole search's.
#[derive(Default)]
struct Order {
    /// Per entry: the entry of the state's parent, the parent's stage, and the step's
    /// number.
    entries: Vec<(u32, u64, u32)>,
}

impl Order {
    const ROOT: u32 = u32::MAX;

    fn push(&mut self, parent: u32, stage: u64, step: u32) -> u32 {
        self.entries.push((parent, stage, step));
        self.entries.len() as u32 - 1
    }

    /// The place of a run's end met at step `step` of the state whose entry is `at`, at
    /// `stage`, as one sequence.
    fn flatten(&self, mut at: u32, stage: u64, step: u32) -> Vec<u64> {
        let (mut stages, mut steps) = (vec![stage + 1], vec![step as u64]);
        while at != Self::ROOT {
            let (parent, stage, step) = self.entries[at as usize];
            stages.push(stage + 1);
            steps.push(step as u64);
            at = parent;
        }
        stages.push(0);
        stages.extend(steps.iter().rev());
        stages
    }

    fn bytes(&self) -> usize {
        16 * self.entries.capacity()
    }
}

/// A stage as one number, in the order stages are taken.
fn stage_number((tick, within): (u32, u32)) -> u64 {
    (tick as u64) << 32 | within as u64
}

/// The result of an exploration.
#[derive(Debug, Clone)]
pub struct Explored {
    /// Everything reachable, with its shortest witness.
    pub reached: BTreeMap<Reach, Witness>,
    /// Distinct states explored.
    pub states: u64,
    /// Ticks executed (one per state and choice sequence).
    pub steps: u64,
    /// States skipped as met at an earlier tick with no more captures (clock-free
    /// scenarios only, see `sim::key::timeless`).
    pub dominated: u64,
    pub fixed_delays: bool,
    /// The bound on a run's events the search ran with (to replay its witnesses alike).
    pub max_events: u64,
}

/// Why an exploration could not finish.
#[derive(Debug, Clone)]
pub enum ExploreError {
    /// A bound of the search was reached (states or memory).
    Stopped(Stop),
    Run {
        error: RunError,
        choices: Vec<u32>,
    },
}

struct Node {
    /// (Boxed: nodes move as the stage grows, and a snapshot is large.)
    snap: Box<Snapshot>,
    captures: u32,
    /// Its best path, in `Paths`.
    path: u32,
    /// Where its best path's last step was met: the parent's turn in the search and the
    /// step's number (the stage is taken in this order), and its entry in [`Order`].
    met: (u64, u32),
    order: u32,
}

/// The distinct states at one point of a run (tick and stage), in the order found: the
/// nodes, their keys, and where each general's record is in each key (`n` per node, for
/// the keys of the states one step on: see `Sim::state_key_from`).
type Stage = (Vec<Node>, StateIndex, Vec<Place>);

/// Explores every run the adversary can make happen.
pub fn explore(model: &Model, max_states: u64, fixed_delays: bool) -> Result<Explored, ExploreError> {
    explore_limited(model, Limits::states(max_states), fixed_delays)
}

/// [`explore`] within `limits` (states and memory).
pub fn explore_limited(model: &Model, limits: Limits, fixed_delays: bool) -> Result<Explored, ExploreError> {
    search(model, limits, fixed_delays, !fixed_delays, true, None, None)
}

/// [`explore_limited`] over part `k` of `m` of the adversary's choices: the search runs
/// as the whole one until the first stage (tick and step) of at least `m` distinct states,
/// then goes on from the states of that stage numbered `k` modulo `m` only (each the
/// state after some prefix of choices; a shard, `src/shard/explore.rs`). Every run either
/// passes through one state of that stage or does not pass through it (and every part
/// follows it), so what the parts reach, together, is what the whole search reaches,
/// each at the fewest captures.
pub fn explore_part(
    model: &Model,
    limits: Limits,
    fixed_delays: bool,
    (k, m): (u64, u64),
) -> Result<Explored, ExploreError> {
    search(model, limits, fixed_delays, !fixed_delays, true, None, Some((k, m)))
}

/// [`explore`], choosing whether delays are chosen lazily (the default) or at each send
/// (every combination of a tick's delays: the same answers, many more sequences; kept to
/// check the lazy search against).
pub fn explore_with(
    model: &Model,
    max_states: u64,
    fixed_delays: bool,
    lazy: bool,
    reduce: bool,
) -> Result<Explored, ExploreError> {
    search(model, Limits::states(max_states), fixed_delays, lazy, reduce, None, None)
}

/// Called with each state's key, and whether it was written from its parent's (tests).
pub type KeyCheck<'a> = &'a mut dyn FnMut(&Sim, &[u64], bool);

/// [`explore_with`] showing `check` every state's key as the search wrote it (from its
/// parent's when it could), for the tests that compare it with [`Sim::state_key`].
#[doc(hidden)]
pub fn explore_checking_keys(
    model: &Model,
    max_states: u64,
    (fixed_delays, lazy, reduce): (bool, bool, bool),
    check: KeyCheck,
) -> Result<Explored, ExploreError> {
    search(model, Limits::states(max_states), fixed_delays, lazy, reduce, Some(check), None)
}

/// [`explore_with`]; `check` is shown each state's key (tests); `part`: only part `k` of
/// `m` of the search ([`explore_part`]).
fn search(
    model: &Model,
    limits: Limits,
    fixed_delays: bool,
    lazy: bool,
    reduce: bool,
    mut check: Option<KeyCheck>,
    part: Option<(u64, u64)>,
) -> Result<Explored, ExploreError> {
    let max_states = limits.max_states;
    // What the states waiting to be explored hold (and the snapshots kept to be saved
    // over), and their keys.
    let mut held = Held::default();
    // Without a delay in a range, lazy delivery changes nothing (and needs no translation).
    let lazy = lazy && !fixed_delays && model.channels.iter().any(|c| c.delay_lo != c.delay_hi);
    let mut out = Explored {
        reached: BTreeMap::new(),
        states: 1,
        steps: 0,
        dominated: 0,
        fixed_delays,
        max_events: limits.max_events,
    };
    // Staged: each messenger's choices are a step of their own, and the states between
    // them are merged (a tick of many messengers does not branch into every combination
    // of fates). Lazy: delays in a range are chosen messenger by messenger and tick by
    // tick, not all at the send; with fixed delays there is nothing to choose.
    let mut sim = Sim::new(model, Mode::Staged { lazy });
    sim.max_events = limits.max_events;
    sim.set_reductions(reduce);
    // Clock-free, or clock read only at stated ticks: states are compared across the
    // ticks of a window (see `sim::key::timeless`); `bounds`: where windows start.
    let bounds = if reduce && lazy { crate::sim::key::windows(model) } else { None };
    let timeless = bounds.is_some();
    let bounds = bounds.unwrap_or_default();
    sim.set_timeless(timeless);
    // Arrivals no rule can tell apart are not choices (see `sim::settle`).
    sim.set_settled_delays(reduce && lazy);
    // Interchangeable arrivals by how many, not which (`Sim::set_alike_arrivals`).
    sim.set_alike_arrivals(reduce && lazy);
    // A few lazy arrivals a step: the states between them are not worth keeping.
    if reduce {
        sim.set_arrivals_per_step(crate::sim::ARRIVALS_PER_STEP);
    }
    // The keys of the states met at the start of a tick, and the fewest captures each was
    // met with.
    let mut seen: (StateIndex, Vec<u32>) = (StateIndex::with_capacity(1024, 16 * 1024), Vec::new());
    sim.start();
    let mut frontier: BTreeMap<(u32, u32), Stage> = BTreeMap::new();
    let mut paths = Paths::default();
    frontier.entry(sim.progress()).or_default().0.push(Node {
        snap: Box::new(sim.save()),
        captures: 0,
        path: Paths::ROOT,
        met: (0, 0),
        order: Order::ROOT,
    });
    let mut key = Vec::new();
    let (mut prefix, mut spare) = (Vec::new(), Vec::new());
    let n = model.generals.len();
    let mut layout = Vec::new();
    // The snapshots of states explored, saved over by new states.
    let mut spares: Vec<Box<Snapshot>> = Vec::new();
    let mut split_done = false;
    let mut order = Order::default();
    // The turn of each state taken, in order.
    let mut turn: u64 = 0;
    while let Some((progress, (mut nodes, index, mut layouts))) = frontier.pop_first() {
        // The stage in the order of its states' best paths (see `Order`).
        if nodes.windows(2).any(|w| w[0].met > w[1].met) {
            let mut by: Vec<usize> = (0..nodes.len()).collect();
            by.sort_by_key(|&i| nodes[i].met);
            let mut slots: Vec<Option<Node>> = nodes.into_iter().map(Some).collect();
            nodes = by.iter().map(|&i| slots[i].take().expect("each once")).collect();
            if layouts.len() == by.len() * n {
                layouts = by.iter().flat_map(|&i| layouts[i * n..(i + 1) * n].to_vec()).collect();
            }
        }
        let stage = stage_number(progress);
        held.remove(index.bytes() + std::mem::size_of::<Place>() * layouts.capacity());
        let stage_states = nodes.len();
        // The snapshots are read from memory a batch ahead, while other states' steps
        // run: a search restores snapshots saved long before, no longer in any cache,
        // and loads that go on at once wait for memory once.
        const AHEAD: usize = 8;
        for node in nodes.iter().take(AHEAD) {
            node.snap.touch();
        }
        // A part of the search: the first stage of at least `m` states is where the parts
        // part ways, each going on from the states numbered `k` modulo `m` of it.
        let split = part.filter(|&(_, m)| !split_done && stage_states as u64 >= m);
        split_done |= split.is_some();
        let mut rest = nodes.into_iter();
        let mut i = 0;
        while let Some(node) = rest.next() {
            if split.is_some_and(|(k, m)| i as u64 % m != k) {
                // Another part's state.
                held.remove(std::mem::size_of::<Node>());
                spares.push(node.snap);
                i += 1;
                continue;
            }
            if i % AHEAD == 0 {
                // (`rest` starts at node `i + 1`: the next batch starts at `i + AHEAD`.)
                for next in rest.as_slice().iter().skip(AHEAD - 1).take(AHEAD) {
                    next.snap.touch();
                }
            }
            let me = turn;
            turn += 1;
            // The number of the step from this state (0: its idle run to the horizon).
            let mut step: u32 = 0;
            // The keys of the states one step on copy from this one what the step did not
            // change. (The first state has no key.)
            let parent = (i < index.len()).then(|| Parent { progress, records: &layouts[i * n..(i + 1) * n] });
            // In a window, a state also goes on by idling to the window's end (idle ticks
            // merge away): to the horizon (noted at once), or to the next boundary (a
            // step of its own, after the others).
            let mut idle_to = None;
            if timeless && progress.1 == 0 && progress.0 > 0 {
                match bounds.get(window(&bounds, progress.0) as usize) {
                    None => {
                        sim.restore(&node.snap);
                        sim.set_adversary_counts(node.captures, 0);
                        let at = order.flatten(node.order, stage, 0);
                        idle_to_the_end(model, &mut sim, &mut out, &mut paths, &node, at)?;
                    }
                    // (To the next tick: the steps from this one already idle through it.)
                    Some(&b) => idle_to = (b > progress.0 + 1).then_some(b),
                }
            }
            let mut idling = false;
            prefix.clear();
            loop {
                step += 1;
                sim.restore(&node.snap);
                // A merged state goes on from its best path, not the first one found.
                sim.set_adversary_counts(node.captures, 0);
                let mut walk = Walk::new(if idling { &[] } else { &prefix }, std::mem::take(&mut spare));
                let ended = match (idling, idle_to) {
                    (true, Some(b)) => idle_until(&mut sim, &mut walk, b),
                    _ => sim.advance(&mut walk),
                };
                out.steps += 1;
                if out.steps > max_states {
                    return Err(ExploreError::Stopped(Stop::States(max_states)));
                }
                let taken = walk.taken;
                let ended = ended.map_err(|error| {
                    let id = paths.push(node.path, &taken);
                    ExploreError::Run { error, choices: paths.full(id) }
                })?;
                // The adversary's cost: what it captured and whom it crashed.
                let captures = sim.state().captures + sim.state().crashes_chosen;
                if ended {
                    let reached = reached_by(model, &sim);
                    let mut path = None;
                    for r in reached {
                        let better =
                            out.reached.get(&r).is_none_or(|w| (captures, sim.state().now) < (w.captures, w.ticks));
                        if better {
                            let choices = path
                                .get_or_insert_with(|| {
                                    let id = paths.push(node.path, &taken);
                                    paths.full(id)
                                })
                                .clone();
                            let order = order.flatten(node.order, stage, step);
                            out.reached.insert(r, Witness { captures, ticks: sim.state().now, choices, order });
                        }
                    }
                } else {
                    let reused = sim.state_key_from(parent.filter(|_| !idling), &mut key, &mut layout);
                    if let Some(check) = check.as_mut() {
                        check(&sim, &key, reused);
                    }
                    if timeless && dominated(&sim, &mut key, window(&bounds, sim.state().now), captures, &mut seen) {
                        // Met at an earlier tick with no more captures: nothing new from here.
                        out.dominated += 1;
                    } else {
                        // (A new stage has room for about as many states as this one, up to a
                        // bound: the states one step on may spread over many stages.)
                        let (nodes, index, layouts) = frontier.entry(sim.progress()).or_insert_with(|| {
                            let states = stage_states.clamp(16, 4096);
                            let words = states * key.len();
                            (
                                Vec::with_capacity(states),
                                StateIndex::with_capacity(states, words),
                                Vec::with_capacity(states * n),
                            )
                        });
                        let before = index.bytes() + std::mem::size_of::<Place>() * layouts.capacity();
                        let found = index.find_or_add(&key);
                        match found {
                            Ok(i) => {
                                if captures < nodes[i].captures {
                                    // The state goes on from its best path (merged states go on
                                    // alike, but not always with their choices in the same order).
                                    nodes[i].captures = captures;
                                    nodes[i].path = paths.push(node.path, &taken);
                                    nodes[i].met = (me, step);
                                    nodes[i].order = order.push(node.order, stage, step);
                                    held.remove(nodes[i].snap.bytes());
                                    sim.save_into(&mut nodes[i].snap);
                                    held.add(nodes[i].snap.bytes());
                                    // Its records may be in another order.
                                    layouts[i * n..(i + 1) * n].copy_from_slice(&layout);
                                }
                            }
                            Err(i) => {
                                debug_assert_eq!(i, nodes.len());
                                out.states += 1;
                                if out.states > max_states {
                                    return Err(ExploreError::Stopped(Stop::States(max_states)));
                                }
                                let path = paths.push(node.path, &taken);
                                let snap = match spares.pop() {
                                    Some(mut snap) => {
                                        // (A spare is held already.)
                                        held.remove(snap.bytes());
                                        sim.save_into(&mut snap);
                                        snap
                                    }
                                    None => Box::new(sim.save()),
                                };
                                held.add(std::mem::size_of::<Node>() + snap.bytes());
                                let at = order.push(node.order, stage, step);
                                nodes.push(Node { snap, captures, path, met: (me, step), order: at });
                                layouts.extend_from_slice(&layout);
                            }
                        }
                        held.add(index.bytes() + std::mem::size_of::<Place>() * layouts.capacity() - before);
                    }
                    if held.over(
                        paths.bytes() + order.bytes() + sim.key_bytes() + seen.0.bytes() + 4 * seen.1.capacity(),
                        limits.max_memory,
                    ) {
                        let states = out.states;
                        return Err(ExploreError::Stopped(Stop::Memory { limit: limits.max_memory, states }));
                    }
                }
                let more = !idling && next_prefix(&taken, fixed_delays, &mut prefix);
                // Its buffer is reused.
                spare = taken;
                if !more {
                    if idling || idle_to.is_none() {
                        break;
                    }
                    idling = true;
                }
            }
            // (Its snapshot is held still, as a spare; the node is gone.)
            held.remove(std::mem::size_of::<Node>());
            spares.push(node.snap);
            i += 1;
        }
    }
    if lazy {
        for w in out.reached.values_mut() {
            w.choices = super::lazy::ordinary(model, &w.choices, sim.max_events, (reduce, reduce));
        }
    }
    if reduce {
        by_symmetry(model, &mut out, sim.max_events);
    }
    Ok(out)
}

/// What the end of a run reaches: its outcome, whether some general is blocked, each
/// general's fate and value committed.
fn reached_by(model: &Model, sim: &Sim) -> Vec<Reach> {
    let mut reached = vec![Reach::Outcome(super::trials::outcome_index(sim.outcome()))];
    if sim.blocked() {
        reached.push(Reach::Blocked);
    }
    for g in 0..model.generals.len() {
        reached.push(Reach::Fate(g as u16, super::trials::fate_index(sim, g)));
        if let Some(crate::sim::Decided::Commit(v)) = sim.state().decisions[g].map(|d| d.what) {
            reached.push(Reach::Commit(g as u16, v));
        }
    }
    reached
}

/// The window of tick `t`: how many boundaries `bounds` are at or before it.
fn window(bounds: &[u32], t: u32) -> u64 {
    bounds.partition_point(|&b| b <= t) as u64
}

/// Whether the state at the start of a tick whose key is `key` was met before (at this
/// tick or an earlier one of its window `window`) with no more captures; if not, it is
/// noted as met with these. (`key` is given back as it was.)
fn dominated(sim: &Sim, key: &mut Vec<u64>, window: u64, captures: u32, seen: &mut (StateIndex, Vec<u32>)) -> bool {
    let (t, within) = sim.progress();
    if within != 0 || t == 0 {
        return false;
    }
    key.push(window);
    let found = seen.0.find_or_add(key);
    key.pop();
    match found {
        Ok(i) if seen.1[i] <= captures => true,
        Ok(i) => {
            seen.1[i] = captures;
            false
        }
        Err(_) => {
            seen.1.push(captures);
            false
        }
    }
}

/// In a windowed search, the run from a state at the start of a tick (restored in `sim`)
/// in which the adversary holds every messenger and crashes no one until tick `to`, the
/// next boundary, if every messenger on its way may be held that long: `Ok(false)` at the
/// start of the first tick from `to` on, `Ok(true)` if the run ends first (all decided).
/// (If some messenger must arrive before, no run idles to `to`: the run goes on as the
/// chooser's first options make it, a run the search meets anyway.)
fn idle_until(sim: &mut Sim, walk: &mut Walk, to: u32) -> Result<bool, RunError> {
    let captures = sim.state().captures + sim.state().crashes_chosen;
    loop {
        if sim.advance(walk)? {
            return Ok(true);
        }
        if sim.progress() == (sim.state().now, 0) && sim.state().now >= to {
            debug_assert!(
                !sim.can_idle_until(to) || captures == sim.state().captures + sim.state().crashes_chosen,
                "an idle run captures no one"
            );
            return Ok(false);
        }
    }
}

/// In a clock-free search, what the run from `node` (restored in `sim`, at the start of
/// a tick) ends in if the adversary holds every messenger and crashes no one until the
/// horizon: every general as it is (an idle tick changes nothing). The search merges
/// idle ticks away, so this end is noted here; a witness's choices are worked out by
/// running those idle ticks, only when it is the best one yet.
fn idle_to_the_end(
    model: &Model,
    sim: &mut Sim,
    out: &mut Explored,
    paths: &mut Paths,
    node: &Node,
    order: Vec<u64>,
) -> Result<(), ExploreError> {
    if !sim.can_idle_to_the_end() {
        // (Some messenger sent at tick 0 must arrive by the horizon: its arrival, made
        // by choice now, is another branch.)
        return Ok(());
    }
    let captures = node.captures;
    let ticks = model.horizon;
    let reached = reached_by(model, sim);
    if reached.iter().all(|r| out.reached.get(r).is_some_and(|w| w.rank() <= (captures, ticks, &order[..]))) {
        return Ok(());
    }
    let mut walk = Walk::new(&[], Vec::new());
    loop {
        match sim.advance(&mut walk) {
            Ok(true) => break,
            Ok(false) => {}
            Err(error) => {
                let id = paths.push(node.path, &walk.taken);
                return Err(ExploreError::Run { error, choices: paths.full(id) });
            }
        }
    }
    debug_assert_eq!(reached, reached_by(model, sim), "an idle run to the horizon changes nothing");
    debug_assert_eq!((sim.state().now, sim.state().captures + sim.state().crashes_chosen), (ticks, captures));
    let id = paths.push(node.path, &walk.taken);
    let choices = paths.full(id);
    for r in reached {
        if out.reached.get(&r).is_none_or(|w| (captures, ticks, &order[..]) < w.rank()) {
            out.reached.insert(r, Witness { captures, ticks, choices: choices.clone(), order: order.clone() });
        }
    }
    Ok(())
}

/// With symmetry, states are merged up to swaps of interchangeable generals, so what one
/// general was found to reach, each of its class can reach at the same cost: its witness
/// is the mirror image of the one found.
fn by_symmetry(model: &Model, out: &mut Explored, max_events: u64) {
    let symmetry = crate::sim::symmetry::Symmetry::of(model);
    if !symmetry.any() {
        return;
    }
    let found: Vec<(Reach, Witness)> = out.reached.iter().map(|(r, w)| (r.clone(), w.clone())).collect();
    for (r, w) in found {
        let (h, make): (u16, fn(u16, &Reach) -> Reach) = match r {
            Reach::Fate(h, _) => (h, |g, r| match r {
                Reach::Fate(_, f) => Reach::Fate(g, *f),
                _ => unreachable!(),
            }),
            Reach::Commit(h, _) => (h, |g, r| match r {
                Reach::Commit(_, v) => Reach::Commit(g, *v),
                _ => unreachable!(),
            }),
            _ => continue,
        };
        let class = symmetry.class[h as usize] as usize;
        for &g in &symmetry.members[class] {
            if g == h {
                continue;
            }
            let key = make(g, &r);
            // (The mirror image is met where its original was.)
            if out.reached.get(&key).is_some_and(|x| x.rank() <= w.rank()) {
                continue;
            }
            let choices = super::mirror::swapped(model, &w.choices, g, h, max_events);
            out.reached.insert(key, Witness { captures: w.captures, ticks: w.ticks, choices, order: w.order.clone() });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// On every bundled scenario, exercise and solution, lazy and eager, with and without
    /// fixed delays and reductions, each state's key is checked:
    ///
    /// - written from its parent's, it is the key written afresh (and many are);
    /// - it merges the same states as the key with the generals ordered by their records'
    ///   contents instead of their numbers (the two keys go one to one).
    #[test]
    fn keys_written_from_the_parent_and_by_record_numbers_merge_the_same_states() {
        let (mut copied, mut keys, mut reordered) = (0, 0, 0);
        for path in crate::bundled_files(&["scenarios", "scenarios/exercises", "scenarios/exercises/solutions"]) {
            let name = path.display().to_string();
            let l = crate::load(&name, &std::fs::read(&path).unwrap(), &[]).unwrap();
            for (fixed, lazy, reduce) in
                [(false, true, true), (false, false, true), (true, false, true), (false, true, false)]
            {
                let mut there: HashMap<Vec<u64>, Vec<u64>> = HashMap::new();
                let mut back: HashMap<Vec<u64>, Vec<u64>> = HashMap::new();
                let mut check = |sim: &Sim, key: &[u64], reused: bool| {
                    let mut full = Vec::new();
                    sim.state_key(&mut full);
                    assert_eq!(key, full, "{name}: the key written from the parent's is the key");
                    copied += reused as u64;
                    keys += 1;
                    sim.order_keys_by_content(true);
                    let mut by_content = Vec::new();
                    sim.state_key(&mut by_content);
                    sim.order_keys_by_content(false);
                    reordered += (by_content != full) as u64;
                    let a = there.entry(full.clone()).or_insert_with(|| by_content.clone());
                    assert_eq!(*a, by_content, "{name}: one key, two keys by content");
                    let b = back.entry(by_content).or_insert(full.clone());
                    assert_eq!(*b, full, "{name}: one key by content, two keys");
                };
                let _ = search(&l.model, Limits::states(20_000), fixed, lazy, reduce, Some(&mut check), None);
            }
        }
        assert!(copied > 10_000 && keys > copied, "{copied} of {keys} keys written from their parents'");
        assert!(reordered > 1_000, "{reordered} of {keys} keys in another order by content");
    }
}
