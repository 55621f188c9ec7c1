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
pub const FORMAT_VERSION: u32 = 1;

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
        "inventory `{path}` has format_version {found}, this build reads format_version {FORMAT_VERSION}"
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

/// A service control policy and where it is attached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceControlPolicy {
    /// `p-...`
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aws_managed: bool,
    pub document: PolicyDocument,
    /// Ids of the roots, OUs and accounts it is attached to.
    #[serde(default)]
    pub targets: Vec<String>,
}

/// A policy document as found: the text AWS returned (possibly URL-encoded), or, in
/// hand-written fixtures, the JSON object itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PolicyDocument {
    Text(String),
    Json(serde_json::Value),
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
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

    pub fn from_json(text: &str, shown: &str) -> Result<Inventory, InventoryError> {
        let parse = |e: serde_json::Error| InventoryError::Parse {
            path: shown.to_owned(),
            message: e.to_string(),
        };
        #[derive(Deserialize)]
        struct Header {
            format_version: Option<serde_json::Value>,
        }
        let header: Header = serde_json::from_str(text).map_err(parse)?;
        match header.format_version {
            None => {
                return Err(InventoryError::Parse {
                    path: shown.to_owned(),
                    message: "missing field `format_version`".to_owned(),
                });
            }
            Some(v) if v.as_u64() != Some(u64::from(FORMAT_VERSION)) => {
                return Err(InventoryError::Version {
                    path: shown.to_owned(),
                    found: v.as_u64().unwrap_or(0),
                });
            }
            Some(_) => {}
        }
        serde_json::from_str(text).map_err(parse)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("an inventory always serializes")
    }
}
