//! Syntax: lexical checks, the pest grammar binding and the AST.

pub mod ast;
pub mod expected;
pub mod parser;
pub mod prescan;

use crate::diag::Diag;

/// The reserved words of the language.
pub const KEYWORDS: &[&str] = &[
    "about",
    "after",
    "agreement",
    "all",
    "and",
    "any",
    "are",
    "at",
    "attack",
    "attacks",
    "by",
    "channel",
    "commit",
    "commits",
    "count",
    "crash",
    "crashes",
    "decide",
    "defeat",
    "delay",
    "disagreement",
    "duplicate",
    "every",
    "expect",
    "first",
    "from",
    "general",
    "generals",
    "hint",
    "horizon",
    "if",
    "in",
    "is",
    "least",
    "lose",
    "max",
    "messenger",
    "messengers",
    "min",
    "never",
    "not",
    "now",
    "of",
    "on",
    "or",
    "param",
    "partition",
    "possible",
    "probability",
    "receive",
    "received",
    "recover",
    "role",
    "scenario",
    "seed",
    "send",
    "sent",
    "set",
    "start",
    "time",
    "times",
    "to",
    "undecided",
    "until",
    "var",
    "victory",
    "wait",
    "waits",
    "when",
];

/// True if `word` is reserved.
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// Parses a scenario's text: lexical checks, then the grammar. On failure, every problem found.
pub fn parse(src: &str) -> Result<(ast::File, Vec<Diag>), Vec<Diag>> {
    let pre = prescan::prescan(src);
    if !pre.is_empty() {
        return Err(pre);
    }
    let (file, diags) = parser::parse_file(src).map_err(|d| vec![d])?;
    if diags.iter().any(Diag::is_error) {
        return Err(diags);
    }
    Ok((file, diags))
}
