//! A slice of a sweep's points as a part: the sweep (its params, method, seed, bounds)
//! and the rows of the slice's points, every number as the bits of the one computed.

use serde::{Deserialize, Serialize};

use crate::analysis::trials::OUTCOMES;
use crate::report::ScenarioInfo;
use crate::report::sweep::{Cell, SweepReport, SweepRow};

/// A slice of `herald sweep`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SweepPart {
    /// Every `--param`, as given (the swept one and the fixed ones).
    pub params: Vec<String>,
    /// The swept param.
    pub param: String,
    /// `exact` or `trials`.
    pub method: String,
    pub trials: Option<u64>,
    pub seed: Option<u64>,
    pub max_events: u64,
    pub max_states: u64,
    pub max_memory: u64,
    pub title: Option<String>,
    pub about: Option<String>,
    /// The points of the whole sweep.
    pub points: u64,
    /// The outcomes shown, in column order.
    pub outcomes: Vec<String>,
    /// The rows of this slice's points, in order.
    pub rows: Vec<RowPart>,
}

/// One point's row. Numbers are kept as the bits of their `f64`, so that the merged
/// report prints exactly what the whole sweep prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowPart {
    pub value: String,
    pub x: u64,
    pub cells: Vec<CellPart>,
}

/// One outcome's probability at one point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellPart {
    pub outcome: String,
    pub probability: u64,
    pub exact: Option<String>,
    pub low: Option<u64>,
    pub high: Option<u64>,
}

impl From<&SweepRow> for RowPart {
    fn from(r: &SweepRow) -> RowPart {
        RowPart {
            value: r.value.clone(),
            x: r.x.to_bits(),
            cells: r
                .outcomes
                .iter()
                .map(|c| CellPart {
                    outcome: c.outcome.to_string(),
                    probability: c.probability.to_bits(),
                    exact: c.exact.clone(),
                    low: c.low.map(f64::to_bits),
                    high: c.high.map(f64::to_bits),
                })
                .collect(),
        }
    }
}

/// An outcome's word as the reports hold it, if it is one.
fn outcome_word(w: &str) -> Option<&'static str> {
    OUTCOMES.iter().map(|o| o.word()).find(|x| *x == w)
}

impl SweepPart {
    /// The sweep's report from the rows of all its slices (`rows`, in order); `file` is
    /// the scenario's name. `Err`: what does not fit.
    pub fn report(&self, file: &str, rows: &[RowPart]) -> Result<SweepReport, String> {
        let outcomes = self
            .outcomes
            .iter()
            .map(|w| outcome_word(w).ok_or_else(|| format!("'{w}' is not an outcome")))
            .collect::<Result<Vec<_>, _>>()?;
        let method = match self.method.as_str() {
            "exact" => "exact",
            "trials" => "trials",
            m => return Err(format!("'{m}' is not a sweep's method")),
        };
        let rows = rows
            .iter()
            .map(|r| {
                if r.cells.len() != outcomes.len() {
                    return Err(format!("the row of {} has {} cells, not {}", r.value, r.cells.len(), outcomes.len()));
                }
                let cells = r
                    .cells
                    .iter()
                    .zip(&outcomes)
                    .map(|(c, o)| {
                        (c.outcome == *o).then_some(()).ok_or_else(|| format!("a cell of {} is not {o}", r.value))?;
                        Ok(Cell {
                            outcome: o,
                            probability: f64::from_bits(c.probability),
                            exact: c.exact.clone(),
                            low: c.low.map(f64::from_bits),
                            high: c.high.map(f64::from_bits),
                        })
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                Ok(SweepRow { value: r.value.clone(), x: f64::from_bits(r.x), outcomes: cells })
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(SweepReport {
            herald: crate::report::SCHEMA_VERSION,
            scenario: ScenarioInfo { file: file.to_string(), title: self.title.clone(), about: self.about.clone() },
            param: self.param.clone(),
            method,
            trials: self.trials,
            seed: self.seed,
            outcomes,
            rows,
        })
    }

    /// The part with its rows left out: what every slice of one sweep shares.
    #[must_use]
    pub fn shared(&self) -> SweepPart {
        SweepPart { rows: Vec::new(), ..self.clone() }
    }
}

/// The part of slice `shard` of a sweep of `points` points of the scenario `text`:
/// `report` is the slice's (its rows the slice's); `params` every `--param` as given;
/// `limits` the bounds of its runs and searches (events, states, memory).
pub fn part(
    report: &SweepReport,
    params: &[String],
    (max_events, max_states, max_memory): (u64, u64, u64),
    points: u64,
    shard: super::Shard,
    text: &str,
) -> super::Part {
    let work = SweepPart {
        params: params.to_vec(),
        param: report.param.clone(),
        method: report.method.to_string(),
        trials: report.trials,
        seed: report.seed,
        max_events,
        max_states,
        max_memory,
        title: report.scenario.title.clone(),
        about: report.scenario.about.clone(),
        points,
        outcomes: report.outcomes.iter().map(|o| o.to_string()).collect(),
        rows: report.rows.iter().map(RowPart::from).collect(),
    };
    super::Part::new(&report.scenario.file, text, shard, super::Work::Sweep(work))
}
