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
    let limits = Limits { max_states: 1_000_000, max_memory: 16 << 20 };
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
