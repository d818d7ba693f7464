//! Reports: a run for people (text) and for programs (YAML, JSON). One schema
//! ([`RunReport`]) carries the content; text renders it, YAML and JSON serialize it.
//! Reports are built and rendered here, never printed: the commands (`cli`) do that.

pub mod analyze;
mod build;
pub mod explore;
pub mod mermaid;
mod schema;
pub mod sweep;
mod text;
mod timeline;
pub mod trials;

use serde::Serialize;

use crate::check::{Model, ParamVal};
use crate::diag::{Code, Diag};
use crate::sim::RunError;

pub use build::build;
pub use schema::{
    Change, Committed, EndInfo, Event, GeneralReport, InFlight, OutcomeReport, ParamShown, RuleShown, RunReport,
    ScenarioInfo, Untried, WhatIf,
};
pub(crate) use text::Paint;
pub use text::{render_run, render_run_body};

/// How a report is written: for people (text), for programs (YAML, JSON), as a diagram
/// (Mermaid, for single runs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Yaml,
    Json,
    Mermaid,
}

impl Format {
    /// Its name, as `--format` spells it.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Yaml => "yaml",
            Format::Json => "json",
            Format::Mermaid => "mermaid",
        }
    }
}

/// Version of the YAML/JSON schema (the `herald:` key). Bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

pub use crate::percent::percent;

/// A share as a percentage with two decimals: `74.99%`.
pub fn percent_fixed(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

/// The params a run used, as reports show them.
pub fn params_shown(model: &Model) -> Vec<ParamShown> {
    model
        .params
        .iter()
        .map(|p| ParamShown {
            name: p.name.clone(),
            value: match &p.value {
                ParamVal::Int(v) => v.to_string(),
                ParamVal::Str(s) => format!("{s:?}"),
                ParamVal::Prob(p) => p.percent(),
            },
        })
        .collect()
}

/// Serializes to YAML that YAML 1.1 readers (PyYAML, yaml.v2, Ruby) read the same way as
/// YAML 1.2 ones: the words they take for booleans or null (`yes`, `no`, `on`, `off`, `y`,
/// `n`, `~`) are quoted wherever they stand alone as a value.
pub fn to_yaml<T: Serialize>(value: &T) -> String {
    let text = yaml_serde::to_string(value).expect("a report serializes");
    let mut out = String::with_capacity(text.len() + 16);
    // The indentation of the line that opened a block scalar (`key: |`), while its lines
    // last: they are text, not entries, and stay as they are.
    let mut block: Option<usize> = None;
    for line in text.lines() {
        let indent = line.len() - line.trim_start().len();
        if let Some(at) = block {
            if line.trim().is_empty() || indent > at {
                out.push_str(line);
                out.push('\n');
                continue;
            }
            block = None;
        }
        if opens_block(line) {
            block = Some(indent);
        }
        out.push_str(&quote_yaml11(line));
        out.push('\n');
    }
    out
}

/// Whether a line of YAML opens a block scalar: its value is `|` or `>`, with optional
/// chomping and indentation indicators.
fn opens_block(line: &str) -> bool {
    let value = match line.find(": ") {
        Some(i) => &line[i + 2..],
        None => line.trim_start().strip_prefix("- ").unwrap_or(""),
    };
    let mut chars = value.chars();
    matches!(chars.next(), Some('|' | '>')) && chars.all(|c| matches!(c, '-' | '+' | '0'..='9'))
}

/// Serializes to pretty JSON, ending with a newline.
pub fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).expect("a report serializes") + "\n"
}

fn quote_yaml11(line: &str) -> String {
    const AMBIGUOUS: &[&str] =
        &["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "~"];
    // A scalar stands after `key: ` or after `- ` (a list item).
    let split = if let Some(i) = line.find(": ") {
        Some(i + 2)
    } else {
        let trimmed = line.trim_start();
        trimmed.starts_with("- ").then(|| line.len() - trimmed.len() + 2)
    };
    if let Some(at) = split
        && AMBIGUOUS.contains(&&line[at..])
    {
        return format!("{}'{}'", &line[..at], &line[at..]);
    }
    line.to_string()
}

/// A run that stopped at a limit, as a diagnostic on the rule responsible.
pub fn run_error(model: &Model, e: &RunError) -> Diag {
    match e {
        RunError::EventLimit { limit, rule, sent, tick } => {
            let r = &model.rules[*rule as usize];
            Diag::error(
                Code::RunEventLimit,
                format!("the run passed {limit} events at tick {tick} and was stopped"),
                r.span,
                format!("this rule sent {sent} messengers"),
            )
            .with_help("bound the rule (an 'until', a guard, fewer copies), or raise the limit with --max-events")
        }
        RunError::Arithmetic { rule, what, span, tick } => {
            let r = &model.rules[*rule as usize];
            Diag::error(Code::RunArithmetic, format!("{what} at tick {tick}"), *span, (*what).to_string())
                .with_label(r.span, "in this rule")
                .with_help("guard the expression so that it stays in range")
        }
    }
}

fn commit_value(model: &Model, g: u16, v: i64) -> String {
    let ty = model.generals[g as usize].vars.first().map(|v| v.ty);
    model.show_value(v, ty)
}

/// Lists names as English: `A`, `A and B`, `A, B and C`.
pub fn and_list(names: &[String]) -> String {
    match names.len() {
        0 => String::new(),
        1 => names[0].clone(),
        n => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
    }
}

#[cfg(test)]
mod yaml_tests {
    /// Words YAML 1.1 reads as booleans are quoted where they are values, and left alone
    /// inside a block of text (a line of a multi-line string that ends in `: no` is text).
    #[test]
    fn ambiguous_words_are_quoted_as_values_only() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct R {
            answer: String,
            list: Vec<String>,
            text: String,
            after: String,
        }
        let r = R {
            answer: "no".into(),
            list: vec!["yes".into(), "maybe".into()],
            text: "a partition until tick 20: no\n  - on\nlast: off\n".into(),
            after: "off".into(),
        };
        let y = super::to_yaml(&r);
        assert!(y.contains("answer: 'no'"), "{y}");
        assert!(y.contains("- 'yes'"), "{y}");
        assert!(y.contains("after: 'off'"), "{y}");
        assert!(y.contains("until tick 20: no\n"), "{y}");
        let back: R = yaml_serde::from_str(&y).expect("parses");
        assert_eq!(back, r, "{y}");
    }
}
