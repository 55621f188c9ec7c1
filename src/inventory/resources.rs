//! Resources with a resource-based policy, or shared by an attribute (EBS snapshots, AMIs),
//! per region, and which types could be read.

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
    /// Shared by its `createVolumePermission` attribute, not a policy.
    EbsSnapshot,
    /// Shared by its `launchPermission` attribute (accounts, the organization, OUs, everyone).
    MachineImage,
    /// An RDS DB snapshot, shared by its `restore` attribute (accounts or `all`).
    DbSnapshot,
    /// An RDS (Aurora) cluster snapshot, shared by its `restore` attribute.
    DbClusterSnapshot,
    EventBus,
    /// An API Gateway REST API's resource policy.
    RestApi,
    DynamodbTable,
    EfsFileSystem,
    /// A CloudWatch Logs resource policy (account-wide in its region).
    LogsResourcePolicy,
    /// An S3 access point's policy (a request through it needs its bucket's policy too).
    S3AccessPoint,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 17] = [
        ResourceKind::S3Bucket,
        ResourceKind::KmsKey,
        ResourceKind::SqsQueue,
        ResourceKind::SnsTopic,
        ResourceKind::Secret,
        ResourceKind::LambdaFunction,
        ResourceKind::EcrRepository,
        ResourceKind::EbsSnapshot,
        ResourceKind::MachineImage,
        ResourceKind::DbSnapshot,
        ResourceKind::DbClusterSnapshot,
        ResourceKind::EventBus,
        ResourceKind::RestApi,
        ResourceKind::DynamodbTable,
        ResourceKind::EfsFileSystem,
        ResourceKind::LogsResourcePolicy,
        ResourceKind::S3AccessPoint,
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
            ResourceKind::EbsSnapshot => "EBS snapshot",
            ResourceKind::MachineImage => "AMI",
            ResourceKind::DbSnapshot => "RDS snapshot",
            ResourceKind::DbClusterSnapshot => "RDS cluster snapshot",
            ResourceKind::EventBus => "EventBridge event bus",
            ResourceKind::RestApi => "API Gateway REST API",
            ResourceKind::DynamodbTable => "DynamoDB table",
            ResourceKind::EfsFileSystem => "EFS file system",
            ResourceKind::LogsResourcePolicy => "CloudWatch Logs resource policy",
            ResourceKind::S3AccessPoint => "S3 access point",
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
            ResourceKind::EbsSnapshot => "ec2/snapshot",
            ResourceKind::MachineImage => "ec2/image",
            ResourceKind::DbSnapshot => "rds/snapshot",
            ResourceKind::DbClusterSnapshot => "rds/cluster-snapshot",
            ResourceKind::EventBus => "events/event-bus",
            ResourceKind::RestApi => "apigateway/restapi",
            ResourceKind::DynamodbTable => "dynamodb/table",
            ResourceKind::EfsFileSystem => "elasticfilesystem/file-system",
            ResourceKind::LogsResourcePolicy => "logs/resource-policy",
            ResourceKind::S3AccessPoint => "s3/accesspoint",
        }
    }

    /// What a share of this kind lets its recipient do, as IAM names it (shares carry no
    /// actions of their own): for a snapshot, make a volume of it or copy it; for an AMI,
    /// launch or copy it. Either reads the whole disk.
    pub fn shared_actions(self) -> &'static [&'static str] {
        match self {
            ResourceKind::EbsSnapshot => &["ec2:CreateVolume", "ec2:CopySnapshot"],
            ResourceKind::MachineImage => &["ec2:RunInstances", "ec2:CopyImage"],
            ResourceKind::DbSnapshot => {
                &["rds:RestoreDBInstanceFromDBSnapshot", "rds:CopyDBSnapshot"]
            }
            ResourceKind::DbClusterSnapshot => &[
                "rds:RestoreDBClusterFromSnapshot",
                "rds:CopyDBClusterSnapshot",
            ],
            _ => &[],
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
    /// Whom the resource is shared with by attribute (a snapshot's or an AMI's permissions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shares: Vec<SharedWith>,
    /// An S3 bucket's ACL grants (`GetBucketAcl`), the owner's own included.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub acl: Vec<AclGrant>,
}

/// One grant of an S3 access control list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AclGrant {
    pub grantee: AclGrantee,
    /// `READ`, `WRITE`, `READ_ACP`, `WRITE_ACP` or `FULL_CONTROL`.
    pub permission: String,
}

/// Whom an ACL grant names: an account by its canonical user id, a predefined group (all
/// users, authenticated users, log delivery) by URI, or an account by e-mail address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum AclGrantee {
    CanonicalUser { id: String },
    Group { uri: String },
    Email { address: String },
}

/// One entry of a sharing attribute, as AWS lists it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "with", rename_all = "snake_case", deny_unknown_fields)]
pub enum SharedWith {
    /// One AWS account (`UserId`).
    Account { id: String },
    /// The group `all`: every AWS account.
    Everyone,
    /// Every account of an organization (`OrganizationArn`).
    Organization { arn: String },
    /// Every account under an OU (`OrganizationalUnitArn`).
    OrganizationalUnit { arn: String },
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
    /// AWS ignores public ACL grants (all users, authenticated users) while this is on.
    /// Absent from inventories before format 5: taken as off.
    #[serde(default)]
    pub ignore_public_acls: bool,
}
