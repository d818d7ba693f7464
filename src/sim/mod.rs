//! The interpreter: runs a [`Model`] tick by tick against its lossy channels.
//!
//! One [`Sim`] is reused across runs (trials reset it; nothing is allocated per
//! trial once its buffers have grown). Every random choice goes through a
//! [`Chooser`]. With `trace` on, it also records which rule fired when and why,
//! for explanations; trials leave it off.

pub mod chooser;
mod eval;
pub(crate) mod key;
mod pack;
pub mod queue;

pub mod symmetry;

pub use chooser::{About, Choice, Chooser, Chosen, Recording, Script, Seeded};
pub use queue::{Note, Pending, Queue};

use crate::check::*;
use crate::syntax::ast::{BinOp, Outcome};

mod drive;
mod fire;
mod lean;
mod plan;
mod send;
mod snapshot;
#[cfg(test)]
mod tests;
mod tick;
mod types;

use lean::*;
use plan::*;
use send::*;
pub use snapshot::Snapshot;
pub use types::*;

/// The interpreter and the state of one run.
pub struct Sim<'m> {
    pub model: &'m Model,
    /// Record firings for explanations.
    pub trace: bool,
    /// Lazy delivery (for the adversary): a messenger's delay in a range is not drawn when
    /// it is sent; at each tick of its window the choice is "arrives now or later", so the
    /// runs of one tick branch per messenger and tick, not per combination of delays.
    /// Trace off only; see `analysis::lazy` for turning such a run back into ordinary
    /// choices.
    pub lazy: bool,
    /// With `lazy`: the messengers on the road, in send order, with their windows.
    road: Vec<Road>,
    /// Staged runs (for exact enumeration and the adversary): [`Sim::advance`] runs a tick
    /// in steps that each make one messenger's choices (or a tick's crashes), so that
    /// the states between them can be merged; the choices are the same, in the same
    /// order, as [`Sim::step`] makes. Trace off only.
    pub defer: bool,
    /// Let the state key forget senders and use symmetry (see `key`); off only to check
    /// that the reductions change no answer.
    pub reduce: bool,
    /// Lean runs (for trials): keep only what the rules read. `count received K` and
    /// `received K` are answered from sets of senders heard (see `HeardPlan`), and the
    /// delivery log [`Sim::recv`] is not kept unless some rule needs it. Off, every run
    /// keeps `recv` in full (tools and tests read it afterwards). It applies to runs that
    /// start without trace, lazy delivery or staging ([`Sim::start`] decides, per run).
    pub lean: bool,
    /// This run is lean (see [`Sim::lean`]): compiled conditions answer (`quick`).
    lean_run: bool,
    /// This run is lean and some expression asks what was heard: the sets in `heard` are
    /// kept and answer.
    heard_on: bool,
    /// This run keeps the delivery log `recv`.
    keep_recv: bool,
    /// In a lean run: per general and kind with a slot, the set of generals whose
    /// messengers of that kind were delivered to it (`HeardPlan`).
    heard: Vec<u64>,
    stage: Stage,
    /// With `Stage::Arrive`: the next road entry to choose for.
    arrive_pos: usize,
    /// Sends are being deferred (the body of a staged tick).
    deferring: bool,
    /// The current tick's messengers whose fates are not chosen yet (from `resolve_pos`).
    unresolved: Vec<Unresolved>,
    resolve_pos: usize,
    /// When the last [`Sim::advance`] chose the fates of a tick's last messengers and went
    /// on to a later tick: that tick and the first of them, and their receivers (the
    /// records of the state key it changed, see `key`).
    tick_ended: Option<(u32, usize)>,
    ended_to: Vec<GenId>,
    /// A number that names the contents of `unresolved` (see [`fresh_mark`]), or 0 when
    /// they changed since: a search restores many states of one tick that share them, and
    /// copies them only when they differ.
    unresolved_mark: std::cell::Cell<u64>,
    /// Messengers put aside with their mark (0: they have no name, and are not used): what
    /// `unresolved` held at the end of the last tick, or what a restore swapped out. A
    /// search restores states of a tick again after a step that ended it, and takes them
    /// back without a copy.
    unresolved_before: (Vec<Unresolved>, u64),
    /// What `state_key` works out once, and its buffers.
    key: std::cell::RefCell<key::KeyScratch>,
    /// Reused by lazy delivery.
    arriving: Vec<Pending>,
    pub max_events: u64,
    pub now: u32,
    pub end: End,
    pub decisions: Vec<Option<Decision>>,
    pub crashed: Vec<Option<u32>>,
    pub recv: Vec<Vec<Recv>>,
    pub sent: Vec<Vec<Sent>>,
    pub vars: Vec<Vec<i64>>,
    pub messengers: Vec<Messenger>,
    pub log: Vec<LogEntry>,
    queue: Queue,
    chan_count: Vec<u32>,
    when_fired: Vec<bool>,
    every_done: Vec<bool>,
    events: u64,
    next_crash: usize,
    /// Messengers sent so far (their ids are 0..sent_count).
    sent_count: u32,
    /// Messengers sent by each rule, for naming a runaway rule.
    sent_by_rule: Vec<u32>,
    /// Generals that have neither decided nor crashed.
    open: usize,
    /// Messengers captured by a probabilistic loss rule (the adversary's doing, in explore).
    pub captures: u32,
    /// Generals crashed by a `crash any` rule (the adversary's doing, in explore).
    pub crashes_chosen: u32,
    /// How many each `crash any` rule has crashed.
    any_crashed: Vec<u32>,
    /// Lean runs with marks (`Plan::first_marks`): tick 0's messengers, each with the
    /// tick at which it arrives (`MarkTarget::arrive`, `u32::MAX` if captured). (Not
    /// calendar buckets: a table with a fixed slot per messenger costs one write per
    /// messenger, and the few ticks that run read it.)
    first_table: Vec<MarkTarget>,
    /// Since the last reset, only a one-round run ([`Sim::run_one_round`]) has run: the
    /// next reset of a lean run needs to undo only what such a run changes.
    one_round_clean: bool,
    /// How many of them are still on the road; those that arrive by tick `first_done`
    /// are delivered.
    first_left: u32,
    first_done: u32,
    /// The rule being fired, for error reports.
    current: RuleId,
    /// Some send log or channel counter may be non-zero (what `reset` must clear).
    dirty_sent: bool,
    dirty_count: bool,
    /// Cursors: no entry of `plan.decides` before `decide_pos` is at the current tick or
    /// later, none of `plan.schedule` before `schedule_pos` after it (0 is always safe).
    decide_pos: usize,
    schedule_pos: usize,
    /// Where and what the last arithmetic error was (see `eval`).
    fault: std::cell::Cell<(crate::diag::Span, &'static str)>,
    plan: Plan,
}
