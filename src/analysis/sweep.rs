//! Sweeps: outcome probabilities as one param varies.

use crate::diag::{Code, Diag, Span};
use crate::syntax::ast::{ExprKind, ParamValue, ProbLit};
use crate::syntax::parser::parse_param_value;

/// Most values one sweep visits.
pub const MAX_VALUES: usize = 1000;

/// The values a param takes in a sweep, as they are written on the command line.
#[derive(Debug, Clone)]
pub struct Range {
    pub name: String,
    pub values: Vec<Value>,
}

/// One value of a swept param.
#[derive(Debug, Clone)]
pub struct Value {
    /// As a `--param` value: `3`, `1/4` is written `25%`.
    pub text: String,
    /// For the chart's axis.
    pub x: f64,
    /// As reports show it: `3`, `25%`.
    pub label: String,
}

fn bad(msg: String, help: &str) -> Diag {
    let mut d = Diag::error(Code::SweepBadRange, msg, Span::default(), "");
    d.labels.clear();
    d.with_help(help.to_string())
}

enum Num {
    Int(i64),
    Prob(ProbLit),
}

fn number(text: &str) -> Option<Num> {
    match parse_param_value(text).ok()? {
        ParamValue::Prob(p) => Some(Num::Prob(p.value)),
        ParamValue::Expr(e) => match e.kind {
            ExprKind::Int(v) => Some(Num::Int(v)),
            ExprKind::Neg(inner) => match inner.kind {
                ExprKind::Int(v) => Some(Num::Int(-v)),
                _ => None,
            },
            ExprKind::Prob(p) => Some(Num::Prob(p)),
            _ => None,
        },
    }
}

/// Parses `NAME=A..B[:STEP]`: whole numbers (`copies=1..8`, `depth=2..10:2`) or
/// probabilities (`loss=10%..90%:10%`, step 1/10 of the range by default).
pub fn parse_range(spec: &str) -> Result<Range, Diag> {
    let help = "write NAME=A..B or NAME=A..B:STEP, e.g. copies=1..8 or loss=10%..90%:10%";
    let Some((name, rest)) = spec.split_once('=') else {
        return Err(bad(format!("--param {spec}: expected NAME=A..B[:STEP]"), help));
    };
    let (range, step) = match rest.split_once(':') {
        Some((r, s)) => (r, Some(s)),
        None => (rest, None),
    };
    let Some((a, b)) = range.split_once("..") else {
        return Err(bad(format!("--param {spec}: a sweep needs a range A..B"), help));
    };
    let name = name.trim().to_string();
    let values = match (number(a.trim()), number(b.trim())) {
        (Some(Num::Int(a)), Some(Num::Int(b))) => {
            let step = match step.map(|s| number(s.trim())) {
                None => 1,
                Some(Some(Num::Int(s))) if s > 0 => s,
                _ => return Err(bad(format!("--param {spec}: the step must be a whole number above 0"), help)),
            };
            if a > b {
                return Err(bad(format!("--param {spec}: the range runs backwards"), help));
            }
            let count = ((b - a) / step + 1) as usize;
            if count > MAX_VALUES {
                return Err(bad(format!("--param {spec}: {count} values; a sweep visits at most {MAX_VALUES}"), help));
            }
            (0..count as i64)
                .map(|k| a + k * step)
                .map(|v| Value { text: v.to_string(), x: v as f64, label: v.to_string() })
                .collect()
        }
        (Some(Num::Prob(a)), Some(Num::Prob(b))) => {
            // Exact: a + k·step for k = 0, 1, ... while it does not pass b; in a common denominator.
            let (an, ad, bn, bd) = (a.num, a.den, b.num, b.den);
            let (sn, sd) = match step.map(|s| number(s.trim())) {
                None => (bn * ad - an * bd, ad * bd * 10),
                Some(Some(Num::Prob(s))) if s.num > 0 => (s.num, s.den),
                _ => return Err(bad(format!("--param {spec}: the step must be a probability above 0 (10%)"), help)),
            };
            if an * bd > bn * ad {
                return Err(bad(format!("--param {spec}: the range runs backwards"), help));
            }
            if sn == 0 {
                return Err(bad(format!("--param {spec}: the range is empty"), help));
            }
            let den = ad * bd * sd;
            let (start, end, stride) = (an * bd * sd, bn * ad * sd, sn * ad * bd);
            let count = ((end - start) / stride + 1) as usize;
            if count > MAX_VALUES {
                return Err(bad(format!("--param {spec}: {count} values; a sweep visits at most {MAX_VALUES}"), help));
            }
            (0..count as u128)
                .map(|k| {
                    let num = start + k * stride;
                    let g = gcd(num, den).max(1);
                    let (n, d) = (num / g, den / g);
                    let x = n as f64 / d as f64;
                    Value { text: format!("{n} in {d}"), x, label: crate::percent::percent(x) }
                })
                .collect()
        }
        _ => {
            return Err(bad(
                format!("--param {spec}: the bounds must both be whole numbers or both probabilities"),
                help,
            ));
        }
    };
    Ok(Range { name, values })
}

fn gcd(a: u128, b: u128) -> u128 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Whether a `--param` value is a sweep (`A..B`).
pub fn is_range(spec: &str) -> bool {
    spec.split_once('=').is_some_and(|(_, v)| v.contains(".."))
}
