//! What lean runs work out once per model: the sets of senders heard that answer
//! `received` and `count received`, the fan-outs of sends over plain channels, tick 0's
//! table of messengers, one-round runs, and compiled conditions.

use super::*;

/// The lean runs' part of a model's plan.
#[derive(Debug, Clone, Default)]
pub(crate) struct LeanPlan {
    /// What lean runs keep of deliveries.
    pub(crate) heard: HeardPlan,
    /// Per rule and action: for a `send` of [`FAN_MIN`] messengers or more (to as many
    /// targets, or in copies) whose every target is over a plain channel
    /// ([`ChanPlan::plain`]), its targets with what sending to them needs, in order (see
    /// `fan_out`).
    pub(crate) fans: Vec<Vec<Option<Box<[FanTarget]>>>>,
    /// Per rule whose one action sends one copy of a message without payload expressions
    /// (only constants) to targets over plain channels (a fan in `fans`): the message.
    pub(crate) simple: Vec<Option<Msg>>,
    /// With marks, when every rule of `Plan::first` is `simple`: every messenger of tick
    /// 0's rules, in order.
    pub(crate) first_marks: Option<FirstMarks>,
    /// Lean runs without a delivery log may queue marks instead of notes (see `Queue`):
    /// no general has `on receive` rules (a delivery fires nothing, so the order of a
    /// tick's deliveries does not matter), none ever crashes (every delivery counts),
    /// and the sets of senders heard are small.
    pub(crate) marks: bool,
    /// With marks, ticks at which only marks arrive need not run: nothing reads the sets
    /// of senders heard but the rules of ticks that run anyway (no `when` rules), so the
    /// marks of the ticks skipped are added at the start of the next tick that runs.
    pub(crate) skip_marks: bool,
    /// With `skip_marks` and `first_marks`: nothing fires after tick 0 but `decide at`
    /// rules (no `at` past 0, no `every`, no `when`, nobody listens or crashes) and no
    /// condition reads `sent` or the delivery log. Then the only ticks that run are tick
    /// 0 and the decisions' ticks (and, after the decisions, the ticks at which tick 0's
    /// messengers arrive), and a lean run runs them in a loop of its own
    /// ([`Sim::run_one_round`]) rather than through the general tick.
    pub(crate) one_round: bool,
    /// Per rule: its condition compiled for lean runs, if it has one and it compiles.
    pub(crate) quick: Vec<Option<quick::Code>>,
    /// Per entry of `Plan::decides`: when its rule is `attack if` one comparison of a
    /// count of senders heard (sets of one word), the set of the deciding general, the
    /// comparison and the constant (see `quick::Code::count_cmp`).
    pub(crate) decide_counts: Vec<Option<(u32, BinOp, i64)>>,
}

/// Sets of senders heard, for lean runs: each `count received K` and `received K` whose
/// answer depends only on which generals delivered a `K` to the general asking (no
/// `by`, no payload value to match) is answered from a bit set per general and kind,
/// kept up to date at each delivery, instead of a scan of the delivery log.
#[derive(Debug, Clone, Default)]
pub(crate) struct HeardPlan {
    /// Per message kind: its set's slot, or [`NONE`] when no such expression asks about it.
    pub(crate) slot: Vec<u32>,
    /// Kinds with a slot.
    pub(crate) kinds: usize,
    /// 64-bit words per set of generals.
    pub(crate) words: usize,
    /// Some expression reads the delivery log in a way the sets cannot answer (`by`, a
    /// payload value), so lean runs keep the log too.
    pub(crate) log_read: bool,
}

impl HeardPlan {
    pub(crate) fn new(model: &Model) -> HeardPlan {
        let mut slot = vec![NONE; model.kinds.len()];
        let mut kinds = 0;
        let mut log_read = false;
        for p in model.reads.iter().flat_map(|r| &r.patterns) {
            if p.by_senders {
                if slot[p.kind as usize] == NONE {
                    slot[p.kind as usize] = kinds as u32;
                    kinds += 1;
                }
            } else {
                log_read = true;
            }
        }
        HeardPlan { slot, kinds, words: model.generals.len().div_ceil(64), log_read }
    }
}

impl LeanPlan {
    /// The lean plan of `model`, whose general plan is `plan`.
    pub(crate) fn new(model: &Model, plan: &Plan) -> LeanPlan {
        let heard = HeardPlan::new(model);
        let fans: Vec<Vec<Option<Box<[FanTarget]>>>> = model
            .rules
            .iter()
            .map(|r| r.actions.iter().map(|a| fan_targets(model, plan, &heard, r.owner, a)).collect())
            .collect();
        let quick: Vec<Option<quick::Code>> =
            model.rules.iter().map(|r| quick::condition(r).and_then(|c| quick::Code::compile(c, &heard))).collect();
        let decide_counts = plan
            .decides
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
        let first_simple = plan.first.iter().all(|&(_, r): &(GenId, RuleId)| simple[r as usize].is_some());
        let sets = model.generals.len() * heard.kinds * heard.words;
        let marks = model.generals.iter().all(|g| g.on_receive.is_empty())
            && model.crashes.is_empty()
            && model.crash_any.is_empty()
            && !model.rules.iter().any(|r| r.actions.iter().any(|a| matches!(a, Action::Crash(_))))
            && sets <= 256;
        let mut first_marks =
            (first_simple && marks).then(|| FirstMarks::new(&plan.first, &simple, &fans, sets as u32));
        let skip_marks = marks && !plan.has_when && !model.when_reads_now;
        let one_round = skip_marks
            && first_marks.is_some()
            && !plan.reads_sent
            && !heard.log_read
            && plan.every.is_empty()
            && model.crashes.is_empty()
            && plan.timed.iter().all(|&(_, r)| matches!(model.rules[r as usize].trigger, Trigger::At(0)));
        if let (true, Some(f), Some(&(at, ..))) = (one_round, &mut first_marks, plan.decides.first())
            && at > 0
            && at <= model.horizon
        {
            f.fuse = at;
            f.all_by_fuse = f.targets.iter().all(|m| m.hi <= at);
        }
        LeanPlan { heard, fans, simple, first_marks, marks, skip_marks, one_round, quick, decide_counts }
    }
}

/// The targets of action `a` of a rule of `owner`, if it is a `send` worth fanning out
/// (see [`LeanPlan::fans`]).
fn fan_targets(model: &Model, plan: &Plan, heard: &HeardPlan, owner: GenId, a: &Action) -> Option<Box<[FanTarget]>> {
    let Action::Send { to, kind, copies, .. } = a else {
        return None;
    };
    // A few messengers are sent as cheaply by `send`.
    if copies.is_none() && to.len() < FAN_MIN {
        return None;
    }
    to.iter()
        .map(|&t| {
            let c = model.chan(owner, t)?;
            let cp = &plan.chans[c as usize];
            let lose = match cp.loss {
                LossPlan::Chance(p) => Some(p),
                LossPlan::None | LossPlan::Rules => None,
            };
            let slot = heard.slot[*kind as usize];
            let word = if slot == NONE {
                NONE
            } else {
                (t as u32 * heard.kinds as u32 + slot) * heard.words as u32 + owner as u32 / 64
            };
            let passive = model.generals[t as usize].on_receive.is_empty();
            cp.plain.then_some(FanTarget { to: t, chan: c, lo: cp.lo, hi: cp.hi, lose, passive, word })
        })
        .collect()
}
