//! `herald run`: one run, seeded or replayed, reported (and its choices saved as a replay);
//! with `--trials N`, many runs and their frequencies.

use std::path::PathBuf;
use std::sync::Arc;

use super::input::{diags, display_name, read_and_load, read_replay, save_replay};
use super::{EXIT_INVALID, EXIT_LIMIT, EXIT_OK, Env, Format, Output, no_mermaid};
use crate::Loaded;
use crate::diag::{Code, Diag, Span};
use crate::replay::Replay;
use crate::report::{self, mermaid, render_run, run_error, to_json, to_yaml};
use crate::sim::{Mode, Recording, Script, Seeded, Sim};

/// The work of a batch (in events, [`Estimate::work`](crate::analysis::trials::Estimate::work))
/// from which a progress bar is shown on a terminal: about a second's work, or more.
pub const BAR_WORK: u64 = 25_000_000;

/// The arguments of `herald run`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The scenario file (`-` reads standard input).
    pub file: String,
    /// Seed of the run (default: the scenario's `seed`, else 0).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override a param: NAME=VALUE (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Stop a run after this many events (messengers sent and rules fired).
    #[arg(long, default_value_t = crate::sim::DEFAULT_MAX_EVENTS)]
    pub max_events: u64,
    /// Run this many trials (Monte Carlo) and report frequencies and reasons.
    #[arg(long)]
    pub trials: Option<u64>,
    /// Worker threads for trials, 1 to 256 (default: one per core); results do not depend on it.
    #[arg(long, requires = "trials", value_parser = super::jobs)]
    pub jobs: Option<usize>,
    /// How many trials to explain, spread evenly over the batch, to find the reasons.
    #[arg(long, requires = "trials", default_value_t = 1000)]
    pub explain: u64,
    /// Run the choices of a replay file instead of a seed (its params too).
    #[arg(long, value_name = "REPLAY.yaml", conflicts_with_all = ["seed", "trials", "params"])]
    pub replay: Option<PathBuf>,
    /// Save the run's choices as a replay file.
    #[arg(long, value_name = "REPLAY.yaml", conflicts_with = "trials")]
    pub save_replay: Option<PathBuf>,
    /// Run slice K (0 to M-1) of M of the trials and write its part for `herald merge`
    /// (with --format json or yaml).
    #[arg(long, value_name = "K/M", requires = "trials", value_parser = crate::shard::parse_shard)]
    pub shard: Option<crate::shard::Shard>,
}

/// Where a run's choices come from.
enum Source<'a> {
    /// A seeded generator.
    Seed(u64),
    /// A recorded list of choices (with the draws behind them, and the seed, if known).
    Replay(&'a [u32], &'a [Option<u64>], Option<u64>),
}

/// A run's choices and the draws behind them.
type Choices = (Vec<u32>, Vec<Option<u64>>);

/// `herald run`: one run (or `--trials N`), reported.
pub fn command(a: &Args, color: bool, env: &Env) -> Output {
    let mut o = Output::default();
    let code = run(&mut o, a, color, env);
    o.exit(code)
}

fn run(o: &mut Output, a: &Args, color: bool, env: &Env) -> i32 {
    let replayed = match &a.replay {
        Some(path) => match read_replay(o, path, color, env) {
            Ok(r) => Some(r),
            Err(code) => return code,
        },
        None => None,
    };
    let params = replayed.as_ref().map(|r| r.params.clone()).unwrap_or_else(|| a.params.clone());
    let loaded = match read_and_load(o, &a.file, &params, color, env) {
        Ok(l) => l,
        Err(code) => return code,
    };
    if let Some(n) = a.trials {
        if a.format == Format::Mermaid {
            return no_mermaid(o, "run --trials");
        }
        return trials(o, &loaded, n, a, color, env);
    }
    let source = match &replayed {
        Some(r) => {
            let name = a.replay.as_ref().map(|p| display_name(&p.to_string_lossy())).unwrap_or_default();
            if let Err(d) = crate::replay::check_fits(r, &name, &loaded.source.text) {
                diags(o, &[d], &loaded.source, color, env);
                return EXIT_INVALID;
            }
            Source::Replay(&r.choices, &r.draws, r.seed)
        }
        None => Source::Seed(a.seed.unwrap_or(loaded.model.seed)),
    };
    let made_by = match &source {
        Source::Seed(s) => format!("run --seed {s}"),
        Source::Replay(..) => {
            replayed.as_ref().map(|r| r.made_by.clone()).unwrap_or_else(|| "run --replay".to_string())
        }
    };
    let seed_used = match &source {
        Source::Seed(s) => Some(*s),
        Source::Replay(.., s) => *s,
    };
    let (code, (choices, draws)) = single(o, &loaded, source, a.format, a.max_events, color, env);
    if let Some(path) = &a.save_replay
        && code == EXIT_OK
    {
        let mut r = Replay::new(&loaded.source.name, &loaded.source.text, &params, made_by, choices);
        r.seed = seed_used;
        r.draws = if draws.iter().any(Option::is_some) { draws } else { Vec::new() };
        return save_replay(o, path, &r, env);
    }
    code
}

/// One run, reported. Returns the exit code and the run's choices.
fn single(
    o: &mut Output,
    l: &Loaded,
    source: Source,
    format: Format,
    max_events: u64,
    color: bool,
    env: &Env,
) -> (i32, Choices) {
    let mut sim = Sim::new(&l.model, Mode::Traced);
    sim.max_events = max_events;
    let (result, choices, seed) = match source {
        Source::Seed(seed) => {
            let mut rec = Recording { inner: Seeded::new(seed), log: Vec::new() };
            let r = sim.run(&mut rec);
            let choices =
                (rec.log.iter().map(|(_, c)| c.index).collect(), rec.log.iter().map(|(_, c)| c.draw).collect());
            (r, choices, Some(seed))
        }
        Source::Replay(choices, draws, seed) => {
            let mut script = Script::new(choices);
            script.draws = draws;
            let r = sim.run(&mut script);
            if r.is_ok() && (script.mismatch.is_some() || script.pos != choices.len()) {
                let why = match script.mismatch {
                    Some(i) => format!("its choice #{} has no such option in this run", i + 1),
                    None => format!("it holds {} choices, the run made {}", choices.len(), script.pos),
                };
                let mut d = Diag::error(
                    Code::ReplayDoesNotFit,
                    format!("this replay does not fit the scenario: {why}"),
                    Span::default(),
                    "",
                );
                d.labels.clear();
                let d =
                    d.with_help("the scenario or its params changed since the replay was saved: record the run again");
                diags(o, &[d], &l.source, color, env);
                return (EXIT_INVALID, (Vec::new(), Vec::new()));
            }
            (r, (choices.to_vec(), draws.to_vec()), seed)
        }
    };
    if let Err(e) = result {
        diags(o, &[run_error(&l.model, &e)], &l.source, color, env);
        return (EXIT_LIMIT, choices);
    }
    let report = report::build(&sim, l, seed, &choices.0);
    o.out(&match format {
        Format::Text => render_run(&report, color),
        Format::Yaml => to_yaml(&report),
        Format::Json => to_json(&report),
        Format::Mermaid => mermaid::render_run(&report, &l.model),
    });
    (EXIT_OK, choices)
}

/// `herald run --trials N`.
fn trials(o: &mut Output, l: &Loaded, n: u64, a: &Args, color: bool, env: &Env) -> i32 {
    use crate::analysis::trials;
    let seed = a.seed.unwrap_or(l.model.seed);
    if a.shard.is_some() && a.format == Format::Text {
        return super::merge::part_not_text(o);
    }
    // The blocks to run: all, or a shard's slice of them.
    let blocks = a.shard.unwrap_or(crate::shard::Shard::WHOLE).slice(crate::shard::trials::blocks(n));
    let mut cfg =
        trials::Config { trials: n, seed, jobs: a.jobs, explain: a.explain, max_events: a.max_events, progress: None };
    // A bar for a batch of a second's work or more: estimated from its first trials'
    // events (deterministic; worked out only when there is a terminal to draw on).
    let bar = env.progress.clone().filter(|_| trials::estimate(&l.model, &cfg).work(n) >= BAR_WORK);
    if let Some(b) = &bar {
        let trial = |b: u64| b.saturating_mul(trials::BLOCK).min(n);
        b.start(trial(blocks.end) - trial(blocks.start), "trials");
    }
    cfg.progress = bar.clone().map(|b| Arc::new(move |k: u64| b.advance(k)) as Arc<dyn Fn(u64) + Send + Sync>);
    let result = trials::run_blocks_of(&l.model, &l.source.text, &cfg, blocks.clone());
    if let Some(b) = bar {
        b.finish();
    }
    let tally = match result {
        Ok(t) => t,
        Err(e) => {
            let mut d = run_error(&l.model, &e.error);
            d.message = format!("trial {}: {}", e.trial, d.message);
            diags(o, &[d], &l.source, color, env);
            return EXIT_LIMIT;
        }
    };
    if let Some(shard) = a.shard {
        let part = crate::shard::trials::part(l, &a.params, &cfg, shard, blocks, &tally);
        o.out(&part.to_text(a.format == Format::Json));
        return EXIT_OK;
    }
    let report = report::trials::build(l, seed, &tally);
    let text = match a.format {
        Format::Text => report::trials::render(&report, color),
        Format::Yaml => to_yaml(&report),
        Format::Json => to_json(&report),
        Format::Mermaid => return no_mermaid(o, "run --trials"),
    };
    o.out(&text);
    EXIT_OK
}
