//! The majority kernel against lean runs, trial by trial.

use crate::sim::lean::kernel::Kernel;
use crate::sim::*;

/// Runs `trials` trials of `model` with the kernel and as lean runs, on the same stream:
/// the same generals attack in every trial, and the stream is at the same place after
/// each (the next draw is the same). Returns whether the kernel applies.
fn same_trials(what: &str, model: &Model, trials: u64) -> bool {
    let mut lean = Sim::new(model, Mode::Lean);
    let Some(kernel) = Kernel::of(&lean) else { return false };
    let mut scratch = kernel.scratch();
    for seed in [1, 2, 99] {
        let (mut a, mut b) = (Seeded::stream(seed, 3), Seeded::stream(seed, 3));
        for k in 0..trials {
            let attacked = kernel.trial(&mut a, &mut scratch);
            lean.run(&mut b).unwrap_or_else(|e| panic!("{what}: trial {k}: {e:?}"));
            let lean_attacked = (0..model.generals.len())
                .filter(|&g| matches!(lean.state().decisions[g].map(|d| d.what), Some(Decided::Attack)))
                .fold(0u64, |m, g| m | 1 << g);
            assert_eq!(attacked, lean_attacked, "{what}: seed {seed}, trial {k}: who attacked");
            assert!(
                (0..model.generals.len()).all(|g| lean.state().decisions[g].is_some()),
                "{what}: every general decided"
            );
            assert_eq!(a.draw(), b.draw(), "{what}: seed {seed}, trial {k}: the stream goes on alike");
        }
    }
    true
}

fn vote(n: usize, quorum: usize, channel: &str, decide: &str) -> String {
    format!(
        "victory when at least {quorum} attack\ntime dawn = 4\nchannel * <-> * {{\n{channel}\n}}\n\
         role voters {{\n  on start {{ send vote to all }}\n  {decide}\n}}\ngenerals G1..G{n} are voters\n"
    )
}

/// On vote-shaped models (and the bundled ones it applies to), the kernel's trials are
/// the lean runs': with delays that cannot matter (every draw known before the trial) and
/// with delays that can (worked out, a range not a power of two: rejection), losses or
/// none, several comparisons, arrivals after the decisions.
#[test]
fn the_kernel_makes_the_trials_of_lean_runs() {
    let models = [
        vote(5, 3, "  delay 1..2\n  lose 20%", "decide at dawn: attack if count received vote + 1 >= 3"),
        vote(7, 4, "  delay 1\n  lose 1 in 3", "decide at dawn: attack if count received vote >= 3"),
        vote(6, 2, "  delay 1..4\n  lose 30%", "decide at dawn: attack if count received vote > 2"),
        vote(5, 5, "  delay 2..9\n  lose 10%", "decide at dawn: attack if count received vote == 2"),
        vote(5, 1, "  delay 1..3", "decide at dawn: attack if received vote"),
        // No draw at all.
        vote(5, 3, "  delay 2", "decide at dawn: attack if count received vote >= 4"),
        vote(12, 7, "  delay 3..5\n  lose 25%", "decide at dawn: attack if count received vote < 9"),
        vote(5, 2, "  delay 5\n  lose 50%", "decide at dawn: attack if count received vote >= 1"),
        vote(6, 3, "  delay 3..6\n  lose 50%", "decide at dawn: attack if count received vote >= 1"),
    ];
    for (i, text) in models.iter().enumerate() {
        let l = crate::load("vote.herald", text.as_bytes(), &[]).unwrap_or_else(|f| panic!("model {i}: {:?}", f.diags));
        assert!(same_trials(&format!("model {i}"), &l.model, 300), "model {i}: the kernel applies");
    }
    let mut bundled = Vec::new();
    for path in crate::bundled_files(&["scenarios", "scenarios/exercises/solutions"]) {
        let text = std::fs::read(&path).unwrap();
        let l = crate::load(&path.to_string_lossy(), &text, &[]).unwrap();
        if same_trials(&path.display().to_string(), &l.model, 300) {
            bundled.push(path.file_name().unwrap().to_string_lossy().to_string());
        }
    }
    assert!(bundled.contains(&"majority-3-of-5.herald".to_string()), "{bundled:?}");
}

/// The kernel stays out of models it does not fit: decisions at different ticks, a
/// general that never decides, commits, `on receive`, and runs that could pass the bound
/// on events.
#[test]
fn the_kernel_applies_only_to_votes() {
    let no = [
        vote(5, 3, "  delay 1\n  lose 20%", "decide at dawn: commit 1 if count received vote >= 2"),
        vote(5, 3, "  delay 1\n  lose 20%", "decide at dawn: attack if count received vote >= 2\n  on receive vote { }"),
        "victory when at least 1 attack\nchannel * <-> * {\n  delay 1\n}\ngeneral A {\n  on start { send plan to B }\n  \
         decide at 2: attack\n}\ngeneral B {\n  decide at 3: attack if received plan\n}\n"
            .to_string(),
        "victory when at least 1 attack\nchannel * <-> * {\n  delay 1\n}\ngeneral A {\n  on start { send plan to B }\n}\n\
         general B {\n  decide at 3: attack if received plan\n}\n"
            .to_string(),
    ];
    for (i, text) in no.iter().enumerate() {
        let l = crate::load("no.herald", text.as_bytes(), &[]).unwrap_or_else(|f| panic!("model {i}: {:?}", f.diags));
        assert!(Kernel::of(&Sim::new(&l.model, Mode::Lean)).is_none(), "model {i}: no kernel");
    }
    let text = vote(5, 3, "  delay 1\n  lose 20%", "decide at dawn: attack if count received vote >= 2");
    let l = crate::load("vote.herald", text.as_bytes(), &[]).unwrap();
    let mut sim = Sim::new(&l.model, Mode::Lean);
    assert!(Kernel::of(&sim).is_some());
    // 20 messengers sent and delivered, 5 rules of tick 0 and 5 decisions: 50 events.
    sim.max_events = 49;
    assert!(Kernel::of(&sim).is_none(), "a run could pass the bound");
    sim.max_events = 50;
    assert!(Kernel::of(&sim).is_some());
}
