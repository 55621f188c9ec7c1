//! Which conditions narrow *who* may assume a role, and to whom.
//!
//! Only a positive string or ARN comparison on a principal key narrows. Negated operators,
//! `Null`, and keys about the request (MFA, source IP, region, tags, `sts:ExternalId`) leave
//! the set of trusted accounts as it was: reading them as narrowing would hide real trusts.

use super::document::ConditionEntry;
use super::pattern;
use super::principal::{self, Trustee};

/// How an operator compares values, when it can narrow at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Comparison {
    /// `StringEquals`: literal, case-sensitive.
    Exact,
    /// `StringEqualsIgnoreCase`.
    ExactIgnoreCase,
    /// `StringLike`, `ArnEquals`, `ArnLike`: `*` and `?` are wildcards.
    Wildcard,
}

/// The operator with its `ForAnyValue:` / `ForAllValues:` prefix and `IfExists` suffix split off.
struct Operator<'a> {
    base: &'a str,
    for_all_values: bool,
    if_exists: bool,
}

fn split_operator(operator: &str) -> Operator<'_> {
    let (for_all_values, rest) = if let Some(rest) = strip_prefix_ci(operator, "ForAllValues:") {
        (true, rest)
    } else if let Some(rest) = strip_prefix_ci(operator, "ForAnyValue:") {
        (false, rest)
    } else {
        (false, operator)
    };
    let (if_exists, base) = match rest.len().checked_sub("IfExists".len()) {
        Some(cut) if rest[cut..].eq_ignore_ascii_case("IfExists") => (true, &rest[..cut]),
        _ => (false, rest),
    };
    Operator {
        base,
        for_all_values,
        if_exists,
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &s[prefix.len()..])
}

fn comparison(base: &str) -> Option<Comparison> {
    match base.to_ascii_lowercase().as_str() {
        "stringequals" => Some(Comparison::Exact),
        "stringequalsignorecase" => Some(Comparison::ExactIgnoreCase),
        "stringlike" | "arnequals" | "arnlike" => Some(Comparison::Wildcard),
        _ => None,
    }
}

/// A narrowing condition: the grant admits only principals matching one of `allowed`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Narrowing {
    pub key: String,
    pub allowed: Vec<Trustee>,
}

/// Keys that may be absent from a request: `aws:PrincipalOrgID` and `aws:PrincipalOrgPaths`
/// are missing for principals outside any organization, and an `...IfExists` or
/// `ForAllValues:` test of a missing key is true. On these keys those forms admit everyone
/// outside an organization, so they do not narrow.
fn may_be_absent(key: &str) -> bool {
    matches!(key, "aws:principalorgid" | "aws:principalorgpaths")
}

/// The narrowing an entry imposes, or `None` when it does not narrow who the caller is.
pub fn narrowing(entry: &ConditionEntry) -> Option<Narrowing> {
    let op = split_operator(&entry.operator);
    let key = entry.key.to_ascii_lowercase();
    // `aws:PrincipalIsAWSService` is a boolean key, tested with `Bool`.
    let boolean = key == "aws:principalisawsservice" && op.base.eq_ignore_ascii_case("bool");
    let comparison = if boolean {
        Comparison::Exact
    } else {
        comparison(op.base)?
    };
    if may_be_absent(&key) && (op.if_exists || op.for_all_values) {
        return None;
    }
    let literal = |v: &str| comparison != Comparison::Wildcard && pattern::has_wildcard(v);
    let allowed: Option<Vec<Trustee>> = match key.as_str() {
        "aws:principalaccount" => Some(
            entry
                .values
                .iter()
                .filter_map(|v| account_value(v, comparison))
                .collect(),
        ),
        "aws:principalarn" => Some(
            entry
                .values
                .iter()
                .map(|v| {
                    if literal(v) {
                        // A literal `*` in a `StringEquals` ARN still names its account.
                        principal::arn_pattern(&v.replace(['*', '?'], "_"))
                    } else {
                        principal::arn_pattern(v)
                    }
                })
                .collect(),
        ),
        "aws:principalorgid" => Some(
            entry
                .values
                .iter()
                .map(|v| {
                    if !literal(v) && pattern::has_wildcard(v) {
                        Trustee::AnyAccount
                    } else {
                        Trustee::Organization { id: v.clone() }
                    }
                })
                .collect(),
        ),
        "aws:principalorgpaths" => Some(
            entry
                .values
                .iter()
                .map(|v| Trustee::OrgPath {
                    pattern: v.clone(),
                    wildcard: comparison == Comparison::Wildcard && pattern::has_wildcard(v),
                })
                .collect(),
        ),
        "aws:userid" => Some(entry.values.iter().map(|v| principal::user_id(v)).collect()),
        "aws:principalisawsservice" => {
            let only_services = entry.values.iter().all(|v| v.eq_ignore_ascii_case("true"));
            only_services.then(|| {
                vec![Trustee::Service {
                    name: "*".to_owned(),
                }]
            })
        }
        _ => None,
    };
    allowed.map(|allowed| Narrowing {
        key: entry.key.clone(),
        allowed,
    })
}

/// An `aws:PrincipalAccount` value. `None` when it can match no account id at all.
fn account_value(value: &str, comparison: Comparison) -> Option<Trustee> {
    if principal::is_account_id(value) {
        Some(Trustee::account(value, "root"))
    } else if comparison == Comparison::Wildcard && value.chars().all(|c| c == '*') {
        Some(Trustee::AnyAccount)
    } else if comparison == Comparison::Wildcard && pattern::has_wildcard(value) {
        Some(Trustee::AccountPattern {
            pattern: value.to_owned(),
        })
    } else {
        None
    }
}

/// Whether the entry demands `key` positively (so a caller that lacks it is refused), as
/// required conditions such as `sts:ExternalId` must be: a negated operator, `IfExists`, or
/// a bare `*` value would let a caller through without it.
pub fn requires(entry: &ConditionEntry, key: &str) -> bool {
    let op = split_operator(&entry.operator);
    entry.key.eq_ignore_ascii_case(key)
        && comparison(op.base).is_some()
        && !op.if_exists
        && !op.for_all_values
        && !entry.values.is_empty()
        && entry.values.iter().all(|v| !v.is_empty() && v != "*")
}

/// The part of `have` that also satisfies `constraint`. When the two cannot be compared
/// precisely, the wider `have` is kept: an over-wide answer costs a review, a narrow wrong
/// one hides a path.
pub fn intersect(have: &Trustee, constraint: &Trustee) -> Option<Trustee> {
    use Trustee::*;
    match (have, constraint) {
        (AnyAccount, c) => Some(c.clone()),
        (h, AnyAccount) => Some(h.clone()),
        (
            Account {
                id: a,
                principal: p,
            },
            Account {
                id: b,
                principal: q,
            },
        ) => (a == b).then(|| Trustee::account(a, if p == "root" { q } else { p })),
        (Account { id, .. }, AccountPattern { pattern: p }) => {
            pattern::matches(p, id).then(|| have.clone())
        }
        (AccountPattern { pattern: p }, Account { id, .. }) => {
            pattern::matches(p, id).then(|| constraint.clone())
        }
        (Organization { id: a }, Organization { id: b }) => (a == b).then(|| have.clone()),
        (Organization { .. }, Account { .. } | AccountPattern { .. } | OrgPath { .. }) => {
            Some(constraint.clone())
        }
        (OrgPath { .. }, Account { .. } | AccountPattern { .. }) => Some(constraint.clone()),
        (h, _) => Some(h.clone()),
    }
}
