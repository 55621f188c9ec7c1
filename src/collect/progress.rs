//! Progress: a bar on a terminal (accounts done and failed, rate, time left), structured log
//! lines otherwise.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
    failed: Arc<AtomicUsize>,
    done: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
}

/// What a background task needs to report on the scan's behalf.
#[derive(Clone)]
pub struct Handle {
    bar: Option<ProgressBar>,
    done: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
}

impl Handle {
    /// Requests are being retried: say which service, how many, and how far the scan is, at
    /// the default verbosity (a warning), so a slow scan is never a silent one.
    pub fn retrying(&self, by_service: &BTreeMap<&'static str, u64>, new: u64) {
        let services = by_service
            .iter()
            .map(|(s, n)| format!("{s} {n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let (done, total) = (
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        );
        match &self.bar {
            Some(bar) => bar.set_message(format!("throttled or failing, retrying: {services}")),
            None => tracing::warn!(
                "AWS is throttling or failing requests; retrying with backoff ({new} more retries; so far {services}); {done}/{total} accounts read"
            ),
        }
    }
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
            failed: Arc::default(),
            done: Arc::default(),
            total: Arc::default(),
        }
    }

    pub fn handle(&self) -> Handle {
        Handle {
            bar: self.bar.clone(),
            done: self.done.clone(),
            total: self.total.clone(),
        }
    }

    /// A phase before the accounts (the organization): shown on the bar, logged otherwise.
    pub fn phase(&self, what: &str) {
        tracing::info!("{what}");
        if let Some(bar) = &self.bar {
            bar.set_message(what.to_owned());
        }
    }

    pub fn start(&self, accounts: usize) {
        tracing::info!(accounts, "collecting accounts");
        self.total.store(accounts, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.set_length(accounts as u64);
        }
    }

    pub fn account_done(&self, failed: bool) {
        self.done.fetch_add(1, Ordering::Relaxed);
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
