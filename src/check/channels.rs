//! Channels: which declaration governs each ordered pair of generals, delays,
//! duplication and loss rules.

use super::*;
use crate::syntax::ast::{ChannelDecl, ChannelProp, Endpoint, LossRule, Probability};

impl Checker<'_> {
    /// Expands an endpoint to generals, with its rank (general 2, role 1, `*` 0).
    fn endpoint(&mut self, e: &Endpoint) -> Option<(Vec<GenId>, u8)> {
        match e {
            Endpoint::Any(_) => Some(((0..self.generals.len() as GenId).collect(), 0)),
            Endpoint::Named(id) => {
                if let Some(&g) = self.gen_index.get(&id.name) {
                    Some((vec![g], 2))
                } else if let Some(&r) = self.role_index.get(&id.name) {
                    Some((self.roles[r].members.clone(), 1))
                } else {
                    self.unknown_general(id);
                    None
                }
            }
        }
    }

    pub(super) fn channels_pass(&mut self, file: &ast::File) {
        let n = self.generals.len();
        // For each ordered pair: (rank, declaration index).
        let mut best: Vec<Option<(u8, usize)>> = vec![None; n * n];
        let decls: Vec<&ChannelDecl> =
            file.stmts.iter().filter_map(|s| if let Stmt::Channel(c) = s { Some(c) } else { None }).collect();
        let mut resolved: Vec<Option<ChannelTemplate>> = Vec::new();
        for (i, d) in decls.iter().enumerate() {
            resolved.push(self.channel_template(d));
            let (Some((from, ra)), Some((to, rb))) = (self.endpoint(&d.from), self.endpoint(&d.to)) else {
                continue;
            };
            if let (Endpoint::Named(a), Endpoint::Named(b)) = (&d.from, &d.to)
                && a.name == b.name
                && self.gen_index.contains_key(&a.name)
            {
                self.err(
                    Diag::error(
                        Code::CheckSelfChannel,
                        format!("a channel from '{}' to itself", a.name),
                        d.span,
                        "same general at both ends",
                    )
                    .with_help("a general knows what it knows: it sends no messengers to itself"),
                );
                continue;
            }
            let rank = ra + rb;
            let mut pairs = Vec::new();
            for &a in &from {
                for &b in &to {
                    if a != b {
                        pairs.push((a, b));
                        if d.both_ways {
                            pairs.push((b, a));
                        }
                    }
                }
            }
            for (a, b) in pairs {
                let slot = &mut best[a as usize * n + b as usize];
                match *slot {
                    Some((r, j)) if r == rank && j != i => {
                        let first = decls[j].span;
                        self.err(
                            Diag::error(
                                Code::CheckDuplicateChannel,
                                format!(
                                    "two channel declarations both give {} -> {}",
                                    self.generals[a as usize].name, self.generals[b as usize].name
                                ),
                                d.span,
                                "second declaration",
                            )
                            .with_label(first, "first declaration")
                            .with_help("a more specific declaration (a general over a role over '*') overrides; these two are equally specific"),
                        );
                        *slot = Some((rank, i));
                    }
                    Some((r, _)) if r > rank => {}
                    _ => *slot = Some((rank, i)),
                }
            }
        }
        // What a declaration whose properties have an error gives its pairs.
        let broken = ChannelTemplate { delay: (1, 1), duplicate: None, losses: Vec::new() };
        for a in 0..n {
            for b in 0..n {
                let Some((_, i)) = best[a * n + b] else {
                    continue;
                };
                // A declaration with an error (reported) still declares its pairs: a send
                // over one is not also "no channel". The model is never run.
                let t = resolved[i].as_ref().unwrap_or(&broken);
                let id = self.channels.len() as ChanId;
                self.channels.push(Channel {
                    from: a as GenId,
                    to: b as GenId,
                    delay_lo: t.delay.0,
                    delay_hi: t.delay.1,
                    duplicate: t.duplicate,
                    losses: t.losses.clone(),
                    span: decls[i].span,
                    line: self.line(decls[i].span),
                });
                self.chan_of[a * n + b] = Some(id);
            }
        }
    }

    fn channel_template(&mut self, d: &ChannelDecl) -> Option<ChannelTemplate> {
        let mut delay: Option<((u32, u32), Span)> = None;
        let mut duplicate: Option<(Prob, Span)> = None;
        let mut losses = Vec::new();
        let mut ok = true;
        for p in &d.props {
            match p {
                ChannelProp::Delay { lo, hi, span } => {
                    let lo_v = self.const_int(lo);
                    let hi_v = match hi {
                        Some(h) => self.const_int(h),
                        None => lo_v,
                    };
                    let (Some(l), Some(h)) = (lo_v, hi_v) else {
                        ok = false;
                        continue;
                    };
                    if l < 1 {
                        ok = false;
                        self.err(
                            Diag::error(
                                Code::CheckBadDelay,
                                "a delay must be at least 1 tick",
                                lo.span,
                                format!("this is {l}"),
                            )
                            .with_help("a messenger arrives the tick after it is sent at the earliest"),
                        );
                        continue;
                    }
                    if l > h {
                        ok = false;
                        self.err(
                            Diag::error(
                                Code::CheckBadDelay,
                                format!("the delay range {l}..{h} runs backwards"),
                                *span,
                                "the first bound is the larger",
                            )
                            .with_help(format!("write 'delay {h}..{l}'")),
                        );
                        continue;
                    }
                    if h > MAX_HORIZON as i64 {
                        ok = false;
                        self.err(Diag::error(
                            Code::CheckBadDelay,
                            format!("a delay is at most {MAX_HORIZON} ticks"),
                            *span,
                            "too long",
                        ));
                        continue;
                    }
                    self.set_once(&mut delay, ((l as u32, h as u32), *span), "delay");
                }
                ChannelProp::DelayAny { span } => {
                    let h = self.horizon;
                    self.set_once(&mut delay, ((1, h.max(1)), *span), "delay");
                }
                ChannelProp::Duplicate { p, span } => {
                    if let Some(pr) = self.probability(p) {
                        self.set_once(&mut duplicate, (pr, *span), "duplicate");
                    } else {
                        ok = false;
                    }
                }
                ChannelProp::Lose { rule, span } => match self.loss(rule, *span) {
                    Some(k) => {
                        let line = self.line(*span);
                        let text = span.one_line(self.src);
                        losses.push(Loss { kind: k, span: *span, line, text });
                    }
                    None => ok = false,
                },
            }
        }
        if !ok {
            return None;
        }
        Some(ChannelTemplate { delay: delay.map(|d| d.0).unwrap_or((1, 1)), duplicate: duplicate.map(|d| d.0), losses })
    }

    fn set_once<T>(&mut self, slot: &mut Option<(T, Span)>, value: (T, Span), what: &str) {
        if let Some((_, first)) = slot {
            let first = *first;
            self.err(
                Diag::error(
                    Code::CheckDuplicate,
                    format!("'{what}' is given twice for this channel"),
                    value.1,
                    "given again here",
                )
                .with_label(first, "first given here"),
            );
        } else {
            *slot = Some(value);
        }
    }

    fn probability(&mut self, p: &Probability) -> Option<Prob> {
        match p {
            Probability::Lit(l) => self.prob_lit(l.value, l.span),
            Probability::Name(id) => self.prob_param(id, true),
        }
    }

    /// The probability a param holds; with `must`, an error if it is not one.
    fn prob_param(&mut self, id: &ast::Ident, must: bool) -> Option<Prob> {
        match self.globals.get(&id.name).copied() {
            Some((Global::Broken, _)) => None,
            Some((Global::Param(i), _)) => match &self.params[i].value {
                ParamVal::Prob(p) => Some(*p),
                _ => {
                    self.err(
                        Diag::error(
                            Code::CheckTypeMismatch,
                            format!("param '{}' is not a probability", id.name),
                            id.span,
                            "a probability is needed here",
                        )
                        .with_help("declare it as one: 'param loss = 50%'"),
                    );
                    None
                }
            },
            _ if must => {
                let names: Vec<String> = self
                    .params
                    .iter()
                    .filter(|p| matches!(p.value, ParamVal::Prob(_)))
                    .map(|p| p.name.clone())
                    .collect();
                let mut d = Diag::error(
                    Code::CheckUnknownParam,
                    format!("unknown param '{}'", id.name),
                    id.span,
                    "not a param",
                );
                d.help = Some(
                    did_you_mean(&id.name, names.iter().map(String::as_str))
                        .unwrap_or_else(|| "declare it: 'param NAME = 50%'".into()),
                );
                self.err(d);
                None
            }
            _ => None,
        }
    }

    fn positive(&mut self, e: &ast::Expr, what: &str) -> Option<u64> {
        let v = self.const_int(e)?;
        if v < 1 {
            self.err(Diag::error(
                Code::CheckBadNumber,
                format!("{what} must be at least 1"),
                e.span,
                format!("this is {v}"),
            ));
            return None;
        }
        Some(v as u64)
    }

    fn loss(&mut self, rule: &LossRule, span: Span) -> Option<LossKind> {
        Some(match rule {
            LossRule::All => LossKind::All,
            LossRule::Numbers(items) => {
                let mut out = Vec::new();
                for it in items {
                    let lo = self.positive(&it.lo, "a messenger number")?;
                    let hi = match &it.hi {
                        Some(h) => self.positive(h, "a messenger number")?,
                        None => lo,
                    };
                    if lo > hi {
                        self.err(
                            Diag::error(
                                Code::CheckBadRange,
                                format!("the range {lo}..{hi} runs backwards"),
                                it.span,
                                "first is after last",
                            )
                            .with_help(format!("write {hi}..{lo}")),
                        );
                        return None;
                    }
                    out.push((lo, hi));
                }
                LossKind::Numbers(out)
            }
            LossRule::Every(n) => {
                if n.value == 0 {
                    self.err(Diag::error(
                        Code::CheckBadNumber,
                        "'every 0th' captures nothing",
                        n.span,
                        "must be at least 1st",
                    ));
                    return None;
                }
                LossKind::Every(n.value)
            }
            LossRule::First(e) => LossKind::First(self.positive(e, "the count")?),
            LossRule::After(e) => {
                let v = self.const_int(e)?;
                if v < 0 {
                    self.err(Diag::error(
                        Code::CheckBadNumber,
                        "'lose after' needs a count of at least 0",
                        e.span,
                        format!("this is {v}"),
                    ));
                    return None;
                }
                LossKind::After(v as u64)
            }
            LossRule::Window(a, b) => {
                let (f, t) = (self.const_tick(a)?, self.const_tick(b)?);
                if f > t {
                    self.err(Diag::error(
                        Code::CheckBadWindow,
                        format!("this window runs backwards: from {f} to {t}"),
                        span,
                        "ends before it starts",
                    ));
                    return None;
                }
                LossKind::Window(f, t)
            }
            LossRule::Chance { p, kind } => {
                let p = self.prob_lit(p.value, p.span)?;
                let kind = kind.as_ref().map(|k| self.checked_kind(k));
                LossKind::Chance { p, kind }
            }
            LossRule::Name { name, kind } => {
                let is_param = matches!(self.globals.get(&name.name), Some((Global::Param(_) | Global::Broken, _)));
                let is_kind = self.kind_index.contains_key(&name.name);
                if is_param && is_kind {
                    self.err(
                        Diag::error(
                            Code::CheckAmbiguousName,
                            format!("'{}' is both a param and a message kind", name.name),
                            name.span,
                            "a probability or a kind?",
                        )
                        .with_help("rename the param, or write the kind as a string: lose \"NAME\""),
                    );
                    return None;
                }
                if is_param {
                    let p = self.prob_param(name, true)?;
                    let kind = kind.as_ref().map(|k| self.checked_kind(k));
                    LossKind::Chance { p, kind }
                } else if let Some(k) = kind {
                    // `lose NAME of KIND` needs NAME to be a probability.
                    self.prob_param(name, true);
                    let _ = k;
                    return None;
                } else {
                    let k = ast::Kind { name: name.name.clone(), quoted: false, span: name.span };
                    LossKind::Kind(self.checked_kind(&k))
                }
            }
            LossRule::Kind(k) => LossKind::Kind(self.checked_kind(k)),
        })
    }

    /// A kind named where messages are checked (patterns, loss rules).
    pub(crate) fn checked_kind(&mut self, k: &ast::Kind) -> KindId {
        let id = self.kind_id(k);
        if self.kind_checked[id as usize].is_none() {
            self.kind_checked[id as usize] = Some(k.span);
        }
        id
    }
}

/// A channel declaration's properties, before it is given to each pair.
struct ChannelTemplate {
    delay: (u32, u32),
    duplicate: Option<Prob>,
    losses: Vec<Loss>,
}
