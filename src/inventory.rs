//! The collected state of an AWS Organization: what `collect` writes and `evaluate` reads.
//!
//! The inventory is data only. It never judges: whether a trust or a peering is a problem is
//! decided by the rules, from this and the configuration. Everything that can fail to be read
//! carries a [`CollectionStatus`], so that an unreadable account or region can never be mistaken
//! for a clean one.

use std::collections::BTreeMap;
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The inventory format this build reads and writes. Bump on any incompatible change.
/// Version 2 added transit gateways (with route tables), RAM shares, endpoint services and
/// security-group references to each region: a version 1 inventory never read them, so it
/// cannot prove their absence and is refused (collect again). Version 3 added each root's
/// enabled policy types and resource control policies (RCPs) beside the SCPs; a version 2
/// inventory still loads: it knows nothing of RCPs, so no finding is marked blocked by one.
/// Version 4 added resource policies (S3, KMS, SQS, SNS, Secrets Manager, Lambda, ECR) to
/// each region, with a read status per resource type; older inventories still load, and
/// every region of theirs is reported not scanned for resource policies.
pub const FORMAT_VERSION: u32 = 4;

/// The oldest format this build still reads.
pub const OLDEST_READABLE: u32 = 2;

fn readable(version: u64) -> bool {
    (u64::from(OLDEST_READABLE)..=u64::from(FORMAT_VERSION)).contains(&version)
}

/// Why an inventory file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum InventoryError {
    #[error("cannot read inventory `{path}`: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid inventory `{path}`: {message}")]
    Parse { path: String, message: String },
    #[error(
        "inventory `{path}` has format_version {found}, this build reads format_version {OLDEST_READABLE} to {FORMAT_VERSION}: collect it again with this build"
    )]
    Version { path: String, found: u64 },
}

/// Everything one scan knows about the organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Inventory {
    /// Always [`FORMAT_VERSION`] for files this build writes.
    pub format_version: u32,
    /// When collection finished (RFC 3339), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<String>,
    /// The regions collection was asked to read in every account. An account without a record
    /// for one of them was not scanned there. Empty when each account was read in the regions
    /// it has enabled.
    pub regions: Vec<String>,
    /// Active accounts deliberately left out of this collection (a filter on the command
    /// line, a shard): not scanned, but on purpose, so not an incomplete scan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub out_of_scope: Vec<String>,
    /// The organization-wide data, read once from the management (or delegated admin) account.
    pub organization: Organization,
    /// What was collected in each account.
    pub accounts: Vec<AccountInventory>,
    /// Only in an inventory a Terraform plan was overlaid on: the planned changes whose
    /// effect cannot be known before apply (reported `unverifiable-change`, never passed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unverifiable_changes: Vec<UnverifiableChange>,
}

/// A planned change whose effect on isolation cannot be known from the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnverifiableChange {
    /// The Terraform resource address.
    pub address: String,
    pub resource_type: String,
    pub reason: String,
}

/// The AWS Organization: its tree, its accounts and its service control policies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// The organization id (`o-...`).
    pub id: String,
    pub management_account_id: String,
    /// Whether the organization-wide reads succeeded.
    #[serde(default)]
    pub status: CollectionStatus,
    pub roots: Vec<Root>,
    #[serde(default)]
    pub organizational_units: Vec<OrganizationalUnit>,
    pub accounts: Vec<Account>,
    #[serde(default)]
    pub policies: Vec<ServiceControlPolicy>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Root {
    /// `r-...`
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// The policy types enabled in the organization (`SERVICE_CONTROL_POLICY`,
    /// `RESOURCE_CONTROL_POLICY`, ...), as `ListRoots` gives them. `None` when not read
    /// (inventories before format 3): SCPs are then taken as enabled, RCPs as unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_types: Option<Vec<String>>,
}

impl Root {
    /// Whether policies of `kind` take effect in the organization.
    pub fn enables(&self, kind: PolicyKind) -> bool {
        match &self.policy_types {
            Some(types) => types.iter().any(|t| t == kind.as_str()),
            None => kind == PolicyKind::ServiceControlPolicy,
        }
    }
}

/// The kinds of organization policy tenantguard reads.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PolicyKind {
    /// Maximum permissions of the principals in an account.
    #[default]
    ServiceControlPolicy,
    /// Maximum permissions on the resources in an account, for any caller.
    ResourceControlPolicy,
}

impl PolicyKind {
    fn is_scp(&self) -> bool {
        *self == PolicyKind::ServiceControlPolicy
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::ServiceControlPolicy => "SERVICE_CONTROL_POLICY",
            PolicyKind::ResourceControlPolicy => "RESOURCE_CONTROL_POLICY",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationalUnit {
    /// `ou-...`
    pub id: String,
    pub name: String,
    /// The root or OU this OU sits in.
    pub parent_id: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// Twelve digits, kept as a string: ids may start with zeros.
    pub id: String,
    pub name: String,
    pub status: AccountStatus,
    /// The root or OU the account sits in.
    pub parent_id: String,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccountStatus {
    Active,
    Suspended,
    PendingClosure,
}

/// A service or resource control policy and where it is attached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceControlPolicy {
    /// `p-...`
    pub id: String,
    pub name: String,
    /// SCP unless said otherwise (inventories before format 3 hold only SCPs).
    #[serde(default, rename = "type", skip_serializing_if = "PolicyKind::is_scp")]
    pub kind: PolicyKind,
    #[serde(default)]
    pub aws_managed: bool,
    pub document: PolicyDocument,
    /// Ids of the roots, OUs and accounts it is attached to.
    #[serde(default)]
    pub targets: Vec<String>,
}

impl ServiceControlPolicy {
    /// Whether this is the SCP a `required_scps` entry names (by id or name). An RCP of the
    /// same name is not: it bounds what is done to resources, not what principals may do.
    pub fn is_required_scp(&self, required: &str) -> bool {
        self.kind == PolicyKind::ServiceControlPolicy
            && (self.id == required || self.name == required)
    }
}

/// A policy document as found: the text AWS returned (possibly URL-encoded), or, in
/// hand-written fixtures, the JSON object itself.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum PolicyDocument {
    Text(String),
    Json(serde_json::Value),
}

/// By hand rather than `untagged`: serde's untagged enums buffer every value before trying
/// each variant, and an inventory holds a document per role and policy (half a million in a
/// large organization). A string is the text; anything else is the JSON as written.
impl<'de> Deserialize<'de> for PolicyDocument {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = PolicyDocument;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a policy document: its text, or its JSON object")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(PolicyDocument::Text(v.to_owned()))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(PolicyDocument::Text(v))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<Self::Value, A::Error> {
                let value = serde_json::Value::deserialize(
                    serde::de::value::MapAccessDeserializer::new(map),
                )?;
                Ok(PolicyDocument::Json(value))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<Self::Value, A::Error> {
                let value = serde_json::Value::deserialize(
                    serde::de::value::SeqAccessDeserializer::new(seq),
                )?;
                Ok(PolicyDocument::Json(value))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(PolicyDocument::Json(v.into()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(PolicyDocument::Json(v.into()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(PolicyDocument::Json(v.into()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(PolicyDocument::Json(v.into()))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(PolicyDocument::Json(serde_json::Value::Null))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// Whether a part of the inventory was read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CollectionStatus {
    #[default]
    Collected,
    Failed {
        /// What went wrong, as the collector saw it.
        error: String,
    },
}

impl CollectionStatus {
    pub fn failure(&self) -> Option<&str> {
        match self {
            CollectionStatus::Collected => None,
            CollectionStatus::Failed { error } => Some(error),
        }
    }
}

/// What was collected inside one member account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountInventory {
    pub account_id: String,
    /// Status of the account-wide (IAM) part; a failure here means no region was read either.
    #[serde(default)]
    pub status: CollectionStatus,
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub regions: Vec<RegionInventory>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub name: String,
    pub arn: String,
    #[serde(default = "default_path")]
    pub path: String,
    /// The trust policy (`AssumeRolePolicyDocument`).
    pub trust_policy: PolicyDocument,
    #[serde(default)]
    pub attached_policies: Vec<AttachedPolicy>,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
}

fn default_path() -> String {
    "/".to_owned()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachedPolicy {
    pub arn: String,
    pub name: String,
    /// The default version's document, when it was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<PolicyDocument>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InlinePolicy {
    pub name: String,
    pub document: PolicyDocument,
}

/// What was collected in one region of one account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionInventory {
    pub region: String,
    #[serde(default)]
    pub status: CollectionStatus,
    #[serde(default)]
    pub vpcs: Vec<Vpc>,
    #[serde(default)]
    pub peering_connections: Vec<PeeringConnection>,
    #[serde(default)]
    pub transit_gateway_attachments: Vec<TransitGatewayAttachment>,
    #[serde(default)]
    pub subnets: Vec<Subnet>,
    /// Transit gateways this account owns, with their route tables.
    #[serde(default)]
    pub transit_gateways: Vec<TransitGateway>,
    /// AWS RAM shares this account owns.
    #[serde(default)]
    pub resource_shares: Vec<ResourceShare>,
    /// PrivateLink endpoint services this account offers.
    #[serde(default)]
    pub endpoint_services: Vec<EndpointService>,
    /// Security groups with rules naming another account's group.
    #[serde(default)]
    pub security_groups: Vec<SecurityGroup>,
    /// Which resource types' policies were read here, and how that went: a type without a
    /// record was not read, so its resources are not scanned, never clean.
    #[serde(default)]
    pub resource_types: Vec<ResourceTypeRead>,
    /// The resources with a resource-based policy (or KMS grants) read in this region.
    #[serde(default)]
    pub resources: Vec<ResourcePolicy>,
}

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

/// A transit gateway the account owns, with what only its owner sees: its route tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitGateway {
    /// `tgw-...`
    pub id: String,
    pub owner_id: String,
    #[serde(default)]
    pub state: String,
    /// `DefaultRouteTableAssociation`: a new attachment is associated with the default table.
    pub default_association: bool,
    /// `DefaultRouteTablePropagation`: a new attachment propagates into the default table.
    pub default_propagation: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub association_default_route_table_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagation_default_route_table_id: Option<String>,
    #[serde(default)]
    pub auto_accept_shared_attachments: bool,
    #[serde(default)]
    pub route_tables: Vec<TransitGatewayRouteTable>,
}

/// A transit-gateway route table: who enters through it (associations), who propagates into
/// it, and its routes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitGatewayRouteTable {
    /// `tgw-rtb-...`
    pub id: String,
    /// Attachment ids associated with the table (traffic from them is routed by it).
    #[serde(default)]
    pub associations: Vec<String>,
    /// Attachment ids propagating their routes into the table.
    #[serde(default)]
    pub propagations: Vec<String>,
    #[serde(default)]
    pub routes: Vec<TransitGatewayRoute>,
    /// `SearchTransitGatewayRoutes` said more routes exist than it returned.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub routes_truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitGatewayRoute {
    /// A CIDR block or a prefix list id.
    pub destination: String,
    /// `static` or `propagated`.
    pub route_type: String,
    /// `active` or `blackhole`.
    pub state: String,
    /// The attachments the route leads to.
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// An AWS RAM share the account owns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceShare {
    pub arn: String,
    pub name: String,
    pub owner_id: String,
    /// `ACTIVE`, `PENDING`, `DELETED`, ...
    pub status: String,
    pub allow_external_principals: bool,
    /// Account ids, OU ARNs, the organization ARN, IAM role or user ARNs.
    #[serde(default)]
    pub principals: Vec<String>,
    #[serde(default)]
    pub resources: Vec<SharedResource>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SharedResource {
    pub arn: String,
    /// `ec2:Subnet`, `ec2:TransitGateway`, ...
    pub resource_type: String,
}

impl SharedResource {
    /// RAM's resource type from an ARN: `arn:aws:ec2:r:a:subnet/...` is `ec2:Subnet`,
    /// `...:transit-gateway/...` is `ec2:TransitGateway`; empty for what is not an ARN.
    pub fn type_of(arn: &str) -> String {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let (Some(service), Some(resource)) = (parts.get(2), parts.get(5)) else {
            return String::new();
        };
        let kind = resource.split(['/', ':']).next().unwrap_or_default();
        let camel: String = kind
            .split('-')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect();
        format!("{service}:{camel}")
    }
}

/// A PrivateLink endpoint service the account offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointService {
    /// `vpce-svc-...`
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub acceptance_required: bool,
    /// ARNs (`arn:aws:iam::<acct>:root`, roles), or `*` for every AWS account.
    #[serde(default)]
    pub allowed_principals: Vec<String>,
}

/// A security group with rules that name another account's group (groups naming no other
/// account are not recorded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroup {
    /// `sg-...`
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub vpc_id: String,
    pub owner_id: String,
    pub references: Vec<GroupReference>,
}

/// A rule's reference to another account's security group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupReference {
    /// `ingress` or `egress`.
    pub direction: String,
    /// The other group's account.
    pub user_id: String,
    pub group_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peering_connection_id: Option<String>,
    #[serde(default)]
    pub protocol: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vpc {
    pub id: String,
    pub owner_id: String,
    #[serde(default)]
    pub cidr_block: String,
    #[serde(default)]
    pub is_default: bool,
}

/// A VPC peering connection, as `DescribeVpcPeeringConnections` shows it to either side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeeringConnection {
    /// `pcx-...`
    pub id: String,
    /// `active`, `pending-acceptance`, `provisioning`, `rejected`, `deleted`, ...
    pub status: String,
    pub requester: PeeringSide,
    pub accepter: PeeringSide,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeeringSide {
    pub account_id: String,
    pub vpc_id: String,
    pub region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitGatewayAttachment {
    /// `tgw-attach-...`
    pub id: String,
    pub transit_gateway_id: String,
    pub transit_gateway_owner_id: String,
    pub resource_owner_id: String,
    /// `vpc`, `vpn`, `peering`, ...
    pub resource_type: String,
    #[serde(default)]
    pub resource_id: String,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    /// The account that owns the subnet; differs from the viewing account when it is shared.
    pub owner_id: String,
    #[serde(default)]
    pub cidr_block: String,
    #[serde(default)]
    pub availability_zone: String,
}

impl Inventory {
    /// Reads and checks an inventory file. The version is checked before the body is
    /// interpreted, so an old file gets a version error rather than a confusing field error.
    pub fn load(path: &Path) -> Result<Inventory, InventoryError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| InventoryError::Read {
            path: shown.clone(),
            source,
        })?;
        Self::from_json(&text, &shown)
    }

    /// Parses an inventory in one pass; only when that fails is the header read again, to
    /// tell a file of another format version from a damaged one.
    pub fn from_json(text: &str, shown: &str) -> Result<Inventory, InventoryError> {
        let parse = |e: serde_json::Error| InventoryError::Parse {
            path: shown.to_owned(),
            message: e.to_string(),
        };
        #[derive(Deserialize)]
        struct Header {
            format_version: Option<serde_json::Value>,
        }
        let version_error = |header: Header| match header.format_version {
            None => Some(InventoryError::Parse {
                path: shown.to_owned(),
                message: "missing field `format_version`".to_owned(),
            }),
            Some(v) if !v.as_u64().is_some_and(readable) => Some(InventoryError::Version {
                path: shown.to_owned(),
                found: v.as_u64().unwrap_or(0),
            }),
            Some(_) => None,
        };
        match serde_json::from_str::<Inventory>(text) {
            Ok(inventory) if readable(u64::from(inventory.format_version)) => Ok(inventory),
            Ok(inventory) => Err(InventoryError::Version {
                path: shown.to_owned(),
                found: u64::from(inventory.format_version),
            }),
            Err(e) => {
                let header: Header = serde_json::from_str(text).map_err(parse)?;
                Err(version_error(header).unwrap_or_else(|| parse(e)))
            }
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("an inventory always serializes")
    }
}
