//! The majority kernel: trials of one-round models whose every general decides once, at
//! the same tick, by comparing a count of senders heard with a constant (the shape of a
//! vote: `decide at dawn: attack if count received vote + 1 >= 3`).
//!
//! Such a trial is tick 0's messengers (each a delay draw, if its channel's delay is a
//! range, and a loss draw) and then one comparison per general. The kernel does exactly
//! that in one loop, with the sets of senders heard in a buffer of its own, each loss as
//! one 64-bit comparison (a probability below 1 has a threshold below 2^64), and the
//! trials counted by who attacked: a block's trials add to one counter per set of
//! attackers, expanded into outcomes and fates at the end. It makes the same draws, in
//! the same order, as a lean run (`run_one_round`), so the stream and every count are
//! the same (`tests/equivalence.rs` compares it with interpreted trials on generated
//! scenarios, and `sim/tests/lean.rs` trial by trial on the bundled ones).

use super::*;

/// One messenger of tick 0, as the kernel draws it.
#[derive(Debug, Clone, Copy)]
struct Send {
    /// Its delay's options (`hi - lo + 1`; 1 when fixed: no draw).
    span: u64,
    /// Its earliest arrival tick.
    lo: u32,
    /// Its loss: captured when the draw is below this (`None`: no loss draw).
    lose: Option<u64>,
    /// Where its sender's bit goes (`MarkTarget::word`), and the bit.
    word: u32,
    bit: u64,
}

/// One messenger of tick 0 when every draw of a trial is known before it runs
/// ([`Kernel::fixed`]).
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// Its loss draw's place among the trial's draws (0 with no loss: whatever is there,
    /// it is kept).
    draw: u32,
    /// Where its sender's bit goes.
    word: u32,
    /// The bit (0 when it cannot arrive by the decisions).
    bit: u64,
    /// Captured when its draw is below this (0: never).
    threshold: u64,
}

/// A kernel for one model ([`Kernel::of`]).
#[derive(Debug, Clone)]
pub(crate) struct Kernel {
    sends: Box<[Send]>,
    /// When no draw's value can change how many draws a trial takes (no delay worked out
    /// by rejection): the trial's draws, how many, and each messenger's part of them; the
    /// draws are then taken from the generator all at once.
    fixed: Option<(usize, Box<[Slot]>)>,
    /// The tick of the decisions: a messenger counts when it arrives by then.
    fuse: u32,
    /// Every messenger arrives by `fuse` if not captured: delays need no value.
    all_by_fuse: bool,
    /// Per general, in order: its set of senders heard, and the comparison that makes it
    /// attack.
    decide: Box<[(u32, BinOp, i64)]>,
    /// Words of sets of senders heard (with the scratch word).
    words: usize,
    /// How many generals attacking make a victory.
    victory_at_least: usize,
}

/// The most generals for which a block counts its trials by set of attackers (a counter
/// per set); with more, each trial is counted at once.
const BY_SET: usize = 10;

impl Kernel {
    /// The kernel of a lean `Sim`'s model, if it has the shape and its runs cannot reach
    /// the bound on events `max_events`.
    pub(crate) fn of(sim: &Sim) -> Option<Kernel> {
        let (model, plan) = (sim.model, &sim.plan);
        let lean = &plan.lean;
        let first = lean.first_marks.as_ref()?;
        let n = model.generals.len();
        if !sim.f.lean || !lean.one_round || first.fuse == 0 || model.values || n > 64 {
            return None;
        }
        // Tick 0 fires only the sends of the table; then only the decisions, one per
        // general, all at `fuse`, each a counted comparison.
        if !plan.timed.is_empty() || plan.decides.len() != n {
            return None;
        }
        let mut decide = vec![None; n];
        for (i, &(at, g, _)) in plan.decides.iter().enumerate() {
            let counted = lean.decide_counts[i]?;
            if at != first.fuse || decide[g as usize].replace(counted).is_some() {
                return None;
            }
        }
        let decide: Box<[(u32, BinOp, i64)]> = decide.into_iter().collect::<Option<_>>()?;
        // A run's events: each messenger sent and delivered, each rule fired.
        let events = 2 * first.targets.len() as u64 + first.rules.len() as u64 + n as u64;
        if events > sim.max_events {
            return None;
        }
        let sends = first
            .targets
            .iter()
            .map(|m| {
                let lose = match m.lose {
                    // (A probability of 1 has the threshold 2^64: not a 64-bit number.)
                    Some(p) => Some(u64::try_from(p.threshold).ok()?),
                    None => None,
                };
                Some(Send { span: (m.hi - m.lo + 1) as u64, lo: m.lo, lose, word: m.word, bit: m.bit })
            })
            .collect::<Option<_>>()?;
        let sends: Box<[Send]> = sends;
        let fixed = {
            let mut draws = 0u32;
            let slots: Option<Box<[Slot]>> = sends
                .iter()
                .map(|m| {
                    let on_time = if m.span == 1 {
                        m.lo <= first.fuse
                    } else if first.all_by_fuse && m.span.is_power_of_two() {
                        draws += 1;
                        true
                    } else {
                        return None;
                    };
                    let (draw, threshold) = match m.lose {
                        Some(t) => {
                            draws += 1;
                            (draws - 1, t)
                        }
                        None => (0, 0),
                    };
                    Some(Slot { draw, word: m.word, bit: if on_time { m.bit } else { 0 }, threshold })
                })
                .collect();
            slots.map(|s| (draws as usize, s))
        };
        Some(Kernel {
            fixed,
            sends,
            fuse: first.fuse,
            all_by_fuse: first.all_by_fuse,
            decide,
            words: sim.lean.heard.len(),
            victory_at_least: model.victory_at_least,
        })
    }

    /// Scratch space for [`Kernel::run`].
    pub(crate) fn scratch(&self) -> Scratch {
        let sets = if self.decide.len() <= BY_SET { 1 << self.decide.len() } else { 0 };
        // (At least one draw's room: a messenger without a loss reads draw 0, kept whatever
        // it is, also when a trial draws nothing.)
        let draws = self.fixed.as_ref().map_or(0, |(d, _)| 8 * d.max(&1));
        Scratch { heard: vec![0; self.words], by_set: vec![0; sets], draws: vec![0; draws] }
    }

    /// Runs `trials` trials drawing from `rng`, counted into `tally` (outcomes and fates,
    /// indexed like `analysis::trials::{OUTCOMES, FATES}`).
    pub(crate) fn run(
        &self,
        rng: &mut Seeded,
        trials: u64,
        s: &mut Scratch,
        outcomes: &mut [u64; 6],
        fates: &mut [[u64; 5]],
    ) {
        if s.by_set.is_empty() {
            for _ in 0..trials {
                let attacked = self.trial(rng, s);
                self.count(attacked, 1, outcomes, fates);
            }
            return;
        }
        for _ in 0..trials {
            let attacked = self.trial(rng, s);
            s.by_set[attacked as usize] += 1;
        }
        for (attacked, n) in s.by_set.iter_mut().enumerate() {
            if *n > 0 {
                self.count(attacked as u64, *n, outcomes, fates);
                *n = 0;
            }
        }
    }

    /// Counts `n` trials in which the generals of `attacked` attacked, and the others waited.
    fn count(&self, attacked: u64, n: u64, outcomes: &mut [u64; 6], fates: &mut [[u64; 5]]) {
        let attackers = attacked.count_ones() as usize;
        // Indexed like `OUTCOMES`: victory, defeat, no attack.
        let o = if attackers == 0 {
            2
        } else if attackers >= self.victory_at_least {
            0
        } else {
            1
        };
        outcomes[o] += n;
        for (g, f) in fates.iter_mut().enumerate() {
            f[if attacked >> g & 1 == 1 { 0 } else { 1 }] += n;
        }
    }

    /// One trial: the set of generals that attacked.
    #[inline(always)]
    pub(crate) fn trial(&self, rng: &mut Seeded, s: &mut Scratch) -> u64 {
        let heard = &mut s.heard;
        heard.fill(0);
        if let Some((draws, slots)) = &self.fixed {
            rng.fill_draws(&mut s.draws[..8 * draws]);
            for m in slots.iter() {
                let at = 8 * m.draw as usize;
                let d = u64::from_le_bytes(s.draws[at..at + 8].try_into().expect("8 bytes"));
                // No branch on whether it came: that is as random as the loss.
                heard[m.word as usize] |= std::hint::select_unpredictable(d >= m.threshold, m.bit, 0);
            }
            return self.decisions(heard);
        }
        for m in self.sends.iter() {
            // Its delay (the draw order of `resolve`): drawn, and worked out only when it
            // may fall after the decisions.
            let on_time = if m.span == 1 {
                m.lo <= self.fuse
            } else if self.all_by_fuse && m.span.is_power_of_two() {
                // (One draw, never rejected: see `Seeded::pass_delay`.)
                rng.draw();
                true
            } else {
                m.lo + rng.below(m.span) as u32 <= self.fuse
            };
            let kept = match m.lose {
                Some(t) => rng.draw() >= t,
                None => true,
            };
            // No branch on whether it came: that is as random as the loss.
            heard[m.word as usize] |= std::hint::select_unpredictable(kept & on_time, m.bit, 0);
        }
        self.decisions(heard)
    }

    /// The set of generals that attack, having heard `heard`.
    #[inline(always)]
    fn decisions(&self, heard: &[u64]) -> u64 {
        let mut attacked = 0;
        for (g, &(set, op, k)) in self.decide.iter().enumerate() {
            let yes = quick::compare(op, heard[set as usize].count_ones() as i64, k);
            attacked |= (yes as u64) << g;
        }
        attacked
    }
}

/// What [`Kernel::run`] writes as it goes, kept across blocks.
#[derive(Debug, Clone)]
pub(crate) struct Scratch {
    heard: Vec<u64>,
    by_set: Vec<u64>,
    /// With [`Kernel::fixed`]: a trial's draws.
    draws: Vec<u8>,
}
