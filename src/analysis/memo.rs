//! A memo of finished trials, by their random choices.
//!
//! With `trace` off, a run is a function of the indices of its random choices: the
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

use crate::sim::{Choice, Chooser, Chosen, RunError, Seeded, Sim};

const NONE: u32 = u32::MAX;
/// Bounds on the tree (nodes, and child slots), beyond which it stops growing.
const MAX_NODES: usize = 1 << 16;
const MAX_SLOTS: usize = 1 << 20;
/// Whether the memo pays: after its first lookups, at least a quarter of them must be
/// hits, and after more, half (a scenario whose runs hardly repeat gives up early).
const FIRST_LOOKUPS: u64 = 64;
const MORE_LOOKUPS: u64 = 1024;

/// A node of the tree.
#[derive(Debug, Clone, Copy)]
enum Node {
    /// A choice; its children's ids are at `slots[kids..kids + options]`; it is child
    /// `at` of node `up` (the root: `up` is `NONE`).
    Choice { choice: Choice, kids: u32, up: u32, at: u32 },
    /// A finished run: leaf number `leaf`, its summary at `results[leaf * width..]`.
    Leaf { leaf: u32 },
}

/// The memo of one worker.
pub(crate) struct Memo {
    /// The root is node 0 (once there is one).
    nodes: Vec<Node>,
    slots: Vec<u32>,
    /// Per leaf: a fixed number of bytes, the caller's summary of the run.
    results: Vec<u8>,
    width: usize,
    /// Per leaf, the trials that ended there since the last [`Memo::flush`], and the
    /// leaves with some.
    counts: Vec<u64>,
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
    lookups: u64,
    hits: u64,
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
            nodes: Vec::new(),
            slots: Vec::new(),
            results: Vec::new(),
            width,
            counts: Vec::new(),
            touched: Vec::new(),
            path: Vec::new(),
            asked: Vec::new(),
            log: Vec::new(),
            scratch: Vec::new(),
            lookups: 0,
            hits: 0,
            on,
        }
    }

    /// Whether the memo is in use (off: each trial is interpreted, and [`Memo::trial`]
    /// only runs it).
    #[inline]
    pub(crate) fn is_on(&self) -> bool {
        self.on
    }

    /// Runs one trial (`sim.trace` must be off) drawing from `rng`. Returns its
    /// summary, as `summary` writes it (`width` bytes) for a finished run; or `None` when
    /// the tree knew the run, which is then counted in the memo until [`Memo::flush`].
    #[inline]
    pub(crate) fn trial(
        &mut self,
        sim: &mut Sim,
        rng: &mut Seeded,
        summary: impl Fn(&Sim, &mut Vec<u8>),
    ) -> Result<Option<&[u8]>, RunError> {
        debug_assert!(!sim.trace);
        if !self.on {
            sim.run(rng)?;
            self.scratch.clear();
            summary(sim, &mut self.scratch);
            return Ok(Some(&self.scratch));
        }
        self.path.clear();
        self.asked.clear();
        self.lookups += 1;
        // Where the new branch hangs: a child slot, or the root.
        let (mut slot, mut owner) = (NONE, NONE);
        if !self.nodes.is_empty() {
            let mut node = 0;
            loop {
                match &self.nodes[node] {
                    Node::Leaf { leaf } => {
                        self.hits += 1;
                        let leaf = *leaf as usize;
                        if self.counts[leaf] == 0 {
                            self.touched.push(leaf as u32);
                        }
                        self.counts[leaf] += 1;
                        return Ok(None);
                    }
                    Node::Choice { choice, kids, .. } => {
                        let r = rng.choose(choice);
                        let s = kids + r.index;
                        match self.slots[s as usize] {
                            NONE => {
                                (slot, owner) = (s, node as u32);
                                self.rebuild(node, r);
                                break;
                            }
                            k => node = k as usize,
                        }
                    }
                }
            }
        }
        // A new run: the interpreter, with the choices made so far. (Only a miss lowers
        // the share of hits: the memo judges itself here, for the trials after this one.)
        if (self.lookups >= FIRST_LOOKUPS && self.hits * 4 < self.lookups)
            || (self.lookups >= MORE_LOOKUPS && self.hits * 2 < self.lookups)
        {
            self.on = false;
        }
        self.log.clear();
        sim.run(&mut Resume { prefix: &self.path, asked: &self.asked, pos: 0, rng, log: &mut self.log })?;
        self.scratch.clear();
        summary(sim, &mut self.scratch);
        debug_assert_eq!(self.scratch.len(), self.width);
        self.insert(slot, owner);
        Ok(Some(&self.scratch))
    }

    /// Writes into `path` (and `asked`) the choices from the root to node `last`, which
    /// was made as `r`.
    fn rebuild(&mut self, last: usize, r: Chosen) {
        let (mut node, mut made) = (last, r);
        loop {
            let Node::Choice { choice, up, at, .. } = self.nodes[node] else { unreachable!("a leaf has no child") };
            self.path.push(made);
            self.asked.push(choice);
            if up == NONE {
                break;
            }
            (node, made) = (up as usize, Chosen { index: at, draw: None });
        }
        self.path.reverse();
        self.asked.reverse();
    }

    /// Hands over the runs counted since the last flush: each summary, with how many
    /// trials it stands for.
    pub(crate) fn flush(&mut self, mut f: impl FnMut(&[u8], u64)) {
        for &leaf in &self.touched {
            let leaf = leaf as usize;
            f(&self.results[leaf * self.width..(leaf + 1) * self.width], self.counts[leaf]);
            self.counts[leaf] = 0;
        }
        self.touched.clear();
    }

    /// Adds the branch of the interpreted trial (its choices in `log` past those in
    /// `path`, and its summary in `scratch`), hanging from `slot` of node `owner` (or as
    /// the root).
    fn insert(&mut self, slot: u32, owner: u32) {
        let new = &self.log[self.path.len()..];
        let options: usize = new.iter().map(|(c, _)| c.options() as usize).sum();
        if self.nodes.len() + new.len() + 1 > MAX_NODES
            || self.slots.len() + options > MAX_SLOTS
            || self.counts.len() >= u32::MAX as usize
        {
            return;
        }
        let mut slot = slot;
        // The node that owns `slot`, and which of its children that is.
        let (mut up, mut at) = match self.path.len() {
            0 => (NONE, 0),
            _ => (owner, self.path[self.path.len() - 1].index),
        };
        let link = |nodes: &mut Vec<Node>, slots: &mut Vec<u32>, node: Node, slot: u32| {
            let id = nodes.len() as u32;
            nodes.push(node);
            if slot != NONE {
                slots[slot as usize] = id;
            }
        };
        for (choice, r) in new {
            let kids = self.slots.len() as u32;
            self.slots.resize(self.slots.len() + choice.options() as usize, NONE);
            let id = self.nodes.len() as u32;
            link(&mut self.nodes, &mut self.slots, Node::Choice { choice: *choice, kids, up, at }, slot);
            slot = kids + r.index;
            (up, at) = (id, r.index);
        }
        let leaf = self.counts.len() as u32;
        self.results.extend_from_slice(&self.scratch);
        self.counts.push(0);
        link(&mut self.nodes, &mut self.slots, Node::Leaf { leaf }, slot);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::trials::outcome_index;
    use crate::sim::Decided;

    fn summary(sim: &Sim, out: &mut Vec<u8>) {
        out.push(outcome_index(sim.outcome()) as u8);
        for (d, c) in sim.decisions.iter().zip(&sim.crashed) {
            out.push(match (d.map(|d| d.what), c) {
                (Some(Decided::Attack), _) => 0,
                (Some(Decided::Wait), _) => 1,
                (Some(Decided::Commit(v)), _) => 2 + (v as u8 & 0x3f),
                (None, Some(_)) => 0xfe,
                (None, None) => 0xff,
            });
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
            let (mut a, mut b) = (Sim::new(&l.model), Sim::new(&l.model));
            let mut memo = Memo::new(1 + n, true);
            let mut expected = Vec::new();
            for block in 0..6 {
                let (mut ra, mut rb) = (Seeded::stream(5, block), Seeded::stream(5, block));
                for k in 0..256 {
                    let got = memo.trial(&mut a, &mut ra, summary).map(|s| s.map(<[u8]>::to_vec));
                    let got = got.map(|s| {
                        s.unwrap_or_else(|| {
                            let mut one = Vec::new();
                            memo.flush(|s, n| {
                                assert_eq!(n, 1);
                                one = s.to_vec();
                            });
                            one
                        })
                    });
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
