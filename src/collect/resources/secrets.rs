//! Secrets Manager secrets and their resource policies.

use std::sync::Arc;

use tokio::sync::Semaphore;

use super::{TypeRead, resource};
use crate::collect::bounded::bounded;
use crate::collect::session::{Session, sdk_error};
use crate::inventory::ResourceKind;

pub async fn secrets(session: &Session, region: &str, limit: &Arc<Semaphore>) -> TypeRead {
    let sm = session.secretsmanager(region);
    let read = async {
        let mut arns = Vec::new();
        let mut pages = sm.list_secrets().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("ListSecrets", &e))?;
            arns.extend(
                page.secret_list()
                    .iter()
                    .filter_map(|s| s.arn().map(str::to_owned)),
            );
        }
        Ok::<_, String>(arns)
    };
    let arns = match read.await {
        Ok(a) => a,
        Err(e) => return (ResourceKind::Secret, Err(e)),
    };
    let found = bounded(limit, arns, |arn| {
        let sm = sm.clone();
        async move {
            let policy = sm
                .get_resource_policy()
                .secret_id(&arn)
                .send()
                .await
                .map(|p| p.resource_policy().map(str::to_owned))
                .map_err(|e| sdk_error(&format!("GetResourcePolicy {arn}"), &e));
            resource(ResourceKind::Secret, arn, policy)
        }
    })
    .await;
    (ResourceKind::Secret, found)
}
