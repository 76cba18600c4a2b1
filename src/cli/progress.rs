//! indicatif-backed [`Reporter`].

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use strait_stance::report::Reporter;

/// Shows a progress bar on stderr when it is a terminal and `--quiet` is off.
pub struct Bars {
    bar: Mutex<Option<ProgressBar>>,
    enabled: bool,
    quiet: bool,
    unit: &'static str,
}

impl Bars {
    /// A reporter counting `unit`s.
    pub fn new(quiet: bool, unit: &'static str) -> Bars {
        Bars {
            bar: Mutex::new(None),
            enabled: !quiet && std::io::stderr().is_terminal(),
            quiet,
            unit,
        }
    }
}

impl Reporter for Bars {
    fn begin(&self, phase: &str, total: Option<u64>) {
        if !self.enabled {
            return;
        }
        let bar = match total {
            Some(t) => {
                let b = ProgressBar::new(t);
                b.set_style(
                    ProgressStyle::with_template(&format!(
                        "{{prefix}} [{{bar:30}}] {{pos}}/{{len}} {} ({{per_sec}}, ETA {{eta}}) {{msg}}",
                        self.unit
                    ))
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                b
            }
            None => {
                let b = ProgressBar::new_spinner();
                b.set_style(
                    ProgressStyle::with_template(&format!(
                        "{{spinner}} {{prefix}} {{pos}} {} ({{per_sec}}, {{elapsed}}) {{msg}}",
                        self.unit
                    ))
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                );
                b
            }
        };
        bar.set_draw_target(ProgressDrawTarget::stderr());
        bar.set_prefix(phase.to_string());
        bar.enable_steady_tick(Duration::from_millis(200));
        if let Ok(mut g) = self.bar.lock() {
            *g = Some(bar);
        }
    }

    fn advance(&self, n: u64) {
        if let Ok(g) = self.bar.lock() {
            if let Some(b) = g.as_ref() {
                b.inc(n);
            }
        }
    }

    fn message(&self, msg: &str) {
        if let Ok(g) = self.bar.lock() {
            if let Some(b) = g.as_ref() {
                b.set_message(msg.to_string());
            }
        }
    }

    fn warn(&self, msg: &str) {
        let g = self.bar.lock().ok();
        match g.as_ref().and_then(|g| g.as_ref()) {
            Some(b) => b.suspend(|| eprintln!("warning: {msg}")),
            None => eprintln!("warning: {msg}"),
        }
    }

    fn note(&self, msg: &str) {
        // Notes go to logs too (a nightly job's stderr is rarely a terminal).
        if self.quiet {
            return;
        }
        let g = self.bar.lock().ok();
        match g.as_ref().and_then(|g| g.as_ref()) {
            Some(b) => b.suspend(|| eprintln!("{msg}")),
            None => eprintln!("{msg}"),
        }
    }

    fn end(&self) {
        if let Ok(mut g) = self.bar.lock() {
            if let Some(b) = g.take() {
                b.finish_and_clear();
            }
        }
    }
}
