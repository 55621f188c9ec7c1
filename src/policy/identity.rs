//! Identity policies, read for the outbound half of a cross-account path: which roles of
//! which accounts a principal is allowed to assume.

use serde_json::Value;

use super::document::{self, Effect, PolicyError};
use super::principal::is_account_id;
use super::trust::assume_actions;
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
pub fn assume_targets(document: &PolicyDocument) -> Result<Vec<AssumeTarget>, PolicyError> {
    let mut out = Vec::new();
    for s in document::parse(document)? {
        if s.effect != Effect::Allow || assume_actions(&s.action).is_empty() {
            continue;
        }
        for resource in s.resources.iter().flatten() {
            let parts: Vec<&str> = resource.splitn(6, ':').collect();
            if parts.len() == 6 && parts[0] == "arn" && parts[2] == "iam" && is_account_id(parts[4])
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn targets(doc: Value) -> Vec<String> {
        assume_targets(&PolicyDocument::Json(doc))
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
