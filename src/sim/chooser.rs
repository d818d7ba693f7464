//! The one interface behind every random choice of a run. A seeded generator drives
//! runs and trials; a script replays a recorded run; later, an enumerator (exact
//! probabilities) and an adversary (explore) drive the same interpreter.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::check::{ChanId, Msg, Prob};

/// A random choice the interpreter needs made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    /// A delay, uniform over `lo..=hi` (`lo < hi`). Index `i` means delay `lo + i`.
    Delay { lo: u32, hi: u32 },
    /// Something that happens with probability `p`. Index 1: it happens.
    Chance { p: Prob },
}

impl Choice {
    /// How many outcomes it has.
    pub fn options(&self) -> u32 {
        match self {
            Choice::Delay { lo, hi } => hi - lo + 1,
            Choice::Chance { .. } => 2,
        }
    }
}

/// What was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chosen {
    pub index: u32,
    /// The raw 64-bit draw behind a chance, when a generator made the choice.
    pub draw: Option<u64>,
}

/// What the next choices are about: the interpreter says so once per send, before its
/// choices (its delay, its loss rolls, its duplicate), and before each `crash any` roll. A
/// chooser that decides by subject (a counterfactual, an adversary with a policy) reads
/// it; others ignore it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum About {
    /// A messenger sent on `chan` at `tick`: its delay, loss rolls and duplicate follow.
    Messenger { chan: ChanId, tick: u32, msg: Msg },
    /// Whether `general` crashes at `tick`, by `crash any` rule `rule`.
    Crash { rule: u16, general: crate::check::GenId, tick: u32 },
    /// With lazy delivery: whether messenger `id` (or its duplicate) arrives at `tick`
    /// (a choice follows), or that it does because its window closes (`forced`: none does).
    Arrival { id: u32, duplicate: bool, tick: u32, forced: bool },
}

/// Makes the random choices of a run.
pub trait Chooser {
    /// Makes one choice.
    fn choose(&mut self, c: &Choice) -> Chosen;

    /// Told which messenger the choices that follow are about.
    #[inline]
    fn about(&mut self, _m: &About) {}

    /// Makes a [`Choice::Chance`] (the same as `choose` with it: a shortcut for the hot path).
    #[inline]
    fn chance(&mut self, p: &Prob) -> Chosen {
        self.choose(&Choice::Chance { p: *p })
    }

    /// Makes a [`Choice::Delay`] and returns its index (the same as `choose` with it: a
    /// shortcut for the hot path).
    #[inline]
    fn delay(&mut self, lo: u32, hi: u32) -> u32 {
        self.choose(&Choice::Delay { lo, hi }).index
    }

    /// Makes a [`Choice::Delay`] whose value the caller does not need (the same as
    /// `delay`, whose result it drops: a generator may skip working the value out, but
    /// not the draws).
    #[inline]
    fn pass_delay(&mut self, lo: u32, hi: u32) {
        self.delay(lo, hi);
    }

    /// With lazy delivery: here a run without it would choose a delay in `lo..=hi` (for a
    /// messenger or its duplicate); lazily, no choice is made (its arrivals are chosen
    /// later, or it never arrives). An exact analysis counts these to weigh one ordinary
    /// run of those a lazy run stands for.
    #[inline]
    fn lazy_delay(&mut self, _lo: u32, _hi: u32) {}

    /// With alike arrivals counted (`Sim::set_alike_arrivals`): a factor `num / den` of
    /// the probability of the choices made, for the runs that one sequence of choices
    /// stands for (which of the alike messengers arrived). An exact analysis multiplies
    /// it in; nothing else weighs choices.
    #[inline]
    fn weigh(&mut self, _num: u64, _den: u64) {}
}

/// Choices drawn from ChaCha8, seeded from a 64-bit seed.
///
/// The draw order is part of herald's reproducibility promise (README): per messenger,
/// its delay (if a range), then each probabilistic loss rule in order until one
/// captures, then (if delivered and the channel duplicates) the duplicate roll and
/// the duplicate's delay. A chance is one 64-bit draw `d`, and happens when
/// `d < floor(p * 2^64)`; a delay in `lo..=hi` is drawn by Lemire's method with
/// rejection, so it is exactly uniform.
pub struct Seeded {
    rng: ChaCha8Rng,
}

impl Seeded {
    /// The stream of a single run with this seed.
    pub fn new(seed: u64) -> Seeded {
        Seeded { rng: ChaCha8Rng::seed_from_u64(seed) }
    }

    /// Stream `stream` of the generator keyed by `seed` (used for blocks of trials).
    pub fn stream(seed: u64, stream: u64) -> Seeded {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Seeded { rng }
    }

    /// The raw 64-bit draw behind a chance (which happens when it is below the chance's
    /// threshold; see [`Chooser::chance`]).
    #[inline(always)]
    pub(crate) fn draw(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// The next `out.len() / 8` draws at once, each as 8 little-endian bytes: the same
    /// draws, in the same order, as as many calls of [`Seeded::draw`] (each draw is two
    /// 32-bit words of the stream, low word first, and every draw takes two: a block of
    /// the stream never ends inside one).
    #[inline(always)]
    pub(crate) fn fill_draws(&mut self, out: &mut [u8]) {
        debug_assert!(out.len().is_multiple_of(8));
        self.rng.fill_bytes(out);
    }

    /// A uniform integer in `0..n` (`n >= 1`).
    #[inline]
    pub fn below(&mut self, n: u64) -> u64 {
        let mut m = self.rng.next_u64() as u128 * n as u128;
        if (m as u64) < n {
            let threshold = n.wrapping_neg() % n;
            while (m as u64) < threshold {
                m = self.rng.next_u64() as u128 * n as u128;
            }
        }
        (m >> 64) as u64
    }
}

impl Chooser for Seeded {
    #[inline(always)]
    fn choose(&mut self, c: &Choice) -> Chosen {
        match c {
            Choice::Delay { lo, hi } => Chosen { index: self.below((hi - lo + 1) as u64) as u32, draw: None },
            Choice::Chance { p } => self.chance(p),
        }
    }

    #[inline(always)]
    fn chance(&mut self, p: &Prob) -> Chosen {
        let d = self.draw();
        Chosen { index: ((d as u128) < p.threshold) as u32, draw: Some(d) }
    }

    #[inline(always)]
    fn delay(&mut self, lo: u32, hi: u32) -> u32 {
        self.below((hi - lo + 1) as u64) as u32
    }

    /// For `n` a power of two, `below(n)` never rejects a draw (`2^64 mod n` is 0): it
    /// takes one draw, whose value is not needed here.
    #[inline(always)]
    fn pass_delay(&mut self, lo: u32, hi: u32) {
        let n = (hi - lo + 1) as u64;
        if n.is_power_of_two() {
            self.rng.next_u64();
        } else {
            self.below(n);
        }
    }
}

/// Replays a list of choice indices; past its end, the first option (index 0) each time.
pub struct Script<'a> {
    pub choices: &'a [u32],
    /// The raw draws behind the choices, when the run that is replayed had them.
    pub draws: &'a [Option<u64>],
    pub pos: usize,
    /// Set when the script asked for an index a choice does not have.
    pub mismatch: Option<usize>,
}

impl<'a> Script<'a> {
    /// A script over `choices`.
    pub fn new(choices: &'a [u32]) -> Script<'a> {
        Script { choices, draws: &[], pos: 0, mismatch: None }
    }
}

impl Chooser for Script<'_> {
    fn choose(&mut self, c: &Choice) -> Chosen {
        let i = self.choices.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        if i >= c.options() {
            self.mismatch.get_or_insert(self.pos - 1);
            return Chosen { index: 0, draw: None };
        }
        Chosen { index: i, draw: self.draws.get(self.pos - 1).copied().flatten() }
    }
}

/// Wraps a chooser and records every choice made, for replays.
pub struct Recording<C> {
    pub inner: C,
    pub log: Vec<(Choice, Chosen)>,
}

impl<C: Chooser> Chooser for Recording<C> {
    fn choose(&mut self, c: &Choice) -> Chosen {
        let r = self.inner.choose(c);
        self.log.push((*c, r));
        r
    }

    fn about(&mut self, m: &About) {
        self.inner.about(m);
    }

    fn lazy_delay(&mut self, lo: u32, hi: u32) {
        self.inner.lazy_delay(lo, hi);
    }

    fn weigh(&mut self, num: u64, den: u64) {
        self.inner.weigh(num, den);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A delay passed over takes the same draws as one worked out, whatever its range (a
    /// power of two or not), so the stream goes on alike.
    #[test]
    fn a_delay_passed_over_takes_the_draws_of_one_worked_out() {
        for (lo, hi) in [(1, 2), (1, 3), (2, 5), (1, 4), (3, 9), (1, 1 << 20)] {
            let (mut a, mut b) = (Seeded::stream(3, 7), Seeded::stream(3, 7));
            for _ in 0..10_000 {
                a.delay(lo, hi);
                b.pass_delay(lo, hi);
            }
            assert_eq!(a.rng.next_u64(), b.rng.next_u64(), "{lo}..{hi}");
        }
    }
}
