//! Live progress of long commands: the one output shown while a command works, not
//! returned with its [`Output`](super::Output). [`Bars`] shows it with indicatif.

#[cfg(feature = "terminal")]
use std::sync::Mutex;
#[cfg(feature = "terminal")]
use std::time::Duration;

#[cfg(feature = "terminal")]
use indicatif::{ProgressBar, ProgressStyle};

/// Where a long computation says how far it is. Called from worker threads.
pub trait Progress: Send + Sync {
    /// Counted work begins: `total` items of `what` (`trials`).
    fn start(&self, total: u64, what: &str);
    /// `n` more items are done.
    fn advance(&self, n: u64);
    /// Work of unknown size, and what it has done so far (a spinner and a message).
    fn status(&self, message: String);
    /// The work is over: clear what was shown.
    fn finish(&self);
}

/// Progress bars and spinners on standard error, drawn by indicatif (for a terminal; with
/// the `terminal` feature).
#[cfg(feature = "terminal")]
#[derive(Default)]
pub struct Bars {
    shown: Mutex<Option<ProgressBar>>,
}

#[cfg(feature = "terminal")]
impl Bars {
    fn shown(&self) -> Option<ProgressBar> {
        self.shown.lock().ok().and_then(|s| s.clone())
    }

    fn show(&self, bar: ProgressBar) {
        if let Ok(mut s) = self.shown.lock() {
            *s = Some(bar);
        }
    }
}

#[cfg(feature = "terminal")]
impl Progress for Bars {
    fn start(&self, total: u64, what: &str) {
        let bar = ProgressBar::new(total);
        if let Ok(style) =
            ProgressStyle::with_template(&format!("{{bar:40}} {{pos}}/{{len}} {what} ({{per_sec}}, {{eta}} left)"))
        {
            bar.set_style(style);
        }
        self.show(bar);
    }

    fn advance(&self, n: u64) {
        if let Some(b) = self.shown() {
            b.inc(n);
        }
    }

    fn status(&self, message: String) {
        let spinner = self.shown().unwrap_or_else(|| {
            let s = ProgressBar::new_spinner();
            if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
                s.set_style(style);
            }
            s.enable_steady_tick(Duration::from_millis(120));
            self.show(s.clone());
            s
        });
        spinner.set_message(message);
    }

    fn finish(&self) {
        if let Some(b) = self.shown.lock().ok().and_then(|mut s| s.take()) {
            b.finish_and_clear();
        }
    }
}
