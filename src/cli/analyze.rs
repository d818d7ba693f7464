//! `herald analyze`: exact outcome probabilities, and the most likely run to each outcome
//! (saved as replays with `--save-replays`).

use std::path::PathBuf;

use super::input::{diags, read_and_load, save_replays, search_stopped};
use super::{EXIT_LIMIT, EXIT_OK, Env, Format, Output};
use crate::analysis::budget::{Limits, parse_size};
use crate::analysis::exact::{DEFAULT_MAX_STATES, ExactError, analyze_limited};
use crate::report::{self, mermaid, run_error, to_json, to_yaml};

/// The arguments of `herald analyze`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The scenario file (`-` reads standard input).
    pub file: String,
    /// Override a param: NAME=VALUE (repeatable).
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
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
    /// Save the most likely run to each outcome as DIR/OUTCOME.replay.yaml.
    #[arg(long, value_name = "DIR")]
    pub save_replays: Option<PathBuf>,
}

/// `herald analyze`: the exact analysis, reported.
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
    if let Some(p) = &env.progress {
        p.status(String::new());
    }
    let show = env.progress.clone().map(|p| move |n: u64| p.status(format!("{n} distinct states explored")));
    let limits = Limits { max_states: a.max_states, max_memory: a.max_memory, max_events: a.max_events };
    let result = analyze_limited(&l.model, limits, show.as_ref().map(|f| f as &dyn Fn(u64)));
    if let Some(p) = &env.progress {
        p.finish();
    }
    let exact = match result {
        Ok(e) => e,
        Err(ExactError::Stopped(stop)) => {
            diags(o, &[search_stopped(stop, "analyze", &l.source.name)], &l.source, color, env);
            return EXIT_LIMIT;
        }
        Err(ExactError::Run { error, .. }) => {
            diags(o, &[run_error(&l.model, &error)], &l.source, color, env);
            return EXIT_LIMIT;
        }
    };
    let report = report::analyze::build(&l, &exact);
    if let Some(dir) = &a.save_replays {
        let runs: Vec<(&str, &str, &[u32])> = report
            .most_likely
            .iter()
            .map(|m| (m.outcome, "analyze: the most likely run", m.choices.as_slice()))
            .collect();
        let code = save_replays(o, dir, &l, &a.params, &runs, env);
        if code != EXIT_OK {
            return code;
        }
    }
    o.out(&match a.format {
        Format::Text => report::analyze::render(&report, color),
        Format::Yaml => to_yaml(&report),
        Format::Json => to_json(&report),
        Format::Mermaid => mermaid::render_analyze(&report, &l.model),
    });
    EXIT_OK
}
