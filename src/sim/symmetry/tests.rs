//! Symmetry classes of bundled and small scenarios, and swaps checked to be automorphisms.

use super::checks::rewrite;
use super::order::order_sensitive;
use super::*;

fn model(text: &str) -> Model {
    match crate::load("test.herald", text.as_bytes(), &[]) {
        Ok(l) => l.model,
        Err(f) => panic!("does not load: {:#?}", f.diags),
    }
}

fn bundled(path: &str) -> Model {
    let file = format!("{}/scenarios/{path}", env!("CARGO_MANIFEST_DIR"));
    model(&std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}")))
}

/// The classes of two or more, by the names of their members.
fn shared(text: &str) -> Vec<Vec<String>> {
    names(&model(text))
}

fn names(m: &Model) -> Vec<Vec<String>> {
    let sym = Symmetry::of(m);
    sym.members.iter().filter(|c| c.len() >= 2).map(|c| c.iter().map(|&g| m.name(g).to_string()).collect()).collect()
}

fn class(members: &[&str]) -> Vec<String> {
    members.iter().map(|s| s.to_string()).collect()
}

/// Five voters over a lossy network, with `extra` added.
fn voters(extra: &str) -> String {
    format!(
        "victory when at least 3 attack
         channel * <-> * {{ delay 1..2 lose 20% }}
         role voters {{
           on start {{ send vote to all }}
           decide at 6: attack if count received vote + 1 >= 3
         }}
         generals G1..G5 are voters
         {extra}"
    )
}

#[test]
fn the_five_voters_of_the_majority_scenario_are_one_class() {
    let m = bundled("majority-3-of-5.herald");
    let sym = Symmetry::of(&m);
    assert!(sym.any());
    assert_eq!(sym.class, [0; 5]);
    assert_eq!(sym.members, [vec![0, 1, 2, 3, 4]]);
    assert_eq!(names(&model(&voters(""))), [class(&["G1", "G2", "G3", "G4", "G5"])]);
}

#[test]
fn generals_without_a_role_are_alone() {
    let m = bundled("attempt2-acknowledgment.herald");
    let sym = Symmetry::of(&m);
    assert!(!sym.any());
    assert_eq!(sym.class, [0, 1]);
}

#[test]
fn a_different_initial_value_splits_its_general_out() {
    let text = "channel * <-> * { delay 1 }
         role voters { on start { send vote(w) to all } decide at 6: attack if count received vote >= 2 }
         general G1 is voters { var w = 0 }
         general G2 is voters { var w = 0 }
         general G3 is voters { var w = 1 }
         general G4 is voters { var w = 0 }";
    assert_eq!(shared(text), [class(&["G1", "G2", "G4"])]);
    let sym = Symmetry::of(&model(text));
    assert_eq!(sym.class, [0, 0, 1, 0], "ids in the order of first members");
}

#[test]
fn a_scheduled_crash_splits_its_general_out() {
    assert_eq!(shared(&voters("crash G3 at 2")), [class(&["G1", "G2", "G4", "G5"])]);
    assert_eq!(shared(&voters("crash G3 at 2\nrecover G3 at 4")), [class(&["G1", "G2", "G4", "G5"])]);
}

#[test]
fn a_rule_that_names_one_member_breaks_the_class() {
    // G2's own rule names G1: G1 is no longer like G3, G4 and G5; and G2, with one
    // rule more, never was like the others. Swapping G3 and G5 still changes nothing,
    // but the class is broken whole.
    let text = voters("").replace("generals G1..G5 are voters", "generals G1, G3, G4, G5 are voters")
        + "general G2 is voters { on start { send x to G1 } }";
    assert_eq!(shared(&text), Vec::<Vec<String>>::new());
    // A role that names one member of another role breaks that role, and only that
    // one: once B1 is alone, the rules of A1 and A2 name the same lone general.
    let text = "channel * <-> * { delay 1 }
         role a { on start { send x to B1 } decide at 3: attack }
         role b { decide at 3: attack if received x }
         generals A1, A2 are a
         generals B1, B2 are b";
    assert_eq!(shared(text), [class(&["A1", "A2"])]);
    // Naming the whole role is fine.
    assert_eq!(shared(&text.replace("to B1", "to b")), [class(&["A1", "A2"]), class(&["B1", "B2"])]);
    // So is a condition about all of them, but not about one.
    let knows = "channel * <-> * { delay 1 }
         role a { on start { send x to all } decide at 3: attack if received x from all b }
         role b { on start { send x to all } decide at 3: attack if count received x from a >= 1 }
         generals A1, A2 are a
         generals B1, B2 are b";
    assert_eq!(shared(knows), [class(&["A1", "A2"]), class(&["B1", "B2"])]);
    assert_eq!(shared(&knows.replace("from all b", "from B2")), [class(&["A1", "A2"])]);
    assert_eq!(shared(&knows.replace("from a >= 1", "from A1 >= 1")), [class(&["B1", "B2"])]);
}

#[test]
fn a_partition_across_a_role_breaks_it() {
    assert_eq!(shared(&voters("partition G1, G2 | G3, G4, G5 from 0 to 3")), Vec::<Vec<String>>::new());
    // A cut between the role and an outsider keeps it whole.
    let text = voters("general H { decide at 6: wait }\npartition G1, G2, G3, G4, G5 | H");
    assert_eq!(shared(&text), [class(&["G1", "G2", "G3", "G4", "G5"])]);
}

#[test]
fn channels_must_look_alike_from_every_member() {
    let lossier = voters("channel G1 -> G2 { delay 1..2 lose 50% }");
    assert_eq!(shared(&lossier), Vec::<Vec<String>>::new());
    let same = voters("channel G1 -> G2 { delay 1..2 lose 20% }");
    assert_eq!(shared(&same), [class(&["G1", "G2", "G3", "G4", "G5"])]);
}

#[test]
fn crash_any_keeps_a_class_only_when_its_targets_are_not_rolled_in_order() {
    // Every target may crash: each rolls alike whatever its place.
    assert_eq!(
        shared(&voters("crash any 5 of G1, G2, G3, G4, G5 from 0 to 3")),
        [class(&["G1", "G2", "G3", "G4", "G5"])]
    );
    // Only one may: G1 rolls first, so it is likelier to crash than G5.
    assert_eq!(shared(&voters("crash any 1 of G1, G2, G3, G4, G5 from 0 to 3")), Vec::<Vec<String>>::new());
    // Targets that straddle the class.
    assert_eq!(shared(&voters("crash any 2 of G1, G2")), Vec::<Vec<String>>::new());
}

#[test]
fn a_receiver_whose_deliveries_do_not_commute_breaks_its_senders() {
    let sink = |rules: &str| {
        format!(
            "channel * -> C {{ delay 1..2 }}
             role s {{ on start {{ send x(v) to C }} decide at 4: attack }}
             general S1 is s {{ var v = 0 }}
             general S2 is s {{ var v = 0 }}
             general S3 is s {{ var v = 1 }}
             general S4 is s {{ var v = 1 }}
             general C {{ var n = 0  var low = 9  var last = 0  {rules} decide at 4: attack }}"
        )
    };
    let both = [class(&["S1", "S2"]), class(&["S3", "S4"])];
    // C hears S1 and S3 at one tick in the order declared: the last value stays.
    assert_eq!(shared(&sink("on receive x(p) { set last = p }")), Vec::<Vec<String>>::new());
    // Counting, keeping the least value, deciding alike: the order does not matter.
    assert_eq!(shared(&sink("on receive x(p) { set n = n + 1  set low = min(low, p) }")), both);
    assert_eq!(shared(&sink("on receive x { attack }")), both);
    let commit = |rules: &str| sink(rules).replace("decide at 4: attack", "decide at 4: commit 0");
    assert_eq!(shared(&commit("on receive x(p) { commit p }")), Vec::<Vec<String>>::new());
    assert_eq!(shared(&commit("on receive x { commit low }")), both);
    assert_eq!(shared(&sink("on receive x if count received x = 1 { attack }")), Vec::<Vec<String>>::new());
    // Reading a counter that deliveries update: which delivery sees 1 depends on the order.
    assert_eq!(
        shared(&sink("on receive x { set n = n + 1 } on receive x if n = 1 { attack }")),
        Vec::<Vec<String>>::new()
    );
}

#[test]
fn the_consensus_with_one_crash_has_no_symmetry() {
    // The replicas start with different prices, so none is like another. (Were the
    // prices equal, the replicas would still be split twice over: `crash any 1 of R1,
    // R2, R3` gives R1 the first roll, and `set price = p` under a condition on the
    // price makes the order of deliveries matter.)
    let m = bundled("consensus-one-crash.herald");
    assert!(!Symmetry::of(&m).any());
    let equal = std::fs::read_to_string(format!("{}/scenarios/consensus-one-crash.herald", env!("CARGO_MANIFEST_DIR")))
        .expect("the scenario is there")
        .replace("price = 2000", "price = 1000")
        .replace("price = 1500", "price = 1000");
    let m = model(&equal);
    assert!(m.generals.iter().all(|g| g.vars[0].init == 1000));
    assert!(order_sensitive(&m, 0));
    assert!(!Symmetry::of(&m).any());
}

#[test]
fn the_replicas_of_price_flooding_are_not_interchangeable() {
    // A starts at 1000 and B at 2000: the two replicas differ, and the outcome
    // depends on which is which (A never changes its mind).
    let m = bundled("price-flooding.herald");
    let sym = Symmetry::of(&m);
    assert!(!sym.any());
    assert_eq!(sym.class, [0, 1]);
}

#[test]
fn the_participants_of_two_phase_commit_are_one_class() {
    // Their `on receive` rules only send and attack, so the order in which they are
    // heard does not matter; the coordinator names them as a role.
    assert_eq!(names(&bundled("two-phase-commit.herald")), [class(&["P1", "P2", "P3"])]);
}

#[test]
fn rule_index_and_rule_at_are_inverse_and_correspond_across_a_class() {
    let m = bundled("majority-partition-heals.herald");
    let sym = Symmetry::of(&m);
    for g in 0..m.generals.len() as GenId {
        let rules: Vec<RuleId> = rule_lists(&m.generals[g as usize]).concat();
        for (i, &r) in rules.iter().enumerate() {
            assert_eq!(sym.rule_index(&m, g, r), i as u32);
            assert_eq!(sym.rule_at(&m, g, i as u32), r);
        }
    }
    // The partition `G1, G2 | G3, G4` puts the voters on two sides: the role is broken.
    assert!(!sym.any());
    let m = bundled("majority-3-of-5.herald");
    let sym = Symmetry::of(&m);
    let (a, b) = (0, 3);
    for (i, &r) in m.generals[a as usize].decide.iter().enumerate() {
        let index = sym.rule_index(&m, a, r);
        let s = sym.rule_at(&m, b, index);
        assert_eq!(s, m.generals[b as usize].decide[i]);
        assert_eq!(m.rules[s as usize].text, m.rules[r as usize].text);
    }
}

/// Whether swapping `x` and `y` maps the model onto itself, checked directly (not
/// through class codes): rules with their lists of generals permuted, variables,
/// channels, partitions, scheduled crashes, `crash any` targets.
fn swap_is_automorphism(m: &Model, x: GenId, y: GenId) -> bool {
    let swap = |g: GenId| {
        if g == x {
            y
        } else if g == y {
            x
        } else {
            g
        }
    };
    let n = m.generals.len() as GenId;
    let form = |g: GenId, permute: bool| -> Vec<String> {
        rule_lists(&m.generals[g as usize])
            .iter()
            .flat_map(|l| l.iter())
            .map(|&r| {
                let mut rule = m.rules[r as usize].clone();
                rewrite(&mut rule, &mut |l| {
                    if permute {
                        l.iter_mut().for_each(|g| *g = swap(*g));
                    }
                    l.sort_unstable();
                    l.dedup();
                });
                format!("{rule:?}")
            })
            .collect()
    };
    let vars =
        |g: GenId| format!("{:?}", m.generals[g as usize].vars.iter().map(|v| (v.ty, v.init)).collect::<Vec<_>>());
    let chan = |a: GenId, b: GenId| {
        m.chan(a, b).map(|c| {
            let c = &m.channels[c as usize];
            format!("{:?}", (c.delay_lo, c.delay_hi, c.duplicate, c.losses.iter().map(|l| &l.kind).collect::<Vec<_>>()))
        })
    };
    (0..n).all(|g| form(swap(g), false) == form(g, true) && vars(g) == vars(swap(g)))
        && (0..n).all(|a| (0..n).all(|b| chan(a, b) == chan(swap(a), swap(b))))
        && m.partitions.iter().all(|p| {
            (0..n).all(|g| {
                p.side_a[g as usize] == p.side_a[swap(g) as usize] && p.side_b[g as usize] == p.side_b[swap(g) as usize]
            })
        })
        && m.crashes.iter().all(|c| swap(c.general) == c.general)
        && m.crash_any.iter().all(|c| {
            let mut t: Vec<GenId> = c.targets.iter().map(|&g| swap(g)).collect();
            t.sort_unstable();
            let mut u = c.targets.clone();
            u.sort_unstable();
            let in_order = (c.n as usize) < c.targets.len();
            t == u && !(in_order && u.contains(&x) && u.contains(&y))
        })
}

#[test]
fn every_swap_within_a_class_of_a_bundled_scenario_is_an_automorphism() {
    let files = crate::bundled_files(&["scenarios", "scenarios/exercises", "scenarios/exercises/solutions"]);
    assert!(files.len() > 20, "the bundled scenarios are found");
    let mut with_classes = 0;
    for path in files {
        let Ok(loaded) = crate::load("s.herald", &std::fs::read(&path).expect("read"), &[]) else {
            continue;
        };
        let m = loaded.model;
        let sym = Symmetry::of(&m);
        with_classes += sym.any() as usize;
        for members in &sym.members {
            for &x in members {
                for &y in members.iter().filter(|&&y| y != x) {
                    assert!(swap_is_automorphism(&m, x, y), "{}: {} and {}", path.display(), m.name(x), m.name(y));
                }
                assert_eq!(sym.class[x as usize], sym.class[members[0] as usize]);
            }
        }
    }
    assert!(with_classes >= 2, "some bundled scenario has a class");
}
