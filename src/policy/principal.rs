//! Who a principal (or a narrowing condition) stands for, in terms of accounts.

use serde::Serialize;

use super::pattern;
use super::variables::Scope;

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
    /// A SAML or OIDC provider, or a web identity provider name. `account` is the account
    /// that holds the provider, when it is an IAM provider ARN of the policy's partition:
    /// whoever administers that account decides whose tokens the provider accepts.
    Federated {
        provider: String,
        account: Option<String>,
    },
    /// An account of another partition (`arn:aws-cn:...` in an `aws` policy): account ids
    /// are per partition, so it is not the organization's account of the same id.
    Foreign {
        partition: String,
        id: String,
        principal: String,
    },
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
    /// A condition value with a policy variable tenantguard does not know.
    UnknownVariable,
}

impl Trustee {
    pub fn account(id: &str, principal: &str) -> Trustee {
        Trustee::Account {
            id: id.to_owned(),
            principal: principal.to_owned(),
        }
    }

    pub(crate) fn unresolved(value: &str, reason: Unresolved) -> Trustee {
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
pub fn aws_principal(value: &str, scope: &Scope<'_>) -> Trustee {
    if value == "*" {
        return Trustee::AnyAccount;
    }
    if is_account_id(value) {
        return Trustee::account(value, "root");
    }
    if is_unique_id(value) {
        return Trustee::unresolved(value, Unresolved::UniqueId);
    }
    match principal_arn(value, scope) {
        Some(trustee) => trustee,
        None => Trustee::unresolved(value, Unresolved::UnknownForm),
    }
}

/// `arn:<partition>:iam::<acct>:root|role/..|user/..|federated-user/..` or
/// `arn:<partition>:sts::<acct>:assumed-role/<role>/<session>|federated-user/..`.
fn principal_arn(value: &str, scope: &Scope<'_>) -> Option<Trustee> {
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
    let principal = if resource == "root" { "root" } else { value };
    known.then(|| in_partition(partition, account, principal, scope))
}

/// An account of the policy's own partition, or a [`Trustee::Foreign`] one.
fn in_partition(partition: &str, account: &str, principal: &str, scope: &Scope<'_>) -> Trustee {
    if partition == scope.partition {
        Trustee::account(account, principal)
    } else {
        Trustee::Foreign {
            partition: partition.to_owned(),
            id: account.to_owned(),
            principal: principal.to_owned(),
        }
    }
}

/// Whether some IAM or STS principal's ARN may match `pattern` (an `aws:PrincipalArn` value):
/// `arn:aws:s3:::bucket` or `arn:aws:iam::111122223333:policy/x` never does. A value that is
/// not ARN-shaped at all is left to [`arn_pattern`] (`*`, or unresolved).
pub fn may_be_principal_arn(pattern: &str) -> bool {
    let parts: Vec<&str> = pattern.splitn(6, ':').collect();
    let [arn, _, service, _, _, resource] = parts[..] else {
        return true;
    };
    let literal_head = |p: &str| p.split(['*', '?']).next().unwrap_or("").to_owned();
    let could_be = |p: &str, candidates: &[&str]| {
        let head = literal_head(p);
        let whole = !pattern::has_wildcard(p);
        candidates.iter().any(|c| {
            if whole {
                p == *c || (c.ends_with('/') && p.starts_with(c))
            } else {
                c.starts_with(&head) || head.starts_with(c)
            }
        })
    };
    pattern::matches(arn, "arn")
        && (pattern::matches(service, "iam") || pattern::matches(service, "sts"))
        && could_be(
            resource,
            &["root", "role/", "user/", "assumed-role/", "federated-user/"],
        )
}

/// Resolves an ARN pattern from `aws:PrincipalArn`: the account part decides the trustee.
pub fn arn_pattern(value: &str, scope: &Scope<'_>) -> Trustee {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    if parts.len() != 6 || parts[0] != "arn" {
        return if value == "*" {
            Trustee::AnyAccount
        } else {
            Trustee::unresolved(value, Unresolved::UnknownForm)
        };
    }
    let (partition, account) = (parts[1], parts[4]);
    if !pattern::has_wildcard(partition) && !PARTITIONS.contains(&partition) {
        Trustee::unresolved(value, Unresolved::UnknownForm)
    } else if is_account_id(account) {
        let principal = if parts[5] == "root" { "root" } else { value };
        if pattern::matches(partition, scope.partition) {
            Trustee::account(account, principal)
        } else {
            in_partition(partition, account, principal, scope)
        }
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
pub fn typed_principal(kind: &str, value: &str, scope: &Scope<'_>) -> Trustee {
    match kind {
        "AWS" => aws_principal(value, scope),
        "Service" => Trustee::Service {
            name: value.to_owned(),
        },
        "Federated" => federated(value, scope),
        _ => Trustee::unresolved(&format!("{kind}:{value}"), Unresolved::UnknownForm),
    }
}

/// A `Federated` principal: an IAM identity provider ARN
/// (`arn:<partition>:iam::<acct>:saml-provider/..` or `oidc-provider/..`) names the account
/// that holds it; a web identity provider name (`accounts.google.com`) names no account.
fn federated(value: &str, scope: &Scope<'_>) -> Trustee {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    let provider = |account: Option<&str>| Trustee::Federated {
        provider: value.to_owned(),
        account: account.map(str::to_owned),
    };
    match parts[..] {
        [arn, partition, "iam", "", account, resource]
            if arn == "arn"
                && PARTITIONS.contains(&partition)
                && is_account_id(account)
                && (resource.starts_with("saml-provider/")
                    || resource.starts_with("oidc-provider/")) =>
        {
            if partition == scope.partition {
                provider(Some(account))
            } else {
                in_partition(partition, account, value, scope)
            }
        }
        _ if value.starts_with("arn:") => Trustee::unresolved(value, Unresolved::UnknownForm),
        _ => provider(None),
    }
}
