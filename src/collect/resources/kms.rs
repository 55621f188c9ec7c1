//! KMS keys: customer managed keys' policies and grants (AWS managed keys' policies are
//! AWS's).

use std::sync::Arc;

use tokio::sync::Semaphore;

use super::{TypeRead, resource};
use crate::collect::bounded::bounded;
use crate::collect::session::{Session, sdk_error};
use crate::inventory::{CollectionStatus, KmsGrant, ResourceKind, ResourcePolicy};

pub async fn kms_keys(session: &Session, region: &str, limit: &Arc<Semaphore>) -> TypeRead {
    let kms = session.kms(region);
    let read = async {
        let mut keys = Vec::new();
        let mut pages = kms.list_keys().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("ListKeys", &e))?;
            keys.extend(
                page.keys()
                    .iter()
                    .filter_map(|k| k.key_id().map(str::to_owned)),
            );
        }
        Ok::<_, String>(keys)
    };
    let keys = match read.await {
        Ok(keys) => keys,
        Err(e) => return (ResourceKind::KmsKey, Err(e)),
    };
    let found = bounded(limit, keys, |id| {
        let kms = kms.clone();
        async move { kms_key(&kms, id).await }
    })
    .await;
    // AWS managed keys' policies are AWS's: only customer managed keys are kept.
    (
        ResourceKind::KmsKey,
        found.map(|f| f.into_iter().flatten().collect()),
    )
}

async fn kms_key(kms: &aws_sdk_kms::Client, id: String) -> Option<ResourcePolicy> {
    use aws_sdk_kms::types::KeyManagerType;
    let described = match kms.describe_key().key_id(&id).send().await {
        Ok(d) => d,
        Err(e) => {
            let arn = format!("kms key {id}");
            return Some(resource(
                ResourceKind::KmsKey,
                arn,
                Err(sdk_error(&format!("DescribeKey {id}"), &e)),
            ));
        }
    };
    let meta = described.key_metadata()?;
    if meta.key_manager() == Some(&KeyManagerType::Aws) {
        return None;
    }
    let arn = meta.arn().unwrap_or(&id).to_owned();
    let policy = kms
        .get_key_policy()
        .key_id(&id)
        .policy_name("default")
        .send()
        .await
        .map(|p| p.policy().map(str::to_owned))
        .map_err(|e| sdk_error(&format!("GetKeyPolicy {id}"), &e));
    let mut found = resource(ResourceKind::KmsKey, arn, policy);
    let mut pages = kms.list_grants().key_id(&id).into_paginator().send();
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => found.grants.extend(page.grants().iter().map(|g| {
                KmsGrant {
                    id: g.grant_id().unwrap_or_default().to_owned(),
                    grantee_principal: g.grantee_principal().unwrap_or_default().to_owned(),
                    operations: g
                        .operations()
                        .iter()
                        .map(|o| o.as_str().to_owned())
                        .collect(),
                }
            })),
            Err(e) => {
                found.status = CollectionStatus::Failed {
                    error: sdk_error(&format!("ListGrants {id}"), &e),
                };
                break;
            }
        }
    }
    Some(found)
}
