//! Resource-based policies, per region: S3 buckets, KMS keys (policies and grants), SQS
//! queues, SNS topics, Secrets Manager secrets, Lambda functions and ECR repositories.
//!
//! Collectors never judge: each resource is recorded with its policy as returned. A resource
//! type whose listing fails is recorded failed for the region; a resource whose policy read
//! fails is recorded failed on its own; either is reported not scanned, never clean. A
//! policy's absence is told apart from a failure by the service's own "no policy" error.
//! Reads run `PER_REGION` at a time within a region, on top of the account and region bounds.

use std::sync::Arc;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use tokio::sync::Semaphore;

use super::bounded::bounded;
use super::session::{Session, sdk_error};
use crate::inventory::{
    CollectionStatus, KmsGrant, PolicyDocument, PublicAccessBlock, RegionInventory, ResourceKind,
    ResourcePolicy, ResourceTypeRead,
};

/// Policy reads at once within one region.
const PER_REGION: usize = 8;

/// What one resource type's read of a region gave.
type TypeRead = (ResourceKind, Result<Vec<ResourcePolicy>, String>);

/// Reads every regional resource type of `region` into `inventory`.
pub async fn read_region(session: &Session, region: &str, inventory: &mut RegionInventory) {
    let limit = Arc::new(Semaphore::new(PER_REGION));
    let (kms, sqs, sns, secrets, lambda, ecr) = tokio::join!(
        kms_keys(session, region, &limit),
        sqs_queues(session, region, &limit),
        sns_topics(session, region, &limit),
        secrets(session, region, &limit),
        lambda_functions(session, region, &limit),
        ecr_repositories(session, region, &limit),
    );
    for read in [kms, sqs, sns, secrets, lambda, ecr] {
        record(inventory, read);
    }
}

/// Files one type's read under the region: its status, and its resources.
pub fn record(inventory: &mut RegionInventory, (kind, read): TypeRead) {
    let status = match read {
        Ok(resources) => {
            inventory.resources.extend(resources);
            CollectionStatus::Collected
        }
        Err(error) => CollectionStatus::Failed { error },
    };
    inventory
        .resource_types
        .push(ResourceTypeRead { kind, status });
    inventory.resource_types.sort_by_key(|r| r.kind);
    inventory
        .resources
        .sort_by(|a, b| (a.kind, &a.arn).cmp(&(b.kind, &b.arn)));
}

/// The error code of a service error, for telling "no policy" from a failure.
fn code<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> Option<&str> {
    e.as_service_error().and_then(|s| s.code())
}

/// A resource whose policy read gave `policy` (`Ok(None)`: it has none).
fn resource(
    kind: ResourceKind,
    arn: String,
    policy: Result<Option<String>, String>,
) -> ResourcePolicy {
    let (status, policy) = match policy {
        Ok(p) => (CollectionStatus::Collected, p.map(PolicyDocument::Text)),
        Err(error) => (CollectionStatus::Failed { error }, None),
    };
    ResourcePolicy {
        kind,
        arn,
        status,
        policy,
        grants: Vec::new(),
        public_access_block: None,
    }
}

/// The buckets of the account, each with the region it lives in. S3 lists buckets globally;
/// the caller files each under its region.
pub async fn s3_buckets(session: &Session) -> Result<Vec<(String, String)>, String> {
    let s3 = session.s3(None);
    let mut names = Vec::new();
    let mut pages = s3.list_buckets().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error("ListBuckets", &e))?;
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
    Ok(out)
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
                        })
                }
                Err(e) if code(&e) == Some("NoSuchPublicAccessBlockConfiguration") => {}
                // Evidence only: a failure here leaves the policy judged as it is.
                Err(e) => tracing::warn!(bucket = %name, error = %sdk_error("GetPublicAccessBlock", &e), "no access block read"),
            }
            found
        }
    })
    .await;
    (ResourceKind::S3Bucket, found)
}

async fn kms_keys(session: &Session, region: &str, limit: &Arc<Semaphore>) -> TypeRead {
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

async fn sqs_queues(session: &Session, region: &str, limit: &Arc<Semaphore>) -> TypeRead {
    use aws_sdk_sqs::types::QueueAttributeName;
    let sqs = session.sqs(region);
    let read = async {
        let mut urls = Vec::new();
        let mut pages = sqs.list_queues().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("ListQueues", &e))?;
            urls.extend(page.queue_urls().iter().cloned());
        }
        Ok::<_, String>(urls)
    };
    let urls = match read.await {
        Ok(u) => u,
        Err(e) => return (ResourceKind::SqsQueue, Err(e)),
    };
    let found = bounded(limit, urls, |url| {
        let sqs = sqs.clone();
        async move {
            let read = sqs
                .get_queue_attributes()
                .queue_url(&url)
                .attribute_names(QueueAttributeName::Policy)
                .attribute_names(QueueAttributeName::QueueArn)
                .send()
                .await;
            match read {
                Ok(a) => {
                    let attrs = a.attributes();
                    let arn = attrs
                        .and_then(|m| m.get(&QueueAttributeName::QueueArn))
                        .cloned()
                        .unwrap_or_else(|| url.clone());
                    let policy = attrs
                        .and_then(|m| m.get(&QueueAttributeName::Policy))
                        .cloned();
                    resource(ResourceKind::SqsQueue, arn, Ok(policy))
                }
                Err(e) => resource(
                    ResourceKind::SqsQueue,
                    url.clone(),
                    Err(sdk_error(&format!("GetQueueAttributes {url}"), &e)),
                ),
            }
        }
    })
    .await;
    (ResourceKind::SqsQueue, found)
}

async fn sns_topics(session: &Session, region: &str, limit: &Arc<Semaphore>) -> TypeRead {
    let sns = session.sns(region);
    let read = async {
        let mut arns = Vec::new();
        let mut pages = sns.list_topics().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("ListTopics", &e))?;
            arns.extend(
                page.topics()
                    .iter()
                    .filter_map(|t| t.topic_arn().map(str::to_owned)),
            );
        }
        Ok::<_, String>(arns)
    };
    let arns = match read.await {
        Ok(a) => a,
        Err(e) => return (ResourceKind::SnsTopic, Err(e)),
    };
    let found = bounded(limit, arns, |arn| {
        let sns = sns.clone();
        async move {
            let policy = sns
                .get_topic_attributes()
                .topic_arn(&arn)
                .send()
                .await
                .map(|a| a.attributes().and_then(|m| m.get("Policy")).cloned())
                .map_err(|e| sdk_error(&format!("GetTopicAttributes {arn}"), &e));
            resource(ResourceKind::SnsTopic, arn, policy)
        }
    })
    .await;
    (ResourceKind::SnsTopic, found)
}

async fn secrets(session: &Session, region: &str, limit: &Arc<Semaphore>) -> TypeRead {
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

async fn lambda_functions(session: &Session, region: &str, limit: &Arc<Semaphore>) -> TypeRead {
    let lambda = session.lambda(region);
    let read = async {
        let mut arns = Vec::new();
        let mut pages = lambda.list_functions().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("ListFunctions", &e))?;
            arns.extend(
                page.functions()
                    .iter()
                    .filter_map(|f| f.function_arn().map(str::to_owned)),
            );
        }
        Ok::<_, String>(arns)
    };
    let arns = match read.await {
        Ok(a) => a,
        Err(e) => return (ResourceKind::LambdaFunction, Err(e)),
    };
    let found = bounded(limit, arns, |arn| {
        let lambda = lambda.clone();
        async move {
            let policy = match lambda.get_policy().function_name(&arn).send().await {
                Ok(p) => Ok(p.policy().map(str::to_owned)),
                Err(e) if code(&e) == Some("ResourceNotFoundException") => Ok(None),
                Err(e) => Err(sdk_error(&format!("GetPolicy {arn}"), &e)),
            };
            resource(ResourceKind::LambdaFunction, arn, policy)
        }
    })
    .await;
    (ResourceKind::LambdaFunction, found)
}

async fn ecr_repositories(session: &Session, region: &str, limit: &Arc<Semaphore>) -> TypeRead {
    let ecr = session.ecr(region);
    let read = async {
        let mut repos = Vec::new();
        let mut pages = ecr.describe_repositories().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("DescribeRepositories", &e))?;
            repos.extend(page.repositories().iter().filter_map(|r| {
                Some((
                    r.repository_name()?.to_owned(),
                    r.repository_arn()?.to_owned(),
                ))
            }));
        }
        Ok::<_, String>(repos)
    };
    let repos = match read.await {
        Ok(r) => r,
        Err(e) => return (ResourceKind::EcrRepository, Err(e)),
    };
    let found = bounded(limit, repos, |(name, arn)| {
        let ecr = ecr.clone();
        async move {
            let policy = match ecr
                .get_repository_policy()
                .repository_name(&name)
                .send()
                .await
            {
                Ok(p) => Ok(p.policy_text().map(str::to_owned)),
                Err(e) if code(&e) == Some("RepositoryPolicyNotFoundException") => Ok(None),
                Err(e) => Err(sdk_error(&format!("GetRepositoryPolicy {name}"), &e)),
            };
            resource(ResourceKind::EcrRepository, arn, policy)
        }
    })
    .await;
    (ResourceKind::EcrRepository, found)
}
