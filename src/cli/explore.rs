//! `herald explore`: the adversary's view, which outcomes some choice of losses, delays and
//! crashes makes happen (the shortest run to each, saved with `--save-replays`), and which
//! never happen.

use std::path::PathBuf;

use super::input::{diags, read_and_load, save_replays};
use super::{EXIT_LIMIT, EXIT_OK, Env, Format, Output};
use crate::analysis::explore::{DEFAULT_MAX_STATES, ExploreError, explore};
use crate::diag::{Code, Diag, Span};
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
    /// Save the shortest run to each possible outcome as DIR/OUTCOME.replay.yaml.
    #[arg(long, value_name = "DIR")]
    pub save_replays: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
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
    let explored = match explore(&l.model, a.max_states, a.fixed_delays) {
        Ok(e) => e,
        Err(ExploreError::TooManyStates { limit }) => {
            let mut d = Diag::error(
                Code::ExploreTooManyStates,
                format!("the adversary has more than {limit} distinct states to try: the exploration stopped"),
                Span::default(),
                "",
            );
            d.labels.clear();
            let d = d.with_help("try --fixed-delays, fewer messengers or a shorter horizon, or raise --max-states");
            diags(o, &[d], &l.source, color, env);
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
