//! Progress: a bar on a terminal (accounts done and failed, rate, time left), structured log
//! lines otherwise.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: Option<ProgressBar>,
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
        }
    }

    pub fn start(&self, accounts: usize) {
        tracing::info!(accounts, "collecting accounts");
        if let Some(bar) = &self.bar {
            bar.set_length(accounts as u64);
        }
    }

    pub fn account_done(&self, failed: bool) {
        if let Some(bar) = &self.bar {
            if failed {
                let n: u64 = bar
                    .message()
                    .split(' ')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0);
                bar.set_message(format!("{} failed", n + 1));
            }
            bar.inc(1);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
