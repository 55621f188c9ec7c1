//! Which conditions narrow *who* may assume a role, and to whom.
//!
//! Only a positive string or ARN comparison on a principal key narrows. Negated operators,
//! `Null`, and keys about the request (MFA, source IP, region, tags, `sts:ExternalId`) leave
//! the set of trusted accounts as it was: reading them as narrowing would hide real trusts.

use super::document::ConditionEntry;
use super::pattern;
use super::principal::{self, Trustee, Unresolved};
use super::variables::{self, Filled, Scope};

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
pub(super) struct Operator<'a> {
    pub base: &'a str,
    pub for_all_values: bool,
    pub if_exists: bool,
}

pub(super) fn split_operator(operator: &str) -> Operator<'_> {
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
/// Policy variables in the values are filled in from `scope` (see [`variables`]).
pub fn narrowing(entry: &ConditionEntry, scope: &Scope<'_>) -> Option<Narrowing> {
    let op = split_operator(&entry.operator);
    let key = entry.key.to_ascii_lowercase();
    // `aws:PrincipalIsAWSService` is a boolean key, tested with `Bool`.
    if key == "aws:principalisawsservice" {
        let positive = op.base.eq_ignore_ascii_case("bool") || comparison(op.base).is_some();
        let only_services = entry.values.iter().all(|v| v.eq_ignore_ascii_case("true"));
        return (positive && only_services && !op.if_exists).then(|| Narrowing {
            key: entry.key.clone(),
            allowed: vec![Trustee::Service {
                name: "*".to_owned(),
            }],
        });
    }
    let comparison = comparison(op.base)?;
    if may_be_absent(&key) && (op.if_exists || op.for_all_values) {
        return None;
    }
    if !matches!(
        key.as_str(),
        "aws:principalaccount"
            | "kms:calleraccount"
            | "aws:principalarn"
            | "aws:principalorgid"
            | "aws:principalorgpaths"
            | "aws:userid"
    ) {
        return None;
    }
    let allowed = entry
        .values
        .iter()
        .filter_map(|v| match variables::fill(v, scope) {
            Filled::Exact(v) => value_trustee(&key, &v, comparison, scope),
            Filled::Pattern(v) => value_trustee(&key, &v, Comparison::Wildcard, scope),
            Filled::Unknown { .. } => Some(Trustee::unresolved(v, Unresolved::UnknownVariable)),
        })
        .collect();
    Some(Narrowing {
        key: entry.key.clone(),
        allowed,
    })
}

/// Who one value of a principal key admits. `None` when it can match no principal at all:
/// a `StringEquals` value with a literal `*` where ids have none, an `aws:PrincipalArn`
/// pattern that no IAM or STS principal's ARN matches.
fn value_trustee(key: &str, v: &str, comparison: Comparison, scope: &Scope<'_>) -> Option<Trustee> {
    // A `*` in a `StringEquals` value is a literal star, not a wildcard.
    let literal = comparison != Comparison::Wildcard && pattern::has_wildcard(v);
    match key {
        // `kms:CallerAccount` is the calling principal's account, in KMS key policies.
        "aws:principalaccount" | "kms:calleraccount" => account_value(v, comparison),
        "aws:principalarn" if !principal::may_be_principal_arn(v) => None,
        "aws:principalarn" if literal => {
            // A literal `*` in the account part matches no ARN; in the name it still names
            // its account.
            let account = v.split(':').nth(4).unwrap_or("*");
            (!pattern::has_wildcard(account))
                .then(|| principal::arn_pattern(&v.replace(['*', '?'], "_"), scope))
        }
        "aws:principalarn" => Some(principal::arn_pattern(v, scope)),
        "aws:principalorgid" if literal => None,
        "aws:principalorgid" => Some(if pattern::has_wildcard(v) {
            Trustee::AnyAccount
        } else {
            Trustee::Organization { id: v.to_owned() }
        }),
        "aws:principalorgpaths" => Some(Trustee::OrgPath {
            pattern: v.to_owned(),
            wildcard: comparison == Comparison::Wildcard && pattern::has_wildcard(v),
        }),
        _ if literal => None,
        _ => Some(principal::user_id(v)),
    }
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

/// The operators that test a key positively, by the type of value they compare. A
/// requirement is met by any of them that suits the key's type; negated operators,
/// `IfExists`, `ForAllValues:` and `Null` let a caller without the key through.
fn positive_family(base: &str) -> Option<KeyType> {
    let base = base.to_ascii_lowercase();
    Some(match base.as_str() {
        "stringequals" | "stringequalsignorecase" | "stringlike" => KeyType::String,
        "arnequals" | "arnlike" => KeyType::Arn,
        "ipaddress" => KeyType::Ip,
        "dateequals"
        | "datelessthan"
        | "datelessthanequals"
        | "dategreaterthan"
        | "dategreaterthanequals" => KeyType::Date,
        "numericequals"
        | "numericlessthan"
        | "numericlessthanequals"
        | "numericgreaterthan"
        | "numericgreaterthanequals" => KeyType::Numeric,
        "bool" => KeyType::Bool,
        "binaryequals" => KeyType::Binary,
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyType {
    String,
    Arn,
    Ip,
    Date,
    Numeric,
    Bool,
    Binary,
}

/// The type of the global keys whose type is not a string. Other keys (service keys such as
/// `sts:ExternalId`, tags) are strings, which string and ARN operators both test.
fn key_type(key: &str) -> KeyType {
    match key.to_ascii_lowercase().as_str() {
        "aws:sourceip" | "aws:vpcsourceip" => KeyType::Ip,
        "aws:currenttime" | "aws:tokenissuetime" => KeyType::Date,
        "aws:epochtime" | "aws:multifactorauthage" => KeyType::Numeric,
        "aws:multifactorauthpresent"
        | "aws:securetransport"
        | "aws:viaawsservice"
        | "aws:principalisawsservice" => KeyType::Bool,
        _ => KeyType::String,
    }
}

/// Whether the entry demands `key` positively (so a caller that lacks it, or brings any value
/// it likes, is refused), as required conditions such as `sts:ExternalId` or `aws:SourceIp`
/// must be. A bare `*`, an address range covering every address, a `Bool` test for `false`,
/// or a value the caller fills in itself (`${aws:PrincipalTag/x}`) demand nothing.
pub fn requires(entry: &ConditionEntry, key: &str) -> bool {
    let op = split_operator(&entry.operator);
    let Some(family) = positive_family(op.base) else {
        return false;
    };
    let suits = match key_type(key) {
        KeyType::String => matches!(family, KeyType::String | KeyType::Arn),
        t => family == t,
    };
    entry.key.eq_ignore_ascii_case(key)
        && suits
        && !op.if_exists
        && !op.for_all_values
        && !entry.values.is_empty()
        && entry.values.iter().all(|v| meaningful(v, family))
}

fn meaningful(value: &str, family: KeyType) -> bool {
    !value.is_empty()
        && !variables::caller_chosen(value)
        && match family {
            KeyType::String | KeyType::Arn => value.chars().any(|c| c != '*'),
            KeyType::Ip => !matches!(value.trim(), "0.0.0.0/0" | "::/0"),
            KeyType::Bool => value.eq_ignore_ascii_case("true"),
            _ => true,
        }
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
        // A principal of another partition is never the policy partition's principal.
        (Account { .. }, Foreign { .. }) | (Foreign { .. }, Foreign { .. })
            if !same_foreign(have, constraint) =>
        {
            None
        }
        (Foreign { id, .. }, Account { id: b, .. }) => (id == b).then(|| have.clone()),
        (h, _) => Some(h.clone()),
    }
}

fn same_foreign(a: &Trustee, b: &Trustee) -> bool {
    match (a, b) {
        (
            Trustee::Foreign {
                partition: p,
                id: a,
                ..
            },
            Trustee::Foreign {
                partition: q,
                id: b,
                ..
            },
        ) => p == q && a == b,
        _ => false,
    }
}
