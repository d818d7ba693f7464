//! `herald explore`: the adversary's view, which outcomes some choice of losses, delays and
//! crashes makes happen (the shortest run to each, saved with `--save-replays`), and which
//! never happen.

use std::path::PathBuf;

use super::input::{diags, read_and_load, save_replays, search_stopped};
use super::{EXIT_LIMIT, EXIT_OK, Env, Format, Output};
use crate::analysis::budget::{Limits, parse_size};
use crate::analysis::explore::{DEFAULT_MAX_STATES, ExploreError, explore_limited};
use crate::report::{self, mermaid, run_error, to_json, to_yaml};

/// The arguments of `herald explore`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The scenario file (`-` reads standard input).
    pub file: String,
    /// Override a param: NAME=VALUE (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Delays take their smallest value instead of being choices.
    #[arg(long)]
    pub fixed_delays: bool,
    /// Give up past this many distinct states.
    #[arg(long, default_value_t = DEFAULT_MAX_STATES)]
    pub max_states: u64,
    /// Give up before the states held take more memory than this (512MiB, 4GiB, ...).
    #[arg(long, value_name = "SIZE", default_value = "2GiB", value_parser = parse_size)]
    pub max_memory: u64,
    /// Stop a run after this many events (messengers sent and rules fired): a run of the
    /// search past it stops the search.
    #[arg(long, default_value_t = crate::sim::DEFAULT_MAX_EVENTS)]
    pub max_events: u64,
    /// Save the shortest run to each possible outcome as DIR/OUTCOME.replay.yaml.
    #[arg(long, value_name = "DIR")]
    pub save_replays: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Search part K (0 to M-1) of M of the adversary's first choices and write its part
    /// for `herald merge` (with --format json or yaml).
    #[arg(long, value_name = "K/M", value_parser = crate::shard::parse_shard, conflicts_with = "save_replays")]
    pub shard: Option<crate::shard::Shard>,
}

/// `herald explore`: the exploration, reported.
pub fn command(a: &Args, color: bool, env: &Env) -> Output {
    let mut o = Output::default();
    let code = run(&mut o, a, color, env);
    o.exit(code)
}

fn run(o: &mut Output, a: &Args, color: bool, env: &Env) -> i32 {
    let l = match read_and_load(o, &a.file, &a.params, color, env) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let limits = Limits { max_states: a.max_states, max_memory: a.max_memory, max_events: a.max_events };
    if let Some(shard) = a.shard {
        return super::merge::explore_part(o, &l, a, limits, shard, color, env);
    }
    let explored = match explore_limited(&l.model, limits, a.fixed_delays) {
        Ok(e) => e,
        Err(ExploreError::Stopped(stop)) => {
            diags(o, &[search_stopped(stop, "explore", &l.source.name)], &l.source, color, env);
            return EXIT_LIMIT;
        }
        Err(ExploreError::Run { error, .. }) => {
            diags(o, &[run_error(&l.model, &error)], &l.source, color, env);
            return EXIT_LIMIT;
        }
    };
    let report = report::explore::build(&l, &explored);
    if let Some(dir) = &a.save_replays {
        let runs: Vec<(&str, &str, &[u32])> =
            report.possible.iter().map(|p| (p.outcome, "explore: the shortest run", p.choices.as_slice())).collect();
        let code = save_replays(o, dir, &l, &a.params, &runs, env);
        if code != EXIT_OK {
            return code;
        }
    }
    o.out(&match a.format {
        Format::Text => report::explore::render(&report, color),
        Format::Yaml => to_yaml(&report),
        Format::Json => to_json(&report),
        Format::Mermaid => mermaid::render_explore(&report, &l.model),
    });
    EXIT_OK
}
