//! Progress: a bar on a terminal (accounts done and failed, rate, time left), structured log
//! lines otherwise.

use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
    failed: AtomicUsize,
}

impl Progress {
    /// A bar when `visible` (standard error is a terminal and not `-q`), else log lines only.
    pub fn new(visible: bool) -> Progress {
        Progress {
            bar: visible.then(|| {
                let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template(
                        "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} accounts ({per_sec}, {eta} left) {msg}",
                    )
                    .expect("the template is valid"),
                );
                bar
            }),
            failed: AtomicUsize::new(0),
        }
    }

    pub fn start(&self, accounts: usize) {
        tracing::info!(accounts, "collecting accounts");
        if let Some(bar) = &self.bar {
            bar.set_length(accounts as u64);
        }
    }

    pub fn account_done(&self, failed: bool) {
        let failures = if failed {
            self.failed.fetch_add(1, Ordering::Relaxed) + 1
        } else {
            self.failed.load(Ordering::Relaxed)
        };
        match &self.bar {
            Some(bar) => {
                if failed {
                    bar.set_message(format!("{failures} failed"));
                }
                bar.inc(1);
            }
            None if failed => tracing::warn!(failures, "an account could not be read"),
            None => tracing::debug!("account read"),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        tracing::info!(
            failed = self.failed.load(Ordering::Relaxed),
            "collection finished"
        );
    }
}
