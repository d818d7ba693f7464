//! The adversary's speed: distinct states explored per second by `herald explore`.
//!
//! `cargo bench --bench explore` runs one criterion benchmark per model (throughput in
//! states, so criterion reports states per second), then prints each model's states,
//! steps (ticks executed: one per state and choice sequence) and states per second.
//!
//! Models: the bundled regress scenario at large depths (its dawn moved past the end of
//! the chain), a majority vote among N generals for N = 5 to 7 (every vote over a lossy
//! channel, delays fixed), and the bundled 3-of-5 majority with its delays of 1 or 2
//! ticks (chosen lazily by the adversary).

#![allow(clippy::print_stdout, reason = "a bench prints its states per second")]

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput};
use herald::analysis::explore::explore;

const MAX_STATES: u64 = 50_000_000;

fn regress(depth: u32) -> (String, herald::Loaded) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/regress.herald");
    let text = std::fs::read_to_string(path).expect("the bundled regress scenario");
    let text = text.replace("time dawn = 20", &format!("time dawn = {}", depth + 5));
    assert!(text.contains(&format!("time dawn = {}", depth + 5)), "the regress scenario's dawn moved");
    let l = herald::load("regress.herald", text.as_bytes(), &[format!("depth={depth}")]).expect("it loads");
    (format!("regress-depth-{depth}"), l)
}

fn majority(n: usize) -> (String, herald::Loaded) {
    let text = format!(
        "victory when at least {need} attack\ntime dawn = 4\nchannel * <-> * {{\n  delay 1\n  lose 20%\n}}\n\
         role voters {{\n  on start {{\n    send vote to all\n  }}\n\n  \
         decide at dawn: attack if count received vote + 1 >= {need}\n}}\n\ngenerals G1..G{n} are voters\n",
        need = n / 2 + 1
    );
    let l = herald::load("majority.herald", text.as_bytes(), &[]).expect("it loads");
    (format!("majority-{n}"), l)
}

fn bundled_majority() -> (String, herald::Loaded) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/majority-3-of-5.herald");
    let text = std::fs::read_to_string(path).expect("the bundled majority scenario");
    let l = herald::load("majority-3-of-5.herald", text.as_bytes(), &[]).expect("it loads");
    ("majority-3-of-5-delays".to_string(), l)
}

fn main() {
    let models = vec![regress(50), regress(200), regress(800), majority(5), majority(6), majority(7)];
    let mut models: Vec<(String, herald::Loaded, bool)> = models.into_iter().map(|(n, l)| (n, l, true)).collect();
    let (name, l) = bundled_majority();
    models.push((name, l, false));
    let mut c = Criterion::default().configure_from_args();
    for (name, l, fixed) in &models {
        let fixed = *fixed;
        let states = explore(&l.model, MAX_STATES, fixed).expect("explores").states;
        let mut g = c.benchmark_group("explore");
        g.throughput(Throughput::Elements(states));
        g.sample_size(10);
        g.bench_function(name.as_str(), |b| b.iter(|| explore(black_box(&l.model), MAX_STATES, fixed)));
        g.finish();
    }
    c.final_summary();
    println!("\n{:<20} {:>10} {:>12} {:>14}", "model", "states", "steps", "states/s");
    for (name, l, fixed) in &models {
        let start = Instant::now();
        let mut runs = 0u32;
        let mut e = None;
        while runs < 3 || start.elapsed().as_millis() < 300 {
            e = Some(explore(&l.model, MAX_STATES, *fixed).expect("explores"));
            runs += 1;
        }
        let per = start.elapsed().as_secs_f64() / runs as f64;
        let e = e.expect("ran");
        println!("{:<20} {:>10} {:>12} {:>14.0}", name, e.states, e.steps, e.states as f64 / per);
    }
}
