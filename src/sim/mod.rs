//! The interpreter: runs a [`Model`] tick by tick against its lossy channels.
//!
//! One [`Sim`] is reused across runs (trials reset it; nothing is allocated per trial
//! once its buffers have grown). Every random choice goes through a [`Chooser`]. How a
//! run behaves is its [`Mode`], fixed when the `Sim` is made: traced (everything
//! recorded, for explanations), plain (the reference interpreter), lean (trials: only
//! what the rules read) or staged (searches: ticks in steps that can be saved, restored
//! and compared by key). Everything a run changes is one [`RunState`].
//!
//! | file | concern |
//! |---|---|
//! | `types.rs` | decisions, deliveries, messengers, the trace log, ends and errors |
//! | `state.rs` | [`RunState`]: what a run changes, and its reset |
//! | `plan.rs` | what is worked out once per model: schedules, channels, what is kept |
//! | `drive.rs` | making a `Sim`, whole runs, one tick at a time, staged steps, the next tick |
//! | `tick.rs` | one tick: crashes, recoveries, deliveries, timed rules, `when`, decisions |
//! | `fire.rs` | a delivery, the rules it fires, their actions; lazy arrivals |
//! | `send.rs` | the one place a messenger's choices are made |
//! | `snapshot.rs`, `pack.rs` | saving and restoring a run's state |
//! | `queue.rs` | the messengers on the road, by tick |
//! | `eval.rs` | expressions and patterns |
//! | `chooser.rs` | the one interface behind every random choice |
//! | `lean/` | lean runs only: fan-outs, tick 0's table, one-round runs, compiled conditions |
//! | `key/`, `symmetry/` | the state key searches merge on, and interchangeable generals |

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
pub(crate) mod lean;
pub(crate) use lean::kernel::{Kernel, Scratch as KernelScratch};
mod plan;
mod send;
mod settle;
mod snapshot;
mod state;
#[cfg(test)]
mod tests;
mod tick;
mod types;

use lean::*;
use plan::*;
use send::*;
pub use snapshot::Snapshot;
pub use state::RunState;
pub use types::*;

/// How a run behaves, chosen when a [`Sim`] is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Everything recorded: the trace log, every messenger and its fate, every delivery
    /// and send (explanations and reports read them).
    Traced,
    /// No trace and no fast path: the reference interpreter that lean and staged runs
    /// are tested against.
    Plain,
    /// Trials: keep only what the rules read. `count received K` and `received K` are
    /// answered from sets of senders heard (`HeardPlan`), conditions are compiled,
    /// sends over plain channels are fanned out, and the delivery log is kept only if
    /// some rule needs it (see `lean`). The same choices, in the same order, and the same
    /// end as a plain run.
    Lean,
    /// Searches (exact enumeration, the adversary): [`Sim::advance`] runs a tick in steps
    /// that each make one unit of choices, between which the state can be saved,
    /// restored ([`Sim::save`], [`Sim::restore`]) and keyed ([`Sim::state_key`]). With
    /// `lazy`, a delay in a range is not drawn when the messenger is sent: at each tick
    /// of its window the choice is "arrives now or later" (see `analysis::lazy` for
    /// turning such a run back into ordinary choices). A staged `Sim` can also
    /// [`Sim::run`] whole ticks.
    Staged { lazy: bool },
}

/// What a [`Mode`] turns on, read where runs differ.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Flags {
    /// Record the trace ([`Mode::Traced`]).
    pub(crate) trace: bool,
    /// Lean fast paths ([`Mode::Lean`]).
    pub(crate) lean: bool,
    /// Lean, and some expression asks what was heard: the sets of senders heard are kept
    /// and answer.
    pub(crate) heard: bool,
    /// Keep the delivery log `recv`.
    pub(crate) keep_recv: bool,
    /// Lazy delivery ([`Mode::Staged`] with `lazy`).
    pub(crate) lazy: bool,
}

/// The interpreter and the state of one run.
pub struct Sim<'m> {
    pub model: &'m Model,
    mode: Mode,
    f: Flags,
    /// Stop a run past this many events (messengers sent plus rules fired).
    pub max_events: u64,
    /// Let the state key forget senders and use symmetry (see `key`); off only to check
    /// that the reductions change no answer.
    reduce: bool,
    /// State keys leave the tick out (see `key::timeless`; the adversary's search of a
    /// clock-free scenario).
    timeless: bool,
    /// In a staged run: how many lazy arrivals one step may choose (see
    /// [`Sim::set_arrivals_per_step`]).
    arrivals_per_step: u32,
    /// Lazy arrivals that no rule can tell apart are settled at the earliest tick (see
    /// `settle`; the adversary's search).
    settle: bool,
    /// Interchangeable lazy arrivals are chosen by how many, not which (see
    /// [`Sim::set_alike_arrivals`]; the adversary's search only).
    alike: bool,
    plan: Plan,
    /// Everything the run changes.
    state: RunState,
    /// What only lean runs keep.
    lean: LeanState,
    /// Sends are being deferred (the body of a staged tick).
    deferring: bool,
    /// When the last [`Sim::advance`] chose the fates of a tick's last messengers and went
    /// on to a later tick: that tick and the first of them, and their receivers (the
    /// records of the state key it changed, see `key`).
    tick_ended: Option<(u32, usize)>,
    ended_to: Vec<GenId>,
    /// A number that names the contents of `state.unresolved` (see `fresh_mark`), or 0
    /// when they changed since: a search restores many states of one tick that share
    /// them, and copies them only when they differ.
    unresolved_mark: std::cell::Cell<u64>,
    /// Messengers put aside with their mark (0: they have no name, and are not used): what
    /// `state.unresolved` held at the end of the last tick, or what a restore swapped out.
    /// A search restores states of a tick again after a step that ended it, and takes
    /// them back without a copy.
    unresolved_before: (Vec<Unresolved>, u64),
    /// What `state_key` works out once, and its buffers.
    key: std::cell::RefCell<key::KeyScratch>,
    /// Reused by lazy delivery.
    arriving: Vec<Pending>,
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
}
