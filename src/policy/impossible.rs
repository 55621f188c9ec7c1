//! Conditions that can never hold where the policy is attached: an Allow carrying one grants
//! nothing, so it is no path.
//!
//! Only what the policy's own scope decides for certain is read here:
//! - `aws:ResourceAccount` / `s3:ResourceAccount` is the account that owns the resource the
//!   policy guards, and `aws:ResourceOrgID` its organization: a positive test naming only
//!   other accounts (or organizations) is false for every request to this resource;
//! - account and organization ids never contain `*` or `?`: `StringEquals` against a literal
//!   `*` (not `StringLike`, where it is a wildcard) on an id key never matches, when the key
//!   must be present (no `IfExists`: a missing key makes an `IfExists` test true);
//! - `aws:CurrentTime` before a time that had passed when the policy was read: the window has
//!   closed, and time does not run backwards.
//!
//! Anything not decided for certain (an unknown variable, an unparsable date, a scope whose
//! account is not known) is left to the statement, never read as impossible.

use super::condition::split_operator;
use super::document::ConditionEntry;
use super::pattern;
use super::variables::{self, Filled, Scope};

/// Keys whose values are account or organization ids.
const ID_KEYS: [&str; 9] = [
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:resourceaccount",
    "aws:resourceorgid",
    "s3:resourceaccount",
    "kms:calleraccount",
];

/// Whether `entry` is false for every request to a resource in `scope`.
pub fn never_holds(entry: &ConditionEntry, scope: &Scope<'_>) -> bool {
    let op = split_operator(&entry.operator);
    let base = op.base.to_ascii_lowercase();
    let key = entry.key.to_ascii_lowercase();
    if entry.values.is_empty() || op.for_all_values {
        return false;
    }
    match base.as_str() {
        "stringequals" | "stringequalsignorecase" | "stringlike" => {
            let like = base == "stringlike";
            if !like && !op.if_exists && ID_KEYS.contains(&key.as_str()) && all_literal_stars(entry)
            {
                return true;
            }
            match key.as_str() {
                "aws:resourceaccount" | "s3:resourceaccount" => {
                    none_match(entry, scope, scope.account, like)
                }
                "aws:resourceorgid" => none_match(entry, scope, scope.organization_id, like),
                _ => false,
            }
        }
        "datelessthan" | "datelessthanequals" if key == "aws:currenttime" => {
            let Some(now) = scope.collected_at.and_then(crate::date::instant) else {
                return false;
            };
            entry.values.iter().all(|v| {
                crate::date::instant(v).is_some_and(|end| {
                    if base == "datelessthan" {
                        end <= now
                    } else {
                        end < now
                    }
                })
            })
        }
        _ => false,
    }
}

fn all_literal_stars(entry: &ConditionEntry) -> bool {
    entry
        .values
        .iter()
        .all(|v| pattern::has_wildcard(v) && !v.contains("${"))
}

/// Whether no value of the entry matches `actual` (the resource's own account or
/// organization). Unknown when `actual` is not known or a value has an unknown variable.
fn none_match(entry: &ConditionEntry, scope: &Scope<'_>, actual: &str, like: bool) -> bool {
    if actual.is_empty() {
        return false;
    }
    entry
        .values
        .iter()
        .all(|v| match variables::fill(v, scope) {
            Filled::Exact(v) if like => !pattern::matches(&v, actual),
            Filled::Exact(v) => v != actual,
            Filled::Pattern(v) => !pattern::matches(&v, actual),
            Filled::Unknown { .. } => false,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCOPE: Scope<'static> = Scope {
        collected_at: Some("2026-12-07T12:00:00Z"),
        ..variables::TEST_SCOPE
    };

    fn never(operator: &str, key: &str, values: &[&str]) -> bool {
        never_holds(
            &ConditionEntry {
                operator: operator.into(),
                key: key.into(),
                values: values.iter().map(|v| v.to_string()).collect(),
            },
            &SCOPE,
        )
    }

    #[test]
    fn another_accounts_resource_account_never_holds() {
        assert!(never(
            "StringEquals",
            "aws:ResourceAccount",
            &["222222222222"]
        ));
        assert!(never(
            "StringEquals",
            "s3:ResourceAccount",
            &["222222222222"]
        ));
        assert!(!never(
            "StringEquals",
            "aws:ResourceAccount",
            &["222222222222", "111111111111"]
        ));
        assert!(!never(
            "StringEquals",
            "aws:ResourceAccount",
            &["${aws:ResourceAccount}"]
        ));
        assert!(!never("StringLike", "aws:ResourceAccount", &["1111*"]));
        assert!(never("StringEquals", "aws:ResourceOrgID", &["o-other"]));
        let unknown = Scope {
            account: "",
            ..SCOPE
        };
        assert!(
            !never_holds(
                &ConditionEntry {
                    operator: "StringEquals".into(),
                    key: "aws:ResourceAccount".into(),
                    values: vec!["222222222222".into()]
                },
                &unknown
            ),
            "an unknown owner decides nothing"
        );
    }

    #[test]
    fn a_literal_star_is_no_id() {
        assert!(never("StringEquals", "aws:PrincipalOrgID", &["*"]));
        assert!(never("StringEquals", "aws:SourceAccount", &["*"]));
        assert!(!never("StringLike", "aws:PrincipalOrgID", &["*"]));
        assert!(
            !never("StringEqualsIfExists", "aws:SourceAccount", &["*"]),
            "a missing key makes IfExists true"
        );
        assert!(!never("StringEquals", "s3:prefix", &["*"]));
    }

    #[test]
    fn a_closed_time_window_never_holds() {
        assert!(never(
            "DateLessThan",
            "aws:CurrentTime",
            &["2020-01-01T00:00:00Z"]
        ));
        assert!(!never(
            "DateLessThan",
            "aws:CurrentTime",
            &["2030-01-01T00:00:00Z"]
        ));
        assert!(!never(
            "DateGreaterThan",
            "aws:CurrentTime",
            &["2020-01-01T00:00:00Z"]
        ));
        assert!(!never("DateLessThan", "aws:CurrentTime", &["soon"]));
    }
}
