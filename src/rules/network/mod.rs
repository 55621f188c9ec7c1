//! The network rules: every way one tenant's network reaches another's (peering, transit
//! gateway routes, shared subnets, RAM shares, PrivateLink, security-group references), and
//! what they share: which isolation zone an account is in.

use std::fmt;

use crate::rules::Context;
use crate::tenants::Owner;

pub mod cross_tenant_peering;
pub mod cross_tenant_privatelink;
pub mod cross_tenant_ram_share;
pub mod cross_tenant_sg_reference;
pub mod cross_tenant_subnet_share;
pub mod cross_tenant_tgw_route;
pub mod external_peering;
pub mod external_ram_share;
pub mod peering;

/// The isolation zone of an account: a tenant (all its accounts), the platform (all its
/// accounts), an unmapped account (a zone of its own: nobody said whose it is), or an
/// account outside the organization.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Zone {
    Tenant(String),
    Platform,
    Unmapped(String),
    Outside(String),
}

pub fn zone(cx: &Context<'_>, account: &str) -> Zone {
    match cx.tenants.owner(account) {
        Owner::Tenant(t) => Zone::Tenant(t),
        Owner::Platform(_) => Zone::Platform,
        Owner::Unmapped => Zone::Unmapped(account.to_owned()),
        Owner::ThirdParty(_) | Owner::External => Zone::Outside(account.to_owned()),
    }
}

impl Zone {
    pub fn tenant(&self) -> Option<&str> {
        match self {
            Zone::Tenant(t) => Some(t),
            _ => None,
        }
    }

    /// For messages: `tenant `acme``, `the platform`, or the account described.
    pub fn describe(&self, cx: &Context<'_>) -> String {
        match self {
            Zone::Tenant(t) => format!("tenant `{t}`"),
            Zone::Platform => "the platform".to_owned(),
            Zone::Unmapped(a) | Zone::Outside(a) => cx.tenants.describe(a),
        }
    }
}

impl fmt::Display for Zone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Zone::Tenant(t) => write!(f, "tenant:{t}"),
            Zone::Platform => f.write_str("platform"),
            Zone::Unmapped(a) => write!(f, "unmapped:{a}"),
            Zone::Outside(a) => write!(f, "outside:{a}"),
        }
    }
}

/// The account an allowed principal names: a bare account id, or an IAM ARN
/// (`arn:aws:iam::<acct>:root`, a role or user). `None` for `*` and other forms.
pub fn principal_account(value: &str) -> Option<String> {
    let is_account = |s: &str| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
    if is_account(value) {
        return Some(value.to_owned());
    }
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    match parts[..] {
        ["arn", _, "iam" | "sts", "", account, _] if is_account(account) => {
            Some(account.to_owned())
        }
        _ => None,
    }
}
