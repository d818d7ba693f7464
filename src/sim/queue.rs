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

/// Arrivals by tick.
#[derive(Debug, Clone)]
pub struct Queue {
    buckets: Vec<Vec<Pending>>,
    mask: u32,
    len: usize,
    /// With at most 64 buckets, bit `b`: bucket `b` is not empty.
    occupied: u64,
}

impl Queue {
    /// A queue for delays of at most `longest` ticks.
    pub fn new(longest: u32) -> Queue {
        let size = (longest as usize + 1).next_power_of_two();
        Queue { buckets: vec![Vec::new(); size], mask: size as u32 - 1, len: 0, occupied: 0 }
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
            self.len = 0;
            self.occupied = 0;
        }
    }

    /// Adds an arrival at tick `at` (after every arrival already added for that tick).
    #[inline]
    pub fn push(&mut self, at: u32, p: Pending) {
        let b = (at & self.mask) as usize;
        self.buckets[b].push(p);
        self.len += 1;
        self.occupied |= 1u64 << (b & 63);
    }

    /// Takes the arrivals of tick `t`, in send order; give the buffer back with
    /// [`Queue::give_back`]. (What they send arrives at a later tick, in another bucket.)
    #[inline]
    pub fn take(&mut self, t: u32) -> Vec<Pending> {
        let i = (t & self.mask) as usize;
        let b = std::mem::take(&mut self.buckets[i]);
        self.len -= b.len();
        self.occupied &= !(1u64 << (i & 63));
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
        if self.mask < 64 {
            // Rotate so that bit 0 is the bucket of tick t + 1.
            let size = self.mask + 1;
            let start = t.wrapping_add(1) & self.mask;
            let bits = if size == 64 {
                self.occupied.rotate_right(start)
            } else {
                let full = (1u64 << size) - 1;
                ((self.occupied >> start) | (self.occupied << (size - start))) & full
            };
            return Some(t.wrapping_add(1).wrapping_add(bits.trailing_zeros()));
        }
        (1..=self.mask + 1).map(|d| t.wrapping_add(d)).find(|a| !self.buckets[(a & self.mask) as usize].is_empty())
    }

    /// Everything on the road from tick `t` on, by arrival tick then send order (for
    /// comparing states).
    pub fn pending_from(&self, t: u32) -> impl Iterator<Item = (u32, &Pending)> {
        (0..=self.mask).flat_map(move |d| {
            let a = t.wrapping_add(d);
            self.buckets[(a & self.mask) as usize].iter().map(move |p| (a, p))
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
