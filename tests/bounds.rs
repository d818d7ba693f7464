//! Searches stop at their stated bounds, whatever a scenario does: distinct states,
//! the memory their states hold, and the arithmetic of exact probabilities. Nothing is
//! timed: each bound is reached by counting, so a search stops at the same point on any
//! machine.

mod common;

use herald::analysis::budget::{Limits, Stop};
use herald::analysis::{exact, explore};

fn model(src: &str) -> herald::check::Model {
    herald::load("bounds.herald", src.as_bytes(), &[]).map(|l| l.model).unwrap_or_else(|f| panic!("{:?}", f.diags))
}

/// A ping every tick over `delay any` to the end of a long horizon: the messengers on
/// the road, and so every state, grow with the horizon (4.5 GB before the search was
/// bounded by memory).
const PINGS: &str = "horizon 100000
channel A -> B {
  delay any
}
general A {
  every 1 {
    send ping to B
  }
  decide at 0: attack
}
general B {
  decide at 100000: attack if received ping
}
";

#[test]
fn a_search_stops_before_its_states_take_more_than_its_memory_bound() {
    let m = model(PINGS);
    let limits = Limits { max_memory: 16 << 20, ..Limits::states(1_000_000) };
    let e = explore::explore_limited(&m, limits, false).expect_err("bounded");
    assert!(matches!(e, explore::ExploreError::Stopped(Stop::Memory { limit, .. }) if limit == 16 << 20), "{e:?}");
    let e = exact::analyze_limited(&m, limits, None).expect_err("bounded");
    assert!(matches!(e, exact::ExactError::Stopped(Stop::Memory { limit, .. }) if limit == 16 << 20), "{e:?}");
}

#[test]
fn the_command_line_says_which_bound_stopped_a_search() {
    let dir = common::temp_dir("bounds", "memory");
    let file = dir.join("pings.herald");
    std::fs::write(&file, PINGS).unwrap();
    let file = file.to_string_lossy().to_string();
    for command in ["explore", "analyze"] {
        let out = common::herald_plain(&[command, &file, "--max-memory", "16MiB"], None);
        assert_eq!(out.code, 4, "{command}: {}", out.stderr);
        assert!(out.stderr.contains(&format!("herald::{command}::too_many_states")), "{}", out.stderr);
        // (As a terminal of any width shows it: lines joined, words split at a hyphen mended.)
        let text = out.stderr.split_whitespace().collect::<Vec<_>>().join(" ").replace("│ ", "").replace("- ", "-");
        assert!(text.contains("more than 16 MiB of memory"), "{}", out.stderr);
        assert!(text.contains("raise --max-memory"), "{}", out.stderr);
    }
    let out = common::herald_plain(&["explore", &file, "--max-memory", "lots"], None);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("not a size"), "{}", out.stderr);
}

/// B may crash at any tick of a million, so the probability that it is still up has a
/// denominator of a million and one to the power of the tick: 20 bits more each tick. The
/// states stay few (one per tick), but exact arithmetic on such numbers grows with the
/// square of the ticks: the analysis stops at its bound on work (before it was bounded,
/// such scenarios ran for minutes).
#[test]
fn exact_arithmetic_on_ever_longer_numbers_stops_at_its_bound() {
    let m = model(
        "horizon 1000000
channel A <-> B {
  delay 1
}
crash any 1 of B from 0 to 1000000
general A {
  decide at 0: attack
}
general B {
  decide at 1000000: attack
}
",
    );
    let e = exact::analyze_limited(&m, Limits::states(10_000), None).expect_err("bounded");
    let exact::ExactError::Stopped(Stop::Work { limit, states }) = e else { panic!("{e:?}") };
    assert_eq!(limit, 10_000 * herald::analysis::budget::WORK_PER_STATE);
    assert!(states < 10_000, "{states} states: the work bound stops it first");
}

/// A busy scenario: three messengers a tick for 20 ticks.
const BUSY: &str = "horizon 20
param copies = 3
channel A -> B {
  delay 1
  lose 1 in 2
}
general A {
  every 1 {
    send ping to B copies times
  }
  decide at 0: attack
}
general B {
  decide at 20: attack if received ping
}
";

/// `explore`, `analyze` and `sweep` take `--max-events`, the bound on a run's events that
/// their diagnostic suggests raising (issue 16, item 14: they rejected it); lowered, a
/// run of the search stops there; raised, it does not.
#[test]
fn searches_take_the_max_events_their_diagnostic_suggests() {
    let dir = common::temp_dir("bounds", "max-events");
    std::fs::write(dir.join("busy.herald"), BUSY).unwrap();
    for command in ["explore", "analyze"] {
        let low = common::herald_at(&dir, &[command, "busy.herald", "--max-events", "30"], None, &[("NO_COLOR", "1")]);
        assert_eq!(low.code, 4, "{command}: {}", low.stderr);
        assert!(low.stderr.contains("herald::run::event_limit"), "{command}: {}", low.stderr);
        assert!(low.stderr.contains("the run passed 30 events"), "{command}: {}", low.stderr);
        assert!(low.stderr.contains("raise the limit with --max-events"), "{command}: {}", low.stderr);
        let high = common::herald_at(&dir, &[command, "busy.herald", "--max-events", "1000"], None, &[]);
        assert_eq!(high.code, 0, "{command}: {}", high.stderr);
        assert!(high.stdout.contains("victory"), "{command}: {}", high.stdout);
    }
    for how in [&["--exact"][..], &["--trials", "100"]] {
        let args = |max: &'static str| {
            let mut a = vec!["sweep", "busy.herald", "--param", "copies=2..3", "--max-events", max];
            a.extend(how);
            a
        };
        let low = common::herald_at(&dir, &args("30"), None, &[("NO_COLOR", "1")]);
        assert_eq!(low.code, 4, "sweep {how:?}: {}", low.stderr);
        assert!(low.stderr.contains("the run passed 30 events"), "sweep {how:?}: {}", low.stderr);
        let high = common::herald_at(&dir, &args("1000"), None, &[]);
        assert_eq!(high.code, 0, "sweep {how:?}: {}", high.stderr);
    }
}

/// Past the default bound on events: the search, raised with `--max-events`, finishes,
/// and its report replays its runs with the same bound (a replay with the default one
/// would stop where the search did not).
#[test]
fn a_search_with_a_raised_event_bound_replays_its_runs_with_it() {
    let src = "horizon 2000
channel A -> B {
  delay 1
}
general A {
  every 1 {
    send ping to B 60 times
  }
  decide at 0: attack
}
general B {
  decide at 2000: attack if received ping
}
";
    let l = herald::load("busier.herald", src.as_bytes(), &[]).unwrap_or_else(|f| panic!("{:?}", f.diags));
    let default = Limits::states(100_000);
    assert!(matches!(explore::explore_limited(&l.model, default, false), Err(explore::ExploreError::Run { .. })));
    assert!(matches!(exact::analyze_limited(&l.model, default, None), Err(exact::ExactError::Run { .. })));
    let raised = Limits { max_events: 300_000, ..default };
    let e = explore::explore_limited(&l.model, raised, false).expect("within 300,000 events");
    let report = herald::report::explore::build(&l, &e);
    assert_eq!(report.possible.len(), 1);
    assert_eq!(report.possible[0].outcome, "victory");
    let x = exact::analyze_limited(&l.model, raised, None).expect("within 300,000 events");
    let report = herald::report::analyze::build(&l, &x);
    assert_eq!(report.most_likely.len(), 1);
    assert_eq!(report.most_likely[0].outcome, "victory");
}
