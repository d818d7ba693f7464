//! The report of a sweep: a table, a terminal chart and an SVG chart.

use std::fmt::Write;

use serde::Serialize;

use super::{ScenarioInfo, percent_fixed};

/// Outcome probabilities for each value of a param.
#[derive(Debug, Clone, Serialize)]
pub struct SweepReport {
    pub herald: u32,
    pub scenario: ScenarioInfo,
    pub param: String,
    /// `exact` or `trials`.
    pub method: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trials: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The outcomes shown, in column order.
    pub outcomes: Vec<&'static str>,
    pub rows: Vec<SweepRow>,
}

/// One value of the param.
#[derive(Debug, Clone, Serialize)]
pub struct SweepRow {
    pub value: String,
    #[serde(skip)]
    pub x: f64,
    pub outcomes: Vec<Cell>,
}

/// One outcome's probability at one value.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub outcome: &'static str,
    pub probability: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<String>,
    /// 95% Wilson interval, for trials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
}

const BAR: usize = 40;
const SHADES: [char; 3] = ['█', '▓', '░'];

/// Renders a sweep as a table and a compact chart.
pub fn render(r: &SweepReport, color: bool) -> String {
    let p = super::text::Paint { on: color };
    let mut o = String::new();
    let title = r.scenario.title.clone().unwrap_or_else(|| r.scenario.file.clone());
    let _ = writeln!(o, "{}", p.bold(&title));
    let how = match r.trials {
        Some(n) => format!("{} trials per value, seed {}", super::trials::thousands(n), r.seed.unwrap_or(0)),
        None => "exact".to_string(),
    };
    let _ = writeln!(o, "{}", p.dim(&format!("{} · sweep of {} · {how}", r.scenario.file, r.param)));
    let _ = writeln!(o);
    let width = r.rows.iter().map(|x| x.value.len()).max().unwrap_or(1).max(r.param.len());
    let mut head = format!("  {:>width$}", r.param);
    for oc in &r.outcomes {
        let _ = write!(head, "  {oc:>12}");
    }
    let _ = writeln!(o, "{}", p.bold(&head));
    for row in &r.rows {
        let _ = write!(o, "  {:>width$}", row.value);
        for c in &row.outcomes {
            let _ = write!(o, "  {:>12}", percent_fixed(c.probability));
        }
        let exact: Vec<String> = row.outcomes.iter().filter_map(|c| c.exact.clone()).collect();
        if exact.len() == row.outcomes.len() && exact.iter().any(|e| e.contains('/')) {
            let _ = write!(o, "  {}", p.dim(&exact.join("  ")));
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o);
    let legend: Vec<String> = r.outcomes.iter().zip(SHADES).map(|(oc, s)| format!("{s} {oc}")).collect();
    let _ = writeln!(o, "  {:>width$}  {}", "", p.dim(&legend.join("   ")));
    for row in &r.rows {
        let mut bar = String::new();
        let mut used = 0;
        let mut acc = 0.0;
        for (c, shade) in row.outcomes.iter().zip(SHADES) {
            acc += c.probability;
            let upto = ((acc * BAR as f64).round() as usize).min(BAR);
            bar.extend(std::iter::repeat_n(shade, upto.saturating_sub(used)));
            used = used.max(upto);
        }
        let _ = writeln!(o, "  {:>width$}  {bar}", row.value);
    }
    o
}

/// Draws the sweep as an SVG line chart: the SVG document.
pub fn svg(r: &SweepReport) -> Result<String, String> {
    use plotters::prelude::*;
    let mut doc = String::new();
    let draw = |doc: &mut String| -> Result<(), Box<dyn std::error::Error>> {
        let root = SVGBackend::with_string(doc, (720, 440)).into_drawing_area();
        root.fill(&WHITE)?;
        let (lo, hi) = r.rows.iter().fold((f64::MAX, f64::MIN), |(a, b), row| (a.min(row.x), b.max(row.x)));
        let (lo, hi) = if lo < hi { (lo, hi) } else { (lo - 0.5, hi + 0.5) };
        let title = r.scenario.title.clone().unwrap_or_else(|| r.scenario.file.clone());
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(14)
            .x_label_area_size(36)
            .y_label_area_size(52)
            .build_cartesian_2d(lo..hi, 0f64..1f64)?;
        let whole = r.rows.iter().all(|row| row.x.fract() == 0.0);
        let percent = r.rows.iter().any(|row| row.value.ends_with('%'));
        let x_label = |v: &f64| {
            if percent {
                format!("{:.0}%", v * 100.0)
            } else if whole {
                format!("{v:.0}")
            } else {
                format!("{v}")
            }
        };
        chart
            .configure_mesh()
            .x_desc(r.param.as_str())
            .x_label_formatter(&x_label)
            .y_desc("probability")
            .y_label_formatter(&|v| format!("{:.0}%", v * 100.0))
            .draw()?;
        let colours = [RGBColor(46, 125, 50), RGBColor(198, 40, 40), RGBColor(120, 120, 120)];
        for (i, oc) in r.outcomes.iter().enumerate() {
            let colour = colours[i % colours.len()];
            let points: Vec<(f64, f64)> = r.rows.iter().map(|row| (row.x, row.outcomes[i].probability)).collect();
            chart
                .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))?
                .label(*oc)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2)));
            chart.draw_series(points.into_iter().map(|pt| Circle::new(pt, 3, colour.filled())))?;
        }
        chart.configure_series_labels().background_style(WHITE.mix(0.8)).border_style(BLACK).draw()?;
        root.present()?;
        Ok(())
    };
    draw(&mut doc).map_err(|e| e.to_string())?;
    Ok(doc)
}
