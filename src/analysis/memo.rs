//! A memo of finished trials, by their random choices.
//!
//! Untraced, a run is a function of the indices of its random choices: the
//! interpreter is deterministic, and the raw draws behind chances only reach the trace.
//! So trials that make the same choices end the same way. The memo keeps the tree of the
//! choices that trials have made, with what each run came to at its leaves. A trial walks
//! it, making each choice with the trial's own generator: exactly the calls the
//! interpreter would make, in the same order, so the stream (and every later trial) is
//! unchanged. Only when a trial leaves the known tree does it run the interpreter, which
//! is handed the choices already made and then draws on from the same generator; the new
//! branch is added to the tree.
//!
//! It pays when runs repeat (a few random choices per run, or most runs alike); when
//! they do not, it turns itself off after a first stretch of trials, and trials cost what
//! the interpreter costs. Either way the results are the same, trial by trial.

use crate::sim::{Choice, Chooser, Chosen, Mode, RunError, Seeded, Sim};

/// No node (the owner of slot 0, the root's).
const NONE: u32 = u32::MAX;
/// Bounds on the tree (choice nodes, and slots), beyond which it stops growing. (A slot
/// takes 16 bytes: at most 8 MB of them.)
const MAX_NODES: usize = 1 << 16;
const MAX_SLOTS: usize = 1 << 19;
/// Whether the memo pays: after its first lookups, at least a quarter of them must be
/// hits, and after more, half (a scenario whose runs hardly repeat gives up early).
const FIRST_LOOKUPS: u64 = 64;
const MORE_LOOKUPS: u64 = 1024;

/// What a slot holds ([`Slot::kind`]): a chance node (it happens when the draw is below
/// the slot's `word`), a chance node whose threshold is `2^64` (probability 1: it happens
/// whatever the draw), a delay node, a leaf, or nothing yet. (The walk tests `< DELAY` for
/// a chance and `> DELAY` for the end of the walk.)
const CHANCE: u32 = 0;
const CERTAIN: u32 = 1;
const DELAY: u32 = 2;
const LEAF: u32 = 3;
const EMPTY: u32 = 4;

/// A slot of the tree: slot 0 holds the root, the others are the child slots of choice
/// nodes, each node's together. A slot holds its node's draw, so that a step of the walk
/// reads one slot: the draw, then the child slot it leads to.
#[derive(Debug, Clone, Copy)]
struct Slot {
    /// A chance node: its threshold (below `2^64`); a delay node: its number of options;
    /// a leaf: the trials that ended there since the last [`Memo::flush`].
    word: u64,
    /// A choice node: its first child slot; a leaf: its number.
    to: u32,
    kind: u32,
}

impl Slot {
    const EMPTY: Slot = Slot { word: 0, to: NONE, kind: EMPTY };

    /// A slot that holds a node for choice `c`, whose child slots start at `kids`.
    fn node(c: &Choice, kids: u32) -> Slot {
        match *c {
            Choice::Delay { .. } => Slot { word: c.options() as u64, to: kids, kind: DELAY },
            // A chance with threshold `t` happens when the 64-bit draw `d` is below it
            // (`Seeded::chance`): for `t < 2^64`, that is `d < t` in 64 bits; a larger `t`
            // (only `2^64`, probability 1) takes every draw.
            Choice::Chance { p } => match u64::try_from(p.threshold) {
                Ok(t) => Slot { word: t, to: kids, kind: CHANCE },
                Err(_) => Slot { word: u64::MAX, to: kids, kind: CERTAIN },
            },
        }
    }

    /// Makes the choice of the node this slot holds, from `rng`: exactly the draws
    /// [`Seeded::choose`] makes for it, and the same index. (A chance compares one draw in
    /// 64 bits, without a branch on its outcome; `| kind` makes a certain one happen.)
    #[inline(always)]
    fn choose(&self, rng: &mut Seeded) -> u32 {
        debug_assert!(self.kind <= DELAY);
        if self.kind < DELAY { (rng.draw() < self.word) as u32 | self.kind } else { rng.below(self.word) as u32 }
    }
}

/// The memo of one worker.
pub(crate) struct Memo {
    slots: Vec<Slot>,
    /// Per slot, the number of the node whose child slot it is (`NONE` for slot 0); per
    /// node, the slot that holds it, and its choice. A miss climbs them back to the root.
    owners: Vec<u32>,
    nodes: Vec<(u32, Choice)>,
    /// Per leaf: a fixed number of bytes, the caller's summary of the run.
    results: Vec<u8>,
    width: usize,
    /// How many leaves (the next one's number).
    leaves: u32,
    /// The leaf slots with trials counted since the last [`Memo::flush`].
    touched: Vec<u32>,
    /// The choices made by the current trial before it left the tree (and, checked in
    /// debug builds, what was asked), rebuilt from the tree on a miss. (Without trace the
    /// raw draws behind chances go nowhere: the rebuilt ones have none.)
    path: Vec<Chosen>,
    asked: Vec<Choice>,
    /// The choices of an interpreted trial (replayed and new).
    log: Vec<(Choice, Chosen)>,
    /// The summary of an interpreted trial.
    scratch: Vec<u8>,
    hits: u64,
    misses: u64,
    on: bool,
}

/// A chooser that replays choices already made, then draws from the generator,
/// recording everything.
struct Resume<'a> {
    prefix: &'a [Chosen],
    asked: &'a [Choice],
    pos: usize,
    rng: &'a mut Seeded,
    log: &'a mut Vec<(Choice, Chosen)>,
}

impl Chooser for Resume<'_> {
    fn choose(&mut self, c: &Choice) -> Chosen {
        let r = match self.prefix.get(self.pos) {
            Some(r) => {
                debug_assert_eq!(self.asked.get(self.pos), Some(c), "a run is a function of its choices");
                *r
            }
            None => self.rng.choose(c),
        };
        self.pos += 1;
        self.log.push((*c, r));
        r
    }
}

impl Memo {
    /// A memo whose leaves hold `width` bytes (`on`: false for one that never
    /// remembers, each trial interpreted).
    pub(crate) fn new(width: usize, on: bool) -> Memo {
        Memo {
            slots: vec![Slot::EMPTY],
            owners: vec![NONE],
            nodes: Vec::new(),
            results: Vec::new(),
            width,
            leaves: 0,
            touched: Vec::new(),
            path: Vec::new(),
            asked: Vec::new(),
            log: Vec::new(),
            scratch: Vec::new(),
            hits: 0,
            misses: 0,
            on,
        }
    }

    /// Whether the memo is in use (off: [`Memo::run`] runs nothing, and the caller
    /// interprets each trial).
    #[inline]
    pub(crate) fn is_on(&self) -> bool {
        self.on
    }

    /// Runs up to `n` trials one after the other (`sim` must be lean), drawing from
    /// `rng`, and returns how many: `n`, or fewer when the memo turned itself off (the
    /// caller runs the rest). A run the tree knew is counted in the memo until
    /// [`Memo::flush`]; a new one is interpreted and its summary, as `summary` writes it
    /// (`width` bytes), handed to `found`. An error comes with the number of the trial,
    /// from 0, that met it.
    #[inline]
    pub(crate) fn run(
        &mut self,
        sim: &mut Sim,
        rng: &mut Seeded,
        n: u64,
        summary: impl Fn(&Sim, &mut Vec<u8>),
        mut found: impl FnMut(&[u8]),
    ) -> Result<u64, (u64, RunError)> {
        debug_assert_eq!(sim.mode(), Mode::Lean);
        let mut done = 0;
        while done < n && self.on {
            let (hits, slot) = self.walk(rng, n - done);
            done += hits;
            let Some(slot) = slot else { break };
            // A new run: the interpreter, with the choices made so far. (Only a miss
            // lowers the share of hits: the memo judges itself here, for the trials after
            // this one.)
            self.misses += 1;
            let lookups = self.hits + self.misses;
            if (lookups >= FIRST_LOOKUPS && self.hits * 4 < lookups)
                || (lookups >= MORE_LOOKUPS && self.hits * 2 < lookups)
            {
                self.on = false;
            }
            self.rebuild(slot);
            self.log.clear();
            sim.run(&mut Resume { prefix: &self.path, asked: &self.asked, pos: 0, rng, log: &mut self.log })
                .map_err(|e| (done, e))?;
            self.scratch.clear();
            summary(sim, &mut self.scratch);
            debug_assert_eq!(self.scratch.len(), self.width);
            found(&self.scratch);
            self.insert(slot);
            done += 1;
        }
        Ok(done)
    }

    /// Walks up to `n` trials down the tree, each making its choices from `rng` and
    /// counted at the leaf it reaches. Stops at the first one that comes to an empty slot
    /// (a run the tree does not know), after its choices up to there: returns how many
    /// it counted, and that slot. (Not inlined: in a function of its own, the walk keeps
    /// its state in registers.)
    #[inline(never)]
    fn walk(&mut self, rng: &mut Seeded, n: u64) -> (u64, Option<u32>) {
        let slots = &mut self.slots[..];
        let mut left = n;
        while left > 0 {
            let mut at = 0;
            loop {
                let s = &slots[at];
                if s.kind > DELAY {
                    break;
                }
                at = (s.to + s.choose(rng)) as usize;
            }
            let s = &mut slots[at];
            if s.kind == EMPTY {
                self.hits += n - left;
                return (n - left, Some(at as u32));
            }
            if s.word == 0 {
                self.touched.push(at as u32);
            }
            s.word += 1;
            left -= 1;
        }
        self.hits += n;
        (n, None)
    }

    /// Writes into `path` (and `asked`) the choices from the root to empty slot `slot`.
    fn rebuild(&mut self, slot: u32) {
        self.path.clear();
        self.asked.clear();
        let mut slot = slot;
        while slot != 0 {
            let (home, choice) = self.nodes[self.owners[slot as usize] as usize];
            self.path.push(Chosen { index: slot - self.slots[home as usize].to, draw: None });
            self.asked.push(choice);
            slot = home;
        }
        self.path.reverse();
        self.asked.reverse();
    }

    /// Hands over the runs counted since the last flush: each summary, with how many
    /// trials it stands for.
    pub(crate) fn flush(&mut self, mut f: impl FnMut(&[u8], u64)) {
        for &at in &self.touched {
            let s = &mut self.slots[at as usize];
            let leaf = s.to as usize;
            f(&self.results[leaf * self.width..(leaf + 1) * self.width], s.word);
            s.word = 0;
        }
        self.touched.clear();
    }

    /// Adds the branch of the interpreted trial (its choices in `log` past those in
    /// `path`, and its summary in `scratch`), hanging from empty slot `slot`.
    fn insert(&mut self, slot: u32) {
        let new = &self.log[self.path.len()..];
        let options: usize = new.iter().map(|(c, _)| c.options() as usize).sum();
        if self.nodes.len() + new.len() > MAX_NODES || self.slots.len() + options > MAX_SLOTS {
            return;
        }
        let mut slot = slot;
        for (choice, r) in new {
            let kids = self.slots.len() as u32;
            self.slots.resize(self.slots.len() + choice.options() as usize, Slot::EMPTY);
            self.owners.resize(self.slots.len(), self.nodes.len() as u32);
            self.nodes.push((slot, *choice));
            self.slots[slot as usize] = Slot::node(choice, kids);
            slot = kids + r.index;
        }
        self.results.extend_from_slice(&self.scratch);
        self.slots[slot as usize] = Slot { word: 0, to: self.leaves, kind: LEAF };
        self.leaves += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::trials::outcome_index;
    use crate::check::Prob;
    use crate::sim::Decided;

    fn summary(sim: &Sim, out: &mut Vec<u8>) {
        out.push(outcome_index(sim.outcome()) as u8);
        for (d, c) in sim.state().decisions.iter().zip(&sim.state().crashed) {
            out.push(match (d.map(|d| d.what), c) {
                (Some(Decided::Attack), _) => 0,
                (Some(Decided::Wait), _) => 1,
                (Some(Decided::Commit(v)), _) => 2 + (v as u8 & 0x3f),
                (None, Some(_)) => 0xfe,
                (None, None) => 0xff,
            });
        }
    }

    /// A node makes its choice as the interpreter's chooser does: the same index from
    /// the same draws, for chances at both ends (probabilities 0 and 1, the largest
    /// threshold below `2^64`) and between, and for delays.
    #[test]
    fn a_node_draws_as_the_interpreter_does() {
        let top = Prob { num: 1, den: 1, threshold: (1 << 64) - 1 };
        let mut choices: Vec<Choice> =
            [Prob::new(0, 1), Prob::new(1, 1), Prob::new(1, 2), Prob::new(2, 3), Prob::new(1, 1000), top]
                .into_iter()
                .map(|p| Choice::Chance { p })
                .collect();
        choices.extend([(0, 1), (1, 3), (5, 11), (0, 1 << 20)].map(|(lo, hi)| Choice::Delay { lo, hi }));
        for c in choices {
            let (mut a, mut b) = (Seeded::new(7), Seeded::new(7));
            let slot = Slot::node(&c, 0);
            for _ in 0..1000 {
                assert_eq!(slot.choose(&mut a), b.choose(&c).index, "{c:?}");
            }
            assert_eq!(a.draw(), b.draw(), "{c:?}: the streams part");
        }
    }

    /// Trial by trial, the memo gives what the interpreter gives, and leaves the stream
    /// where the interpreter leaves it: for every bundled scenario, over enough trials
    /// that the memo both answers from its tree and (for some) turns itself off.
    #[test]
    fn the_memo_changes_nothing() {
        let names = crate::bundled_files(&["scenarios"]);
        let (mut hits, mut off) = (0, 0);
        for path in names {
            let bytes = std::fs::read(&path).unwrap();
            let l = crate::load(&path.display().to_string(), &bytes, &[]).unwrap_or_else(|f| panic!("{:?}", f.diags));
            let n = l.model.generals.len();
            // The memo over lean runs against plain runs.
            let (mut a, mut b) = (Sim::new(&l.model, Mode::Lean), Sim::new(&l.model, Mode::Plain));
            let mut memo = Memo::new(1 + n, true);
            let mut expected = Vec::new();
            for block in 0..6 {
                let (mut ra, mut rb) = (Seeded::stream(5, block), Seeded::stream(5, block));
                for k in 0..256 {
                    let mut one = Vec::new();
                    let got = if memo.is_on() {
                        let found = |s: &[u8]| one = s.to_vec();
                        memo.run(&mut a, &mut ra, 1, summary, found).map(|n| assert_eq!(n, 1)).map_err(|(_, e)| e)
                    } else {
                        a.run(&mut ra).map(|()| summary(&a, &mut one))
                    };
                    memo.flush(|s, n| {
                        assert!(n == 1 && one.is_empty());
                        one = s.to_vec();
                    });
                    let got = got.map(|()| one);
                    let want = b.run(&mut rb).map(|()| {
                        expected.clear();
                        summary(&b, &mut expected);
                        expected.clone()
                    });
                    assert_eq!(got, want, "{}: block {block}, trial {k}", path.display());
                }
                let c = Choice::Delay { lo: 0, hi: 1 << 20 };
                assert_eq!(ra.choose(&c), rb.choose(&c), "{}: the streams part", path.display());
            }
            hits += memo.hits;
            off += !memo.on as u32;
        }
        // Not vacuous: answers from the tree, and a memo that gave up.
        assert!(hits > 1000 && off > 0, "hits {hits}, off {off}");
    }
}
