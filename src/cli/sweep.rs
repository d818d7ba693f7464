//! `herald sweep`: outcome probabilities as one param varies, exact or by trials: a table,
//! a chart in the terminal, and an SVG chart with `--chart`.

use std::path::PathBuf;

use super::input::{diags, read_input};
use super::{EXIT_INVALID, EXIT_LIMIT, EXIT_OK, EXIT_USAGE, Env, Format, Output, no_mermaid};
use crate::analysis::budget::{Limits, Stop, parse_size, show_size};
use crate::analysis::{exact, stats::wilson, sweep, trials as tr};
use crate::diag::Source;
use crate::report::sweep::{Cell, SweepReport, SweepRow};
use crate::report::{self, run_error, to_json, to_yaml};
use crate::syntax::ast::Outcome;
use crate::{Failed, Loaded, load};

/// The arguments of `herald sweep`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The scenario file (`-` reads standard input).
    pub file: String,
    /// The param to sweep, NAME=A..B[:STEP] (copies=1..8, loss=10%..90%:10%);
    /// other --param NAME=VALUE fix the rest.
    #[allow(rustdoc::broken_intra_doc_links, reason = "clap's help text: [:STEP] is literal, not a link")]
    #[arg(long = "param", value_name = "NAME=A..B[:STEP]", required = true)]
    pub params: Vec<String>,
    /// Estimate each value with this many trials instead of the exact analysis.
    #[arg(long, conflicts_with = "exact")]
    pub trials: Option<u64>,
    /// Exact probabilities (the default).
    #[arg(long)]
    pub exact: bool,
    /// Seed of the trials (default: the scenario's).
    #[arg(long, requires = "trials")]
    pub seed: Option<u64>,
    /// Worker threads for trials, 1 to 256 (default: one per core).
    #[arg(long, requires = "trials", value_parser = super::jobs)]
    pub jobs: Option<usize>,
    /// Write the chart as SVG to this file.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
    /// Give up an exact analysis past this many distinct states.
    #[arg(long, default_value_t = exact::DEFAULT_MAX_STATES)]
    pub max_states: u64,
    /// Give up an exact analysis before its states take more memory than this.
    #[arg(long, value_name = "SIZE", default_value = "2GiB", value_parser = parse_size)]
    pub max_memory: u64,
    /// Stop a run after this many events (messengers sent and rules fired): exactly, a
    /// run of the search past it stops the sweep; by trials, a trial past it does.
    #[arg(long, default_value_t = crate::sim::DEFAULT_MAX_EVENTS)]
    pub max_events: u64,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Compute slice K (0 to M-1) of M of the points and write its part for `herald merge`
    /// (with --format json or yaml; the merge draws the chart).
    #[arg(long, value_name = "K/M", value_parser = crate::shard::parse_shard, conflicts_with = "chart")]
    pub shard: Option<crate::shard::Shard>,
}

/// `herald sweep`: the sweep, reported (and charted).
pub fn command(a: &Args, color: bool, env: &Env) -> Output {
    let mut o = Output::default();
    let code = run(&mut o, a, color, env);
    o.exit(code)
}

fn run(o: &mut Output, a: &Args, color: bool, env: &Env) -> i32 {
    if a.format == Format::Mermaid {
        return no_mermaid(o, "sweep");
    }
    if a.shard.is_some() && a.format == Format::Text {
        return super::merge::part_not_text(o);
    }
    let (name, bytes) = match read_input(env, &a.file) {
        Ok(r) => r,
        Err(msg) => {
            o.err(&format!("error: {msg}\n"));
            return EXIT_INVALID;
        }
    };
    let (ranges, fixed): (Vec<&String>, Vec<&String>) = a.params.iter().partition(|p| sweep::is_range(p));
    let fixed: Vec<String> = fixed.into_iter().cloned().collect();
    let range = match ranges.as_slice() {
        [one] => match sweep::parse_range(one) {
            Ok(r) => r,
            Err(d) => {
                diags(o, &[d], &Source::new(name, ""), color, env);
                return EXIT_INVALID;
            }
        },
        _ => {
            o.err(&format!(
                "error: give exactly one --param NAME=A..B[:STEP] to sweep (found {}); fix the others with --param NAME=VALUE\n",
                ranges.len()
            ));
            return EXIT_USAGE;
        }
    };
    let mut rows = Vec::new();
    let mut shown: Vec<Outcome> = Vec::new();
    let mut info = None;
    let mut seed_used = None;
    // The scenario's text, as loaded (for a part's fingerprint).
    let mut text = std::sync::Arc::default();
    // The points to compute: all, or a shard's slice of them. (Every point is loaded, for
    // what the report says of the scenario and the seed, as the whole sweep does.)
    let slice = a.shard.unwrap_or(crate::shard::Shard::WHOLE).slice(range.values.len() as u64);
    for (i, v) in range.values.iter().enumerate() {
        let mut ps = fixed.clone();
        ps.push(format!("{}={}", range.name, v.text));
        let l = match load(&name, &bytes, &ps) {
            Ok(l) => l,
            Err(Failed { source, diags: ds }) => {
                diags(o, &ds, &source, color, env);
                return EXIT_INVALID;
            }
        };
        if shown.is_empty() {
            shown = tr::OUTCOMES
                .iter()
                .copied()
                .filter(|o| l.model.values == matches!(o.word(), "agreement" | "disagreement" | "undecided"))
                .collect();
            text = l.source.text.clone();
            info = Some(report::ScenarioInfo {
                file: l.source.name.clone(),
                title: l.model.title.clone(),
                about: l.model.about.clone(),
            });
        }
        if a.trials.is_some() {
            seed_used = Some(a.seed.unwrap_or(l.model.seed));
        }
        if !slice.contains(&(i as u64)) {
            continue;
        }
        let cells = match a.trials {
            Some(n) => {
                let s = a.seed.unwrap_or(l.model.seed);
                by_trials(o, &l, &shown, (n, s, a.max_events), a.jobs, color, env)
            }
            None => {
                let limits = Limits { max_states: a.max_states, max_memory: a.max_memory, max_events: a.max_events };
                exactly(o, &l, &shown, limits, &range.name, &v.label, color, env)
            }
        };
        let cells = match cells {
            Ok(c) => c,
            Err(code) => return code,
        };
        rows.push(SweepRow { value: v.label.clone(), x: v.x, outcomes: cells });
    }
    let report = SweepReport {
        herald: report::SCHEMA_VERSION,
        scenario: info.expect("a range has at least one value"),
        param: range.name.clone(),
        method: if a.trials.is_some() { "trials" } else { "exact" },
        trials: a.trials,
        seed: seed_used,
        outcomes: shown.iter().map(|o| o.word()).collect(),
        rows,
    };
    if let Some(shard) = a.shard {
        let limits = (a.max_events, a.max_states, a.max_memory);
        let part = crate::shard::sweep::part(&report, &a.params, limits, range.values.len() as u64, shard, &text);
        o.out(&part.to_text(a.format == Format::Json));
        return EXIT_OK;
    }
    if let Some(path) = &a.chart
        && let Err(code) = chart(o, &report, path, env)
    {
        return code;
    }
    let text = match a.format {
        Format::Text => report::sweep::render(&report, color),
        Format::Yaml => to_yaml(&report),
        Format::Json => to_json(&report),
        Format::Mermaid => return no_mermaid(o, "sweep"),
    };
    o.out(&text);
    EXIT_OK
}

/// Writes the sweep's chart as SVG to `path` (and says so on standard error); the error is
/// the exit code.
pub(super) fn chart(o: &mut Output, report: &SweepReport, path: &std::path::Path, env: &Env) -> Result<(), i32> {
    // A failed write is told in the words of plotters, which used to write the file.
    let written = report::sweep::svg(report).and_then(|svg| {
        env.files.write(path, svg.as_bytes()).map_err(|e| format!("backend error: Drawing backend error: {e}"))
    });
    if let Err(e) = written {
        o.err(&format!("error: cannot write the chart to {}: {e}\n", path.display()));
        return Err(EXIT_INVALID);
    }
    o.err(&format!("chart written to {}\n", path.display()));
    Ok(())
}

/// The shown outcomes' frequencies in `n` trials, with their intervals.
#[allow(clippy::too_many_arguments)]
fn by_trials(
    o: &mut Output,
    l: &Loaded,
    shown: &[Outcome],
    (n, seed, max_events): (u64, u64, u64),
    jobs: Option<usize>,
    color: bool,
    env: &Env,
) -> Result<Vec<Cell>, i32> {
    let cfg = tr::Config { trials: n, seed, jobs, explain: 0, max_events, progress: None };
    let tally = match tr::run(&l.model, &l.source.text, &cfg) {
        Ok(t) => t,
        Err(e) => {
            diags(o, &[run_error(&l.model, &e.error)], &l.source, color, env);
            return Err(EXIT_LIMIT);
        }
    };
    Ok(shown
        .iter()
        .map(|oc| {
            let x = tally.outcomes[tr::outcome_index(*oc)];
            let (low, high) = wilson(x, tally.trials);
            Cell {
                outcome: oc.word(),
                probability: x as f64 / tally.trials.max(1) as f64,
                exact: None,
                low: Some(low),
                high: Some(high),
            }
        })
        .collect())
}

/// The shown outcomes' exact probabilities (`param=label`: the value, for the error).
#[allow(clippy::too_many_arguments)]
fn exactly(
    o: &mut Output,
    l: &Loaded,
    shown: &[Outcome],
    limits: Limits,
    param: &str,
    label: &str,
    color: bool,
    env: &Env,
) -> Result<Vec<Cell>, i32> {
    let e = match exact::analyze_limited(&l.model, limits, None) {
        Ok(e) => e,
        Err(exact::ExactError::Stopped(stop)) => {
            let why = match stop {
                Stop::States(limit) => format!("more than {limit} distinct states"),
                Stop::Memory { limit, .. } => format!("states that would take more than {}", show_size(limit)),
                Stop::Work { limit, .. } => format!("more than {limit} words of exact arithmetic"),
            };
            o.err(&format!("error: at {param}={label}, {why}: use --trials N (or raise --max-states)\n"));
            return Err(EXIT_LIMIT);
        }
        Err(exact::ExactError::Run { error, .. }) => {
            diags(o, &[run_error(&l.model, &error)], &l.source, color, env);
            return Err(EXIT_LIMIT);
        }
    };
    Ok(shown
        .iter()
        .map(|oc| {
            let p = &e.outcomes[tr::outcome_index(*oc)];
            Cell { outcome: oc.word(), probability: exact::to_f64(p), exact: exact::fraction(p), low: None, high: None }
        })
        .collect())
}
