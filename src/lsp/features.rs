//! The answers to an editor's requests about one analysed document: hover, definition,
//! references, document symbols, folding, formatting and code lenses.

use lsp_types::{
    CodeLens, Command, DocumentSymbol, FoldingRange, FoldingRangeKind, Hover, HoverContents, MarkupContent, MarkupKind,
    Position, Range, SymbolKind, TextEdit,
};

use super::analysis::Analysis;
use super::index::{Occurrence, SymKind};
use crate::check::model::{LossKind, ParamVal};
use crate::diag::{Span, one_line};
use crate::syntax::ast::{Endpoint, RuleDecl, Stmt};

/// The commands of the code lenses (and of `workspace/executeCommand`): their names and
/// titles.
pub const COMMANDS: &[(&str, &str)] =
    &[("herald.run", "▶ Run"), ("herald.explore", "Explore"), ("herald.mermaid", "Mermaid diagram")];

/// The word (letters, digits, `_`, and `-` inside `no-attack`) around an offset.
pub fn word_at(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut start = offset;
    while start > 0 && text[..start].chars().next_back().is_some_and(is_word) {
        start -= 1;
    }
    let mut end = offset;
    while end < text.len() && text[end..].chars().next().is_some_and(is_word) {
        end += 1;
    }
    // `no-attack` is one word.
    if text[..start].ends_with("no-") && &text[start..end] == "attack" {
        start -= 3;
    } else if &text[start..end] == "no" && text[end..].starts_with("-attack") {
        end += "-attack".len();
    }
    (start, end)
}

/// Whether an offset is inside a comment or a string (scanned from the start of its line:
/// strings never span lines).
pub fn in_comment_or_string(text: &str, offset: usize) -> bool {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let mut in_string = false;
    let mut escaped = false;
    for c in text[line_start..offset].chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == '#' {
            return true;
        }
    }
    in_string
}

/// The hover at an offset: a loss rule's probability, a name's declaration and value, or a
/// keyword's meaning.
pub fn hover(a: &Analysis, offset: usize) -> Option<Hover> {
    let mut parts: Vec<String> = Vec::new();
    let mut range = None;
    if let Some(m) = &a.model {
        for c in &m.channels {
            for l in &c.losses {
                if l.span.start as usize <= offset && offset <= l.span.end as usize {
                    let shown = format!("`{}` (line {}): {}", l.text, l.line, loss_meaning(&l.kind, m));
                    if !parts.contains(&shown) {
                        parts.push(shown);
                        range = Some(l.span);
                    }
                }
            }
        }
    }
    if let Some(o) = a.index.at(offset) {
        parts.push(symbol_hover(a, o));
        range = Some(o.span);
    } else if parts.is_empty() && !in_comment_or_string(&a.text, offset) {
        let (s, e) = word_at(&a.text, offset);
        let doc = super::keywords::doc(&a.text[s..e])?;
        parts.push(doc.to_string());
        range = Some(Span::new(s, e));
    }
    if parts.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: parts.join("\n\n---\n\n") }),
        range: range.map(|s| a.lines.range(&a.text, s)),
    })
}

/// What a loss rule captures, in words.
fn loss_meaning(k: &LossKind, m: &crate::check::Model) -> String {
    match k {
        LossKind::All => "captures every messenger".to_string(),
        LossKind::Numbers(ranges) => {
            let r: Vec<String> =
                ranges.iter().map(|(a, b)| if a == b { a.to_string() } else { format!("{a}..{b}") }).collect();
            format!("captures the messengers numbered {} on this channel", r.join(", "))
        }
        LossKind::Every(n) => format!("captures every {n}th messenger"),
        LossKind::First(n) => format!("captures the first {n} messengers"),
        LossKind::After(n) => format!("captures every messenger after the first {n}"),
        LossKind::Window(a, b) => format!("captures the messengers sent from tick {a} to tick {b}"),
        LossKind::Chance { p, kind } => {
            let of = kind.map(|k| format!(" carrying {}", m.show_kind(k))).unwrap_or_default();
            format!("captures each messenger{of} with probability **{}** ({}/{})", p.percent(), p.num, p.den)
        }
        LossKind::Kind(k) => format!("captures every messenger carrying {}", m.show_kind(*k)),
    }
}

/// The declaration's line of a span, without a trailing `{`.
fn decl_line(text: &str, span: Span) -> String {
    let at = (span.start as usize).min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let line = text[start..end].trim();
    let line = line.split(" #").next().unwrap_or(line).trim();
    line.strip_suffix('{').unwrap_or(line).trim_end().to_string()
}

fn symbol_hover(a: &Analysis, o: Occurrence) -> String {
    let sym = &a.index.symbols[o.symbol];
    let decls = a.index.decls(o.symbol);
    let mut out = format!("**{}** `{}`", sym.kind.word(), sym.name);
    if sym.kind != SymKind::Kind
        && let Some(d) = decls.first()
    {
        out.push_str(&format!("\n```herald\n{}\n```", decl_line(&a.text, *d)));
    }
    let Some(m) = &a.model else {
        return out;
    };
    match sym.kind {
        SymKind::Param => {
            if let Some(p) = m.params.iter().find(|p| p.name == sym.name) {
                let v = match &p.value {
                    ParamVal::Int(i) => i.to_string(),
                    ParamVal::Str(s) => format!("{s:?}"),
                    ParamVal::Prob(p) => format!("{} ({}/{})", p.percent(), p.num, p.den),
                };
                out.push_str(&format!("\nvalue: **{v}**"));
            }
        }
        SymKind::Time => {
            if let Some((_, v)) = m.times.iter().find(|t| t.0 == sym.name) {
                out.push_str(&format!("\nvalue: tick **{v}**"));
            }
        }
        SymKind::General => {
            if let Some(g) = m.generals.iter().find(|g| g.name == sym.name) {
                if let Some(l) = &g.label {
                    out.push_str(&format!("\nlabel: {l:?}"));
                }
                if let Some(r) = g.role {
                    out.push_str(&format!("\nrole: {}", m.roles[r].name));
                }
                let rules = g.on_start.len()
                    + g.on_recover.len()
                    + g.on_receive.len()
                    + g.timed.len()
                    + g.when.len()
                    + g.decide.len();
                out.push_str(&format!("\n{rules} rule(s)"));
            }
        }
        SymKind::Role => {
            if let Some(r) = m.roles.iter().find(|r| r.name == sym.name) {
                let members: Vec<&str> = r.members.iter().map(|&g| m.name(g)).collect();
                out.push_str(&format!(
                    "\nplayed by: {}",
                    if members.is_empty() { "nobody".into() } else { members.join(", ") }
                ));
            }
        }
        SymKind::Var => {
            let var = m.generals.iter().flat_map(|g| g.vars.iter()).find(|v| v.name == sym.name);
            if let Some(v) = var {
                out.push_str(&format!("\ntype: {}, starts at {}", v.ty.name(), m.show_value(v.init, Some(v.ty))));
            }
        }
        SymKind::Binding => out.push_str("\nbound by this rule's pattern to the received value"),
        SymKind::Kind => {
            if let Some(k) = m.kinds.iter().find(|k| k.name == sym.name) {
                let payload: Vec<&str> = k.arg_types.iter().map(|t| t.name()).collect();
                if !payload.is_empty() {
                    out.push_str(&format!("\npayload: ({})", payload.join(", ")));
                } else {
                    out.push_str("\nno payload");
                }
            }
            out.push_str(&format!("\nsent in {} place(s)", decls.len()));
        }
    }
    out
}

/// Where the name at an offset is declared (a kind: where it is sent).
pub fn definition(a: &Analysis, offset: usize) -> Vec<Span> {
    match a.index.at(offset) {
        Some(o) => a.index.decls(o.symbol),
        None => vec![],
    }
}

/// Every place the name at an offset is written (with or without its declarations).
pub fn references(a: &Analysis, offset: usize, with_decls: bool) -> Vec<Span> {
    match a.index.at(offset) {
        Some(o) => a.index.of(o.symbol).filter(|x| with_decls || !x.decl).map(|x| x.span).collect(),
        None => vec![],
    }
}

/// The outline: the scenario, params, times, generals and roles with their rules, channels,
/// partitions, crashes and expectations.
#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written.
pub fn symbols(a: &Analysis) -> Vec<DocumentSymbol> {
    let Some(file) = &a.file else {
        return vec![];
    };
    let range = |s: Span| a.lines.range(&a.text, s);
    let sym =
        |name: String, detail: Option<String>, kind: SymbolKind, span: Span, sel: Span, children| DocumentSymbol {
            name: if name.is_empty() { "_".to_string() } else { name },
            detail,
            kind,
            tags: None,
            deprecated: None,
            range: range(span),
            selection_range: range(sel),
            children,
        };
    let rules = |rules: &[RuleDecl]| -> Option<Vec<DocumentSymbol>> {
        Some(
            rules
                .iter()
                .map(|r| {
                    let kind = if matches!(r.kind, crate::syntax::ast::RuleKind::Var { .. }) {
                        SymbolKind::VARIABLE
                    } else {
                        SymbolKind::EVENT
                    };
                    sym(r.head.one_line(&a.text), None, kind, r.span, r.head, None)
                })
                .collect(),
        )
    };
    let mut out = Vec::new();
    for s in &file.stmts {
        match s {
            Stmt::Scenario(t) => {
                out.push(sym(t.value.clone(), Some("scenario".into()), SymbolKind::MODULE, t.span, t.span, None))
            }
            Stmt::Param { name, value } => {
                let span = match value {
                    crate::syntax::ast::ParamValue::Prob(p) => name.span.join(p.span),
                    crate::syntax::ast::ParamValue::Expr(e) => name.span.join(e.span),
                };
                out.push(sym(name.name.clone(), Some("param".into()), SymbolKind::CONSTANT, span, name.span, None))
            }
            Stmt::Time { name, value } => out.push(sym(
                name.name.clone(),
                Some("time".into()),
                SymbolKind::CONSTANT,
                name.span.join(value.span),
                name.span,
                None,
            )),
            Stmt::General(g) => out.push(sym(
                g.name.name.clone(),
                Some(match &g.role {
                    Some(r) => format!("general is {}", r.name),
                    None => "general".into(),
                }),
                SymbolKind::OBJECT,
                g.span,
                g.name.span,
                rules(&g.rules),
            )),
            Stmt::Generals { names, role, span } => {
                for n in names {
                    let name = match &n.last {
                        Some(l) => format!("{}..{}", n.first.name, l.name),
                        None => n.first.name.clone(),
                    };
                    let detail = match role {
                        Some(r) => format!("generals are {}", r.name),
                        None => "generals".into(),
                    };
                    out.push(sym(name, Some(detail), SymbolKind::OBJECT, *span, n.span, None));
                }
            }
            Stmt::Role { name, rules: rs, span } => {
                out.push(sym(name.name.clone(), Some("role".into()), SymbolKind::CLASS, *span, name.span, rules(rs)))
            }
            Stmt::Channel(c) => {
                let end = |e: &Endpoint| match e {
                    Endpoint::Any(_) => "*".to_string(),
                    Endpoint::Named(i) => i.name.clone(),
                };
                let name = format!("{} {} {}", end(&c.from), if c.both_ways { "<->" } else { "->" }, end(&c.to));
                let props = c
                    .props
                    .iter()
                    .map(|p| {
                        let sp = match p {
                            crate::syntax::ast::ChannelProp::Delay { span, .. }
                            | crate::syntax::ast::ChannelProp::DelayAny { span }
                            | crate::syntax::ast::ChannelProp::Duplicate { span, .. }
                            | crate::syntax::ast::ChannelProp::Lose { span, .. } => *span,
                        };
                        sym(sp.one_line(&a.text), None, SymbolKind::PROPERTY, sp, sp, None)
                    })
                    .collect();
                out.push(sym(name, Some("channel".into()), SymbolKind::INTERFACE, c.span, c.span, Some(props)))
            }
            Stmt::Partition { span, .. }
            | Stmt::Crash { span, .. }
            | Stmt::CrashAny { span, .. }
            | Stmt::Recover { span, .. }
            | Stmt::Victory { span, .. } => {
                out.push(sym(span.one_line(&a.text), None, SymbolKind::EVENT, *span, *span, None))
            }
            Stmt::Expect(x) => out.push(sym(
                x.span.one_line(&a.text),
                Some("expect".into()),
                SymbolKind::BOOLEAN,
                x.span,
                x.span,
                None,
            )),
            Stmt::About(_) | Stmt::Seed(_) | Stmt::Horizon(_) => {}
        }
    }
    out
}

/// Folding: every `{ ... }` block over several lines (from the braces themselves, so a
/// broken file folds too) and every run of two or more whole-line comments.
pub fn folding(a: &Analysis) -> Vec<FoldingRange> {
    let text = &a.text;
    let mut out = Vec::new();
    let mut open: Vec<u32> = Vec::new();
    let (mut line, mut in_string, mut escaped, mut in_comment) = (0u32, false, false, false);
    for c in text.chars() {
        if c == '\n' {
            line += 1;
            in_string = false;
            in_comment = false;
            continue;
        }
        if in_comment {
            continue;
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '#' => in_comment = true,
            '{' => open.push(line),
            '}' => {
                if let Some(start) = open.pop()
                    && line > start + 1
                {
                    out.push(FoldingRange {
                        start_line: start,
                        start_character: None,
                        end_line: line - 1,
                        end_character: None,
                        kind: Some(FoldingRangeKind::Region),
                        collapsed_text: None,
                    });
                }
            }
            _ => {}
        }
    }
    let mut run: Option<(u32, u32)> = None;
    let flush = |run: Option<(u32, u32)>, out: &mut Vec<FoldingRange>| {
        if let Some((s, e)) = run
            && e > s
        {
            out.push(FoldingRange {
                start_line: s,
                start_character: None,
                end_line: e,
                end_character: None,
                kind: Some(FoldingRangeKind::Comment),
                collapsed_text: None,
            });
        }
    };
    for (i, l) in text.split('\n').enumerate() {
        let i = i as u32;
        if l.trim_start().starts_with('#') {
            run = Some(run.map_or((i, i), |(s, _)| (s, i)));
        } else {
            flush(run.take(), &mut out);
        }
    }
    flush(run, &mut out);
    out.sort_by_key(|f| (f.start_line, f.end_line));
    out
}

/// Formatting: `herald fmt`'s layout as one edit (none when the file is formatted), or why
/// not (a file with syntax errors is not formatted, as `herald fmt` leaves it alone).
pub fn formatting(a: &Analysis) -> Result<Vec<TextEdit>, String> {
    // A file with errors (the grammar's or the checker's) is not formatted: its layout
    // may be about to change, and the user is told why.
    if a.diags.iter().any(|d| d.is_error()) {
        return Err(not_formatted(a, &a.diags));
    }
    match crate::fmt::format(&a.text) {
        Ok(out) if out == a.text => Ok(vec![]),
        Ok(out) => {
            let end = a.lines.position(&a.text, a.text.len());
            Ok(vec![TextEdit { range: Range { start: Position::new(0, 0), end }, new_text: out }])
        }
        Err(ds) => Err(not_formatted(a, &ds)),
    }
}

/// Why a file is not formatted: how many errors it has, and the first.
fn not_formatted(a: &Analysis, ds: &[crate::diag::Diag]) -> String {
    let n = ds.iter().filter(|d| d.is_error()).count();
    let first = ds.iter().find(|d| d.is_error()).or(ds.first());
    let what = first
        .map(|d| {
            let (line, _) = crate::diag::line_col(&a.text, d.span().start);
            format!(": line {line}: {}", one_line(&d.message))
        })
        .unwrap_or_default();
    format!("herald fmt: not formatted, the file has {n} error{}{what}", if n == 1 { "" } else { "s" })
}

/// Code lenses on the scenario (its `scenario` statement, else its first line): run it,
/// explore it, draw it. Each is a command with the document's URI as argument.
pub fn code_lenses(a: &Analysis, uri: &str) -> Vec<CodeLens> {
    let at = a
        .file
        .as_ref()
        .and_then(|f| {
            f.stmts.iter().find_map(|s| match s {
                Stmt::Scenario(t) => Some(t.span),
                _ => None,
            })
        })
        .unwrap_or_default();
    let line = a.lines.position(&a.text, at.start as usize).line;
    let range = Range { start: Position::new(line, 0), end: Position::new(line, 0) };
    COMMANDS
        .iter()
        .map(|(cmd, title)| CodeLens {
            range,
            command: Some(Command {
                title: title.to_string(),
                command: cmd.to_string(),
                arguments: Some(vec![serde_json::Value::String(uri.to_string())]),
            }),
            data: None,
        })
        .collect()
}
