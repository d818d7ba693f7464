//! The command line: arguments, commands, output and exit codes.

use std::io::{IsTerminal, Read, Write};
use std::path::Path;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diag::{Diag, Source, render};
use crate::{Failed, Loaded, load};

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: expectations failed (`herald test`).
pub const EXIT_FAILED: i32 = 1;
/// Exit code: bad command-line usage (clap's own).
pub const EXIT_USAGE: i32 = 2;
/// Exit code: the scenario is invalid or unreadable.
pub const EXIT_INVALID: i32 = 3;
/// Exit code: a run stopped at a limit (too many events, an arithmetic error).
pub const EXIT_LIMIT: i32 = 4;

/// herald: scenarios of the Two Generals Problem, run and explained.
#[derive(Parser, Debug)]
#[command(name = "herald", version, about, long_about = None)]
pub struct Cli {
    /// When to use colour: auto (only on a terminal, and not when NO_COLOR is set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

/// Colour choice.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Report format.
#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Text,
    Yaml,
    Json,
    Mermaid,
}

/// `--format mermaid` where no single run is reported: a usage error.
fn no_mermaid(what: &str) -> i32 {
    eprintln!(
        "error: --format mermaid draws single runs, and {what} reports none; use --format text, yaml or json \
         (to draw one run: herald run FILE [--seed N] --format mermaid)"
    );
    EXIT_USAGE
}

/// The commands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a scenario once: the timeline, each decision and why, the outcome.
    Run {
        /// The scenario file (`-` reads standard input).
        file: String,
        /// Seed of the run (default: the scenario's `seed`, else 0).
        #[arg(long)]
        seed: Option<u64>,
        /// Override a param: NAME=VALUE (repeatable).
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Stop a run after this many events (messengers sent and rules fired).
        #[arg(long, default_value_t = crate::sim::DEFAULT_MAX_EVENTS)]
        max_events: u64,
        /// Run this many trials (Monte Carlo) and report frequencies and reasons.
        #[arg(long)]
        trials: Option<u64>,
        /// Worker threads for trials (default: one per core); results do not depend on it.
        #[arg(long, requires = "trials")]
        jobs: Option<usize>,
        /// How many trials to explain, spread evenly over the batch, to find the reasons.
        #[arg(long, requires = "trials", default_value_t = 1000)]
        explain: u64,
        /// Run the choices of a replay file instead of a seed (its params too).
        #[arg(long, value_name = "REPLAY.yaml", conflicts_with_all = ["seed", "trials", "params"])]
        replay: Option<std::path::PathBuf>,
        /// Save the run's choices as a replay file.
        #[arg(long, value_name = "REPLAY.yaml", conflicts_with = "trials")]
        save_replay: Option<std::path::PathBuf>,
    },
    /// Exact outcome probabilities: every random choice enumerated, identical states merged,
    /// with the most likely run to each outcome, explained.
    Analyze {
        /// The scenario file (`-` reads standard input).
        file: String,
        /// Override a param: NAME=VALUE (repeatable).
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Give up past this many distinct states.
        #[arg(long, default_value_t = crate::analysis::exact::DEFAULT_MAX_STATES)]
        max_states: u64,
        /// Save the most likely run to each outcome as DIR/OUTCOME.replay.yaml.
        #[arg(long, value_name = "DIR")]
        save_replays: Option<std::path::PathBuf>,
    },
    /// The adversary's view: every probabilistic loss and every delay is a choice; which
    /// outcomes are possible (with the shortest run to each) and which are not.
    Explore {
        /// The scenario file (`-` reads standard input).
        file: String,
        /// Override a param: NAME=VALUE (repeatable).
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
        /// Delays take their smallest value instead of being choices.
        #[arg(long)]
        fixed_delays: bool,
        /// Give up past this many distinct states.
        #[arg(long, default_value_t = crate::analysis::explore::DEFAULT_MAX_STATES)]
        max_states: u64,
        /// Save the shortest run to each possible outcome as DIR/OUTCOME.replay.yaml.
        #[arg(long, value_name = "DIR")]
        save_replays: Option<std::path::PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Outcome probabilities as one param varies: a table, a chart in the terminal, and
    /// optionally an SVG chart.
    Sweep {
        /// The scenario file (`-` reads standard input).
        file: String,
        /// The param to sweep, NAME=A..B[:STEP] (copies=1..8, loss=10%..90%:10%);
        /// other --param NAME=VALUE fix the rest.
        #[arg(long = "param", value_name = "NAME=A..B[:STEP]", required = true)]
        params: Vec<String>,
        /// Estimate each value with this many trials instead of the exact analysis.
        #[arg(long, conflicts_with = "exact")]
        trials: Option<u64>,
        /// Exact probabilities (the default).
        #[arg(long)]
        exact: bool,
        /// Seed of the trials (default: the scenario's).
        #[arg(long, requires = "trials")]
        seed: Option<u64>,
        /// Worker threads for trials.
        #[arg(long, requires = "trials")]
        jobs: Option<usize>,
        /// Write the chart as SVG to this file.
        #[arg(long, value_name = "FILE.svg")]
        chart: Option<std::path::PathBuf>,
        /// Give up an exact analysis past this many distinct states.
        #[arg(long, default_value_t = crate::analysis::exact::DEFAULT_MAX_STATES)]
        max_states: u64,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Check every `expect` of the scenarios, and compare their runs with the golden files
    /// beside them (`NAME.golden.txt`, `NAME.golden.yaml`).
    Test {
        /// Scenario files or folders (searched recursively for .herald files); default `.`.
        paths: Vec<String>,
        /// Write (or rewrite) the golden files of every scenario tested.
        #[arg(long)]
        bless: bool,
        /// Worker threads for the trials of `probability` expectations.
        #[arg(long)]
        jobs: Option<usize>,
    },
    /// Parse and check scenarios: errors and warnings, nothing run.
    Check {
        /// Scenario files (`-` reads standard input).
        #[arg(required = true)]
        files: Vec<String>,
        /// Override a param: NAME=VALUE (repeatable).
        #[arg(long = "param", value_name = "NAME=VALUE")]
        params: Vec<String>,
    },
    /// Rewrite scenario files in the canonical layout, comments kept.
    Fmt {
        /// Scenario files (`-` reads standard input and writes standard output).
        #[arg(required = true)]
        files: Vec<String>,
        /// Write nothing: list the files that are not formatted, and exit with 1 if any.
        #[arg(long)]
        check: bool,
    },
}

/// Output settings shared by the commands.
pub struct Out {
    pub color: bool,
}

impl Out {
    fn from(choice: ColorChoice) -> Out {
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
            }
        };
        Out { color }
    }
}

/// Runs the command line; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    let out = Out::from(cli.color);
    match cli.command {
        Command::Run { file, seed, params, format, max_events, trials, jobs, explain, replay, save_replay } => {
            let replayed = match &replay {
                Some(path) => match read_replay(path, &out) {
                    Ok(r) => Some(r),
                    Err(code) => return code,
                },
                None => None,
            };
            let params = replayed.as_ref().map(|r| r.params.clone()).unwrap_or(params);
            let loaded = match read_and_load(&file, &params, &out) {
                Ok(l) => l,
                Err(code) => return code,
            };
            if let Some(n) = trials {
                if format == Format::Mermaid {
                    return no_mermaid("run --trials");
                }
                return trials_command(&loaded, n, seed, jobs, explain, format, max_events, out.color);
            }
            let source = match &replayed {
                Some(r) => {
                    let name = replay.as_ref().map(|p| display_name(&p.to_string_lossy())).unwrap_or_default();
                    if let Err(d) = crate::replay::check_fits(r, &name, &loaded.source.text) {
                        print_diags(&[d], &loaded.source, &out);
                        return EXIT_INVALID;
                    }
                    crate::report::Source::Replay(&r.choices, &r.draws, r.seed)
                }
                None => crate::report::Source::Seed(seed.unwrap_or(loaded.model.seed)),
            };
            let made_by = match &source {
                crate::report::Source::Seed(s) => format!("run --seed {s}"),
                crate::report::Source::Replay(..) => {
                    replayed.as_ref().map(|r| r.made_by.clone()).unwrap_or_else(|| "run --replay".to_string())
                }
            };
            let seed_used = match &source {
                crate::report::Source::Seed(s) => Some(*s),
                crate::report::Source::Replay(.., s) => *s,
            };
            let (code, (choices, draws)) = crate::report::run_command(&loaded, source, format, max_events, out.color);
            if let Some(path) = save_replay
                && code == EXIT_OK
            {
                let mut r =
                    crate::replay::Replay::new(&loaded.source.name, &loaded.source.text, &params, made_by, choices);
                r.seed = seed_used;
                r.draws = if draws.iter().any(Option::is_some) { draws } else { Vec::new() };
                if let Err(e) = std::fs::write(&path, r.to_yaml()) {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return EXIT_INVALID;
                }
            }
            code
        }
        Command::Analyze { file, params, format, max_states, save_replays } => {
            let loaded = match read_and_load(&file, &params, &out) {
                Ok(l) => l,
                Err(code) => return code,
            };
            analyze_command(&loaded, &params, format, max_states, save_replays.as_deref(), out.color)
        }
        Command::Explore { file, params, fixed_delays, max_states, format, save_replays } => {
            let loaded = match read_and_load(&file, &params, &out) {
                Ok(l) => l,
                Err(code) => return code,
            };
            explore_command(&loaded, &params, fixed_delays, max_states, save_replays.as_deref(), format, out.color)
        }
        Command::Sweep { file, params, trials, exact: _, seed, jobs, chart, max_states, format } => {
            if format == Format::Mermaid {
                return no_mermaid("sweep");
            }
            sweep_command(&file, &params, trials, seed, jobs, chart.as_deref(), max_states, format, &out)
        }
        Command::Test { paths, bless, jobs } => {
            crate::testing::command(&paths, &crate::testing::Options { bless, color: out.color, jobs })
        }
        Command::Check { files, params } => {
            let mut code = EXIT_OK;
            for f in &files {
                match read_and_load(f, &params, &out) {
                    Ok(l) => {
                        let n = l.model.generals.len();
                        let w = l.warnings.len();
                        println!(
                            "{}: ok ({n} general{}, {} rule{}{})",
                            l.source.name,
                            plural(n),
                            l.model.rules.len(),
                            plural(l.model.rules.len()),
                            if w > 0 { format!(", {w} warning{}", plural(w)) } else { String::new() }
                        );
                    }
                    Err(c) => code = code.max(c),
                }
            }
            code
        }
        Command::Fmt { files, check } => fmt_command(&files, check, &out),
    }
}

/// `herald fmt`: formats each file in place (or standard input to standard output);
/// with `--check`, lists the files that would change instead.
fn fmt_command(files: &[String], check: bool, out: &Out) -> i32 {
    let mut code = EXIT_OK;
    let mut unformatted = 0;
    for f in files {
        let (name, bytes) = match read_input(f) {
            Ok(r) => r,
            Err(msg) => {
                eprintln!("error: {msg}");
                code = code.max(EXIT_INVALID);
                continue;
            }
        };
        let text = match crate::syntax::prescan::decode(&bytes) {
            Ok(t) => t,
            Err((shown, d)) => {
                print_diags(&[d], &Source::new(name.clone(), shown), out);
                eprintln!("{name}: 1 error");
                code = code.max(EXIT_INVALID);
                continue;
            }
        };
        let formatted = match crate::fmt::format(&text) {
            Ok(t) => t,
            Err(diags) => {
                print_diags(&diags, &Source::new(name.clone(), text), out);
                let errors = diags.iter().filter(|d| d.is_error()).count();
                eprintln!("{name}: {errors} error{}, not formatted", plural(errors));
                code = code.max(EXIT_INVALID);
                continue;
            }
        };
        let changed = formatted != text;
        // Files are listed as given (a path to act on), standard input as `<stdin>`.
        let listed = if f == "-" { name.as_str() } else { f.as_str() };
        if check {
            if changed {
                println!("{listed}");
                unformatted += 1;
                code = code.max(EXIT_FAILED);
            }
        } else if f == "-" {
            print!("{formatted}");
        } else if changed {
            if let Err(e) = std::fs::write(f, &formatted) {
                eprintln!("error: cannot write {listed}: {e}");
                code = code.max(EXIT_INVALID);
            } else {
                eprintln!("formatted {listed}");
            }
        }
    }
    if unformatted > 0 {
        eprintln!("{unformatted} file{} not formatted: run herald fmt to format", plural(unformatted));
    }
    code
}

/// `herald run --trials N`.
#[allow(clippy::too_many_arguments)]
fn trials_command(
    l: &Loaded,
    n: u64,
    seed: Option<u64>,
    jobs: Option<usize>,
    explain: u64,
    format: Format,
    max_events: u64,
    color: bool,
) -> i32 {
    use crate::analysis::trials;
    let seed = seed.unwrap_or(l.model.seed);
    let bar = (std::io::stderr().is_terminal() && n >= 20_000).then(|| {
        let bar = indicatif::ProgressBar::new(n);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} trials ({per_sec}, {eta} left)")
                .expect("a valid template"),
        );
        bar
    });
    let progress =
        bar.clone().map(|b| std::sync::Arc::new(move |k: u64| b.inc(k)) as std::sync::Arc<dyn Fn(u64) + Send + Sync>);
    let cfg = trials::Config { trials: n, seed, jobs, explain, max_events, progress };
    let result = trials::run(&l.model, &l.source.text, &cfg);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let tally = match result {
        Ok(t) => t,
        Err(e) => {
            let mut d = crate::report::run_error(&l.model, &e.error);
            d.message = format!("trial {}: {}", e.trial, d.message);
            print_diags(&[d], &l.source, &Out { color });
            return EXIT_LIMIT;
        }
    };
    let report = crate::report::trials::build(l, seed, &tally);
    let text = match format {
        Format::Text => crate::report::trials::render(&report, color),
        Format::Yaml => crate::report::to_yaml(&report),
        Format::Json => serde_json::to_string_pretty(&report).expect("a report serializes") + "\n",
        Format::Mermaid => return no_mermaid("run --trials"),
    };
    print!("{text}");
    EXIT_OK
}

/// `herald analyze`.
fn analyze_command(
    l: &Loaded,
    params: &[String],
    format: Format,
    max_states: u64,
    save: Option<&Path>,
    color: bool,
) -> i32 {
    use crate::analysis::exact::{ExactError, analyze};
    let spinner = std::io::stderr().is_terminal().then(|| {
        let s = indicatif::ProgressBar::new_spinner();
        s.set_style(indicatif::ProgressStyle::with_template("{spinner} {msg}").expect("a valid template"));
        s.enable_steady_tick(std::time::Duration::from_millis(120));
        s
    });
    let show = spinner.clone().map(|s| move |n: u64| s.set_message(format!("{n} distinct states explored")));
    let result = analyze(&l.model, max_states, show.as_ref().map(|f| f as &dyn Fn(u64)));
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    let exact = match result {
        Ok(e) => e,
        Err(ExactError::TooManyStates { limit }) => {
            let mut d = Diag::error(
                "herald::analyze::too_many_states",
                format!("this scenario has more than {limit} distinct states: the exact analysis stopped"),
                crate::diag::Span::default(),
                "",
            );
            d.labels.clear();
            let d = d.with_help(format!(
                "estimate by sampling instead: herald run {} --trials 100000 (or raise --max-states)",
                l.source.name
            ));
            print_diags(&[d], &l.source, &Out { color });
            return EXIT_LIMIT;
        }
        Err(ExactError::Run { error, .. }) => {
            print_diags(&[crate::report::run_error(&l.model, &error)], &l.source, &Out { color });
            return EXIT_LIMIT;
        }
    };
    let report = crate::report::analyze::build(l, &exact);
    if let Some(dir) = save {
        let runs: Vec<(&str, &str, &[u32])> = report
            .most_likely
            .iter()
            .map(|m| (m.outcome, "analyze: the most likely run", m.choices.as_slice()))
            .collect();
        let code = save_replays(dir, l, params, &runs);
        if code != EXIT_OK {
            return code;
        }
    }
    let text = match format {
        Format::Text => crate::report::analyze::render(&report, color),
        Format::Yaml => crate::report::to_yaml(&report),
        Format::Json => serde_json::to_string_pretty(&report).expect("a report serializes") + "\n",
        Format::Mermaid => crate::report::mermaid::render_analyze(&report, &l.model),
    };
    print!("{text}");
    EXIT_OK
}

/// `herald explore`.
fn explore_command(
    l: &Loaded,
    params: &[String],
    fixed_delays: bool,
    max_states: u64,
    save: Option<&Path>,
    format: Format,
    color: bool,
) -> i32 {
    use crate::analysis::explore::{ExploreError, explore};
    let explored = match explore(&l.model, max_states, fixed_delays) {
        Ok(e) => e,
        Err(ExploreError::TooManyStates { limit }) => {
            let mut d = Diag::error(
                "herald::explore::too_many_states",
                format!("the adversary has more than {limit} distinct states to try: the exploration stopped"),
                crate::diag::Span::default(),
                "",
            );
            d.labels.clear();
            print_diags(
                &[d.with_help("try --fixed-delays, fewer messengers or a shorter horizon, or raise --max-states")],
                &l.source,
                &Out { color },
            );
            return EXIT_LIMIT;
        }
        Err(ExploreError::Run { error, .. }) => {
            print_diags(&[crate::report::run_error(&l.model, &error)], &l.source, &Out { color });
            return EXIT_LIMIT;
        }
    };
    let report = crate::report::explore::build(l, &explored);
    if let Some(dir) = save {
        let runs: Vec<(&str, &str, &[u32])> =
            report.possible.iter().map(|p| (p.outcome, "explore: the shortest run", p.choices.as_slice())).collect();
        let code = save_replays(dir, l, params, &runs);
        if code != EXIT_OK {
            return code;
        }
    }
    let text = match format {
        Format::Text => crate::report::explore::render(&report, color),
        Format::Yaml => crate::report::to_yaml(&report),
        Format::Json => serde_json::to_string_pretty(&report).expect("a report serializes") + "\n",
        Format::Mermaid => crate::report::mermaid::render_explore(&report, &l.model),
    };
    print!("{text}");
    EXIT_OK
}

/// `herald sweep`.
#[allow(clippy::too_many_arguments)]
fn sweep_command(
    file: &str,
    params: &[String],
    trials: Option<u64>,
    seed: Option<u64>,
    jobs: Option<usize>,
    chart: Option<&Path>,
    max_states: u64,
    format: Format,
    out: &Out,
) -> i32 {
    use crate::analysis::{exact, stats::wilson, sweep, trials as tr};
    use crate::report::sweep::{Cell, SweepReport, SweepRow};
    let (name, bytes) = match read_input(file) {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("error: {msg}");
            return EXIT_INVALID;
        }
    };
    let (ranges, fixed): (Vec<&String>, Vec<&String>) = params.iter().partition(|p| sweep::is_range(p));
    let fixed: Vec<String> = fixed.into_iter().cloned().collect();
    let range = match ranges.as_slice() {
        [one] => match sweep::parse_range(one) {
            Ok(r) => r,
            Err(d) => {
                print_diags(&[d], &Source::new(name, ""), out);
                return EXIT_INVALID;
            }
        },
        _ => {
            eprintln!(
                "error: give exactly one --param NAME=A..B[:STEP] to sweep (found {}); fix the others with --param NAME=VALUE",
                ranges.len()
            );
            return EXIT_USAGE;
        }
    };
    let mut rows = Vec::new();
    let mut shown: Vec<crate::syntax::ast::Outcome> = Vec::new();
    let mut info = None;
    let mut seed_used = None;
    for v in &range.values {
        let mut ps = fixed.clone();
        ps.push(format!("{}={}", range.name, v.text));
        let l = match load(&name, &bytes, &ps) {
            Ok(l) => l,
            Err(Failed { source, diags }) => {
                print_diags(&diags, &source, out);
                return EXIT_INVALID;
            }
        };
        if shown.is_empty() {
            shown = tr::OUTCOMES
                .iter()
                .copied()
                .filter(|o| l.model.values == matches!(o.word(), "agreement" | "disagreement" | "undecided"))
                .collect();
            info = Some(crate::report::ScenarioInfo {
                file: l.source.name.clone(),
                title: l.model.title.clone(),
                about: l.model.about.clone(),
            });
        }
        let cells: Vec<Cell> = match trials {
            Some(n) => {
                let s = seed.unwrap_or(l.model.seed);
                seed_used = Some(s);
                let cfg = tr::Config {
                    trials: n,
                    seed: s,
                    jobs,
                    explain: 0,
                    max_events: crate::sim::DEFAULT_MAX_EVENTS,
                    progress: None,
                };
                let tally = match tr::run(&l.model, &l.source.text, &cfg) {
                    Ok(t) => t,
                    Err(e) => {
                        print_diags(&[crate::report::run_error(&l.model, &e.error)], &l.source, out);
                        return EXIT_LIMIT;
                    }
                };
                shown
                    .iter()
                    .map(|o| {
                        let x = tally.outcomes[tr::outcome_index(*o)];
                        let (low, high) = wilson(x, tally.trials);
                        Cell {
                            outcome: o.word(),
                            probability: x as f64 / tally.trials.max(1) as f64,
                            exact: None,
                            low: Some(low),
                            high: Some(high),
                        }
                    })
                    .collect()
            }
            None => {
                let e = match exact::analyze(&l.model, max_states, None) {
                    Ok(e) => e,
                    Err(exact::ExactError::TooManyStates { limit }) => {
                        eprintln!(
                            "error: at {}={}, more than {limit} distinct states: use --trials N (or raise --max-states)",
                            range.name, v.label
                        );
                        return EXIT_LIMIT;
                    }
                    Err(exact::ExactError::Run { error, .. }) => {
                        print_diags(&[crate::report::run_error(&l.model, &error)], &l.source, out);
                        return EXIT_LIMIT;
                    }
                };
                shown
                    .iter()
                    .map(|o| {
                        let p = &e.outcomes[tr::outcome_index(*o)];
                        Cell {
                            outcome: o.word(),
                            probability: exact::to_f64(p),
                            exact: exact::fraction(p),
                            low: None,
                            high: None,
                        }
                    })
                    .collect()
            }
        };
        rows.push(SweepRow { value: v.label.clone(), x: v.x, outcomes: cells });
    }
    let report = SweepReport {
        herald: crate::report::SCHEMA_VERSION,
        scenario: info.expect("at least one value"),
        param: range.name.clone(),
        method: if trials.is_some() { "trials" } else { "exact" },
        trials,
        seed: seed_used,
        outcomes: shown.iter().map(|o| o.word()).collect(),
        rows,
    };
    if let Some(path) = chart {
        if let Err(e) = crate::report::sweep::svg(&report, path) {
            eprintln!("error: cannot write the chart to {}: {e}", path.display());
            return EXIT_INVALID;
        }
        eprintln!("chart written to {}", path.display());
    }
    let text = match format {
        Format::Text => crate::report::sweep::render(&report, out.color),
        Format::Yaml => crate::report::to_yaml(&report),
        Format::Json => serde_json::to_string_pretty(&report).expect("a report serializes") + "\n",
        Format::Mermaid => return no_mermaid("sweep"),
    };
    print!("{text}");
    EXIT_OK
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Reads a replay file.
fn read_replay(path: &Path, out: &Out) -> Result<crate::replay::Replay, i32> {
    let name = display_name(&path.to_string_lossy());
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {name}: {e}");
            return Err(EXIT_INVALID);
        }
    };
    crate::replay::parse(&name, &text).map_err(|d| {
        print_diags(&[d], &Source::new(name.clone(), text.clone()), out);
        EXIT_INVALID
    })
}

/// Writes one replay file per outcome into a folder.
fn save_replays(dir: &Path, l: &Loaded, params: &[String], runs: &[(&str, &str, &[u32])]) -> i32 {
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("error: cannot create {}: {e}", dir.display());
        return EXIT_INVALID;
    }
    for (outcome, made_by, choices) in runs {
        let r =
            crate::replay::Replay::new(&l.source.name, &l.source.text, params, made_by.to_string(), choices.to_vec());
        let path = dir.join(format!("{outcome}.replay.yaml"));
        if let Err(e) = std::fs::write(&path, r.to_yaml()) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return EXIT_INVALID;
        }
    }
    EXIT_OK
}

/// Reads a file (or stdin for `-`), loads it, and prints its diagnostics to stderr.
fn read_and_load(file: &str, params: &[String], out: &Out) -> Result<Loaded, i32> {
    let (name, bytes) = match read_input(file) {
        Ok(r) => r,
        Err(msg) => {
            eprintln!("error: {msg}");
            return Err(EXIT_INVALID);
        }
    };
    match load(&name, &bytes, params) {
        Ok(l) => {
            print_diags(&l.warnings, &l.source, out);
            Ok(l)
        }
        Err(Failed { source, diags }) => {
            print_diags(&diags, &source, out);
            let errors = diags.iter().filter(|d| d.is_error()).count();
            eprintln!("{}: {errors} error{}", source.name, plural(errors));
            Err(EXIT_INVALID)
        }
    }
}

/// The display name and bytes of an input.
fn read_input(file: &str) -> Result<(String, Vec<u8>), String> {
    if file == "-" {
        let mut buf = Vec::new();
        let limit = crate::syntax::prescan::MAX_FILE_BYTES as u64 + 1;
        std::io::stdin().take(limit).read_to_end(&mut buf).map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(("<stdin>".to_string(), buf));
    }
    let limit = crate::syntax::prescan::MAX_FILE_BYTES as u64 + 1;
    let f = std::fs::File::open(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let mut buf = Vec::new();
    f.take(limit).read_to_end(&mut buf).map_err(|e| format!("cannot read {file}: {e}"))?;
    Ok((display_name(file), buf))
}

/// A file's name as reports show it: as given, never made absolute.
fn display_name(file: &str) -> String {
    let p = Path::new(file);
    if p.is_absolute() {
        p.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_else(|| file.to_string())
    } else {
        file.to_string()
    }
}

/// Prints diagnostics to stderr.
pub fn print_diags(diags: &[Diag], source: &Source, out: &Out) {
    if diags.is_empty() {
        return;
    }
    let color = out.color && std::io::stderr().is_terminal();
    let text = render(diags, source, color);
    let _ = std::io::stderr().write_all(text.as_bytes());
}
