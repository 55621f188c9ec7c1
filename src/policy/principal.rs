//! Who a principal (or a narrowing condition) stands for, in terms of accounts.

use serde::Serialize;

use super::pattern;

/// What a grant admits, resolved as far as the policy alone allows. Tying an account to a
/// tenant needs the organization and the configuration, and is the rules' job.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Trustee {
    /// Any principal of any AWS account.
    AnyAccount,
    /// Accounts whose id matches a wildcard pattern (`StringLike` on `aws:PrincipalAccount`,
    /// an ARN pattern with a wildcard account).
    AccountPattern { pattern: String },
    /// One account: the whole account (`principal` is `root`) or a principal in it.
    Account { id: String, principal: String },
    /// Every account of organization `id` (`aws:PrincipalOrgID`).
    Organization { id: String },
    /// Every account whose organization path matches (`aws:PrincipalOrgPaths`).
    OrgPath { pattern: String, wildcard: bool },
    /// An AWS service (`*` for any service, from `aws:PrincipalIsAWSService`).
    Service { name: String },
    /// A SAML or OIDC provider, or a web identity provider name.
    Federated { provider: String },
    /// A principal that cannot be tied to an account.
    Unresolved { value: String, reason: Unresolved },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unresolved {
    /// A unique id (`AROA...`, `AIDA...`) in place of an ARN: the principal was deleted.
    UniqueId,
    /// A form tenantguard does not recognise.
    UnknownForm,
}

impl Trustee {
    pub fn account(id: &str, principal: &str) -> Trustee {
        Trustee::Account {
            id: id.to_owned(),
            principal: principal.to_owned(),
        }
    }

    fn unresolved(value: &str, reason: Unresolved) -> Trustee {
        Trustee::Unresolved {
            value: value.to_owned(),
            reason,
        }
    }
}

const PARTITIONS: [&str; 3] = ["aws", "aws-cn", "aws-us-gov"];

pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// IAM unique ids: a four-letter type prefix (`AROA` role, `AIDA` user, `AGPA` group, ...)
/// then upper-case letters and digits.
fn is_unique_id(s: &str) -> bool {
    s.len() >= 16
        && s.starts_with('A')
        && s[..4].bytes().all(|b| b.is_ascii_uppercase())
        && s.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Resolves one value of `Principal.AWS`.
pub fn aws_principal(value: &str) -> Trustee {
    if value == "*" {
        return Trustee::AnyAccount;
    }
    if is_account_id(value) {
        return Trustee::account(value, "root");
    }
    if is_unique_id(value) {
        return Trustee::unresolved(value, Unresolved::UniqueId);
    }
    match principal_arn(value) {
        Some(trustee) => trustee,
        None => Trustee::unresolved(value, Unresolved::UnknownForm),
    }
}

/// `arn:<partition>:iam::<acct>:root|role/..|user/..|federated-user/..` or
/// `arn:<partition>:sts::<acct>:assumed-role/<role>/<session>|federated-user/..`.
fn principal_arn(value: &str) -> Option<Trustee> {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let [arn, partition, service, region, account, resource] = parts[..] else {
        return None;
    };
    if arn != "arn" || !PARTITIONS.contains(&partition) || !region.is_empty() {
        return None;
    }
    if !is_account_id(account) {
        return None;
    }
    let known = match service {
        "iam" => {
            resource == "root"
                || ["role/", "user/", "federated-user/"]
                    .iter()
                    .any(|p| resource.starts_with(p))
        }
        "sts" => resource.starts_with("assumed-role/") || resource.starts_with("federated-user/"),
        _ => false,
    };
    known.then(|| Trustee::account(account, if resource == "root" { "root" } else { value }))
}

/// Resolves an ARN pattern from `aws:PrincipalArn`: the account part decides the trustee.
pub fn arn_pattern(value: &str) -> Trustee {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" {
        return if value == "*" {
            Trustee::AnyAccount
        } else {
            Trustee::unresolved(value, Unresolved::UnknownForm)
        };
    }
    let account = parts[4];
    if is_account_id(account) {
        let principal = if parts[5] == "root" { "root" } else { value };
        Trustee::account(account, principal)
    } else if account.chars().all(|c| c == '*') && !account.is_empty() {
        Trustee::AnyAccount
    } else if pattern::has_wildcard(account) {
        Trustee::AccountPattern {
            pattern: account.to_owned(),
        }
    } else {
        Trustee::unresolved(value, Unresolved::UnknownForm)
    }
}

/// Resolves a value of `aws:userid`: an account id (the root user), or a unique id prefix
/// (`AROA...:session`), which names a principal without naming its account.
pub fn user_id(value: &str) -> Trustee {
    if value == "*" {
        Trustee::AnyAccount
    } else if is_account_id(value) {
        Trustee::account(value, "root")
    } else {
        let id = value.split(':').next().unwrap_or(value);
        let reason = if is_unique_id(id) {
            Unresolved::UniqueId
        } else {
            Unresolved::UnknownForm
        };
        Trustee::unresolved(value, reason)
    }
}

/// Resolves one `(kind, value)` pair of a `Principal` object.
pub fn typed_principal(kind: &str, value: &str) -> Trustee {
    match kind {
        "AWS" => aws_principal(value),
        "Service" => Trustee::Service {
            name: value.to_owned(),
        },
        "Federated" => Trustee::Federated {
            provider: value.to_owned(),
        },
        _ => Trustee::unresolved(&format!("{kind}:{value}"), Unresolved::UnknownForm),
    }
}
