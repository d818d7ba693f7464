//! Staged runs and snapshots against whole ticks.

use crate::sim::*;

/// Records the choices and what they were about.
struct Log<C> {
    inner: C,
    seen: Vec<String>,
}

impl<C: Chooser> Chooser for Log<C> {
    fn choose(&mut self, c: &Choice) -> Chosen {
        let r = self.inner.choose(c);
        self.seen.push(format!("{c:?} -> {}", r.index));
        r
    }

    fn about(&mut self, m: &About) {
        self.seen.push(format!("{m:?}"));
    }
}

/// Everything a snapshot keeps, as the run holds it.
fn state(sim: &Sim) -> RunState {
    sim.state().clone()
}

fn finish(sim: &Sim) -> String {
    format!(
        "{:?} {:?} {:?} {:?} {}",
        sim.state.end, sim.state.now, sim.state.decisions, sim.state.crashed, sim.state.captures
    )
}

/// Replays choices made before.
struct Script(std::collections::VecDeque<u32>);

impl Chooser for Script {
    fn choose(&mut self, _: &Choice) -> Chosen {
        Chosen { index: self.0.pop_front().expect("a choice recorded"), draw: None }
    }
}

/// Records the choices made.
struct Record<C>(C, Vec<u32>);

impl<C: Chooser> Chooser for Record<C> {
    fn choose(&mut self, c: &Choice) -> Chosen {
        let r = self.0.choose(c);
        self.1.push(r.index);
        r
    }
}

/// A snapshot restored into a run in any other state is that state again: saving it
/// again gives the same snapshot, and the run goes on as the one it was saved from
/// (the same choices, the same end). On every bundled scenario, exercise and
/// solution (decisions, commits, crashes and recoveries, variables, messages with
/// arguments, `when` and `every` rules), eager and lazy, over several seeds; each
/// snapshot is restored over the run's state after another snapshot.
#[test]
fn snapshots_restore_over_any_state() {
    let names = crate::bundled_files(&["scenarios", "scenarios/exercises", "scenarios/exercises/solutions"]);
    let mut restored = 0;
    for path in names {
        let text = std::fs::read(&path).unwrap();
        let l = crate::load(&path.to_string_lossy(), &text, &[]).unwrap();
        for lazy in [false, true] {
            for seed in 0..10 {
                let what = format!("{} lazy={lazy} seed={seed}", path.display());
                let mut a = Sim::new(&l.model, Mode::Staged { lazy });
                a.start();
                let mut ch = Record(Seeded::new(seed), Vec::new());
                // Each step's snapshot, with the number of choices made before it and
                // the run's state then.
                let mut snaps = vec![(a.save(), 0, state(&a))];
                let ended = loop {
                    match a.advance(&mut ch) {
                        Ok(false) => snaps.push((a.save(), ch.1.len(), state(&a))),
                        Ok(true) => break true,
                        Err(_) => break false,
                    }
                };
                if !ended {
                    continue;
                }
                let end = finish(&a);
                let mut b = Sim::new(&l.model, Mode::Staged { lazy });
                b.start();
                let k = snaps.len();
                for i in 0..k {
                    // Over the state after another snapshot, from far in the run; each
                    // restore gives back the state saved, field by field, and saving
                    // again gives back the snapshot.
                    for j in [(i + k / 2 + 1) % k, i] {
                        let (snap, _, saved) = &snaps[j];
                        b.restore(snap);
                        assert_eq!(&state(&b), saved, "{what}: snapshot {j}, restored");
                        assert_eq!(format!("{:?}", b.save()), format!("{snap:?}"), "{what}: snapshot {j}, saved");
                    }
                    let (_, made, _) = &snaps[i];
                    let mut script = Script(ch.1[*made..].iter().copied().collect());
                    while !b.advance(&mut script).expect("it ran before") {}
                    assert!(script.0.is_empty(), "{what}: snapshot {i} made other choices");
                    assert_eq!(finish(&b), end, "{what}: snapshot {i}");
                    restored += 1;
                }
            }
        }
    }
    assert!(restored > 4_000, "{restored} snapshots restored");
}

/// A staged run makes the same choices, in the same order, about the same messengers,
/// and ends the same, as a run of whole ticks: on every bundled scenario, eager and
/// lazy, over many seeds.
#[test]
fn staged_runs_are_the_same_runs() {
    let names = crate::bundled_files(&["scenarios"]);
    assert!(names.len() >= 10);
    for path in names {
        let text = std::fs::read(&path).unwrap();
        let l = crate::load(&path.to_string_lossy(), &text, &[]).unwrap();
        for lazy in [false, true] {
            for seed in 0..40 {
                // Whole ticks: the plain interpreter, or with lazy delivery.
                let mut a = Sim::new(&l.model, if lazy { Mode::Staged { lazy } } else { Mode::Plain });
                let mut ca = Log { inner: Seeded::new(seed), seen: Vec::new() };
                let ra = a.run(&mut ca);
                let mut b = Sim::new(&l.model, Mode::Staged { lazy });
                b.start();
                let mut cb = Log { inner: Seeded::new(seed), seen: Vec::new() };
                let rb = loop {
                    match b.advance(&mut cb) {
                        Ok(false) => {
                            // Going on from a copy changes nothing.
                            let s = b.save();
                            b.restore(&s);
                        }
                        Ok(true) => break Ok(()),
                        Err(e) => break Err(e),
                    }
                };
                let what = format!("{} lazy={lazy} seed={seed}", path.display());
                assert_eq!(ra, rb, "{what}");
                assert_eq!(ca.seen, cb.seen, "{what}");
                assert_eq!(finish(&a), finish(&b), "{what}");
            }
        }
    }
}
