//! What a run is made of and what it ends in: decisions, deliveries, messengers and
//! their fates, the trace log, stages, ends and errors.

use super::queue::Pending;
use crate::check::*;
use crate::syntax::ast::Outcome;

/// Default bound on the events (messengers sent plus rules fired) of one run.
pub const DEFAULT_MAX_EVENTS: u64 = 100_000;

/// How many lazy arrivals a step of the searches chooses at most (see
/// `Sim::set_arrivals_per_step`).
pub const ARRIVALS_PER_STEP: u32 = 8;

/// No messenger.
pub const NONE: u32 = u32::MAX;

/// The `rule` of a [`LogEntry::Crash`] made by `crash any` rule `i`.
pub const fn crash_any_marker(i: usize) -> RuleId {
    NONE - 1 - i as RuleId
}

/// The `crash any` rule behind a [`LogEntry::Crash`]'s `rule`, if it is one.
pub fn crash_any_of(rule: RuleId, model: &Model) -> Option<usize> {
    let i = NONE.checked_sub(rule)?.checked_sub(1)? as usize;
    (rule != NONE && i < model.crash_any.len()).then_some(i)
}

/// What a general decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decided {
    Attack,
    Wait,
    Commit(i64),
}

/// A decision, when and by which rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decision {
    pub what: Decided,
    pub tick: u32,
    pub rule: RuleId,
}

/// A messenger delivered to a general.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Recv {
    pub msg: Msg,
    pub from: GenId,
    pub tick: u32,
    pub messenger: u32,
}

/// A messenger a general sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sent {
    pub msg: Msg,
    pub to: GenId,
    pub tick: u32,
    pub messenger: u32,
}

/// What became of a messenger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fate {
    /// Still on the road.
    InFlight,
    Delivered,
    /// Captured by loss rule `loss` of its channel; `draw` is the roll when one was drawn.
    Captured {
        loss: u16,
        draw: Option<u64>,
    },
    /// Captured at the cut of partition `partition`.
    Partitioned {
        partition: u16,
    },
    /// Arrived at a general that had crashed.
    ReceiverDown,
}

/// One messenger: one copy of one send over one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Messenger {
    pub chan: ChanId,
    /// Its number on its channel, from 1.
    pub number: u32,
    pub from: GenId,
    pub to: GenId,
    pub msg: Msg,
    pub sent: u32,
    /// When it arrives (or would have, if captured).
    pub arrives: u32,
    pub fate: Fate,
    /// The rule that sent it.
    pub rule: RuleId,
    /// The messenger whose delivery fired that rule, or [`NONE`].
    pub cause: u32,
    /// Arrival of its duplicate, if the channel duplicated it.
    pub duplicate: Option<u32>,
}

/// What happened, in order (recorded by traced runs, [`super::Mode::Traced`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogEntry {
    /// A general crashed (`rule` is the rule whose `crash` action did it, or [`NONE`]).
    Crash { general: GenId, tick: u32, rule: RuleId },
    /// A crashed general came back (`recover G at T`).
    Recover { general: GenId, tick: u32 },
    /// A messenger (or its duplicate) was delivered.
    Deliver { messenger: u32, tick: u32, duplicate: bool },
    /// A messenger arrived at a crashed general.
    ReceiverDown { messenger: u32, tick: u32, duplicate: bool },
    /// A rule fired; `messenger` is the delivery that fired it, or [`NONE`].
    Fire { rule: RuleId, tick: u32, messenger: u32 },
    /// A messenger was sent (its fate is in [`RunState::messengers`](super::RunState::messengers)).
    Send { messenger: u32 },
    /// A general decided.
    Decide { general: GenId },
}

/// With lazy delivery: a messenger on the road, and the ticks it may arrive at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Road {
    pub(crate) p: Pending,
    pub(crate) earliest: u32,
    pub(crate) latest: u32,
    /// In a staged run: chosen to arrive at the current tick.
    pub(crate) arrive: bool,
}

/// In a staged run ([`Mode::Staged`](super::Mode::Staged)): where the current tick is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    /// The tick has not started.
    Start,
    /// Crashes are done; lazy arrivals are being chosen, one messenger at a time.
    Arrive,
    /// The tick's rules have fired; their messengers' fates are being chosen, one
    /// messenger at a time.
    Resolve,
}

/// In a staged run: a messenger sent during the tick whose fate is not chosen yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unresolved {
    pub(crate) rule: RuleId,
    pub(crate) from: GenId,
    pub(crate) to: GenId,
    pub(crate) chan: ChanId,
    pub(crate) msg: Msg,
    pub(crate) cause: u32,
    pub(crate) id: u32,
}

/// Why a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Every general decided or crashed.
    AllDecided,
    /// Nothing was left to happen.
    Quiet,
    /// The horizon was reached.
    Horizon,
}

/// A run that could not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// More events than the bound; the rule that sent most messengers.
    EventLimit { limit: u64, rule: RuleId, sent: u64, tick: u32 },
    /// An arithmetic error in a rule.
    Arithmetic { rule: RuleId, what: &'static str, span: crate::diag::Span, tick: u32 },
}

/// The outcome of a set of decisions.
pub fn outcome(model: &Model, decisions: &[Option<Decision>], crashed: &[Option<u32>]) -> Outcome {
    if model.values {
        let mut value = None;
        let mut undecided = false;
        for (d, c) in decisions.iter().zip(crashed) {
            match d.map(|d| d.what) {
                Some(Decided::Commit(v)) => {
                    if value.is_some_and(|w| w != v) {
                        return Outcome::Disagreement;
                    }
                    value = Some(v);
                }
                _ if c.is_none() => undecided = true,
                _ => {}
            }
        }
        return if undecided { Outcome::Undecided } else { Outcome::Agreement };
    }
    let attackers = decisions.iter().filter(|d| matches!(d.map(|d| d.what), Some(Decided::Attack))).count();
    attack_outcome(model, attackers)
}

/// The outcome of an attack-or-wait scenario in which `attackers` generals attacked.
#[inline]
pub fn attack_outcome(model: &Model, attackers: usize) -> Outcome {
    if attackers == 0 {
        Outcome::NoAttack
    } else if attackers >= model.victory_at_least {
        Outcome::Victory
    } else {
        Outcome::Defeat
    }
}
