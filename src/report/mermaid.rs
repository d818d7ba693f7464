//! The Mermaid picture of a run: a sequence diagram with one participant per general,
//! each messenger an arrow (delivered `->>`, captured or lost `--x`, still on the road
//! `--)`), crashes and decisions as notes, drawn from the same [`RunReport`] as the text.
//!
//! Mermaid's sequence grammar ends a message at `#`, `;` or a line break, and its
//! renderer reads `<`, `>` and `&` as HTML: all of them are written as Mermaid entity
//! codes (`#35;` for `#`), which it turns back into the characters when it draws.

use std::collections::HashMap;
use std::fmt::Write;

use super::analyze::AnalyzeReport;
use super::explore::ExploreReport;
use super::{GeneralReport, RunReport, percent_fixed};
use crate::check::Model;
use crate::explain::{Cause, Why, causes};

/// Words that open a statement in a Mermaid sequence diagram: a participant whose name
/// starts with one (in any case) is drawn under an alias instead of its name.
pub const MERMAID_WORDS: &[&str] = &[
    "accdescr",
    "acctitle",
    "activate",
    "actor",
    "alt",
    "and",
    "autonumber",
    "box",
    "break",
    "create",
    "critical",
    "deactivate",
    "destroy",
    "details",
    "else",
    "end",
    "left",
    "link",
    "loop",
    "note",
    "off",
    "opt",
    "option",
    "over",
    "par",
    "participant",
    "properties",
    "rect",
    "right",
    "sequencediagram",
    "title",
];

/// Text made safe inside a Mermaid message, note, title or alias.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' => out.push_str("#35;"),
            ';' => out.push_str("#59;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            // `%%` opens a comment.
            '%' if chars.peek() == Some(&'%') => out.push_str("#37;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// One run as a Mermaid sequence diagram.
pub fn render_run(r: &RunReport, model: &Model) -> String {
    let mut o = String::new();
    let seed = r.seed.map(|s| format!(", seed {s}")).unwrap_or_default();
    let _ = writeln!(o, "%% herald run: {}{seed}", one_line(&r.scenario.file));
    diagram(&mut o, r, model);
    o
}

/// The shortest run to each possible outcome of an exploration, one diagram each.
pub fn render_explore(r: &ExploreReport, model: &Model) -> String {
    let mut o = String::new();
    for (i, x) in r.possible.iter().enumerate() {
        if i > 0 {
            o.push('\n');
        }
        let caps = if x.captures == 1 { "1 capture".to_string() } else { format!("{} captures", x.captures) };
        let _ = writeln!(
            o,
            "%% herald explore: {}: {}, the shortest run ({caps}, over by tick {})",
            one_line(&r.scenario.file),
            x.outcome,
            x.ticks
        );
        diagram(&mut o, &x.run, model);
    }
    if r.possible.is_empty() {
        let _ = writeln!(o, "%% herald explore: {}: no outcome is possible", one_line(&r.scenario.file));
    }
    o
}

/// The most likely run to each outcome of an exact analysis, one diagram each.
pub fn render_analyze(r: &AnalyzeReport, model: &Model) -> String {
    let mut o = String::new();
    for (i, m) in r.most_likely.iter().enumerate() {
        if i > 0 {
            o.push('\n');
        }
        let exact = m.exact.as_ref().map(|f| format!(" = {f}")).unwrap_or_default();
        let _ = writeln!(
            o,
            "%% herald analyze: {}: {}, the most likely run (probability {}{exact})",
            one_line(&r.scenario.file),
            m.outcome,
            percent_fixed(m.probability)
        );
        diagram(&mut o, &m.run, model);
    }
    o
}

/// A Mermaid comment runs to the end of its line.
fn one_line(s: &str) -> String {
    s.replace(['\n', '\r'], " ")
}

/// The participant ids: a general's name where Mermaid reads it as a name, else an alias.
fn participant_ids(generals: &[String]) -> Vec<(String, bool)> {
    let taken = |id: &str| generals.iter().any(|g| g == id);
    generals
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let lower = g.to_ascii_lowercase();
            let plain = g.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !g.is_empty()
                && !MERMAID_WORDS.iter().any(|w| lower.starts_with(w));
            if plain {
                return (g.clone(), false);
            }
            let mut id = format!("g{}", i + 1);
            while taken(&id) {
                id.push('_');
            }
            (id, true)
        })
        .collect()
}

fn diagram(o: &mut String, r: &RunReport, model: &Model) {
    let _ = writeln!(o, "sequenceDiagram");
    let title = r.scenario.title.clone().unwrap_or_else(|| r.scenario.file.clone());
    let seed = r.seed.map(|s| format!(" · seed {s}")).unwrap_or_default();
    let _ = writeln!(o, "    title {}", escape(&format!("{title}{seed}")));
    let ids = participant_ids(&r.generals);
    let id_of: HashMap<&str, &str> =
        r.generals.iter().map(String::as_str).zip(ids.iter().map(|x| x.0.as_str())).collect();
    let id = |name: &Option<String>| -> String {
        let n = name.as_deref().unwrap_or("");
        id_of.get(n).map(|s| s.to_string()).unwrap_or_else(|| n.to_string())
    };
    for (g, (pid, aliased)) in r.generals.iter().zip(&ids) {
        let label = r.decisions.iter().find(|d| &d.general == g).and_then(|d| d.label.clone());
        let shown = match label {
            Some(l) => format!("{g} ({l})"),
            None => g.clone(),
        };
        if *aliased || shown != *g {
            let _ = writeln!(o, "    participant {pid} as {}", escape(&shown));
        } else {
            let _ = writeln!(o, "    participant {pid}");
        }
    }
    // When each messenger was sent: (channel, number) -> tick.
    let mut sent: HashMap<(&str, u32), u32> = HashMap::new();
    for e in &r.timeline {
        if e.event == "send"
            && let (Some(c), Some(n)) = (&e.channel, e.messenger)
        {
            sent.insert((c.as_str(), n), e.tick);
        }
    }
    let line = |l: Option<u32>| l.map(|l| format!(" (line {l})")).unwrap_or_default();
    for e in &r.timeline {
        let msg = || {
            let num = e.messenger.map(|n| format!(" #{n}")).unwrap_or_default();
            let from = e.channel.as_deref().zip(e.messenger).and_then(|k| sent.get(&k).copied());
            let ticks = match from {
                Some(s) => format!("ticks {s} → {}", e.tick),
                None => format!("tick {}", e.tick),
            };
            format!("{}{num} · {ticks}", e.message.as_deref().unwrap_or(""))
        };
        match e.event {
            "deliver" => {
                let dup = if e.duplicate { " (duplicate)" } else { "" };
                let _ = writeln!(o, "    {}->>{}: {}", id(&e.from), id(&e.to), escape(&format!("{}{dup}", msg())));
            }
            "capture" => {
                let by = match e.by.as_deref() {
                    Some("partition") => format!("captured at the partition{}", line(e.line)),
                    Some(rule) => format!("captured by '{rule}'{}", line(e.line)),
                    None => "captured".to_string(),
                };
                let _ = writeln!(o, "    {}--x{}: {}", id(&e.from), id(&e.to), escape(&format!("{} · {by}", msg())));
            }
            "lost" => {
                let dup = if e.duplicate { " (duplicate)" } else { "" };
                let why = e.by.as_deref().unwrap_or("lost");
                let text = format!("{}{dup} · lost: {why}", msg());
                let _ = writeln!(o, "    {}--x{}: {}", id(&e.from), id(&e.to), escape(&text));
            }
            "crash" => {
                let by = e.by.as_deref().map(|b| format!(" by '{b}'{}", line(e.line))).unwrap_or_default();
                let text = format!("tick {} · ✗ crashes{by}", e.tick);
                let _ = writeln!(o, "    Note over {}: {}", id(&e.general), escape(&text));
            }
            "recover" => {
                let by = e.by.as_deref().map(|b| format!(" by '{b}'{}", line(e.line))).unwrap_or_default();
                let text = format!("tick {} · recovers{by}", e.tick);
                let _ = writeln!(o, "    Note over {}: {}", id(&e.general), escape(&text));
            }
            "decide" => {
                let g = e.general.as_deref().unwrap_or("");
                let Some(d) = r.decisions.iter().find(|d| d.general == g) else { continue };
                let text = format!("tick {} · {}", e.tick, reason(d, model));
                let _ = writeln!(o, "    Note over {}: {}", id(&e.general), escape(&text));
            }
            _ => {}
        }
    }
    for f in &r.end.in_flight {
        let text = format!(
            "{} #{} · sent at tick {}, due at {} · still on the road when the run ended",
            f.message, f.messenger, f.sent, f.arrives
        );
        let _ = writeln!(o, "    {}--){}: {}", id(&Some(f.from.clone())), id(&Some(f.to.clone())), escape(&text));
    }
    for d in r.decisions.iter().filter(|d| d.decision == "undecided") {
        let text = format!("never decided · {}", reason(d, model));
        let _ = writeln!(o, "    Note over {}: {}", id(&Some(d.general.clone())), escape(&text));
    }
    let over = match (ids.first(), ids.last()) {
        (Some(a), Some(b)) if a.0 != b.0 => format!("{},{}", a.0, b.0),
        (Some(a), _) => a.0.clone(),
        _ => return,
    };
    let _ = writeln!(o, "    Note over {over}: {}", escape(&r.outcome.summary));
}

/// A decision in one line: `waits: no ack from B — captured by 'lose loss' (line 23)`.
pub fn reason(d: &GeneralReport, model: &Model) -> String {
    let verb = match d.decision {
        "attack" => "attacks".to_string(),
        "wait" => "waits".to_string(),
        "commit" => format!("commits {}", d.value.as_deref().unwrap_or("")),
        "crashed" => "crashed".to_string(),
        _ => "blocked".to_string(),
    };
    let Some(rule) = &d.rule else {
        // Undecided or crashed: the causes say why.
        return with_causes(verb, &d.why, model, "");
    };
    if !rule.text.starts_with("decide ") {
        return format!("{verb} in '{}' (line {})", rule.text, rule.line);
    }
    let cond = d.why.first().and_then(|w| match w.because.as_slice() {
        [c] => condition(&c.says).map(|(text, value)| (c, text, value)),
        _ => None,
    });
    match cond {
        Some((c, text, value)) => {
            let phrase = phrase(text, value);
            if value == "true" {
                format!("{verb}: {phrase}")
            } else {
                with_causes(format!("{verb}: {phrase}"), std::slice::from_ref(c), model, text)
            }
        }
        None => format!("{verb} by '{}' (line {})", rule.text, rule.line),
    }
}

/// `` `received ack from B` is false `` as (`received ack from B`, `false`).
fn condition(says: &str) -> Option<(&str, &str)> {
    let rest = says.strip_prefix('`')?;
    let (text, value) = rest.rsplit_once("` is ")?;
    Some((text, value))
}

/// A condition and its value in a few words: `no ack from B`, `received plan from A`.
fn phrase(text: &str, value: &str) -> String {
    let simple = !text.contains(" or ") && !text.contains(" and ") && !text.contains(" not ");
    let truth = value == "true";
    if simple && let Some(rest) = text.strip_prefix("received ") {
        return if truth { format!("received {rest}") } else { format!("no {rest}") };
    }
    if simple && let Some(rest) = text.strip_prefix("sent ") {
        return if truth { format!("sent {rest}") } else { format!("never sent {rest}") };
    }
    format!("{text} is {value}")
}

/// Appends ` — ` and what failed (captured, crashed, ...), at most three of them.
fn with_causes(head: String, whys: &[Why], model: &Model, said: &str) -> String {
    let failed: Vec<Cause> = causes(whys).into_iter().filter(Cause::is_failure).collect();
    if failed.is_empty() {
        return head;
    }
    let kind_of = |c: &Cause| match c {
        Cause::Captured { kind, .. }
        | Cause::Partitioned { kind, .. }
        | Cause::ReceiverDown { kind, .. }
        | Cause::InFlight { kind, .. }
        | Cause::Late { kind, .. }
        | Cause::Delivered { kind, .. } => Some(*kind),
        Cause::Crashed { .. } => None,
    };
    // The kind is left out when the phrase already names the only one.
    let first = kind_of(&failed[0]);
    let omit =
        first.is_some_and(|k| failed.iter().all(|c| kind_of(c) == Some(k)) && said.contains(&model.show_kind(k)));
    let mut parts: Vec<String> = Vec::new();
    for c in &failed {
        let what = match kind_of(c) {
            Some(k) if !omit => format!("{} ", model.show_kind(k)),
            _ => String::new(),
        };
        let s = match c {
            Cause::Captured { chan, loss, .. } => {
                let l = &model.channels[*chan as usize].losses[*loss as usize];
                format!("{what}captured by '{}' (line {})", l.text, l.line)
            }
            Cause::Partitioned { partition, .. } => {
                format!("{what}captured at the partition (line {})", model.partitions[*partition as usize].line)
            }
            Cause::ReceiverDown { .. } => format!("{what}reached a crashed general"),
            Cause::InFlight { .. } => format!("{what}still on the road"),
            Cause::Late { .. } => format!("{what}arrived too late"),
            Cause::Crashed { general } => format!("{} crashed", model.name(*general)),
            Cause::Delivered { .. } => continue,
        };
        if !parts.contains(&s) {
            parts.push(s);
        }
    }
    let more = parts.len().saturating_sub(3);
    parts.truncate(3);
    let mut tail = parts.join("; ");
    if more > 0 {
        tail.push_str(&format!("; and {more} more"));
    }
    format!("{head} — {tail}")
}
