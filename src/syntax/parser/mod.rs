//! Binds the pest grammar: one `parse_<rule>` function per grammar rule, building the AST.

mod channels;
mod expect;
mod exprs;
mod literals;
mod rules;
mod statements;

use pest::Parser as _;
use pest::iterators::Pair;

use super::ast::*;
use crate::diag::{Code, Diag, Span};

/// The pest parser generated from `grammar/herald.pest`.
#[derive(pest_derive::Parser)]
#[grammar = "../grammar/herald.pest"]
pub struct HeraldParser;

type P<'a> = Pair<'a, Rule>;

/// The children of a pair, without the punctuation rules that exist only for error messages.
fn inner<'a>(p: P<'a>) -> impl Iterator<Item = P<'a>> {
    p.into_inner().filter(|q| !matches!(q.as_rule(), Rule::colon | Rule::equals | Rule::lbrace | Rule::rbrace))
}

/// Deepest expression tree accepted: later passes (checking, evaluating) recurse on it.
pub const MAX_EXPR_DEPTH: usize = 200;

/// Errors found while building the AST (numbers out of range, ...).
#[derive(Default)]
pub struct Builder {
    pub diags: Vec<Diag>,
}

/// A pair's span, without the whitespace and comments pest may leave at its end
/// (an optional part that failed after the whitespace before it was skipped).
fn span(p: &P) -> Span {
    let s = p.as_span();
    Span::new(s.start(), s.start() + trimmed_len(s.as_str()))
}

/// The length of `text` without trailing whitespace and comments.
fn trimmed_len(text: &str) -> usize {
    let mut t = text.trim_end();
    loop {
        let line_start = t.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let mut in_string = false;
        let mut escaped = false;
        let mut cut = None;
        for (i, c) in t[line_start..].char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '#' if !in_string => {
                    cut = Some(line_start + i);
                    break;
                }
                _ => {}
            }
        }
        match cut {
            Some(c) => t = t[..c].trim_end(),
            None => return t.len(),
        }
    }
}

fn ident(p: P) -> Ident {
    Ident { name: p.as_str().to_string(), span: span(&p) }
}

fn unescape(quoted: &str) -> String {
    let inner = &quoted[1..quoted.len() - 1];
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn unexpected(p: &P) -> ! {
    unreachable!("grammar rule {:?} in an unexpected place", p.as_rule())
}

/// Parses a whole file. Syntax errors come back as a diagnostic.
pub fn parse_file(src: &str) -> Result<(File, Vec<Diag>), Diag> {
    let mut pairs = HeraldParser::parse(Rule::file, src).map_err(|e| super::expected::to_diag(e, src))?;
    let file = pairs.next().expect("file rule");
    let mut b = Builder::default();
    let mut stmts = Vec::new();
    for p in inner(file) {
        if p.as_rule() == Rule::EOI {
            break;
        }
        stmts.push(b.stmt(p));
    }
    Ok((File { stmts }, b.diags))
}

/// Parses a `--param` value given on the command line.
pub fn parse_param_value(text: &str) -> Result<ParamValue, Diag> {
    let mut pairs = HeraldParser::parse(Rule::param_value_only, text).map_err(|e| super::expected::to_diag(e, text))?;
    let only = pairs.next().expect("param_value_only");
    let mut b = Builder::default();
    let pv = inner(only).next().expect("param_value");
    let v = b.param_value(pv);
    match b.diags.into_iter().next() {
        Some(d) => Err(d),
        None => Ok(v),
    }
}
