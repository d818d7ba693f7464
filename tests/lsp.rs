//! `herald lsp` driven by a real client over stdio (`lsp/client.rs`): diagnostics, hover,
//! definition, references, symbols, folding, formatting, completion, code lenses and their
//! commands, on the bundled scenarios and on broken files.

#[path = "lsp/client.rs"]
mod client;
mod common;

use client::{Client, pos};
use serde_json::{Value, json};

const ATTEMPT2: &str = "scenarios/attempt2-acknowledgment.herald";

fn bundled(path: &str) -> String {
    std::fs::read_to_string(common::root().join(path)).unwrap()
}

fn uri(name: &str) -> String {
    format!("file:///work/{name}")
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags.iter().map(|d| d["code"].as_str().unwrap().to_string()).collect()
}

/// The markdown of a hover.
fn hover(c: &mut Client, u: &str, text: &str, needle: &str, skip: usize) -> String {
    let (l, ch) = pos(text, needle, skip);
    let h = c.at("textDocument/hover", u, l, ch).unwrap();
    h["contents"]["value"].as_str().unwrap_or_default().to_string()
}

#[test]
fn diagnostics_are_herald_checks_every_error_on_open_and_on_change() {
    let mut c = Client::start();
    let u = uri("broken.herald");
    let text = "scenario \"two unknowns\"\nchannel A <-> B { }\ngeneral A { on start { send x to C } }\n\
                general B { decide at 5: attack if received y from D }\n";
    let diags = c.open(&u, text);
    // Every error the checker finds, as `herald check` lists them.
    let loaded = herald::load("broken.herald", text.as_bytes(), &[]).unwrap_err();
    assert_eq!(codes(&diags), loaded.diags.iter().map(|d| d.code.to_string()).collect::<Vec<_>>());
    assert!(diags.iter().filter(|d| d["severity"] == 1).count() >= 2, "{diags:?}");
    assert!(diags.iter().all(|d| d["source"] == "herald"));
    let c_unknown = diags.iter().find(|d| d["message"].as_str().unwrap().contains("'C'")).expect("C is unknown");
    let (l, ch) = pos(text, "C }", 0);
    assert_eq!(c_unknown["range"]["start"], json!({ "line": l, "character": ch }));
    assert_eq!(c_unknown["code"], "herald::check::unknown_general");
    // On a change: a parse error.
    let diags = c.change(&u, 2, "scenario \"x\"\ngeneral A { on start { send } }\n");
    assert_eq!(codes(&diags), ["herald::syntax::parse"]);
    assert_eq!(diags[0]["range"]["start"]["line"], 1);
    // Fixed: none.
    let diags = c.change(&u, 3, "general A { }\ngeneral B { }\n");
    assert!(diags.iter().all(|d| d["severity"] != 1), "{diags:?}");
    // Closed: cleared.
    c.notify("textDocument/didClose", json!({ "textDocument": { "uri": u } }));
    c.shutdown();
}

#[test]
fn related_labels_and_help_reach_the_editor() {
    let mut c = Client::start();
    let u = uri("twice.herald");
    let text = "general A { }\ngeneral A { }\n";
    let diags = c.open(&u, text);
    let d = diags.iter().find(|d| d["code"] == "herald::check::duplicate").expect("a duplicate");
    assert_eq!(d["range"]["start"]["line"], 1);
    let related = d["relatedInformation"].as_array().expect("the first declaration as related information");
    assert_eq!(related[0]["location"]["range"]["start"]["line"], 0);
    assert_eq!(related[0]["location"]["uri"], u.as_str());
    let loaded = herald::load("t", text.as_bytes(), &[]).unwrap_err();
    let dup = loaded.diags.iter().find(|d| d.code == "herald::check::duplicate").unwrap();
    if let Some(h) = &dup.help {
        assert!(d["message"].as_str().unwrap().contains(h.as_str()));
    }
    c.shutdown();
}

#[test]
fn positions_count_utf16_units_after_non_ascii_text() {
    let mut c = Client::start();
    let u = uri("unicode.herald");
    // `é` is one UTF-16 unit (2 bytes), `🎺` two (4 bytes); the error is after both.
    let text = "general A \"é🎺\" { on start { send x to Nobody } } # ☂\n";
    let diags = c.open(&u, text);
    let d = diags.iter().find(|d| d["code"] == "herald::check::unknown_general").expect("Nobody is unknown");
    let col = text[..text.find("Nobody").unwrap()].chars().map(char::len_utf16).sum::<usize>();
    assert_eq!(d["range"]["start"], json!({ "line": 0, "character": col }));
    assert_eq!(d["range"]["end"], json!({ "line": 0, "character": col + "Nobody".len() }));
    // And back: a position after the non-ASCII text is read in UTF-16 units too.
    let h = hover(&mut c, &u, text, "x to", 0);
    assert!(h.contains("**message kind** `x`"), "{h}");
    c.shutdown();
}

#[test]
fn every_bundled_scenario_opens_with_herald_checks_diagnostics() {
    let mut c = Client::start();
    for path in common::every_bundled() {
        let text = bundled(&path.to_string_lossy());
        let u = uri(&path.to_string_lossy());
        let diags = c.open(&u, &text);
        let expected = match herald::load("x", text.as_bytes(), &[]) {
            Ok(l) => l.warnings.iter().map(|d| d.code.to_string()).collect::<Vec<_>>(),
            Err(f) => f.diags.iter().map(|d| d.code.to_string()).collect(),
        };
        assert_eq!(codes(&diags), expected, "{}", path.display());
        // Every request answers on every file.
        for m in ["textDocument/documentSymbol", "textDocument/foldingRange", "textDocument/codeLens"] {
            c.request(m, json!({ "textDocument": { "uri": u } })).unwrap();
        }
    }
    c.shutdown();
}

#[test]
fn hover_says_what_keywords_names_and_loss_rules_are() {
    let mut c = Client::start();
    let text = bundled(ATTEMPT2);
    let u = uri("attempt2-acknowledgment.herald");
    c.open(&u, &text);
    let h = hover(&mut c, &u, &text, "channel A", 2);
    assert!(h.contains("channel X -> Y"), "{h}");
    let h = hover(&mut c, &u, &text, "decide at dawn", 12);
    assert!(h.contains("time") && h.contains("time dawn = 10") && h.contains("tick **10**"), "{h}");
    let h = hover(&mut c, &u, &text, "param loss", 7);
    assert!(h.contains("param loss = 50%") && h.contains("50%"), "{h}");
    // On the loss rule: its probability (and the param's value).
    let h = hover(&mut c, &u, &text, "lose loss", 1);
    assert!(h.contains("`lose loss`") && h.contains("probability **50%** (1/2)"), "{h}");
    let h = hover(&mut c, &u, &text, "general B", 8);
    assert!(h.contains("**general** `B`") && h.contains("general B"), "{h}");
    let h = hover(&mut c, &u, &text, "send ack", 6);
    assert!(h.contains("message kind") && h.contains("no payload") && h.contains("sent in 1 place"), "{h}");
    // A comment: nothing.
    let (l, ch) = pos(&text, "The Two Generals", 1);
    assert_eq!(c.at("textDocument/hover", &u, l, ch).unwrap(), Value::Null);
    c.shutdown();
}

#[test]
fn definition_and_references_find_every_name() {
    let mut c = Client::start();
    let text = bundled(ATTEMPT2);
    let u = uri("a2.herald");
    c.open(&u, &text);
    let line_of = |needle: &str| pos(&text, needle, 0).0;
    // `dawn` in a decide rule -> `time dawn`.
    let (l, ch) = pos(&text, "at dawn: attack if received ack", 4);
    let d = c.at("textDocument/definition", &u, l, ch).unwrap();
    assert_eq!(d[0]["range"]["start"], json!({ "line": line_of("time dawn"), "character": 5 }));
    // `B` in a send -> `general B`.
    let (l, ch) = pos(&text, "dawn\" to B", 9);
    let d = c.at("textDocument/definition", &u, l, ch).unwrap();
    assert_eq!(d[0]["range"]["start"]["line"], line_of("general B"));
    // `loss` -> the param.
    let (l, ch) = pos(&text, "lose loss", 6);
    let d = c.at("textDocument/definition", &u, l, ch).unwrap();
    assert_eq!(d[0]["range"]["start"]["line"], line_of("param loss"));
    // A kind's definition is where it is sent.
    let (l, ch) = pos(&text, "received ack", 10);
    let d = c.at("textDocument/definition", &u, l, ch).unwrap();
    assert_eq!(d[0]["range"]["start"]["line"], line_of("send ack"));
    // References of A: the channel, the declaration, two `from A`, a `to A`.
    let (l, ch) = pos(&text, "general A", 8);
    let refs = c
        .request(
            "textDocument/references",
            json!({ "textDocument": { "uri": u }, "position": { "line": l, "character": ch },
                    "context": { "includeDeclaration": true } }),
        )
        .unwrap();
    let lines: Vec<u64> =
        refs.as_array().unwrap().iter().map(|r| r["range"]["start"]["line"].as_u64().unwrap()).collect();
    assert_eq!(lines.len(), 5, "{refs}");
    assert!(lines.contains(&(line_of("channel A") as u64)) && lines.contains(&(line_of("send ack to A") as u64)));
    // Without the declaration.
    let refs = c
        .request(
            "textDocument/references",
            json!({ "textDocument": { "uri": u }, "position": { "line": l, "character": ch },
                    "context": { "includeDeclaration": false } }),
        )
        .unwrap();
    assert_eq!(refs.as_array().unwrap().len(), 4);
    // Variables and bindings: a role's variable used by its rules.
    let text = "role R {\n  var n = 0\n  on receive v(x) { set n = n + x }\n}\ngenerals P, Q are R\n\
                general S { on start { send v(1) to R } }\nchannel * <-> * { }\n";
    let u = uri("vars.herald");
    let diags = c.open(&u, text);
    assert!(diags.iter().all(|d| d["severity"] != 1), "{diags:?}");
    let (l, ch) = pos(text, "n + x", 0);
    let d = c.at("textDocument/definition", &u, l, ch).unwrap();
    assert_eq!(d[0]["range"]["start"], json!({ "line": 1, "character": 6 }));
    let (l, ch) = pos(text, "x }", 0);
    let d = c.at("textDocument/definition", &u, l, ch).unwrap();
    assert_eq!(d[0]["range"]["start"], json!({ "line": 2, "character": 15 }));
    let (l, ch) = pos(text, "are R", 4);
    let d = c.at("textDocument/definition", &u, l, ch).unwrap();
    assert_eq!(d[0]["range"]["start"], json!({ "line": 0, "character": 5 }));
    c.shutdown();
}

#[test]
fn document_symbols_and_folding_outline_the_scenario() {
    let mut c = Client::start();
    let text = bundled(ATTEMPT2);
    let u = uri("a2.herald");
    c.open(&u, &text);
    let syms = c.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": u } })).unwrap();
    let names: Vec<&str> = syms.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    for want in ["Attempt 2: acknowledgment", "dawn", "loss", "A <-> B", "A", "B"] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    let a = syms.as_array().unwrap().iter().find(|s| s["name"] == "A").unwrap();
    let rules: Vec<&str> = a["children"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(rules, ["on start", "decide at dawn: attack if received ack from B"]);
    let folds = c.request("textDocument/foldingRange", json!({ "textDocument": { "uri": u } })).unwrap();
    let folds = folds.as_array().unwrap();
    let (ga, _) = pos(&text, "general A {", 0);
    assert!(folds.iter().any(|f| f["startLine"] == ga), "{folds:?}");
    assert!(folds.iter().any(|f| f["startLine"] == 0 && f["kind"] == "comment"), "{folds:?}");
    c.shutdown();
}

#[test]
fn formatting_is_herald_fmt_and_refuses_files_with_errors() {
    let mut c = Client::start();
    let text = "general A{on start{send x to B}}\ngeneral B { }   # b\nchannel A<->B{}\n";
    let u = uri("fmt.herald");
    c.open(&u, text);
    let edits = c
        .request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": u }, "options": { "tabSize": 2, "insertSpaces": true } }),
        )
        .unwrap();
    let want = herald::fmt::format(text).unwrap();
    assert_eq!(edits[0]["newText"], want.as_str());
    assert_eq!(edits[0]["range"]["start"], json!({ "line": 0, "character": 0 }));
    assert_eq!(edits[0]["range"]["end"], json!({ "line": 3, "character": 0 }));
    // Formatted: no edit.
    c.change(&u, 2, &want);
    let edits = c
        .request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": u }, "options": { "tabSize": 2, "insertSpaces": true } }),
        )
        .unwrap();
    assert_eq!(edits, json!([]));
    // Broken: refused, with a message.
    c.change(&u, 3, "general A { on start { send } }\n");
    let err = c
        .request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": u }, "options": { "tabSize": 2, "insertSpaces": true } }),
        )
        .unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("not formatted, the file has 1 error: line 1"), "{err}");
    // It parses, but the checker finds an error: refused too.
    c.change(&u, 4, "general A{on start{send x to C}}\ngeneral B { }\nchannel A<->B{}\n");
    let err = c
        .request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": u }, "options": { "tabSize": 2, "insertSpaces": true } }),
        )
        .unwrap_err();
    assert!(err["message"].as_str().unwrap().contains("not formatted, the file has"), "{err}");
    assert!(err["message"].as_str().unwrap().contains("line 1"), "{err}");
    c.shutdown();
}

fn labels(v: &Value) -> Vec<String> {
    v.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap().to_string()).collect()
}

#[test]
fn completion_offers_what_the_grammar_allows_and_the_names_that_fit() {
    let mut c = Client::start();
    let base = bundled(ATTEMPT2);
    let u = uri("c.herald");
    c.open(&u, &base);
    // A new line at the top level: the statements' keywords.
    let mut text = base.clone();
    text.push('\n');
    c.change(&u, 2, &text);
    let l = text.matches('\n').count() as u32;
    let items = labels(&c.at("textDocument/completion", &u, l, 0).unwrap());
    for k in ["general", "channel", "param", "expect", "role", "partition"] {
        assert!(items.contains(&k.to_string()), "{k} in {items:?}");
    }
    assert!(!items.contains(&"send".to_string()), "{items:?}");
    // After `to`: generals (and roles).
    let text = base.replace("send ack to A", "send ack to ");
    c.change(&u, 3, &text);
    let (l, ch) = pos(&text, "send ack to ", 12);
    let items = labels(&c.at("textDocument/completion", &u, l, ch).unwrap());
    assert!(items.contains(&"A".to_string()) && items.contains(&"all".to_string()), "{items:?}");
    // After `send`: the kinds.
    let text = base.replace("send ack to A", "send ");
    c.change(&u, 4, &text);
    let (l, ch) = pos(&text, "send \n", 5);
    let items = labels(&c.at("textDocument/completion", &u, l, ch).unwrap());
    assert!(items.contains(&"ack".to_string()) && items.contains(&"\"attack at dawn\"".to_string()), "{items:?}");
    // In an expression: params and times, and the keywords an expression may start with.
    let text = base.replace("decide at dawn: attack if received ack from B", "decide at d");
    c.change(&u, 5, &text);
    let (l, ch) = pos(&text, "decide at d", 11);
    let items = labels(&c.at("textDocument/completion", &u, l, ch).unwrap());
    assert_eq!(items, ["dawn"], "{items:?}");
    // Inside a block: the rules' keywords.
    let text = base.replace("  decide at dawn: attack if received ack from B\n", "  \n");
    c.change(&u, 6, &text);
    let (l, _) = pos(&text, "  \n}", 0);
    let items = labels(&c.at("textDocument/completion", &u, l, 2).unwrap());
    for k in ["on", "decide", "var", "every", "when", "at"] {
        assert!(items.contains(&k.to_string()), "{k} in {items:?}");
    }
    assert!(!items.contains(&"general".to_string()), "{items:?}");
    c.shutdown();
}

#[test]
fn code_lenses_run_explore_and_draw_as_the_command_line_does() {
    let mut c = Client::start();
    let text = bundled(ATTEMPT2);
    let u = uri("attempt2-acknowledgment.herald");
    c.open(&u, &text);
    let lenses = c.request("textDocument/codeLens", json!({ "textDocument": { "uri": u } })).unwrap();
    let lenses = lenses.as_array().unwrap();
    let cmds: Vec<&str> = lenses.iter().map(|l| l["command"]["command"].as_str().unwrap()).collect();
    assert_eq!(cmds, ["herald.run", "herald.explore", "herald.mermaid"]);
    assert_eq!(lenses[0]["range"]["start"]["line"], pos(&text, "scenario \"", 0).0);
    let files = herald::cli::Memory::new(Vec::new()).with("attempt2-acknowledgment.herald", text.as_bytes().to_vec());
    let env = herald::cli::Env::plain(&files);
    for (lens, args) in lenses.iter().zip([vec!["run"], vec!["explore"], vec!["run", "--format", "mermaid"]]) {
        let r = c
            .request(
                "workspace/executeCommand",
                json!({ "command": lens["command"]["command"], "arguments": lens["command"]["arguments"] }),
            )
            .unwrap();
        let mut argv = vec!["herald", args[0], "attempt2-acknowledgment.herald"];
        argv.extend(&args[1..]);
        let out = herald::cli::run_args(argv, &env);
        assert_eq!(r["content"], out.stdout().as_str());
        assert_eq!(r["exitCode"], 0);
    }
    // With extra arguments (another seed), as on the command line.
    let r = c
        .request("workspace/executeCommand", json!({ "command": "herald.run", "arguments": [u, "--seed", "3"] }))
        .unwrap();
    assert!(r["content"].as_str().unwrap().contains("seed 3"), "{r}");
    // A broken file: the command line's diagnostics, and its exit code.
    c.change(&u, 2, "general A { on start { send x to Nobody } }\n");
    let r = c.request("workspace/executeCommand", json!({ "command": "herald.run", "arguments": [u] })).unwrap();
    assert_eq!(r["exitCode"], 3);
    assert!(r["content"].as_str().unwrap().contains("unknown_general"), "{r}");
    c.shutdown();
}

#[test]
fn broken_and_huge_files_answer_quickly_and_never_end_the_server() {
    let mut c = Client::start();
    let huge = "general A { }\n".repeat(80_000);
    let deep = format!("time t = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
    let inputs = [
        "\u{0}\u{1}garbage {{{{",
        "general",
        "general A { on receive x(",
        "}}}}}}",
        "\"unterminated",
        deep.as_str(),
        huge.as_str(),
        "channel A -> { lose 200% }\nexpect probability defeat >= 2\n",
    ];
    let u = uri("b.herald");
    c.open(&u, "");
    for (i, text) in inputs.iter().enumerate() {
        let v = i as i64 + 2;
        let diags = c.change(&u, v, text);
        assert!(!diags.is_empty(), "{text:.40}: some diagnostic");
        let lines = text.matches('\n').count() as u32;
        for line in [0, lines / 2, lines] {
            for ch in [0, 3, 8, 1000] {
                for m in ["textDocument/hover", "textDocument/definition", "textDocument/completion"] {
                    c.at(m, &u, line, ch).unwrap();
                }
            }
        }
        for m in ["textDocument/documentSymbol", "textDocument/foldingRange", "textDocument/codeLens"] {
            c.request(m, json!({ "textDocument": { "uri": u } })).unwrap();
        }
    }
    // A document never opened, and a method unknown: errors, not an end.
    assert!(c.at("textDocument/hover", "file:///nowhere.herald", 0, 0).is_err());
    assert!(c.request("herald/nothing", json!({})).is_err());
    c.shutdown();
}

#[test]
fn a_second_shutdown_is_answered_too_and_exit_ends_with_0() {
    // Neovim 0.7 sends `shutdown` twice when it quits.
    let mut c = Client::start();
    c.request("shutdown", Value::Null).unwrap();
    assert!(c.request("textDocument/hover", json!({})).is_err(), "after shutdown, requests are refused");
    c.shutdown();
}
