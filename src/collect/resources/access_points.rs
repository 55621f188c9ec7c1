//! S3 access points of the account in a region, and their policies: `ListAccessPoints`
//! (S3 Control, per region, 1,000 a page), then `GetAccessPointPolicy` per access point
//! (`NoSuchAccessPointPolicy`: it has none). A request through an access point must be allowed
//! by its policy and by its bucket's: the access point's grant is recorded as it is, and
//! judged on its own (it can only over-report, never hide a path).

use std::sync::Arc;

use tokio::sync::Semaphore;

use super::{TypeRead, code, resource};
use crate::collect::bounded::bounded;
use crate::collect::session::{Session, sdk_error};
use crate::inventory::ResourceKind;

pub async fn access_points(session: &Session, region: &str, limit: &Arc<Semaphore>) -> TypeRead {
    let kind = ResourceKind::S3AccessPoint;
    let control = session.s3control(Some(region));
    let account = session.account().to_owned();
    let read = async {
        let mut found = Vec::new();
        let mut pages = control
            .list_access_points()
            .account_id(&account)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("ListAccessPoints", &e))?;
            // The Region is checked, not only asked for: an access point lives in its bucket's.
            found.extend(
                page.access_point_list()
                    .iter()
                    .filter_map(|p| Some((p.name().to_owned(), p.access_point_arn()?.to_owned())))
                    .filter(|(_, arn)| arn.split(':').nth(3) == Some(region)),
            );
        }
        Ok::<_, String>(found)
    };
    let points = match read.await {
        Ok(p) => p,
        Err(e) => return (kind, Err(e)),
    };
    let found = bounded(limit, points, |(name, arn)| {
        let (control, account) = (control.clone(), account.clone());
        async move {
            let policy = match control
                .get_access_point_policy()
                .account_id(&account)
                .name(&name)
                .send()
                .await
            {
                Ok(p) => Ok(p.policy().map(str::to_owned)),
                Err(e) if code(&e) == Some("NoSuchAccessPointPolicy") => Ok(None),
                Err(e) => Err(sdk_error(&format!("GetAccessPointPolicy {name}"), &e)),
            };
            resource(kind, arn, policy)
        }
    })
    .await;
    (kind, found)
}
