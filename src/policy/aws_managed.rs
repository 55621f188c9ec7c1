//! The documents of the AWS-managed policies that let a principal assume any role, transcribed
//! from AWS's managed-policy reference (`aws_managed.json`, each with its version and source).
//!
//! An account's IAM does not return AWS-managed documents with the principals they are
//! attached to, and the collector reads them nowhere else: without these, the commonest
//! administrators (an `AdministratorAccess` role, an Identity Center permission set of that
//! name) would complete no `cross-tenant-path`. Other AWS-managed policies stay unread; the
//! ones listed here are those whose grant of `sts:AssumeRole` on any role is their purpose.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::inventory::PolicyDocument;

#[derive(Deserialize)]
struct Transcribed {
    name: String,
    document: serde_json::Value,
}

static DOCUMENTS: LazyLock<HashMap<String, PolicyDocument>> = LazyLock::new(|| {
    let listed: Vec<Transcribed> = serde_json::from_str(include_str!("aws_managed.json"))
        .expect("aws_managed.json is valid (a unit test reads it)");
    listed
        .into_iter()
        .map(|t| (t.name, PolicyDocument::Json(t.document)))
        .collect()
});

/// The document of an AWS-managed policy by ARN (any partition), when transcribed.
pub fn document(arn: &str) -> Option<&'static PolicyDocument> {
    let (head, name) = arn.split_once(":policy/")?;
    if !head.starts_with("arn:") || !head.ends_with(":iam::aws") {
        return None;
    }
    DOCUMENTS.get(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn administrator_and_power_user_are_read_in_every_partition_and_nothing_else() {
        assert!(document("arn:aws:iam::aws:policy/AdministratorAccess").is_some());
        assert!(document("arn:aws-us-gov:iam::aws:policy/PowerUserAccess").is_some());
        assert!(document("arn:aws:iam::aws:policy/ReadOnlyAccess").is_none());
        assert!(document("arn:aws:iam::123456789012:policy/AdministratorAccess").is_none());
        assert!(document("arn:aws:iam::aws:policy/job-function/AdministratorAccess").is_none());
    }
}
