//! `--format mermaid`: runs drawn as Mermaid sequence diagrams. Each diagram is checked
//! against the statements of Mermaid's sequence grammar it may use (a message ends at
//! `#`, `;` or a line break, so those and `< > &` are written as entity codes), and its
//! arrows and notes against the run's YAML report.

use std::collections::HashSet;

fn herald(args: &[&str], stdin: Option<&str>) -> Out {
    common::herald_plain(args, stdin)
}

fn ok(args: &[&str]) -> String {
    let out = herald(args, None);
    assert_eq!(out.code, 0, "herald {args:?}: {}", out.stderr);
    out.stdout
}

const ACK: &str = "scenarios/attempt2-acknowledgment.herald";

/// What a diagram holds, with the text of each statement decoded.
#[derive(Debug, Default)]
struct Diagram {
    comment: String,
    participants: Vec<(String, String)>,
    /// (from, arrow, to, text)
    arrows: Vec<(String, String, String, String)>,
    /// (over, text)
    notes: Vec<(String, String)>,
}

// Words that open a Mermaid statement (no participant id may start with one): the library's list.
use herald::report::mermaid::MERMAID_WORDS;

mod common;
use common::Out;

/// Checks a message's text and decodes its entity codes.
fn text(t: &str) -> String {
    assert!(!t.trim().is_empty(), "empty text");
    assert!(!t.contains("%%"), "a comment in {t:?}");
    let raw = |s: &str| assert!(!s.contains(['\n', ';', '<', '>', '&']), "raw character in {t:?}");
    let mut out = String::new();
    let mut rest = t;
    while let Some(i) = rest.find('#') {
        raw(&rest[..i]);
        out.push_str(&rest[..i]);
        let end = rest[i..].find(';').unwrap_or_else(|| panic!("a bare # in {t:?}"));
        out.push(match &rest[i + 1..i + end] {
            "35" => '#',
            "59" => ';',
            "37" => '%',
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            other => panic!("unexpected entity #{other}; in {t:?}"),
        });
        rest = &rest[i + end + 1..];
    }
    raw(rest);
    out.push_str(rest);
    out
}

fn id(s: &str, declared: &HashSet<String>) -> String {
    assert!(!s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "bad id {s:?}");
    assert!(declared.contains(s), "undeclared participant {s:?}");
    s.to_string()
}

/// Parses the diagrams of an output (each opens with a `%%` comment line).
fn diagrams(out: &str) -> Vec<Diagram> {
    let mut all = Vec::new();
    for chunk in out.split("\n\n") {
        let mut lines = chunk.lines();
        let mut d = Diagram::default();
        let first = lines.next().expect("a comment line");
        d.comment = first.strip_prefix("%% ").unwrap_or_else(|| panic!("no %% comment: {first:?}")).to_string();
        assert_eq!(lines.next(), Some("sequenceDiagram"));
        let mut declared = HashSet::new();
        for line in lines {
            let l = line.strip_prefix("    ").unwrap_or_else(|| panic!("not indented: {line:?}"));
            if let Some(t) = l.strip_prefix("title ") {
                text(t);
            } else if let Some(p) = l.strip_prefix("participant ") {
                let (pid, shown) = match p.split_once(" as ") {
                    Some((pid, alias)) => (pid, text(alias)),
                    None => (p, p.to_string()),
                };
                let lower = pid.to_ascii_lowercase();
                assert!(!MERMAID_WORDS.iter().any(|w| lower.starts_with(w)), "id {pid:?} reads as a keyword");
                assert!(declared.insert(pid.to_string()), "{pid} declared twice");
                d.participants.push((pid.to_string(), shown));
            } else if let Some(n) = l.strip_prefix("Note over ") {
                let (over, t) = n.split_once(": ").expect("Note over X: text");
                let over: Vec<String> = over.split(',').map(|x| id(x, &declared)).collect();
                d.notes.push((over.join(","), text(t)));
            } else {
                let (head, t) = l.split_once(": ").unwrap_or_else(|| panic!("unknown statement {l:?}"));
                let arrow = ["->>", "--x", "--)"].into_iter().find(|a| head.contains(a)).expect("an arrow");
                let (from, to) = head.split_once(arrow).unwrap();
                d.arrows.push((id(from, &declared), arrow.to_string(), id(to, &declared), text(t)));
            }
        }
        all.push(d);
    }
    all
}

#[test]
fn attempt_2_draws_the_story() {
    let out = ok(&["run", ACK, "--format", "mermaid"]);
    insta::assert_snapshot!("attempt2", out);
    let [d] = diagrams(&out).try_into().unwrap();
    assert_eq!(d.participants, vec![("A".to_string(), "A".to_string()), ("B".to_string(), "B".to_string())]);
    // The plan is delivered; the acknowledgment is captured, by the rule that did it.
    assert_eq!((d.arrows[0].0.as_str(), d.arrows[0].1.as_str(), d.arrows[0].2.as_str()), ("A", "->>", "B"));
    assert!(d.arrows[0].3.starts_with("\"attack at dawn\" #1"), "{:?}", d.arrows[0]);
    assert_eq!((d.arrows[1].0.as_str(), d.arrows[1].1.as_str(), d.arrows[1].2.as_str()), ("B", "--x", "A"));
    assert!(d.arrows[1].3.contains("ack #1") && d.arrows[1].3.contains("captured by 'lose loss' (line 23)"));
    // Each decision is a note with its reason.
    assert_eq!(d.notes[0].0, "A");
    assert!(d.notes[0].1.contains("waits: no ack from B — captured by 'lose loss' (line 23)"), "{:?}", d.notes);
    assert_eq!(d.notes[1].0, "B");
    assert!(d.notes[1].1.contains("attacks: received \"attack at dawn\" from A"), "{:?}", d.notes);
    assert!(d.notes[2].1.starts_with("Defeat"));
}

/// The events of a run's YAML report: (event, from, to) for messengers, general for notes.
fn events(yaml: &str) -> (Vec<(String, String, String)>, Vec<String>, usize) {
    let v: serde_json::Value = yaml_serde::from_str(yaml).unwrap();
    let s = |e: &serde_json::Value, k: &str| e[k].as_str().unwrap_or("").to_string();
    let mut msgs = Vec::new();
    let mut notes = Vec::new();
    for e in v["timeline"].as_array().unwrap() {
        match e["event"].as_str().unwrap() {
            "deliver" | "capture" | "lost" => msgs.push((s(e, "event"), s(e, "from"), s(e, "to"))),
            "decide" | "crash" | "recover" => notes.push(s(e, "general")),
            _ => {}
        }
    }
    let undecided = v["decisions"].as_array().unwrap().iter().filter(|d| d["decision"] == "undecided").count();
    let in_flight = v["end"]["in_flight"].as_array().map_or(0, Vec::len);
    for _ in 0..in_flight {
        msgs.push(("in-flight".into(), String::new(), String::new()));
    }
    (msgs, notes, undecided)
}

#[test]
fn every_bundled_scenario_draws_its_run() {
    insta::glob!("../scenarios", "*.herald", |path| {
        let file = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap().to_string_lossy().replace('\\', "/");
        let out = ok(&["run", &file, "--format", "mermaid"]);
        let [d] = diagrams(&out).try_into().unwrap();
        let (msgs, notes, undecided) = events(&ok(&["run", &file, "--format", "yaml"]));
        assert_eq!(d.arrows.len(), msgs.len(), "{file}: one arrow per messenger's arrival, capture or loss");
        for ((_, arrow, _, _), (event, _, _)) in d.arrows.iter().zip(&msgs) {
            let want = match event.as_str() {
                "deliver" => "->>",
                "in-flight" => "--)",
                _ => "--x",
            };
            assert_eq!(arrow, want, "{file}");
        }
        // A note per decision, crash and recovery, one per general that never decided, and the outcome.
        assert_eq!(d.notes.len(), notes.len() + undecided + 1, "{file}");
    });
}

#[test]
fn names_and_strings_mermaid_would_misread_are_escaped() {
    let src = r#"
scenario "Odd #1; <b>bold</b> & 100%% sure"
channel * <-> * { delay 1 }
general end "the end; #1" {
  on start { send "x;y#z<w>&%%"(1) to Note, loop1 }
  decide at 5: attack if received "ok;#" from Note
}
general Note {
  on receive "x;y#z<w>&%%"(n) { send "ok;#" to end }
  decide at 5: attack if n_seen = 0 or received "x;y#z<w>&%%" from end
  var n_seen = 0
}
general loop1 { decide at 9: wait }
general g1 { decide at 1: wait }
crash loop1 at 3
"#;
    let out = herald(&["run", "-", "--format", "mermaid"], Some(src));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let [d] = diagrams(&out.stdout).try_into().unwrap();
    let shown: Vec<&str> = d.participants.iter().map(|p| p.1.as_str()).collect();
    assert_eq!(shown, ["end (the end; #1)", "Note", "loop1", "g1"]);
    assert!(d.arrows.iter().any(|a| a.3.starts_with("\"x;y#z<w>&%%\"(1) #1")), "{:?}", d.arrows);
    assert!(out.stdout.contains("title Odd #35;1#59; #lt;b#gt;bold#lt;/b#gt; #amp; 100#37;% sure"));
}

#[test]
fn explore_and_analyze_draw_one_diagram_per_outcome() {
    let out = ok(&["explore", ACK, "--format", "mermaid"]);
    let ds = diagrams(&out);
    let names: Vec<&str> = ds.iter().map(|d| d.comment.split(": ").nth(2).unwrap()).collect();
    assert_eq!(
        names,
        [
            "victory, the shortest run (0 captures, over by tick 10)",
            "defeat, the shortest run (1 capture, over by tick 10)",
            "no-attack, the shortest run (1 capture, over by tick 10)"
        ]
    );

    let out = ok(&["analyze", "scenarios/retries-midnight.herald", "--format", "mermaid"]);
    let ds = diagrams(&out);
    assert_eq!(ds.len(), 3);
    assert!(ds[0].comment.contains("victory, the most likely run (probability 25.00% = 1/4)"), "{}", ds[0].comment);
    assert!(ds.iter().all(|d| d.notes.last().is_some()));
}

#[test]
fn a_saved_replay_draws_the_same_diagram() {
    let dir = std::env::temp_dir().join(format!("herald-mermaid-{}", std::process::id()));
    let d = dir.to_string_lossy().into_owned();
    for command in ["explore", "analyze"] {
        let out = ok(&[command, ACK, "--format", "mermaid", "--save-replays", &d]);
        for chunk in out.split("\n\n") {
            let outcome = chunk.split(": ").nth(2).unwrap().split(',').next().unwrap();
            let replay = dir.join(format!("{outcome}.replay.yaml"));
            let again = ok(&["run", ACK, "--replay", &replay.to_string_lossy(), "--format", "mermaid"]);
            let body = |s: &str| s.split_once('\n').unwrap().1.trim_end().to_string();
            assert_eq!(body(&again), body(chunk), "{command}, {outcome}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn mermaid_is_a_usage_error_where_no_single_run_is_reported() {
    for args in [
        vec!["run", ACK, "--trials", "100", "--format", "mermaid"],
        vec!["sweep", "scenarios/flooding.herald", "--param", "copies=1..3", "--format", "mermaid"],
    ] {
        let out = herald(&args, None);
        assert_eq!(out.code, 2, "{args:?}");
        assert!(out.stderr.contains("--format mermaid draws single runs"), "{}", out.stderr);
        assert_eq!(out.stdout, "");
    }
}

#[test]
fn the_readme_shows_the_diagram_as_drawn() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let out = ok(&["run", ACK, "--format", "mermaid"]);
    assert!(readme.contains(&out), "README.md's Mermaid example is out of date:\n{out}");
}
