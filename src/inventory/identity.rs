//! IAM principals of an account and the policies that say what they may do.

use super::PolicyDocument;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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

/// An account's IAM users and groups (inventory format 5). Users are long-lived people or
/// machines of the account; a user's effective identity policies are its own and its groups'.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IamUsers {
    #[serde(default)]
    pub users: Vec<User>,
    #[serde(default)]
    pub groups: Vec<Group>,
    /// How the credential report (who has a password or an active access key) was read.
    /// When it failed, every user is taken as able to sign in.
    #[serde(default)]
    pub credentials: super::CollectionStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct User {
    pub name: String,
    pub arn: String,
    #[serde(default = "default_path")]
    pub path: String,
    /// The names of the groups the user is in.
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub attached_policies: Vec<AttachedPolicy>,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
    /// From the credential report; `None` when it was not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Credentials>,
}

/// Whether a user can act at all: a console password, or an active access key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub password: bool,
    pub active_access_keys: u8,
}

impl Credentials {
    pub fn any(&self) -> bool {
        self.password || self.active_access_keys > 0
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: String,
    pub arn: String,
    #[serde(default)]
    pub attached_policies: Vec<AttachedPolicy>,
    #[serde(default)]
    pub inline_policies: Vec<InlinePolicy>,
}
