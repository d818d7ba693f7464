//! A run's timeline: sends, deliveries, captures, crashes and decisions, in the order they happened.

use super::{Event, commit_value};
use crate::explain::Explainer;
use crate::sim::{Decided, Fate, LogEntry, Sim};

pub(super) fn timeline(sim: &Sim, ex: &Explainer) -> Vec<Event> {
    let model = sim.model;
    // Everything is shown in the order it happened, and a capture at the tick the messenger
    // would have arrived, among that tick's deliveries in send order. Sort keys: (tick,
    // phase, messenger, position): phase 0 crashes, 1 deliveries (with what each delivery
    // caused), 2 the rest of the tick.
    let mut keyed: Vec<((u32, u8, u32, usize), Event)> = Vec::new();
    let mut ctx: Option<u32> = None;
    let msgr_event = |m: u32, tick: u32, event: &'static str| {
        let x = &sim.state().messengers[m as usize];
        Event {
            tick,
            event,
            from: Some(model.name(x.from).to_string()),
            to: Some(model.name(x.to).to_string()),
            message: Some(model.show_msg(&x.msg)),
            messenger: Some(x.number),
            channel: Some(model.show_chan(x.chan)),
            ..Event::default()
        }
    };
    for (i, e) in sim.state().log.iter().enumerate() {
        let i = i + 1;
        match *e {
            LogEntry::Deliver { messenger, .. } | LogEntry::ReceiverDown { messenger, .. } => ctx = Some(messenger),
            LogEntry::Fire { messenger, .. } => ctx = (messenger != crate::sim::NONE).then_some(messenger),
            _ => {}
        }
        let key = |tick: u32| match ctx {
            Some(m) => (tick, 1u8, m, i),
            None => (tick, 2u8, 0, i),
        };
        match *e {
            LogEntry::Crash { general, tick, rule } => {
                let by = if rule == crate::sim::NONE {
                    model
                        .crashes
                        .iter()
                        .find(|c| c.general == general && c.at == tick && !c.recover)
                        .map(|c| (format!("crash {} at {}", model.name(general), c.at), c.line))
                } else if let Some(a) = crate::sim::crash_any_of(rule, model) {
                    let c = &model.crash_any[a];
                    Some((c.text.clone(), c.line))
                } else {
                    let r = &model.rules[rule as usize];
                    Some((r.text.clone(), r.line))
                };
                let scheduled = rule == crate::sim::NONE || crate::sim::crash_any_of(rule, model).is_some();
                let k = if scheduled { (tick, 0, 0, i) } else { key(tick) };
                keyed.push((
                    k,
                    Event {
                        tick,
                        event: "crash",
                        general: Some(model.name(general).to_string()),
                        by: by.as_ref().map(|b| b.0.clone()),
                        line: by.map(|b| b.1),
                        ..Event::default()
                    },
                ));
            }
            LogEntry::Recover { general, tick } => {
                let line =
                    model.crashes.iter().find(|c| c.general == general && c.at == tick && c.recover).map(|c| c.line);
                keyed.push((
                    (tick, 0, 0, i),
                    Event {
                        tick,
                        event: "recover",
                        general: Some(model.name(general).to_string()),
                        by: Some(format!("recover {} at {tick}", model.name(general))),
                        line,
                        ..Event::default()
                    },
                ));
            }
            LogEntry::Deliver { messenger, tick, duplicate } => {
                let mut ev = msgr_event(messenger, tick, "deliver");
                ev.duplicate = duplicate;
                keyed.push((key(tick), ev));
            }
            LogEntry::ReceiverDown { messenger, tick, duplicate } => {
                let mut ev = msgr_event(messenger, tick, "lost");
                ev.duplicate = duplicate;
                ev.by = Some(format!("{} had crashed", model.name(sim.state().messengers[messenger as usize].to)));
                keyed.push((key(tick), ev));
            }
            LogEntry::Send { messenger } => {
                let x = &sim.state().messengers[messenger as usize];
                let mut ev = msgr_event(messenger, x.sent, "send");
                ev.arrives = Some(x.arrives);
                let r = &model.rules[x.rule as usize];
                ev.by = Some(r.text.clone());
                ev.line = Some(r.line);
                keyed.push((key(x.sent), ev));
                match x.fate {
                    Fate::Captured { loss, draw } => {
                        let chan = &model.channels[x.chan as usize];
                        let l = &chan.losses[loss as usize];
                        let mut cap = msgr_event(messenger, x.arrives, "capture");
                        cap.by = Some(l.text.clone());
                        cap.line = Some(l.line);
                        if let (Some(d), crate::check::LossKind::Chance { p, .. }) = (draw, &l.kind) {
                            cap.roll = Some(crate::explain::roll(d));
                            cap.probability = Some(p.percent());
                        }
                        keyed.push(((x.arrives, 1, messenger, 0), cap));
                    }
                    Fate::Partitioned { partition } => {
                        let p = &model.partitions[partition as usize];
                        let mut cap = msgr_event(messenger, x.arrives, "capture");
                        cap.by = Some("partition".to_string());
                        cap.line = Some(p.line);
                        keyed.push(((x.arrives, 1, messenger, 0), cap));
                    }
                    _ => {}
                }
            }
            LogEntry::Decide { general } => {
                let d = sim.state().decisions[general as usize].expect("a logged decision exists");
                let r = &model.rules[d.rule as usize];
                let decision = match d.what {
                    Decided::Attack => "attack".to_string(),
                    Decided::Wait => "wait".to_string(),
                    Decided::Commit(v) => format!("commit {}", commit_value(model, general, v)),
                };
                keyed.push((
                    key(d.tick),
                    Event {
                        tick: d.tick,
                        event: "decide",
                        general: Some(model.name(general).to_string()),
                        decision: Some(decision),
                        by: Some(r.text.clone()),
                        line: Some(r.line),
                        ..Event::default()
                    },
                ));
            }
            LogEntry::Fire { .. } => {}
        }
    }
    // Captures due after the end of the run are not shown: the messenger was still on its way.
    let end = sim.state().now;
    keyed.retain(|(k, e)| !(e.event == "capture" && k.0 > end));
    keyed.sort_by_key(|(k, _)| *k);
    let _ = ex;
    keyed.into_iter().map(|(_, e)| e).collect()
}
