//! What the state key needs of a model, worked out once: symmetry, who may be forgotten,

//! when rules are done sending.

use super::*;

use crate::sim::symmetry::Symmetry;
/// What the key needs of the model, worked out once.
pub(super) struct KeyPlan {
    pub(super) n: usize,
    /// Keys without the tick (see [`super::timeless`]): the horizon.
    pub(super) timeless: Option<u32>,
    /// What a record keeps of a delivery's tick (see [`Arrivals`]).
    pub(super) arrivals: Arrivals,
    pub(super) symmetry: Symmetry,
    /// Some class has two members or more (else the order is the identity).
    pub(super) sym: bool,
    /// Per general: how records name it while generals are being ordered (by its class).
    pub(super) class_rank: Vec<u64>,
    /// Some channel's loss rules count messengers (its counter is part of the key).
    pub(super) counting: bool,
    /// Per receiver: the senders of its messengers may be forgotten.
    pub(super) anon: Vec<bool>,
    /// Some receiver's may.
    pub(super) any_anon: bool,
    /// Per rule: when it is done firing (what of its trigger `silences` needs).
    pub(super) ends: Vec<Ends>,
    /// Which senders are silent towards whom depends only on the tick and stage: nobody
    /// crashes, and no `every` or `when` rule sends.
    pub(super) by_time: bool,
    /// Per receiver: the order in which its messengers arrive matters (it has `on
    /// receive` rules; without them, a delivery only adds to what it received).
    pub(super) ordered: Vec<bool>,
    /// `sends[s * n + g]`: the rules of `s` that can send to `g`.
    pub(super) sends: Vec<Vec<RuleId>>,
    /// Per general, its rules that can send.
    pub(super) senders: Vec<Vec<RuleId>>,
    /// Per rule: its position among its owner's rules (the same for corresponding rules
    /// of interchangeable generals).
    pub(super) local: Vec<u32>,
    /// Per general: its `when` and `every` rules.
    pub(super) when: Vec<Vec<RuleId>>,
    pub(super) every: Vec<Vec<RuleId>>,
}

impl KeyPlan {
    pub(super) fn new(model: &Model, reduce: bool, counting: bool, timeless: bool) -> KeyPlan {
        let n = model.generals.len();
        let symmetry = if reduce { Symmetry::of(model) } else { Symmetry::none(model) };
        let senders_unread = reduce && model.reads.iter().all(|r| !r.sender);
        let anon: Vec<bool> = model
            .generals
            .iter()
            .map(|g| {
                senders_unread
                    && g.on_receive.iter().all(|r| {
                        // A rule that crashes it would cut a tick's deliveries short.
                        !model.reads[*r as usize].received
                            && !model.rules[*r as usize].actions.iter().any(|a| matches!(a, Action::Crash(_)))
                    })
            })
            .collect();
        let ordered = model.generals.iter().map(|g| !g.on_receive.is_empty()).collect();
        let mut sends = vec![Vec::new(); n * n];
        for (r, rule) in model.rules.iter().enumerate() {
            for a in &rule.actions {
                if let Action::Send { to, .. } = a {
                    for &g in to {
                        let list = &mut sends[rule.owner as usize * n + g as usize];
                        if !list.contains(&(r as RuleId)) {
                            list.push(r as RuleId);
                        }
                    }
                }
            }
        }
        let senders: Vec<Vec<RuleId>> = (0..n)
            .map(|g| {
                let mut all: Vec<RuleId> = (0..n).flat_map(|to| sends[g * n + to].iter().copied()).collect();
                all.sort_unstable();
                all.dedup();
                all
            })
            .collect();
        let mut local = vec![0; model.rules.len()];
        let mut when = Vec::new();
        let mut every = Vec::new();
        for g in &model.generals {
            let all = [&g.on_start, &g.on_recover, &g.on_receive, &g.timed, &g.when, &g.decide];
            for (i, r) in all.into_iter().flatten().enumerate() {
                local[*r as usize] = i as u32;
            }
            when.push(g.when.clone());
            every.push(
                g.timed
                    .iter()
                    .copied()
                    .filter(|r| matches!(model.rules[*r as usize].trigger, Trigger::Every { .. }))
                    .collect(),
            );
        }
        let sym = symmetry.any();
        let class_rank = (0..n).map(|g| CLASS | symmetry.class[g] as u64).collect();
        let any_anon = anon.iter().any(|a| *a);
        let ends: Vec<Ends> = model
            .rules
            .iter()
            .map(|r| match &r.trigger {
                Trigger::Start => Ends::Start,
                Trigger::Recover => Ends::Recover,
                Trigger::Receive { .. } => Ends::Never,
                Trigger::At(at) => Ends::At(*at),
                Trigger::Every { .. } => Ends::Every,
                Trigger::When(_) => Ends::When,
                Trigger::Decide { .. } => Ends::Done,
            })
            .collect();
        let by_time = model.crashes.is_empty()
            && model.crash_any.is_empty()
            && senders.iter().flatten().all(|r| !matches!(ends[*r as usize], Ends::Every | Ends::When));
        let arrivals = Arrivals::of(model);
        KeyPlan {
            n,
            timeless: timeless.then_some(model.horizon),
            arrivals,
            symmetry,
            sym,
            class_rank,
            counting,
            any_anon,
            ends,
            by_time,
            anon,
            ordered,
            sends,
            senders,
            local,
            when,
            every,
        }
    }
}

/// When a rule is done firing, by its trigger: `on start` once the start is over, `on
/// recover` when no recovery is left, `on receive` never, `at T` after T, `every` and
/// `when` when the run says so, `decide` at once (it sends nothing).
#[derive(Debug, Clone, Copy)]
pub(super) enum Ends {
    Start,
    Recover,
    Never,
    At(u32),
    Every,
    When,
    Done,
}

/// What a record keeps of the tick a delivery arrived at: only what some `received ... by
/// T` can still tell apart.
#[derive(Debug, Clone)]
pub(super) enum Arrivals {
    /// Nothing asks when (no `by`): nothing.
    Ignored,
    /// Every `by` is a tick known before the run: which of those ticks the arrival came
    /// after (sorted, without repeats). Two arrivals after the same ones answer every
    /// `by` alike.
    Deadlines(Vec<u32>),
    /// Some `by` is worked out by the run (`by now - 5`): the tick itself.
    Exact,
}

impl Arrivals {
    fn of(model: &Model) -> Arrivals {
        let mut deadlines = Vec::new();
        for p in model.reads.iter().flat_map(|r| &r.patterns) {
            match p.by {
                By::Never => {}
                // (A deadline before tick 0 is met by nothing; past the largest tick, by all.)
                By::Tick(t) => deadlines.push(t.clamp(-1, u32::MAX as i64 - 1)),
                By::Computed => return Arrivals::Exact,
            }
        }
        if deadlines.is_empty() {
            return Arrivals::Ignored;
        }
        deadlines.sort_unstable();
        deadlines.dedup();
        // An arrival at tick t meets `by d` when t <= d: what tells two arrivals apart is
        // how many deadlines come before them.
        Arrivals::Deadlines(deadlines.into_iter().filter(|d| *d >= 0).map(|d| d as u32).collect())
    }

    /// What a record writes of an arrival at tick `t`.
    #[inline]
    pub(super) fn class(&self, t: u32) -> u32 {
        match self {
            Arrivals::Ignored => 0,
            Arrivals::Deadlines(d) => d.partition_point(|&d| d < t) as u32,
            Arrivals::Exact => t,
        }
    }
}
