//! Monte Carlo trials per second: herald's interpreter against a hand-written,
//! specialised simulator of the same protocol (`benches/handwritten/`), side by side,
//! for five bundled scenarios.
//!
//! Both run the same trials: trial `k` draws from `Seeded::stream(SEED, k / BLOCK)`,
//! continuing from the trials before it in its block, and the simulators make herald's
//! draws in herald's order, so both do the same work and reach the same tallies
//! (`tests/handwritten_agrees.rs` checks it, trial by trial).
//!
//! `cargo bench --bench trials` runs one criterion group per scenario (functions
//! `herald`, `herald-interpreted` and `handwritten`, throughput in trials), then times
//! them again, alternately, and prints the ratio of their times per trial for each
//! scenario. `herald` is the trials engine as `herald run --trials` runs it, which
//! remembers finished runs by their random choices and answers repeats without
//! interpreting them; `herald-interpreted` interprets every trial (the interpreter's
//! own speed).
//! Options after `--` go to criterion; a name filter also limits the ratios.

#![allow(clippy::print_stdout, reason = "a bench prints its ratios")]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use herald::analysis::trials::{self, Config};

// The test shares these simulators and uses more of their table.
#[allow(dead_code)]
mod handwritten;

use handwritten::{SCENARIOS, Scenario};

/// Trials per batch (one criterion iteration).
const TRIALS: u64 = 20_000;
const SEED: u64 = 1;

/// Rounds of the side-by-side comparison, and the least time one measurement lasts.
const ROUNDS: usize = 15;
const MIN_MEASURE: Duration = Duration::from_millis(20);

fn config() -> Config {
    Config {
        trials: TRIALS,
        seed: SEED,
        jobs: Some(1),
        explain: 0,
        max_events: herald::sim::DEFAULT_MAX_EVENTS,
        progress: None,
    }
}

fn load(s: &Scenario) -> herald::Loaded {
    let path = format!("{}/{}", env!("CARGO_MANIFEST_DIR"), s.file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let params: Vec<String> = s.params.iter().map(|p| p.to_string()).collect();
    herald::load(s.file, &bytes, &params).unwrap_or_else(|f| panic!("{}: {:?}", s.file, f.diags))
}

/// One batch of herald's trials.
fn herald_batch(l: &herald::Loaded, cfg: &Config) -> [u64; 6] {
    trials::run(&l.model, &l.source.text, cfg).expect("the trials run").outcomes
}

/// One batch of herald's trials, each one interpreted (no memo of finished runs).
fn interpreted_batch(l: &herald::Loaded, cfg: &Config) -> [u64; 6] {
    trials::run_interpreted(&l.model, &l.source.text, cfg).expect("the trials run").outcomes
}

/// One batch of the hand-written simulator's trials.
fn handwritten_batch(s: &Scenario) -> [u64; 6] {
    (s.tally)(black_box(TRIALS), black_box(SEED))
}

fn bench(c: &mut Criterion, s: &Scenario, l: &herald::Loaded) {
    let cfg = config();
    let mut group = c.benchmark_group(s.name);
    group.throughput(Throughput::Elements(TRIALS));
    group.bench_function("herald", |b| b.iter(|| herald_batch(l, black_box(&cfg))));
    group.bench_function("herald-interpreted", |b| b.iter(|| interpreted_batch(l, black_box(&cfg))));
    group.bench_function("handwritten", |b| b.iter(|| handwritten_batch(s)));
    group.finish();
}

/// Nanoseconds per trial of `batch`, over enough batches to last [`MIN_MEASURE`].
fn ns_per_trial(reps: u32, mut batch: impl FnMut() -> [u64; 6]) -> f64 {
    let start = Instant::now();
    for _ in 0..reps {
        black_box(batch());
    }
    start.elapsed().as_nanos() as f64 / (reps as u64 * TRIALS) as f64
}

/// How many batches make a measurement last at least [`MIN_MEASURE`].
fn calibrate(mut batch: impl FnMut() -> [u64; 6]) -> u32 {
    let start = Instant::now();
    black_box(batch());
    let one = start.elapsed().max(Duration::from_micros(1));
    (MIN_MEASURE.as_nanos() / one.as_nanos()).clamp(1, 10_000) as u32 + 1
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 { v[n / 2] } else { (v[n / 2 - 1] + v[n / 2]) / 2.0 }
}

/// Times the engines alternately over [`ROUNDS`] rounds and prints, per scenario, the
/// median ratio of their times per trial: herald (as `herald run --trials` runs), herald
/// interpreting every trial (no memo of finished runs), and the hand-written simulator.
fn ratios(scenarios: &[(&Scenario, herald::Loaded)]) {
    let cfg = config();
    println!();
    println!(
        "herald / handwritten, time per trial ({TRIALS} trials a batch, seed {SEED}, one thread; \
         medians of {ROUNDS} alternating rounds)"
    );
    println!(
        "{:<26} {:>16} {:>20} {:>22} {:>8} {:>13}",
        "scenario", "herald ns/trial", "interpreted ns/trial", "handwritten ns/trial", "ratio", "interp. ratio"
    );
    for (s, l) in scenarios {
        // Same work: the same tallies (the test checks it trial by trial).
        assert_eq!(herald_batch(l, &cfg), handwritten_batch(s), "{}: the tallies differ", s.name);
        assert_eq!(interpreted_batch(l, &cfg), handwritten_batch(s), "{}: the tallies differ", s.name);
        let reps_h = calibrate(|| herald_batch(l, &cfg));
        let reps_i = calibrate(|| interpreted_batch(l, &cfg));
        let reps_w = calibrate(|| handwritten_batch(s));
        let (mut h, mut i, mut w, mut r, mut ri) = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for round in 0..ROUNDS {
            // Rotate the order, so that no engine always runs first.
            let (mut th, mut ti, mut tw) = (0.0, 0.0, 0.0);
            for k in 0..3 {
                match (round + k) % 3 {
                    0 => th = ns_per_trial(reps_h, || herald_batch(l, &cfg)),
                    1 => ti = ns_per_trial(reps_i, || interpreted_batch(l, &cfg)),
                    _ => tw = ns_per_trial(reps_w, || handwritten_batch(s)),
                }
            }
            h.push(th);
            i.push(ti);
            w.push(tw);
            r.push(th / tw);
            ri.push(ti / tw);
        }
        let (h, i, w) = (median(&mut h), median(&mut i), median(&mut w));
        let (r, ri) = (median(&mut r), median(&mut ri));
        println!("{:<26} {:>16.1} {:>20.1} {:>22.2} {:>7.1}x {:>12.1}x", s.name, h, i, w, r, ri);
    }
    // What herald spends on a batch whatever its size (a thread pool, a `Sim`), included
    // above: a batch of one trial, per trial of a full batch.
    if let Some((_, l)) = scenarios.first() {
        let one = Config { trials: 1, ..config() };
        let mut t: Vec<f64> = (0..ROUNDS)
            .map(|_| {
                let start = Instant::now();
                black_box(herald_batch(l, &one));
                start.elapsed().as_nanos() as f64
            })
            .collect();
        let t = median(&mut t);
        println!(
            "(herald's fixed cost per batch, included above: {:.0} µs, {:.1} ns/trial of a {TRIALS}-trial batch)",
            t / 1000.0,
            t / TRIALS as f64
        );
    }
}

/// Criterion's name filters (its positional arguments), to limit the ratios likewise.
fn filters(args: &[String]) -> Vec<String> {
    const FLAGS: [&str; 12] = [
        "--bench",
        "--test",
        "--list",
        "--ignored",
        "--exact",
        "--verbose",
        "--quiet",
        "--noplot",
        "--discard-baseline",
        "--nocapture",
        "--show-output",
        "--quick",
    ];
    let mut out = Vec::new();
    let mut skip = false;
    for a in args.iter().skip(1) {
        if std::mem::take(&mut skip) {
            continue;
        }
        if a.starts_with('-') {
            // An option with its value in the next argument.
            skip = !a.contains('=') && !FLAGS.contains(&a.as_str()) && !a.starts_with("-v") && !a.starts_with("-n");
        } else {
            out.push(a.clone());
        }
    }
    out
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let has = |f: &str| args.iter().any(|a| a == f || a.starts_with(&format!("{f}=")));
    // Criterion benchmarks only under `cargo bench` (`--bench`); `cargo test --benches`
    // runs each function once, as a test, and then the ratios are pointless.
    let benchmarking = has("--bench") && !has("--test") && !has("--list") && !has("--profile-time");
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .configure_from_args();
    let scenarios: Vec<(&Scenario, herald::Loaded)> = SCENARIOS.iter().map(|s| (s, load(s))).collect();
    for (s, l) in &scenarios {
        bench(&mut c, s, l);
    }
    c.final_summary();
    if benchmarking {
        let filters = filters(&args);
        let chosen: Vec<(&Scenario, herald::Loaded)> = scenarios
            .into_iter()
            .filter(|(s, _)| {
                filters.is_empty()
                    || filters.iter().any(|f| {
                        [
                            s.name.to_string(),
                            format!("{}/herald", s.name),
                            format!("{}/herald-interpreted", s.name),
                            format!("{}/handwritten", s.name),
                        ]
                        .iter()
                        .any(|n| n.contains(f.as_str()))
                    })
            })
            .collect();
        if !chosen.is_empty() {
            ratios(&chosen);
        }
    }
}
