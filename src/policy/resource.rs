//! Resource-policy analysis: who a resource's policy lets act on it, with what access.
//!
//! The principals and conditions are the trust analysis's own ([`trust::analyse_selected`]):
//! `Principal`/`NotPrincipal`, narrowing by `aws:PrincipalAccount`, `aws:PrincipalArn`,
//! `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths` and KMS's `kms:CallerAccount`, unconditional
//! Denies. What resource policies add is here: the actions granted, sorted into the kinds of
//! access a reviewer ranks (read, write, decrypt, manage), and, for a grant to an AWS service,
//! the source conditions (`aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID`,
//! `aws:SourceOrgPaths`) that say on whose behalf the service may act. `aws:SourceVpc`,
//! `aws:SourceVpce`, `aws:SourceIp` and `kms:ViaService` restrict the network path or the
//! service in between, not who calls: they narrow nothing.

use serde::Serialize;

use super::document::{ActionElement, Effect, PolicyError};
use super::grant::Grant;
use super::principal::Trustee;
use super::trust::{self, TrustAnalysis};
use super::variables::Scope;
use super::{pattern, source};
use crate::inventory::PolicyDocument;

/// The kinds of access a grant gives, worst last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// An action tenantguard cannot sort: the message names it as written.
    Unclassified,
    Read,
    Write,
    Decrypt,
    Manage,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Unclassified => "unclassified",
            Access::Read => "read",
            Access::Write => "write",
            Access::Decrypt => "decrypt",
            Access::Manage => "manage",
        }
    }
}

/// Representative actions of each kind of access, per service. A granted pattern gives a
/// kind when it matches one of them (`s3:Get*` reads, `kms:*` decrypts and manages).
const ACCESS: &[(Access, &[&str])] = &[
    (
        Access::Read,
        &[
            "s3:GetObject",
            "s3:ListBucket",
            "sqs:ReceiveMessage",
            "sns:Subscribe",
            "secretsmanager:GetSecretValue",
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer",
            "lambda:GetFunction",
            "kms:DescribeKey",
            "dynamodb:GetItem",
            "dynamodb:Query",
            "dynamodb:Scan",
            "elasticfilesystem:ClientMount",
        ],
    ),
    (
        Access::Write,
        &[
            "s3:PutObject",
            "s3:DeleteObject",
            "sqs:SendMessage",
            "sqs:DeleteMessage",
            "sns:Publish",
            "lambda:InvokeFunction",
            "ecr:PutImage",
            "secretsmanager:PutSecretValue",
            "kms:Encrypt",
            "events:PutEvents",
            "execute-api:Invoke",
            "dynamodb:PutItem",
            "dynamodb:DeleteItem",
            "elasticfilesystem:ClientWrite",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
        ],
    ),
    (
        Access::Decrypt,
        &[
            "kms:Decrypt",
            "kms:GenerateDataKey",
            "kms:ReEncryptFrom",
            "kms:CreateGrant",
        ],
    ),
    (
        Access::Manage,
        &[
            "s3:PutBucketPolicy",
            "s3:DeleteBucketPolicy",
            "s3:PutBucketAcl",
            "s3:DeleteBucket",
            "kms:PutKeyPolicy",
            "kms:CreateGrant",
            "kms:ScheduleKeyDeletion",
            "sqs:SetQueueAttributes",
            "sqs:DeleteQueue",
            "sns:SetTopicAttributes",
            "sns:DeleteTopic",
            "secretsmanager:PutResourcePolicy",
            "secretsmanager:DeleteSecret",
            "lambda:AddPermission",
            "lambda:UpdateFunctionCode",
            "ecr:SetRepositoryPolicy",
            "ecr:DeleteRepository",
            "elasticfilesystem:ClientRootAccess",
            "dynamodb:PutResourcePolicy",
            "dynamodb:DeleteTable",
            "events:PutPermission",
            "logs:PutResourcePolicy",
        ],
    ),
];

/// What the recipient of a shared snapshot or AMI does with it: makes its own volume, copy or
/// instance of the disk. Whatever the verb says, for the owner that is a read of all its data.
const READ_BY_RECIPIENT: &[&str] = &[
    "ec2:CreateVolume",
    "ec2:CopySnapshot",
    "ec2:RunInstances",
    "ec2:CopyImage",
    "rds:RestoreDBInstanceFromDBSnapshot",
    "rds:CopyDBSnapshot",
    "rds:RestoreDBClusterFromSnapshot",
    "rds:CopyDBClusterSnapshot",
];

/// Actions that change who may reach the resource: whoever may call them may grant
/// themselves (or anyone) everything else.
const POLICY_MANAGEMENT: &[&str] = &[
    "*Policy",
    "*Policy*",
    "*Permission",
    "*Permissions",
    "*Acl",
    "*Grant",
    "*Grants",
    "*:Set*Attributes",
    "*:PutBucketOwnershipControls",
    "*:PutBucketPublicAccessBlock",
    "*:DeletePublicAccessBlock",
    "*:PutPublicAccessBlock",
    "kms:PutKeyPolicy",
    "kms:ScheduleKeyDeletion",
    "kms:DisableKey",
];

/// The kind of one action, by the verb AWS names it with. `None` when the verb says nothing
/// tenantguard can vouch for.
fn kind_of(action: &str) -> Option<Access> {
    if POLICY_MANAGEMENT
        .iter()
        .any(|p| pattern::matches_ignore_case(p, action))
    {
        return Some(Access::Manage);
    }
    let (service, name) = action.split_once(':')?;
    let service = service.to_ascii_lowercase();
    let verb_is = |verbs: &[&str]| {
        verbs
            .iter()
            .any(|v| name.len() >= v.len() && name[..v.len()].eq_ignore_ascii_case(v))
    };
    if service == "kms"
        && verb_is(&[
            "Decrypt",
            "GenerateDataKey",
            "ReEncrypt",
            "Sign",
            "DeriveSharedSecret",
            "GenerateMac",
        ])
    {
        return Some(Access::Decrypt);
    }
    if verb_is(&[
        "Get",
        "List",
        "Describe",
        "Head",
        "Receive",
        "Select",
        "Lookup",
        "BatchGet",
        "BatchCheck",
        "Query",
        "Scan",
        "Subscribe",
        "Verify",
        "Download",
        "Check",
        "Search",
        "Read",
        "View",
        "Export",
    ]) {
        return Some(Access::Read);
    }
    // Deleting or replacing the resource itself is managing it; deleting what is in it
    // (objects, messages) is writing.
    let whole = [
        "Bucket",
        "Topic",
        "Queue",
        "Secret",
        "Repository",
        "Function",
        "FunctionCode",
        "FunctionConfiguration",
        "Key",
    ];
    let verbs = [
        "Delete",
        "Remove",
        "Cancel",
        "Rotate",
        "Restore",
        "Replicate",
        "Update",
        "Create",
        "Schedule",
        "Disable",
        "Enable",
        "Purge",
    ];
    if verb_is(&verbs) {
        return Some(if whole.iter().any(|w| name.ends_with(w)) {
            Access::Manage
        } else {
            Access::Write
        });
    }
    if verb_is(&[
        "Put",
        "Send",
        "Publish",
        "Invoke",
        "Upload",
        "Write",
        "Encrypt",
        "Abort",
        "Initiate",
        "Complete",
        "Change",
        "Start",
        "Stop",
        "Batch",
        "Copy",
        "Confirm",
        "Unsubscribe",
        "Tag",
        "Untag",
    ]) {
        return Some(Access::Write);
    }
    None
}

/// The kinds of access the granted action patterns give. A pattern with a wildcard gives a
/// kind when it matches one of that kind's representative actions (`s3:Get*` reads, `kms:*`
/// decrypts and manages); an action named in full is sorted by its verb
/// (`s3:PutBucketPolicy` manages, `sqs:GetQueueUrl` reads). What neither sorts is
/// [`Access::Unclassified`], never taken for a read: the message names the action.
pub fn access(actions: &[String]) -> Vec<Access> {
    let mut out: Vec<Access> = Vec::new();
    for action in actions {
        if READ_BY_RECIPIENT.contains(&action.as_str()) {
            out.push(Access::Read);
            continue;
        }
        let mut kinds: Vec<Access> = ACCESS
            .iter()
            .filter(|(_, examples)| {
                examples
                    .iter()
                    .any(|e| pattern::matches_ignore_case(action, e))
            })
            .map(|(kind, _)| *kind)
            .collect();
        if kinds.is_empty() || !pattern::has_wildcard(action) {
            kinds.extend(kind_of(action));
        }
        if kinds.is_empty() {
            kinds.push(Access::Unclassified);
        }
        out.extend(kinds);
    }
    out.sort();
    out.dedup();
    out
}

/// An Allow grants its actions as written; `NotAction` grants everything else, read as `*`.
/// A Deny removes only the actions it names (a `NotAction` Deny is never taken as certain).
fn as_written(action: &ActionElement, effect: Effect) -> Vec<String> {
    match (action, effect) {
        (ActionElement::Action(list), _) => list.clone(),
        (ActionElement::NotAction(_), Effect::Allow) => vec!["*".to_owned()],
        (ActionElement::NotAction(_), Effect::Deny) => Vec::new(),
    }
}

/// What a resource policy grants.
pub struct ResourceAnalysis {
    pub trust: TrustAnalysis,
}

impl ResourceAnalysis {
    pub fn grants(&self) -> &[Grant] {
        &self.trust.grants
    }
}

pub fn analyse(
    document: &PolicyDocument,
    scope: &Scope<'_>,
) -> Result<ResourceAnalysis, PolicyError> {
    Ok(ResourceAnalysis {
        trust: trust::analyse_selected(document, scope, as_written)?,
    })
}

/// For a grant to an AWS service: on whose behalf the service may reach the resource, as the
/// statement's source conditions say ([`source::sources`], the service's own context keys
/// included). `None` when no condition names a source (the confused deputy).
pub fn service_sources(grant: &Grant, scope: &Scope<'_>) -> Option<Vec<Trustee>> {
    source::sources(grant.conditions(), scope, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SCOPE: Scope<'static> = super::super::variables::TEST_SCOPE;

    fn grants(statements: serde_json::Value) -> Vec<(String, Vec<Access>)> {
        analyse(
            &PolicyDocument::Json(json!({"Statement": statements})),
            &SCOPE,
        )
        .unwrap()
        .grants()
        .iter()
        .map(|g| (format!("{:?}", g.trustee), access(&g.actions)))
        .collect()
    }

    #[test]
    fn actions_are_sorted_into_kinds_of_access() {
        let kinds = |a: &[&str]| access(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(kinds(&["s3:GetObject"]), [Access::Read]);
        assert_eq!(
            kinds(&["s3:Get*", "s3:PutObject"]),
            [Access::Read, Access::Write]
        );
        assert_eq!(kinds(&["kms:Decrypt"]), [Access::Decrypt]);
        assert_eq!(
            kinds(&["kms:*"]),
            [Access::Read, Access::Write, Access::Decrypt, Access::Manage]
        );
        assert_eq!(kinds(&["sqs:SendMessage"]), [Access::Write]);
        assert_eq!(kinds(&["*"]).len(), 4);
        assert_eq!(
            kinds(&["sqs:GetQueueUrl"]),
            [Access::Read],
            "an unlisted action is sorted by its verb"
        );
        assert_eq!(kinds(&["s3:DeleteBucketPolicy"]), [Access::Manage]);
        assert_eq!(kinds(&["kms:PutKeyPolicy"]), [Access::Manage]);
        assert_eq!(kinds(&["SNS:AddPermission"]), [Access::Manage]);
        assert_eq!(kinds(&["sns:SetTopicAttributes"]), [Access::Manage]);
        assert_eq!(kinds(&["s3:DeleteObject"]), [Access::Write]);
        assert_eq!(kinds(&["s3:DeleteBucket"]), [Access::Manage]);
        assert_eq!(
            kinds(&["s3:ObjectOwnerOverrideToBucketOwner"]),
            [Access::Unclassified],
            "an action tenantguard cannot sort is never taken for a read"
        );
    }

    #[test]
    fn resource_grants_use_the_trust_analysis() {
        let g = grants(
            json!([{"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "s3:GetObject", "Resource": "*"}]),
        );
        assert_eq!(g.len(), 1);
        assert!(g[0].0.contains("222222222222"));
        // kms:CallerAccount narrows like aws:PrincipalAccount.
        let g = grants(
            json!([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*",
            "Condition": {"StringEquals": {"kms:CallerAccount": "333333333333", "kms:ViaService": "s3.eu-west-1.amazonaws.com"}}}]),
        );
        assert_eq!(g.len(), 1);
        assert!(g[0].0.contains("333333333333"), "{g:?}");
        // aws:SourceVpce restricts the network path, not the caller.
        let g = grants(
            json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}]),
        );
        assert_eq!(g[0].0, "AnyAccount");
        // A Deny of `s3:*` to the same account removes a `s3:Get*` grant.
        let g = grants(json!([
            {"Effect": "Allow", "Principal": {"AWS": "222222222222"}, "Action": "s3:Get*", "Resource": "*"},
            {"Effect": "Deny", "Principal": {"AWS": "222222222222"}, "Action": "s3:*", "Resource": "*"}]));
        assert!(g.is_empty());
    }

    #[test]
    fn service_sources_pin_the_account_or_nothing() {
        let sources = |condition: serde_json::Value| {
            let a = analyse(&PolicyDocument::Json(json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "*", "Condition": condition}]})), &SCOPE).unwrap();
            service_sources(&a.grants()[0], &SCOPE)
        };
        assert_eq!(sources(json!({})), None);
        assert_eq!(
            sources(json!({"StringEquals": {"aws:SourceAccount": "${aws:ResourceAccount}"}})),
            Some(vec![Trustee::account("111111111111", "root")])
        );
        assert_eq!(
            sources(
                json!({"ArnLike": {"aws:SourceArn": "arn:aws:sns:eu-west-1:222222222222:topic"}})
            ),
            Some(vec![Trustee::account("222222222222", "root")])
        );
        assert_eq!(
            sources(json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::bucket"}})),
            Some(vec![Trustee::AnyAccount]),
            "an S3 ARN names no account"
        );
        assert_eq!(
            sources(json!({"StringNotEquals": {"aws:SourceAccount": "222222222222"}})),
            None,
            "a negated test pins nothing"
        );
    }
}
