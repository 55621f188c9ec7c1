//! RDS manual snapshots (DB and cluster) the account owns, and whom each is shared with (the
//! `restore` attribute: account ids, or `all`). Automated snapshots cannot be shared. As for
//! EBS, no listing says whom a snapshot is shared with: one `DescribeDBSnapshots` and one
//! `DescribeDBClusterSnapshots` (`SnapshotType=manual`, 100 a page), then one attribute read
//! per snapshot. Only shared (and unreadable) snapshots are kept in the inventory.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::Semaphore;

use super::{TypeRead, resource, shared_or_unread};
use crate::collect::bounded::bounded;
use crate::collect::session::{Session, sdk_error};
use crate::inventory::{ResourceKind, SharedWith};

/// The `restore` attribute's values as shares.
fn shares(values: &[String]) -> Vec<SharedWith> {
    values
        .iter()
        .map(|v| match v.as_str() {
            "all" => SharedWith::Everyone,
            id => SharedWith::Account { id: id.to_owned() },
        })
        .collect()
}

/// Reads one kind of manual snapshot: `listed` gives each snapshot's identifier and ARN,
/// `restore` a snapshot's `restore` attribute values (one read each, `limit` at once).
async fn read<AF>(
    kind: ResourceKind,
    limit: &Arc<Semaphore>,
    listed: impl Future<Output = Result<Vec<(String, String)>, String>>,
    restore: impl Fn(String) -> AF,
) -> TypeRead
where
    AF: Future<Output = Result<Vec<String>, String>> + Send + 'static,
{
    let snapshots = match listed.await {
        Ok(s) => s,
        Err(e) => return (kind, Err(e)),
    };
    let found = bounded(limit, snapshots, |(id, arn)| {
        let values = restore(id);
        async move {
            match values.await {
                Ok(values) => {
                    let mut found = resource(kind, arn, Ok(None));
                    found.shares = shares(&values);
                    found
                }
                Err(e) => resource(kind, arn, Err(e)),
            }
        }
    })
    .await;
    (kind, found.map(shared_or_unread))
}

pub async fn db_snapshots(session: &Session, region: &str, limit: &Arc<Semaphore>) -> TypeRead {
    let rds = session.rds(region);
    let listed = async {
        let mut found = Vec::new();
        let mut pages = rds
            .describe_db_snapshots()
            .snapshot_type("manual")
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("DescribeDBSnapshots", &e))?;
            found.extend(page.db_snapshots().iter().filter_map(|s| {
                Some((
                    s.db_snapshot_identifier()?.to_owned(),
                    s.db_snapshot_arn()?.to_owned(),
                ))
            }));
        }
        Ok(found)
    };
    read(ResourceKind::DbSnapshot, limit, listed, |id| {
        let rds = rds.clone();
        async move {
            let out = rds
                .describe_db_snapshot_attributes()
                .db_snapshot_identifier(&id)
                .send()
                .await
                .map_err(|e| sdk_error(&format!("DescribeDBSnapshotAttributes {id}"), &e))?;
            Ok(restore_values(
                out.db_snapshot_attributes_result()
                    .map(|r| r.db_snapshot_attributes())
                    .unwrap_or_default()
                    .iter()
                    .map(|a| (a.attribute_name(), a.attribute_values())),
            ))
        }
    })
    .await
}

pub async fn db_cluster_snapshots(
    session: &Session,
    region: &str,
    limit: &Arc<Semaphore>,
) -> TypeRead {
    let rds = session.rds(region);
    let listed = async {
        let mut found = Vec::new();
        let mut pages = rds
            .describe_db_cluster_snapshots()
            .snapshot_type("manual")
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("DescribeDBClusterSnapshots", &e))?;
            found.extend(page.db_cluster_snapshots().iter().filter_map(|s| {
                Some((
                    s.db_cluster_snapshot_identifier()?.to_owned(),
                    s.db_cluster_snapshot_arn()?.to_owned(),
                ))
            }));
        }
        Ok(found)
    };
    read(ResourceKind::DbClusterSnapshot, limit, listed, |id| {
        let rds = rds.clone();
        async move {
            let out = rds
                .describe_db_cluster_snapshot_attributes()
                .db_cluster_snapshot_identifier(&id)
                .send()
                .await
                .map_err(|e| sdk_error(&format!("DescribeDBClusterSnapshotAttributes {id}"), &e))?;
            Ok(restore_values(
                out.db_cluster_snapshot_attributes_result()
                    .map(|r| r.db_cluster_snapshot_attributes())
                    .unwrap_or_default()
                    .iter()
                    .map(|a| (a.attribute_name(), a.attribute_values())),
            ))
        }
    })
    .await
}

/// The values of the `restore` attribute among a snapshot's attributes.
fn restore_values<'a>(
    attributes: impl Iterator<Item = (Option<&'a str>, &'a [String])>,
) -> Vec<String> {
    attributes
        .filter(|(name, _)| *name == Some("restore"))
        .flat_map(|(_, values)| values.iter().cloned())
        .collect()
}
