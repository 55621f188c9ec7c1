//! RDS manual snapshots (DB and cluster) the account owns, and whom each is shared with (the
//! `restore` attribute: account ids, or `all`). Automated snapshots cannot be shared. As for
//! EBS, no listing says whom a snapshot is shared with: one `DescribeDBSnapshots` and one
//! `DescribeDBClusterSnapshots` (`SnapshotType=manual`, 100 a page), then one attribute read
//! per snapshot. Only shared (and unreadable) snapshots are kept in the inventory.

use std::sync::Arc;

use tokio::sync::Semaphore;

use super::{TypeRead, resource};
use crate::collect::bounded::bounded;
use crate::collect::session::{Session, sdk_error};
use crate::inventory::{CollectionStatus, ResourceKind, ResourcePolicy, SharedWith};

/// The `restore` attribute's values as shares.
fn restore(values: &[String]) -> Vec<SharedWith> {
    values
        .iter()
        .map(|v| match v.as_str() {
            "all" => SharedWith::Everyone,
            id => SharedWith::Account { id: id.to_owned() },
        })
        .collect()
}

/// Keeps what a report needs: shared snapshots, and those whose attribute could not be read.
fn kept(all: Vec<ResourcePolicy>) -> Vec<ResourcePolicy> {
    all.into_iter()
        .filter(|r| !r.shares.is_empty() || r.status != CollectionStatus::Collected)
        .collect()
}

pub async fn db_snapshots(session: &Session, region: &str, limit: &Arc<Semaphore>) -> TypeRead {
    let kind = ResourceKind::DbSnapshot;
    let rds = session.rds(region);
    let read = async {
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
        Ok::<_, String>(found)
    };
    let snapshots = match read.await {
        Ok(s) => s,
        Err(e) => return (kind, Err(e)),
    };
    let found = bounded(limit, snapshots, |(id, arn)| {
        let rds = rds.clone();
        async move {
            let read = rds
                .describe_db_snapshot_attributes()
                .db_snapshot_identifier(&id)
                .send()
                .await;
            match read {
                Ok(out) => {
                    let values: Vec<String> = out
                        .db_snapshot_attributes_result()
                        .map(|r| r.db_snapshot_attributes())
                        .unwrap_or_default()
                        .iter()
                        .filter(|a| a.attribute_name() == Some("restore"))
                        .flat_map(|a| a.attribute_values().iter().cloned())
                        .collect();
                    let mut found = resource(kind, arn, Ok(None));
                    found.shares = restore(&values);
                    found
                }
                Err(e) => resource(
                    kind,
                    arn,
                    Err(sdk_error(&format!("DescribeDBSnapshotAttributes {id}"), &e)),
                ),
            }
        }
    })
    .await;
    (kind, found.map(kept))
}

pub async fn db_cluster_snapshots(
    session: &Session,
    region: &str,
    limit: &Arc<Semaphore>,
) -> TypeRead {
    let kind = ResourceKind::DbClusterSnapshot;
    let rds = session.rds(region);
    let read = async {
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
        Ok::<_, String>(found)
    };
    let snapshots = match read.await {
        Ok(s) => s,
        Err(e) => return (kind, Err(e)),
    };
    let found = bounded(limit, snapshots, |(id, arn)| {
        let rds = rds.clone();
        async move {
            let read = rds
                .describe_db_cluster_snapshot_attributes()
                .db_cluster_snapshot_identifier(&id)
                .send()
                .await;
            match read {
                Ok(out) => {
                    let values: Vec<String> = out
                        .db_cluster_snapshot_attributes_result()
                        .map(|r| r.db_cluster_snapshot_attributes())
                        .unwrap_or_default()
                        .iter()
                        .filter(|a| a.attribute_name() == Some("restore"))
                        .flat_map(|a| a.attribute_values().iter().cloned())
                        .collect();
                    let mut found = resource(kind, arn, Ok(None));
                    found.shares = restore(&values);
                    found
                }
                Err(e) => resource(
                    kind,
                    arn,
                    Err(sdk_error(
                        &format!("DescribeDBClusterSnapshotAttributes {id}"),
                        &e,
                    )),
                ),
            }
        }
    })
    .await;
    (kind, found.map(kept))
}
