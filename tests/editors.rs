//! Editor support that is not the server: the keyword lists (the language's, the TextMate
//! grammar's of the VS Code extension) against the pest grammar's, the extension's
//! manifest, and `herald completions` for each shell.

mod common;

use std::collections::BTreeSet;

/// The reserved words of the pest grammar: the string literals of its `keyword` rule.
fn grammar_keywords() -> BTreeSet<String> {
    let pest = std::fs::read_to_string(common::root().join("grammar/herald.pest")).unwrap();
    let start = pest.find("keyword = @{").expect("the grammar has a keyword rule");
    let body = &pest[start..start + pest[start..].find("\n}").expect("the rule ends")];
    let words: BTreeSet<String> = body.split('"').skip(1).step_by(2).map(str::to_string).collect();
    assert!(words.len() > 50, "{words:?}");
    words
}

#[test]
fn the_languages_keyword_list_is_the_grammars() {
    let listed: BTreeSet<String> = herald::syntax::KEYWORDS.iter().map(|k| k.to_string()).collect();
    assert_eq!(listed, grammar_keywords());
}

/// Every keyword of the TextMate grammar: the words of its `keywords` patterns, each
/// written `\b(?:a|b|c)\b`.
fn textmate_keywords() -> BTreeSet<String> {
    let path = common::root().join("editors/vscode/syntaxes/herald.tmLanguage.json");
    let tm: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut words = BTreeSet::new();
    for p in tm["repository"]["keywords"]["patterns"].as_array().expect("keyword patterns") {
        let m = p["match"].as_str().unwrap();
        let inner = m
            .strip_prefix("\\b(?:")
            .and_then(|r| r.strip_suffix(")\\b"))
            .unwrap_or(m.trim_matches('\\').trim_matches('b'));
        words.extend(inner.split('|').map(str::to_string));
    }
    words
}

#[test]
fn the_textmate_grammars_keywords_are_the_pest_grammars() {
    let mut want = grammar_keywords();
    // The one outcome written with a hyphen, not a reserved word but highlighted as one.
    want.insert("no-attack".to_string());
    assert_eq!(textmate_keywords(), want);
}

#[test]
fn the_extension_declares_the_language_its_grammar_and_its_server_setting() {
    let dir = common::root().join("editors/vscode");
    let pkg: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("package.json")).unwrap()).unwrap();
    assert_eq!(pkg["contributes"]["languages"][0]["extensions"][0], ".herald");
    assert!(pkg["contributes"]["configuration"]["properties"]["herald.path"].is_object());
    assert!(pkg["dependencies"]["vscode-languageclient"].is_string());
    let conf: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("language-configuration.json")).unwrap()).unwrap();
    assert_eq!(conf["comments"]["lineComment"], "#");
    let lock: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("package-lock.json")).unwrap()).unwrap();
    assert!(lock["packages"]["node_modules/vscode-languageclient"]["version"].is_string());
}

#[test]
fn completions_are_written_for_every_shell_and_name_the_subcommands() {
    let files = herald::cli::Memory::new(Vec::new());
    let env = herald::cli::Env::plain(&files);
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = herald::cli::run_args(["herald", "completions", shell], &env);
        assert_eq!(out.code, 0, "{shell}: {}", out.stderr());
        let script = out.stdout();
        for sub in ["run", "analyze", "explore", "sweep", "check", "fmt", "lsp", "completions", "max-events"] {
            assert!(script.contains(sub), "{shell}'s script names {sub}");
        }
    }
    let out = herald::cli::run_args(["herald", "completions", "tcsh"], &env);
    assert_eq!(out.code, herald::cli::EXIT_USAGE);
}
