//! The states of one stage of a search, by key: each key stored once, in large chunks
//! (no allocation per key, no copying as they grow), with its hash (growing the table
//! hashes no key again).

use hashbrown::HashTable;

/// Words per chunk of keys.
const CHUNK: usize = 1 << 16;

/// Keys numbered in the order added.
#[derive(Default)]
pub(crate) struct StateIndex {
    /// Numbers of keys, found by hash.
    table: HashTable<u32>,
    /// The keys, one after the other, in chunks that never grow past their capacity.
    chunks: Vec<Vec<u64>>,
    /// Per key: its hash, and where it is (chunk, start, end).
    keys: Vec<(u64, u32, u32, u32)>,
    /// Words of the first chunk (`CHUNK` if 0).
    first: usize,
    /// Words of all chunks (their capacities).
    words: usize,
}

impl StateIndex {
    /// An index with room for about `keys` keys of `words` words in all (a search knows
    /// about how many the next stage will have: a stage grown from nothing reallocates
    /// often, and a first chunk far too large costs the system's fresh pages).
    pub(crate) fn with_capacity(keys: usize, words: usize) -> StateIndex {
        StateIndex {
            table: HashTable::with_capacity(keys),
            chunks: Vec::new(),
            keys: Vec::with_capacity(keys),
            first: words.clamp(1024, CHUNK),
            words: 0,
        }
    }

    /// The number of `key` if it was added before (`Ok`), else adds it with the next
    /// number (`Err`).
    pub(crate) fn find_or_add(&mut self, key: &[u64]) -> Result<usize, usize> {
        let hash = hash(key);
        let StateIndex { table, chunks, keys, first, words } = self;
        let same = |&i: &u32| {
            let (h, c, a, b) = keys[i as usize];
            h == hash && chunks[c as usize][a as usize..b as usize] == *key
        };
        if let Some(&i) = table.find(hash, same) {
            return Ok(i as usize);
        }
        let i = keys.len();
        if chunks.last().is_none_or(|c| c.capacity() - c.len() < key.len()) {
            let size = if chunks.is_empty() && *first > 0 { *first } else { CHUNK };
            chunks.push(Vec::with_capacity(size.max(key.len())));
            *words += chunks.last().map_or(0, Vec::capacity);
        }
        let c = chunks.len() - 1;
        let chunk = &mut chunks[c];
        let a = chunk.len();
        chunk.extend_from_slice(key);
        keys.push((hash, c as u32, a as u32, chunk.len() as u32));
        table.insert_unique(hash, i as u32, |&j| keys[j as usize].0);
        Err(i)
    }

    /// Bytes it holds.
    #[inline]
    pub(crate) fn bytes(&self) -> usize {
        8 * self.words + std::mem::size_of::<(u64, u32, u32, u32)>() * self.keys.capacity() + 4 * self.table.capacity()
    }

    /// How many keys there are.
    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }

    /// Key number `i`.
    #[cfg(test)]
    pub(crate) fn key(&self, i: usize) -> &[u64] {
        let (_, c, a, b) = self.keys[i];
        &self.chunks[c as usize][a as usize..b as usize]
    }
}

/// A hash of a key's words (FxHash-like, two lanes).
fn hash(key: &[u64]) -> u64 {
    const K: u64 = 0xf135_7aea_2e62_a9c5;
    let mut a = key.len() as u64;
    let mut b = 0u64;
    let mut pairs = key.chunks_exact(2);
    for p in &mut pairs {
        a = (a ^ p[0]).wrapping_mul(K);
        b = (b ^ p[1]).wrapping_mul(K);
    }
    if let [w] = pairs.remainder() {
        a = (a ^ w).wrapping_mul(K);
    }
    let h = a.rotate_left(26) ^ b.wrapping_mul(K).rotate_left(43);
    h ^ (h >> 32)
}
