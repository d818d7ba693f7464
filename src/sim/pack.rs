//! Snapshots packed into one buffer of 32-bit words.
//!
//! A search keeps thousands of snapshots and restores one at every step, so their size
//! is what it pays for in memory traffic: a [`Pending`], [`Recv`] or [`Sent`] is 64
//! bytes in a run (its message's arguments inline), but 16 here, its arguments (most
//! messages have none) kept apart. Everything is written one part after the other and
//! read back in the same order, so a restore reads one buffer from start to end.

use super::queue::{Note, Pending};
use super::{Recv, Road, Sent};
use crate::check::{Args, GenId, MAX_ARGS, Msg};

// A general's number is packed in 16 bits, two to a word.
const _: () = assert!(std::mem::size_of::<GenId>() == 2);

/// Words per packed messenger (pending, received or sent).
pub(super) const ENTRY: usize = 4;
/// Words per packed messenger on the lazy road.
pub(super) const ROAD: usize = ENTRY + 3;
/// Words per packed [`Note`].
pub(super) const NOTE: usize = 3;

/// Writes into a snapshot's buffers: the words, and the messages' arguments apart.
pub(super) struct Pack<'a> {
    pub data: &'a mut Vec<u32>,
    pub args: &'a mut Vec<u32>,
}

impl Pack<'_> {
    fn msg_args(&mut self, a: &Args) {
        for v in a.as_slice() {
            self.args.extend_from_slice(&[*v as u32, (*v as u64 >> 32) as u32]);
        }
    }

    pub fn pending(&mut self, p: &Pending) {
        let m = &p.msg;
        self.data.extend_from_slice(&[
            p.id,
            p.from as u32 | (p.to as u32) << 16,
            m.kind,
            m.args.len as u32 | (p.duplicate as u32) << 8,
        ]);
        if m.args.len > 0 {
            self.msg_args(&m.args);
        }
    }

    pub fn recv(&mut self, r: &Recv) {
        self.logged(&r.msg, r.from, r.tick, r.messenger);
    }

    pub fn sent(&mut self, s: &Sent) {
        self.logged(&s.msg, s.to, s.tick, s.messenger);
    }

    /// A delivery or a send: its message, the other general, its tick and messenger.
    fn logged(&mut self, m: &Msg, other: GenId, tick: u32, messenger: u32) {
        self.data.extend_from_slice(&[m.kind, m.args.len as u32 | (other as u32) << 16, tick, messenger]);
        if m.args.len > 0 {
            self.msg_args(&m.args);
        }
    }

    pub fn road(&mut self, r: &Road) {
        self.pending(&r.p);
        self.data.extend_from_slice(&[r.earliest, r.latest, r.arrive as u32]);
    }

    pub fn note(&mut self, n: &Note) {
        self.data.extend_from_slice(&[n.id, n.word, n.from as u32 | (n.to as u32) << 16]);
    }

    /// A list of counts: a zero word if all are zero (often), else a one and the list.
    pub fn counts(&mut self, counts: &[u32]) {
        if counts.iter().fold(0, |a, c| a | c) == 0 {
            self.data.push(0);
        } else {
            self.data.push(1);
            self.data.extend_from_slice(counts);
        }
    }

    /// [`Pack::counts`] of the lengths of lists.
    pub fn lens<T>(&mut self, lists: &[Vec<T>]) {
        if lists.iter().fold(0, |a, l| a | l.len()) == 0 {
            self.data.push(0);
        } else {
            self.data.push(1);
            self.data.extend(lists.iter().map(|l| l.len() as u32));
        }
    }

    pub fn word(&mut self, w: u64) {
        self.data.extend_from_slice(&[w as u32, (w >> 32) as u32]);
    }
}

/// Reads a snapshot's words back, in the order [`Pack`] wrote them.
pub(super) struct Unpack<'a> {
    pub data: &'a [u32],
    pub at: usize,
    args: &'a [u32],
    arg_at: usize,
}

impl<'a> Unpack<'a> {
    pub fn new(data: &'a [u32], args: &'a [u32]) -> Unpack<'a> {
        Unpack { data, at: 0, args, arg_at: 0 }
    }

    /// The next `k` words.
    pub fn take(&mut self, k: usize) -> &'a [u32] {
        let s = &self.data[self.at..self.at + k];
        self.at += k;
        s
    }

    /// `k` counts written by [`Pack::counts`] (`None`: all zero).
    pub fn counts(&mut self, k: usize) -> Option<&'a [u32]> {
        if self.take(1)[0] == 0 { None } else { Some(self.take(k)) }
    }

    /// [`Unpack::counts`] into `into`. (Zeros are written only where it has others: a
    /// call to `memset` for a few words costs more than reading them, and they are most
    /// often zero already.)
    pub fn counts_into(&mut self, into: &mut [u32]) {
        match self.counts(into.len()) {
            Some(c) => into.copy_from_slice(c),
            None => zero(into),
        }
    }

    pub fn word(&mut self) -> u64 {
        let s = self.take(2);
        s[0] as u64 | (s[1] as u64) << 32
    }

    #[inline(always)]
    fn msg(&mut self, kind: u32, len: u32) -> Msg {
        if len == 0 {
            return Msg { kind, args: Args::default() };
        }
        let mut args = Args { len: len as u8, vals: [0; MAX_ARGS] };
        for v in args.vals.iter_mut().take(len as usize) {
            let s = &self.args[self.arg_at..self.arg_at + 2];
            *v = (s[0] as u64 | (s[1] as u64) << 32) as i64;
            self.arg_at += 2;
        }
        Msg { kind, args }
    }

    // (Inlined: a call returns the 64 bytes through memory, and reading them back right
    // after they were written in other pieces stalls.)
    #[inline(always)]
    fn pending_from(&mut self, e: &[u32]) -> Pending {
        Pending {
            id: e[0],
            from: e[1] as GenId,
            to: (e[1] >> 16) as GenId,
            msg: self.msg(e[2], e[3] & 0xff),
            duplicate: e[3] >> 8 != 0,
        }
    }

    /// `k` messengers on their way, appended to `out`.
    pub fn pendings(&mut self, k: usize, out: &mut Vec<Pending>) {
        let words = self.take(k * ENTRY);
        out.extend(words.chunks_exact(ENTRY).map(|e| self.pending_from(e)));
    }

    /// `k` deliveries, appended to `out`.
    pub fn recvs(&mut self, k: usize, out: &mut Vec<Recv>) {
        self.logged(k, out, |msg, from, tick, messenger| Recv { msg, from, tick, messenger });
    }

    /// `k` sends, appended to `out`.
    pub fn sents(&mut self, k: usize, out: &mut Vec<Sent>) {
        self.logged(k, out, |msg, to, tick, messenger| Sent { msg, to, tick, messenger });
    }

    /// `k` deliveries or sends ([`Pack::logged`]), made by `make` from the message, the
    /// other general, the tick and the messenger, appended to `out`.
    #[inline(always)]
    fn logged<T>(&mut self, k: usize, out: &mut Vec<T>, make: impl Fn(Msg, GenId, u32, u32) -> T) {
        let words = self.take(k * ENTRY);
        out.extend(
            words.chunks_exact(ENTRY).map(|e| make(self.msg(e[0], e[1] & 0xffff), (e[1] >> 16) as GenId, e[2], e[3])),
        );
    }

    /// `k` messengers on the lazy road, appended to `out`.
    pub fn roads(&mut self, k: usize, out: &mut Vec<Road>) {
        let words = self.take(k * ROAD);
        out.extend(words.chunks_exact(ROAD).map(|e| Road {
            p: self.pending_from(e),
            earliest: e[ENTRY],
            latest: e[ENTRY + 1],
            arrive: e[ENTRY + 2] != 0,
        }));
    }

    /// `k` notes, appended to `out`.
    pub fn notes(&mut self, k: usize, out: &mut Vec<Note>) {
        let words = self.take(k * NOTE);
        out.extend(words.chunks_exact(NOTE).map(|e| Note {
            id: e[0],
            word: e[1],
            from: e[2] as GenId,
            to: (e[2] >> 16) as GenId,
        }));
    }
}

/// Sets `words` to zero, if they are not already (see [`Unpack::counts_into`]).
pub(super) fn zero<T: Copy + Default + PartialEq + std::ops::BitOr<Output = T>>(words: &mut [T]) {
    if words.iter().fold(T::default(), |a, w| a | *w) != T::default() {
        words.fill(T::default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of entry comes back as written: arguments of any size and sign (the
    /// bundled scenarios send only small ones), none, or all four; flags in the high bits.
    #[test]
    fn entries_come_back_as_written() {
        let vals = [[0, 0, 0, 0], [-1, i64::MIN, i64::MAX, 1 << 40], [7, -(1 << 33), 0, 0]];
        let msgs: Vec<Msg> = (0..=MAX_ARGS)
            .flat_map(|len| vals.iter().map(move |v| (len, v)))
            .enumerate()
            .map(|(i, (len, v))| {
                let mut args = Args { len: len as u8, vals: [0; MAX_ARGS] };
                args.vals[..len].copy_from_slice(&v[..len]);
                Msg { kind: i as u32 * 977, args }
            })
            .collect();
        let pending: Vec<Pending> = msgs
            .iter()
            .enumerate()
            .map(|(i, m)| Pending {
                id: u32::MAX - i as u32,
                from: i as GenId,
                to: GenId::MAX - i as GenId,
                msg: *m,
                duplicate: i % 2 == 1,
            })
            .collect();
        let recv: Vec<Recv> = msgs
            .iter()
            .enumerate()
            .map(|(i, m)| Recv {
                msg: *m,
                from: GenId::MAX - i as GenId,
                tick: u32::MAX - i as u32,
                messenger: i as u32,
            })
            .collect();
        let sent: Vec<Sent> = msgs
            .iter()
            .enumerate()
            .map(|(i, m)| Sent { msg: *m, to: GenId::MAX - i as GenId, tick: i as u32, messenger: u32::MAX - i as u32 })
            .collect();
        let notes = [Note { id: 3, word: u32::MAX, from: GenId::MAX, to: 0 }, Note { id: 0, word: 0, from: 1, to: 9 }];
        let (mut data, mut args) = (Vec::new(), Vec::new());
        let mut out = Pack { data: &mut data, args: &mut args };
        pending.iter().for_each(|p| out.pending(p));
        recv.iter().for_each(|r| out.recv(r));
        out.counts(&[0, 0, 0]);
        out.counts(&[0, u32::MAX, 1]);
        out.word(u64::MAX - 5);
        sent.iter().for_each(|s| out.sent(s));
        notes.iter().for_each(|n| out.note(n));
        let road: Vec<Road> = pending
            .iter()
            .enumerate()
            .map(|(i, p)| Road { p: *p, earliest: i as u32, latest: u32::MAX - i as u32, arrive: i % 3 == 0 })
            .collect();
        road.iter().for_each(|r| out.road(r));
        let mut from = Unpack::new(&data, &args);
        let mut back = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        from.pendings(pending.len(), &mut back.0);
        from.recvs(recv.len(), &mut back.1);
        assert_eq!(from.counts(3), None);
        let mut counts = [5; 3];
        from.counts_into(&mut counts);
        assert_eq!(counts, [0, u32::MAX, 1]);
        assert_eq!(from.word(), u64::MAX - 5);
        from.sents(sent.len(), &mut back.2);
        from.notes(notes.len(), &mut back.3);
        let mut road_back = Vec::new();
        from.roads(road.len(), &mut road_back);
        assert_eq!((back.0, back.1, back.2, back.3), (pending, recv, sent, notes.to_vec()));
        assert_eq!(road_back, road);
        assert_eq!(from.at, data.len());
        let mut words = [0u64, 3, 0];
        zero(&mut words);
        assert_eq!(words, [0; 3]);
    }
}
