//! The interpreter's semantics (LANGUAGE.md §4, as amended in the README): order within
//! a tick, the order of random draws, each loss rule, partitions, crashes, counting.
//!
//! Every run is made in every mode of the interpreter (`run_modes`): traced (what the
//! tests read), plain, lean (as trials run) and staged (as `analyze` and `explore` step),
//! and the modes must agree.

use herald::check::{Model, Prob};
use herald::sim::{
    About, Choice, Chooser, Chosen, DEFAULT_MAX_EVENTS, Decided, End, Fate, LogEntry, Mode, Recording, RunError,
    Script, Seeded, Sim,
};
use herald::syntax::ast::Outcome;

fn model(src: &str) -> Model {
    match herald::load("test.herald", src.as_bytes(), &[]) {
        Ok(l) => l.model,
        Err(f) => panic!("does not load: {:#?}", f.diags),
    }
}

/// One call an interpreter made to its chooser.
#[derive(Debug, Clone, PartialEq)]
enum Call {
    /// A choice, and the option taken.
    Choice(Choice, u32),
    About(About),
}

/// Passes the calls on to `inner`, noting them and what was chosen.
struct Noting<'a, C> {
    inner: &'a mut C,
    calls: Vec<Call>,
    chosen: Vec<Chosen>,
}

impl<C: Chooser> Chooser for Noting<'_, C> {
    fn choose(&mut self, c: &Choice) -> Chosen {
        let r = self.inner.choose(c);
        self.calls.push(Call::Choice(*c, r.index));
        self.chosen.push(r);
        r
    }

    fn about(&mut self, m: &About) {
        self.inner.about(m);
        self.calls.push(Call::About(*m));
    }
}

/// Chooses what another run chose, in order (then the first option), noting the calls.
struct Again<'a> {
    chosen: &'a [Chosen],
    at: usize,
    calls: Vec<Call>,
}

impl Chooser for Again<'_> {
    fn choose(&mut self, c: &Choice) -> Chosen {
        let r = self.chosen.get(self.at).copied().unwrap_or(Chosen { index: 0, draw: None });
        self.at += 1;
        self.calls.push(Call::Choice(*c, r.index));
        r
    }

    fn about(&mut self, m: &About) {
        self.calls.push(Call::About(*m));
    }
}

/// What every mode must agree on when a run ends.
fn end_of(sim: &Sim) -> String {
    let s = sim.state();
    format!(
        "{:?} at tick {}; decisions {:?}; crashed {:?}; captures {}, crashes chosen {}; vars {:?}; {:?}",
        s.end,
        s.now,
        s.decisions,
        s.crashed,
        s.captures,
        s.crashes_chosen,
        s.vars,
        sim.outcome()
    )
}

/// Runs `m` traced with `ch` making the choices (the run the tests read), then plain,
/// lean (as trials run) and staged (`advance`, as `analyze` and `explore` step) with the
/// same choices: every mode must make the same calls to its chooser (the same choices,
/// about the same messengers), stop at the same error, or end alike (decisions, crashes,
/// captures, variables, outcome). Returns the traced run and its result.
fn run_modes<'m>(m: &'m Model, max_events: u64, ch: &mut impl Chooser) -> (Sim<'m>, Result<(), RunError>) {
    let mut traced = Sim::new(m, Mode::Traced);
    traced.max_events = max_events;
    let mut noting = Noting { inner: ch, calls: Vec::new(), chosen: Vec::new() };
    let result = traced.run(&mut noting);
    let end = result.is_ok().then(|| end_of(&traced));
    for mode in [Mode::Plain, Mode::Lean, Mode::Staged { lazy: false }] {
        let mut sim = Sim::new(m, mode);
        sim.max_events = max_events;
        let mut again = Again { chosen: &noting.chosen, at: 0, calls: Vec::new() };
        let staged = matches!(mode, Mode::Staged { .. });
        let r = if staged {
            sim.start();
            loop {
                match sim.advance(&mut again) {
                    Ok(false) => {}
                    Ok(true) => break Ok(()),
                    Err(e) => break Err(e),
                }
            }
        } else {
            sim.run(&mut again)
        };
        assert_eq!(r, result, "{mode:?} run: the result");
        if staged && result.is_err() {
            // A staged run chooses the fates of a tick's messengers after the tick's
            // rules have run: an error in them comes before those choices.
            assert!(noting.calls.starts_with(&again.calls), "staged run: the calls to the chooser");
        } else {
            assert_eq!(again.calls, noting.calls, "{mode:?} run: the calls to the chooser");
        }
        assert_eq!(r.is_ok().then(|| end_of(&sim)), end, "{mode:?} run: the end");
    }
    (traced, result)
}

/// [`run_modes`] of a run that finishes.
fn run_with<'m>(m: &'m Model, ch: &mut impl Chooser) -> Sim<'m> {
    let (sim, result) = run_modes(m, DEFAULT_MAX_EVENTS, ch);
    result.expect("the run finishes");
    sim
}

fn run_script<'m>(m: &'m Model, script: &[u32]) -> Sim<'m> {
    run_with(m, &mut Script::new(script))
}

fn general_index(m: &Model, name: &str) -> usize {
    m.generals.iter().position(|g| g.name == name).expect("general exists")
}

fn decision(sim: &Sim, name: &str) -> Option<Decided> {
    sim.state().decisions[general_index(sim.model, name)].map(|d| d.what)
}

/// Numbers (on their channel) of the captured messengers.
fn captured(sim: &Sim) -> Vec<u32> {
    sim.state().messengers.iter().filter(|m| matches!(m.fate, Fate::Captured { .. })).map(|m| m.number).collect()
}

// ---------------------------------------------------------------- order within a tick

#[test]
fn crashes_come_before_deliveries_in_the_same_tick() {
    let m = model(
        "channel A -> B { delay 2 }
         general A { on start { send plan to B } decide at 5: attack }
         general B { on receive plan { attack } decide at 5: wait }
         crash B at 2",
    );
    let sim = run_script(&m, &[]);
    assert_eq!(sim.state().messengers[0].fate, Fate::ReceiverDown);
    assert_eq!(decision(&sim, "B"), None);
    assert_eq!(sim.state().crashed[general_index(&m, "B")], Some(2));
}

#[test]
fn deliveries_in_one_tick_come_in_send_order() {
    let m = model(
        "channel * -> C { delay 1 }
         general A { on start { send x to C } decide at 3: attack }
         general B { on start { send y to C } decide at 3: attack }
         general C { on receive x { set seen = 1 } on receive y { set seen = 2 } var seen = 0
                     decide at 3: attack if received x and received y }",
    );
    let sim = run_script(&m, &[]);
    let c = general_index(&m, "C");
    let kinds: Vec<String> = sim.state().recv[c].iter().map(|r| m.show_msg(&r.msg)).collect();
    assert_eq!(kinds, ["x", "y"]);
    // y was delivered after x, so its rule ran last.
    assert_eq!(sim.state().vars[c][0], 2);
}

#[test]
fn deliveries_come_before_decisions_and_when_before_decide() {
    let m = model(
        "channel A <-> B { delay 2 }
         general A { on start { send plan to B } decide at 2: attack }
         general B { decide at 2: attack if received plan }
         general C { when received go { attack } decide at 3: wait }
         channel C -> A { delay 1 }
         channel A -> C { delay 2 }
         general D { at 2 { send go to C } decide at 0: wait }
         channel D -> C { delay 1 }",
    );
    let sim = run_script(&m, &[]);
    // The plan arrives at 2 and B's decision at 2 sees it.
    assert_eq!(decision(&sim, "B"), Some(Decided::Attack));
    // `go` arrives at 3; C's `when` fires in tick 3 before its `decide at 3` would wait.
    assert_eq!(decision(&sim, "C"), Some(Decided::Attack));
    assert_eq!(sim.state().decisions[general_index(&m, "C")].unwrap().tick, 3);
}

#[test]
fn at_and_every_run_before_when_rules_in_the_same_tick() {
    let m = model(
        "channel A -> B { delay 1 }
         general A { at 1 { send ping to B } when sent ping { attack } }
         general B { decide at 3: attack if received ping }",
    );
    let sim = run_script(&m, &[]);
    let d = sim.state().decisions[general_index(&m, "A")].unwrap();
    assert_eq!((d.what, d.tick), (Decided::Attack, 1));
}

#[test]
fn a_run_ends_once_everyone_has_decided() {
    let m = model(
        "channel A -> B { delay 1 }
         general A { on start { send x to B } decide at 1: attack }
         general B { decide at 3: attack if received x }",
    );
    let sim = run_script(&m, &[]);
    assert_eq!(sim.state().end, End::AllDecided);
    assert_eq!(sim.state().now, 3);
}

#[test]
fn a_run_stops_at_the_horizon_with_messengers_in_flight() {
    let m = model(
        "horizon 10
         channel A -> B { delay 1 }
         general A { every 3 { send x to B } }
         general B { decide at 50: attack }",
    );
    let sim = run_script(&m, &[]);
    assert_eq!(sim.state().end, End::Horizon);
    assert_eq!(sim.state().now, 10);
    assert_eq!(sim.state().messengers.len(), 3, "sent at 3, 6 and 9");
}

// ---------------------------------------------------------------- draws

#[test]
fn draws_come_in_the_stated_order() {
    let m = model(
        "channel A -> B { delay 1..3  lose 50%  lose 20%  duplicate 50% }
         general A { on start { send x to B } }
         general B { decide at 9: attack if received x }",
    );
    // Delay index 0 (1 tick), not captured, not captured, duplicated, duplicate delay index 2 (3 ticks).
    let mut rec = Recording { inner: Script::new(&[0, 0, 0, 1, 2]), log: vec![] };
    let sim = run_with(&m, &mut rec);
    let kinds: Vec<Choice> = rec.log.iter().map(|(c, _)| *c).collect();
    assert_eq!(
        kinds,
        vec![
            Choice::Delay { lo: 1, hi: 3 },
            Choice::Chance { p: Prob::new(1, 2) },
            Choice::Chance { p: Prob::new(1, 5) },
            Choice::Chance { p: Prob::new(1, 2) },
            Choice::Delay { lo: 1, hi: 3 },
        ]
    );
    let x = &sim.state().messengers[0];
    assert_eq!((x.arrives, x.duplicate, x.fate), (1, Some(3), Fate::Delivered));
    assert_eq!(sim.state().recv[general_index(&m, "B")].len(), 2, "delivered twice");
}

#[test]
fn a_capture_stops_the_draws_for_that_messenger() {
    let m = model(
        "channel A -> B { delay 1..3  lose 50%  lose 20%  duplicate 50% }
         general A { on start { send x to B } }
         general B { decide at 9: attack if received x }",
    );
    let mut rec = Recording { inner: Script::new(&[1, 1]), log: vec![] };
    let sim = run_with(&m, &mut rec);
    assert_eq!(rec.log.len(), 2, "delay and the first loss roll only");
    assert!(matches!(sim.state().messengers[0].fate, Fate::Captured { loss: 0, .. }));
    assert_eq!(sim.state().messengers[0].arrives, 2, "captured where it would have arrived (delay index 1: 2 ticks)");
}

#[test]
fn a_loss_for_another_kind_draws_nothing() {
    let m = model(
        "channel A -> B { delay 1  lose 50% of ack }
         general A { on start { send plan to B } }
         general B { on receive plan { } decide at 3: attack if received plan }
         channel B -> A { delay 1 }
         general C { on start { } decide at 1: wait }",
    );
    let mut rec = Recording { inner: Script::new(&[]), log: vec![] };
    run_with(&m, &mut rec);
    assert!(rec.log.is_empty());
}

#[test]
fn seeded_chances_follow_the_threshold_exactly() {
    let half = Prob::new(1, 2);
    assert_eq!(half.threshold, 1u128 << 63);
    assert_eq!(Prob::new(1, 1).threshold, 1u128 << 64);
    assert_eq!(Prob::new(0, 1).threshold, 0);
    let mut s = Seeded::new(7);
    for _ in 0..1000 {
        let c = s.choose(&Choice::Chance { p: half });
        let d = c.draw.unwrap();
        assert_eq!(c.index == 1, (d as u128) < half.threshold);
    }
}

#[test]
fn seeded_delays_are_uniform_and_in_range() {
    let mut s = Seeded::new(1);
    let mut counts = [0u32; 3];
    for _ in 0..30_000 {
        let Chosen { index, .. } = s.choose(&Choice::Delay { lo: 2, hi: 4 });
        counts[index as usize] += 1;
    }
    for c in counts {
        assert!((9_500..10_500).contains(&c), "{counts:?}");
    }
}

#[test]
fn a_seed_fixes_the_run() {
    let m = model(
        "channel A <-> B { delay 1..3  lose 50% }
         general A { every 1 until received ack { send plan to B } decide at 20: attack if received ack }
         general B { on receive plan { send ack to A } decide at 20: attack if received plan }",
    );
    let fates = |seed| {
        let sim = run_with(&m, &mut Seeded::new(seed));
        sim.state().messengers.iter().map(|x| (x.number, x.arrives, x.fate)).collect::<Vec<_>>()
    };
    assert_eq!(fates(5), fates(5));
    assert!((0..20).any(|s| fates(s) != fates(5)));
}

// ---------------------------------------------------------------- loss rules

/// Captured messenger numbers when A sends one messenger a tick, at ticks 0 to 5.
fn six(rule: &str) -> Vec<u32> {
    let src = format!(
        "horizon 5
         channel A -> B {{ delay 1  {rule} }}
         general A {{ on start {{ send ping to B }} every 1 {{ send ping to B }} }}
         general B {{ decide at 50: attack if received ping }}"
    );
    let m = model(&src);
    let sim = run_script(&m, &[]);
    assert_eq!(sim.state().messengers.len(), 6);
    captured(&sim)
}

#[test]
fn each_deterministic_loss_rule() {
    assert_eq!(six("lose all"), [1, 2, 3, 4, 5, 6]);
    assert_eq!(six("lose messenger 2"), [2]);
    assert_eq!(six("lose messengers 1, 3..4"), [1, 3, 4]);
    assert_eq!(six("lose every 2nd"), [2, 4, 6]);
    assert_eq!(six("lose every 3rd"), [3, 6]);
    assert_eq!(six("lose first 2"), [1, 2]);
    assert_eq!(six("lose after 4"), [5, 6]);
    assert_eq!(six("lose from 2 to 3"), [3, 4], "sent at ticks 2 and 3");
    assert_eq!(six("lose ping"), [1, 2, 3, 4, 5, 6]);
    assert_eq!(six("lose \"ping\""), [1, 2, 3, 4, 5, 6]);
    assert_eq!(six("lose first 1  lose every 2nd"), [1, 2, 4, 6], "rules are checked in order");
}

#[test]
fn probabilistic_loss_rules_follow_the_choices() {
    let src = "horizon 5
         param p = 1 in 3
         channel A -> B { delay 1  lose p }
         general A { on start { send ping to B } every 1 { send ping to B } }
         general B { decide at 50: attack if received ping }";
    let m = model(src);
    let sim = run_script(&m, &[0, 1, 0, 0, 1, 1]);
    assert_eq!(captured(&sim), [2, 5, 6]);
    let Fate::Captured { loss: 0, draw: None } = sim.state().messengers[1].fate else { panic!() };
}

#[test]
fn a_loss_rule_of_a_kind_spares_the_others() {
    let m = model(
        "channel A -> B { delay 1  lose 100% of ack }
         general A { on start { send plan to B  send ack to B } }
         general B { decide at 3: attack if received plan and not received ack }",
    );
    let sim = run_script(&m, &[1]);
    assert_eq!(captured(&sim), [2]);
    assert_eq!(decision(&sim, "B"), Some(Decided::Attack));
}

// ---------------------------------------------------------------- partitions and crashes

#[test]
fn partitions_capture_what_crosses_the_cut_in_their_window() {
    let m = model(
        "horizon 5
         channel * <-> * { delay 1 }
         general A { on start { send ping to B  send ping to C } every 1 { send ping to B  send ping to C } }
         general B { decide at 50: attack if received ping }
         general C { decide at 50: attack if received ping }
         partition A | B from 2 to 3",
    );
    let sim = run_script(&m, &[]);
    let cut: Vec<(String, u32)> = sim
        .state()
        .messengers
        .iter()
        .filter(|x| matches!(x.fate, Fate::Partitioned { .. }))
        .map(|x| (m.name(x.to).to_string(), x.sent))
        .collect();
    assert_eq!(cut, [("B".to_string(), 2), ("B".to_string(), 3)]);
}

#[test]
fn a_crashed_general_does_nothing_more() {
    let m = model(
        "channel A <-> B { delay 1 }
         general A { every 1 { send ping to B } decide at 10: attack }
         general B { on receive ping { send pong to A } decide at 10: attack }
         crash A at 3",
    );
    let sim = run_script(&m, &[]);
    let a = general_index(&m, "A");
    assert!(sim.state().sent[a].iter().all(|s| s.tick < 3));
    assert_eq!(sim.state().decisions[a], None);
    // B's pong sent at 2 reaches A at 3, after A crashed.
    assert!(sim.state().messengers.iter().any(|x| x.fate == Fate::ReceiverDown));
    assert!(sim.state().log.iter().any(|e| matches!(e, LogEntry::Crash { tick: 3, .. })));
}

#[test]
fn the_crash_action_stops_the_general_at_once() {
    let m = model(
        "channel A -> B { delay 1 }
         general A { on start { crash  send plan to B } }
         general B { decide at 3: attack if received plan }",
    );
    let sim = run_script(&m, &[]);
    assert!(sim.state().messengers.is_empty());
}

// ---------------------------------------------------------------- knowledge

#[test]
fn count_received_counts_distinct_senders() {
    let m = model(
        "channel * <-> * { delay 1 }
         general A { on start { send vote to C 3 times } decide at 5: attack }
         general B { on start { send vote to C } decide at 5: attack }
         general C { decide at 5: attack if count received vote = 2 }
         general D { decide at 5: attack }",
    );
    let sim = run_script(&m, &[]);
    assert_eq!(sim.state().recv[general_index(&m, "C")].len(), 4);
    assert_eq!(decision(&sim, "C"), Some(Decided::Attack));
}

#[test]
fn received_from_all_needs_one_from_each() {
    let m = model(
        "channel * <-> * { delay 1 }
         role voters { on start { send yes to C } decide at 5: attack }
         generals P1, P2 are voters
         general P3 { decide at 5: attack }
         general C { decide at 5: attack if received yes from all voters }
         general D { decide at 5: attack if received yes from all }",
    );
    let sim = run_script(&m, &[]);
    assert_eq!(decision(&sim, "C"), Some(Decided::Attack));
    assert_eq!(decision(&sim, "D"), Some(Decided::Wait), "D heard from nobody");
}

#[test]
fn received_by_a_deadline_ignores_later_arrivals() {
    let m = model(
        "time midnight = 2
         channel A -> B { delay 3 }
         general A { on start { send plan to B } decide at 5: attack }
         general B { decide at 5: attack if received plan by midnight }",
    );
    let sim = run_script(&m, &[]);
    assert_eq!(decision(&sim, "B"), Some(Decided::Wait));
}

#[test]
fn every_stops_once_its_until_holds() {
    let m = model(
        "channel A <-> B { delay 1 }
         general A { every 2 until received ack { send plan to B } decide at 20: attack }
         general B { on receive plan { send ack to A } decide at 20: attack }",
    );
    let sim = run_script(&m, &[]);
    // Sent at 2; acked at 3 (arrives 4); at 4 the until holds.
    assert_eq!(sim.state().sent[general_index(&m, "A")].len(), 1);
}

#[test]
fn payload_binders_and_guards() {
    let m = model(
        "param depth = 3
         channel A <-> B { delay 1 }
         general A { on start { send ack(1) to B } on receive ack(n) if n < depth { send ack(n + 1) to B }
                     decide at 20: attack if received ack(depth - 1) }
         general B { on receive ack(n) if n < depth { send ack(n + 1) to A }
                     decide at 20: attack if received ack(depth) or received ack(depth - 1) }",
    );
    let sim = run_script(&m, &[]);
    let shown: Vec<String> = sim.state().messengers.iter().map(|x| m.show_msg(&x.msg)).collect();
    assert_eq!(shown, ["ack(1)", "ack(2)", "ack(3)"]);
    assert_eq!(sim.outcome(), Outcome::Victory);
}

// ---------------------------------------------------------------- outcomes and limits

#[test]
fn outcomes_follow_the_victory_threshold() {
    let src = |least: &str| {
        format!(
            "{least}
             channel * <-> * {{ delay 1 }}
             general A {{ decide at 1: attack }}
             general B {{ decide at 1: attack }}
             general C {{ decide at 1: wait }}"
        )
    };
    let m = model(&src(""));
    assert_eq!(run_script(&m, &[]).outcome(), Outcome::Defeat);
    let m = model(&src("victory when at least 2 attack"));
    assert_eq!(run_script(&m, &[]).outcome(), Outcome::Victory);
    let m = model(
        "general A { decide at 1: wait }
         general B { decide at 1: wait }",
    );
    assert_eq!(run_script(&m, &[]).outcome(), Outcome::NoAttack);
}

#[test]
fn a_runaway_rule_stops_at_the_event_limit_and_is_named() {
    let m = model(
        "channel A <-> B { delay 1 }
         general A { on start { send ping to B } on receive pong { send ping to B 2 times } decide at 999: attack }
         general B { on receive ping { send pong to A } decide at 999: attack }",
    );
    let (_, result) = run_modes(&m, 10_000, &mut Script::new(&[]));
    let err = result.unwrap_err();
    let RunError::EventLimit { limit, rule, .. } = err else { panic!("{err:?}") };
    assert_eq!(limit, 10_000);
    assert_eq!(m.rules[rule as usize].text, "on receive pong");
}

#[test]
fn values_decide_agreement_and_disagreement() {
    let src = "channel A <-> B { delay 1  lose all }
         role replica { on start { send propose(price) to all } on receive propose(p) if p < price { set price = p }
                        decide at 5: commit price }
         general A is replica { var price = 1000 }
         general B is replica { var price = 2000 }";
    let m = model(src);
    assert_eq!(run_script(&m, &[]).outcome(), Outcome::Disagreement);
    let m = model(&src.replace("lose all", ""));
    let sim = run_script(&m, &[]);
    assert_eq!(sim.outcome(), Outcome::Agreement);
    assert_eq!(decision(&sim, "B"), Some(Decided::Commit(1000)));
}

// ---------------------------------------------------------------- recovery

#[test]
fn a_recovered_general_keeps_its_storage_loses_what_came_while_down_and_runs_on_recover() {
    let m = model(
        "channel A <-> B { delay 1 }
         general A {
           on start { send one to B }
           at 3 { send two to B }
           at 6 { send three to B }
           decide at 9: attack
         }
         general B {
           var heard = 0
           on receive one { set heard = 1 }
           on recover { send back(heard) to A }
           decide at 8: attack if received one from A and received three from A and not received two from A
         }
         crash B at 2
         recover B at 5",
    );
    let sim = run_script(&m, &[]);
    let b = general_index(&m, "B");
    // `two` arrived at 4, while B was down: lost, and so reported.
    let two = sim.state().messengers.iter().find(|x| m.show_msg(&x.msg) == "two").unwrap();
    assert_eq!(two.fate, Fate::ReceiverDown);
    // B is up again: it decides, remembering `one` (received before the crash) and
    // getting `three` (after the recovery).
    assert_eq!(sim.state().crashed[b], None);
    assert_eq!(decision(&sim, "B"), Some(Decided::Attack));
    // Its variable survived the crash, and `on recover` sent it.
    let back = sim.state().messengers.iter().find(|x| m.show_msg(&x.msg) == "back(1)").expect("on recover fired");
    assert_eq!(back.sent, 5);
    assert!(
        sim.state().log.iter().any(|e| matches!(e, LogEntry::Recover { general, tick: 5 } if *general as usize == b))
    );
    assert_eq!(sim.outcome(), Outcome::Victory);
}

#[test]
fn a_general_that_never_recovers_stays_down_and_recovering_a_live_one_does_nothing() {
    let m = model(
        "channel A <-> B { delay 1 }
         general A { on start { send plan to B } decide at 4: attack }
         general B { on receive plan { attack } }
         recover B at 1",
    );
    let sim = run_script(&m, &[]);
    assert_eq!(decision(&sim, "B"), Some(Decided::Attack));
    assert!(!sim.state().log.iter().any(|e| matches!(e, LogEntry::Recover { .. })));
}

// ---------------------------------------------------------------- crash any

#[test]
fn crash_any_rolls_each_live_target_each_tick_of_its_window_until_enough_have_crashed() {
    let m = model(
        "channel A <-> B { delay 1 }
         general A { decide at 9: attack }
         general B { decide at 9: attack }
         general C { decide at 9: attack }
         crash any 1 of A, B, C from 2 to 4",
    );
    let c = &m.crash_any[0];
    assert_eq!((c.n, c.from, c.to), (1, 2, 4));
    // Three ticks in the window: each roll is 1 in 4.
    assert_eq!(c.p, Prob::new(1, 4));
    // Tick 2: A no, B no, C no; tick 3: A no, B yes — and then no more rolls.
    let sim = run_script(&m, &[0, 0, 0, 0, 1]);
    assert_eq!(sim.state().crashed[general_index(&m, "B")], Some(3));
    assert_eq!(sim.state().crashed[general_index(&m, "A")], None);
    assert_eq!(sim.state().crashed[general_index(&m, "C")], None);
    let mut rec = Recording { inner: Script::new(&[0, 0, 0, 0, 1]), log: Vec::new() };
    let _ = run_with(&m, &mut rec);
    assert_eq!(rec.log.len(), 5, "one roll per live target per tick until one crashed");
    // Nobody crashes: nine rolls, one per target per tick of the window.
    let mut rec = Recording { inner: Script::new(&[]), log: Vec::new() };
    let sim = run_with(&m, &mut rec);
    assert_eq!(rec.log.len(), 9);
    assert!(sim.state().crashed.iter().all(Option::is_none));
}
