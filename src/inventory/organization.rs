//! The organization as Organizations gives it: roots, OUs, accounts and the control
//! policies (SCPs, RCPs) attached to them.

use std::collections::BTreeMap;

use super::{CollectionStatus, PolicyDocument};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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
    /// IAM Identity Center. `None`: not read (inventories before format 5), so the people it
    /// assigns to accounts are not scanned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_center: Option<super::IdentityCenter>,
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
