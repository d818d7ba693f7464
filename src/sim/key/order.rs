//! The canonical order of the generals: by class, then record, then number; and the
//! key written afresh from its parent's when one general changed.

use super::*;

/// How records name generals while the generals are being ordered: by class (with
/// symmetry), else by number.
pub(super) fn naming_ranks(plan: &KeyPlan, rank: &mut Vec<u64>) {
    rank.clear();
    if plan.sym {
        rank.extend_from_slice(&plan.class_rank);
    } else {
        rank.extend(0..plan.n as u64);
    }
}

/// A general's key in the canonical order, in one word: its class, the number of its
/// record, its own number (16, 32 and 16 bits), compared as the three would be.
#[inline(always)]
pub(super) fn order_key(class: &[u16], g: GenId, record: u32) -> u64 {
    (class[g as usize] as u64) << 48 | (record as u64) << 16 | g as u64
}

impl Sim<'_> {
    /// Puts the generals in the canonical order (`s.order`, and `s.rank`: each one's place
    /// in it): identity, or by what each general holds, within classes. The numbers of
    /// the records they are ordered by are kept (`s.sig`), those of the generals the step
    /// did not change taken from the parent's key.
    pub(super) fn order(&self, plan: &KeyPlan, s: &mut KeyScratch, parent: Option<Parent>) {
        let n = plan.n;
        naming_ranks(plan, &mut s.rank);
        s.sig.clear();
        s.names.clear();
        for g in 0..n {
            match parent {
                Some(p) if !s.dirty[g] => {
                    s.sig.push(p.records[g].id);
                    s.names.push(false);
                }
                _ => {
                    let (id, named) = self.numbered(g as GenId, plan, s);
                    s.sig.push(id);
                    s.names.push(named);
                }
            }
        }
        s.order.clear();
        if !plan.sym {
            s.order.extend(0..n as GenId);
            return;
        }
        let class = &plan.symmetry.class;
        let sig = &s.sig;
        // By class, then record, then number: a total order. (Records by number: equal
        // numbers are equal records, and any order of the records that is the same in
        // every state makes the same keys equal. Ties are broken by number.)
        #[cfg(test)]
        if s.by_content {
            let records = &s.records;
            s.order.extend(0..n as GenId);
            s.order.sort_unstable_by(|&a, &b| {
                let (a, b) = (a as usize, b as usize);
                let content = |g: usize| records.key(sig[g] as usize);
                (class[a], content(a), a).cmp(&(class[b], content(b), b))
            });
        }
        let at = |g: usize| order_key(class, g as GenId, sig[g]);
        let sorted = &mut s.sorted;
        sorted.clear();
        if s.order.len() == n {
            // (Ordered by content above.)
        } else if let Some(p) = parent {
            // The unchanged generals are in order already: the changed ones are put in
            // their places (the same order as sorting all, the order being total).
            sorted.resize(n, 0);
            for (g, r) in p.records.iter().enumerate() {
                sorted[r.rank as usize] = at(g);
            }
            let dirty = &s.dirty;
            sorted.retain(|x| !dirty[(*x & 0xffff) as usize]);
            for &g in &s.changed {
                let x = at(g as usize);
                let place = sorted.partition_point(|y| *y < x);
                sorted.insert(place, x);
            }
        } else {
            sorted.extend((0..n).map(at));
            sorted.sort_unstable();
        }
        s.order.extend(sorted.iter().map(|x| (*x & 0xffff) as GenId));
        for (i, g) in s.order.iter().enumerate() {
            s.rank[*g as usize] = i as u64;
        }
    }

    /// [`Sim::order`] and [`Sim::write`] when the step changed one general's record and
    /// that record names no other general (most steps of a search): the others keep their
    /// records and their order, and the changed one moves to its place among them. The
    /// same key, in fewer passes over the generals. Returns false when it does not apply
    /// (having changed nothing the two need).
    pub(super) fn write_one_changed(
        &self,
        plan: &KeyPlan,
        s: &mut KeyScratch,
        p: Parent,
        out: &mut Vec<u64>,
        records: &mut Vec<Place>,
    ) -> bool {
        let n = plan.n;
        let [g] = s.changed[..] else {
            return false;
        };
        #[cfg(test)]
        if s.by_content {
            return false;
        }
        naming_ranks(plan, &mut s.rank);
        let (id, named) = self.numbered(g, plan, s);
        if named {
            return false;
        }
        let order = &mut s.order;
        order.clear();
        order.resize(n, 0);
        for (h, r) in p.records.iter().enumerate() {
            order[r.rank as usize] = h as GenId;
        }
        if plan.sym {
            // By class, record and number, as `order` sorts.
            let class = &plan.symmetry.class;
            let at = |h: GenId, id: u32| order_key(class, h, id);
            let x = at(g, id);
            order.remove(p.records[g as usize].rank as usize);
            // (Counted without a branch: which way a comparison goes is not predictable.)
            let place = order.iter().map(|&h| (at(h, p.records[h as usize].id) < x) as usize).sum();
            order.insert(place, g);
        }
        self.header(plan, out);
        records.clear();
        records.resize(n, Place { rank: 0, id: Place::NAMED });
        for (i, &h) in order.iter().enumerate() {
            // (A select, not a branch.)
            let id = [p.records[h as usize].id, id][(h == g) as usize];
            out.push(id as u64);
            records[h as usize] = Place { rank: i as u32, id };
            s.rank[h as usize] = i as u64;
        }
        true
    }
}
