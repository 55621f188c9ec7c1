//! Resources with a resource-based policy, per region, and which types could be read.

use super::{CollectionStatus, PolicyDocument};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The resource types whose policies are read.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    S3Bucket,
    KmsKey,
    SqsQueue,
    SnsTopic,
    Secret,
    LambdaFunction,
    EcrRepository,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 7] = [
        ResourceKind::S3Bucket,
        ResourceKind::KmsKey,
        ResourceKind::SqsQueue,
        ResourceKind::SnsTopic,
        ResourceKind::Secret,
        ResourceKind::LambdaFunction,
        ResourceKind::EcrRepository,
    ];

    /// How a reader names it: `S3 bucket`, `KMS key`, ...
    pub fn noun(self) -> &'static str {
        match self {
            ResourceKind::S3Bucket => "S3 bucket",
            ResourceKind::KmsKey => "KMS key",
            ResourceKind::SqsQueue => "SQS queue",
            ResourceKind::SnsTopic => "SNS topic",
            ResourceKind::Secret => "secret",
            ResourceKind::LambdaFunction => "Lambda function",
            ResourceKind::EcrRepository => "ECR repository",
        }
    }

    /// The path segment of findings' locations.
    pub fn segment(self) -> &'static str {
        match self {
            ResourceKind::S3Bucket => "s3/bucket",
            ResourceKind::KmsKey => "kms/key",
            ResourceKind::SqsQueue => "sqs/queue",
            ResourceKind::SnsTopic => "sns/topic",
            ResourceKind::Secret => "secretsmanager/secret",
            ResourceKind::LambdaFunction => "lambda/function",
            ResourceKind::EcrRepository => "ecr/repository",
        }
    }
}

/// How reading one resource type went in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceTypeRead {
    pub kind: ResourceKind,
    #[serde(default)]
    pub status: CollectionStatus,
}

impl ResourceTypeRead {
    /// Every type, read: a region whose resources were all listed.
    pub fn all_collected() -> Vec<ResourceTypeRead> {
        ResourceKind::ALL
            .into_iter()
            .map(|kind| ResourceTypeRead {
                kind,
                status: CollectionStatus::Collected,
            })
            .collect()
    }
}

/// One resource and its resource-based policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourcePolicy {
    pub kind: ResourceKind,
    pub arn: String,
    /// Whether its policy (and grants, access block) could be read: a resource that could
    /// not be is not scanned.
    #[serde(default)]
    pub status: CollectionStatus,
    /// The policy, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyDocument>,
    /// KMS grants (`ListGrants`): each lets its grantee use the key for its operations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub grants: Vec<KmsGrant>,
    /// S3 Block Public Access of the bucket, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_access_block: Option<PublicAccessBlock>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KmsGrant {
    pub id: String,
    /// The principal the grant lets use the key (an ARN, or a service principal).
    pub grantee_principal: String,
    pub operations: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicAccessBlock {
    pub block_public_policy: bool,
    /// AWS ignores public grants for callers outside the account while this is on.
    pub restrict_public_buckets: bool,
}
