//! What the interpreter works out once per model: the schedule of timed rules, what
//! sending over each channel needs, which deliveries are worth keeping; and, for lean
//! runs, their own plan ([`LeanPlan`]).

use super::*;

/// What the interpreter works out once per model.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    /// `at` and `decide at` ticks: (tick, general, is a decision), sorted.
    pub(crate) schedule: Vec<(u32, GenId, bool)>,
    /// The `every` rules.
    pub(crate) every: Vec<(RuleId, u32, GenId)>,
    /// Whether any condition reads `sent` (else the send log is kept only when tracing).
    pub(crate) reads_sent: bool,
    /// Whether any general has `when` rules.
    pub(crate) has_when: bool,
    /// Channels whose loss rules count messengers (their counters are part of the state).
    pub(crate) counting: Vec<bool>,
    /// What fires at tick 0 before `when` rules, general by general: `on start` rules and
    /// `at 0` rules, in written order.
    pub(crate) first: Vec<(GenId, RuleId)>,
    /// The timed rules (`at`, `every`), general by general, in written order.
    pub(crate) timed: Vec<(GenId, RuleId)>,
    /// `decide at` rules: (tick, general, rule), by tick, then general, then written order.
    pub(crate) decides: Vec<(u32, GenId, RuleId)>,
    /// Rules with a `send` action (the only ones `sent_by_rule` counts).
    pub(crate) senders: Vec<RuleId>,
    /// Whether any general has variables.
    pub(crate) has_vars: bool,
    /// Per channel, what a send over it needs.
    pub(crate) chans: Vec<ChanPlan>,
    /// Per kind of message, which of those received any condition can read (without
    /// trace, the others are not kept: no condition could find them, and a search's
    /// states stay small however long the run).
    pub(crate) kept: Vec<Kept>,
    /// Per general: it has `on receive` rules (else a delivery to it fires nothing).
    pub(crate) listens: Vec<bool>,
    /// Per general: when its rules could tell arrival ticks apart (see `settle`).
    pub(crate) watch: Vec<settle::Watch>,
    /// What lean runs add.
    pub(crate) lean: LeanPlan,
}

/// Which received messages of a kind some `received` or `count received` can match.
#[derive(Debug, Clone)]
pub(crate) enum Kept {
    None,
    All,
    /// Those whose payload fits one of these (`None`: any value there).
    Only(Vec<Vec<Option<i64>>>),
}

/// What sending over a channel needs, looked up once per model.
#[derive(Debug, Clone)]
pub(crate) struct ChanPlan {
    pub(crate) lo: u32,
    pub(crate) hi: u32,
    /// Its loss rules count messengers (so the counter matters even without trace).
    pub(crate) counting: bool,
    /// Some partition separates its ends.
    pub(crate) partitioned: bool,
    pub(crate) loss: LossPlan,
    pub(crate) duplicate: Option<Prob>,
    /// No counter, no partition, no loss rule but one chance, no duplicate.
    pub(crate) plain: bool,
}

/// A channel's loss rules.
#[derive(Debug, Clone)]
pub(crate) enum LossPlan {
    None,
    /// One rule: lose each messenger with this probability.
    Chance(Prob),
    /// Anything else: go through the rules.
    Rules,
}

impl Plan {
    pub(crate) fn new(model: &Model) -> Plan {
        let mut schedule = Vec::new();
        let mut every = Vec::new();
        for (i, r) in model.rules.iter().enumerate() {
            match &r.trigger {
                Trigger::At(a) => schedule.push((*a, r.owner, false)),
                Trigger::Decide { at, .. } => schedule.push((*at, r.owner, true)),
                Trigger::Every { period, .. } => every.push((i as RuleId, *period, r.owner)),
                Trigger::Start | Trigger::Recover | Trigger::Receive { .. } | Trigger::When(_) => {}
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
        let counting: Vec<bool> = model.channels.iter().map(|c| c.losses.iter().any(|l| l.kind.counts())).collect();
        let chans: Vec<ChanPlan> = model
            .channels
            .iter()
            .zip(&counting)
            .map(|(c, &counting)| {
                let partitioned = model.partitions.iter().any(|p| {
                    let (f, t) = (c.from as usize, c.to as usize);
                    (p.side_a[f] && p.side_b[t]) || (p.side_b[f] && p.side_a[t])
                });
                let loss = match c.losses.as_slice() {
                    [] => LossPlan::None,
                    [Loss { kind: LossKind::Chance { p, kind: None }, .. }] => LossPlan::Chance(*p),
                    _ => LossPlan::Rules,
                };
                let plain = !counting
                    && !partitioned
                    && c.duplicate.is_none()
                    && matches!(loss, LossPlan::None | LossPlan::Chance(_));
                ChanPlan { lo: c.delay_lo, hi: c.delay_hi, counting, partitioned, loss, duplicate: c.duplicate, plain }
            })
            .collect();
        let mut kept = vec![Kept::None; model.kinds.len()];
        for p in model.reads.iter().flat_map(|r| &r.patterns) {
            let fits_all = p.values.iter().all(|a| a.is_none());
            let slot = &mut kept[p.kind as usize];
            *slot = match std::mem::replace(slot, Kept::None) {
                Kept::All => Kept::All,
                _ if fits_all => Kept::All,
                Kept::None => Kept::Only(vec![p.values.clone()]),
                Kept::Only(mut list) => {
                    list.push(p.values.clone());
                    Kept::Only(list)
                }
            };
        }
        let mut plan = Plan {
            kept,
            listens: model.generals.iter().map(|g| !g.on_receive.is_empty()).collect(),
            chans,
            schedule,
            every,
            first,
            timed,
            decides,
            senders,
            has_vars: model.generals.iter().any(|g| !g.vars.is_empty()),
            reads_sent: model.reads.iter().any(|r| r.sent),
            has_when: model.generals.iter().any(|g| !g.when.is_empty()),
            counting,
            watch: settle::Watch::of(model),
            lean: LeanPlan::default(),
        };
        plan.lean = LeanPlan::new(model, &plan);
        plan
    }

    /// Whether a received message is kept (some condition can read it).
    #[inline]
    pub(crate) fn read(&self, m: &Msg) -> bool {
        match &self.kept[m.kind as usize] {
            Kept::All => true,
            Kept::None => false,
            Kept::Only(list) => list.iter().any(|p| {
                p.len() <= m.args.len as usize
                    && p.iter().zip(m.args.as_slice()).all(|(a, v)| a.is_none_or(|a| a == *v))
            }),
        }
    }
}
