//! Completion: the keywords the grammar allows at the cursor (asked of the pest grammar
//! itself: the text up to the cursor, then a character no rule accepts, and the rules pest
//! says it expected there), and the names that fit: generals and roles after `to`, `from`
//! and in targets, kinds after `send` and `receive`, params, times, variables and bindings
//! in expressions.

use lsp_types::{CompletionItem, CompletionItemKind};
use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};

use super::analysis::Analysis;
use super::features::in_comment_or_string;
use super::index::{Index, SymKind};
use crate::syntax::parser::{HeraldParser, Rule};

/// What the grammar expects at a point.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Expected {
    /// Keywords (and the outcome words) allowed there.
    pub keywords: Vec<&'static str>,
    /// A name (`ident`) is allowed.
    pub name: bool,
    /// A message kind (`word`, or a string) is allowed.
    pub kind: bool,
}

/// The keywords that start a statement.
const STATEMENTS: &[&str] = &[
    "scenario",
    "about",
    "seed",
    "horizon",
    "time",
    "param",
    "generals",
    "general",
    "role",
    "channel",
    "partition",
    "crash",
    "recover",
    "victory",
    "expect",
];
/// The keywords that may start an expression.
const EXPRESSION: &[&str] = &["not", "received", "count", "sent", "now", "min", "max"];
/// The outcomes and what an expectation may start with.
const OUTCOMES: &[&str] =
    &["victory", "defeat", "no-attack", "agreement", "disagreement", "undecided", "probability", "possible", "never"];

/// The keyword a grammar rule matches, if it is a keyword's rule.
fn keyword(rule: Rule) -> Option<&'static str> {
    let name = format!("{rule:?}");
    let word = match rule {
        Rule::oc_defeat => "defeat",
        Rule::oc_no_attack => "no-attack",
        Rule::oc_disagreement => "disagreement",
        _ => name.strip_prefix("kw_")?,
    };
    crate::syntax::KEYWORDS.iter().copied().chain(["no-attack"]).find(|k| *k == word)
}

/// What the grammar accepts at `at` after `text[..at]`: parse it with a character no rule
/// accepts appended, and read what pest expected there. Nothing when the text before is
/// already wrong elsewhere, or the point is inside a comment or a string.
pub fn expected_at(text: &str, at: usize) -> Expected {
    let mut probe = text[..at].to_string();
    probe.push('\u{1}');
    let Err(e) = HeraldParser::parse(Rule::file, &probe) else {
        return Expected::default();
    };
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    if pos != at {
        return Expected::default();
    }
    let ErrorVariant::ParsingError { positives, .. } = e.variant else {
        return Expected::default();
    };
    let mut out = Expected::default();
    for r in positives {
        let kw = keyword(r);
        let (words, name, kind): (&[&'static str], bool, bool) = match r {
            Rule::file | Rule::statement | Rule::EOI => (STATEMENTS, false, false),
            Rule::ident | Rule::name_list | Rule::name_item => (&[], true, false),
            Rule::target | Rule::targets | Rule::from_targets | Rule::sender_filter => (&["all"], true, false),
            Rule::endpoint => (&[], true, false),
            Rule::word | Rule::kind | Rule::message | Rule::pattern => (&[], false, true),
            Rule::expr
            | Rule::or_expr
            | Rule::and_expr
            | Rule::not_expr
            | Rule::comparison
            | Rule::sum
            | Rule::product
            | Rule::unary
            | Rule::param_value
            | Rule::guard => (EXPRESSION, true, false),
            Rule::probability => (&[], true, false),
            Rule::event | Rule::general_event | Rule::outcome | Rule::expectation => (OUTCOMES, true, false),
            Rule::loss_rule => (&["all", "messenger", "messengers", "every", "first", "after", "from"], true, true),
            _ => (kw.as_slice(), false, false),
        };
        out.name |= name;
        out.kind |= kind;
        for k in words {
            if !out.keywords.contains(k) {
                out.keywords.push(k);
            }
        }
    }
    out.keywords.sort_unstable();
    out
}

/// The completions at an offset. `names` is the index to take names from: this version's,
/// or the last one that parsed when this one does not.
pub fn complete(a: &Analysis, names: &Index, offset: usize) -> Vec<CompletionItem> {
    let mut offset = offset.min(a.text.len());
    while !a.text.is_char_boundary(offset) {
        offset -= 1;
    }
    let text = &a.text;
    if in_comment_or_string(text, offset) {
        return vec![];
    }
    let mut start = offset;
    while start > 0 && text[..start].chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
        start -= 1;
    }
    let prefix = &text[start..offset];
    let exp = expected_at(text, start);
    let before = previous_words(&text[..start]);
    let prev = before.last().map(String::as_str).unwrap_or("");
    let items = std::cell::RefCell::new(Vec::<CompletionItem>::new());
    let mut push = |label: &str, kind: CompletionItemKind, detail: &str| {
        let mut items = items.borrow_mut();
        if label.starts_with(prefix) && !items.iter().any(|i| i.label == label) {
            items.push(CompletionItem {
                label: label.to_string(),
                kind: Some(kind),
                detail: Some(detail.to_string()),
                ..CompletionItem::default()
            });
        }
    };
    // The grammar says whether a name may stand here; the word before says which names.
    let roles_only = matches!(prev, "is" | "are");
    let targets = matches!(prev, "to" | "from" | "," | "|" | "of" | "all" | "->" | "channel")
        || matches!(prev, "expect" | "possible" | "never" | "probability" | ":" | "crash" | "recover");
    let kinds = matches!(prev, "send" | "receive" | "received" | "sent" | "lose") || exp.kind;
    if exp.name && roles_only {
        for r in names.names(SymKind::Role) {
            push(r, CompletionItemKind::CLASS, "role");
        }
    } else if exp.name && targets {
        for g in names.names(SymKind::General) {
            push(g, CompletionItemKind::STRUCT, "general");
        }
        for r in names.names(SymKind::Role) {
            push(r, CompletionItemKind::CLASS, "role");
        }
    } else if exp.name {
        expression_names(names, start, &mut push);
    }
    if matches!(prev, "lose" | "duplicate") {
        for p in names.names(SymKind::Param) {
            push(p, CompletionItemKind::CONSTANT, "param (a probability)");
        }
    }
    if kinds {
        for k in names.names(SymKind::Kind) {
            let label = if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                k.to_string()
            } else {
                format!("\"{k}\"")
            };
            push(&label, CompletionItemKind::EVENT, "message kind");
        }
    }
    for k in &exp.keywords {
        push(k, CompletionItemKind::KEYWORD, super::keywords::doc(k).unwrap_or("keyword"));
    }
    if exp == Expected::default() && items.borrow().is_empty() {
        // The grammar could not say (the text before the cursor has an error): every
        // keyword and every name.
        for k in crate::syntax::KEYWORDS {
            push(k, CompletionItemKind::KEYWORD, super::keywords::doc(k).unwrap_or("keyword"));
        }
        expression_names(names, start, &mut push);
    }
    items.into_inner()
}

/// Params, times, and the variables and bindings in scope at `at`.
fn expression_names(names: &Index, at: usize, push: &mut impl FnMut(&str, CompletionItemKind, &str)) {
    for p in names.names(SymKind::Param) {
        push(p, CompletionItemKind::CONSTANT, "param");
    }
    for t in names.names(SymKind::Time) {
        push(t, CompletionItemKind::CONSTANT, "time");
    }
    if let Some(b) = names.block_at(at) {
        for v in &b.vars {
            push(v, CompletionItemKind::VARIABLE, "variable");
        }
        if let Some(r) = &b.role
            && let Some(rb) = names.blocks.iter().find(|x| x.is_role && &x.name == r)
        {
            for v in &rb.vars {
                push(v, CompletionItemKind::VARIABLE, "variable of its role");
            }
        }
    }
}

/// The last few tokens before a point (words and punctuation), comments skipped.
fn previous_words(text: &str) -> Vec<String> {
    let tail_start = text.len().saturating_sub(400);
    let mut from = tail_start;
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let mut words = Vec::new();
    for line in text[from..].split('\n') {
        let code = line.split('#').next().unwrap_or("");
        let mut cur = String::new();
        for c in code.chars() {
            if c.is_ascii_alphanumeric() || c == '_' {
                cur.push(c);
                continue;
            }
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            if matches!(c, ',' | '|' | '{' | '}' | '(' | ')' | ':' | '=') {
                words.push(c.to_string());
            }
            if c == '>' && words.last().is_some_and(|w| w == "-") {
                words.pop();
                words.push("->".into());
            }
            if c == '-' {
                words.push("-".into());
            }
        }
        if !cur.is_empty() {
            words.push(cur);
        }
    }
    let n = words.len();
    words.split_off(n.saturating_sub(4))
}
