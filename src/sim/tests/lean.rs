//! Lean runs against full runs.

use crate::sim::*;

/// A lean run (as trials make them: sets of senders heard, compiled conditions, sends
/// fanned out, no delivery log unless read) ends as a full run does, with the same
/// choices: on every bundled scenario and exercise solution, over many seeds. (Debug
/// builds also check each compiled condition against `eval`.)
/// A chooser that notes what each choice is about.
struct Told<'a> {
    inner: &'a mut Seeded,
    seen: Vec<String>,
}

impl Chooser for Told<'_> {
    fn choose(&mut self, c: &Choice) -> Chosen {
        let r = self.inner.choose(c);
        self.seen.push(format!("{c:?} {}", r.index));
        r
    }

    fn about(&mut self, m: &About) {
        self.seen.push(format!("{m:?}"));
    }
}

#[test]
fn lean_runs_are_the_same_runs() {
    let names = crate::bundled_files(&["scenarios", "scenarios/exercises/solutions"]);
    assert!(names.len() >= 20);
    let mut compiled = 0;
    for path in names {
        let text = std::fs::read(&path).unwrap();
        let l = crate::load(&path.to_string_lossy(), &text, &[]).unwrap();
        compiled += same_runs(&path.display().to_string(), &l.model);
    }
    assert!(compiled >= 20, "{compiled} compiled conditions");
}

/// Lean runs that skip ticks at which only marks arrive (`LeanPlan::skip_marks`) end as
/// full runs do: at the last mark after the decisions, at the horizon, or with
/// `every` rules that read what arrived.
#[test]
fn skipped_mark_ticks_change_nothing() {
    let vote = |rest: &str| {
        format!(
            "victory when at least 3 attack\ntime dawn = 2\n{rest}\nchannel * <-> * {{\n  delay 1..6\n  lose 30%\n}}\n\
             generals G1..G5 are voters\n"
        )
    };
    let models = [
        // Marks arrive after the decisions; some generals stay undecided.
        vote(
            "role voters {\n  on start { send vote to all }\n  decide at dawn: commit 1 if count received vote >= 3\n}",
        ),
        // The horizon ends the run among the marks.
        vote(
            "horizon 4\nrole voters {\n  on start { send vote to all }\n  decide at dawn: commit 1 if count received vote >= 4\n}",
        ),
        // `every` ticks run and read the sets; they send more marks.
        vote(
            "role voters {\n  on start { send vote to all }\n  every 3 until count received vote >= 2 { send vote to all }\n  decide at 9: attack if count received vote >= 3\n}",
        ),
        // `at` rules between the marks.
        vote(
            "role voters {\n  on start { send vote to all }\n  at 3 { send vote to all }\n  decide at dawn: attack if count received vote >= 2\n}",
        ),
    ];
    for (i, text) in models.iter().enumerate() {
        let l = crate::load("skip.herald", text.as_bytes(), &[]).unwrap_or_else(|f| panic!("model {i}: {:?}", f.diags));
        let lean = Sim::new(&l.model, Mode::Lean);
        assert!(lean.plan.lean.skip_marks, "model {i} skips mark ticks");
        same_runs(&format!("model {i}"), &l.model);
    }
}

/// One-round lean runs ([`LeanPlan::one_round`]) end as full runs do: decisions at tick 0
/// and at several ticks, past the horizon, before or after the last arrival, by
/// generals that never decide, over unlike channels, with guards that may not commit,
/// and delays that cannot matter (drawn, not worked out) in ranges of two and three.
#[test]
fn one_round_runs_change_nothing() {
    let vote = |channels: &str, rules: &str| {
        format!(
            "victory when at least 3 attack\n{channels}\nrole voters {{\n  on start {{ send vote to all }}\n{rules}\n}}\n\
             generals G1..G5 are voters\n"
        )
    };
    let lossy = "channel * <-> * {\n  delay 1..2\n  lose 30%\n}";
    let models = [
        // Every messenger arrives by the decisions (their delays cannot matter).
        (vote(lossy, "  decide at 2: attack if count received vote + 1 >= 3"), true),
        (vote("channel * <-> * {\n  delay 1..3\n  lose 1 in 3\n}", "  decide at 4: attack if received vote"), true),
        // Decisions at tick 0 and later; arrivals after the last decision.
        (
            vote(
                "channel * <-> * {\n  delay 1..6\n  lose 20%\n}",
                "  decide at 0: attack if count received vote >= 1\n  decide at 3: attack if count received vote >= 2",
            ),
            false,
        ),
        // The decisions past the horizon; a horizon among the arrivals.
        (vote(&format!("horizon 1\n{lossy}"), "  decide at 4: attack if count received vote >= 2"), false),
        (
            vote(
                "horizon 3\nchannel * <-> * {\n  delay 1..6\n  lose 20%\n}",
                "  decide at 2: attack if count received vote >= 1",
            ),
            false,
        ),
        // Guards that may not commit (generals left undecided, the run goes on).
        (vote(lossy, "  decide at 2: commit 1 if count received vote >= 3"), true),
        // Unlike channels, a general that never decides, an `at 0` rule.
        (
            "victory when at least 2 attack\nchannel A -> B {\n  delay 1\n  lose 10%\n}\n\
             channel * <-> * {\n  delay 2..3\n  lose 1 in 3\n}\n\
             general A {\n  on start { send plan to B, C, D, E }\n  at 0 { send plan to all }\n}\n\
             general B {\n  decide at 3: attack if count received plan >= 2\n}\n\
             general C {\n  decide at 5: attack if received plan\n  decide at 3: attack if received plan\n}\n\
             general D {\n}\ngeneral E {\n  decide at 4: wait\n}\n"
                .to_string(),
            true,
        ),
    ];
    for (i, (text, all_by)) in models.iter().enumerate() {
        let l = crate::load("one-round.herald", text.as_bytes(), &[])
            .unwrap_or_else(|f| panic!("model {i}: {:?}", f.diags));
        let lean = Sim::new(&l.model, Mode::Lean);
        assert!(lean.plan.lean.one_round, "model {i} is one round");
        let first = lean.plan.lean.first_marks.as_ref().expect("tick 0's table");
        assert_eq!(first.all_by_fuse, *all_by, "model {i}");
        same_runs(&format!("model {i}"), &l.model);
        resets_like_a_full_reset(&format!("model {i}"), &l.model);
    }
}

/// Runs 300 seeded runs of `model` in full and lean, and checks that they make the
/// same choices and end alike. Returns how many conditions the lean runs compiled.
fn same_runs(what: &str, model: &Model) -> usize {
    {
        let mut full = Sim::new(model, Mode::Plain);
        let mut lean = Sim::new(model, Mode::Lean);
        let compiled = lean.plan.lean.quick.iter().flatten().count();
        let path = what;
        let (mut a, mut b) = (Seeded::new(11), Seeded::new(11));
        for k in 0..300 {
            // Every 30th run, also what each choice was about.
            let (ra, rb, seen_a, seen_b) = if k % 30 == 0 {
                let (mut la, mut lb) = (Told { inner: &mut a, seen: vec![] }, Told { inner: &mut b, seen: vec![] });
                let (ra, rb) = (full.run(&mut la), lean.run(&mut lb));
                (ra, rb, la.seen, lb.seen)
            } else {
                (full.run(&mut a), lean.run(&mut b), vec![], vec![])
            };
            let what = format!("{path} run {k}");
            assert_eq!(ra, rb, "{what}");
            assert_eq!(seen_a, seen_b, "{what}");
            assert!(lean.f.heard || lean.plan.lean.heard.kinds == 0, "{what}");
            let end = |s: &Sim| {
                format!(
                    "{:?} {} {:?} {:?} {} {} {} {:?}",
                    s.state.end,
                    s.state.now,
                    s.state.decisions,
                    s.state.crashed,
                    s.state.captures,
                    s.state.events,
                    s.state.sent_count,
                    s.state.sent_by_rule
                )
            };
            assert_eq!(end(&full), end(&lean), "{what}");
        }
        let c = Choice::Delay { lo: 0, hi: 1 << 20 };
        assert_eq!(a.choose(&c), b.choose(&c), "{path}: the streams part");
        compiled
    }
}

/// The reset after a one-round run (`Sim::reset_after_one_round`, which undoes only what
/// such a run changes) leaves the state a full reset leaves, after runs that end in every
/// way.
fn resets_like_a_full_reset(what: &str, model: &Model) {
    let mut sim = Sim::new(model, Mode::Lean);
    let mut fresh = Sim::new(model, Mode::Lean);
    fresh.reset();
    let mut rng = Seeded::new(3);
    for k in 0..50 {
        sim.run(&mut rng).expect("it runs");
        assert!(sim.lean.one_round_clean, "{what} run {k}: a one-round run");
        sim.reset();
        assert_eq!(sim.state, fresh.state, "{what} run {k}: the run's state");
        let lean = |s: &Sim| (s.lean.heard.clone(), s.lean.first_left, s.lean.first_done, s.lean.one_round_clean);
        assert_eq!(lean(&sim), lean(&fresh), "{what} run {k}: the lean state");
        assert_eq!((sim.decide_pos, sim.schedule_pos), (0, 0), "{what} run {k}: the cursors");
    }
}

/// Runs stopped by a low event bound stop alike, lean or plain: the same error (the same
/// rule named, at the same tick) and the same choices up to it, on every bundled
/// scenario and exercise solution (tick 0's table of messengers, fan-outs and sends one
/// by one each meet the bound).
#[test]
fn runs_stop_at_the_event_bound_alike() {
    let names = crate::bundled_files(&["scenarios", "scenarios/exercises/solutions"]);
    let mut stopped = 0;
    for path in names {
        let text = std::fs::read(&path).unwrap();
        let l = crate::load(&path.to_string_lossy(), &text, &[]).unwrap();
        for max in [1, 2, 5, 9, 17, 33, 60] {
            let mut plain = Sim::new(&l.model, Mode::Plain);
            let mut lean = Sim::new(&l.model, Mode::Lean);
            (plain.max_events, lean.max_events) = (max, max);
            for seed in 0..5 {
                let what = format!("{} max {max} seed {seed}", path.display());
                let (mut a, mut b) = (
                    Told { inner: &mut Seeded::new(seed), seen: vec![] },
                    Told { inner: &mut Seeded::new(seed), seen: vec![] },
                );
                let (ra, rb) = (plain.run(&mut a), lean.run(&mut b));
                assert_eq!(ra, rb, "{what}");
                assert_eq!(a.seen, b.seen, "{what}");
                stopped += ra.is_err() as u32;
            }
        }
    }
    assert!(stopped > 300, "{stopped} runs stopped at the bound");
}
