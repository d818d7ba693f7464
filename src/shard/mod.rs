//! Work split into independent jobs for a batch system, and their parts merged back:
//! `--shard K/M` cuts a batch of trials (on its blocks of 256) or a sweep (on its points)
//! into `M` contiguous slices and writes slice `K`'s part; `herald merge` checks that the
//! parts are of one piece of work, each slice there once, and rebuilds the report one
//! machine would have written (`cli/merge.rs`).
//!
//! A part is one YAML or JSON document ([`Part`]): what the work was (scenario, its
//! fingerprint, seed, params, size), which slice this is, the partial results, and a
//! checksum over all of it, so that a part changed by hand is refused.

pub mod explore;
pub mod sweep;
pub mod trials;

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::diag::{Code, Diag, Span};

/// The version of the parts' schema (`herald_part:`), bumped on any incompatible change.
pub const PART_VERSION: u32 = 2;

/// The most slices a piece of work is cut into.
pub const MAX_SLICES: u64 = 1_000_000;

/// `--shard K/M`: slice `K` (from 0) of `M`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u64,
    pub of: u64,
}

impl Shard {
    /// The whole work, as one slice.
    pub const WHOLE: Shard = Shard { index: 0, of: 1 };

    /// Slice `index` of `0..n` cut into `of` contiguous slices, as even as can be (the
    /// first ones the shorter; empty ones when `of` is more than `n`).
    pub fn slice(self, n: u64) -> Range<u64> {
        let at = |k: u64| (n as u128 * k as u128 / self.of as u128) as u64;
        at(self.index)..at(self.index + 1)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.of)
    }
}

/// Parses `--shard K/M` (clap's value parser): `M` from 1 to [`MAX_SLICES`], `K` from 0
/// to `M - 1`.
pub fn parse_shard(s: &str) -> Result<Shard, String> {
    let form = "write K/M: slice K (0 to M-1) of M, e.g. 0/4 .. 3/4";
    let (k, m) = s.split_once('/').ok_or_else(|| format!("'{s}' is not K/M; {form}"))?;
    let whole = |x: &str| x.trim().parse::<u64>().map_err(|_| format!("'{s}' is not K/M of whole numbers; {form}"));
    let (index, of) = (whole(k)?, whole(m)?);
    if of == 0 || of > MAX_SLICES {
        return Err(format!("the number of slices M must be from 1 to {MAX_SLICES} (found {of})"));
    }
    if index >= of {
        return Err(format!("slice {index} of {of} does not exist: slices are numbered from 0 to {}", of - 1));
    }
    Ok(Shard { index, of })
}

/// One part: the work, the slice, its results, and the checksum over them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    /// The parts' schema version ([`PART_VERSION`]).
    pub herald_part: u32,
    /// The version of herald that wrote it: merged only by the same version.
    pub version: String,
    /// The scenario's file as the command named it (as reports show it).
    pub scenario: String,
    /// The scenario's fingerprint ([`crate::replay::fingerprint`] of its text).
    pub fingerprint: String,
    /// Which slice of how many.
    pub shard: Shard,
    /// What was run, and this slice's results.
    pub work: Work,
    /// `fnv1a64:` and the hash of the part's JSON form with this field empty.
    #[serde(default)]
    pub checksum: String,
}

/// The work a part is a slice of, and the slice's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "command", content = "slice")]
pub enum Work {
    /// `herald run FILE --trials N --shard K/M`.
    Trials(trials::TrialsPart),
    /// `herald sweep FILE --param ... --shard K/M`.
    Sweep(sweep::SweepPart),
    /// `herald explore FILE --shard K/M`.
    Explore(explore::ExplorePart),
}

impl Work {
    /// The command that wrote such parts, for messages.
    pub fn command(&self) -> &'static str {
        match self {
            Work::Trials(_) => "herald run --trials",
            Work::Sweep(_) => "herald sweep",
            Work::Explore(_) => "herald explore",
        }
    }
}

impl Part {
    /// A part of `work`, its checksum worked out.
    pub fn new(scenario: &str, text: &str, shard: Shard, work: Work) -> Part {
        let mut p = Part {
            herald_part: PART_VERSION,
            version: env!("CARGO_PKG_VERSION").to_string(),
            scenario: scenario.to_string(),
            fingerprint: crate::replay::fingerprint(text),
            shard,
            work,
            checksum: String::new(),
        };
        p.checksum = p.sum();
        p
    }

    /// The checksum of the part as it is (its `checksum` field left out).
    fn sum(&self) -> String {
        let bare = Part { checksum: String::new(), ..self.clone() };
        crate::replay::fingerprint(&serde_json::to_string(&bare).expect("a part serializes"))
    }

    /// As a file: YAML, or JSON. (Not the reports' YAML, whose quoting for YAML 1.1
    /// readers goes line by line: a part holds the scenario's text, which must come back
    /// as it was.)
    pub fn to_text(&self, json: bool) -> String {
        if json { crate::report::to_json(self) } else { yaml_serde::to_string(self).expect("a part serializes") }
    }
}

/// An error about a part, named `name`: no span (a part is not a scenario), its help.
pub fn part_error(code: Code, name: &str, msg: impl std::fmt::Display, help: impl Into<String>) -> Diag {
    let mut d = Diag::error(code, format!("{name}: {msg}"), Span::default(), "");
    d.labels.clear();
    d.with_help(help)
}

/// Reads a part file: JSON (it starts with `{`) or YAML, its schema version, its
/// checksum. `name` is how errors name the file.
pub fn parse(name: &str, text: &str) -> Result<Part, Diag> {
    let not_part = |e: String| {
        part_error(
            Code::MergeUnreadable,
            name,
            format!("not a part written by --shard: {e}"),
            "give herald merge the files written by `herald run FILE --trials N --shard K/M --format json` \
             (or yaml), or by `herald sweep ... --shard K/M`",
        )
    };
    // The version first, so that a part of another schema is told as such.
    #[derive(Deserialize)]
    struct Head {
        herald_part: Option<u32>,
        version: Option<String>,
    }
    let json = text.trim_start().starts_with('{');
    let head: Head = if json {
        serde_json::from_str(text).map_err(|e| not_part(e.to_string()))?
    } else {
        yaml_serde::from_str(text).map_err(|e| not_part(e.to_string()))?
    };
    match head.herald_part {
        None => return Err(not_part("it has no `herald_part:` version".to_string())),
        Some(PART_VERSION) => {}
        Some(v) => {
            return Err(part_error(
                Code::MergeUnreadable,
                name,
                format!("a part of schema version {v}; this herald reads version {PART_VERSION}"),
                "merge the parts with the herald that wrote them",
            ));
        }
    }
    let ours = env!("CARGO_PKG_VERSION");
    if let Some(v) = head.version.filter(|v| v != ours) {
        return Err(part_error(
            Code::MergeMismatch,
            name,
            format!("written by herald {v}; this is herald {ours}"),
            "another version may draw and explain otherwise: run every slice, and merge, with one version of herald",
        ));
    }
    let part: Part = if json {
        serde_json::from_str(text).map_err(|e| not_part(e.to_string()))?
    } else {
        yaml_serde::from_str(text).map_err(|e| not_part(e.to_string()))?
    };
    if part.checksum != part.sum() {
        return Err(part_error(
            Code::MergeEdited,
            name,
            "its checksum does not match its content: the part was changed after it was written",
            "run this slice again (the command is in the README, \"Running on many machines\")",
        ));
    }
    if part.shard.of == 0 || part.shard.of > MAX_SLICES || part.shard.index >= part.shard.of {
        return Err(part_error(
            Code::MergeUnreadable,
            name,
            format!("slice {} of {} does not exist", part.shard.index, part.shard.of),
            "run this slice again",
        ));
    }
    Ok(part)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The slices of `0..n` cover it, in order, once, for any number of slices.
    #[test]
    fn slices_cover_the_work_once_in_order() {
        for n in [0u64, 1, 2, 5, 40, 1001] {
            for of in [1u64, 2, 3, 7, 64, 2000] {
                let mut next = 0;
                for index in 0..of {
                    let r = Shard { index, of }.slice(n);
                    assert_eq!(r.start, next, "{index}/{of} of {n}");
                    assert!(r.end >= r.start);
                    next = r.end;
                }
                assert_eq!(next, n);
            }
        }
        assert_eq!(Shard { index: 0, of: 1 }.slice(u64::MAX), 0..u64::MAX);
    }

    #[test]
    fn shards_parse_or_say_why_not() {
        assert_eq!(parse_shard("2/3"), Ok(Shard { index: 2, of: 3 }));
        assert!(parse_shard("3/3").unwrap_err().contains("from 0 to 2"));
        assert!(parse_shard("0/0").unwrap_err().contains("from 1"));
        assert!(parse_shard("1").unwrap_err().contains("K/M"));
        assert!(parse_shard("a/b").unwrap_err().contains("whole numbers"));
    }
}
