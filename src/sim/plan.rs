//! What the interpreter works out once per model: schedules, channels, what rules read.

use super::*;

/// What the interpreter works out once per model to keep runs lean.
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
    /// Whether any condition asks when a messenger arrived (`by T`).
    pub(crate) reads_arrival: bool,
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
    pub(crate) reads: Vec<Reads>,
    /// Per rule and action: for a `send` of [`FAN_MIN`] messengers or more (to as many
    /// targets, or in copies) whose every target is over a plain channel
    /// ([`ChanPlan::plain`]), its targets with what sending to them needs, in order (see
    /// `fan_out`).
    pub(crate) fans: Vec<Vec<Option<Box<[FanTarget]>>>>,
    /// What lean runs ([`Sim::lean`]) keep of deliveries.
    pub(crate) heard: HeardPlan,
    /// Per general: it has `on receive` rules (else a delivery to it fires nothing).
    pub(crate) listens: Vec<bool>,
    /// Per rule whose one action sends one copy of a message without payload expressions
    /// (only constants) to targets over plain channels (a fan in `fans`): the message.
    pub(crate) simple: Vec<Option<Msg>>,
    /// Every rule in `first` is `simple`.
    pub(crate) first_simple: bool,
    /// With marks and `first_simple`: every messenger of tick 0's rules, in order.
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
    /// Per entry of `decides`, in lean runs: when its rule is `attack if` one comparison
    /// of a count of senders heard (sets of one word), the set of the deciding general,
    /// the comparison and the constant (see `quick::Code::count_cmp`).
    pub(crate) decide_counts: Vec<Option<(u32, BinOp, i64)>>,
}

/// Sets of senders heard, for lean runs: each `count received K` and `received K` whose
/// answer depends only on which generals delivered a `K` to the general asking (no
/// `by`, no payload value to match) is answered from a bit set per general and kind,
/// kept up to date at each delivery, instead of a scan of the delivery log.
#[derive(Debug, Clone)]
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
pub(crate) fn heard_answers(pattern: &Pattern, by: Option<&Expr>) -> bool {
    by.is_none() && !pattern.args.iter().any(|a| matches!(a, PatArg::Eq(_)))
}

/// Calls `f` on every expression of a rule and all their parts (payload patterns included).
pub(crate) fn each_expr(r: &Rule, f: &mut dyn FnMut(&Expr)) {
    pub(crate) fn walk(e: &Expr, f: &mut dyn FnMut(&Expr)) {
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
    pub(crate) fn pattern_walk(p: &Pattern, f: &mut dyn FnMut(&Expr)) {
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
pub(crate) enum Reads {
    None,
    All,
    /// Those whose payload fits one of these (`None`: any value there).
    Only(Vec<Vec<Option<i64>>>),
}

/// The value of an expression that reads nothing of a run, if it is one.
pub(crate) fn constant(e: &Expr) -> Option<i64> {
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
    pub(crate) fn read(&self, m: &Msg) -> bool {
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
pub(crate) fn rule_reads(r: &Rule, hit: &dyn Fn(&Expr) -> bool) -> bool {
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

pub(crate) fn expr_has(e: &Expr, hit: &dyn Fn(&Expr) -> bool) -> bool {
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
