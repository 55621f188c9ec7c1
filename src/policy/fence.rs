//! Denies in trust and resource policies, judged for each grant: what a Deny certainly takes
//! away from the principals an Allow admits.
//!
//! IAM applies a Deny to a request when its principal, action and every condition match. So
//! for the requests of one grant's trustee a Deny is judged three-valued, condition by
//! condition ([`request::holds`]): certainly true, certainly false, or unknown. It takes access
//! away only where it certainly applies; a Deny that may not apply (a condition on the network
//! path, `aws:SourceVpce`, `aws:SourceIp`, `aws:SecureTransport`, `aws:ViaAWSService`; on tags
//! the caller chooses; on anything not known) removes nobody from who can reach.
//!
//! The exception is a **fence**: a negated test of the caller's identity
//! (`StringNotEquals[IfExists]`, `StringNotLike`, `ArnNotLike`, ... on `aws:PrincipalAccount`,
//! `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`, `aws:PrincipalArn`, `kms:CallerAccount`).
//! Such a Deny applies to every caller outside the named set, so it certainly removes them:
//! the grant's trustee is narrowed to the part inside the set, as the positive test would
//! narrow an Allow. That is AWS's data-perimeter pattern. Several fence keys in one Deny are
//! ANDed, so a caller escapes by matching any of them: the set is their union. For a grant to
//! an AWS service the fence keys are the service-source keys (`aws:SourceAccount`, ...): a
//! one-key fence adds the positive test to the grant's conditions, so the source is read from
//! it as from the Allow's own.

use super::condition::{self, split_operator};
use super::document::{ConditionEntry, Effect, PrincipalElement, Statement};
use super::grant::{Grant, Select, principal_trustees};
use super::pattern;
use super::principal::Trustee;
use super::request::{Known, Request, Truth, holds};
use super::source;
use super::variables::Scope;

/// Keys that say which IAM principal calls, and can fence it.
const IDENTITY_KEYS: [&str; 5] = [
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalarn",
    "kms:calleraccount",
];

/// The positive operator a negated one tests the opposite of, or `None` for an operator that
/// is not a negated string or ARN comparison.
fn positive_of(operator: &str) -> Option<String> {
    let op = split_operator(operator);
    let positive = match op.base.to_ascii_lowercase().as_str() {
        "stringnotequals" => "StringEquals",
        "stringnotequalsignorecase" => "StringEqualsIgnoreCase",
        "stringnotlike" => "StringLike",
        "arnnotequals" => "ArnEquals",
        "arnnotlike" => "ArnLike",
        _ => return None,
    };
    Some(positive.to_owned())
}

/// The positive test a fence entry negates, when the entry is a fence for `trustee`.
fn fence(entry: &ConditionEntry, service: bool) -> Option<ConditionEntry> {
    let key = entry.key.to_ascii_lowercase();
    let fenced = if service {
        source::is_source_key(&key)
    } else {
        IDENTITY_KEYS.contains(&key.as_str())
    };
    (fenced && !entry.values.is_empty()).then_some(())?;
    Some(ConditionEntry {
        operator: positive_of(&entry.operator)?,
        key: entry.key.clone(),
        values: entry.values.clone(),
    })
}

/// What is known of the requests a trustee makes. An IAM principal never carries the
/// service-source keys; a service is not an IAM principal and carries no principal
/// organization.
fn request_of(trustee: &Trustee, partition: &str) -> Request {
    let absent = |r: Request, keys: &[&str]| keys.iter().fold(r, |r, k| r.with(k, Known::Absent));
    match trustee {
        Trustee::Service { name } => {
            let r = Request::default().value("aws:PrincipalIsAWSService", "true");
            let r = if name == "*" {
                r
            } else {
                r.value("aws:PrincipalServiceName", name)
            };
            absent(r, &["aws:PrincipalOrgID", "aws:PrincipalOrgPaths"])
        }
        other => {
            let mut r = Request::default()
                .value("aws:PrincipalIsAWSService", "false")
                .with("aws:PrincipalServiceName", Known::Absent);
            if let Trustee::Account { id, principal } = other {
                r = r
                    .value("aws:PrincipalAccount", id)
                    .value("kms:CallerAccount", id);
                r = if principal != "root" && !pattern::has_wildcard(principal) {
                    r.value("aws:PrincipalArn", principal)
                } else {
                    r.with(
                        "aws:PrincipalArn",
                        Known::ArnInAccount {
                            partition: partition.to_owned(),
                            account: id.clone(),
                        },
                    )
                };
            }
            absent(
                r,
                &[
                    "aws:SourceAccount",
                    "aws:SourceArn",
                    "aws:SourceOwner",
                    "aws:SourceOrgID",
                    "aws:SourceOrgPaths",
                ],
            )
        }
    }
}

/// Whether the Deny's `Principal` covers the whole of `granted`.
fn principal_covers(s: &Statement, granted: &Trustee, scope: &Scope<'_>) -> bool {
    match &s.principal {
        Some((false, PrincipalElement::Everyone)) => true,
        Some((false, element)) => principal_trustees(element, scope)
            .iter()
            .any(|d| covers(d, granted)),
        // `NotPrincipal` with Deny, or no principal: not taken as certain.
        _ => false,
    }
}

pub(super) fn covers(denied: &Trustee, granted: &Trustee) -> bool {
    match (denied, granted) {
        (Trustee::AnyAccount, g) => !matches!(g, Trustee::Service { .. }),
        (
            Trustee::Account {
                id: a,
                principal: p,
            },
            Trustee::Account {
                id: b,
                principal: q,
            },
        ) => a == b && (p == "root" || p == q),
        (d, g) => d == g && !matches!(d, Trustee::Unresolved { .. }),
    }
}

/// Whether the Deny covers every resource the grant names: a Deny on `bucket/private/*`
/// leaves a grant on `bucket/*` standing. A pattern covers a granted one it matches as text
/// (`bucket/*` covers `bucket/*` and `bucket/logs/*`); a grant written with `NotResource` is
/// covered only by a Deny of every resource, and a Deny written with `NotResource` is never
/// taken as certain. A Deny without `Resource` (a trust policy's) covers the role itself.
fn resources_cover(deny: &Statement, granted: &[String]) -> bool {
    let everything = |p: &String| p.chars().all(|c| c == '*');
    match (&deny.resources, &deny.not_resources) {
        (Some(list), _) if list.iter().any(everything) => true,
        (Some(list), _) => {
            !granted.is_empty()
                && granted
                    .iter()
                    .all(|g| list.iter().any(|d| pattern::matches(d, g)))
        }
        (None, Some(_)) => false,
        (None, None) => true,
    }
}

/// What a Deny leaves of a grant: the grant itself when the Deny may not apply, nothing when
/// it certainly applies to every action and every principal of it, else the part it leaves
/// (the actions it does not cover, the principals inside its fence).
pub(super) fn apply(
    deny: &Statement,
    grant: Grant,
    scope: &Scope<'_>,
    select: Select,
) -> Vec<Grant> {
    debug_assert_eq!(deny.effect, Effect::Deny);
    let denied = select(&deny.action, Effect::Deny);
    let (covered, uncovered): (Vec<String>, Vec<String>) = grant
        .actions
        .iter()
        .cloned()
        .partition(|a| denied.iter().any(|d| pattern::matches_ignore_case(d, a)));
    let is_service = matches!(grant.trustee, Trustee::Service { .. });
    // `"*"` in a Deny covers services too.
    let principal = matches!(deny.principal, Some((false, PrincipalElement::Everyone)))
        || principal_covers(deny, &grant.trustee, scope);
    if covered.is_empty() || !principal || !resources_cover(deny, grant.resources()) {
        return vec![grant];
    }
    let request = request_of(&grant.trustee, scope.partition);
    let mut fences: Vec<ConditionEntry> = Vec::new();
    for entry in &deny.conditions {
        if let Some(positive) = fence(entry, is_service) {
            fences.push(positive);
            continue;
        }
        if holds(entry, &request, scope) != Truth::True {
            return vec![grant];
        }
    }
    let mut left: Vec<Grant> = Vec::new();
    if !uncovered.is_empty() {
        left.push(grant.with(
            uncovered,
            grant.trustee.clone(),
            grant.conditions().to_vec(),
        ));
    }
    if fences.is_empty() {
        return left;
    }
    if is_service {
        // One source fence is one more demand on the source; several are an either-or that
        // a grant's conditions cannot carry, so the grant is kept whole.
        let [only] = &fences[..] else {
            return vec![grant];
        };
        let mut conditions = grant.conditions().to_vec();
        conditions.push(only.clone());
        left.push(grant.with(covered, grant.trustee.clone(), conditions));
        return left;
    }
    let mut inside: Vec<Trustee> = Vec::new();
    for positive in &fences {
        let Some(narrowing) = condition::narrowing(positive, scope) else {
            return vec![grant];
        };
        if narrowing
            .allowed
            .iter()
            .any(|t| matches!(t, Trustee::Unresolved { .. }))
        {
            return vec![grant]; // A fence tenantguard cannot read removes nobody for certain.
        }
        inside.extend(
            narrowing
                .allowed
                .iter()
                .filter(|c| !apart(&grant.trustee, c, scope))
                .filter_map(|c| condition::intersect(&grant.trustee, c)),
        );
    }
    inside.sort();
    inside.dedup();
    for trustee in inside {
        left.push(grant.with(covered.clone(), trustee, grant.conditions().to_vec()));
    }
    left
}

/// Whether one side names an account the scope knows is outside the organization and the
/// other this organization (or an OU path in it): such an account is never inside an
/// organization fence.
fn apart(a: &Trustee, b: &Trustee, scope: &Scope<'_>) -> bool {
    let ours = |t: &Trustee| match t {
        Trustee::Organization { id } => !id.is_empty() && id == scope.organization_id,
        Trustee::OrgPath { pattern, .. } => {
            !scope.organization_id.is_empty()
                && pattern.split('/').next() == Some(scope.organization_id)
        }
        _ => false,
    };
    let outsider = |t: &Trustee| matches!(t, Trustee::Account { id, .. } if scope.outside(id));
    (ours(a) && outsider(b)) || (outsider(a) && ours(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_negated_identity_test_is_a_fence_and_a_network_test_is_not() {
        let e = |op: &str, key: &str| ConditionEntry {
            operator: op.into(),
            key: key.into(),
            values: vec!["x".into()],
        };
        assert!(fence(&e("StringNotEqualsIfExists", "aws:PrincipalOrgID"), false).is_some());
        assert!(fence(&e("ArnNotLike", "aws:PrincipalArn"), false).is_some());
        assert!(fence(&e("StringNotEquals", "aws:SourceVpce"), false).is_none());
        assert!(fence(&e("StringEquals", "aws:PrincipalAccount"), false).is_none());
        assert!(fence(&e("StringNotEquals", "aws:SourceAccount"), true).is_some());
        assert!(fence(&e("StringNotEquals", "aws:SourceAccount"), false).is_none());
        assert_eq!(
            fence(&e("StringNotLikeIfExists", "aws:PrincipalArn"), false)
                .unwrap()
                .operator,
            "StringLike"
        );
    }
}
