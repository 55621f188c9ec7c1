//! Identity policies, read for the outbound half of a cross-account path: which roles of
//! which accounts a principal is allowed to assume.

use serde_json::Value;

use super::document::{self, Effect, PolicyError};
use super::pattern;
use super::principal::is_account_id;
use super::request::{Request, Truth, holds};
use super::trust::assume_actions;
use super::variables::Scope;
use crate::inventory::PolicyDocument;

/// One `Resource` an Allow statement lets the principal assume.
#[derive(Debug, Clone, PartialEq)]
pub struct AssumeTarget {
    /// The account named in the resource ARN (only concrete accounts are returned).
    pub account: String,
    /// The resource as written (`arn:aws:iam::<acct>:role/...`).
    pub resource: String,
    pub statement: Value,
}

/// The concrete accounts whose roles the policy lets its holder assume. A resource with a
/// wildcard account (`*`, `arn:aws:iam::*:role/x`) is not listed: on its own it names no one,
/// and it is the trust policy on the other side that decides (the trust rules cover that).
///
/// Only resources of `partition` (the holder's own) are listed: an assume never crosses
/// partitions, and the same account id in another partition is another account.
pub fn assume_targets(
    document: &PolicyDocument,
    partition: &str,
) -> Result<Vec<AssumeTarget>, PolicyError> {
    let mut out = Vec::new();
    for s in document::parse(document)? {
        if s.effect != Effect::Allow || assume_actions(&s.action).is_empty() {
            continue;
        }
        for resource in s.resources.iter().flatten() {
            let parts: Vec<&str> = resource.splitn(6, ':').collect();
            if parts.len() == 6
                && parts[0] == "arn"
                && parts[1] == partition
                && parts[2] == "iam"
                && is_account_id(parts[4])
            {
                out.push(AssumeTarget {
                    account: parts[4].to_owned(),
                    resource: resource.clone(),
                    statement: s.raw.clone(),
                });
            }
        }
    }
    Ok(out)
}

/// The Allow statement by which the policy lets its holder `sts:AssumeRole` into `role_arn`,
/// if any: an assume action with a `Resource` that matches the role (`*`,
/// `arn:aws:iam::*:role/*`, the ARN itself) or a `NotResource` that does not, and no
/// unconditional Deny of the same. A condition on the Allow does not take it away: it may
/// allow, and a path that may exist is reported.
pub fn allows_assume(
    document: &PolicyDocument,
    role_arn: &str,
) -> Result<Option<Value>, PolicyError> {
    let statements = document::parse(document)?;
    let covers = |s: &document::Statement| {
        assume_actions(&s.action).contains(&"sts:AssumeRole")
            && match (&s.resources, &s.not_resources) {
                (Some(list), _) => list.iter().any(|p| pattern::arn_matches(p, role_arn)),
                (None, Some(list)) => !list.iter().any(|p| pattern::arn_matches(p, role_arn)),
                (None, None) => false,
            }
    };
    // A Deny takes the path away when every condition certainly holds for an assume of this
    // role: what is known of that request is the role's account (`aws:ResourceAccount`), so
    // a resource perimeter (`StringNotEquals aws:ResourceAccount` naming the holder's own
    // accounts) fences the holder in; anything else may not hold, and the path stays.
    let target = role_arn.split(':').nth(4).unwrap_or("");
    let partition = role_arn.split(':').nth(1).unwrap_or("aws");
    let request = Request::default().value("aws:ResourceAccount", target);
    let scope = Scope {
        partition,
        account: target,
        organization_id: "",
        org_path: None,
        collected_at: None,
        members: None,
    };
    let denied = statements.iter().any(|s| {
        s.effect == Effect::Deny
            && covers(s)
            && s.conditions
                .iter()
                .all(|c| holds(c, &request, &scope) == Truth::True)
    });
    if denied {
        return Ok(None);
    }
    Ok(statements
        .into_iter()
        .find(|s| s.effect == Effect::Allow && covers(s))
        .map(|s| s.raw))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_assume_of_a_role_is_allowed_by_wildcards_and_not_resource() {
        const ROLE: &str = "arn:aws:iam::222222222222:role/team/reporting";
        let allows = |statements: Value| {
            allows_assume(
                &PolicyDocument::Json(json!({"Statement": statements})),
                ROLE,
            )
            .unwrap()
            .is_some()
        };
        let allow = |action: &str, resource: &str| json!({"Effect": "Allow", "Action": action, "Resource": resource});
        assert!(allows(json!([allow("sts:AssumeRole", "*")])));
        assert!(allows(json!([allow("*", "*")])));
        assert!(allows(json!([allow(
            "sts:AssumeRole",
            "arn:aws:iam::*:role/*"
        )])));
        assert!(allows(json!([allow("sts:Assume*", ROLE)])));
        assert!(allows(json!([allow(
            "sts:AssumeRole",
            "arn:aws:iam::222222222222:role/team/*"
        )])));
        assert!(allows(
            json!([{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}])
        ));
        assert!(allows(
            json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "NotResource": "arn:aws:iam::333333333333:role/*"}])
        ));
        assert!(
            allows(
                json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}])
            ),
            "a condition may hold"
        );
        assert!(!allows(
            json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "NotResource": "arn:aws:iam::222222222222:role/*"}])
        ));
        assert!(!allows(json!([allow(
            "sts:AssumeRole",
            "arn:aws:iam::333333333333:role/*"
        )])));
        assert!(!allows(json!([allow("sts:AssumeRoleWithSAML", "*")])));
        assert!(!allows(json!([allow("s3:*", "*")])));
        assert!(!allows(
            json!([allow("sts:AssumeRole", "*"), {"Effect": "Deny", "Action": "sts:*", "Resource": "arn:aws:iam::222222222222:*"}])
        ));
        assert!(
            allows(
                json!([allow("sts:AssumeRole", "*"), {"Effect": "Deny", "Action": "sts:*", "Resource": "arn:aws:iam::222222222222:*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}])
            ),
            "a conditional Deny may not apply"
        );
        assert!(
            !allows(
                json!([allow("sts:AssumeRole", "*"), {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*", "Condition": {"StringNotEquals": {"aws:ResourceAccount": ["111111111111"]}}}])
            ),
            "a resource perimeter fences the holder in"
        );
        assert!(
            allows(
                json!([allow("sts:AssumeRole", "*"), {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*", "Condition": {"StringNotEquals": {"aws:ResourceAccount": ["222222222222"]}}}])
            ),
            "a perimeter that includes the target leaves the path"
        );
        assert!(
            allows(
                json!([allow("sts:AssumeRole", "*"), {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "*", "Condition": {"StringNotEquals": {"aws:ResourceAccount": "${aws:PrincipalAccount}"}}}])
            ),
            "a caller-filled value is not known here"
        );
    }

    fn targets(doc: Value) -> Vec<String> {
        assume_targets(&PolicyDocument::Json(doc), "aws")
            .unwrap()
            .into_iter()
            .map(|t| t.account)
            .collect()
    }

    #[test]
    fn concrete_role_arns_under_assume_actions() {
        let allow = |action: &str, resource: Value| json!({"Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]});
        assert_eq!(
            targets(allow(
                "sts:AssumeRole",
                json!("arn:aws:iam::222222222222:role/x")
            )),
            ["222222222222"]
        );
        assert_eq!(
            targets(allow(
                "sts:*",
                json!([
                    "arn:aws:iam::222222222222:role/*",
                    "arn:aws:iam::333333333333:role/y"
                ])
            )),
            ["222222222222", "333333333333"]
        );
        assert!(targets(allow("sts:AssumeRole", json!("*"))).is_empty());
        assert!(targets(allow("sts:AssumeRole", json!("arn:aws:iam::*:role/x"))).is_empty());
        assert!(
            targets(allow(
                "s3:GetObject",
                json!("arn:aws:iam::222222222222:role/x")
            ))
            .is_empty()
        );
        assert!(targets(json!({"Statement": {"Effect": "Deny", "Action": "sts:AssumeRole", "Resource": "arn:aws:iam::222222222222:role/x"}})).is_empty());
    }
}
