//! AMIs the account owns, and whom each is shared with (`launchPermission`: accounts, the
//! organization, OUs, or everyone). As for snapshots, no listing says whom an image is shared
//! with: one `DescribeImages` (`Owners=self`), then one `DescribeImageAttribute` per image.
//! Only shared images (and unreadable ones) are kept in the inventory.

use std::sync::Arc;

use aws_sdk_ec2::types::{ImageAttributeName, PermissionGroup};
use tokio::sync::Semaphore;

use super::{TypeRead, resource, shared_or_unread};
use crate::collect::bounded::bounded;
use crate::collect::session::{Session, sdk_error};
use crate::inventory::{ResourceKind, SharedWith};

pub async fn images(session: &Session, region: &str, limit: &Arc<Semaphore>) -> TypeRead {
    let kind = ResourceKind::MachineImage;
    let ec2 = session.ec2(Some(region));
    let account = session.account().to_owned();
    let read = async {
        let mut ids = Vec::new();
        let mut pages = ec2.describe_images().owners("self").into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("DescribeImages", &e))?;
            ids.extend(
                page.images()
                    .iter()
                    .filter(|i| i.owner_id() == Some(account.as_str()))
                    .filter_map(|i| Some((i.image_id()?.to_owned(), i.public() == Some(true)))),
            );
        }
        Ok::<_, String>(ids)
    };
    let ids = match read.await {
        Ok(ids) => ids,
        Err(e) => return (kind, Err(e)),
    };
    let region_owned = region.to_owned();
    let found = bounded(limit, ids, |(id, public)| {
        let (ec2, region) = (ec2.clone(), region_owned.clone());
        async move {
            let arn = format!("arn:aws:ec2:{region}::image/{id}");
            let read = ec2
                .describe_image_attribute()
                .image_id(&id)
                .attribute(ImageAttributeName::LaunchPermission)
                .send()
                .await;
            match read {
                Ok(out) => {
                    let mut shares: Vec<SharedWith> = out
                        .launch_permissions()
                        .iter()
                        .filter_map(|p| {
                            if p.group() == Some(&PermissionGroup::All) {
                                Some(SharedWith::Everyone)
                            } else if let Some(user) = p.user_id() {
                                Some(SharedWith::Account {
                                    id: user.to_owned(),
                                })
                            } else if let Some(org) = p.organization_arn() {
                                Some(SharedWith::Organization {
                                    arn: org.to_owned(),
                                })
                            } else {
                                p.organizational_unit_arn()
                                    .map(|ou| SharedWith::OrganizationalUnit { arn: ou.to_owned() })
                            }
                        })
                        .collect();
                    // The listing's `Public` flag and the attribute say the same; either suffices.
                    if public && !shares.contains(&SharedWith::Everyone) {
                        shares.push(SharedWith::Everyone);
                    }
                    shares.sort();
                    shares.dedup();
                    let mut found = resource(kind, arn, Ok(None));
                    found.shares = shares;
                    found
                }
                Err(e) => resource(
                    kind,
                    arn,
                    Err(sdk_error(&format!("DescribeImageAttribute {id}"), &e)),
                ),
            }
        }
    })
    .await;
    (kind, found.map(shared_or_unread))
}
