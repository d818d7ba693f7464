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
            // In i128: b - a may not fit an i64 (-9223372036854775807..9223372036854775807).
            let count = (b as i128 - a as i128) / step as i128 + 1;
            if count > MAX_VALUES as i128 {
                return Err(bad(format!("--param {spec}: {count} values; a sweep visits at most {MAX_VALUES}"), help));
            }
            (0..count as i64)
                .map(|k| a + k * step)
                .map(|v| Value { text: v.to_string(), x: v as f64, label: v.to_string() })
                .collect()
        }
        (Some(Num::Prob(a)), Some(Num::Prob(b))) => {
            let a = probability(a).map_err(|why| bad(format!("--param {spec}: {why}"), help))?;
            let b = probability(b).map_err(|why| bad(format!("--param {spec}: {why}"), help))?;
            let too_fine = || bad(format!("--param {spec}: these fractions are too fine to sweep exactly"), help);
            // Exact, in a common denominator: a + k·step for k = 0, 1, ... while it does not pass b.
            let ab = lcm(a.1, b.1).ok_or_else(too_fine)?;
            let (an, bn) = (a.0 * (ab / a.1), b.0 * (ab / b.1)); // at most ab: a, b <= 1
            if an > bn {
                return Err(bad(format!("--param {spec}: the range runs backwards"), help));
            }
            let step = match step.map(|s| number(s.trim())) {
                // A tenth of the range.
                None => (bn - an, ab.checked_mul(10).ok_or_else(too_fine)?),
                Some(Some(Num::Prob(s))) if s.num > 0 && s.den > 0 => (s.num, s.den),
                _ => return Err(bad(format!("--param {spec}: the step must be a probability above 0 (10%)"), help)),
            };
            // A one-point range (50%..50%) is that one value, as 1..1 is: its default
            // step, a tenth of nothing, is 0; any step visits only A.
            let step = if step.0 == 0 { (1, 1) } else { reduce(step) };
            let den = lcm(ab, step.1).ok_or_else(too_fine)?;
            let (start, end) = (an * (den / ab), bn * (den / ab)); // at most den
            let stride = step.0.checked_mul(den / step.1).ok_or_else(too_fine)?;
            // Compared before any cast: a count past usize must not wrap to a small one.
            let count = (end - start) / stride + 1;
            if count > MAX_VALUES as u128 {
                return Err(bad(format!("--param {spec}: {count} values; a sweep visits at most {MAX_VALUES}"), help));
            }
            (0..count)
                .map(|k| {
                    let (n, d) = reduce((start + k * stride, den));
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

fn lcm(a: u128, b: u128) -> Option<u128> {
    (a / gcd(a, b)).checked_mul(b)
}

/// `n/d` in lowest terms (`d` above 0).
fn reduce((n, d): (u128, u128)) -> (u128, u128) {
    let g = gcd(n, d).max(1);
    (n / g, d / g)
}

/// A bound of a range as a fraction in lowest terms, if it is a probability.
fn probability(p: ProbLit) -> Result<(u128, u128), &'static str> {
    if p.den == 0 {
        Err("a probability cannot divide by zero")
    } else if p.num > p.den {
        Err("a probability must be between 0% and 100%")
    } else {
        Ok(reduce((p.num, p.den)))
    }
}

/// Whether a `--param` value is a sweep (`A..B`).
pub fn is_range(spec: &str) -> bool {
    spec.split_once('=').is_some_and(|(_, v)| v.contains(".."))
}
