//! Resource-based policies, per region: S3 buckets, KMS keys (policies and grants), SQS
//! queues, SNS topics, Secrets Manager secrets, Lambda functions and ECR repositories; and
//! EventBridge buses, API Gateway REST APIs, DynamoDB tables, EFS file systems and CloudWatch
//! Logs; and what is shared by attribute: EBS snapshots, AMIs, RDS DB and cluster snapshots. One file per kind: a new shareable
//! kind is one file here, one `ResourceKind`, and where its meaning differs, one rule.
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

use super::session::Session;
use crate::inventory::{
    CollectionStatus, PolicyDocument, RegionInventory, ResourceKind, ResourcePolicy,
    ResourceTypeRead,
};

mod access_points;
mod dynamodb_tables;
mod ebs_snapshots;
mod ecr;
mod efs_file_systems;
mod event_buses;
mod images;
mod kms;
mod lambda;
mod logs_policies;
mod rds_snapshots;
mod rest_apis;
mod s3;
mod s3_account;
mod secrets;
mod sns;
mod sqs;

pub use s3::{s3_buckets, s3_policies};
pub use s3_account::account_block;

/// Policy reads at once within one region.
const PER_REGION: usize = 8;

/// What one resource type's read of a region gave.
pub type TypeRead = (ResourceKind, Result<Vec<ResourcePolicy>, String>);

/// Reads every regional resource type of `region` into `inventory`.
pub async fn read_region(session: &Session, region: &str, inventory: &mut RegionInventory) {
    let limit = Arc::new(Semaphore::new(PER_REGION));
    let (kms, sqs, sns, secrets, lambda, ecr, snapshots, images) = tokio::join!(
        kms::kms_keys(session, region, &limit),
        sqs::sqs_queues(session, region, &limit),
        sns::sns_topics(session, region, &limit),
        secrets::secrets(session, region, &limit),
        lambda::lambda_functions(session, region, &limit),
        ecr::ecr_repositories(session, region, &limit),
        ebs_snapshots::ebs_snapshots(session, region, &limit),
        images::images(session, region, &limit),
    );
    let (db, cluster, buses, apis, tables, file_systems, logs, points) = tokio::join!(
        rds_snapshots::db_snapshots(session, region, &limit),
        rds_snapshots::db_cluster_snapshots(session, region, &limit),
        event_buses::event_buses(session, region),
        rest_apis::rest_apis(session, region),
        dynamodb_tables::dynamodb_tables(session, region, &limit),
        efs_file_systems::efs_file_systems(session, region, &limit),
        logs_policies::logs_policies(session, region),
        access_points::access_points(session, region, &limit),
    );
    for read in [
        kms,
        sqs,
        sns,
        secrets,
        lambda,
        ecr,
        snapshots,
        images,
        db,
        cluster,
        buses,
        apis,
        tables,
        file_systems,
        logs,
        points,
    ] {
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

/// What is kept of a kind shared by attribute: the shared resources, and those whose
/// attribute could not be read (an account's unshared snapshots would only fill the inventory).
fn shared_or_unread(all: Vec<ResourcePolicy>) -> Vec<ResourcePolicy> {
    all.into_iter()
        .filter(|r| !r.shares.is_empty() || r.status != CollectionStatus::Collected)
        .collect()
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
        shares: Vec::new(),
        acl: Vec::new(),
    }
}
