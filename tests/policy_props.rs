//! Property tests of the policy parser: whatever the document, analysis returns (a result or
//! an error naming where), never panics; and adding a Deny never adds a grant.
//!
//! `PROPTEST_CASES=100000 cargo test --release --test policy_props` runs a long campaign.

use proptest::prelude::*;
use serde_json::{Value, json};
use tenantguard::inventory::PolicyDocument;
use tenantguard::policy::{Scope, TrustAnalysis, analyse};

const SCOPE: Scope<'static> = Scope {
    partition: "aws",
    account: "111111111111",
    organization_id: "o-ours",
    org_path: Some("o-ours/r-root/"),
    collected_at: None,
    members: None,
};

fn analyse_doc(doc: &PolicyDocument) -> Result<TrustAnalysis, tenantguard::policy::PolicyError> {
    analyse(doc, &SCOPE)
}

/// Strings biased toward what policies contain.
fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_owned()),
        Just("sts:AssumeRole".to_owned()),
        Just("sts:*".to_owned()),
        Just("111111111111".to_owned()),
        Just("arn:aws:iam::222222222222:role/x".to_owned()),
        Just("arn:aws:iam::*:role/*".to_owned()),
        Just("aws:PrincipalAccount".to_owned()),
        Just("aws:PrincipalOrgPaths".to_owned()),
        Just("AROAEXAMPLE000000001".to_owned()),
        Just("arn:aws-cn:iam::111111111111:root".to_owned()),
        Just("arn:aws:iam::222222222222:saml-provider/idp".to_owned()),
        Just("${aws:PrincipalTag/team}".to_owned()),
        Just("${aws:ResourceAccount}".to_owned()),
        Just("arn:aws:iam::${aws:PrincipalAccount}:role/x".to_owned()),
        Just("${unknown:Var}".to_owned()),
        Just("o-other/r-x/*".to_owned()),
        "[ -~]{0,12}",
        "\\PC{0,6}",
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        atom().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::btree_map(atom(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Statements that look like trust statements, with arbitrary parts.
fn statement() -> impl Strategy<Value = Value> {
    (
        prop_oneof![Just("Allow"), Just("Deny"), Just("Permit")],
        prop_oneof![
            json_value(),
            Just(json!("*")),
            atom().prop_map(|a| json!({"AWS": a}))
        ],
        prop_oneof![json_value(), atom().prop_map(Value::from)],
        prop::option::of(json_value()),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(effect, principal, action, condition, not_principal, not_action)| {
                let mut s = serde_json::Map::new();
                s.insert("Effect".into(), json!(effect));
                s.insert(
                    if not_principal {
                        "NotPrincipal"
                    } else {
                        "Principal"
                    }
                    .into(),
                    principal,
                );
                s.insert(
                    if not_action { "NotAction" } else { "Action" }.into(),
                    action,
                );
                if let Some(c) = condition {
                    s.insert("Condition".into(), c);
                }
                Value::Object(s)
            },
        )
}

proptest! {
    #[test]
    fn arbitrary_json_never_panics(doc in json_value()) {
        let _ = analyse_doc(&PolicyDocument::Json(doc.clone()));
        let _ = analyse_doc(&PolicyDocument::Text(doc.to_string()));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,64}") {
        let _ = analyse_doc(&PolicyDocument::Text(text));
    }

    #[test]
    fn trust_shaped_documents_never_panic(statements in prop::collection::vec(statement(), 0..4)) {
        let doc = json!({"Version": "2012-10-17", "Statement": statements});
        if let Err(e) = analyse_doc(&PolicyDocument::Json(doc)) {
            prop_assert!(!e.location.is_empty());
        }
    }

    #[test]
    fn a_deny_never_adds_a_grant(statements in prop::collection::vec(statement(), 1..4), denied in atom()) {
        let before = analyse_doc(&PolicyDocument::Json(json!({"Statement": statements.clone()})));
        let mut with_deny = statements;
        with_deny.push(json!({"Effect": "Deny", "Principal": {"AWS": denied}, "Action": "sts:AssumeRole"}));
        let after = analyse_doc(&PolicyDocument::Json(json!({"Statement": with_deny})));
        if let (Ok(before), Ok(after)) = (before, after) {
            for g in &after.grants {
                prop_assert!(before.grants.iter().any(|b| b.trustee == g.trustee));
            }
        }
    }

    /// A condition value the caller fills in itself narrows nothing: the statement admits
    /// at least whom it admits without the condition.
    #[test]
    fn a_caller_chosen_value_never_narrows(
        principal in prop_oneof![
            Just(json!("*")),
            Just(json!({"AWS": "222222222222"})),
            Just(json!({"AWS": "arn:aws:iam::333333333333:role/x"})),
        ],
        key in prop_oneof![
            Just("aws:PrincipalAccount"),
            Just("aws:PrincipalArn"),
            Just("aws:PrincipalOrgID"),
            Just("aws:userid"),
        ],
        operator in prop_oneof![Just("StringEquals"), Just("StringLike"), Just("ArnLike")],
        variable in prop_oneof![
            Just("${aws:PrincipalTag/x}"),
            Just("${aws:PrincipalAccount}"),
            Just("${aws:username}"),
            Just("${aws:PrincipalOrgID}"),
        ],
    ) {
        let statement = |condition: Option<Value>| {
            let mut s = json!({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"});
            if let Some(c) = condition {
                s["Condition"] = c;
            }
            PolicyDocument::Json(json!({"Statement": [s]}))
        };
        let open = analyse_doc(&statement(None)).unwrap();
        let with = analyse_doc(&statement(Some(json!({operator: {key: variable}})))).unwrap();
        for g in &open.grants {
            prop_assert!(
                with.grants.iter().any(|w| w.trustee == g.trustee),
                "{operator} {key} {variable}: {:?} lost, kept {:?}", g.trustee, with.grants
            );
        }
    }
}
