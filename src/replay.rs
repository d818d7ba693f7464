//! Replay files: the sequence of choices of a run, whatever made it (a seeded run, a
//! trial, an explore witness, the most likely run of an analysis), to run it again.

use serde::{Deserialize, Serialize};

use crate::diag::{Code, Diag, Span};

/// A replay file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReplayFile {
    /// Schema version.
    pub herald: u32,
    pub replay: Replay,
}

/// The choices of one run of one scenario.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Replay {
    /// The scenario's file, as it was named.
    pub scenario: String,
    /// `fnv1a64:` and the FNV-1a hash of the scenario's text, to notice edits.
    pub fingerprint: String,
    /// The `--param NAME=VALUE` overrides of the run.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<String>,
    /// What made the run: `run --seed 9`, `explore: shortest run to defeat`, ...
    pub made_by: String,
    /// The seed, when a seeded run made it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Index of the option taken at each choice, in the order the run made them
    /// (a delay: ticks above the least; a chance: 1 if it happened).
    pub choices: Vec<u32>,
    /// The raw 64-bit draws behind the choices of a seeded run (`~` where none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub draws: Vec<Option<u64>>,
}

/// The fingerprint of a scenario's text.
pub fn fingerprint(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.as_bytes() {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("fnv1a64:{h:016x}")
}

impl Replay {
    /// A replay of a run of `text`.
    pub fn new(scenario: &str, text: &str, params: &[String], made_by: String, choices: Vec<u32>) -> Replay {
        Replay {
            scenario: scenario.to_string(),
            fingerprint: fingerprint(text),
            params: params.to_vec(),
            made_by,
            seed: None,
            choices,
            draws: Vec::new(),
        }
    }

    /// As a file.
    pub fn to_yaml(&self) -> String {
        crate::report::to_yaml(&ReplayFile { herald: crate::report::SCHEMA_VERSION, replay: self.clone() })
    }
}

fn no_span(code: Code, msg: String, help: String) -> Diag {
    let mut d = Diag::error(code, msg, Span::default(), "");
    d.labels.clear();
    d.with_help(help)
}

/// Reads a replay file.
pub fn parse(name: &str, text: &str) -> Result<Replay, Diag> {
    let f: ReplayFile = yaml_serde::from_str(text).map_err(|e| {
        no_span(
            Code::ReplayUnreadable,
            format!("{name} is not a herald replay file: {e}"),
            "replay files are written by --save-replay and --save-replays".to_string(),
        )
    })?;
    if f.herald != crate::report::SCHEMA_VERSION {
        return Err(no_span(
            Code::ReplayVersion,
            format!(
                "{name} is a replay of schema version {}, this herald reads version {}",
                f.herald,
                crate::report::SCHEMA_VERSION
            ),
            "record the run again with this version".to_string(),
        ));
    }
    Ok(f.replay)
}

/// Checks that a replay belongs to this text of the scenario.
pub fn check_fits(r: &Replay, replay_name: &str, text: &str) -> Result<(), Diag> {
    let now = fingerprint(text);
    if r.fingerprint != now {
        return Err(no_span(
            Code::ReplayStale,
            format!("{replay_name} was saved from another text of {} (made by {})", r.scenario, r.made_by),
            format!("the scenario has been edited since ({} now, {} then): record the run again", now, r.fingerprint),
        ));
    }
    Ok(())
}
