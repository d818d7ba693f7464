//! `herald fmt`: the canonical layout of a scenario file, comments kept in place.
//!
//! The formatter walks pest's parse tree. Its leaves (names, numbers, strings, keywords,
//! operators) are the tokens; the text between two leaves holds only whitespace, the
//! literal punctuation the grammar does not name (`( ) , : .. | ±`) and comments, which
//! pest skips. So every comment is recovered from the source between the tokens it sits
//! between, and stays there: a comment on the same line as the token before it is a
//! trailing comment of that line, any other is a whole-line comment before the next
//! token.
//!
//! The layout:
//! - one statement per line; inside braces, one rule, channel property or action per
//!   line, indented by 2 spaces a level; `}` on its own line (an empty block is `{ }`);
//! - a blank line before and after every statement that holds a block (at every level),
//!   and wherever the source had one or more blank lines between statements (one kept);
//! - tokens separated by one space, but none before `,` `)` `:`, none around `..`, none
//!   inside `(...)` brackets, none after a unary `-` (but `- -x`), and none between a
//!   message kind (or `min`, `max`) and its `(`;
//! - whole-line comments indented like the statement they precede; trailing comments
//!   4 spaces after their line's code, aligned on consecutive lines that have one;
//! - after a comment inside a statement, the statement goes on 4 spaces further in.
//!
//! Only the syntax has to be valid (check errors are `herald check`'s business). The
//! result is verified before it is returned: it must parse to the same syntax tree
//! (spans aside) and hold the same comments in the same order, or the file is left alone.

use pest::Parser as _;
use pest::iterators::Pair;

use crate::diag::{Code, Diag, Span};
use crate::syntax::parser::{HeraldParser, Rule};

/// Columns between a line's code and its trailing comment.
const COMMENT_GAP: usize = 4;
/// Extra indentation of a statement continued on another line.
const CONTINUATION: usize = 4;

/// Formats a scenario's text. On invalid syntax, the diagnostics of `herald check`.
pub fn format(src: &str) -> Result<String, Vec<Diag>> {
    let (file, _) = crate::syntax::parse(src)?;
    let tree = match HeraldParser::parse(Rule::file, src) {
        Ok(mut pairs) => pairs.next().expect("a file pair"),
        Err(e) => return Err(vec![crate::syntax::expected::to_diag(e, src)]),
    };
    let mut f = Formatter { src, pos: 0, p: Printer::default() };
    f.walk_file(tree);
    let out = f.p.finish();
    // The promise: the same syntax tree and the same comments, or nothing is changed.
    let same = match crate::syntax::parse(&out) {
        Ok((again, _)) => {
            without_spans(&format!("{file:?}")) == without_spans(&format!("{again:?}"))
                && comments(src) == comments(&out)
        }
        Err(_) => false,
    };
    if !same {
        let mut d = Diag::error(
            Code::FmtWouldChangeMeaning,
            "the formatter would change this file's meaning, so it was left as it is",
            Span::default(),
            "",
        );
        d.labels.clear();
        return Err(vec![d.with_help("this is a bug in herald fmt: please report it with the file")]);
    }
    Ok(out)
}

/// The `Debug` text of a syntax tree with every `Span { start: .., end: .. }` removed.
pub fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(i) = rest.find("Span { start: ") {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        match rest.find('}') {
            Some(j) => {
                out.push_str("Span");
                rest = &rest[j + 1..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

/// The text of every comment in a scenario, in order (trailing whitespace trimmed).
pub fn comments(src: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = src.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                // Strings cannot span lines; a bad one was refused by the parser.
                let mut escaped = false;
                for (_, d) in chars.by_ref() {
                    match d {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' | '\n' => break,
                        _ => {}
                    }
                }
            }
            '#' => {
                let end = src[i..].find('\n').map_or(src.len(), |n| i + n);
                out.push(src[i..end].trim_end().to_string());
                while chars.peek().is_some_and(|(j, _)| *j < end) {
                    chars.next();
                }
            }
            _ => {}
        }
    }
    out
}

type P<'a> = Pair<'a, Rule>;

/// The rules whose pairs are `{ ... }` blocks of statements.
fn is_block(r: Rule) -> bool {
    matches!(r, Rule::rules_block | Rule::channel_block | Rule::actions)
}

/// True if a statement holds a block.
fn holds_block(p: &P) -> bool {
    p.clone().into_inner().any(|q| is_block(q.as_rule()) || holds_block(&q))
}

/// A token as spacing sees it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Tok<'s> {
    /// A leaf of the parse tree, with the rule of its parent.
    Leaf { rule: Rule, parent: Rule, text: &'s str },
    /// Punctuation between leaves.
    Punct(&'s str),
}

impl<'s> Tok<'s> {
    fn text(&self) -> &'s str {
        match self {
            Tok::Leaf { text, .. } | Tok::Punct(text) => text,
        }
    }
}

/// Whether one space separates two tokens on a line.
fn spaced(prev: &Tok, next: &Tok) -> bool {
    let next_text = next.text();
    if matches!(next_text, "," | ")" | ":" | "..") || matches!(prev.text(), "(" | "..") {
        return false;
    }
    if matches!(prev, Tok::Leaf { rule: Rule::frac_bar, .. }) || matches!(next, Tok::Leaf { rule: Rule::frac_bar, .. })
    {
        // A fraction is one number: `1/8`.
        return false;
    }
    if let Tok::Leaf { rule: Rule::neg_op, .. } = prev {
        // `-x`, but `- -x`: two minus signs never touch.
        return matches!(next, Tok::Leaf { rule: Rule::neg_op, .. });
    }
    if next_text == "(" {
        // A message kind's payload, and min(...) / max(...), open without a space.
        return !matches!(
            prev,
            Tok::Leaf { parent: Rule::kind, .. } | Tok::Leaf { rule: Rule::kw_min | Rule::kw_max, .. }
        );
    }
    true
}

/// Something found between two tokens: punctuation or a comment.
enum Between<'s> {
    /// Punctuation, with the number of line breaks before it since the last thing.
    Punct { text: &'s str, breaks: usize },
    /// A comment, with the number of line breaks before it since the last thing.
    Comment { text: &'s str, breaks: usize },
}

/// Splits the text between two leaves; returns the pieces and the line breaks after the last.
fn between(gap: &str) -> (Vec<Between<'_>>, usize) {
    let mut out = Vec::new();
    let mut breaks = 0;
    let mut i = 0;
    let b = gap.as_bytes();
    while i < gap.len() {
        let c = gap[i..].chars().next().expect("in bounds");
        match c {
            '\n' => {
                breaks += 1;
                i += 1;
            }
            ' ' | '\t' | '\r' => i += 1,
            '#' => {
                let end = gap[i..].find('\n').map_or(gap.len(), |n| i + n);
                out.push(Between::Comment { text: gap[i..end].trim_end(), breaks });
                breaks = 0;
                i = end;
            }
            _ => {
                let len = if b[i..].starts_with(b"..") || b[i..].starts_with(b"+-") { 2 } else { c.len_utf8() };
                out.push(Between::Punct { text: &gap[i..i + len], breaks });
                breaks = 0;
                i += len;
            }
        }
    }
    (out, breaks)
}

/// The end of a pair's text without the whitespace and comments pest may leave at its end.
fn trimmed_end(src: &str, p: &P) -> usize {
    let s = p.as_span();
    let mut end = s.end();
    loop {
        let t = src[s.start()..end].trim_end();
        let cut = s.start() + t.len();
        // A comment at the end of the last line (outside strings) is trimmed too.
        let line_start = src[s.start()..cut].rfind('\n').map_or(s.start(), |n| s.start() + n + 1);
        match comment_start(&src[line_start..cut]) {
            Some(c) => end = line_start + c,
            None => return cut,
        }
    }
}

/// Where a comment starts on one line, outside strings.
fn comment_start(line: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '#' if !in_string => return Some(i),
            _ => {}
        }
    }
    None
}

/// Walks the parse tree, feeding the printer tokens and comments in source order.
struct Formatter<'s> {
    src: &'s str,
    /// End of the last token taken from the source.
    pos: usize,
    p: Printer<'s>,
}

impl<'s> Formatter<'s> {
    fn walk_file(&mut self, file: P<'s>) {
        let items: Vec<P<'s>> = file.into_inner().filter(|q| q.as_rule() != Rule::EOI).collect();
        self.items(items, 0, Rule::file);
        self.p.pending = Pending::Close { depth: 0 };
        self.gap(self.src.len());
    }

    /// Statements, one a line, at `depth`.
    fn items(&mut self, items: Vec<P<'s>>, depth: usize, parent: Rule) {
        let mut prev_block = false;
        for (i, item) in items.into_iter().enumerate() {
            let block = holds_block(&item);
            self.p.pending = Pending::Item { depth, first: i == 0, blank: block || prev_block };
            self.walk(item, depth, parent);
            prev_block = block;
        }
    }

    fn walk(&mut self, p: P<'s>, depth: usize, parent: Rule) {
        let rule = p.as_rule();
        let end = trimmed_end(self.src, &p);
        let children: Vec<P<'s>> = p.clone().into_inner().collect();
        if children.is_empty() {
            self.leaf(&p, parent);
            return;
        }
        if is_block(rule) {
            let n = children.len();
            let mut it = children.into_iter();
            let open = it.next().expect("a block opens");
            self.leaf(&open, rule);
            let inner: Vec<P<'s>> = it.by_ref().take(n - 2).collect();
            let close = it.next().expect("a block closes");
            self.p.opened();
            self.items(inner, depth + 1, rule);
            self.p.pending = Pending::Close { depth: depth + 1 };
            let close_at = close.as_span().start();
            self.gap(close_at);
            self.p.close(depth);
            self.pos = close.as_span().end();
            return;
        }
        for c in children {
            self.walk(c, depth, rule);
        }
        // Punctuation (and comments) the pair ends with, such as a closing `)`.
        self.gap(end);
    }

    fn leaf(&mut self, p: &P<'s>, parent: Rule) {
        let s = p.as_span();
        let mut text = &self.src[s.start()..s.end()];
        if p.as_rule() != Rule::string {
            // A leaf with a lookahead after a literal may end with skipped whitespace.
            let cut = text.find([' ', '\t', '\r', '\n', '#']).unwrap_or(text.len());
            text = &text[..cut];
        }
        let breaks = self.gap(s.start());
        self.p.token(Tok::Leaf { rule: p.as_rule(), parent, text }, breaks);
        self.pos = s.start() + text.len();
    }

    /// Emits what lies between the last token and `to`; returns the line breaks after it.
    fn gap(&mut self, to: usize) -> usize {
        if to <= self.pos {
            return 0;
        }
        let (pieces, breaks) = between(&self.src[self.pos..to]);
        for piece in pieces {
            match piece {
                Between::Punct { text, breaks } => self.p.token(Tok::Punct(text), breaks),
                Between::Comment { text, breaks } => self.p.comment(text, breaks),
            }
        }
        self.pos = to;
        breaks
    }
}

/// What the next line to print starts.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
enum Pending {
    /// Nothing: tokens go on the current line.
    #[default]
    None,
    /// A statement at `depth`; `blank` when a blank line must come before it (unless first).
    Item { depth: usize, first: bool, blank: bool },
    /// The end of a block whose statements were at `depth` (or of the file, at 0).
    Close { depth: usize },
}

/// One line of output.
#[derive(Default)]
struct Line {
    indent: usize,
    code: String,
    comment: Option<String>,
}

/// Lays out lines.
#[derive(Default)]
struct Printer<'s> {
    lines: Vec<Line>,
    /// Tokens may be added to the last line.
    open: bool,
    /// Indentation of the statement being printed.
    indent: usize,
    last: Option<Tok<'s>>,
    pending: Pending,
    /// Something was printed since the last `{`.
    filled: bool,
}

impl<'s> Printer<'s> {
    fn push(&mut self, indent: usize, blank: bool) {
        if blank && self.lines.last().is_some_and(|l| !l.code.is_empty() || l.comment.is_some()) {
            self.lines.push(Line::default());
        }
        self.lines.push(Line { indent, ..Line::default() });
        self.filled = true;
    }

    /// Starts the line of a statement, or a continuation line, as pending says.
    fn start_line(&mut self, breaks: usize) {
        match self.pending {
            Pending::Item { depth, first, blank } => {
                self.indent = depth * 2;
                self.push(self.indent, !first && (blank || breaks >= 2));
                // Further comments before the statement keep their own blank lines.
                self.pending = Pending::Item { depth, first: false, blank: false };
            }
            Pending::Close { depth } => {
                self.push(depth * 2, self.filled && breaks >= 2);
            }
            Pending::None => self.push(self.indent + CONTINUATION, false),
        }
        self.last = None;
    }

    fn token(&mut self, t: Tok<'s>, breaks: usize) {
        if matches!(self.pending, Pending::Item { .. }) || !self.open {
            self.start_line(breaks);
            self.pending = Pending::None;
        }
        let line = self.lines.last_mut().expect("a line is open");
        if let Some(prev) = &self.last
            && spaced(prev, &t)
        {
            line.code.push(' ');
        }
        line.code.push_str(t.text());
        self.last = Some(t);
        self.open = true;
    }

    fn comment(&mut self, text: &str, breaks: usize) {
        if breaks == 0 && self.open {
            let line = self.lines.last_mut().expect("a line is open");
            line.comment = Some(text.to_string());
            self.open = false;
            return;
        }
        self.start_line(breaks);
        let line = self.lines.last_mut().expect("a line was started");
        line.comment = Some(text.to_string());
        self.open = false;
    }

    /// A `{` was printed: the statements in the block start on new lines (a comment
    /// after the `{` stays on its line).
    fn opened(&mut self) {
        self.filled = false;
    }

    /// Prints the `}` of a block whose statement is at `depth`.
    fn close(&mut self, depth: usize) {
        self.pending = Pending::None;
        if !self.filled {
            // An empty block stays on its line: `{ }`.
            let line = self.lines.last_mut().expect("the line of the `{`");
            if line.comment.is_none() {
                line.code.push_str(" }");
                self.open = true;
                self.filled = true;
                return;
            }
        }
        self.lines.push(Line { indent: depth * 2, code: "}".to_string(), comment: None });
        self.indent = depth * 2;
        self.open = true;
        self.filled = true;
        self.last = Some(Tok::Punct("}"));
    }

    fn finish(mut self) -> String {
        // Trailing comments on consecutive lines line up, 4 columns after the longest code.
        let width = |l: &Line| l.indent + l.code.chars().count();
        let mut i = 0;
        while i < self.lines.len() {
            let trailing = |l: &Line| !l.code.is_empty() && l.comment.is_some();
            if !trailing(&self.lines[i]) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < self.lines.len() && trailing(&self.lines[j]) {
                j += 1;
            }
            let col = self.lines[i..j].iter().map(width).max().unwrap_or(0) + COMMENT_GAP;
            for l in &mut self.lines[i..j] {
                let pad = col - width(l);
                l.code.push_str(&" ".repeat(pad));
            }
            i = j;
        }
        let mut out = String::new();
        for l in &self.lines {
            if !l.code.is_empty() || l.comment.is_some() {
                out.push_str(&" ".repeat(l.indent));
                out.push_str(&l.code);
                if let Some(c) = &l.comment {
                    out.push_str(c);
                }
            }
            out.push('\n');
        }
        out
    }
}
