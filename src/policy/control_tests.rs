//! SCP shapes and OU chains with the verdicts AWS's evaluation gives them.

use serde_json::{Value, json};

use super::*;
use crate::inventory::PolicyDocument;
use crate::policy::document::parse;
use crate::policy::request::Known;

const ACCOUNT: &str = "111111111111";

fn full() -> Value {
    json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})
}

fn deny(action: Value, extra: Value) -> Value {
    let mut s = json!({"Effect": "Deny", "Action": action, "Resource": "*"});
    if s["Action"].is_null() {
        s.as_object_mut().unwrap().remove("Action");
    }
    for (k, v) in extra.as_object().unwrap() {
        if v.is_null() {
            s.as_object_mut().unwrap().remove(k);
        } else {
            s[k] = v.clone();
        }
    }
    json!({"Statement": [s]})
}

/// What a row expects.
#[derive(Debug, PartialEq)]
enum Expect {
    Denied(&'static str),
    Except,
    NotAllowed(&'static str),
    Open,
    OpenUnreadable,
}

/// The policies of one level, by name, parsed.
type Parsed = Vec<(String, Result<Vec<Statement>, PolicyError>)>;
/// Levels from the root down, each a target and its policy documents.
type Chain = Vec<(&'static str, Vec<Value>)>;

fn verdict(chain: &[(&'static str, Vec<Value>)], action: &str, resource: &str) -> Verdict {
    let parsed: Vec<Parsed> = chain
        .iter()
        .map(|(target, docs)| {
            docs.iter()
                .enumerate()
                .map(|(i, d)| {
                    let doc = match d {
                        Value::String(text) => PolicyDocument::Text(text.clone()),
                        d => PolicyDocument::Json(d.clone()),
                    };
                    (format!("{target}-p{i}"), parse(&doc))
                })
                .collect()
        })
        .collect();
    let levels: Vec<Level<'_>> = chain
        .iter()
        .zip(&parsed)
        .map(|((target, _), policies)| Level {
            target,
            policies: policies
                .iter()
                .map(|(name, statements)| Attached {
                    id: name,
                    name,
                    statements,
                })
                .collect(),
        })
        .collect();
    let request = Request::default()
        .value("aws:PrincipalAccount", ACCOUNT)
        .with(
            "aws:PrincipalArn",
            Known::ArnInAccount {
                partition: "aws".into(),
                account: ACCOUNT.into(),
            },
        )
        .value("aws:PrincipalOrgID", "o-own")
        .value("aws:ResourceAccount", ACCOUNT)
        .value("aws:PrincipalIsAWSService", "false");
    let scope = Scope {
        partition: "aws",
        account: ACCOUNT,
        organization_id: "o-own",
        org_path: Some("o-own/r-root/ou-tenants/"),
        collected_at: None,
        members: None,
    };
    judge(
        &levels,
        &Question {
            action,
            resource,
            request: &request,
            scope: &scope,
        },
    )
}

fn classify(v: &Verdict) -> Expect {
    match v {
        Verdict::Denied { by } => Expect::Denied(leak(&by.target)),
        Verdict::DeniedExcept { .. } => Expect::Except,
        Verdict::NotAllowed { target } => Expect::NotAllowed(leak(target)),
        Verdict::NotDenied { unreadable, .. } if !unreadable.is_empty() => Expect::OpenUnreadable,
        Verdict::NotDenied { .. } => Expect::Open,
    }
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

const PEER: &str = "ec2:CreateVpcPeeringConnection";

#[test]
fn scp_shapes_and_chains_give_aws_verdicts() {
    use Expect::*;
    let peer_deny = || deny(json!(PEER), json!({}));
    let cond = |c: Value| deny(json!(PEER), json!({"Condition": c}));
    #[rustfmt::skip]
    let rows: Vec<(&str, Chain, &str, &str, Expect)> = vec![
        ("FullAWSAccess everywhere, no deny", vec![("root", vec![full()]), ("ou", vec![full()]), ("acct", vec![full()])], PEER, "*", Open),
        ("deny at the root", vec![("root", vec![full(), peer_deny()]), ("ou", vec![full()]), ("acct", vec![full()])], PEER, "*", Denied("root")),
        ("deny two OUs up", vec![("root", vec![full()]), ("ou-a", vec![full(), peer_deny()]), ("ou-b", vec![full()]), ("acct", vec![full()])], PEER, "*", Denied("ou-a")),
        ("deny on the account itself", vec![("root", vec![full()]), ("acct", vec![full(), peer_deny()])], PEER, "*", Denied("acct")),
        ("deny only on a sibling OU (not on the path)", vec![("root", vec![full()]), ("ou", vec![full()]), ("acct", vec![full()])], PEER, "*", Open),
        ("wildcard action ec2:*", vec![("root", vec![full(), deny(json!("ec2:*"), json!({}))]), ("acct", vec![full()])], PEER, "*", Denied("root")),
        ("wildcard in the middle ec2:*Peering*", vec![("root", vec![full(), deny(json!("ec2:*Peering*"), json!({}))]), ("acct", vec![full()])], PEER, "*", Denied("root")),
        ("action names are case-insensitive", vec![("root", vec![full(), deny(json!("EC2:createvpcpeeringconnection"), json!({}))]), ("acct", vec![full()])], PEER, "*", Denied("root")),
        ("another action is not denied", vec![("root", vec![full(), deny(json!("ec2:AcceptVpcPeeringConnection"), json!({}))]), ("acct", vec![full()])], PEER, "*", Open),
        ("NotAction deny covering it", vec![("root", vec![full(), deny(json!(null), json!({"NotAction": ["iam:*", "sts:*"]}))]), ("acct", vec![full()])], PEER, "*", Denied("root")),
        ("NotAction deny excluding it", vec![("root", vec![full(), deny(json!(null), json!({"NotAction": "ec2:*"}))]), ("acct", vec![full()])], PEER, "*", Open),
        ("deny on some resources only", vec![("root", vec![full(), deny(json!(PEER), json!({"Resource": "arn:aws:ec2:*:*:vpc/vpc-1"}))]), ("acct", vec![full()])], PEER, "*", Open),
        ("deny with NotResource", vec![("root", vec![full(), deny(json!(PEER), json!({"Resource": null, "NotResource": "arn:aws:ec2:*:*:vpc/vpc-1"}))]), ("acct", vec![full()])], PEER, "*", Open),
        ("deny of a named resource, asked for that resource", vec![("root", vec![full(), deny(json!("iam:DeleteRole"), json!({"Resource": "arn:aws:iam::*:role/audit"}))]), ("acct", vec![full()])], "iam:DeleteRole", "arn:aws:iam::111111111111:role/audit", Denied("root")),
        ("deny of another resource, asked for the audit role", vec![("root", vec![full(), deny(json!("iam:DeleteRole"), json!({"Resource": "arn:aws:iam::*:role/other"}))]), ("acct", vec![full()])], "iam:DeleteRole", "arn:aws:iam::111111111111:role/audit", Open),
        ("exemption for one named pipeline role", vec![("root", vec![full(), cond(json!({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/platform-pipeline"}}))]), ("acct", vec![full()])], PEER, "*", Except),
        ("exemption for every role", vec![("root", vec![full(), cond(json!({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}))]), ("acct", vec![full()])], PEER, "*", Open),
        ("exemption for a role path", vec![("root", vec![full(), cond(json!({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/platform/*"}}))]), ("acct", vec![full()])], PEER, "*", Open),
        ("exemption of a role in another account only", vec![("root", vec![full(), cond(json!({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::999999999999:role/*"}}))]), ("acct", vec![full()])], PEER, "*", Denied("root")),
        ("exemption by tag", vec![("root", vec![full(), cond(json!({"StringNotEquals": {"aws:PrincipalTag/team": "platform"}}))]), ("acct", vec![full()])], PEER, "*", Open),
        ("exemption of the platform account (not this one)", vec![("root", vec![full(), cond(json!({"StringNotEquals": {"aws:PrincipalAccount": ["999999999999"]}}))]), ("acct", vec![full()])], PEER, "*", Denied("root")),
        ("exemption of this very account", vec![("root", vec![full(), cond(json!({"StringNotEquals": {"aws:PrincipalAccount": [ACCOUNT]}}))]), ("acct", vec![full()])], PEER, "*", Open),
        ("deny only for users", vec![("root", vec![full(), cond(json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/*"}}))]), ("acct", vec![full()])], PEER, "*", Open),
        ("deny only in some regions", vec![("root", vec![full(), cond(json!({"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}))]), ("acct", vec![full()])], PEER, "*", Open),
        ("deny for principals of the organization (true)", vec![("root", vec![full(), cond(json!({"StringEquals": {"aws:PrincipalOrgID": "o-own"}}))]), ("acct", vec![full()])], PEER, "*", Denied("root")),
        ("deny scoped to another account (false)", vec![("root", vec![full(), cond(json!({"StringEquals": {"aws:PrincipalAccount": "999999999999"}}))]), ("acct", vec![full()])], PEER, "*", Open),
        ("resource-account variable", vec![("root", vec![full(), cond(json!({"StringEquals": {"aws:PrincipalAccount": "${aws:ResourceAccount}"}}))]), ("acct", vec![full()])], PEER, "*", Denied("root")),
        ("not a service (BoolIfExists false)", vec![("root", vec![full(), cond(json!({"BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}))]), ("acct", vec![full()])], PEER, "*", Denied("root")),
        ("two statements: a weak one and a certain one", vec![("root", vec![full(), cond(json!({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}})), peer_deny()]), ("acct", vec![full()])], PEER, "*", Denied("root")),
        ("allow-list without the action at the OU", vec![("root", vec![full()]), ("ou", vec![json!({"Statement": {"Effect": "Allow", "Action": ["s3:*", "iam:*"], "Resource": "*"}})]), ("acct", vec![full()])], PEER, "*", NotAllowed("ou")),
        ("allow-list with the action", vec![("root", vec![full()]), ("ou", vec![json!({"Statement": {"Effect": "Allow", "Action": ["ec2:*"], "Resource": "*"}})]), ("acct", vec![full()])], PEER, "*", Open),
        ("FullAWSAccess detached from the account", vec![("root", vec![full()]), ("acct", vec![])], PEER, "*", NotAllowed("acct")),
        ("Allow with NotAction excluding it", vec![("root", vec![json!({"Statement": {"Effect": "Allow", "NotAction": "ec2:*", "Resource": "*"}})]), ("acct", vec![full()])], PEER, "*", NotAllowed("root")),
        ("Allow with a condition may allow", vec![("root", vec![json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}})]), ("acct", vec![full()])], PEER, "*", Open),
        ("Allow with a condition that is false", vec![("root", vec![json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": "999999999999"}}}})]), ("acct", vec![full()])], PEER, "*", NotAllowed("root")),
        ("explicit deny beats the allow-list gap", vec![("root", vec![full(), peer_deny()]), ("ou", vec![])], PEER, "*", Denied("root")),
        ("unreadable policy on the path", vec![("root", vec![full(), json!("{not json")]), ("acct", vec![full()])], PEER, "*", OpenUnreadable),
        ("unreadable policy but a certain deny", vec![("root", vec![full(), json!("{not json"), peer_deny()]), ("acct", vec![full()])], PEER, "*", Denied("root")),
        ("URL-encoded document", vec![("root", vec![full(), json!("%7B%22Statement%22%3A%7B%22Effect%22%3A%22Deny%22%2C%22Action%22%3A%22ec2%3A*%22%2C%22Resource%22%3A%22*%22%7D%7D")]), ("acct", vec![full()])], PEER, "*", Denied("root")),
        ("a policy variable the caller fills in", vec![("root", vec![full(), cond(json!({"StringNotEquals": {"aws:PrincipalAccount": "${aws:PrincipalTag/home}"}}))]), ("acct", vec![full()])], PEER, "*", Open),
    ];
    assert!(rows.len() >= 30);
    for (name, chain, action, resource, expected) in rows {
        let v = verdict(&chain, action, resource);
        assert_eq!(classify(&v), expected, "{name}: {v:?}");
    }
}

#[test]
fn an_exemption_is_listed_and_a_weak_deny_is_evidence() {
    let chain = vec![
        (
            "root",
            vec![
                full(),
                deny(
                    json!(PEER),
                    json!({"Condition": {"ArnNotLike": {"aws:PrincipalArn": ["arn:aws:iam::*:role/platform-pipeline"]}}}),
                ),
            ],
        ),
        ("acct", vec![full()]),
    ];
    let Verdict::DeniedExcept { by, exempt } = verdict(&chain, PEER, "*") else {
        panic!("expected an exemption");
    };
    assert_eq!(by.policy, "root-p1");
    assert_eq!(
        exempt,
        [Qualifier::Exempts {
            operator: "ArnNotLike".into(),
            key: "aws:PrincipalArn".into(),
            values: vec!["arn:aws:iam::*:role/platform-pipeline".into()]
        }]
    );
    let chain = vec![
        (
            "root",
            vec![
                full(),
                deny(
                    json!(PEER),
                    json!({"Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}}}),
                ),
            ],
        ),
        ("acct", vec![full()]),
    ];
    let Verdict::NotDenied { partial, .. } = verdict(&chain, PEER, "*") else {
        panic!("a broad exemption leaves the action open");
    };
    assert_eq!(partial.len(), 1);
    assert_eq!(partial[0].cite.target, "root");
}
