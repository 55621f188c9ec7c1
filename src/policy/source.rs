//! On whose behalf an AWS service acts: the service-source condition keys.
//!
//! `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOwner`, `aws:SourceOrgID` and
//! `aws:SourceOrgPaths` are in the request context only when an AWS service calls on behalf
//! of a resource owner (AWS's global condition key reference: "This key is included in the
//! request context only if accessing a resource triggers an AWS service to call another
//! service on behalf of the resource owner"). So they do two things:
//!
//! - on a grant to a service principal they say for whom the service may act (without them,
//!   any account's use of the service reaches the resource: the confused deputy);
//! - on a grant to `"*"` a positive test of one of them admits only AWS services acting for
//!   that source: no IAM principal of any account carries the key, so the statement is a
//!   service grant, not a public one.
//!
//! Some services name the source in a key of their own, which only the service sets:
//! CloudTrail's and CloudWatch Logs' KMS encryption context (`kms:EncryptionContext:aws:
//! cloudtrail:arn`, `kms:EncryptionContext:aws:logs:arn`). Under a wildcard principal those
//! are the caller's to choose (any caller can pass any encryption context), so they pin a
//! source only on a grant to a service principal.
//!
//! Key names are case-insensitive (AWS's default SNS topic policy writes `AWS:SourceOwner`).

use super::condition::{self, split_operator};
use super::document::ConditionEntry;
use super::pattern;
use super::principal::{self, Trustee};
use super::variables::{self, Filled, Scope};

/// The keys only an AWS service acting for a source brings.
const SERVICE_ONLY: [&str; 5] = [
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
];

/// Keys a service sets to the ARN of the resource it acts for, on its own requests.
const SERVICE_CONTEXT_ARN: [&str; 2] = [
    "kms:encryptioncontext:aws:cloudtrail:arn",
    "kms:encryptioncontext:aws:logs:arn",
];

/// Whether `key` is one of the keys only a service acting for a source brings.
pub fn is_source_key(key: &str) -> bool {
    SERVICE_ONLY.contains(&key.to_ascii_lowercase().as_str())
}

/// A positive string or ARN test, not `IfExists` (true when the key is missing) and not
/// `ForAllValues:` (true for an empty set): only such a test demands that the key be there.
fn demands(entry: &ConditionEntry) -> bool {
    let op = split_operator(&entry.operator);
    matches!(
        op.base.to_ascii_lowercase().as_str(),
        "stringequals" | "stringequalsignorecase" | "stringlike" | "arnequals" | "arnlike"
    ) && !op.if_exists
        && !op.for_all_values
        && !entry.values.is_empty()
}

/// Whether the entry admits only requests an AWS service makes for a source: a positive,
/// non-`IfExists` test of a service-only key.
pub fn admits_only_services(entry: &ConditionEntry) -> bool {
    is_source_key(&entry.key) && demands(entry)
}

/// On whose behalf a service may act, as `conditions` say: `None` when no condition names a
/// source. A source that names no account (an S3 bucket's ARN, `arn:aws:s3:::bucket`; a
/// wildcard account; a value the caller fills in) is [`Trustee::AnyAccount`]: unknown, which
/// the rules never read as pinned. `service_keys`: whether the service's own context keys
/// count (only for a grant to a service principal).
pub fn sources(
    conditions: &[ConditionEntry],
    scope: &Scope<'_>,
    service_keys: bool,
) -> Option<Vec<Trustee>> {
    let mut pinned: Option<Vec<Trustee>> = None;
    for entry in conditions.iter().filter(|e| demands(e)) {
        let key = entry.key.to_ascii_lowercase();
        let exact = |v: &String| match variables::fill(v, scope) {
            Filled::Exact(v) => Some(v),
            _ => None,
        };
        let found: Vec<Trustee> = match key.as_str() {
            "aws:sourceaccount" | "aws:sourceowner" => entry
                .values
                .iter()
                .map(|v| match exact(v) {
                    Some(v) if principal::is_account_id(&v) => Trustee::account(&v, "root"),
                    _ => Trustee::AnyAccount,
                })
                .collect(),
            k if k == "aws:sourcearn" || (service_keys && SERVICE_CONTEXT_ARN.contains(&k)) => {
                entry
                    .values
                    .iter()
                    .map(
                        |v| match exact(v).as_deref().and_then(|v| v.split(':').nth(4)) {
                            Some(a) if principal::is_account_id(a) => Trustee::account(a, "root"),
                            _ => Trustee::AnyAccount,
                        },
                    )
                    .collect()
            }
            "aws:sourceorgid" => entry
                .values
                .iter()
                .map(|v| match exact(v) {
                    Some(v) if !pattern::has_wildcard(&v) => Trustee::Organization { id: v },
                    _ => Trustee::AnyAccount,
                })
                .collect(),
            "aws:sourceorgpaths" => entry
                .values
                .iter()
                .map(|v| match exact(v) {
                    Some(v) => Trustee::OrgPath {
                        wildcard: pattern::has_wildcard(&v),
                        pattern: v,
                    },
                    None => Trustee::AnyAccount,
                })
                .collect(),
            _ => continue,
        };
        // Several source keys must all hold: keep the narrower answer.
        pinned = Some(match pinned {
            None => found,
            Some(have) => have
                .iter()
                .flat_map(|h| found.iter().filter_map(|f| condition::intersect(h, f)))
                .collect(),
        });
    }
    pinned
}

/// Whether every source is pinned to an account, organization or path (none unknown).
pub fn all_pinned(sources: &[Trustee]) -> bool {
    !sources.iter().any(|t| matches!(t, Trustee::AnyAccount))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCOPE: Scope<'static> = super::super::variables::TEST_SCOPE;

    fn entry(operator: &str, key: &str, values: &[&str]) -> ConditionEntry {
        ConditionEntry {
            operator: operator.into(),
            key: key.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn only_a_positive_demand_of_a_service_key_admits_only_services() {
        assert!(admits_only_services(&entry(
            "StringEquals",
            "AWS:SourceOwner",
            &["111111111111"]
        )));
        assert!(admits_only_services(&entry(
            "ForAnyValue:ArnLike",
            "aws:SourceArn",
            &["arn:aws:sns:*:1:t"]
        )));
        assert!(!admits_only_services(&entry(
            "StringEqualsIfExists",
            "aws:SourceAccount",
            &["111111111111"]
        )));
        assert!(!admits_only_services(&entry(
            "StringNotEquals",
            "aws:SourceAccount",
            &["111111111111"]
        )));
        assert!(!admits_only_services(&entry(
            "StringEquals",
            "aws:PrincipalAccount",
            &["111111111111"]
        )));
    }

    #[test]
    fn service_context_keys_pin_only_for_a_service_principal() {
        let c = [entry(
            "StringLike",
            "kms:EncryptionContext:aws:cloudtrail:arn",
            &["arn:aws:cloudtrail:*:222222222222:trail/*"],
        )];
        assert_eq!(
            sources(&c, &SCOPE, true),
            Some(vec![Trustee::account("222222222222", "root")])
        );
        assert_eq!(sources(&c, &SCOPE, false), None);
    }

    #[test]
    fn a_source_arn_without_an_account_pins_nothing() {
        let c = [
            entry("ArnLike", "aws:SourceArn", &["arn:aws:s3:::bucket"]),
            entry(
                "StringEquals",
                "aws:SourceAccount",
                &["${aws:ResourceAccount}"],
            ),
        ];
        assert_eq!(
            sources(&c[..1], &SCOPE, true),
            Some(vec![Trustee::AnyAccount])
        );
        assert_eq!(
            sources(&c, &SCOPE, true),
            Some(vec![Trustee::account("111111111111", "root")]),
            "with the account beside it, AWS's recommended pair pins the owner"
        );
    }
}
