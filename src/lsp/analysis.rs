//! One version of an open document, analysed as `herald check` does: every error and
//! warning, the syntax tree when it parses, the model when it checks, the index of names.

use lsp_types::{Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Uri};

use super::index::Index;
use super::text::LineIndex;
use crate::check::Model;
use crate::diag::{Diag, Severity, lone_cr_to_lf};
use crate::syntax::ast::File;

/// A document's text and what herald makes of it.
#[derive(Debug, Clone)]
pub struct Analysis {
    /// The text, a lone CR made an LF (one byte for one: every offset is the editor's).
    pub text: String,
    pub lines: LineIndex,
    /// Every error and warning, as `herald check` gives them.
    pub diags: Vec<Diag>,
    /// The syntax tree, when the text parses.
    pub file: Option<File>,
    /// The checked model, when there is no error.
    pub model: Option<Model>,
    /// Declarations and uses of names (empty when the text does not parse).
    pub index: Index,
}

impl Analysis {
    /// Analyses a text: the same steps, limits and diagnostics as `herald::load` with no
    /// `--param` (size, NUL bytes, strings and brackets, the grammar, the checker).
    pub fn new(text: &str) -> Analysis {
        let text = lone_cr_to_lf(text.to_string());
        let lines = LineIndex::new(&text);
        let mut a = Analysis { text, lines, diags: Vec::new(), file: None, model: None, index: Index::default() };
        match crate::syntax::parse(&a.text) {
            Err(diags) => a.diags = diags,
            Ok((file, warnings)) => {
                a.diags = warnings;
                a.index = Index::new(&file);
                match crate::check::check(&a.text, &file, &[]) {
                    Ok((model, w)) => {
                        a.diags.extend(w);
                        a.model = Some(model);
                    }
                    Err(ds) => a.diags.extend(ds),
                }
                a.file = Some(file);
            }
        }
        a
    }

    /// How many errors (not warnings) there are.
    pub fn errors(&self) -> usize {
        self.diags.iter().filter(|d| d.is_error()).count()
    }

    /// The diagnostics as LSP gives them: the primary span, the code, the message with the
    /// primary label and the help, the other labels as related information.
    pub fn lsp_diagnostics(&self, uri: &Uri) -> Vec<Diagnostic> {
        self.diags.iter().map(|d| self.lsp_diagnostic(uri, d)).collect()
    }

    fn lsp_diagnostic(&self, uri: &Uri, d: &Diag) -> Diagnostic {
        let range = self.lines.range(&self.text, d.span());
        let mut message = d.message.clone();
        if let Some((_, label)) = d.labels.first()
            && !label.is_empty()
        {
            message.push_str(&format!(" ({label})"));
        }
        if let Some(h) = &d.help {
            message.push_str(&format!("\nhelp: {h}"));
        }
        let related: Vec<DiagnosticRelatedInformation> = d
            .labels
            .iter()
            .skip(1)
            .map(|(span, label)| DiagnosticRelatedInformation {
                location: Location { uri: uri.clone(), range: self.lines.range(&self.text, *span) },
                message: if label.is_empty() { d.message.clone() } else { label.clone() },
            })
            .collect();
        Diagnostic {
            range,
            severity: Some(match d.severity {
                Severity::Error => DiagnosticSeverity::ERROR,
                Severity::Warning => DiagnosticSeverity::WARNING,
            }),
            code: Some(NumberOrString::String(d.code.to_string())),
            code_description: None,
            source: Some("herald".to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: None,
        }
    }
}
