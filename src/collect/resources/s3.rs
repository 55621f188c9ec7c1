//! S3 buckets: listed once per account (S3 lists globally), each bucket's policy, ACL and
//! Block Public Access read in its own region. `ListBuckets` also names the account's
//! canonical user id, by which other buckets' ACLs name it.

use std::sync::Arc;

use tokio::sync::Semaphore;

use super::{PER_REGION, TypeRead, code, resource};
use crate::collect::bounded::bounded;
use crate::collect::session::{Session, sdk_error};
use crate::inventory::{AclGrant, AclGrantee, CollectionStatus, PublicAccessBlock, ResourceKind};

/// The account's buckets, each with its region, and the owner's canonical user id.
pub struct Listed {
    pub buckets: Vec<(String, String)>,
    pub owner: Option<String>,
}

/// The buckets of the account, each with the region it lives in. S3 lists buckets globally;
/// the caller files each under its region.
pub async fn s3_buckets(session: &Session) -> Result<Listed, String> {
    let s3 = session.s3(None);
    let mut names = Vec::new();
    let mut owner = None;
    let mut pages = s3.list_buckets().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error("ListBuckets", &e))?;
        owner = owner.or_else(|| page.owner().and_then(|o| o.id()).map(str::to_owned));
        names.extend(
            page.buckets()
                .iter()
                .filter_map(|b| b.name().map(str::to_owned)),
        );
    }
    let mut out = Vec::new();
    for name in names {
        let location = s3
            .get_bucket_location()
            .bucket(&name)
            .send()
            .await
            .map_err(|e| sdk_error(&format!("GetBucketLocation {name}"), &e))?;
        // No constraint is us-east-1; `EU` is the old name of eu-west-1.
        let region = match location.location_constraint().map(|c| c.as_str()) {
            None | Some("") => "us-east-1".to_owned(),
            Some("EU") => "eu-west-1".to_owned(),
            Some(r) => r.to_owned(),
        };
        out.push((name, region));
    }
    Ok(Listed {
        buckets: out,
        owner,
    })
}

/// The policies and access blocks of `buckets`, all in `region`.
pub async fn s3_policies(session: &Session, region: &str, buckets: Vec<String>) -> TypeRead {
    let limit = Arc::new(Semaphore::new(PER_REGION));
    let s3 = session.s3(Some(region));
    let found = bounded(&limit, buckets, |name| {
        let s3 = s3.clone();
        async move {
            let arn = format!("arn:aws:s3:::{name}");
            let policy = match s3.get_bucket_policy().bucket(&name).send().await {
                Ok(p) => Ok(p.policy().map(str::to_owned)),
                Err(e) if code(&e) == Some("NoSuchBucketPolicy") => Ok(None),
                Err(e) => Err(sdk_error(&format!("GetBucketPolicy {name}"), &e)),
            };
            let mut found = resource(ResourceKind::S3Bucket, arn, policy);
            match s3.get_public_access_block().bucket(&name).send().await {
                Ok(b) => {
                    found.public_access_block =
                        b.public_access_block_configuration().map(|c| PublicAccessBlock {
                            block_public_policy: c.block_public_policy().unwrap_or(false),
                            restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
                            ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                        })
                }
                Err(e) if code(&e) == Some("NoSuchPublicAccessBlockConfiguration") => {}
                // Evidence only: a failure here leaves the policy judged as it is.
                Err(e) => tracing::warn!(bucket = %name, error = %sdk_error("GetPublicAccessBlock", &e), "no access block read"),
            }
            match s3.get_bucket_acl().bucket(&name).send().await {
                Ok(acl) => found.acl = acl.grants().iter().filter_map(grant).collect(),
                Err(e) => {
                    found.status = CollectionStatus::Failed {
                        error: sdk_error(&format!("GetBucketAcl {name}"), &e),
                    }
                }
            }
            found
        }
    })
    .await;
    (ResourceKind::S3Bucket, found)
}

/// One ACL grant as the inventory records it (a grant without grantee or permission is none).
fn grant(g: &aws_sdk_s3::types::Grant) -> Option<AclGrant> {
    use aws_sdk_s3::types::Type;
    let grantee = g.grantee()?;
    let grantee = match grantee.r#type() {
        Type::CanonicalUser => AclGrantee::CanonicalUser {
            id: grantee.id()?.to_owned(),
        },
        Type::Group => AclGrantee::Group {
            uri: grantee.uri()?.to_owned(),
        },
        _ => AclGrantee::Email {
            address: grantee.email_address().unwrap_or_default().to_owned(),
        },
    };
    Some(AclGrant {
        grantee,
        permission: g.permission()?.as_str().to_owned(),
    })
}
