//! Whether a condition holds for the requests in question: yes, no, or it depends.
//!
//! Trust analysis asks *who* a condition admits; guardrails (SCPs, RCPs) ask whether a Deny
//! certainly applies to the requests of some principal. Those requests are known only in part
//! (the caller's account, organization and OU path; not its role name, its tags or the time),
//! so a condition evaluates to [`Truth::Unknown`] wherever the answer depends on what is not
//! known. A Deny is taken as certain only when every condition is certainly true: an unknown is
//! never read as a guardrail that holds.

use std::collections::BTreeMap;

use super::condition::split_operator;
use super::document::ConditionEntry;
use super::pattern;
use super::variables::{self, Filled, Scope};

/// Three-valued truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    fn not(self) -> Truth {
        match self {
            Truth::True => Truth::False,
            Truth::False => Truth::True,
            Truth::Unknown => Truth::Unknown,
        }
    }

    /// `True` if any is, else `Unknown` if any is, else `False`.
    fn any(items: impl IntoIterator<Item = Truth>) -> Truth {
        let mut out = Truth::False;
        for t in items {
            match t {
                Truth::True => return Truth::True,
                Truth::Unknown => out = Truth::Unknown,
                Truth::False => {}
            }
        }
        out
    }
}

/// What is known of one key of the request context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Known {
    /// The key has these values (several for multi-valued keys such as
    /// `aws:PrincipalOrgPaths`).
    Values(Vec<String>),
    /// The key is not in the request.
    Absent,
    /// An ARN of a principal of this account: its partition and account are known, its name
    /// is not (`aws:PrincipalArn` of "some principal of account A").
    ArnInAccount { partition: String, account: String },
    /// Absent, or a value that is not of this organization (`aws:PrincipalOrgID` and
    /// `aws:PrincipalOrgPaths` of a caller outside it).
    OutsideOrganization { id: String },
}

/// The requests in question: what is known of their context keys. A key not set is unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    keys: BTreeMap<String, Known>,
}

impl Request {
    pub fn with(mut self, key: &str, known: Known) -> Request {
        self.keys.insert(key.to_ascii_lowercase(), known);
        self
    }

    pub fn value(self, key: &str, value: &str) -> Request {
        self.with(key, Known::Values(vec![value.to_owned()]))
    }

    fn get(&self, key: &str) -> Option<&Known> {
        self.keys.get(&key.to_ascii_lowercase())
    }
}

/// How an operator compares, for the operators a guardrail can be decided on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Compare {
    Exact,
    IgnoreCase,
    Like,
    Arn,
}

fn compare(base: &str) -> Option<(Compare, bool)> {
    let base = base.to_ascii_lowercase();
    Some(match base.as_str() {
        "stringequals" => (Compare::Exact, false),
        "stringnotequals" => (Compare::Exact, true),
        "stringequalsignorecase" | "bool" => (Compare::IgnoreCase, false),
        "stringnotequalsignorecase" => (Compare::IgnoreCase, true),
        "stringlike" => (Compare::Like, false),
        "stringnotlike" => (Compare::Like, true),
        "arnequals" | "arnlike" => (Compare::Arn, false),
        "arnnotequals" | "arnnotlike" => (Compare::Arn, true),
        _ => return None,
    })
}

/// Whether `entry` holds for the requests in question. Policy variables in its values are
/// filled in from `scope` (the resource's account); a value the caller supplies is unknown.
pub fn holds(entry: &ConditionEntry, request: &Request, scope: &Scope<'_>) -> Truth {
    let op = split_operator(&entry.operator);
    let Some(known) = request.get(&entry.key) else {
        return Truth::Unknown;
    };
    if op.base.eq_ignore_ascii_case("null") {
        let absent = match known {
            Known::Absent => Truth::True,
            Known::Values(_) | Known::ArnInAccount { .. } => Truth::False,
            Known::OutsideOrganization { .. } => Truth::Unknown,
        };
        return match entry.values.iter().all(|v| v.eq_ignore_ascii_case("true")) {
            true => absent,
            false if entry.values.iter().all(|v| v.eq_ignore_ascii_case("false")) => absent.not(),
            false => Truth::Unknown,
        };
    }
    let Some((how, negated)) = compare(op.base) else {
        // Numbers, dates, addresses: only a missing key is decided.
        return match known {
            Known::Absent if op.if_exists || op.for_all_values => Truth::True,
            Known::Absent if op.base.to_ascii_lowercase().contains("not") => Truth::True,
            Known::Absent => Truth::False,
            _ => Truth::Unknown,
        };
    };
    let patterns: Vec<Option<String>> = entry
        .values
        .iter()
        .map(|v| match variables::fill(v, scope) {
            Filled::Exact(v) => Some(v),
            Filled::Pattern(_) | Filled::Unknown { .. } => None,
        })
        .collect();
    let positive = match known {
        Known::Absent => return absent_key(negated, op.if_exists, op.for_all_values),
        Known::Values(values) if op.for_all_values => {
            // Every value must match one of the patterns (an empty set passes).
            let each: Vec<Truth> = values
                .iter()
                .map(|v| Truth::any(patterns.iter().map(|p| matches(how, p.as_deref(), v))))
                .collect();
            if each.contains(&Truth::False) {
                Truth::False
            } else if each.contains(&Truth::Unknown) {
                Truth::Unknown
            } else {
                Truth::True
            }
        }
        Known::Values(values) => Truth::any(
            values
                .iter()
                .flat_map(|v| patterns.iter().map(move |p| matches(how, p.as_deref(), v))),
        ),
        Known::ArnInAccount { partition, account } => Truth::any(
            patterns
                .iter()
                .map(|p| arn_in_account(p.as_deref(), partition, account)),
        ),
        Known::OutsideOrganization { id } => {
            let none_here = patterns.iter().all(|p| {
                p.as_deref()
                    .is_some_and(|p| p == id || p.starts_with(&format!("{id}/")))
            });
            if !none_here {
                Truth::Unknown
            } else if negated {
                // Absent or another organization's: a negated test is true either way.
                return Truth::True;
            } else if op.if_exists {
                Truth::Unknown
            } else {
                Truth::False
            }
        }
    };
    if negated { positive.not() } else { positive }
}

/// A key missing from the request: a negated operator and an `...IfExists` or `ForAllValues:`
/// test are true, a positive test false.
fn absent_key(negated: bool, if_exists: bool, for_all_values: bool) -> Truth {
    if negated || if_exists || for_all_values {
        Truth::True
    } else {
        Truth::False
    }
}

fn matches(how: Compare, pattern: Option<&str>, value: &str) -> Truth {
    let Some(p) = pattern else {
        return Truth::Unknown;
    };
    let hit = match how {
        Compare::Exact => p == value,
        Compare::IgnoreCase => p.eq_ignore_ascii_case(value),
        Compare::Like => pattern::matches(p, value),
        Compare::Arn => pattern::arn_matches(p, value),
    };
    if hit { Truth::True } else { Truth::False }
}

/// Whether some principal ARN of `account` may match `pattern`: no when the pattern names
/// another partition or account, unknown otherwise (the principal's name is not known).
fn arn_in_account(pattern: Option<&str>, partition: &str, account: &str) -> Truth {
    let Some(p) = pattern else {
        return Truth::Unknown;
    };
    let parts: Vec<&str> = p.splitn(6, ':').collect();
    if parts.len() != 6 {
        return if pattern::matches(p, "arn:") || p == "*" {
            Truth::Unknown
        } else {
            Truth::False
        };
    }
    if pattern::matches(parts[1], partition) && pattern::matches(parts[4], account) {
        Truth::Unknown
    } else {
        Truth::False
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(operator: &str, key: &str, values: &[&str]) -> ConditionEntry {
        ConditionEntry {
            operator: operator.to_owned(),
            key: key.to_owned(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    const SCOPE: Scope<'static> = Scope {
        org_path: Some("o-own/r-1/ou-t/"),
        ..super::super::variables::TEST_SCOPE
    };

    fn caller() -> Request {
        Request::default()
            .value("aws:PrincipalAccount", "222222222222")
            .with(
                "aws:PrincipalArn",
                Known::ArnInAccount {
                    partition: "aws".into(),
                    account: "222222222222".into(),
                },
            )
            .with(
                "aws:PrincipalOrgID",
                Known::OutsideOrganization { id: "o-own".into() },
            )
            .with("aws:PrincipalServiceName", Known::Absent)
    }

    #[test]
    fn known_keys_decide_and_unknown_ones_do_not() {
        let t = |op: &str, key: &str, values: &[&str]| {
            holds(&entry(op, key, values), &caller(), &SCOPE)
        };
        assert_eq!(
            t(
                "StringNotEquals",
                "aws:PrincipalAccount",
                &["${aws:ResourceAccount}"]
            ),
            Truth::True
        );
        assert_eq!(
            t(
                "StringEquals",
                "aws:PrincipalAccount",
                &["${aws:ResourceAccount}"]
            ),
            Truth::False
        );
        assert_eq!(
            t(
                "StringNotEqualsIfExists",
                "aws:PrincipalAccount",
                &["222222222222"]
            ),
            Truth::False
        );
        assert_eq!(
            t("StringLike", "aws:PrincipalAccount", &["2222*"]),
            Truth::True
        );
        assert_eq!(
            t("StringNotEquals", "aws:PrincipalOrgID", &["o-own"]),
            Truth::True
        );
        assert_eq!(
            t("StringEquals", "aws:PrincipalOrgID", &["o-own"]),
            Truth::False
        );
        assert_eq!(
            t("StringNotEquals", "aws:PrincipalOrgID", &["o-other"]),
            Truth::Unknown
        );
        assert_eq!(
            t(
                "ArnNotLike",
                "aws:PrincipalArn",
                &["arn:aws:iam::333333333333:role/x"]
            ),
            Truth::True
        );
        assert_eq!(
            t("ArnNotLike", "aws:PrincipalArn", &["arn:aws:iam::*:role/x"]),
            Truth::Unknown
        );
        assert_eq!(
            t("StringNotEquals", "aws:PrincipalTag/team", &["platform"]),
            Truth::Unknown
        );
        assert_eq!(
            t("Null", "aws:PrincipalServiceName", &["true"]),
            Truth::True
        );
        assert_eq!(
            t(
                "StringNotEquals",
                "aws:PrincipalAccount",
                &["${aws:PrincipalTag/a}"]
            ),
            Truth::Unknown
        );
        assert_eq!(
            t("NumericLessThan", "aws:PrincipalAccount", &["3"]),
            Truth::Unknown
        );
    }
}
