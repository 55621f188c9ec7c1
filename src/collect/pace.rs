//! A steady pace for calls that share one quota: Organizations' limits apply to the whole
//! organization, whoever calls, so the organization phase spends its calls at a rate below the
//! quota instead of bursting into `TooManyRequestsException` and backing off (at 10,000
//! accounts a burst-and-retry phase wastes more time in backoff than it saves, and a call that
//! exhausts its attempts fails the whole phase). A fixed pace also makes the phase's length
//! known before it starts: calls ÷ rate. Like AWS's own token buckets it lets a burst through
//! first, so a small organization's phase is not slowed at all.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

pub struct Pace {
    /// When the next call would start at the steady rate (the generic cell rate algorithm's
    /// theoretical arrival time).
    next: Mutex<Instant>,
    gap: Duration,
    /// How far ahead of the steady rate a burst may run.
    tolerance: Duration,
}

impl Pace {
    /// `per_second` calls a second at most after a first `burst` (`None`: unpaced).
    pub fn new(per_second: Option<f64>, burst: u32) -> Pace {
        let gap = per_second
            .filter(|r| *r > 0.0)
            .map_or(Duration::ZERO, |r| Duration::from_secs_f64(1.0 / r));
        Pace {
            next: Mutex::new(Instant::now()),
            gap,
            tolerance: gap * burst.saturating_sub(1),
        }
    }

    /// Waits for this call's turn: turns are handed out `gap` apart, in the order asked.
    pub async fn turn(&self) {
        if self.gap.is_zero() {
            return;
        }
        let at = {
            let mut next = self.next.lock().await;
            let now = Instant::now();
            let steady = (*next).max(now);
            *next = steady + self.gap;
            steady
                .checked_sub(self.tolerance)
                .map_or(now, |t| t.max(now))
        };
        tokio::time::sleep_until(at).await;
    }

    /// How long `calls` more calls take at the steady rate (a conservative figure: what is
    /// left of the burst is not counted).
    pub fn duration(&self, calls: usize) -> Duration {
        self.gap * u32::try_from(calls).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn turns_are_handed_out_at_the_rate() {
        let pace = std::sync::Arc::new(Pace::new(Some(4.0), 3));
        let start = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..9 {
            let pace = pace.clone();
            tasks.spawn(async move {
                pace.turn().await;
                Instant::now()
            });
        }
        let mut at: Vec<Duration> = tasks
            .join_all()
            .await
            .into_iter()
            .map(|t| t - start)
            .collect();
        at.sort();
        // Nine calls at 4 a second after a burst of 3: three at once, then one every 250 ms.
        assert_eq!(&at[..3], &[Duration::ZERO; 3]);
        assert_eq!(at[3], Duration::from_millis(250));
        assert_eq!(at[8], Duration::from_millis(1500));
        assert_eq!(pace.duration(9), Duration::from_millis(2250));
        assert_eq!(Pace::new(None, 3).duration(9), Duration::ZERO);
    }
}
