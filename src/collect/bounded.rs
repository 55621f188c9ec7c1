//! Reads run in parallel, at most a bound at once, their results kept in item order: the
//! organization phase's calls and each region's resource-policy reads.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// Runs `f` on every item, at most `limit` at once, and returns the results in item order.
/// A task that panicked is an error for the whole batch, never a missing result: which item
/// it was reading is not known, so none of them may pass for read.
pub async fn bounded<I, T, F, Fut>(
    limit: &Arc<Semaphore>,
    items: Vec<I>,
    f: F,
) -> Result<Vec<T>, String>
where
    I: Send + 'static,
    T: Send + 'static,
    F: Fn(I) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
{
    let count = items.len();
    let mut tasks = JoinSet::new();
    for (i, item) in items.into_iter().enumerate() {
        let (limit, work) = (limit.clone(), f(item));
        tasks.spawn(async move {
            let _permit = limit
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            (i, work.await)
        });
    }
    let mut out = Vec::with_capacity(count);
    while let Some(done) = tasks.join_next().await {
        out.push(done.map_err(|e| format!("a read task failed: {e}"))?);
    }
    out.sort_by_key(|(i, _)| *i);
    Ok(out.into_iter().map(|(_, t)| t).collect())
}
