//! What a search may use: distinct states, memory and arithmetic, each with a bound that
//! stops it with a diagnostic rather than taking the machine. Time is never a bound (a
//! search stops at the same point on any machine); work is.

/// Default bound on the memory a search holds for its states: 2 GiB.
pub const DEFAULT_MAX_MEMORY: u64 = 2 << 30;

/// 64-bit words of exact arithmetic an exact analysis may do per distinct state it is
/// allowed (`max_states`): the bound on its work, whatever the length of its numbers.
pub const WORK_PER_STATE: u64 = 4096;

/// The bounds of one search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Distinct states (after merging); steps (a tick explored once per state and choice
    /// sequence) are bounded by a multiple of it.
    pub max_states: u64,
    /// Bytes held for the states waiting to be explored (their snapshots, keys and
    /// probabilities) and the paths to them.
    pub max_memory: u64,
    /// Events (messengers sent and rules fired) a run may take before it is stopped
    /// (`--max-events`, as for `run`): a path of the search past it stops the search.
    pub max_events: u64,
}

impl Limits {
    /// `max_states`, with the default bounds on memory and on a run's events.
    pub fn states(max_states: u64) -> Limits {
        Limits { max_states, max_memory: DEFAULT_MAX_MEMORY, max_events: crate::sim::DEFAULT_MAX_EVENTS }
    }
}

/// Why a search stopped short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// More distinct states than `max_states`, or more steps than it allows.
    States(u64),
    /// Its states would hold more than `max_memory` bytes (after this many states).
    Memory { limit: u64, states: u64 },
    /// Its exact probabilities needed more arithmetic than allowed (after this many
    /// states): their numbers grew too long.
    Work { limit: u64, states: u64 },
}

/// Memory held by a search, counted as states are added and dropped.
#[derive(Debug, Default)]
pub(crate) struct Held {
    bytes: u64,
}

impl Held {
    #[inline]
    pub fn add(&mut self, bytes: usize) {
        self.bytes += bytes as u64;
    }

    #[inline]
    pub fn remove(&mut self, bytes: usize) {
        self.bytes = self.bytes.saturating_sub(bytes as u64);
    }

    /// Whether `bytes` more would pass `limit`.
    #[inline]
    pub fn over(&self, more: usize, limit: u64) -> bool {
        self.bytes + more as u64 > limit
    }
}

/// Parses a size: a number of bytes, or with a unit (`512MiB`, `2GiB`, `1.5G`, `800MB`,
/// `64K`); binary and decimal prefixes alike (K, M, G, T: powers of 1024 with `i` or
/// without; KB, MB, GB, TB: powers of 1000).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let at = s.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(s.len());
    let (num, unit) = s.split_at(at);
    let value: f64 = num.parse().map_err(|_| format!("'{s}' is not a size (for example 512MiB or 2GiB)"))?;
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kib" => 1024.0,
        "m" | "mib" => 1024.0 * 1024.0,
        "g" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tib" => 1024.0f64.powi(4),
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "tb" => 1e12,
        other => return Err(format!("'{other}' is not a unit of size (use B, KiB, MiB, GiB, TiB, KB, MB, GB or TB)")),
    };
    let bytes = value * scale;
    if !bytes.is_finite() || bytes < 1.0 || bytes > u64::MAX as f64 {
        return Err(format!("'{s}' is not a size herald can use"));
    }
    Ok(bytes as u64)
}

/// A size as people read it: `2 GiB`, `512 MiB`, `1.5 GiB`, `800 KiB`.
pub fn show_size(bytes: u64) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < units.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} bytes")
    } else if v.fract() == 0.0 {
        format!("{v:.0} {}", units[u])
    } else {
        format!("{v:.1} {}", units[u])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_and_print_as_people_write_them() {
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("2G"), Ok(2 << 30));
        assert_eq!(parse_size("512 MiB"), Ok(512 << 20));
        assert_eq!(parse_size("1.5GiB"), Ok(3 << 29));
        assert_eq!(parse_size("800MB"), Ok(800_000_000));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("2 parsecs").is_err());
        assert!(parse_size("0").is_err());
        assert_eq!(show_size(2 << 30), "2 GiB");
        assert_eq!(show_size(3 << 29), "1.5 GiB");
        assert_eq!(show_size(100), "100 bytes");
    }
}
