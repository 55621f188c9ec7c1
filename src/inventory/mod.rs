//! The collected state of an AWS Organization: what `collect` writes and `evaluate` reads.
//!
//! The inventory is data only. It never judges: whether a trust or a peering is a problem is
//! decided by the rules, from this and the configuration. Everything that can fail to be read
//! carries a [`CollectionStatus`], so that an unreadable account or region can never be mistaken
//! for a clean one.

use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

mod identity;
mod identity_center;
mod network;
mod organization;
mod resources;

pub use identity::*;
pub use identity_center::*;
pub use network::*;
pub use organization::*;
pub use resources::*;

/// The inventory format this build reads and writes. Bump on any incompatible change.
/// Version 2 added transit gateways (with route tables), RAM shares, endpoint services and
/// security-group references to each region: a version 1 inventory never read them, so it
/// cannot prove their absence and is refused (collect again). Version 3 added each root's
/// enabled policy types and resource control policies (RCPs) beside the SCPs; a version 2
/// inventory still loads: it knows nothing of RCPs, so no finding is marked blocked by one.
/// Version 4 added resource policies (S3, KMS, SQS, SNS, Secrets Manager, Lambda, ECR) to
/// each region, with a read status per resource type; older inventories still load, and
/// every region of theirs is reported not scanned for resource policies.
/// Version 5 added the human path: IAM Identity Center (read once, with the organization) and
/// each account's IAM users and groups; older inventories still load, and report both as not
/// scanned.
pub const FORMAT_VERSION: u32 = 5;

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
#[derive(
    Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CollectionStatus {
    #[default]
    Collected,
    Failed {
        /// What went wrong, as the collector saw it.
        error: String,
    },
    /// Not read on purpose: the organization's SCPs certainly deny the audit role a read this
    /// part needs, so every call would only fail. Still unread, so never clean.
    Denied {
        /// Why, in words (as `Failed`'s error).
        error: String,
        /// The denied action.
        action: String,
        /// The SCP that denies it (`None`: nothing attached at `target` allows it).
        policy_id: Option<String>,
        policy: Option<String>,
        /// The root, OU or account the denying SCP is attached to.
        target: String,
    },
}

impl CollectionStatus {
    pub fn failure(&self) -> Option<&str> {
        match self {
            CollectionStatus::Collected => None,
            CollectionStatus::Failed { error } | CollectionStatus::Denied { error, .. } => {
                Some(error)
            }
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
    /// The account-level S3 Block Public Access, which S3 applies to every bucket of the
    /// account on top of the bucket's own. `None`: not read (inventories before format 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_account_block: Option<AccountBlockRead>,
    /// The account's S3 canonical user id (`ListBuckets`' owner), which ACL grants name it by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canonical_user_id: Option<String>,
    /// IAM users and groups, read with the roles. `None`: not read (inventories before
    /// format 5), so the account's users are not scanned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<IamUsers>,
    #[serde(default)]
    pub regions: Vec<RegionInventory>,
}

/// How reading the account's S3 Block Public Access went, and what it is (`None`: none set,
/// every setting off).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountBlockRead {
    #[serde(default)]
    pub status: CollectionStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<PublicAccessBlock>,
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
