//! A slice of a batch of trials as a part: the batch (source, params, seed, size,
//! explanations asked) and the slice's tally, every count as it was counted.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::analysis::trials::{BLOCK, ExplainCut, FATES, OUTCOMES, Tally};
use crate::check::{ChanId, GenId, KindId, Model};
use crate::explain::Cause;

/// A slice of `herald run FILE --trials N`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrialsPart {
    /// The scenario's text (the merge loads it again, to name generals, kinds and
    /// channels as the whole run's report does).
    pub source: String,
    /// The `--param NAME=VALUE` overrides, as given.
    pub params: Vec<String>,
    pub seed: u64,
    /// The trials of the whole batch.
    pub trials: u64,
    /// `--explain`: how many trials of the whole batch to explain.
    pub explain: u64,
    pub max_events: u64,
    /// The blocks of [`BLOCK`] trials this slice ran (`first..end`).
    pub blocks: [u64; 2],
    pub tally: TallyPart,
}

/// A [`Tally`] as a part holds it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TallyPart {
    pub trials: u64,
    /// Indexed like [`OUTCOMES`].
    pub outcomes: Vec<u64>,
    /// Per general, indexed like [`FATES`].
    pub fates: Vec<Vec<u64>>,
    /// Per general, the values committed and how often.
    pub commits: Vec<Vec<(i64, u64)>>,
    pub other_commits: Vec<u64>,
    pub explained: Vec<ExplainedPart>,
    /// When the explanations' budget explained fewer trials than asked: `[asked, events]`.
    pub explain_cut: Option<[u64; 2]>,
}

/// The explained trials of one general, fate and value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExplainedPart {
    pub general: GenId,
    pub fate: usize,
    pub value: Option<i64>,
    pub count: u64,
    /// Each set of causes and how often it was the reason.
    pub causes: Vec<(Vec<CausePart>, u64)>,
}

/// A [`Cause`] as a part holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "cause")]
pub enum CausePart {
    Captured { chan: ChanId, kind: KindId, loss: u16 },
    Partitioned { chan: ChanId, kind: KindId, partition: u16 },
    ReceiverDown { chan: ChanId, kind: KindId },
    InFlight { chan: ChanId, kind: KindId },
    Late { chan: ChanId, kind: KindId },
    Crashed { general: GenId },
    Delivered { chan: ChanId, kind: KindId },
}

impl From<Cause> for CausePart {
    fn from(c: Cause) -> CausePart {
        match c {
            Cause::Captured { chan, kind, loss } => CausePart::Captured { chan, kind, loss },
            Cause::Partitioned { chan, kind, partition } => CausePart::Partitioned { chan, kind, partition },
            Cause::ReceiverDown { chan, kind } => CausePart::ReceiverDown { chan, kind },
            Cause::InFlight { chan, kind } => CausePart::InFlight { chan, kind },
            Cause::Late { chan, kind } => CausePart::Late { chan, kind },
            Cause::Crashed { general } => CausePart::Crashed { general },
            Cause::Delivered { chan, kind } => CausePart::Delivered { chan, kind },
        }
    }
}

impl CausePart {
    /// The cause, if it names what `model` has (a part is read from a file).
    fn cause(self, model: &Model) -> Option<Cause> {
        let chan_kind = |chan: ChanId, kind: KindId| {
            (model.channels.len() > chan as usize && model.kinds.len() > kind as usize).then_some(())
        };
        Some(match self {
            CausePart::Captured { chan, kind, loss } => {
                chan_kind(chan, kind)?;
                (model.channels[chan as usize].losses.len() > loss as usize).then_some(())?;
                Cause::Captured { chan, kind, loss }
            }
            CausePart::Partitioned { chan, kind, partition } => {
                chan_kind(chan, kind)?;
                (model.partitions.len() > partition as usize).then_some(())?;
                Cause::Partitioned { chan, kind, partition }
            }
            CausePart::ReceiverDown { chan, kind } => {
                chan_kind(chan, kind)?;
                Cause::ReceiverDown { chan, kind }
            }
            CausePart::InFlight { chan, kind } => {
                chan_kind(chan, kind)?;
                Cause::InFlight { chan, kind }
            }
            CausePart::Late { chan, kind } => {
                chan_kind(chan, kind)?;
                Cause::Late { chan, kind }
            }
            CausePart::Crashed { general } => {
                (model.generals.len() > general as usize).then_some(())?;
                Cause::Crashed { general }
            }
            CausePart::Delivered { chan, kind } => {
                chan_kind(chan, kind)?;
                Cause::Delivered { chan, kind }
            }
        })
    }
}

impl From<&Tally> for TallyPart {
    fn from(t: &Tally) -> TallyPart {
        TallyPart {
            trials: t.trials,
            outcomes: t.outcomes.to_vec(),
            fates: t.fates.iter().map(|f| f.to_vec()).collect(),
            commits: t.commits.iter().map(|c| c.iter().map(|(v, n)| (*v, *n)).collect()).collect(),
            other_commits: t.other_commits.clone(),
            explained: t
                .explained
                .iter()
                .map(|((general, fate, value), (count, causes))| ExplainedPart {
                    general: *general,
                    fate: *fate,
                    value: *value,
                    count: *count,
                    causes: causes
                        .iter()
                        .map(|(cs, n)| (cs.iter().map(|c| CausePart::from(*c)).collect(), *n))
                        .collect(),
                })
                .collect(),
            explain_cut: t.explain_cut.map(|c| [c.asked, c.events]),
        }
    }
}

impl TallyPart {
    /// The tally, if every count fits `model` (its generals, fates, causes); else what
    /// does not.
    pub fn tally(&self, model: &Model) -> Result<Tally, String> {
        let generals = model.generals.len();
        let mut t = Tally::new(generals);
        t.trials = self.trials;
        if self.outcomes.len() != OUTCOMES.len() {
            return Err(format!("{} outcome counts, not {}", self.outcomes.len(), OUTCOMES.len()));
        }
        t.outcomes.copy_from_slice(&self.outcomes);
        let per_general = |what: &str, n: usize| {
            if n == generals { Ok(()) } else { Err(format!("{what} of {n} generals; the scenario has {generals}")) }
        };
        per_general("fates", self.fates.len())?;
        per_general("commits", self.commits.len())?;
        per_general("other commits", self.other_commits.len())?;
        for (g, f) in self.fates.iter().enumerate() {
            if f.len() != FATES.len() {
                return Err(format!("{} fate counts for a general, not {}", f.len(), FATES.len()));
            }
            t.fates[g].copy_from_slice(f);
        }
        for (g, values) in self.commits.iter().enumerate() {
            t.commits[g] = values.iter().copied().collect::<BTreeMap<_, _>>();
            if t.commits[g].len() != values.len() {
                return Err("a value committed is counted twice".to_string());
            }
        }
        t.other_commits.clone_from(&self.other_commits);
        for e in &self.explained {
            if e.general as usize >= generals || e.fate >= FATES.len() {
                return Err(format!(
                    "explained trials of general {} and fate {}, which do not exist",
                    e.general, e.fate
                ));
            }
            let mut causes = BTreeMap::new();
            for (cs, n) in &e.causes {
                let cs = cs
                    .iter()
                    .map(|c| c.cause(model))
                    .collect::<Option<Vec<Cause>>>()
                    .ok_or("a cause names a channel, kind, loss rule, partition or general the scenario lacks")?;
                *causes.entry(cs).or_default() += n;
            }
            if t.explained.insert((e.general, e.fate, e.value), (e.count, causes)).is_some() {
                return Err("explained trials are counted twice".to_string());
            }
        }
        t.explain_cut = self.explain_cut.map(|[asked, events]| ExplainCut { asked, events });
        Ok(t)
    }
}

/// The blocks of a batch of `trials` trials.
pub fn blocks(trials: u64) -> u64 {
    trials.div_ceil(BLOCK)
}

/// The part of slice `shard` of the batch `cfg` of `l` (with the `--param` overrides
/// `params`): the blocks it ran, and their tally.
pub fn part(
    l: &crate::Loaded,
    params: &[String],
    cfg: &crate::analysis::trials::Config,
    shard: super::Shard,
    blocks: std::ops::Range<u64>,
    tally: &Tally,
) -> super::Part {
    let work = TrialsPart {
        source: l.source.text.to_string(),
        params: params.to_vec(),
        seed: cfg.seed,
        trials: cfg.trials,
        explain: cfg.explain,
        max_events: cfg.max_events,
        blocks: [blocks.start, blocks.end],
        tally: TallyPart::from(tally),
    };
    super::Part::new(&l.source.name, &l.source.text, shard, super::Work::Trials(work))
}
