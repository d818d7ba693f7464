//! The messengers on the road: a calendar of buckets, one per tick, in send order.
//!
//! Every messenger arrives between 1 and the longest delay ticks after it is sent, so
//! with more buckets than the longest delay, a bucket only ever holds one tick's
//! arrivals, and pushing in send order keeps each bucket in send order: no sorting,
//! no heap.

use crate::check::{GenId, Msg};

/// A messenger (or its duplicate) on the road, with what its delivery needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Pending {
    /// Its number among all messengers of the run, in send order.
    pub id: u32,
    pub from: GenId,
    pub to: GenId,
    pub msg: Msg,
    pub duplicate: bool,
}

/// A delivery that only has to be recorded, in a lean run (`Mode::Lean`): to a general
/// without `on receive` rules, when no delivery log is kept. What recording it needs,
/// in 12 bytes instead of a [`Pending`]'s 64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Note {
    /// Its messenger's number (deliveries of one tick go in this order).
    pub id: u32,
    /// The word of the receiver's set of senders heard for the message's kind that has
    /// the sender's bit (`from % 64`), or `NONE` (no set for that kind).
    pub word: u32,
    pub from: GenId,
    pub to: GenId,
}

/// Arrivals by tick.
#[derive(Debug, PartialEq, Eq)]
pub struct Queue {
    buckets: Vec<Vec<Pending>>,
    /// The [`Note`]s, bucket by bucket likewise (never in staged runs, which compare the
    /// [`Pending`]s).
    notes: Vec<Vec<Note>>,
    /// Marks, in lean runs where every delivery only adds a sender to a set and the
    /// order of a tick's deliveries does not matter (`Sim`'s plan says when): per
    /// bucket, `width` words of sender bits to add to the sets of senders heard (laid
    /// out like them), and how many deliveries the bucket's marks stand for.
    marks: Vec<u64>,
    marked: Vec<u32>,
    width: usize,
    mask: u32,
    len: usize,
    /// With at most 64 buckets, bit `b`: bucket `b` is not empty.
    occupied: u64,
    /// Likewise, bit `b`: bucket `b` has [`Pending`]s or notes (not only marks).
    unmarked: u64,
}

impl Clone for Queue {
    fn clone(&self) -> Queue {
        Queue {
            buckets: self.buckets.clone(),
            notes: self.notes.clone(),
            marks: self.marks.clone(),
            marked: self.marked.clone(),
            width: self.width,
            mask: self.mask,
            len: self.len,
            occupied: self.occupied,
            unmarked: self.unmarked,
        }
    }

    /// Reuses the buffers (restoring a snapshot allocates nothing once they have grown).
    fn clone_from(&mut self, other: &Queue) {
        self.buckets.clone_from(&other.buckets);
        self.notes.clone_from(&other.notes);
        self.marks.clone_from(&other.marks);
        self.marked.clone_from(&other.marked);
        self.width = other.width;
        self.mask = other.mask;
        self.len = other.len;
        self.occupied = other.occupied;
        self.unmarked = other.unmarked;
    }
}

impl Queue {
    /// A queue for delays of at most `longest` ticks.
    pub fn new(longest: u32) -> Queue {
        let size = (longest as usize + 1).next_power_of_two();
        Queue {
            buckets: vec![Vec::new(); size],
            notes: vec![Vec::new(); size],
            marks: Vec::new(),
            marked: vec![0; size],
            width: 0,
            mask: size as u32 - 1,
            len: 0,
            occupied: 0,
            unmarked: 0,
        }
    }

    /// Writes what the queue holds, compactly (for snapshots): per bucket, its numbers
    /// of arrivals and notes and its count of marked deliveries; the marks of the buckets
    /// with marked deliveries (the others' are zero); then the arrivals and the notes,
    /// bucket by bucket. Returns what [`Queue::restore`] needs besides.
    pub(super) fn save(&self, out: &mut super::pack::Pack) -> (usize, u64) {
        for ((b, n), m) in self.buckets.iter().zip(&self.notes).zip(&self.marked) {
            out.data.extend_from_slice(&[b.len() as u32, n.len() as u32, *m]);
        }
        if self.width > 0 {
            for (marks, m) in self.marks.chunks_exact(self.width).zip(&self.marked) {
                if *m > 0 {
                    for w in marks {
                        out.word(*w);
                    }
                }
            }
        }
        for b in &self.buckets {
            for p in b {
                out.pending(p);
            }
        }
        for n in &self.notes {
            for x in n {
                out.note(x);
            }
        }
        (self.len, self.occupied)
    }

    /// How many words [`Queue::save`] writes, at most.
    pub(super) fn packed_len(&self) -> usize {
        let entries: usize = self.buckets.iter().map(|b| b.len()).sum();
        let notes: usize = self.notes.iter().map(|n| n.len()).sum();
        3 * self.buckets.len() + 2 * self.marks.len() + super::pack::ENTRY * entries + super::pack::NOTE * notes
    }

    /// Goes back to what [`Queue::save`] wrote (reusing the buffers).
    pub(super) fn restore(&mut self, from: &mut super::pack::Unpack, (len, occupied): (usize, u64)) {
        let counts = from.take(3 * self.buckets.len());
        self.unmarked = 0;
        for (i, c) in counts.chunks_exact(3).enumerate() {
            self.unmarked |= (((c[0] | c[1]) > 0) as u64) << (i & 63);
            self.marked[i] = c[2];
        }
        if self.width > 0 {
            for (marks, c) in self.marks.chunks_exact_mut(self.width).zip(counts.chunks_exact(3)) {
                if c[2] > 0 {
                    for w in marks {
                        *w = from.word();
                    }
                } else {
                    super::pack::zero(marks);
                }
            }
        }
        for (b, c) in self.buckets.iter_mut().zip(counts.chunks_exact(3)) {
            b.clear();
            if c[0] > 0 {
                from.pendings(c[0] as usize, b);
            }
        }
        for (n, c) in self.notes.iter_mut().zip(counts.chunks_exact(3)) {
            n.clear();
            if c[1] > 0 {
                from.notes(c[1] as usize, n);
            }
        }
        self.len = len;
        self.occupied = occupied;
    }

    /// How many buckets it has (how many ticks ahead it holds arrivals).
    pub fn buckets(&self) -> usize {
        self.buckets.len()
    }

    /// Makes room for marks `width` words wide.
    pub fn mark_width(&mut self, width: usize) {
        self.width = width;
        self.marks = vec![0; width * self.buckets.len()];
    }

    /// Nothing on the road.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Empties the queue, keeping its buffers.
    pub fn clear(&mut self) {
        if self.len > 0 {
            for b in &mut self.buckets {
                b.clear();
            }
            for b in &mut self.notes {
                b.clear();
            }
            self.marks.fill(0);
            self.marked.fill(0);
            self.len = 0;
            self.occupied = 0;
            self.unmarked = 0;
        }
    }

    /// Adds an arrival at tick `at` (after every arrival already added for that tick).
    #[inline]
    pub fn push(&mut self, at: u32, p: Pending) {
        let b = (at & self.mask) as usize;
        self.buckets[b].push(p);
        self.len += 1;
        self.occupied |= 1u64 << (b & 63);
        self.unmarked |= 1u64 << (b & 63);
    }

    /// Adds a [`Note`] at tick `at` (after every one already added for that tick) if
    /// `keep`, else nothing, without a branch on `keep` (whether a messenger was captured
    /// at random: a branch no processor predicts).
    #[inline]
    pub fn push_note_if(&mut self, keep: bool, at: u32, n: Note) {
        let b = (at & self.mask) as usize;
        let bucket = &mut self.notes[b];
        bucket.push(n);
        bucket.truncate(bucket.len() - !keep as usize);
        self.len += keep as usize;
        self.occupied |= (keep as u64) << (b & 63);
        self.unmarked |= (keep as u64) << (b & 63);
    }

    /// If `keep`, a delivery at tick `at` that adds bit `bit` to word `word` of the sets
    /// of senders heard (`word`: `NONE` for none, only the delivery counts); else nothing
    /// changes. No branch on `keep` (see [`Queue::push_note_if`]).
    #[inline]
    pub fn push_mark_if(&mut self, keep: bool, at: u32, word: u32, bit: u64) {
        let b = (at & self.mask) as usize;
        if word != u32::MAX {
            self.marks[b * self.width + word as usize] |= bit & (keep as u64).wrapping_neg();
        }
        self.marked[b] += keep as u32;
        self.len += keep as usize;
        self.occupied |= (keep as u64) << (b & 63);
    }

    /// Whether tick `t` has marks.
    #[inline]
    pub fn has_marks(&self, t: u32) -> bool {
        self.marked[(t & self.mask) as usize] > 0
    }

    /// Whether tick `t` has [`Note`]s.
    #[inline]
    pub fn has_notes(&self, t: u32) -> bool {
        !self.notes[(t & self.mask) as usize].is_empty()
    }

    /// Takes the marks of the `ticks` ticks from `from` (`ticks` at most the number of
    /// buckets; after [`Queue::take`] for a tick with other arrivals) and adds them to
    /// `into`, laid out like the marks. Returns how many deliveries they stood for.
    pub fn take_marks_into(&mut self, from: u32, ticks: u32, into: &mut [u64]) -> u32 {
        let mut n = 0;
        for a in from..from + ticks {
            let b = (a & self.mask) as usize;
            let m = std::mem::take(&mut self.marked[b]);
            if m > 0 {
                n += m;
                let marks = &mut self.marks[b * self.width..(b + 1) * self.width];
                for (h, w) in into.iter_mut().zip(marks) {
                    *h |= std::mem::take(w);
                }
                self.occupied &= !(1u64 << (b & 63)) | self.unmarked;
            }
        }
        self.len -= n as usize;
        n
    }

    /// Takes the [`Note`]s of tick `t`, in send order, after [`Queue::take`]; give the
    /// buffer back with [`Queue::give_back_notes`].
    #[inline]
    pub fn take_notes(&mut self, t: u32) -> Vec<Note> {
        let b = std::mem::take(&mut self.notes[(t & self.mask) as usize]);
        self.len -= b.len();
        b
    }

    /// Returns a buffer of [`Note`]s (emptied) so that its capacity is reused.
    #[inline]
    pub fn give_back_notes(&mut self, t: u32, mut b: Vec<Note>) {
        b.clear();
        let slot = &mut self.notes[(t & self.mask) as usize];
        if slot.is_empty() {
            *slot = b;
        }
    }

    /// Takes the arrivals of tick `t`, in send order (then take its notes: the bucket is
    /// only empty with both taken); give the buffer back with
    /// [`Queue::give_back`]. (What they send arrives at a later tick, in another bucket.)
    #[inline]
    pub fn take(&mut self, t: u32) -> Vec<Pending> {
        let i = (t & self.mask) as usize;
        let b = std::mem::take(&mut self.buckets[i]);
        self.len -= b.len();
        self.occupied &= !(1u64 << (i & 63));
        self.unmarked &= !(1u64 << (i & 63));
        b
    }

    /// Returns a bucket's buffer (emptied) so that its capacity is reused.
    #[inline]
    pub fn give_back(&mut self, t: u32, mut b: Vec<Pending>) {
        b.clear();
        let slot = &mut self.buckets[(t & self.mask) as usize];
        if slot.is_empty() {
            *slot = b;
        }
    }

    /// The first tick after `t` with an arrival.
    #[inline]
    pub fn next_after(&self, t: u32) -> Option<u32> {
        if self.len == 0 {
            return None;
        }
        self.first_after(t, self.occupied, true)
    }

    /// The first tick after `t` with an arrival other than marks.
    #[inline]
    pub fn next_unmarked_after(&self, t: u32) -> Option<u32> {
        if self.len == 0 || (self.mask < 64 && self.unmarked == 0) {
            return None;
        }
        self.first_after(t, self.unmarked, false)
    }

    /// The first tick after `t` whose bucket is in `bits` (with at most 64 buckets), or
    /// has arrivals (with more; counting marks if `marks`).
    #[inline]
    fn first_after(&self, t: u32, bits: u64, marks: bool) -> Option<u32> {
        if self.mask < 64 {
            // Rotate so that bit 0 is the bucket of tick t + 1.
            let size = self.mask + 1;
            let start = t.wrapping_add(1) & self.mask;
            let bits = if size == 64 {
                bits.rotate_right(start)
            } else {
                let full = (1u64 << size) - 1;
                ((bits >> start) | (bits << (size - start))) & full
            };
            return Some(t.wrapping_add(1).wrapping_add(bits.trailing_zeros()));
        }
        (1..=self.mask + 1).map(|d| t.wrapping_add(d)).find(|a| {
            let i = (a & self.mask) as usize;
            !self.buckets[i].is_empty() || !self.notes[i].is_empty() || (marks && self.marked[i] > 0)
        })
    }

    /// Everything on the road from tick `t` on, by arrival tick (then send order within
    /// each tick's slice), for comparing states.
    pub fn buckets_from(&self, t: u32) -> impl Iterator<Item = (u32, &[Pending])> {
        (0..=self.mask).map(move |d| {
            let a = t.wrapping_add(d);
            (a, self.buckets[(a & self.mask) as usize].as_slice())
        })
    }

    /// Everything on the road, by arrival tick then send order (for comparing states).
    pub fn pending_after(&self, t: u32) -> impl Iterator<Item = (u32, &Pending)> {
        (1..=self.mask + 1).flat_map(move |d| {
            let a = t.wrapping_add(d);
            self.buckets[(a & self.mask) as usize].iter().map(move |p| (a, p))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::pack::{Pack, Unpack};
    use super::*;
    use crate::check::{Args, MAX_ARGS};

    /// A queue holding arrivals, notes and marks in several buckets comes back as saved,
    /// restored over a queue holding others (staged runs, the only ones that save, hold
    /// neither notes nor marks: this is their only test).
    #[test]
    fn a_saved_queue_comes_back() {
        let msg = |kind: u32, v: i64| {
            let mut args = Args { len: (v != 0) as u8, vals: [0; MAX_ARGS] };
            args.vals[0] = v;
            Msg { kind, args }
        };
        let p = |id: u32, v: i64| Pending { id, from: 1, to: 2, msg: msg(id, v), duplicate: id.is_multiple_of(2) };
        let note = |id: u32| Note { id, word: id * 3, from: 0, to: 1 };
        let new = || {
            let mut q = Queue::new(3);
            q.mark_width(2);
            q
        };
        let mut a = new();
        a.push(1, p(1, -7));
        a.push(1, p(2, 0));
        a.push(3, p(3, i64::MIN));
        a.push_note_if(true, 2, note(4));
        a.push_note_if(false, 2, note(5));
        a.push_mark_if(true, 2, 1, 1 << 63);
        a.push_mark_if(true, 3, 0, 5);
        let mut b = new();
        b.push(2, p(9, 4));
        b.push_mark_if(true, 1, 1, 2);
        b.push_note_if(true, 1, note(8));
        let (mut data, mut args) = (Vec::new(), Vec::new());
        let saved = a.save(&mut Pack { data: &mut data, args: &mut args });
        assert!(data.len() <= a.packed_len());
        let mut from = Unpack::new(&data, &args);
        b.restore(&mut from, saved);
        assert_eq!(from.at, data.len());
        assert_eq!(format!("{b:?}"), format!("{a:?}"));
    }
}
