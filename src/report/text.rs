//! The text report of a run: for people, with colour only when asked.

use std::fmt::Write;

use owo_colors::{OwoColorize, Style};

use super::{Event, RunReport};
use crate::explain::Why;
use crate::syntax::ast::Outcome;

/// Paints text when colour is on.
pub(crate) struct Paint {
    pub on: bool,
}

impl Paint {
    pub(crate) fn with(&self, s: &str, style: Style) -> String {
        if self.on { s.style(style).to_string() } else { s.to_string() }
    }
    pub(crate) fn bold(&self, s: &str) -> String {
        self.with(s, Style::new().bold())
    }
    pub(crate) fn dim(&self, s: &str) -> String {
        self.with(s, Style::new().dimmed())
    }
    pub(crate) fn red(&self, s: &str) -> String {
        self.with(s, Style::new().red().bold())
    }
    pub(crate) fn green(&self, s: &str) -> String {
        self.with(s, Style::new().green().bold())
    }
    pub(crate) fn yellow(&self, s: &str) -> String {
        self.with(s, Style::new().yellow().bold())
    }
}

/// Renders a run report as text.
pub fn render_run(r: &RunReport, color: bool) -> String {
    let p = Paint { on: color };
    let mut o = String::new();
    let title = r.scenario.title.clone().unwrap_or_else(|| r.scenario.file.clone());
    let _ = writeln!(o, "{}", p.bold(&title));
    let seed = r.seed.map(|s| format!(" · seed {s}")).unwrap_or_default();
    let _ = writeln!(o, "{}", p.dim(&format!("{}{seed}", r.scenario.file)));
    if let Some(a) = &r.scenario.about {
        let _ = writeln!(o, "{a}");
    }
    if !r.params.is_empty() {
        let ps: Vec<String> = r.params.iter().map(|x| format!("{} = {}", x.name, x.value)).collect();
        let _ = writeln!(o, "{}", p.dim(&format!("params: {}", ps.join(", "))));
    }
    let _ = writeln!(o);
    o.push_str(&render_run_body(r, color, 0));
    o
}

/// The timeline, the explanations and the outcome of a run, indented by `indent` spaces.
pub fn render_run_body(r: &RunReport, color: bool, indent: usize) -> String {
    let p = Paint { on: color };
    let mut o = String::new();
    let _ = writeln!(o, "{}", p.bold("Timeline"));
    let width = r.timeline.iter().map(|e| e.tick.to_string().len()).max().unwrap_or(1);
    let mut last_tick = None;
    for e in &r.timeline {
        let tick = if last_tick == Some(e.tick) { " ".repeat(width + 5) } else { format!("tick {:>width$}", e.tick) };
        last_tick = Some(e.tick);
        let _ = writeln!(o, "  {}  {}", p.dim(&tick), event_line(e, &p));
    }
    if r.timeline.is_empty() {
        let _ = writeln!(o, "  (nothing happened)");
    }
    let end = match r.end.reason {
        "all-decided" => "every general had decided or crashed",
        "quiet" => "nothing was left to happen",
        _ => "the horizon was reached",
    };
    let _ = writeln!(o, "  {}", p.dim(&format!("the run ended at tick {}: {end}", r.end.tick)));
    for f in &r.end.in_flight {
        let _ = writeln!(
            o,
            "  {}",
            p.dim(&format!(
                "still on the road: {} from {} to {} (messenger #{} on {}, sent at {}, due at {})",
                f.message, f.from, f.to, f.messenger, f.channel, f.sent, f.arrives
            ))
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "{}", p.bold("Why"));
    for d in &r.decisions {
        let what = match d.decision {
            "attack" => p.green("attacked"),
            "wait" => p.yellow("waited"),
            "commit" => p.green(&format!("committed {}", d.value.clone().unwrap_or_default())),
            "crashed" => p.red("crashed"),
            _ => p.red("undecided"),
        };
        let _ = writeln!(o, "  {} {what}", p.bold(&d.general));
        for w in &d.why {
            tree(&mut o, w, 2);
        }
        let k = &d.knowledge;
        let mut via: Vec<String> = k
            .chain
            .iter()
            .map(|l| format!("{} #{} {} -> {} arrived at {}", l.message, l.messenger, l.from, l.to, l.arrived))
            .collect();
        if via.len() > 5 {
            let n = via.len();
            via.splice(2..n - 2, [format!("… ({n} messengers in all)")]);
        }
        let via = if via.is_empty() { String::new() } else { format!(": {}", via.join(", ")) };
        let _ = writeln!(o, "    {} {} (depth {}){}", p.bold("knows:"), k.says, k.depth, p.dim(&via));
    }
    let _ = writeln!(o);
    // The summary opens with the outcome ("Defeat: ..."): colour that word.
    let (head, rest) = r.outcome.summary.split_once(':').unwrap_or((r.outcome.summary.as_str(), ""));
    let verdict = match r.outcome.result {
        Outcome::Victory | Outcome::Agreement => p.green(head),
        Outcome::NoAttack | Outcome::Undecided => p.yellow(head),
        Outcome::Defeat | Outcome::Disagreement => p.red(head),
    };
    let colon = if rest.is_empty() { "" } else { ":" };
    let _ = writeln!(o, "{} {verdict}{colon}{rest}", p.bold("Outcome:"));
    if let Some(w) = &r.what_if {
        let _ = writeln!(o);
        let _ = writeln!(o, "{}", p.bold("What if"));
        for c in &w.changes {
            let _ = writeln!(o, "  {}", c.says);
        }
        if w.changes.is_empty() && w.tried > 0 {
            let n = w.tried;
            let what = match (n, &w.untried) {
                (1, None) => "the one captured messenger".to_string(),
                (_, None) => "any one of the captured messengers".to_string(),
                (1, Some(_)) => "the one captured messenger tried".to_string(),
                (n, Some(_)) => format!("any one of the {n} captured messengers tried"),
            };
            let _ = writeln!(o, "  had {what} arrived, the outcome would have been the same");
        }
        if let Some(u) = &w.untried {
            let more = if w.tried == 0 { "" } else { " more" };
            let _ = writeln!(
                o,
                "  {}",
                p.dim(&format!(
                    "not tried: {}{more} captured messenger{}: {}",
                    super::trials::thousands(u.count as u64),
                    if u.count == 1 { "" } else { "s" },
                    u.why
                ))
            );
        }
    }
    if indent == 0 {
        return o;
    }
    let pad = " ".repeat(indent);
    o.lines().map(|l| if l.is_empty() { "\n".to_string() } else { format!("{pad}{l}\n") }).collect()
}

fn tree(o: &mut String, w: &Why, depth: usize) {
    let indent = "  ".repeat(depth);
    let bullet = if depth == 2 { "" } else { "└ " };
    let _ = writeln!(o, "{indent}{bullet}{}", w.says);
    for c in &w.because {
        tree(o, c, depth + 1);
    }
}

fn event_line(e: &Event, p: &Paint) -> String {
    let or = |x: &Option<String>| x.clone().unwrap_or_default();
    let num = e.messenger.map(|n| format!("#{n}")).unwrap_or_default();
    let dup = if e.duplicate { " (duplicate)" } else { "" };
    let line = e.line.map(|l| format!(", line {l}")).unwrap_or_default();
    match e.event {
        "send" => format!(
            "{} sends {} to {}{}",
            or(&e.from),
            or(&e.message),
            or(&e.to),
            p.dim(&format!(
                "   {num} on {}, due at {}, by '{}'{line}",
                or(&e.channel),
                e.arrives.unwrap_or(0),
                or(&e.by)
            ))
        ),
        "deliver" => format!(
            "{} receives {} from {}{dup}{}",
            or(&e.to),
            or(&e.message),
            or(&e.from),
            p.dim(&format!("   {num} on {}", or(&e.channel)))
        ),
        "capture" => {
            let roll = match (e.roll, &e.probability) {
                (Some(r), Some(pr)) => format!(": rolled {r:.4}, below {pr}"),
                _ => String::new(),
            };
            let by = if or(&e.by) == "partition" {
                format!("the partition{line}")
            } else {
                format!("'{}'{line}", or(&e.by))
            };
            format!(
                "{} {} from {} to {} {}",
                p.red("✗ captured:"),
                or(&e.message),
                or(&e.from),
                or(&e.to),
                p.dim(&format!("  {num} on {}, by {by}{roll}", or(&e.channel)))
            )
        }
        "lost" => format!(
            "{} {} from {} {}{dup}",
            p.red("✗ lost:"),
            or(&e.message),
            or(&e.from),
            p.dim(&format!("  {num}: {}", or(&e.by)))
        ),
        "decide" => {
            let d = or(&e.decision);
            let shown = match d.as_str() {
                "attack" => p.green("ATTACK"),
                "wait" => p.yellow("WAIT"),
                other => p.green(&other.to_uppercase()),
            };
            format!("{} decides {shown}{}", or(&e.general), p.dim(&format!("   by '{}'{line}", or(&e.by))))
        }
        "crash" => format!("{} {}{}", or(&e.general), p.red("crashes"), p.dim(&format!("   '{}'{line}", or(&e.by)))),
        "recover" => {
            format!("{} {}{}", or(&e.general), p.green("recovers"), p.dim(&format!("   '{}'{line}", or(&e.by))))
        }
        other => other.to_string(),
    }
}
