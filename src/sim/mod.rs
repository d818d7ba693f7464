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
mod quick;
pub mod symmetry;

pub use chooser::{About, Choice, Chooser, Chosen, Recording, Script, Seeded};
pub use queue::{Note, Pending, Queue};

use crate::check::*;
use crate::syntax::ast::{BinOp, Outcome};

/// Default bound on the events (messengers sent plus rules fired) of one run.
pub const DEFAULT_MAX_EVENTS: u64 = 100_000;

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
#[derive(Debug, Clone, Copy)]
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

/// What happened, in order (recorded with `trace` on).
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
    /// A messenger was sent (its fate is in [`Sim::messengers`]).
    Send { messenger: u32 },
    /// A general decided.
    Decide { general: GenId },
}

/// With lazy delivery: a messenger on the road, and the ticks it may arrive at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Road {
    p: Pending,
    earliest: u32,
    latest: u32,
    /// In a staged run: chosen to arrive at the current tick.
    arrive: bool,
}

/// In a staged run (`Sim::defer`): where the current tick is.
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
struct Unresolved {
    rule: RuleId,
    from: GenId,
    to: GenId,
    chan: ChanId,
    msg: Msg,
    cause: u32,
    id: u32,
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

/// What the interpreter works out once per model to keep runs lean.
#[derive(Debug, Clone)]
struct Plan {
    /// `at` and `decide at` ticks: (tick, general, is a decision), sorted.
    schedule: Vec<(u32, GenId, bool)>,
    /// The `every` rules.
    every: Vec<(RuleId, u32, GenId)>,
    /// Whether any condition reads `sent` (else the send log is kept only when tracing).
    reads_sent: bool,
    /// Whether any general has `when` rules.
    has_when: bool,
    /// Whether any condition asks when a messenger arrived (`by T`).
    reads_arrival: bool,
    /// Channels whose loss rules count messengers (their counters are part of the state).
    counting: Vec<bool>,
    /// What fires at tick 0 before `when` rules, general by general: `on start` rules and
    /// `at 0` rules, in written order.
    first: Vec<(GenId, RuleId)>,
    /// The timed rules (`at`, `every`), general by general, in written order.
    timed: Vec<(GenId, RuleId)>,
    /// `decide at` rules: (tick, general, rule), by tick, then general, then written order.
    decides: Vec<(u32, GenId, RuleId)>,
    /// Rules with a `send` action (the only ones `sent_by_rule` counts).
    senders: Vec<RuleId>,
    /// Whether any general has variables.
    has_vars: bool,
    /// Per channel, what a send over it needs.
    chans: Vec<ChanPlan>,
    /// Per kind of message, which of those received any condition can read (without
    /// trace, the others are not kept: no condition could find them, and a search's
    /// states stay small however long the run).
    reads: Vec<Reads>,
    /// Per rule and action: for a `send` of [`FAN_MIN`] messengers or more (to as many
    /// targets, or in copies) whose every target is over a plain channel
    /// ([`ChanPlan::plain`]), its targets with what sending to them needs, in order (see
    /// `fan_out`).
    fans: Vec<Vec<Option<Box<[FanTarget]>>>>,
    /// What lean runs ([`Sim::lean`]) keep of deliveries.
    heard: HeardPlan,
    /// Per general: it has `on receive` rules (else a delivery to it fires nothing).
    listens: Vec<bool>,
    /// Per rule whose one action sends one copy of a message without payload expressions
    /// (only constants) to targets over plain channels (a fan in `fans`): the message.
    simple: Vec<Option<Msg>>,
    /// Every rule in `first` is `simple`.
    first_simple: bool,
    /// With marks and `first_simple`: every messenger of tick 0's rules, in order.
    first_marks: Option<FirstMarks>,
    /// Lean runs without a delivery log may queue marks instead of notes (see `Queue`):
    /// no general has `on receive` rules (a delivery fires nothing, so the order of a
    /// tick's deliveries does not matter), none ever crashes (every delivery counts),
    /// and the sets of senders heard are small.
    marks: bool,
    /// With marks, ticks at which only marks arrive need not run: nothing reads the sets
    /// of senders heard but the rules of ticks that run anyway (no `when` rules), so the
    /// marks of the ticks skipped are added at the start of the next tick that runs.
    skip_marks: bool,
    /// With `skip_marks` and `first_marks`: nothing fires after tick 0 but `decide at`
    /// rules (no `at` past 0, no `every`, no `when`, nobody listens or crashes) and no
    /// condition reads `sent` or the delivery log. Then the only ticks that run are tick
    /// 0 and the decisions' ticks (and, after the decisions, the ticks at which tick 0's
    /// messengers arrive), and a lean run runs them in a loop of its own
    /// ([`Sim::run_one_round`]) rather than through the general tick.
    one_round: bool,
    /// Per rule: its condition compiled for lean runs, if it has one and it compiles.
    quick: Vec<Option<quick::Code>>,
    /// Per entry of `decides`, in lean runs: when its rule is `attack if` one comparison
    /// of a count of senders heard (sets of one word), the set of the deciding general,
    /// the comparison and the constant (see `quick::Code::count_cmp`).
    decide_counts: Vec<Option<(u32, BinOp, i64)>>,
}

/// Sets of senders heard, for lean runs: each `count received K` and `received K` whose
/// answer depends only on which generals delivered a `K` to the general asking (no
/// `by`, no payload value to match) is answered from a bit set per general and kind,
/// kept up to date at each delivery, instead of a scan of the delivery log.
#[derive(Debug, Clone)]
struct HeardPlan {
    /// Per message kind: its set's slot, or [`NONE`] when no such expression asks about it.
    slot: Vec<u32>,
    /// Kinds with a slot.
    kinds: usize,
    /// 64-bit words per set of generals.
    words: usize,
    /// Some expression reads the delivery log in a way the sets cannot answer (`by`, a
    /// payload value), so lean runs keep the log too.
    log_read: bool,
}

impl HeardPlan {
    fn new(model: &Model) -> HeardPlan {
        let mut slot = vec![NONE; model.kinds.len()];
        let mut kinds = 0;
        let mut log_read = false;
        for r in &model.rules {
            each_expr(r, &mut |e: &Expr| {
                let (pattern, by) = match &e.kind {
                    ExprKind::Received { pattern, by, .. } | ExprKind::Count { pattern, by, .. } => (pattern, by),
                    _ => return,
                };
                if heard_answers(pattern, by.as_deref()) {
                    if slot[pattern.kind as usize] == NONE {
                        slot[pattern.kind as usize] = kinds as u32;
                        kinds += 1;
                    }
                } else {
                    log_read = true;
                }
            });
        }
        HeardPlan { slot, kinds, words: model.generals.len().div_ceil(64), log_read }
    }
}

/// Whether `count received`/`received` with this pattern and `by` can be answered from
/// the set of senders heard: no `by`, and no payload value to compare (then a message
/// matches by its kind alone).
#[inline]
fn heard_answers(pattern: &Pattern, by: Option<&Expr>) -> bool {
    by.is_none() && !pattern.args.iter().any(|a| matches!(a, PatArg::Eq(_)))
}

/// Calls `f` on every expression of a rule and all their parts (payload patterns included).
fn each_expr(r: &Rule, f: &mut dyn FnMut(&Expr)) {
    fn walk(e: &Expr, f: &mut dyn FnMut(&Expr)) {
        f(e);
        match &e.kind {
            ExprKind::Neg(a) | ExprKind::Not(a) => walk(a, f),
            ExprKind::Bin(_, a, b) | ExprKind::MinMax { a, b, .. } => {
                walk(a, f);
                walk(b, f);
            }
            ExprKind::Received { pattern, by, .. } | ExprKind::Count { pattern, by, .. } => {
                pattern_walk(pattern, f);
                if let Some(b) = by {
                    walk(b, f);
                }
            }
            ExprKind::Sent { pattern, .. } => pattern_walk(pattern, f),
            _ => {}
        }
    }
    fn pattern_walk(p: &Pattern, f: &mut dyn FnMut(&Expr)) {
        for a in &p.args {
            if let PatArg::Eq(x) = a {
                walk(x, f);
            }
        }
    }
    match &r.trigger {
        Trigger::Receive { pattern, guard, .. } => {
            pattern_walk(pattern, f);
            if let Some(g) = guard {
                walk(g, f);
            }
        }
        Trigger::Every { until: Some(c), .. } | Trigger::When(c) => walk(c, f),
        Trigger::Decide { what: DecideWhat::Attack(Some(c)), .. } => walk(c, f),
        Trigger::Decide { what: DecideWhat::Commit(v, g), .. } => {
            walk(v, f);
            if let Some(g) = g {
                walk(g, f);
            }
        }
        _ => {}
    }
    for a in &r.actions {
        match a {
            Action::Send { args, copies, .. } => {
                for x in args {
                    walk(x, f);
                }
                if let Some(c) = copies {
                    walk(c, f);
                }
            }
            Action::Set { value, .. } | Action::Commit { value, .. } => walk(value, f),
            _ => {}
        }
    }
}

/// Which received messages of a kind some `received` or `count received` can match.
#[derive(Debug, Clone)]
enum Reads {
    None,
    All,
    /// Those whose payload fits one of these (`None`: any value there).
    Only(Vec<Vec<Option<i64>>>),
}

/// The value of an expression that reads nothing of a run, if it is one.
fn constant(e: &Expr) -> Option<i64> {
    match &e.kind {
        ExprKind::Const(v) => Some(*v),
        ExprKind::Neg(a) => constant(a)?.checked_neg(),
        ExprKind::Bin(op, a, b) => {
            let (x, y) = (constant(a)?, constant(b)?);
            match op {
                BinOp::Add => x.checked_add(y),
                BinOp::Sub => x.checked_sub(y),
                BinOp::Mul => x.checked_mul(y),
                _ => None,
            }
        }
        _ => None,
    }
}

impl Plan {
    /// Whether a received message is kept (some condition can read it).
    #[inline]
    fn read(&self, m: &Msg) -> bool {
        match &self.reads[m.kind as usize] {
            Reads::All => true,
            Reads::None => false,
            Reads::Only(list) => list.iter().any(|p| {
                p.len() <= m.args.len as usize
                    && p.iter().zip(m.args.as_slice()).all(|(a, v)| a.is_none_or(|a| a == *v))
            }),
        }
    }
}

/// What sending over a channel needs, looked up once per model.
#[derive(Debug, Clone)]
struct ChanPlan {
    lo: u32,
    hi: u32,
    /// Its loss rules count messengers (so the counter matters even without trace).
    counting: bool,
    /// Some partition separates its ends.
    partitioned: bool,
    loss: LossPlan,
    duplicate: Option<Prob>,
    /// No counter, no partition, no loss rule but one chance, no duplicate.
    plain: bool,
}

/// The fewest messengers `fan_out` sends (fewer are sent one by one: setting up its loop
/// costs about what it saves on three).
const FAN_MIN: usize = 4;

/// One target of a `send` over a plain channel: what `send_plain` looks up, at hand.
#[derive(Debug, Clone, Copy)]
struct FanTarget {
    to: GenId,
    chan: ChanId,
    /// The channel's delay range.
    lo: u32,
    hi: u32,
    /// Its one loss rule's probability, if it has one.
    lose: Option<Prob>,
    /// The target has no `on receive` rules: in a lean run without a delivery log, its
    /// deliveries are [`Note`]s.
    passive: bool,
    /// The word of its set of senders heard for the message's kind (see `HeardPlan`)
    /// with the sender's bit, or [`NONE`] (no set for that kind).
    word: u32,
}

/// Messengers being sent by `fan_out` (over plain channels, without trace, lazy delivery
/// or staging), with the run's counters at hand.
struct Sending {
    t: u32,
    from: GenId,
    msg: Msg,
    /// Deliveries to generals without `on receive` rules are [`Note`]s, or all deliveries
    /// are marks (see `Plan::marks`).
    notes: bool,
    marks: bool,
    /// The next messenger's number, and the captures so far.
    id: u32,
    captures: u32,
}

impl Sending {
    fn new(sim: &Sim, from: GenId, msg: Msg) -> Sending {
        let notes = sim.lean_run && !sim.keep_recv;
        let marks = notes && sim.plan.marks;
        Sending { t: sim.now, from, msg, notes, marks, id: sim.sent_count, captures: sim.captures }
    }

    /// Sends `n` copies to each target of `fan`, in order: `send_plain`, with the
    /// target's channel at hand.
    #[inline(always)]
    fn fan<C: Chooser>(&mut self, queue: &mut Queue, fan: &[FanTarget], n: u64, ch: &mut C) {
        if self.marks {
            return self.fan_marks(queue, fan, n, ch);
        }
        let (t, from, msg) = (self.t, self.from, self.msg);
        for f in fan {
            for _ in 0..n {
                let (delay, lost) = plain_fate(ch, f.chan, t, msg, f.lo, f.hi, f.lose.as_ref());
                let id = self.id;
                if self.marks {
                    self.captures += lost as u32;
                    queue.push_mark_if(!lost, t.saturating_add(delay), f.word, 1u64 << (from % 64));
                } else if self.notes && f.passive {
                    self.captures += lost as u32;
                    let note = Note { id, word: f.word, from, to: f.to };
                    queue.push_note_if(!lost, t.saturating_add(delay), note);
                } else if lost {
                    self.captures += 1;
                } else {
                    queue.push(t.saturating_add(delay), Pending { id, from, to: f.to, msg, duplicate: false });
                }
                self.id += 1;
            }
        }
    }

    /// `fan` when every delivery is a mark: the same choices, with nothing but the
    /// marks and the counters kept.
    #[inline(always)]
    fn fan_marks<C: Chooser>(&mut self, queue: &mut Queue, fan: &[FanTarget], n: u64, ch: &mut C) {
        let (t, msg) = (self.t, self.msg);
        let bit = 1u64 << (self.from % 64);
        let mut captures = self.captures;
        for f in fan {
            for _ in 0..n {
                let (delay, lost) = plain_fate(ch, f.chan, t, msg, f.lo, f.hi, f.lose.as_ref());
                captures += lost as u32;
                queue.push_mark_if(!lost, t.saturating_add(delay), f.word, bit);
            }
        }
        self.captures = captures;
        self.id += (fan.len() as u64 * n) as u32;
    }

    /// Writes the counters back.
    fn done(&self, sim: &mut Sim) {
        (sim.sent_count, sim.captures) = (self.id, self.captures);
    }
}

/// The messengers that tick 0's rules send in a lean run with marks (`Plan::marks`,
/// `Plan::first_simple`): all of them in one list, in order, each with what sending it
/// needs, so that `fire_first_marks` sends them in one loop.
#[derive(Debug, Clone)]
struct FirstMarks {
    targets: Box<[MarkTarget]>,
    /// When every messenger's channel has the same delays and loss: those.
    uniform: Option<(u32, u32, Option<Prob>)>,
    /// In a one-round run ([`Plan::one_round`]) whose first decisions come after tick 0,
    /// by the horizon: their tick, the next that runs after tick 0 (the messengers that
    /// arrive by then are delivered as they are sent); else 0.
    fuse: u32,
    /// With `fuse`: every messenger arrives by then, if it arrives (delays up to `fuse`),
    /// so that its delay cannot matter to the run: only whether it is captured.
    all_by_fuse: bool,
    /// The rules, in order, with how many messengers each sends.
    rules: Box<[(RuleId, u32)]>,
}

/// One messenger of [`FirstMarks`]: a [`FanTarget`] with its sender's bit and message.
#[derive(Debug, Clone, Copy)]
struct MarkTarget {
    lo: u32,
    hi: u32,
    /// `FanTarget::word`, or the scratch word after the sets.
    word: u32,
    /// In `Sim::first_table`: when it arrives.
    arrive: u32,
    chan: ChanId,
    bit: u64,
    lose: Option<Prob>,
    msg: Msg,
}

impl FirstMarks {
    /// `scratch`: the word after the sets of senders heard, which nothing reads: where
    /// the deliveries of a kind without a set go (so that adding one needs no branch).
    fn new(
        first: &[(GenId, RuleId)],
        simple: &[Option<Msg>],
        fans: &[Vec<Option<Box<[FanTarget]>>>],
        scratch: u32,
    ) -> FirstMarks {
        let mut targets = Vec::new();
        let mut rules = Vec::new();
        for &(g, r) in first {
            let (Some(msg), Some(Some(fan))) = (simple[r as usize], fans[r as usize].first()) else {
                unreachable!("the rules that fire first are simple");
            };
            targets.extend(fan.iter().map(|f| MarkTarget {
                lo: f.lo,
                hi: f.hi,
                word: if f.word == NONE { scratch } else { f.word },
                arrive: u32::MAX,
                chan: f.chan,
                bit: 1u64 << (g % 64),
                lose: f.lose,
                msg,
            }));
            rules.push((r, fan.len() as u32));
        }
        let uniform = targets.split_first().and_then(|(a, rest)| {
            rest.iter().all(|b| (b.lo, b.hi, b.lose) == (a.lo, a.hi, a.lose)).then_some((a.lo, a.hi, a.lose))
        });
        FirstMarks { targets: targets.into(), uniform, fuse: 0, all_by_fuse: false, rules: rules.into() }
    }
}

/// The choices of one messenger sent at tick `t` over a plain channel
/// ([`ChanPlan::plain`]), as `resolve` makes them: the chooser told what they are about,
/// then its delay in `lo..=hi` (if a range), then its one loss roll (if any). Returns the
/// delay and whether it was lost.
#[inline(always)]
fn plain_fate<C: Chooser>(
    ch: &mut C,
    chan: ChanId,
    t: u32,
    msg: Msg,
    lo: u32,
    hi: u32,
    lose: Option<&Prob>,
) -> (u32, bool) {
    fate_with::<C, true>(ch, chan, t, msg, lo, hi, lose)
}

/// [`plain_fate`] when the delay cannot matter (it is drawn, not worked out): whether
/// the messenger was lost.
#[inline(always)]
fn plain_loss<C: Chooser>(ch: &mut C, chan: ChanId, msg: Msg, lo: u32, hi: u32, lose: Option<&Prob>) -> bool {
    fate_with::<C, false>(ch, chan, 0, msg, lo, hi, lose).1
}

/// [`plain_fate`], with the delay worked out if `DELAY` (else `lo`).
#[inline(always)]
fn fate_with<C: Chooser, const DELAY: bool>(
    ch: &mut C,
    chan: ChanId,
    t: u32,
    msg: Msg,
    lo: u32,
    hi: u32,
    lose: Option<&Prob>,
) -> (u32, bool) {
    ch.about(&About::Messenger { chan, tick: t, msg });
    let delay = match (lo == hi, DELAY) {
        (true, _) => lo,
        (false, true) => lo + ch.delay(lo, hi),
        (false, false) => {
            ch.pass_delay(lo, hi);
            lo
        }
    };
    (delay, lose.is_some_and(|p| ch.chance(p).index == 1))
}

/// The fates of tick 0's messengers (`Sim::fire_first_marks`), in order, into `table`:
/// each one's arrival tick, or `u32::MAX` if captured; those that arrive by `until` also
/// into the sets of senders `heard` (none when `until` is 0: a delay is at least 1).
/// `fate` gives a messenger's delay range and loss. Returns how many were captured and
/// how many arrived by `until`.
#[inline(always)]
fn fill_first<C: Chooser>(
    table: &mut [MarkTarget],
    heard: &mut [u64],
    ch: &mut C,
    until: u32,
    fate: impl Fn(&MarkTarget) -> (u32, u32, Option<Prob>),
) -> (u32, u32) {
    for m in table.iter_mut() {
        let (lo, hi, lose) = fate(m);
        let (delay, lost) = plain_fate(ch, m.chan, 0, m.msg, lo, hi, lose.as_ref());
        // No branch on `lost` or on whether it arrives by `until`: they are as random as
        // the draws.
        let arrive = delay | (lost as u32).wrapping_neg();
        m.arrive = arrive;
        heard[m.word as usize] |= std::hint::select_unpredictable(arrive <= until, m.bit, 0);
    }
    // The counts in a loop of their own (fewer values live across the draws).
    table
        .iter()
        .fold((0, 0), |(lost, here), m| (lost + (m.arrive == u32::MAX) as u32, here + (m.arrive <= until) as u32))
}

/// The fates of tick 0's messengers (`Sim::fire_first_marks`) when each arrives by the
/// next tick that runs, if it arrives ([`FirstMarks::all_by_fuse`]): those delivered go
/// straight into the sets of senders `heard`, and their delays, which cannot matter, are
/// drawn but not worked out. `fate` gives a messenger's delay range and loss. Returns how
/// many were captured.
#[inline(always)]
fn deliver_first<C: Chooser>(
    table: &[MarkTarget],
    heard: &mut [u64],
    ch: &mut C,
    fate: impl Fn(&MarkTarget) -> (u32, u32, Option<Prob>),
) -> u32 {
    let mut lost_n = 0;
    for m in table {
        let (lo, hi, lose) = fate(m);
        let lost = plain_loss(ch, m.chan, m.msg, lo, hi, lose.as_ref());
        // No branch on `lost`: it is as random as the loss.
        heard[m.word as usize] |= std::hint::select_unpredictable(lost, 0, m.bit);
        lost_n += lost as u32;
    }
    lost_n
}

/// A channel's loss rules.
#[derive(Debug, Clone)]
enum LossPlan {
    None,
    /// One rule: lose each messenger with this probability.
    Chance(Prob),
    /// Anything else: go through the rules.
    Rules,
}

impl Plan {
    fn new(model: &Model) -> Plan {
        let mut schedule = Vec::new();
        let mut every = Vec::new();
        for (i, r) in model.rules.iter().enumerate() {
            match &r.trigger {
                Trigger::At(a) => schedule.push((*a, r.owner, false)),
                Trigger::Decide { at, .. } => schedule.push((*at, r.owner, true)),
                Trigger::Every { period, .. } => every.push((i as RuleId, *period, r.owner)),
                _ => {}
            }
        }
        schedule.sort();
        schedule.dedup();
        let mut first = Vec::new();
        let mut timed = Vec::new();
        let mut decides = Vec::new();
        for (g, general) in model.generals.iter().enumerate() {
            let g = g as GenId;
            first.extend(general.on_start.iter().map(|&r| (g, r)));
            for &r in &general.timed {
                if matches!(model.rules[r as usize].trigger, Trigger::At(0)) {
                    first.push((g, r));
                }
                timed.push((g, r));
            }
            for &r in &general.decide {
                if let Trigger::Decide { at, .. } = model.rules[r as usize].trigger {
                    decides.push((at, g, r));
                }
            }
        }
        // Stable: generals, then written order, within a tick.
        decides.sort_by_key(|d| d.0);
        let senders = (0..model.rules.len() as RuleId)
            .filter(|&r| model.rules[r as usize].actions.iter().any(|a| matches!(a, Action::Send { .. })))
            .collect();
        let counting: Vec<bool> = model
            .channels
            .iter()
            .map(|c| {
                c.losses.iter().any(|l| {
                    matches!(
                        l.kind,
                        LossKind::Numbers(_) | LossKind::Every(_) | LossKind::First(_) | LossKind::After(_)
                    )
                })
            })
            .collect();
        let chans: Vec<ChanPlan> = model
            .channels
            .iter()
            .zip(&counting)
            .map(|(c, &counting)| ChanPlan {
                lo: c.delay_lo,
                hi: c.delay_hi,
                counting,
                partitioned: model.partitions.iter().any(|p| {
                    let (f, t) = (c.from as usize, c.to as usize);
                    (p.side_a[f] && p.side_b[t]) || (p.side_b[f] && p.side_a[t])
                }),
                loss: match c.losses.as_slice() {
                    [] => LossPlan::None,
                    [Loss { kind: LossKind::Chance { p, kind: None }, .. }] => LossPlan::Chance(*p),
                    _ => LossPlan::Rules,
                },
                duplicate: c.duplicate,
                plain: false,
            })
            .map(|mut cp: ChanPlan| {
                cp.plain = !cp.counting
                    && !cp.partitioned
                    && cp.duplicate.is_none()
                    && matches!(cp.loss, LossPlan::None | LossPlan::Chance(_));
                cp
            })
            .collect();
        let mut reads = vec![Reads::None; model.kinds.len()];
        let patterns = std::cell::RefCell::new(Vec::new());
        for r in &model.rules {
            rule_reads(r, &|e| {
                if let ExprKind::Received { pattern, .. } | ExprKind::Count { pattern, .. } = &e.kind {
                    patterns.borrow_mut().push(pattern.clone());
                }
                false
            });
        }
        for p in patterns.into_inner() {
            let args: Vec<Option<i64>> = p
                .args
                .iter()
                .map(|a| match a {
                    PatArg::Eq(e) => constant(e),
                    _ => None,
                })
                .collect();
            let fits_all = args.iter().all(|a| a.is_none());
            let slot = &mut reads[p.kind as usize];
            *slot = match std::mem::replace(slot, Reads::None) {
                Reads::All => Reads::All,
                _ if fits_all => Reads::All,
                Reads::None => Reads::Only(vec![args]),
                Reads::Only(mut list) => {
                    list.push(args);
                    Reads::Only(list)
                }
            };
        }
        let heard = HeardPlan::new(model);
        let fans: Vec<Vec<Option<Box<[FanTarget]>>>> = model
            .rules
            .iter()
            .map(|r| {
                r.actions
                    .iter()
                    .map(|a| match a {
                        // A few messengers are sent as cheaply by `send`.
                        Action::Send { to, copies: None, .. } if to.len() < FAN_MIN => None,
                        Action::Send { to, kind, .. } => to
                            .iter()
                            .map(|&t| {
                                let c = model.chan(r.owner, t)?;
                                let cp = &chans[c as usize];
                                let lose = match cp.loss {
                                    LossPlan::Chance(p) => Some(p),
                                    _ => None,
                                };
                                let slot = heard.slot[*kind as usize];
                                let set = |slot: u32| t as u32 * heard.kinds as u32 + slot;
                                let word = if slot == NONE {
                                    NONE
                                } else {
                                    set(slot) * heard.words as u32 + r.owner as u32 / 64
                                };
                                let passive = model.generals[t as usize].on_receive.is_empty();
                                cp.plain.then_some(FanTarget {
                                    to: t,
                                    chan: c,
                                    lo: cp.lo,
                                    hi: cp.hi,
                                    lose,
                                    passive,
                                    word,
                                })
                            })
                            .collect::<Option<Box<[FanTarget]>>>(),
                        _ => None,
                    })
                    .collect()
            })
            .collect();
        let quick: Vec<Option<quick::Code>> =
            model.rules.iter().map(|r| quick::condition(r).and_then(|c| quick::Code::compile(c, &heard))).collect();
        let decide_counts = decides
            .iter()
            .map(|&(_, g, r)| {
                let attack_if = matches!(
                    model.rules[r as usize].trigger,
                    Trigger::Decide { what: DecideWhat::Attack(Some(_)), .. }
                );
                let (slot, op, k) =
                    quick[r as usize].as_ref().filter(|_| attack_if && heard.words == 1)?.count_cmp()?;
                Some((g as u32 * heard.kinds as u32 + slot, op, k))
            })
            .collect();
        let simple: Vec<Option<Msg>> = model
            .rules
            .iter()
            .zip(&fans)
            .map(|(r, fans): (&Rule, &Vec<Option<Box<[FanTarget]>>>)| match (r.actions.as_slice(), fans.first()) {
                ([Action::Send { kind, args, copies: None, .. }], Some(Some(_))) => {
                    let mut msg = Msg { kind: *kind, args: Args { len: args.len() as u8, vals: [0; MAX_ARGS] } };
                    for (i, e) in args.iter().enumerate() {
                        let ExprKind::Const(v) = e.kind else { return None };
                        msg.args.vals[i] = v;
                    }
                    Some(msg)
                }
                _ => None,
            })
            .collect();
        let first_simple = first.iter().all(|&(_, r): &(GenId, RuleId)| simple[r as usize].is_some());
        let marks = model.generals.iter().all(|g| g.on_receive.is_empty())
            && model.crashes.is_empty()
            && model.crash_any.is_empty()
            && !model.rules.iter().any(|r| r.actions.iter().any(|a| matches!(a, Action::Crash(_))))
            && model.generals.len() * heard.kinds * heard.words <= 256;
        let first_marks = (first_simple && marks).then(|| {
            FirstMarks::new(&first, &simple, &fans, (model.generals.len() * heard.kinds * heard.words) as u32)
        });
        let has_when = model.generals.iter().any(|g| !g.when.is_empty());
        let skip_marks = marks && !has_when && !model.when_reads_now;
        let reads_sent = model.rules.iter().any(|r| rule_reads(r, &|e| matches!(e.kind, ExprKind::Sent { .. })));
        let one_round = skip_marks
            && first_marks.is_some()
            && !reads_sent
            && !heard.log_read
            && every.is_empty()
            && model.crashes.is_empty()
            && timed.iter().all(|&(_, r)| matches!(model.rules[r as usize].trigger, Trigger::At(0)));
        let mut first_marks = first_marks;
        if let (true, Some(f), Some(&(at, ..))) = (one_round, &mut first_marks, decides.first())
            && at > 0
            && at <= model.horizon
        {
            f.fuse = at;
            f.all_by_fuse = f.targets.iter().all(|m| m.hi <= at);
        }
        Plan {
            reads,
            marks,
            skip_marks,
            one_round,
            first_simple,
            first_marks,
            decide_counts,
            simple,
            quick,
            listens: model.generals.iter().map(|g| !g.on_receive.is_empty()).collect(),
            fans,
            heard,
            chans,
            schedule,
            every,
            first,
            timed,
            decides,
            senders,
            has_vars: model.generals.iter().any(|g| !g.vars.is_empty()),
            reads_sent,
            has_when,
            reads_arrival: model.rules.iter().any(|r| {
                rule_reads(r, &|e| {
                    matches!(&e.kind, ExprKind::Received { by: Some(_), .. } | ExprKind::Count { by: Some(_), .. })
                })
            }),
            counting,
        }
    }
}

/// Whether any expression of a rule has a part that satisfies `hit`.
fn rule_reads(r: &Rule, hit: &dyn Fn(&Expr) -> bool) -> bool {
    let expr = |e: &Expr| expr_has(e, hit);
    let trigger = match &r.trigger {
        Trigger::Receive { guard, .. } => guard.as_ref().is_some_and(expr),
        Trigger::Every { until, .. } => until.as_ref().is_some_and(expr),
        Trigger::When(c) => expr(c),
        Trigger::Decide { what: DecideWhat::Attack(Some(c)), .. } => expr(c),
        Trigger::Decide { what: DecideWhat::Commit(v, g), .. } => expr(v) || g.as_ref().is_some_and(expr),
        _ => false,
    };
    trigger
        || r.actions.iter().any(|a| match a {
            Action::Send { args, copies, .. } => args.iter().any(expr) || copies.as_ref().is_some_and(expr),
            Action::Set { value, .. } | Action::Commit { value, .. } => expr(value),
            _ => false,
        })
}

fn expr_has(e: &Expr, hit: &dyn Fn(&Expr) -> bool) -> bool {
    if hit(e) {
        return true;
    }
    let pattern_has = |p: &Pattern| p.args.iter().any(|a| matches!(a, PatArg::Eq(x) if expr_has(x, hit)));
    match &e.kind {
        ExprKind::Neg(a) | ExprKind::Not(a) => expr_has(a, hit),
        ExprKind::Bin(_, a, b) | ExprKind::MinMax { a, b, .. } => expr_has(a, hit) || expr_has(b, hit),
        ExprKind::Received { pattern, by, .. } | ExprKind::Count { pattern, by, .. } => {
            pattern_has(pattern) || by.as_deref().is_some_and(|b| expr_has(b, hit))
        }
        ExprKind::Sent { pattern, .. } => pattern_has(pattern),
        _ => false,
    }
}

/// Everything that changes during a run: a copy of it can be restored to continue from
/// there (exact enumeration and the adversary branch on it). Compact: everything but the
/// trace (messengers, log) and the tick's unresolved messengers (shared, see
/// `Sim::unresolved_mark`) is packed into one buffer of words, read back in order (see
/// [`pack`]; a search keeps thousands of snapshots, and restores one at every step).
#[derive(Debug, Clone)]
pub struct Snapshot {
    now: u32,
    end: End,
    stage: Stage,
    arrive_pos: usize,
    resolve_pos: usize,
    events: u64,
    next_crash: usize,
    sent_count: u32,
    open: usize,
    captures: u32,
    crashes_chosen: u32,
    /// The queue's length and occupied buckets.
    queue: (usize, u64),
    /// One after the other: per general, a word saying whether it decided (and what) and
    /// whether it crashed, then for those that did, when it crashed, when and by which
    /// rule it decided, and the value it committed; per general, how many deliveries it has, how many
    /// sends, how many variables; the channel counters; the messengers sent per rule; the
    /// `crash any` counts (each list a zero word if all are zero, else a one and the
    /// list); the rules' flags (`when_fired`, then `every_done`; only if a rule can set
    /// them); the variables' values; the queue ([`Queue::save`]); every general's
    /// deliveries, then every general's sends; the number of messengers on the lazy
    /// road, and they.
    data: Vec<u32>,
    /// The arguments of the messages in `data`, in the same order.
    args: Vec<u32>,
    messengers: Vec<Messenger>,
    log: Vec<LogEntry>,
    unresolved: Vec<Unresolved>,
    /// What `Sim::unresolved_mark` was when saved (never 0).
    unresolved_mark: u64,
}

impl Snapshot {
    /// Reads the snapshot's fields and a word of every 64 bytes of its buffer, so that
    /// restoring it soon finds it in cache (the loads go on while other work does).
    pub(crate) fn touch(&self) {
        // (Every field: the struct spans several cache lines.)
        let mut x = self.now as usize
            ^ self.arrive_pos
            ^ self.resolve_pos
            ^ self.next_crash
            ^ self.open
            ^ self.queue.0
            ^ self.args.len()
            ^ self.messengers.len()
            ^ self.log.len()
            ^ self.unresolved.len()
            ^ self.unresolved_mark as usize;
        for line in self.data.chunks(16) {
            x ^= line[0] as usize;
        }
        std::hint::black_box(x);
    }
}

/// A number never given before (in this process): names the contents of a buffer that
/// snapshots share.
fn fresh_mark() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl<'m> Sim<'m> {
    /// An interpreter for `model`.
    pub fn new(model: &'m Model) -> Sim<'m> {
        let n = model.generals.len();
        let plan = Plan::new(model);
        let mut sim = Sim {
            model,
            trace: false,
            max_events: DEFAULT_MAX_EVENTS,
            now: 0,
            end: End::Quiet,
            decisions: vec![None; n],
            crashed: vec![None; n],
            recv: vec![Vec::new(); n],
            sent: vec![Vec::new(); n],
            vars: model.generals.iter().map(|g| g.vars.iter().map(|v| v.init).collect()).collect(),
            messengers: Vec::new(),
            log: Vec::new(),
            queue: Queue::new(model.channels.iter().map(|c| c.delay_hi).max().unwrap_or(1)),
            lazy: false,
            road: Vec::new(),
            defer: false,
            reduce: true,
            lean: false,
            lean_run: false,
            heard_on: false,
            keep_recv: true,
            heard: Vec::new(),
            stage: Stage::Start,
            arrive_pos: 0,
            deferring: false,
            unresolved: Vec::new(),
            resolve_pos: 0,
            tick_ended: None,
            ended_to: Vec::new(),
            unresolved_mark: std::cell::Cell::new(0),
            unresolved_before: (Vec::new(), 0),
            key: Default::default(),
            arriving: Vec::new(),
            chan_count: vec![0; model.channels.len()],
            when_fired: vec![false; model.rules.len()],
            every_done: vec![false; model.rules.len()],
            events: 0,
            next_crash: 0,
            sent_count: 0,
            sent_by_rule: vec![0; model.rules.len()],
            open: n,
            captures: 0,
            crashes_chosen: 0,
            any_crashed: vec![0; model.crash_any.len()],
            first_table: plan.first_marks.as_ref().map_or(Vec::new(), |f| f.targets.to_vec()),
            first_left: 0,
            first_done: 0,
            one_round_clean: false,
            current: 0,
            dirty_sent: false,
            dirty_count: false,
            decide_pos: 0,
            schedule_pos: 0,
            fault: std::cell::Cell::new((crate::diag::Span::default(), "")),
            plan,
        };
        if sim.plan.marks {
            let h = &sim.plan.heard;
            sim.queue.mark_width(n * h.kinds * h.words);
        }
        sim
    }

    /// A copy of the run's state.
    pub fn save(&self) -> Snapshot {
        let mut s = Snapshot {
            now: 0,
            end: self.end,
            stage: self.stage,
            arrive_pos: 0,
            resolve_pos: 0,
            events: 0,
            next_crash: 0,
            sent_count: 0,
            open: 0,
            captures: 0,
            crashes_chosen: 0,
            queue: (0, 0),
            data: Vec::new(),
            args: Vec::new(),
            messengers: Vec::new(),
            log: Vec::new(),
            unresolved: Vec::new(),
            unresolved_mark: 0,
        };
        self.save_into(&mut s);
        s
    }

    /// [`Sim::save`] over a snapshot no longer needed, reusing its buffers (a search saves
    /// many states, and drops as many).
    pub fn save_into(&self, s: &mut Snapshot) {
        // Room for it all at once, without copying what the buffer held (an upper bound:
        // per general, its decision and crash take at most 6 words, its counts 3).
        let n = self.decisions.len();
        let entries =
            self.recv.iter().map(|r| r.len()).sum::<usize>() + self.sent.iter().map(|r| r.len()).sum::<usize>();
        let need = 9 * n
            + 6
            + self.chan_count.len()
            + self.sent_by_rule.len()
            + self.any_crashed.len()
            + self.when_fired.len()
            + self.every_done.len()
            + 2 * self.vars.iter().map(|v| v.len()).sum::<usize>()
            + self.queue.packed_len()
            + pack::ENTRY * entries
            + 1
            + pack::ROAD * self.road.len();
        s.data.clear();
        if s.data.capacity() < need {
            // (With room to spare, new snapshots too: the states of a search grow as it
            // goes on, and it saves over its snapshots, most often with larger states.
            // Measured: 4% faster on majority of 7 than room for exactly what is needed,
            // for 2% more memory.)
            s.data = Vec::with_capacity(need + need / 2);
        }
        s.args.clear();
        let mut out = pack::Pack { data: &mut s.data, args: &mut s.args };
        // Per general a word (0: undecided, never crashed), then what the non-zero ones
        // stand for.
        let head = |d: &Option<Decision>, c: &Option<u32>| {
            let what = match d.map(|d| d.what) {
                None => 0,
                Some(Decided::Attack) => 1,
                Some(Decided::Wait) => 2,
                Some(Decided::Commit(_)) => 3,
            };
            what | (c.is_some() as u32) << 2
        };
        out.data.extend(self.decisions.iter().zip(&self.crashed).map(|(d, c)| head(d, c)));
        for (d, c) in self.decisions.iter().zip(&self.crashed) {
            if let Some(t) = c {
                out.data.push(*t);
            }
            if let Some(d) = d {
                out.data.extend_from_slice(&[d.tick, d.rule]);
                if let Decided::Commit(v) = d.what {
                    out.word(v as u64);
                }
            }
        }
        out.lens(&self.recv);
        out.lens(&self.sent);
        out.lens(&self.vars);
        out.counts(&self.chan_count);
        out.counts(&self.sent_by_rule);
        out.counts(&self.any_crashed);
        // (Only if some rule can set them: `when` and `every` rules.)
        if self.flagged() {
            out.data.extend(self.when_fired.iter().map(|f| *f as u32));
            out.data.extend(self.every_done.iter().map(|f| *f as u32));
        }
        for v in self.vars.iter().flatten() {
            out.word(*v as u64);
        }
        s.queue = self.queue.save(&mut out);
        for r in self.recv.iter().flatten() {
            out.recv(r);
        }
        for x in self.sent.iter().flatten() {
            out.sent(x);
        }
        out.data.push(self.road.len() as u32);
        for r in &self.road {
            out.road(r);
        }
        s.now = self.now;
        s.end = self.end;
        s.stage = self.stage;
        s.arrive_pos = self.arrive_pos;
        s.resolve_pos = self.resolve_pos;
        s.events = self.events;
        s.next_crash = self.next_crash;
        s.sent_count = self.sent_count;
        s.open = self.open;
        s.captures = self.captures;
        s.crashes_chosen = self.crashes_chosen;
        s.messengers.clone_from(&self.messengers);
        s.log.clone_from(&self.log);
        let mut mark = self.unresolved_mark.get();
        if mark == 0 {
            mark = fresh_mark();
            self.unresolved_mark.set(mark);
        }
        if s.unresolved_mark != mark {
            s.unresolved.clone_from(&self.unresolved);
            s.unresolved_mark = mark;
        }
    }

    /// Swaps `unresolved` and the messengers put aside (`unresolved_before`), with their
    /// marks.
    fn swap_unresolved_aside(&mut self) {
        std::mem::swap(&mut self.unresolved, &mut self.unresolved_before.0);
        let mark = self.unresolved_mark.replace(self.unresolved_before.1);
        self.unresolved_before.1 = mark;
    }

    /// Whether any rule's flag (`when_fired`, `every_done`) can be set.
    fn flagged(&self) -> bool {
        self.plan.has_when || !self.plan.every.is_empty()
    }

    /// Continues from a saved state (reusing this run's buffers).
    pub fn restore(&mut self, s: &Snapshot) {
        self.one_round_clean = false;
        self.now = s.now;
        self.end = s.end;
        let mut from = pack::Unpack::new(&s.data, &s.args);
        let n = self.decisions.len();
        let heads = from.take(n);
        for (g, &head) in heads.iter().enumerate() {
            if head == 0 {
                self.decisions[g] = None;
                self.crashed[g] = None;
                continue;
            }
            self.crashed[g] = if head & 4 != 0 { Some(from.take(1)[0]) } else { None };
            self.decisions[g] = match head & 3 {
                0 => None,
                what => {
                    let d = from.take(2);
                    let what = match what {
                        1 => Decided::Attack,
                        2 => Decided::Wait,
                        _ => Decided::Commit(from.word() as i64),
                    };
                    Some(Decision { what, tick: d[0], rule: d[1] })
                }
            };
        }
        let (recv_lens, sent_lens, var_lens) = (from.counts(n), from.counts(n), from.counts(n));
        for counts in [&mut self.chan_count, &mut self.sent_by_rule, &mut self.any_crashed] {
            from.counts_into(counts);
        }
        if self.flagged() {
            let k = self.when_fired.len();
            for (f, w) in self.when_fired.iter_mut().zip(from.take(k)) {
                *f = *w != 0;
            }
            let k = self.every_done.len();
            for (f, w) in self.every_done.iter_mut().zip(from.take(k)) {
                *f = *w != 0;
            }
        }
        for (g, vars) in self.vars.iter_mut().enumerate() {
            vars.clear();
            if let Some(lens) = var_lens
                && lens[g] > 0
            {
                vars.extend((0..lens[g]).map(|_| from.word() as i64));
            }
        }
        self.queue.restore(&mut from, s.queue);
        // (Most lists are short or empty: copying nothing is skipped.)
        for (g, recv) in self.recv.iter_mut().enumerate() {
            recv.clear();
            if let Some(lens) = recv_lens
                && lens[g] > 0
            {
                from.recvs(lens[g] as usize, recv);
            }
        }
        for (g, sent) in self.sent.iter_mut().enumerate() {
            sent.clear();
            if let Some(lens) = sent_lens
                && lens[g] > 0
            {
                from.sents(lens[g] as usize, sent);
            }
        }
        self.road.clear();
        let k = from.take(1)[0] as usize;
        if k > 0 {
            from.roads(k, &mut self.road);
        }
        // A snapshot has the delivery log, not the sets of a lean run: go on in full.
        self.lean_run = false;
        self.heard_on = false;
        self.keep_recv = true;
        self.dirty_sent = true;
        self.dirty_count = true;
        self.decide_pos = 0;
        self.schedule_pos = 0;
        self.messengers.clone_from(&s.messengers);
        self.log.clone_from(&s.log);
        self.stage = s.stage;
        self.arrive_pos = s.arrive_pos;
        if s.unresolved_mark != self.unresolved_mark.get() {
            if s.unresolved_mark == self.unresolved_before.1 {
                self.swap_unresolved_aside();
            } else {
                self.unresolved.clone_from(&s.unresolved);
                self.unresolved_mark.set(s.unresolved_mark);
            }
        }
        self.resolve_pos = s.resolve_pos;
        self.tick_ended = None;
        self.deferring = false;
        self.events = s.events;
        self.next_crash = s.next_crash;
        self.sent_count = s.sent_count;
        self.open = s.open;
        self.captures = s.captures;
        self.crashes_chosen = s.crashes_chosen;
    }

    fn reset(&mut self) {
        self.now = 0;
        self.end = End::Quiet;
        self.lean_run = self.lean && !self.trace && !self.lazy && !self.defer;
        self.heard_on = self.lean_run && self.plan.heard.kinds > 0;
        self.keep_recv = !self.lean || self.trace || self.lazy || self.defer || self.plan.heard.log_read;
        if std::mem::take(&mut self.one_round_clean) && self.lean_run {
            // After a one-round run, and before another lean run: only what it changed.
            self.heard.fill(0);
            self.decisions.fill(None);
            for &r in &self.plan.senders {
                self.sent_by_rule[r as usize] = 0;
            }
            (self.events, self.sent_count, self.captures) = (0, 0, 0);
            (self.decide_pos, self.schedule_pos) = (0, 0);
            (self.first_left, self.first_done) = (0, 0);
            self.open = self.model.generals.len();
            return;
        }
        {
            let h = &self.plan.heard;
            let sets = if self.heard_on { self.model.generals.len() * h.kinds * h.words } else { 0 };
            // With `Plan::first_marks`, one more word that nothing reads, at the end (see
            // `FirstMarks::new`).
            let len = sets + self.plan.first_marks.is_some() as usize;
            if self.heard.len() != len {
                self.heard = vec![0; len];
            } else {
                self.heard.fill(0);
            }
        }
        for ((d, c), r) in self.decisions.iter_mut().zip(&mut self.crashed).zip(&mut self.recv) {
            *d = None;
            *c = None;
            r.clear();
        }
        if self.dirty_sent {
            for s in &mut self.sent {
                s.clear();
            }
            self.dirty_sent = false;
        }
        if self.plan.has_vars {
            for (g, vars) in self.vars.iter_mut().enumerate() {
                for (v, init) in vars.iter_mut().zip(&self.model.generals[g].vars) {
                    *v = init.init;
                }
            }
        }
        self.messengers.clear();
        self.log.clear();
        self.queue.clear();
        self.road.clear();
        self.stage = Stage::Start;
        self.arrive_pos = 0;
        self.deferring = false;
        self.unresolved.clear();
        self.unresolved_mark.set(0);
        self.resolve_pos = 0;
        self.tick_ended = None;
        if self.dirty_count {
            for n in &mut self.chan_count {
                *n = 0;
            }
            self.dirty_count = false;
        }
        if self.sent_count > 0 {
            for &r in &self.plan.senders {
                self.sent_by_rule[r as usize] = 0;
            }
        }
        if self.plan.has_when {
            for f in &mut self.when_fired {
                *f = false;
            }
        }
        if !self.plan.every.is_empty() {
            for &(r, ..) in &self.plan.every {
                self.every_done[r as usize] = false;
            }
        }
        self.events = 0;
        self.next_crash = 0;
        self.decide_pos = 0;
        self.schedule_pos = 0;
        self.sent_count = 0;
        self.open = self.model.generals.len();
        self.captures = 0;
        self.crashes_chosen = 0;
        self.any_crashed.fill(0);
        self.first_left = 0;
        self.first_done = 0;
    }

    /// Runs the scenario from tick 0 to its end. (Not inlined into its callers, so that
    /// its loop of ticks is one function with the tick inlined.)
    #[inline(never)]
    pub fn run<C: Chooser>(&mut self, ch: &mut C) -> Result<(), RunError> {
        self.start();
        if self.plan.one_round && self.lean_run && self.first_fits() {
            let r = self.run_one_round(ch);
            self.one_round_clean = r.is_ok();
            return r;
        }
        loop {
            let t = self.now;
            self.tick(t, ch)?;
            if self.end_tick(t) {
                return Ok(());
            }
        }
    }

    /// A lean run of a one-round model ([`Plan::one_round`]): what the general loop of
    /// ticks does for it, less what cannot happen. Tick 0 sends every messenger into the
    /// table ([`Sim::first_table`]) and makes its decisions; then each tick that runs
    /// adds the table's arrivals up to it and makes its decisions. The ticks that run
    /// are those of `next_tick`: the next decision of a general still undecided, by the
    /// horizon; else, the next arrival (the run goes on until the last messenger
    /// arrives, or the horizon).
    #[inline(always)]
    fn run_one_round<C: Chooser>(&mut self, ch: &mut C) -> Result<(), RunError> {
        let fuse = self.plan.first_marks.as_ref().map_or(0, |f| f.fuse);
        self.fire_first_marks(ch, fuse)?;
        let mut t = 0;
        loop {
            self.decide_at(t, ch)?;
            if self.all_done() {
                self.end = End::AllDecided;
                return Ok(());
            }
            let schedule = &self.plan.schedule;
            while self.schedule_pos < schedule.len() && schedule[self.schedule_pos].0 <= t {
                self.schedule_pos += 1;
            }
            // No crashes: only a decision already made skips an entry.
            let mut next = schedule[self.schedule_pos..]
                .iter()
                .find(|&&(_, g, decide)| !(decide && self.decisions[g as usize].is_some()))
                .map_or(u32::MAX, |&(a, ..)| a);
            if next > self.model.horizon {
                next = next.min(self.first_next());
            }
            if next == u32::MAX {
                self.end = End::Quiet;
                return Ok(());
            }
            if next > self.model.horizon {
                self.end = End::Horizon;
                self.now = self.model.horizon.max(t);
                return Ok(());
            }
            (t, self.now) = (next, next);
            if self.first_left > 0 && t > self.first_done {
                self.merge_first(t);
            }
        }
    }

    /// Whether tick 0's messengers fit the event bound with the deliveries of them all
    /// (a one-round run checks nothing else).
    #[inline]
    fn first_fits(&self) -> bool {
        self.plan.first_marks.as_ref().is_some_and(|f| {
            let total = 2 * f.targets.len() as u64 + f.rules.len() as u64;
            self.events.saturating_add(total) <= self.max_events
        })
    }

    /// Resets to the start of a run (tick 0, nothing happened yet).
    pub fn start(&mut self) {
        self.reset();
    }

    /// Runs the current tick, then moves to the next tick at which anything can happen.
    /// Returns true when the run has ended ([`Sim::end`] says why).
    pub fn step<C: Chooser>(&mut self, ch: &mut C) -> Result<bool, RunError> {
        let t = self.now;
        self.tick(t, ch)?;
        Ok(self.end_tick(t))
    }

    /// After tick `t`: whether the run has ended (and why, in [`Sim::end`]), else moves
    /// to the next tick at which anything can happen.
    #[inline]
    fn end_tick(&mut self, t: u32) -> bool {
        if self.all_done() {
            self.end = End::AllDecided;
            return true;
        }
        match self.next_tick(t) {
            None => {
                self.end = End::Quiet;
                true
            }
            Some(n) if n > self.model.horizon => {
                self.end = End::Horizon;
                self.now = self.model.horizon.max(t);
                true
            }
            Some(n) => {
                self.now = n;
                false
            }
        }
    }

    /// A staged run ([`Sim::defer`]): runs the current tick up to its next choice point.
    /// One call makes the choices of one unit — the tick's crashes, one messenger's lazy
    /// arrival, or one messenger's fate — plus whatever follows it without a choice; so a
    /// tick of many messengers is a chain of small steps, and the states between them can
    /// be merged. Returns true when the run has ended, like [`Sim::step`]; a run made of
    /// `advance` calls makes the same choices in the same order as one made of `step`s.
    pub fn advance<C: Chooser>(&mut self, ch: &mut C) -> Result<bool, RunError> {
        debug_assert!(!self.trace, "staged runs do not trace");
        let t = self.now;
        let mut ch = Counting { inner: ch, n: 0 };
        self.tick_ended = None;
        // Where this step's fates start, if it only chooses fates.
        let first = (self.stage == Stage::Resolve).then_some(self.resolve_pos);
        if self.stage == Stage::Start {
            self.tick_start(t, &mut ch)?;
            self.stage = Stage::Arrive;
            self.arrive_pos = 0;
        }
        if self.stage == Stage::Arrive {
            while self.arrive_pos < self.road.len() {
                let i = self.arrive_pos;
                let r = self.road[i];
                if r.earliest <= t {
                    let (id, duplicate) = (r.p.id, r.p.duplicate);
                    if r.latest <= t {
                        ch.about(&About::Arrival { id, duplicate, tick: t, forced: true });
                        self.road[i].arrive = true;
                    } else {
                        if ch.n > 0 {
                            return Ok(false);
                        }
                        ch.about(&About::Arrival { id, duplicate, tick: t, forced: false });
                        let p = crate::check::Prob::new(1, (r.latest - t + 1) as u64);
                        self.road[i].arrive = ch.chance(&p).index == 1;
                    }
                }
                self.arrive_pos += 1;
            }
            self.deferring = true;
            let body = self.deliver_marked(t, &mut ch).and_then(|()| self.tick_body(t, &mut ch));
            self.deferring = false;
            body?;
            self.stage = Stage::Resolve;
        }
        while self.resolve_pos < self.unresolved.len() {
            if ch.n > 0 {
                return Ok(false);
            }
            let u = self.unresolved[self.resolve_pos];
            self.resolve_pos += 1;
            self.resolve(u, &mut ch);
        }
        if let Some(first) = first {
            self.tick_ended = Some((t, first));
            self.ended_to.clear();
            self.ended_to.extend(self.unresolved[first..].iter().map(|u| u.to));
        }
        if self.unresolved_mark.get() != 0 {
            // (Snapshots name them: kept, see `unresolved_before`.)
            self.swap_unresolved_aside();
        }
        self.unresolved.clear();
        self.unresolved_mark.set(0);
        self.resolve_pos = 0;
        self.stage = Stage::Start;
        Ok(self.end_tick(t))
    }

    /// Where a staged run is within its tick, and how far: it only grows from one
    /// [`Sim::advance`] to the next (search engines order their frontier by it).
    pub fn progress(&self) -> (u32, u32) {
        let within = match self.stage {
            Stage::Start => 0,
            Stage::Arrive => 1 << 30 | self.arrive_pos as u32,
            Stage::Resolve => 2 << 30 | self.resolve_pos as u32,
        };
        (self.now, within)
    }

    #[inline]
    fn live(&self, g: GenId) -> bool {
        self.crashed[g as usize].is_none()
    }

    fn all_done(&self) -> bool {
        self.open == 0
    }

    /// Marks a general crashed.
    fn crash(&mut self, g: GenId, t: u32, rule: RuleId) {
        if self.crashed[g as usize].is_some() {
            return;
        }
        self.crashed[g as usize] = Some(t);
        if self.decisions[g as usize].is_none() {
            self.open -= 1;
        }
        if self.trace {
            self.log.push(LogEntry::Crash { general: g, tick: t, rule });
        }
    }

    /// The rolls of the `crash any` rules at tick `t`: each target still up, in order,
    /// crashes with the rule's probability, while fewer than its `n` have crashed.
    fn crash_any<C: Chooser>(&mut self, t: u32, ch: &mut C) {
        let model = self.model;
        for (i, c) in model.crash_any.iter().enumerate() {
            if t < c.from || t > c.to {
                continue;
            }
            for &g in &c.targets {
                if self.any_crashed[i] >= c.n {
                    break;
                }
                if !self.live(g) {
                    continue;
                }
                ch.about(&About::Crash { rule: i as u16, general: g, tick: t });
                if ch.chance(&c.p).index == 1 {
                    self.any_crashed[i] += 1;
                    self.crashes_chosen += 1;
                    self.crash(g, t, crash_any_marker(i));
                }
            }
        }
    }

    /// With lazy delivery: the messengers still on the road (id, is a duplicate).
    pub fn on_road(&self) -> impl Iterator<Item = (u32, bool)> + '_ {
        self.road.iter().map(|r| (r.p.id, r.p.duplicate))
    }

    /// Lazy delivery at tick `t`: each messenger whose window has opened arrives now (by
    /// choice, with probability 1 / the ticks left in its window, or because its window
    /// closes), in send order.
    fn deliver_lazy<C: Chooser>(&mut self, t: u32, ch: &mut C) -> Result<(), RunError> {
        let mut now = std::mem::take(&mut self.arriving);
        now.clear();
        let mut i = 0;
        while i < self.road.len() {
            let r = self.road[i];
            let (id, duplicate) = (r.p.id, r.p.duplicate);
            let arrives = r.earliest <= t
                && if r.latest <= t {
                    ch.about(&About::Arrival { id, duplicate, tick: t, forced: true });
                    true
                } else {
                    ch.about(&About::Arrival { id, duplicate, tick: t, forced: false });
                    ch.chance(&crate::check::Prob::new(1, (r.latest - t + 1) as u64)).index == 1
                };
            if arrives {
                now.push(r.p);
                self.road.remove(i);
            } else {
                i += 1;
            }
        }
        let mut result = Ok(());
        for p in &now {
            result = self.deliver(t, p, ch);
            if result.is_err() {
                break;
            }
        }
        self.arriving = now;
        result
    }

    /// A staged run: delivers the road messengers chosen to arrive at tick `t`, in send
    /// order (what `deliver_lazy` delivers).
    fn deliver_marked<C: Chooser>(&mut self, t: u32, ch: &mut C) -> Result<(), RunError> {
        if self.road.is_empty() {
            return Ok(());
        }
        let mut now = std::mem::take(&mut self.arriving);
        now.clear();
        self.road.retain(|r| {
            if r.arrive {
                now.push(r.p);
            }
            !r.arrive
        });
        let mut result = Ok(());
        for p in &now {
            result = self.deliver(t, p, ch);
            if result.is_err() {
                break;
            }
        }
        self.arriving = now;
        result
    }

    /// Brings a crashed general back: it keeps what it had received, sent, decided and
    /// stored (stable storage), and its `on recover` rules fire.
    fn recover<C: Chooser>(&mut self, g: GenId, t: u32, ch: &mut C) -> Result<(), RunError> {
        if self.crashed[g as usize].is_none() {
            return Ok(());
        }
        self.crashed[g as usize] = None;
        if self.decisions[g as usize].is_none() {
            self.open += 1;
        }
        if self.trace {
            self.log.push(LogEntry::Recover { general: g, tick: t });
        }
        let model = self.model;
        for &r in &model.generals[g as usize].on_recover {
            if !self.live(g) {
                break;
            }
            self.fire(r, &[0; MAX_ARGS], NONE, ch)?;
        }
        Ok(())
    }

    /// The next tick at which anything can happen.
    #[inline]
    fn next_tick(&mut self, t: u32) -> Option<u32> {
        let skip_marks = self.plan.skip_marks && self.lean_run;
        let mut next = match skip_marks {
            true => self.queue.next_unmarked_after(t).unwrap_or(u32::MAX),
            false => self.queue.next_after(t).unwrap_or(u32::MAX).min(self.first_next()),
        };
        for r in &self.road {
            next = next.min(r.earliest.max(t + 1));
        }
        if let Some(c) = self.model.crashes.get(self.next_crash) {
            next = next.min(c.at);
        }
        for (i, c) in self.model.crash_any.iter().enumerate() {
            if self.any_crashed[i] < c.n && t < c.to && c.targets.iter().any(|g| self.crashed[*g as usize].is_none()) {
                next = next.min((t + 1).max(c.from));
            }
        }
        while self.schedule_pos < self.plan.schedule.len() && self.plan.schedule[self.schedule_pos].0 <= t {
            self.schedule_pos += 1;
        }
        for &(a, g, decide) in &self.plan.schedule[self.schedule_pos..] {
            if a >= next {
                break;
            }
            if self.crashed[g as usize].is_none() && !(decide && self.decisions[g as usize].is_some()) {
                next = a;
                break;
            }
        }
        for &(r, period, owner) in &self.plan.every {
            if !self.every_done[r as usize] && self.crashed[owner as usize].is_none() {
                next = next.min((t / period + 1) * period);
            }
        }
        if self.model.when_reads_now
            && self.model.generals.iter().enumerate().any(|(g, general)| {
                self.crashed[g].is_none() && general.when.iter().any(|r| !self.when_fired[*r as usize])
            })
        {
            next = next.min(t + 1);
        }
        if skip_marks {
            let marked = self.queue.next_after(t).unwrap_or(u32::MAX);
            if next <= self.model.horizon {
                // Tick `next` runs: the marks up to it are added now (those of tick 0's
                // table, when it runs).
                if marked < next {
                    self.merge_marks_through(t, next);
                }
            } else {
                next = next.min(marked).min(self.first_next());
            }
        }
        (next != u32::MAX).then_some(next)
    }

    #[inline]
    fn tick<C: Chooser>(&mut self, t: u32, ch: &mut C) -> Result<(), RunError> {
        self.tick_start(t, ch)?;
        if self.lazy && !self.road.is_empty() {
            self.deliver_lazy(t, ch)?;
        }
        self.tick_body(t, ch)
    }

    /// Step 1 of a tick: scheduled crashes and recoveries, then the `crash any` rolls.
    #[inline]
    fn tick_start<C: Chooser>(&mut self, t: u32, ch: &mut C) -> Result<(), RunError> {
        let model = self.model;
        while let Some(c) = model.crashes.get(self.next_crash) {
            if c.at != t {
                break;
            }
            self.next_crash += 1;
            if c.recover {
                self.recover(c.general, t, ch)?;
            } else {
                self.crash(c.general, t, NONE);
            }
        }
        if !model.crash_any.is_empty() {
            self.crash_any(t, ch);
        }
        Ok(())
    }

    /// Steps 2 to 5 of a tick, once lazy arrivals are delivered: deliveries, timed rules,
    /// `when`, `decide at`.
    #[inline]
    fn tick_body<C: Chooser>(&mut self, t: u32, ch: &mut C) -> Result<(), RunError> {
        let model = self.model;
        // 2. Deliveries, in send order. (What they send arrives at a later tick, in another
        // bucket: the bucket of tick `t` does not change while it is delivered.) Tick 0's
        // messengers in a lean run with marks, and marks, can go first: their order does
        // not matter.
        if self.first_left > 0 {
            self.merge_first(t);
        }
        if !self.queue.is_empty() {
            let arrivals = self.queue.take(t);
            let noted = self.queue.has_notes(t);
            let notes = if noted { self.queue.take_notes(t) } else { Vec::new() };
            if self.queue.has_marks(t) {
                self.merge_marks(t);
            }
            // The notes go in among the other arrivals by send order (their numbers).
            let mut next_note = 0;
            let mut result = Ok(());
            for p in &arrivals {
                if noted {
                    while let Some(n) = notes.get(next_note)
                        && n.id < p.id
                    {
                        self.note(n);
                        next_note += 1;
                    }
                }
                // To a general without `on receive` rules, without trace: only the record.
                if !self.trace && !self.plan.listens[p.to as usize] {
                    self.note_delivery(t, p);
                    continue;
                }
                result = self.deliver(t, p, ch);
                if result.is_err() {
                    break;
                }
            }
            if noted && result.is_ok() {
                for n in &notes[next_note..] {
                    self.note(n);
                }
            }
            self.queue.give_back(t, arrivals);
            if noted {
                self.queue.give_back_notes(t, notes);
            }
            result?;
        }
        // 3. `on start`, `at` and `every`, general by general.
        if t == 0 && self.lean_run && !self.keep_recv && self.plan.first_marks.is_some() && !self.plan.reads_sent {
            self.fire_first_marks(ch, 0)?;
        } else if t == 0 && self.lean_run && self.plan.first_simple && !self.plan.reads_sent {
            self.fire_first_simple(ch)?;
        } else if t == 0 {
            for i in 0..self.plan.first.len() {
                let (g, r) = self.plan.first[i];
                if self.live(g) {
                    self.fire(r, &[0; MAX_ARGS], NONE, ch)?;
                }
            }
        } else {
            for i in 0..self.plan.timed.len() {
                let (g, r) = self.plan.timed[i];
                if !self.live(g) {
                    continue;
                }
                match &model.rules[r as usize].trigger {
                    Trigger::At(a) if *a == t => self.fire(r, &[0; MAX_ARGS], NONE, ch)?,
                    Trigger::Every { period, until } if t.is_multiple_of(*period) && !self.every_done[r as usize] => {
                        self.current = r;
                        let stop = match until {
                            Some(c) => self.condition(r, c, g, &[0; MAX_ARGS])? != 0,
                            None => false,
                        };
                        if stop {
                            self.every_done[r as usize] = true;
                        } else {
                            self.fire(r, &[0; MAX_ARGS], NONE, ch)?;
                        }
                    }
                    _ => {}
                }
            }
        }
        // 4. `when`, until none fires.
        while self.plan.has_when {
            let mut fired = false;
            for g in 0..model.generals.len() {
                for &r in &model.generals[g].when {
                    if self.when_fired[r as usize] || !self.live(g as GenId) {
                        continue;
                    }
                    let Trigger::When(c) = &model.rules[r as usize].trigger else {
                        continue;
                    };
                    self.current = r;
                    if self.condition(r, c, g as GenId, &[0; MAX_ARGS])? != 0 {
                        self.when_fired[r as usize] = true;
                        fired = true;
                        self.fire(r, &[0; MAX_ARGS], NONE, ch)?;
                    }
                }
            }
            if !fired {
                break;
            }
        }
        // 5. `decide at`, general by general.
        self.decide_at(t, ch)
    }

    /// Step 5 of tick `t`: its `decide at` rules, general by general.
    #[inline(always)]
    fn decide_at<C: Chooser>(&mut self, t: u32, _ch: &mut C) -> Result<(), RunError> {
        let model = self.model;
        while self.decide_pos < self.plan.decides.len() && self.plan.decides[self.decide_pos].0 < t {
            self.decide_pos += 1;
        }
        for i in self.decide_pos..self.plan.decides.len() {
            let (at, g, r) = self.plan.decides[i];
            if at != t {
                break;
            }
            if self.decisions[g as usize].is_some() || !self.live(g) {
                continue;
            }
            if self.lean_run
                && let Some((set, op, k)) = self.plan.decide_counts[i]
            {
                self.current = r;
                let yes = quick::compare(op, self.heard[set as usize].count_ones() as i64, k);
                debug_assert_eq!(
                    yes,
                    self.eval(quick::condition(&model.rules[r as usize]).expect("a condition"), g, &[0; MAX_ARGS])
                        == Ok(1),
                    "a counted decision decides as eval does"
                );
                self.decide_now(g, if yes { Decided::Attack } else { Decided::Wait }, r);
                continue;
            }
            let Trigger::Decide { what, .. } = &model.rules[r as usize].trigger else {
                continue;
            };
            self.current = r;
            let none = [0; MAX_ARGS];
            let decided = match what {
                DecideWhat::Attack(None) => Some(Decided::Attack),
                DecideWhat::Attack(Some(c)) => {
                    Some(if self.condition(r, c, g, &none)? != 0 { Decided::Attack } else { Decided::Wait })
                }
                DecideWhat::Wait => Some(Decided::Wait),
                DecideWhat::Commit(v, guard) => {
                    let ok = match guard {
                        Some(c) => self.condition(r, c, g, &none)? != 0,
                        None => true,
                    };
                    if ok { Some(Decided::Commit(self.eval(v, g, &none)?)) } else { None }
                }
            };
            if self.trace {
                self.log.push(LogEntry::Fire { rule: r, tick: t, messenger: NONE });
            }
            if let Some(what) = decided {
                self.decide_now(g, what, r);
            }
        }
        Ok(())
    }

    /// Delivers one messenger (or its duplicate) and runs the receiver's `on receive` rules.
    fn deliver<C: Chooser>(&mut self, t: u32, p: &Pending, ch: &mut C) -> Result<(), RunError> {
        let m = p.id;
        if !self.live(p.to) {
            if self.trace {
                if !p.duplicate {
                    self.messengers[m as usize].fate = Fate::ReceiverDown;
                }
                self.log.push(LogEntry::ReceiverDown { messenger: m, tick: t, duplicate: p.duplicate });
            }
            return Ok(());
        }
        if self.trace {
            if !p.duplicate {
                self.messengers[m as usize].fate = Fate::Delivered;
            }
            self.log.push(LogEntry::Deliver { messenger: m, tick: t, duplicate: p.duplicate });
        }
        self.note_delivery(t, p);
        for &r in &self.model.generals[p.to as usize].on_receive {
            if !self.live(p.to) {
                break;
            }
            let mut locals = [0i64; MAX_ARGS];
            if self.receive_matches(r, p, &mut locals)? {
                self.fire(r, &locals, m, ch)?;
            }
        }
        Ok(())
    }

    /// Records the delivery of a [`Note`], if its receiver is up (what `note_delivery`
    /// does in a lean run without a delivery log).
    #[inline(always)]
    fn note(&mut self, n: &Note) {
        if !self.live(n.to) {
            return;
        }
        if n.word != NONE {
            self.heard[n.word as usize] |= 1u64 << (n.from % 64);
        }
        self.events += 1;
    }

    /// Records a delivery, if its receiver is up (the trace aside): what the receiver has
    /// heard, and the event.
    #[inline(always)]
    fn note_delivery(&mut self, t: u32, p: &Pending) {
        if !self.live(p.to) {
            return;
        }
        if self.heard_on {
            let h = &self.plan.heard;
            let slot = h.slot[p.msg.kind as usize];
            if slot != NONE {
                let set = p.to as usize * h.kinds + slot as usize;
                self.heard[set * h.words + p.from as usize / 64] |= 1u64 << (p.from % 64);
            }
        }
        if self.keep_recv && (self.trace || self.plan.read(&p.msg)) {
            self.recv[p.to as usize].push(Recv { msg: p.msg, from: p.from, tick: t, messenger: p.id });
        }
        self.events += 1;
    }

    /// Whether a delivered messenger fires an `on receive` rule (binding payload values).
    fn receive_matches(&mut self, r: RuleId, m: &Pending, locals: &mut [i64; MAX_ARGS]) -> Result<bool, RunError> {
        let rule = &self.model.rules[r as usize];
        let Trigger::Receive { pattern, from, guard } = &rule.trigger else {
            return Ok(false);
        };
        if pattern.kind != m.msg.kind {
            return Ok(false);
        }
        if let Some(from) = from
            && !from.contains(&m.from)
        {
            return Ok(false);
        }
        self.current = r;
        if !self.match_args(pattern, &m.msg, rule.owner, locals)? {
            return Ok(false);
        }
        Ok(match guard {
            Some(g) => self.condition(r, g, rule.owner, locals)? != 0,
            None => true,
        })
    }

    /// Runs a rule's actions.
    fn fire<C: Chooser>(
        &mut self,
        r: RuleId,
        locals: &[i64; MAX_ARGS],
        cause: u32,
        ch: &mut C,
    ) -> Result<(), RunError> {
        let model = self.model;
        let rule = &model.rules[r as usize];
        let g = rule.owner;
        let t = self.now;
        self.current = r;
        self.events += 1;
        if self.trace {
            self.log.push(LogEntry::Fire { rule: r, tick: t, messenger: cause });
        }
        // A rule that only sends one message to targets over plain channels: fanned out
        // at once (what the loop below does for it, less the dispatch).
        if let Some(msg) = &self.plan.simple[r as usize]
            && self.live(g)
            && self.fan_out(r, 0, g, *msg, 1, ch)
        {
            return Ok(());
        }
        for (ai, a) in rule.actions.iter().enumerate() {
            if !self.live(g) {
                break;
            }
            match a {
                Action::Send { kind, args, to, copies, .. } => {
                    let mut msg = Msg { kind: *kind, args: Args { len: args.len() as u8, vals: [0; MAX_ARGS] } };
                    for (i, e) in args.iter().enumerate() {
                        msg.args.vals[i] = self.eval(e, g, locals)?;
                    }
                    let n = match copies {
                        Some(c) => self.eval(c, g, locals)?.max(0) as u64,
                        None => 1,
                    };
                    if self.plan.fans[r as usize][ai].as_ref().is_some_and(|f| f.len() as u64 * n >= FAN_MIN as u64)
                        && self.fan_out(r, ai, g, msg, n, ch)
                    {
                        continue;
                    }
                    for &to in to {
                        for _ in 0..n {
                            self.send(r, g, to, msg, cause, ch)?;
                        }
                    }
                }
                Action::Attack(_) => self.decide_now(g, Decided::Attack, r),
                Action::Wait(_) => self.decide_now(g, Decided::Wait, r),
                Action::Commit { value, .. } => {
                    let v = self.eval(value, g, locals)?;
                    self.decide_now(g, Decided::Commit(v), r);
                }
                Action::Set { var, value, .. } => {
                    let v = self.eval(value, g, locals)?;
                    self.vars[g as usize][*var as usize] = v;
                }
                Action::Crash(_) => self.crash(g, t, r),
            }
        }
        Ok(())
    }

    #[inline]
    fn decide_now(&mut self, g: GenId, what: Decided, rule: RuleId) {
        if self.decisions[g as usize].is_none() {
            self.decisions[g as usize] = Some(Decision { what, tick: self.now, rule });
            if self.crashed[g as usize].is_none() {
                self.open -= 1;
            }
            if self.trace {
                self.log.push(LogEntry::Decide { general: g });
            }
        }
    }

    /// Sends one messenger: numbers it, draws its delay, applies partitions and loss rules.
    fn send<C: Chooser>(
        &mut self,
        r: RuleId,
        from: GenId,
        to: GenId,
        msg: Msg,
        cause: u32,
        ch: &mut C,
    ) -> Result<(), RunError> {
        self.events += 1;
        if self.events > self.max_events {
            return Err(self.event_limit());
        }
        let c = self.model.chan(from, to).expect("the checker ensures every send has a channel");
        if self.deferring {
            let id = self.number(r, from, to, msg);
            self.unresolved.push(Unresolved { rule: r, from, to, chan: c, msg, cause, id });
            self.unresolved_mark.set(0);
            return Ok(());
        }
        let cp = &self.plan.chans[c as usize];
        if self.trace || !cp.plain || self.lazy {
            let id = self.number(r, from, to, msg);
            self.resolve(Unresolved { rule: r, from, to, chan: c, msg, cause, id }, ch);
            return Ok(());
        }
        self.sent_by_rule[r as usize] += 1;
        self.send_plain(from, to, c, msg, ch);
        Ok(())
    }

    /// A `send` action (action `a` of rule `r`, by `from`, `n` copies to each target) over
    /// plain channels only, without trace, lazy delivery or staging: sends its messengers
    /// as `send` would, one by one in the same order with the same choices, but with the
    /// targets' channels looked up once per model and the event bound checked once per
    /// action. Returns false (nothing sent) when it does not apply, or when the bound
    /// would be passed (then `send`, one by one, says where).
    #[inline]
    fn fan_out<C: Chooser>(&mut self, r: RuleId, a: usize, from: GenId, msg: Msg, n: u64, ch: &mut C) -> bool {
        if self.trace || self.lazy || self.deferring || self.plan.reads_sent {
            return false;
        }
        let Some(fan) = &self.plan.fans[r as usize][a] else {
            return false;
        };
        let total = n.saturating_mul(fan.len() as u64);
        // A few messengers: `send` costs less than setting up the loop.
        if total < FAN_MIN as u64 || self.events.saturating_add(total) > self.max_events {
            return false;
        }
        self.events += total;
        self.sent_by_rule[r as usize] += total as u32;
        let mut s = Sending::new(self, from, msg);
        s.fan(&mut self.queue, fan, n, ch);
        s.done(self);
        true
    }

    /// Adds the marks of tick `t` to the sets of senders heard (all at once: nothing can
    /// tell the order, `Plan::marks`), and counts their deliveries.
    #[inline(never)]
    fn merge_marks(&mut self, t: u32) {
        self.events += self.queue.take_marks_into(t, 1, &mut self.heard) as u64;
    }

    /// Delivers the messengers of tick 0 ([`Sim::first_table`]) that arrive by tick `t`:
    /// adds their senders to the sets of senders heard, and counts them.
    #[inline(never)]
    fn merge_first(&mut self, t: u32) {
        let done = self.first_done;
        let mut n = 0;
        // Those that arrive after `done`, by `t` (none of the captured, at `u32::MAX`).
        // No branch on which: that is as random as the losses.
        for m in &self.first_table {
            let here = m.arrive.wrapping_sub(done + 1) < t - done;
            self.heard[m.word as usize] |= std::hint::select_unpredictable(here, m.bit, 0);
            n += here as u32;
        }
        self.first_left -= n;
        self.first_done = t;
        self.events += n as u64;
    }

    /// The first tick at which a messenger of tick 0's table arrives, if any is on the
    /// road.
    fn first_next(&self) -> u32 {
        if self.first_left == 0 {
            return u32::MAX;
        }
        let done = self.first_done;
        self.first_table.iter().map(|m| m.arrive).filter(|&a| a > done).fold(u32::MAX, u32::min)
    }

    /// Adds the marks of the ticks after `t` up to `next` ([`Plan::skip_marks`]).
    #[inline]
    fn merge_marks_through(&mut self, t: u32, next: u32) {
        let ticks = (next - t).min(self.queue.buckets() as u32);
        self.events += self.queue.take_marks_into(t + 1, ticks, &mut self.heard) as u64;
    }

    /// At tick 0 of a lean run with marks (`Plan::first_marks`): what `fire_first_simple`
    /// does, in one loop over every messenger (no general has crashed at tick 0: there
    /// are no crashes with marks). If they would pass the event bound, `fire_first_simple`
    /// says where.
    ///
    /// `until`: when the next tick to run is known to be `until` (a one-round run,
    /// [`FirstMarks::fuse`]), the messengers that arrive by then are delivered in the same
    /// loop, as `merge_first(until)` would deliver them; 0 for none.
    #[inline(never)]
    fn fire_first_marks<C: Chooser>(&mut self, ch: &mut C, until: u32) -> Result<(), RunError> {
        let Some(first) = &self.plan.first_marks else { unreachable!("called with a plan") };
        let total = first.targets.len() as u64 + first.rules.len() as u64;
        if self.events.saturating_add(total) > self.max_events {
            return self.fire_first_simple(ch);
        }
        self.events += total;
        for &(r, n) in &first.rules {
            self.sent_by_rule[r as usize] += n;
            self.current = r;
        }
        debug_assert_eq!(self.now, 0, "tick 0's messengers");
        // The choices, in order, straight into the table (tick 0 plus a delay is never
        // `u32::MAX`), and the arrivals by `until` into the sets of senders heard. When
        // every messenger goes over alike channels, what their channel needs stays at
        // hand across the loop.
        let (table, heard) = (&mut self.first_table, &mut self.heard);
        let sent = first.targets.len() as u32;
        if first.all_by_fuse && until == first.fuse {
            // Every messenger is delivered by `until` or captured: the table is not needed.
            let lost = match &first.uniform {
                &Some((lo, hi, lose)) => deliver_first(table, heard, ch, |_| (lo, hi, lose)),
                None => deliver_first(table, heard, ch, |m| (m.lo, m.hi, m.lose)),
            };
            (self.first_left, self.first_done) = (0, until);
            self.events += (sent - lost) as u64;
            self.captures += lost;
            self.sent_count += sent;
            return Ok(());
        }
        let (lost, here) = match &first.uniform {
            &Some((lo, hi, lose)) => fill_first(table, heard, ch, until, |_| (lo, hi, lose)),
            None => fill_first(table, heard, ch, until, |m| (m.lo, m.hi, m.lose)),
        };
        (self.first_left, self.first_done) = (sent - lost - here, until);
        self.events += here as u64;
        self.captures += lost;
        self.sent_count += sent;
        Ok(())
    }

    /// At tick 0 of a lean run where every rule that fires first (`Plan::first`) is
    /// `simple`: fires them in order as `fire` does, in one loop (the queue and the
    /// counters at hand throughout). A rule whose messengers would pass the event bound
    /// is fired by `fire`, which says where.
    #[inline(never)]
    fn fire_first_simple<C: Chooser>(&mut self, ch: &mut C) -> Result<(), RunError> {
        let mut s = Sending::new(self, 0, Msg { kind: 0, args: Args::default() });
        for i in 0..self.plan.first.len() {
            let (g, r) = self.plan.first[i];
            if self.crashed[g as usize].is_some() {
                continue;
            }
            let (Some(msg), Some(Some(fan))) = (self.plan.simple[r as usize], self.plan.fans[r as usize].first())
            else {
                unreachable!("the rules that fire first are simple");
            };
            let total = fan.len() as u64;
            if self.events.saturating_add(1 + total) > self.max_events {
                s.done(self);
                self.fire(r, &[0; MAX_ARGS], NONE, ch)?;
                s = Sending::new(self, 0, msg);
                continue;
            }
            self.current = r;
            self.events += 1 + total;
            self.sent_by_rule[r as usize] += total as u32;
            (s.from, s.msg) = (g, msg);
            s.fan(&mut self.queue, fan, 1, ch);
        }
        s.done(self);
        Ok(())
    }

    /// Sends one messenger over plain channel `c` ([`ChanPlan::plain`]) without trace,
    /// lazy delivery or staging: what `resolve` does, less what cannot apply. (The caller
    /// counts the event and the rule's messenger.)
    #[inline(always)]
    fn send_plain<C: Chooser>(&mut self, from: GenId, to: GenId, c: ChanId, msg: Msg, ch: &mut C) {
        let cp = &self.plan.chans[c as usize];
        let lose = match &cp.loss {
            LossPlan::Chance(p) => Some(p),
            _ => None,
        };
        let (delay, lost) = plain_fate(ch, c, self.now, msg, cp.lo, cp.hi, lose);
        let id = self.sent_count;
        self.sent_count += 1;
        let t = self.now;
        if lost {
            self.captures += 1;
        } else {
            self.queue.push(t.saturating_add(delay), Pending { id, from, to, msg, duplicate: false });
        }
        if self.plan.reads_sent {
            self.dirty_sent = true;
            self.sent[from as usize].push(Sent { msg, to, tick: t, messenger: id });
        }
    }

    /// Gives a messenger being sent its id, and logs the send when it must be.
    #[inline]
    fn number(&mut self, r: RuleId, from: GenId, to: GenId, msg: Msg) -> u32 {
        let id = self.sent_count;
        self.sent_count += 1;
        self.sent_by_rule[r as usize] += 1;
        if self.trace || self.plan.reads_sent {
            self.dirty_sent = true;
            self.sent[from as usize].push(Sent { msg, to, tick: self.now, messenger: id });
        }
        id
    }

    /// Chooses the fate of a messenger sent at the current tick over any channel, with or
    /// without trace: its number on the channel, its delay, partitions, loss rules and
    /// duplicate, then puts it on the road.
    #[inline(never)]
    fn resolve<C: Chooser>(&mut self, u: Unresolved, ch: &mut C) {
        let Unresolved { rule: r, from, to, chan: c, msg, cause, id } = u;
        let model = self.model;
        let t = self.now;
        let cp = &self.plan.chans[c as usize];
        // The number is only read by counting loss rules and by the trace.
        let number = if cp.counting || self.trace {
            self.dirty_count = true;
            self.chan_count[c as usize] += 1;
            self.chan_count[c as usize]
        } else {
            0
        };
        ch.about(&About::Messenger { chan: c, tick: t, msg });
        let lazy = self.lazy && cp.lo != cp.hi;
        let delay = if cp.lo == cp.hi || lazy { cp.lo } else { cp.lo + ch.delay(cp.lo, cp.hi) };
        let arrives = t.saturating_add(delay);
        let mut fate = Fate::InFlight;
        if cp.partitioned {
            for (i, p) in model.partitions.iter().enumerate() {
                let crosses = (p.side_a[from as usize] && p.side_b[to as usize])
                    || (p.side_b[from as usize] && p.side_a[to as usize]);
                if crosses && p.from <= t && t <= p.to {
                    fate = Fate::Partitioned { partition: i as u16 };
                    break;
                }
            }
        }
        let mut on_road = fate == Fate::InFlight;
        if on_road {
            match &cp.loss {
                LossPlan::None => {}
                LossPlan::Chance(p) => {
                    let c = ch.chance(p);
                    if c.index == 1 {
                        self.captures += 1;
                        fate = Fate::Captured { loss: 0, draw: c.draw };
                        on_road = false;
                    }
                }
                LossPlan::Rules => {
                    for (i, l) in model.channels[c as usize].losses.iter().enumerate() {
                        let n = number as u64;
                        let (captured, draw) = match &l.kind {
                            LossKind::All => (true, None),
                            LossKind::Numbers(ranges) => (ranges.iter().any(|(a, b)| *a <= n && n <= *b), None),
                            LossKind::Every(k) => (n.is_multiple_of(*k), None),
                            LossKind::First(k) => (n <= *k, None),
                            LossKind::After(k) => (n > *k, None),
                            LossKind::Window(a, b) => (*a <= t && t <= *b, None),
                            LossKind::Kind(k) => (msg.kind == *k, None),
                            LossKind::Chance { p, kind } => {
                                if kind.is_some_and(|k| k != msg.kind) {
                                    (false, None)
                                } else {
                                    let c = ch.chance(p);
                                    (c.index == 1, c.draw)
                                }
                            }
                        };
                        if captured {
                            if l.kind.is_random() {
                                self.captures += 1;
                            }
                            fate = Fate::Captured { loss: i as u16, draw };
                            on_road = false;
                            break;
                        }
                    }
                }
            }
        }
        let mut duplicate = None;
        if on_road {
            let window = (t.saturating_add(cp.lo), t.saturating_add(cp.hi));
            if self.lazy {
                let p = Pending { id, from, to, msg, duplicate: false };
                self.road.push(Road { p, earliest: window.0, latest: window.1, arrive: false });
            } else {
                self.queue.push(arrives, Pending { id, from, to, msg, duplicate: false });
            }
            if let Some(p) = &cp.duplicate
                && ch.chance(p).index == 1
            {
                if self.lazy {
                    let p = Pending { id, from, to, msg, duplicate: true };
                    self.road.push(Road { p, earliest: window.0, latest: window.1, arrive: false });
                } else {
                    let d2 = if cp.lo == cp.hi { cp.lo } else { cp.lo + ch.delay(cp.lo, cp.hi) };
                    let at = t.saturating_add(d2);
                    duplicate = Some(at);
                    self.queue.push(at, Pending { id, from, to, msg, duplicate: true });
                }
            }
        }
        if self.trace {
            self.messengers.push(Messenger {
                chan: c,
                number,
                from,
                to,
                msg,
                sent: t,
                arrives,
                fate,
                rule: r,
                cause,
                duplicate,
            });
            self.log.push(LogEntry::Send { messenger: id });
        }
    }

    fn event_limit(&self) -> RunError {
        let (rule, sent) = self
            .sent_by_rule
            .iter()
            .enumerate()
            .max_by_key(|(i, n)| (**n, std::cmp::Reverse(*i)))
            .map(|(i, n)| (i as RuleId, *n as u64))
            .unwrap_or((self.current, 0));
        let rule = if sent == 0 { self.current } else { rule };
        RunError::EventLimit { limit: self.max_events, rule, sent, tick: self.now }
    }

    /// Whether some general is up and has not decided (at the end of a run: blocked).
    pub fn blocked(&self) -> bool {
        self.decisions.iter().zip(&self.crashed).any(|(d, c)| d.is_none() && c.is_none())
    }

    /// The outcome of the finished run.
    pub fn outcome(&self) -> Outcome {
        outcome(self.model, &self.decisions, &self.crashed)
    }
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

/// A chooser that counts the choices it passes on (a staged run stops before a second
/// unit of choices).
struct Counting<'a, C: Chooser> {
    inner: &'a mut C,
    n: u32,
}

impl<C: Chooser> Chooser for Counting<'_, C> {
    #[inline]
    fn choose(&mut self, c: &Choice) -> Chosen {
        self.n += 1;
        self.inner.choose(c)
    }

    #[inline]
    fn about(&mut self, m: &About) {
        self.inner.about(m)
    }

    #[inline]
    fn chance(&mut self, p: &Prob) -> Chosen {
        self.n += 1;
        self.inner.chance(p)
    }

    #[inline]
    fn delay(&mut self, lo: u32, hi: u32) -> u32 {
        self.n += 1;
        self.inner.delay(lo, hi)
    }
}

#[cfg(test)]
mod lean_tests {
    use super::*;

    /// A lean run (as trials make them: sets of senders heard, compiled conditions, sends
    /// fanned out, no delivery log unless read) ends as a full run does, with the same
    /// choices: on every bundled scenario and exercise solution, over many seeds. (Debug
    /// builds also check each compiled condition against `eval`.)
    /// A chooser that notes what each choice is about.
    struct Told<'a> {
        inner: &'a mut Seeded,
        seen: Vec<String>,
    }

    impl Chooser for Told<'_> {
        fn choose(&mut self, c: &Choice) -> Chosen {
            let r = self.inner.choose(c);
            self.seen.push(format!("{c:?} {}", r.index));
            r
        }

        fn about(&mut self, m: &About) {
            self.seen.push(format!("{m:?}"));
        }
    }

    #[test]
    fn lean_runs_are_the_same_runs() {
        let names = crate::bundled_files(&["scenarios", "scenarios/exercises/solutions"]);
        assert!(names.len() >= 20);
        let mut compiled = 0;
        for path in names {
            let text = std::fs::read(&path).unwrap();
            let l = crate::load(&path.to_string_lossy(), &text, &[]).unwrap();
            compiled += same_runs(&path.display().to_string(), &l.model);
        }
        assert!(compiled >= 20, "{compiled} compiled conditions");
    }

    /// Lean runs that skip ticks at which only marks arrive (`Plan::skip_marks`) end as
    /// full runs do: at the last mark after the decisions, at the horizon, or with
    /// `every` rules that read what arrived.
    #[test]
    fn skipped_mark_ticks_change_nothing() {
        let vote = |rest: &str| {
            format!(
                "victory when at least 3 attack\ntime dawn = 2\n{rest}\nchannel * <-> * {{\n  delay 1..6\n  lose 30%\n}}\n\
                 generals G1..G5 are voters\n"
            )
        };
        let models = [
            // Marks arrive after the decisions; some generals stay undecided.
            vote(
                "role voters {\n  on start { send vote to all }\n  decide at dawn: commit 1 if count received vote >= 3\n}",
            ),
            // The horizon ends the run among the marks.
            vote(
                "horizon 4\nrole voters {\n  on start { send vote to all }\n  decide at dawn: commit 1 if count received vote >= 4\n}",
            ),
            // `every` ticks run and read the sets; they send more marks.
            vote(
                "role voters {\n  on start { send vote to all }\n  every 3 until count received vote >= 2 { send vote to all }\n  decide at 9: attack if count received vote >= 3\n}",
            ),
            // `at` rules between the marks.
            vote(
                "role voters {\n  on start { send vote to all }\n  at 3 { send vote to all }\n  decide at dawn: attack if count received vote >= 2\n}",
            ),
        ];
        for (i, text) in models.iter().enumerate() {
            let l =
                crate::load("skip.herald", text.as_bytes(), &[]).unwrap_or_else(|f| panic!("model {i}: {:?}", f.diags));
            let lean = Sim::new(&l.model);
            assert!(lean.plan.skip_marks, "model {i} skips mark ticks");
            same_runs(&format!("model {i}"), &l.model);
        }
    }

    /// One-round lean runs ([`Plan::one_round`]) end as full runs do: decisions at tick 0
    /// and at several ticks, past the horizon, before or after the last arrival, by
    /// generals that never decide, over unlike channels, with guards that may not commit,
    /// and delays that cannot matter (drawn, not worked out) in ranges of two and three.
    #[test]
    fn one_round_runs_change_nothing() {
        let vote = |channels: &str, rules: &str| {
            format!(
                "victory when at least 3 attack\n{channels}\nrole voters {{\n  on start {{ send vote to all }}\n{rules}\n}}\n\
                 generals G1..G5 are voters\n"
            )
        };
        let lossy = "channel * <-> * {\n  delay 1..2\n  lose 30%\n}";
        let models = [
            // Every messenger arrives by the decisions (their delays cannot matter).
            (vote(lossy, "  decide at 2: attack if count received vote + 1 >= 3"), true),
            (vote("channel * <-> * {\n  delay 1..3\n  lose 1 in 3\n}", "  decide at 4: attack if received vote"), true),
            // Decisions at tick 0 and later; arrivals after the last decision.
            (
                vote(
                    "channel * <-> * {\n  delay 1..6\n  lose 20%\n}",
                    "  decide at 0: attack if count received vote >= 1\n  decide at 3: attack if count received vote >= 2",
                ),
                false,
            ),
            // The decisions past the horizon; a horizon among the arrivals.
            (vote(&format!("horizon 1\n{lossy}"), "  decide at 4: attack if count received vote >= 2"), false),
            (
                vote(
                    "horizon 3\nchannel * <-> * {\n  delay 1..6\n  lose 20%\n}",
                    "  decide at 2: attack if count received vote >= 1",
                ),
                false,
            ),
            // Guards that may not commit (generals left undecided, the run goes on).
            (vote(lossy, "  decide at 2: commit 1 if count received vote >= 3"), true),
            // Unlike channels, a general that never decides, an `at 0` rule.
            (
                "victory when at least 2 attack\nchannel A -> B {\n  delay 1\n  lose 10%\n}\n\
                 channel * <-> * {\n  delay 2..3\n  lose 1 in 3\n}\n\
                 general A {\n  on start { send plan to B, C, D, E }\n  at 0 { send plan to all }\n}\n\
                 general B {\n  decide at 3: attack if count received plan >= 2\n}\n\
                 general C {\n  decide at 5: attack if received plan\n  decide at 3: attack if received plan\n}\n\
                 general D {\n}\ngeneral E {\n  decide at 4: wait\n}\n"
                    .to_string(),
                true,
            ),
        ];
        for (i, (text, all_by)) in models.iter().enumerate() {
            let l = crate::load("one-round.herald", text.as_bytes(), &[])
                .unwrap_or_else(|f| panic!("model {i}: {:?}", f.diags));
            let lean = Sim::new(&l.model);
            assert!(lean.plan.one_round, "model {i} is one round");
            let first = lean.plan.first_marks.as_ref().expect("tick 0's table");
            assert_eq!(first.all_by_fuse, *all_by, "model {i}");
            same_runs(&format!("model {i}"), &l.model);
        }
    }

    /// Runs 300 seeded runs of `model` in full and lean, and checks that they make the
    /// same choices and end alike. Returns how many conditions the lean runs compiled.
    fn same_runs(what: &str, model: &Model) -> usize {
        {
            let mut full = Sim::new(model);
            let mut lean = Sim::new(model);
            lean.lean = true;
            let compiled = lean.plan.quick.iter().flatten().count();
            let path = what;
            let (mut a, mut b) = (Seeded::new(11), Seeded::new(11));
            for k in 0..300 {
                // Every 30th run, also what each choice was about.
                let (ra, rb, seen_a, seen_b) = if k % 30 == 0 {
                    let (mut la, mut lb) = (Told { inner: &mut a, seen: vec![] }, Told { inner: &mut b, seen: vec![] });
                    let (ra, rb) = (full.run(&mut la), lean.run(&mut lb));
                    (ra, rb, la.seen, lb.seen)
                } else {
                    (full.run(&mut a), lean.run(&mut b), vec![], vec![])
                };
                let what = format!("{path} run {k}");
                assert_eq!(ra, rb, "{what}");
                assert_eq!(seen_a, seen_b, "{what}");
                assert!(lean.heard_on || lean.plan.heard.kinds == 0, "{what}");
                let end = |s: &Sim| {
                    format!(
                        "{:?} {} {:?} {:?} {} {} {} {:?}",
                        s.end, s.now, s.decisions, s.crashed, s.captures, s.events, s.sent_count, s.sent_by_rule
                    )
                };
                assert_eq!(end(&full), end(&lean), "{what}");
            }
            let c = Choice::Delay { lo: 0, hi: 1 << 20 };
            assert_eq!(a.choose(&c), b.choose(&c), "{path}: the streams part");
            compiled
        }
    }
}

#[cfg(test)]
mod staged_tests {
    use super::*;

    /// Records the choices and what they were about.
    struct Log<C> {
        inner: C,
        seen: Vec<String>,
    }

    impl<C: Chooser> Chooser for Log<C> {
        fn choose(&mut self, c: &Choice) -> Chosen {
            let r = self.inner.choose(c);
            self.seen.push(format!("{c:?} -> {}", r.index));
            r
        }

        fn about(&mut self, m: &About) {
            self.seen.push(format!("{m:?}"));
        }
    }

    /// Everything a snapshot keeps, as the run holds it.
    fn state(sim: &Sim) -> String {
        format!(
            "{:?}",
            (
                (sim.now, sim.end, sim.stage, sim.arrive_pos, sim.resolve_pos, sim.events, sim.next_crash),
                (sim.sent_count, sim.open, sim.captures, sim.crashes_chosen),
                (&sim.decisions, &sim.crashed, &sim.recv, &sim.sent, &sim.vars),
                (&sim.chan_count, &sim.sent_by_rule, &sim.any_crashed, &sim.when_fired, &sim.every_done),
                (&sim.queue, &sim.road, &sim.unresolved, &sim.messengers, &sim.log),
            )
        )
    }

    fn finish(sim: &Sim) -> String {
        format!("{:?} {:?} {:?} {:?} {}", sim.end, sim.now, sim.decisions, sim.crashed, sim.captures)
    }

    /// Replays choices made before.
    struct Script(std::collections::VecDeque<u32>);

    impl Chooser for Script {
        fn choose(&mut self, _: &Choice) -> Chosen {
            Chosen { index: self.0.pop_front().expect("a choice recorded"), draw: None }
        }
    }

    /// Records the choices made.
    struct Record<C>(C, Vec<u32>);

    impl<C: Chooser> Chooser for Record<C> {
        fn choose(&mut self, c: &Choice) -> Chosen {
            let r = self.0.choose(c);
            self.1.push(r.index);
            r
        }
    }

    /// A snapshot restored into a run in any other state is that state again: saving it
    /// again gives the same snapshot, and the run goes on as the one it was saved from
    /// (the same choices, the same end). On every bundled scenario, exercise and
    /// solution (decisions, commits, crashes and recoveries, variables, messages with
    /// arguments, `when` and `every` rules), eager and lazy, over several seeds; each
    /// snapshot is restored over the run's state after another snapshot.
    #[test]
    fn snapshots_restore_over_any_state() {
        let names = crate::bundled_files(&["scenarios", "scenarios/exercises", "scenarios/exercises/solutions"]);
        let mut restored = 0;
        for path in names {
            let text = std::fs::read(&path).unwrap();
            let l = crate::load(&path.to_string_lossy(), &text, &[]).unwrap();
            for lazy in [false, true] {
                for seed in 0..10 {
                    let what = format!("{} lazy={lazy} seed={seed}", path.display());
                    let mut a = Sim::new(&l.model);
                    a.lazy = lazy;
                    a.defer = true;
                    a.start();
                    let mut ch = Record(Seeded::new(seed), Vec::new());
                    // Each step's snapshot, with the number of choices made before it and
                    // the run's state then.
                    let mut snaps = vec![(a.save(), 0, state(&a))];
                    let ended = loop {
                        match a.advance(&mut ch) {
                            Ok(false) => snaps.push((a.save(), ch.1.len(), state(&a))),
                            Ok(true) => break true,
                            Err(_) => break false,
                        }
                    };
                    if !ended {
                        continue;
                    }
                    let end = finish(&a);
                    let mut b = Sim::new(&l.model);
                    b.lazy = lazy;
                    b.defer = true;
                    b.start();
                    let k = snaps.len();
                    for i in 0..k {
                        // Over the state after another snapshot, from far in the run; each
                        // restore gives back the state saved, field by field, and saving
                        // again gives back the snapshot.
                        for j in [(i + k / 2 + 1) % k, i] {
                            let (snap, _, saved) = &snaps[j];
                            b.restore(snap);
                            assert_eq!(&state(&b), saved, "{what}: snapshot {j}, restored");
                            assert_eq!(format!("{:?}", b.save()), format!("{snap:?}"), "{what}: snapshot {j}, saved");
                        }
                        let (_, made, _) = &snaps[i];
                        let mut script = Script(ch.1[*made..].iter().copied().collect());
                        while !b.advance(&mut script).expect("it ran before") {}
                        assert!(script.0.is_empty(), "{what}: snapshot {i} made other choices");
                        assert_eq!(finish(&b), end, "{what}: snapshot {i}");
                        restored += 1;
                    }
                }
            }
        }
        assert!(restored > 4_000, "{restored} snapshots restored");
    }

    /// A staged run makes the same choices, in the same order, about the same messengers,
    /// and ends the same, as a run of whole ticks: on every bundled scenario, eager and
    /// lazy, over many seeds.
    #[test]
    fn staged_runs_are_the_same_runs() {
        let names = crate::bundled_files(&["scenarios"]);
        assert!(names.len() >= 10);
        for path in names {
            let text = std::fs::read(&path).unwrap();
            let l = crate::load(&path.to_string_lossy(), &text, &[]).unwrap();
            for lazy in [false, true] {
                for seed in 0..40 {
                    let mut a = Sim::new(&l.model);
                    a.lazy = lazy;
                    let mut ca = Log { inner: Seeded::new(seed), seen: Vec::new() };
                    let ra = a.run(&mut ca);
                    let mut b = Sim::new(&l.model);
                    b.lazy = lazy;
                    b.defer = true;
                    b.start();
                    let mut cb = Log { inner: Seeded::new(seed), seen: Vec::new() };
                    let rb = loop {
                        match b.advance(&mut cb) {
                            Ok(false) => {
                                // Going on from a copy changes nothing.
                                let s = b.save();
                                b.restore(&s);
                            }
                            Ok(true) => break Ok(()),
                            Err(e) => break Err(e),
                        }
                    };
                    let what = format!("{} lazy={lazy} seed={seed}", path.display());
                    assert_eq!(ra, rb, "{what}");
                    assert_eq!(ca.seen, cb.seen, "{what}");
                    assert_eq!(finish(&a), finish(&b), "{what}");
                }
            }
        }
    }
}
