//! `herald merge`: the parts written by `--shard K/M` (`src/shard/`), checked to be the
//! slices of one piece of work, each once, and merged into the report the whole work
//! writes on one machine, through the same builder and renderer.

use std::path::PathBuf;

use super::input::{diags, display_name};
use super::{EXIT_INVALID, EXIT_OK, EXIT_USAGE, Env, Format, Output, no_mermaid};
use crate::diag::{Code, Diag, Source};
use crate::report::{self, to_json, to_yaml};
use crate::shard::{self, Part, Work, part_error};

/// The arguments of `herald merge`.
#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    /// The parts written by `--shard K/M`: every slice once, in any order.
    #[arg(required = true, value_name = "PARTS")]
    pub parts: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// A sweep's parts: write the chart as SVG to this file.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
}

/// The most bytes of a part read.
const MAX_PART_BYTES: u64 = 1 << 30;

/// `herald merge`: the parts, merged and reported.
pub fn command(a: &Args, color: bool, env: &Env) -> Output {
    let mut o = Output::default();
    let code = run(&mut o, a, color, env);
    o.exit(code)
}

/// `--shard` with `--format text`: a usage error (a part is for `herald merge`).
pub(super) fn part_not_text(o: &mut Output) -> i32 {
    o.err(
        "error: --shard writes a part for `herald merge`, as JSON or YAML: add --format json (or --format yaml); \
         `herald merge PARTS...` then writes the report in any format\n",
    );
    EXIT_USAGE
}

/// A part read, with its file's name and text (for diagnostics).
struct Read {
    name: String,
    text: String,
    part: Part,
}

fn run(o: &mut Output, a: &Args, color: bool, env: &Env) -> i32 {
    if a.format == Format::Mermaid {
        return no_mermaid(o, "merge");
    }
    let mut parts = Vec::new();
    for path in &a.parts {
        let name = display_name(&path.to_string_lossy());
        let text = match env.files.read(path, MAX_PART_BYTES).and_then(|b| {
            String::from_utf8(b)
                .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "stream did not contain valid UTF-8"))
        }) {
            Ok(t) => t,
            Err(e) => {
                o.err(&format!("error: cannot read {name}: {e}\n"));
                return EXIT_INVALID;
            }
        };
        match shard::parse(&name, &text) {
            Ok(part) => parts.push(Read { name, text, part }),
            Err(d) => {
                diags(o, &[d], &Source::new(name, text), color, env);
                return EXIT_INVALID;
            }
        }
    }
    let ordered = match check(&parts) {
        Ok(p) => p,
        Err((d, at)) => {
            let source = match at {
                Some(i) => Source::new(parts[i].name.clone(), parts[i].text.clone()),
                None => Source::new("herald merge", ""),
            };
            diags(o, &[d], &source, color, env);
            return EXIT_INVALID;
        }
    };
    let first = &ordered[0].part;
    if a.chart.is_some() && !matches!(first.work, Work::Sweep(_)) {
        o.err("error: --chart draws a sweep's chart, and these parts are of trials\n");
        return EXIT_USAGE;
    }
    match &first.work {
        Work::Trials(_) => trials(o, &ordered, a.format, color, env),
        Work::Sweep(_) => sweep(o, &ordered, a, color, env),
        Work::Explore(_) => explore(o, &ordered, a.format, color, env),
    }
}

/// Checks that the parts are the slices of one piece of work, each once; the parts in
/// slice order. `Err`: the diagnostic, and the part it is about (if one).
fn check(parts: &[Read]) -> Result<Vec<&Read>, (Diag, Option<usize>)> {
    let first = &parts[0];
    let of = first.part.shard.of;
    let mut slot: Vec<Option<usize>> = vec![None; of as usize];
    for (i, r) in parts.iter().enumerate() {
        let p = &r.part;
        let mismatch = |what: String| {
            let d = part_error(
                Code::MergeMismatch,
                &r.name,
                format!("{what}, where {} has {}", first.name, describe(first, &what)),
                "merge the parts of one command line only (the same scenario, seed, params, trials and M)",
            );
            Err((d, Some(i)))
        };
        let edited = |what: &str| {
            let d = part_error(
                Code::MergeEdited,
                &r.name,
                format!("{what}: the part was changed after it was written"),
                "run this slice again (the command is in the README, \"Running on many machines\")",
            );
            Err((d, Some(i)))
        };
        // What the whole work was.
        if p.work.command() != first.part.work.command() {
            return mismatch(format!("a part of {}", p.work.command()));
        }
        if p.scenario != first.part.scenario {
            return mismatch(format!("a part of the scenario {}", p.scenario));
        }
        if p.fingerprint != first.part.fingerprint {
            return mismatch(format!("a part of another text of {} (fingerprint {})", p.scenario, p.fingerprint));
        }
        if p.shard.of != of {
            return mismatch(format!("slice {} of {} slices", p.shard, p.shard.of));
        }
        match (&p.work, &first.part.work) {
            (Work::Trials(t), Work::Trials(f)) => {
                if crate::replay::fingerprint(&t.source) != p.fingerprint {
                    return edited("its scenario's text does not match its fingerprint");
                }
                if t.params != f.params {
                    return mismatch(format!("params {}", show_params(&t.params)));
                }
                if t.seed != f.seed {
                    return mismatch(format!("seed {}", t.seed));
                }
                if t.trials != f.trials {
                    return mismatch(format!("{} trials", t.trials));
                }
                if (t.explain, t.max_events) != (f.explain, f.max_events) {
                    return mismatch(format!("--explain {} --max-events {}", t.explain, t.max_events));
                }
                if t.tally.explain_cut != f.tally.explain_cut {
                    return edited("its explanations' budget is not the other parts'");
                }
                let blocks = p.shard.slice(shard::trials::blocks(t.trials));
                let trials = blocks.end.saturating_mul(crate::analysis::trials::BLOCK).min(t.trials)
                    - blocks.start.saturating_mul(crate::analysis::trials::BLOCK).min(t.trials);
                if t.blocks != [blocks.start, blocks.end] || t.tally.trials != trials {
                    return edited(&format!("slice {} does not hold the trials of its blocks", p.shard));
                }
            }
            (Work::Sweep(s), Work::Sweep(f)) => {
                if s.params != f.params {
                    return mismatch(format!("params {}", show_params(&s.params)));
                }
                if (&s.method, s.trials, s.seed) != (&f.method, f.trials, f.seed) {
                    return mismatch(sweep_method(s));
                }
                if s.shared() != f.shared() {
                    return mismatch("other bounds (--max-events, --max-states, --max-memory)".to_string());
                }
                if s.rows.len() as u64 != p.shard.slice(s.points).count() as u64 {
                    return edited(&format!("slice {} does not hold the rows of its points", p.shard));
                }
            }
            (Work::Explore(x), Work::Explore(f)) => {
                if crate::replay::fingerprint(&x.source) != p.fingerprint {
                    return edited("its scenario's text does not match its fingerprint");
                }
                if x.params != f.params {
                    return mismatch(format!("params {}", show_params(&x.params)));
                }
                if x.shared() != f.shared() {
                    return mismatch(format!(
                        "other bounds (--fixed-delays {} --max-states {} --max-memory {} --max-events {})",
                        x.fixed_delays, x.max_states, x.max_memory, x.max_events
                    ));
                }
            }
            _ => unreachable!("the commands were compared"),
        }
        // Each slice once.
        let at = &mut slot[p.shard.index as usize];
        if let Some(j) = *at {
            let d = part_error(
                Code::MergeSlices,
                &r.name,
                format!("slice {} is given twice: here and in {}", p.shard, parts[j].name),
                "give each slice's part once",
            );
            return Err((d, Some(i)));
        }
        *at = Some(i);
    }
    let missing: Vec<String> =
        slot.iter().enumerate().filter(|(_, s)| s.is_none()).map(|(k, _)| format!("{k}/{of}")).collect();
    if !missing.is_empty() {
        let shown = if missing.len() > 10 {
            format!("{} and {} more", missing[..10].join(", "), missing.len() - 10)
        } else {
            missing.join(", ")
        };
        let mut d = Diag::error(
            Code::MergeSlices,
            format!(
                "{} of the {of} slices {} missing: {shown}",
                missing.len(),
                if missing.len() == 1 { "is" } else { "are" }
            ),
            crate::diag::Span::default(),
            "",
        );
        d.labels.clear();
        let d = d.with_help("run the missing slices (--shard K/M) and give every part to herald merge");
        return Err((d, None));
    }
    Ok(slot.into_iter().map(|s| &parts[s.expect("every slice is there")]).collect())
}

/// What the first part has where another differs (`what` says what differs).
fn describe(r: &Read, what: &str) -> String {
    let p = &r.part;
    match &p.work {
        _ if what.starts_with("a part of the scenario") => p.scenario.clone(),
        _ if what.starts_with("a part of another text") => format!("fingerprint {}", p.fingerprint),
        _ if what.starts_with("a part of") => p.work.command().to_string(),
        _ if what.starts_with("slice") => format!("{} slices", p.shard.of),
        Work::Trials(t) if what.starts_with("params") => format!("params {}", show_params(&t.params)),
        Work::Sweep(s) if what.starts_with("params") => format!("params {}", show_params(&s.params)),
        Work::Trials(t) if what.starts_with("seed") => format!("seed {}", t.seed),
        Work::Trials(t) if what.starts_with("--explain") => {
            format!("--explain {} --max-events {}", t.explain, t.max_events)
        }
        Work::Trials(t) => format!("{} trials", t.trials),
        Work::Sweep(s) if what.starts_with("other bounds") => {
            format!("--max-events {} --max-states {} --max-memory {}", s.max_events, s.max_states, s.max_memory)
        }
        Work::Sweep(s) => sweep_method(s),
        Work::Explore(x) if what.starts_with("params") => format!("params {}", show_params(&x.params)),
        Work::Explore(x) => format!(
            "--fixed-delays {} --max-states {} --max-memory {} --max-events {}",
            x.fixed_delays, x.max_states, x.max_memory, x.max_events
        ),
    }
}

fn show_params(ps: &[String]) -> String {
    if ps.is_empty() { "(none)".to_string() } else { ps.join(" ") }
}

fn sweep_method(s: &shard::sweep::SweepPart) -> String {
    match (s.trials, s.seed) {
        (Some(n), Some(seed)) => format!("{n} trials per point, seed {seed}"),
        _ => s.method.clone(),
    }
}

/// The trials' parts, merged: the whole batch's report.
fn trials(o: &mut Output, parts: &[&Read], format: Format, color: bool, env: &Env) -> i32 {
    let (first, Work::Trials(t)) = (parts[0], &parts[0].part.work) else { unreachable!("parts of trials") };
    let l = match crate::load(&first.part.scenario, t.source.as_bytes(), &t.params) {
        Ok(l) => l,
        Err(f) => {
            diags(o, &f.diags, &f.source, color, env);
            o.err(&format!(
                "error: {}: the scenario in the parts does not load: merge with the herald that wrote them\n",
                first.name
            ));
            return EXIT_INVALID;
        }
    };
    let mut tally = crate::analysis::trials::Tally::new(l.model.generals.len());
    for r in parts {
        let Work::Trials(t) = &r.part.work else { unreachable!("parts of trials") };
        match t.tally.tally(&l.model) {
            Ok(x) => {
                tally.explain_cut = x.explain_cut;
                tally.merge(x);
            }
            Err(why) => {
                let d = part_error(
                    Code::MergeEdited,
                    &r.name,
                    format!("its counts do not fit the scenario ({why}): the part was changed after it was written"),
                    "run this slice again",
                );
                diags(o, &[d], &Source::new(r.name.clone(), r.text.clone()), color, env);
                return EXIT_INVALID;
            }
        }
    }
    let report = report::trials::build(&l, t.seed, &tally);
    o.out(&match format {
        Format::Text => report::trials::render(&report, color),
        Format::Yaml => to_yaml(&report),
        Format::Json => to_json(&report),
        Format::Mermaid => return no_mermaid(o, "merge"),
    });
    EXIT_OK
}

/// A sweep's parts, merged: the whole sweep's report (and chart).
fn sweep(o: &mut Output, parts: &[&Read], a: &Args, color: bool, env: &Env) -> i32 {
    let Work::Sweep(s) = &parts[0].part.work else { unreachable!("parts of a sweep") };
    let rows: Vec<_> = parts
        .iter()
        .flat_map(|r| match &r.part.work {
            Work::Sweep(x) => x.rows.clone(),
            Work::Trials(_) | Work::Explore(_) => Vec::new(),
        })
        .collect();
    let report = match s.report(&parts[0].part.scenario, &rows) {
        Ok(r) => r,
        Err(why) => {
            o.err(&format!(
                "error: the parts' rows do not fit together ({why}): a part was changed after it was written\n"
            ));
            return EXIT_INVALID;
        }
    };
    if let Some(path) = &a.chart
        && let Err(code) = super::sweep::chart(o, &report, path, env)
    {
        return code;
    }
    o.out(&match a.format {
        Format::Text => report::sweep::render(&report, color),
        Format::Yaml => to_yaml(&report),
        Format::Json => to_json(&report),
        Format::Mermaid => return no_mermaid(o, "merge"),
    });
    EXIT_OK
}

/// `herald explore FILE --shard K/M`: the part's search, written as a part. A part whose
/// search stopped at a bound is written too (it says so, and holds no findings): the
/// merge then says what is unknown.
pub(super) fn explore_part(
    o: &mut Output,
    l: &crate::Loaded,
    a: &super::explore::Args,
    limits: crate::analysis::budget::Limits,
    shard: shard::Shard,
    color: bool,
    env: &Env,
) -> i32 {
    use crate::analysis::explore::{ExploreError, explore_part};
    if a.format == Format::Text {
        return part_not_text(o);
    }
    let bounds = (a.fixed_delays, a.max_states, a.max_memory, a.max_events);
    let found = explore_part(&l.model, limits, a.fixed_delays, (shard.index, shard.of));
    let part = match &found {
        Ok(e) => shard::explore::part(l, &a.params, bounds, shard, Ok(e)),
        Err(ExploreError::Stopped(stop)) => {
            let d = super::input::search_stopped(*stop, "explore", &l.source.name);
            diags(o, std::slice::from_ref(&d), &l.source, color, env);
            shard::explore::part(l, &a.params, bounds, shard, Err(d.message))
        }
        Err(ExploreError::Run { error, .. }) => {
            diags(o, &[report::run_error(&l.model, error)], &l.source, color, env);
            return super::EXIT_LIMIT;
        }
    };
    o.out(&part.to_text(a.format == Format::Json));
    EXIT_OK
}

/// What merged parts of a search can say when some part did not finish.
#[derive(Debug, serde::Serialize)]
struct Incomplete {
    herald: u32,
    scenario: report::ScenarioInfo,
    /// Outcomes some part found a witness of, with the fewest captures found.
    possible: Vec<PossibleShown>,
    /// Outcomes no finished part reached: possible or not, unknown.
    unknown: Vec<&'static str>,
    /// The parts that did not finish, and why.
    unfinished: Vec<String>,
}

#[derive(Debug, serde::Serialize)]
struct PossibleShown {
    outcome: &'static str,
    captures: u32,
    ticks: u32,
}

/// The parts of a search, merged: the whole search's verdicts (and report) when every
/// part finished; else what is possible and what is unknown.
fn explore(o: &mut Output, parts: &[&Read], format: Format, color: bool, env: &Env) -> i32 {
    use crate::analysis::explore::Reach;
    use crate::analysis::trials::OUTCOMES;
    let (first, Work::Explore(x)) = (parts[0], &parts[0].part.work) else { unreachable!("parts of a search") };
    let l = match crate::load(&first.part.scenario, x.source.as_bytes(), &x.params) {
        Ok(l) => l,
        Err(f) => {
            diags(o, &f.diags, &f.source, color, env);
            return EXIT_INVALID;
        }
    };
    let all: Vec<&shard::explore::ExplorePart> = parts
        .iter()
        .map(|r| match &r.part.work {
            Work::Explore(x) => x,
            _ => unreachable!("parts of a search"),
        })
        .collect();
    let edited = |o: &mut Output, why: String| {
        let d = part_error(Code::MergeEdited, &first.name, why, "run the parts again");
        diags(o, &[d], &Source::new(first.name.clone(), first.text.clone()), color, env);
        EXIT_INVALID
    };
    let merged = match shard::explore::merge(&all, l.model.generals.len()) {
        Ok(m) => m,
        Err(why) => return edited(o, format!("the parts' findings do not fit the scenario ({why})")),
    };
    // Every witness replays (a part is read from a file).
    let mut sim = crate::sim::Sim::new(&l.model, crate::sim::Mode::Traced);
    sim.max_events = merged.max_events;
    for w in merged.reached.values() {
        let mut script = crate::sim::Script::new(&w.choices);
        if sim.run(&mut script).is_err() || script.mismatch.is_some() || script.pos != w.choices.len() {
            return edited(o, "a witness in the parts does not replay on the scenario".to_string());
        }
    }
    let unfinished: Vec<String> = parts
        .iter()
        .zip(&all)
        .filter_map(|(r, p)| p.stopped.as_ref().map(|why| format!("{} ({}): {why}", r.part.shard, r.name)))
        .collect();
    if unfinished.is_empty() {
        let report = report::explore::build(&l, &merged);
        o.out(&match format {
            Format::Text => report::explore::render(&report, color),
            Format::Yaml => to_yaml(&report),
            Format::Json => to_json(&report),
            Format::Mermaid => return no_mermaid(o, "merge"),
        });
        return EXIT_OK;
    }
    let outcomes: Vec<Reach> = OUTCOMES
        .iter()
        .enumerate()
        .filter(|(_, oc)| l.model.values == matches!(oc.word(), "agreement" | "disagreement" | "undecided"))
        .map(|(i, _)| Reach::Outcome(i))
        .chain([Reach::Blocked])
        .collect();
    let word = |r: &Reach| match r {
        Reach::Outcome(i) => OUTCOMES[*i].word(),
        _ => "blocked",
    };
    let inc = Incomplete {
        herald: report::SCHEMA_VERSION,
        scenario: report::ScenarioInfo {
            file: l.source.name.clone(),
            title: l.model.title.clone(),
            about: l.model.about.clone(),
        },
        possible: outcomes
            .iter()
            .filter_map(|r| {
                merged.reached.get(r).map(|w| PossibleShown { outcome: word(r), captures: w.captures, ticks: w.ticks })
            })
            .collect(),
        unknown: outcomes.iter().filter(|r| !merged.reached.contains_key(r)).map(word).collect(),
        unfinished,
    };
    o.out(&match format {
        Format::Yaml => to_yaml(&inc),
        Format::Json => to_json(&inc),
        _ => {
            let mut t = format!(
                "{}\n{} · explored in {} parts, not all finished\n\n",
                inc.scenario.title.clone().unwrap_or_else(|| inc.scenario.file.clone()),
                inc.scenario.file,
                parts.len()
            );
            for p in &inc.possible {
                t += &format!(
                    "  possible  {:<13} fewest captures found {} ({} ticks)\n",
                    p.outcome, p.captures, p.ticks
                );
            }
            for u in &inc.unknown {
                t += &format!("  unknown   {u:<13} no finished part reached it; an unfinished part might\n");
            }
            t += "\nunfinished parts:\n";
            for u in &inc.unfinished {
                t += &format!("  {u}\n");
            }
            t
        }
    });
    super::EXIT_LIMIT
}
