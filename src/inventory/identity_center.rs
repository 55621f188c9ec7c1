//! IAM Identity Center as the organization phase reads it: the instance, its permission sets,
//! the identity store's groups and users, and which of them is assigned which permission set
//! on which account. This is how people reach tenant accounts: an assignment provisions the
//! permission set into the account as an `AWSReservedSSO_<set>_<hex>` role.

use super::{AttachedPolicy, CollectionStatus, PolicyDocument};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// What was read of Identity Center. A failed read, or an instance looked for in a Region
/// where there is none (AWS answers an empty list outside the home Region), is not scanned:
/// "no assignments" is never inferred from an empty answer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityCenter {
    /// The Region read: the instance's home Region. `None` when the configuration declares
    /// that the organization does not use Identity Center (nothing was read).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default)]
    pub status: CollectionStatus,
    #[serde(default)]
    pub instances: Vec<IdentityCenterInstance>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityCenterInstance {
    /// `arn:aws:sso:::instance/ssoins-...`
    pub arn: String,
    /// `d-...`
    pub identity_store_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_account_id: Option<String>,
    #[serde(default)]
    pub permission_sets: Vec<PermissionSet>,
    #[serde(default)]
    pub groups: Vec<IdentityGroup>,
    #[serde(default)]
    pub users: Vec<IdentityUser>,
    #[serde(default)]
    pub assignments: Vec<AccountAssignment>,
}

/// A permission set and the policies it provisions into every account it is assigned on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PermissionSet {
    /// `arn:aws:sso:::permissionSet/ssoins-.../ps-...`
    pub arn: String,
    pub name: String,
    /// The inline policy, provisioned as the role's `AwsSSOInlinePolicy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inline_policy: Option<PolicyDocument>,
    /// AWS-managed policies, by ARN (their documents are AWS's, not read per account).
    #[serde(default)]
    pub managed_policies: Vec<AttachedPolicy>,
    /// Customer-managed policies, by name and path: each account holds its own policy of
    /// that name, read with the account's IAM.
    #[serde(default)]
    pub customer_managed_policies: Vec<PolicyReference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions_boundary: Option<PermissionsBoundary>,
}

impl PermissionSet {
    /// The name prefix of the role an assignment provisions: `AWSReservedSSO_<name>_`
    /// followed by 16 hex digits chosen by AWS.
    pub fn role_prefix(&self) -> String {
        format!("AWSReservedSSO_{}_", self.name)
    }

    /// Whether `role_name` is the role this permission set provisions.
    pub fn provisions(&self, role_name: &str, role_path: &str) -> bool {
        role_path.starts_with("/aws-reserved/sso.amazonaws.com/")
            && role_name
                .strip_prefix(&self.role_prefix())
                .is_some_and(|hex| hex.len() == 16 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyReference {
    pub name: String,
    #[serde(default = "root_path")]
    pub path: String,
}

fn root_path() -> String {
    "/".to_owned()
}

/// A permission set's permissions boundary: an AWS-managed policy, or a customer-managed one
/// by name and path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PermissionsBoundary {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_policy_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_managed: Option<PolicyReference>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityGroup {
    pub id: String,
    pub display_name: String,
    /// The ids of the users in the group.
    #[serde(default)]
    pub members: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityUser {
    pub id: String,
    pub user_name: String,
}

/// One permission set assigned to one user or group on one account.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountAssignment {
    pub account_id: String,
    pub permission_set_arn: String,
    pub principal_type: AssignedPrincipal,
    pub principal_id: String,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AssignedPrincipal {
    User,
    Group,
}

impl IdentityCenterInstance {
    pub fn group(&self, id: &str) -> Option<&IdentityGroup> {
        self.groups.iter().find(|g| g.id == id)
    }

    pub fn user(&self, id: &str) -> Option<&IdentityUser> {
        self.users.iter().find(|u| u.id == id)
    }

    pub fn permission_set(&self, arn: &str) -> Option<&PermissionSet> {
        self.permission_sets.iter().find(|p| p.arn == arn)
    }
}
