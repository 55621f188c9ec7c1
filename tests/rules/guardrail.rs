//! The guardrail family: required SCPs, and guardrails judged by effect.

use super::*;

mod required_scp_missing {
    use super::*;

    #[test]
    fn passes_when_inherited_from_an_ou() {
        assert_eq!(org().findings("required-scp-missing"), vec![]);
    }

    #[test]
    fn fails_for_an_account_outside_the_ou_and_an_unknown_scp() {
        let mut org = org();
        org.inventory
            .organization
            .accounts
            .iter_mut()
            .find(|a| a.id == BETA)
            .unwrap()
            .parent_id = "r-t1".into();
        assert_eq!(org.findings("required-scp-missing").len(), 1);
        let org = org.config("");
        let mut org2 = org;
        org2.config = org2.config.replace(
            "required_scps = [\"Guardrail\"]",
            "required_scps = [\"p-missing\"]",
        );
        assert_eq!(
            org2.findings("required-scp-missing").len(),
            3,
            "every tenant account"
        );
    }

    /// Two guardrails missing on one account are two findings, with two fingerprints.
    #[test]
    fn one_finding_per_account_and_missing_guardrail() {
        let mut org = org();
        org.config = org.config.replace(
            "required_scps = [\"Guardrail\"]",
            "required_scps = [\"p-missing\", \"p-gone\"]",
        );
        let config = Config::parse(&org.config, "t.toml", &tenantguard::rules::ids()).unwrap();
        let findings: Vec<_> = evaluate(&org.inventory, &config)
            .findings
            .into_iter()
            .filter(|f| f.rule == "required-scp-missing" && f.account == BETA)
            .collect();
        assert_eq!(findings.len(), 2, "{findings:#?}");
        assert_ne!(findings[0].fingerprint, findings[1].fingerprint);
    }
}

/// Guardrails judged by effect, and RCPs that close paths.
mod guardrails {
    use super::*;

    const PEER: &str = "ec2:CreateVpcPeeringConnection";

    fn full_access(org: &Org) -> ServiceControlPolicy {
        let o = &org.inventory.organization;
        let mut targets: Vec<String> = o.roots.iter().map(|r| r.id.clone()).collect();
        targets.extend(o.organizational_units.iter().map(|u| u.id.clone()));
        targets.extend(o.accounts.iter().map(|a| a.id.clone()));
        ServiceControlPolicy {
            id: "p-FullAWSAccess".into(),
            name: "FullAWSAccess".into(),
            kind: PolicyKind::ServiceControlPolicy,
            aws_managed: true,
            document: PolicyDocument::Json(
                json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}),
            ),
            targets,
        }
    }

    fn policy(kind: PolicyKind, name: &str, doc: Value, targets: &[&str]) -> ServiceControlPolicy {
        ServiceControlPolicy {
            id: format!("p-{}", name.to_lowercase()),
            name: name.into(),
            kind,
            aws_managed: false,
            document: PolicyDocument::Json(doc),
            targets: targets.iter().map(|t| t.to_string()).collect(),
        }
    }

    /// The test organization with `FullAWSAccess` everywhere, the given SCP, and one
    /// guardrail by effect (the defaults off).
    fn with_scp(doc: Value, targets: &[&str]) -> Org {
        let mut org = org();
        let scp = policy(PolicyKind::ServiceControlPolicy, "Guardrail", doc, targets);
        org.inventory.organization.policies = vec![full_access(&org), scp];
        org.config = org.config.replace(
            "required_scps = [\"Guardrail\"]",
            "required_scps = [\"Guardrail\"]\ndefault_guardrails = false",
        );
        org.config(&format!(
            "[[guardrails]]\nname = \"links\"\ndeny = [\"{PEER}\"]\n"
        ))
    }

    fn deny_peering(condition: Value) -> Value {
        let mut s = json!({"Effect": "Deny", "Action": PEER, "Resource": "*"});
        if !condition.is_null() {
            s["Condition"] = condition;
        }
        json!({"Version": "2012-10-17", "Statement": [s]})
    }

    fn open_accounts(org: &Org) -> Vec<String> {
        let config = Config::parse(&org.config, "t.toml", &tenantguard::rules::ids()).unwrap();
        let mut out: Vec<String> = evaluate(&org.inventory, &config)
            .findings
            .into_iter()
            .filter(|f| f.rule == "guardrail-not-enforced")
            .map(|f| f.account)
            .collect();
        out.sort();
        out
    }

    #[test]
    fn a_deny_at_the_root_or_two_levels_up_holds() {
        assert!(open_accounts(&with_scp(deny_peering(Value::Null), &["r-t1"])).is_empty());
        // ACME sits in Tenants/Acme: Tenants is two levels above the account.
        assert!(open_accounts(&with_scp(deny_peering(Value::Null), &["ou-t1-tenants"])).is_empty());
    }

    #[test]
    fn a_deny_on_a_sibling_ou_does_nothing_for_the_account() {
        // Acme's OU holds it; beta sits beside it in Tenants.
        assert_eq!(
            open_accounts(&with_scp(deny_peering(Value::Null), &["ou-t1-acme"])),
            [BETA]
        );
    }

    #[test]
    fn no_guardrail_at_all_is_reported_for_every_tenant_account_not_the_management_one() {
        let org = with_scp(json!({"Statement": []}), &["r-t1"]);
        assert_eq!(open_accounts(&org), [ACME, ACME2, BETA]);
    }

    #[test]
    fn a_named_pipeline_exemption_holds_and_an_every_role_exemption_does_not() {
        let named = with_scp(
            deny_peering(
                json!({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/platform-pipeline"}}),
            ),
            &["ou-t1-tenants"],
        );
        assert!(open_accounts(&named).is_empty());
        assert!(named.findings("required-scp-weakened").is_empty());
        let every = with_scp(
            deny_peering(json!({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/*"}})),
            &["ou-t1-tenants"],
        );
        assert_eq!(open_accounts(&every), [ACME, ACME2, BETA]);
        assert_eq!(
            every.findings("required-scp-weakened").len(),
            3,
            "attached by name, but it exempts every role"
        );
    }

    #[test]
    fn an_allow_list_without_the_action_blocks_it_by_omission() {
        let mut org = with_scp(json!({"Statement": []}), &["r-t1"]);
        let allow_list = policy(
            PolicyKind::ServiceControlPolicy,
            "AllowList",
            json!({"Statement": {"Effect": "Allow", "Action": ["s3:*", "iam:*"], "Resource": "*"}}),
            &["ou-t1-tenants"],
        );
        org.inventory.organization.policies[0]
            .targets
            .retain(|t| t != "ou-t1-tenants");
        org.inventory.organization.policies.push(allow_list);
        assert!(open_accounts(&org).is_empty(), "denied: nothing allows it");
        let blocked = org.findings("guardrail-blocks-action");
        assert_eq!(blocked.len(), 3, "{blocked:?}");
        let config = Config::parse(&org.config, "t.toml", &tenantguard::rules::ids()).unwrap();
        let info = evaluate(&org.inventory, &config)
            .findings
            .into_iter()
            .find(|f| f.rule == "guardrail-blocks-action")
            .unwrap();
        assert_eq!(info.severity, tenantguard::severity::Severity::Info);
        assert!(info.message.contains("ou-t1-tenants"), "{}", info.message);
    }

    /// Acme's two accounts sit in one OU, so their verdicts are judged once and shared; what
    /// tells them apart must not be shared: an SCP naming one of them, and a citation of an
    /// SCP attached to the account itself.
    #[test]
    fn accounts_judged_together_keep_their_own_verdicts_and_citations() {
        let named = with_scp(
            deny_peering(json!({"StringNotEquals": {"aws:PrincipalAccount": ACME2}})),
            &["ou-t1-tenants"],
        );
        assert_eq!(open_accounts(&named), [ACME2]);
        // The same SCP stored as text that writes the account id in JSON escapes: still named.
        let doc = deny_peering(json!({"StringNotEquals": {"aws:PrincipalAccount": ACME2}}));
        let mut escaped = with_scp(doc.clone(), &["ou-t1-tenants"]);
        let escapes: String = ACME2
            .chars()
            .map(|c| format!("\\u{:04x}", c as u32))
            .collect();
        let text = doc.to_string().replace(ACME2, &escapes);
        escaped.inventory.organization.policies[1].document = PolicyDocument::Text(text);
        assert_eq!(open_accounts(&escaped), [ACME2]);
        let mut org = with_scp(json!({"Statement": []}), &["r-t1"]);
        let allow_list = policy(
            PolicyKind::ServiceControlPolicy,
            "AllowList",
            json!({"Statement": {"Effect": "Allow", "Action": ["s3:*", "iam:*"], "Resource": "*"}}),
            &[ACME, ACME2],
        );
        org.inventory.organization.policies[0]
            .targets
            .retain(|t| t != ACME && t != ACME2);
        org.inventory.organization.policies.push(allow_list);
        let config = Config::parse(&org.config, "t.toml", &tenantguard::rules::ids()).unwrap();
        let blocked: Vec<_> = evaluate(&org.inventory, &config)
            .findings
            .into_iter()
            .filter(|f| f.rule == "guardrail-blocks-action")
            .collect();
        assert_eq!(blocked.len(), 2, "{blocked:?}");
        for f in &blocked {
            let other = if f.account == ACME { ACME2 } else { ACME };
            assert!(
                f.message.contains(&format!("attached at {}", f.account))
                    && !f.message.contains(other),
                "{}",
                f.message
            );
            let evidence = serde_json::to_string(&f.evidence).unwrap();
            assert!(!evidence.contains(other), "{evidence}");
        }
    }

    #[test]
    fn scps_that_are_not_enabled_deny_nothing() {
        let mut org = with_scp(deny_peering(Value::Null), &["r-t1"]);
        org.inventory.organization.roots[0].policy_types = Some(vec![]);
        assert_eq!(open_accounts(&org), [ACME, ACME2, BETA]);
    }

    /// An RCP denying role assumption to principals outside the resource's own account
    /// closes beta's trust into acme: still reported, marked, at low severity.
    #[test]
    fn an_rcp_that_certainly_denies_closes_a_cross_tenant_trust() {
        let build = |condition: Value, types: &[&str]| {
            let mut org = org().role(ACME, "report", trust(json!({"AWS": BETA})));
            let rcp = policy(
                PolicyKind::ResourceControlPolicy,
                "Perimeter",
                json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*", "Condition": condition}]}),
                &["ou-t1-tenants"],
            );
            org.inventory.organization.policies.push(rcp);
            org.inventory.organization.roots[0].policy_types =
                Some(types.iter().map(|t| t.to_string()).collect());
            let config = Config::parse(&org.config, "t.toml", &tenantguard::rules::ids()).unwrap();
            evaluate(&org.inventory, &config)
                .findings
                .into_iter()
                .find(|f| f.rule == "cross-tenant-trust")
                .unwrap()
        };
        let both = ["RESOURCE_CONTROL_POLICY", "SERVICE_CONTROL_POLICY"];
        let own_account =
            json!({"StringNotEqualsIfExists": {"aws:PrincipalAccount": "${aws:ResourceAccount}"}});
        let blocked = build(own_account.clone(), &both);
        assert_eq!(blocked.blocked_by.as_ref().unwrap().policy, "Perimeter");
        assert_eq!(blocked.severity, tenantguard::severity::Severity::Low);
        assert!(blocked.message.contains("blocked by RCP `Perimeter`"));
        // The RCP type is not enabled: the policy does nothing.
        assert!(
            build(own_account, &["SERVICE_CONTROL_POLICY"])
                .blocked_by
                .is_none()
        );
        // Whether beta's principals carry a tag is not known: not certainly denied.
        let tag = json!({"StringNotEquals": {"aws:PrincipalTag/tenant": "acme"}});
        assert!(build(tag, &both).blocked_by.is_none());
        // An organization perimeter does not stop another tenant of the same organization.
        let org_perimeter =
            json!({"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-test000001"}});
        assert!(build(org_perimeter, &both).blocked_by.is_none());
    }
}
