//! EBS snapshots the account owns, and whom each is shared with (`createVolumePermission`).
//!
//! AWS has no listing of "snapshots shared with anyone": `DescribeSnapshots` with
//! `RestorableByUserIds` answers only for the accounts named in the request (or `all`), so a
//! share to an account outside the organization shows nowhere but in the snapshot's
//! attribute. The attribute is read for every snapshot the account owns: one
//! `DescribeSnapshots` page per 1,000 snapshots, then one `DescribeSnapshotAttribute` each.
//! Only shared snapshots (and unreadable ones) are kept in the inventory.

use std::sync::Arc;

use aws_sdk_ec2::types::{PermissionGroup, SnapshotAttributeName};
use tokio::sync::Semaphore;

use super::{TypeRead, resource, shared_or_unread};
use crate::collect::bounded::bounded;
use crate::collect::session::{Session, sdk_error};
use crate::inventory::{ResourceKind, SharedWith};

pub async fn ebs_snapshots(session: &Session, region: &str, limit: &Arc<Semaphore>) -> TypeRead {
    let kind = ResourceKind::EbsSnapshot;
    let ec2 = session.ec2(Some(region));
    let account = session.account().to_owned();
    let read = async {
        let mut ids = Vec::new();
        let mut pages = ec2
            .describe_snapshots()
            .owner_ids("self")
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("DescribeSnapshots", &e))?;
            // The owner is checked, not only asked for: an emulator may ignore the filter.
            ids.extend(
                page.snapshots()
                    .iter()
                    .filter(|s| s.owner_id() == Some(account.as_str()))
                    .filter_map(|s| s.snapshot_id().map(str::to_owned)),
            );
        }
        Ok::<_, String>(ids)
    };
    let ids = match read.await {
        Ok(ids) => ids,
        Err(e) => return (kind, Err(e)),
    };
    let region_owned = region.to_owned();
    let found = bounded(limit, ids, |id| {
        let (ec2, region) = (ec2.clone(), region_owned.clone());
        async move {
            let arn = format!("arn:aws:ec2:{region}::snapshot/{id}");
            let read = ec2
                .describe_snapshot_attribute()
                .snapshot_id(&id)
                .attribute(SnapshotAttributeName::CreateVolumePermission)
                .send()
                .await;
            match read {
                Ok(out) => {
                    let shares: Vec<SharedWith> = out
                        .create_volume_permissions()
                        .iter()
                        .filter_map(|p| match (p.group(), p.user_id()) {
                            (Some(PermissionGroup::All), _) => Some(SharedWith::Everyone),
                            (_, Some(user)) => Some(SharedWith::Account {
                                id: user.to_owned(),
                            }),
                            _ => None,
                        })
                        .collect();
                    let mut found = resource(kind, arn, Ok(None));
                    found.shares = shares;
                    found
                }
                Err(e) => resource(
                    kind,
                    arn,
                    Err(sdk_error(&format!("DescribeSnapshotAttribute {id}"), &e)),
                ),
            }
        }
    })
    .await;
    (kind, found.map(shared_or_unread))
}
