//! [`RunState`]: everything a run changes, in one place. Resetting, saving, restoring and
//! the equivalence tests all go through it, each naming every field (a destructuring
//! without `..`), so that a new field cannot be forgotten by any of them.

use super::*;

/// Everything one run changes (lean runs' sets aside, see `lean::LeanState`): what a
/// [`Snapshot`] holds. Two `Sim`s of one model with equal states go on alike.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunState {
    /// The current tick.
    pub now: u32,
    /// Why the run ended (once it has).
    pub end: End,
    /// Per general, what it decided.
    pub decisions: Vec<Option<Decision>>,
    /// Per general, when it crashed (if it is down).
    pub crashed: Vec<Option<u32>>,
    /// Per general, the deliveries it keeps (traced: all; else those some rule can read).
    pub recv: Vec<Vec<Recv>>,
    /// Per general, the messengers it sent (kept when traced, or when a rule reads them).
    pub sent: Vec<Vec<Sent>>,
    /// Per general, its variables' values.
    pub vars: Vec<Vec<i64>>,
    /// Traced: every messenger, by number.
    pub messengers: Vec<Messenger>,
    /// Traced: what happened, in order.
    pub log: Vec<LogEntry>,
    /// Messengers captured by a probabilistic loss rule (the adversary's doing, in explore).
    pub captures: u32,
    /// Generals crashed by a `crash any` rule (the adversary's doing, in explore).
    pub crashes_chosen: u32,
    /// The messengers on the road, by arrival tick.
    pub(crate) queue: Queue,
    /// With lazy delivery: the messengers on the road, in send order, with their windows.
    pub(crate) road: Vec<Road>,
    /// In a staged run: where the current tick is.
    pub(crate) stage: Stage,
    /// With `Stage::Arrive`: the next road entry to choose for.
    pub(crate) arrive_pos: usize,
    /// The current tick's messengers whose fates are not chosen yet (from `resolve_pos`).
    pub(crate) unresolved: Vec<Unresolved>,
    pub(crate) resolve_pos: usize,
    /// Per channel, its messengers so far (when its loss rules count them, or traced).
    pub(crate) chan_count: Vec<u32>,
    /// Per rule: a `when` rule has fired; an `every` rule's `until` held.
    pub(crate) when_fired: Vec<bool>,
    pub(crate) every_done: Vec<bool>,
    /// Messengers sent plus rules fired, against the event bound.
    pub(crate) events: u64,
    /// The next scheduled crash or recovery, in `Model::crashes`.
    pub(crate) next_crash: usize,
    /// Messengers sent so far (their ids are `0..sent_count`).
    pub(crate) sent_count: u32,
    /// Messengers sent by each rule, for naming a runaway rule.
    pub(crate) sent_by_rule: Vec<u32>,
    /// Generals that have neither decided nor crashed.
    pub(crate) open: usize,
    /// How many each `crash any` rule has crashed.
    pub(crate) any_crashed: Vec<u32>,
}

impl RunState {
    /// The state at the start of a run of `model`.
    pub(crate) fn new(model: &Model) -> RunState {
        let n = model.generals.len();
        RunState {
            now: 0,
            end: End::Quiet,
            decisions: vec![None; n],
            crashed: vec![None; n],
            recv: vec![Vec::new(); n],
            sent: vec![Vec::new(); n],
            vars: model.generals.iter().map(|g| g.vars.iter().map(|v| v.init).collect()).collect(),
            messengers: Vec::new(),
            log: Vec::new(),
            captures: 0,
            crashes_chosen: 0,
            queue: Queue::new(model.channels.iter().map(|c| c.delay_hi).max().unwrap_or(1)),
            road: Vec::new(),
            stage: Stage::Start,
            arrive_pos: 0,
            unresolved: Vec::new(),
            resolve_pos: 0,
            chan_count: vec![0; model.channels.len()],
            when_fired: vec![false; model.rules.len()],
            every_done: vec![false; model.rules.len()],
            events: 0,
            next_crash: 0,
            sent_count: 0,
            sent_by_rule: vec![0; model.rules.len()],
            open: n,
            any_crashed: vec![0; model.crash_any.len()],
        }
    }
}

impl RunState {
    /// Back to the start of a run (what [`RunState::new`] gives), reusing the buffers.
    /// `dirty_sent` and `dirty_count`: some send log or channel counter may be non-zero
    /// (else they are left alone).
    pub(crate) fn reset(&mut self, model: &Model, plan: &Plan, dirty_sent: bool, dirty_count: bool) {
        let RunState {
            now,
            end,
            decisions,
            crashed,
            recv,
            sent,
            vars,
            messengers,
            log,
            captures,
            crashes_chosen,
            queue,
            road,
            stage,
            arrive_pos,
            unresolved,
            resolve_pos,
            chan_count,
            when_fired,
            every_done,
            events,
            next_crash,
            sent_count,
            sent_by_rule,
            open,
            any_crashed,
        } = self;
        *now = 0;
        *end = End::Quiet;
        for ((d, c), r) in decisions.iter_mut().zip(crashed.iter_mut()).zip(recv.iter_mut()) {
            *d = None;
            *c = None;
            r.clear();
        }
        if dirty_sent {
            sent.iter_mut().for_each(Vec::clear);
        }
        if plan.has_vars {
            for (g, vars) in vars.iter_mut().enumerate() {
                for (v, init) in vars.iter_mut().zip(&model.generals[g].vars) {
                    *v = init.init;
                }
            }
        }
        messengers.clear();
        log.clear();
        (*captures, *crashes_chosen) = (0, 0);
        queue.clear();
        road.clear();
        *stage = Stage::Start;
        *arrive_pos = 0;
        unresolved.clear();
        *resolve_pos = 0;
        if dirty_count {
            chan_count.fill(0);
        }
        if plan.has_when {
            when_fired.fill(false);
        }
        for &(r, ..) in &plan.every {
            every_done[r as usize] = false;
        }
        *events = 0;
        *next_crash = 0;
        // (Only rules that send count messengers.)
        if *sent_count > 0 {
            for &r in &plan.senders {
                sent_by_rule[r as usize] = 0;
            }
        }
        *sent_count = 0;
        *open = model.generals.len();
        any_crashed.fill(0);
    }
}
