//! Diagnostics: every error and warning herald reports, as a `miette::Diagnostic`
//! with a stable code (one of [`Code`], listed in `codes.rs`), labelled spans and help.

pub mod codes;

pub use codes::Code;

use std::fmt;
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceCode};

/// A byte range in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    /// The span from `start` to `end` (byte offsets).
    pub fn new(start: usize, end: usize) -> Span {
        Span { start: start as u32, end: end as u32 }
    }

    /// The smallest span covering both.
    #[must_use]
    pub fn join(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// The text of this span in `src`.
    pub fn text(self, src: &str) -> &str {
        src.get(self.start as usize..self.end as usize).unwrap_or("")
    }

    /// The text of this span in `src` on one line, as reports quote it: every run of
    /// whitespace (line breaks and indentation included) is one space.
    pub fn one_line(self, src: &str) -> String {
        one_line(self.text(src))
    }
}

/// `text` on one line: every run of whitespace (a line break and the next line's
/// indentation, say) is one space, and none is at either end. How a rule, a loss rule or
/// an expectation written over several lines is quoted in a one-line context (a timeline
/// entry, an explanation, a Mermaid arrow, `herald test`'s list).
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One problem found in a scenario (or in a run of it).
#[derive(Debug, Clone)]
pub struct Diag {
    /// Stable code, e.g. `herald::check::unknown_general`: [`Code::as_str`] of the code
    /// it was made with.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The first label is the primary one.
    pub labels: Vec<(Span, String)>,
    pub help: Option<String>,
}

impl Diag {
    /// An error with one labelled span. `code` is an error's.
    pub fn error(code: Code, message: impl Into<String>, span: Span, label: impl Into<String>) -> Diag {
        Diag::new(code, Severity::Error, message.into(), span, label.into())
    }

    /// A warning with one labelled span. `code` is a warning's.
    pub fn warning(code: Code, message: impl Into<String>, span: Span, label: impl Into<String>) -> Diag {
        Diag::new(code, Severity::Warning, message.into(), span, label.into())
    }

    fn new(code: Code, severity: Severity, message: String, span: Span, label: String) -> Diag {
        debug_assert_eq!(code.severity(), severity, "{} is listed as another severity", code.as_str());
        Diag { code: code.as_str(), severity, message, labels: vec![(span, label)], help: None }
    }

    /// Adds help.
    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Diag {
        self.help = Some(help.into());
        self
    }

    /// Adds a secondary label.
    #[must_use]
    pub fn with_label(mut self, span: Span, label: impl Into<String>) -> Diag {
        self.labels.push((span, label.into()));
        self
    }

    /// The primary span.
    pub fn span(&self) -> Span {
        self.labels.first().map(|l| l.0).unwrap_or_default()
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// 1-based line and column (in characters) of a byte offset. Lines end with LF, CRLF or
/// a lone CR.
pub fn line_col(src: &str, offset: u32) -> (usize, usize) {
    let offset = (offset as usize).min(src.len());
    let mut offset = offset;
    while !src.is_char_boundary(offset) {
        offset -= 1;
    }
    let bytes = src.as_bytes();
    let mut line = 1;
    let mut start = 0;
    for (i, &b) in bytes[..offset].iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            line += 1;
            start = i + 1;
        }
    }
    (line, src[start..offset].chars().count() + 1)
}

/// `text` with every CR that does not start a CRLF turned into an LF: the same length,
/// so every offset stays. (Scenario files are read so: `syntax::prescan::decode`.)
pub fn lone_cr_to_lf(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut bytes = text.into_bytes();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    // One ASCII byte for another: still UTF-8.
    String::from_utf8(bytes).expect("UTF-8 in, UTF-8 out")
}

/// A source file as diagnostics show it: a name (never an absolute path) and its text.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: Arc<String>,
}

impl Source {
    /// A source with a display name and text.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> Source {
        Source { name: name.into(), text: Arc::new(text.into()) }
    }

    /// 1-based line of a span's start.
    pub fn line(&self, span: Span) -> usize {
        line_col(&self.text, span.start).0
    }
}

/// A diagnostic attached to its source, ready for miette to render.
pub struct Located<'a> {
    pub diag: &'a Diag,
    pub source: NamedSource<Arc<String>>,
}

impl<'a> Located<'a> {
    /// Attaches `diag` to `source`.
    pub fn new(diag: &'a Diag, source: &Source) -> Located<'a> {
        Located { diag, source: NamedSource::new(source.name.clone(), source.text.clone()) }
    }
}

impl fmt::Debug for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Located").field("diag", self.diag).finish()
    }
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Located<'_> {}

impl Diagnostic for Located<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Warning => miette::Severity::Warning,
            Severity::Error => miette::Severity::Error,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diag.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let len = self.source.inner().len();
        Some(Box::new(self.diag.labels.iter().enumerate().map(move |(i, (span, text))| {
            let start = (span.start as usize).min(len);
            let end = (span.end as usize).clamp(start, len);
            let text = if text.is_empty() { None } else { Some(text.clone()) };
            if i == 0 {
                LabeledSpan::new_primary_with_span(text, (start, end - start))
            } else {
                LabeledSpan::new_with_span(text, (start, end - start))
            }
        })))
    }
}

/// Renders diagnostics for people, with or without colour.
pub fn render(diags: &[Diag], source: &Source, color: bool) -> String {
    let theme = if color { miette::GraphicalTheme::unicode() } else { miette::GraphicalTheme::unicode_nocolor() };
    let handler = miette::GraphicalReportHandler::new_themed(theme).with_width(100);
    // miette counts a lone CR as a line end in its header but not in its excerpt (which
    // then shows "0 │" and the raw CR): give it LFs.
    let normalized;
    let source = if source.text.contains('\r') {
        normalized = Source::new(source.name.clone(), lone_cr_to_lf(source.text.as_str().to_string()));
        &normalized
    } else {
        source
    };
    let mut out = String::new();
    for d in diags {
        match window(d, source) {
            Some((d2, s2)) => {
                let _ = handler.render_report(&mut out, &Located::new(&d2, &s2));
            }
            None => {
                let _ = handler.render_report(&mut out, &Located::new(d, source));
            }
        }
    }
    out
}

/// Longest source line shown whole in a diagnostic.
const MAX_SHOWN_LINE: usize = 240;

/// For a diagnostic on a very long line, a shortened copy of the source around its
/// primary label (the labels moved to match), so that the report stays readable.
fn window(d: &Diag, source: &Source) -> Option<(Diag, Source)> {
    let text = source.text.as_str();
    let mut at = (d.span().start as usize).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let line_start = text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line_end = text[at..].find('\n').map(|i| at + i).unwrap_or(text.len());
    if line_end - line_start <= MAX_SHOWN_LINE {
        return None;
    }
    let floor = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let from = floor(at.saturating_sub(MAX_SHOWN_LINE / 2).max(line_start));
    let to = floor((at + MAX_SHOWN_LINE / 2).min(line_end));
    let (line, col) = line_col(text, at as u32);
    let prefix = "… ";
    let shown = format!("{prefix}{} …", &text[from..to]);
    let shift = |sp: Span| -> Option<Span> {
        let (a, b) = (sp.start as usize, sp.end as usize);
        (a >= from && a <= to).then(|| Span::new(a - from + prefix.len(), b.min(to) - from + prefix.len()))
    };
    let mut d2 = d.clone();
    d2.labels = d.labels.iter().filter_map(|(sp, l)| shift(*sp).map(|s| (s, l.clone()))).collect();
    d2.message = format!("{} (line {line}, column {col})", d.message);
    Some((d2, Source::new(format!("{} (excerpt of line {line})", source.name), shown)))
}

/// Suggests the closest of `candidates` to `name`, if one is close enough.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&name.to_lowercase(), &c.to_lowercase());
        if score > 0.8 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| format!("did you mean '{c}'?"))
}
