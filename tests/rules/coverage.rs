//! Coverage and configuration: unmapped and unscanned accounts, unused exceptions.

use super::*;

mod unmapped_account {
    use super::*;

    #[test]
    fn passes_when_every_account_is_mapped() {
        assert_eq!(org().findings("unmapped-account"), vec![]);
    }

    #[test]
    fn fails_for_an_active_unmapped_account_but_not_a_suspended_one() {
        let org = org().unmapped_sandbox();
        assert_eq!(org.findings("unmapped-account").len(), 1);
        let mut org = org;
        org.inventory
            .organization
            .accounts
            .iter_mut()
            .find(|a| a.id == SANDBOX)
            .unwrap()
            .status = AccountStatus::Suspended;
        assert_eq!(org.findings("unmapped-account"), vec![]);
    }
}

mod not_scanned {
    use super::*;

    #[test]
    fn passes_when_everything_was_read() {
        let org = org();
        assert_eq!(org.findings("not-scanned"), vec![]);
    }

    #[test]
    fn fails_for_failed_missing_and_regionless_accounts() {
        let mut org = org();
        org.account(ACME).status = CollectionStatus::Failed {
            error: "AccessDenied".into(),
        };
        org.account(BETA).regions[0].status = CollectionStatus::Failed {
            error: "throttled".into(),
        };
        org.account(ACME2).regions.clear();
        org.inventory.accounts.retain(|a| a.account_id != SHARED);
        let got = org.findings("not-scanned");
        assert_eq!(got.len(), 4, "{got:?}");
    }

    /// Regions an SCP denies the audit role are one finding per region and SCP, naming the
    /// accounts, never one per account, and never clean.
    #[test]
    fn regions_an_scp_denies_are_reported_once_per_region_and_scp() {
        let mut org = org();
        let denied = |policy: &str| CollectionStatus::Denied {
            error: "not read: the SCP denies it".into(),
            action: "ec2:DescribeVpcs".into(),
            policy_id: Some(policy.into()),
            policy: Some(policy.trim_start_matches("p-").into()),
            target: "ou-t1-tenants".into(),
        };
        for account in [ACME, ACME2, BETA] {
            org.account(account).regions[0].status = denied("p-regions");
        }
        org.account(SHARED).regions[0].status = denied("p-other");
        let config = Config::parse(&org.config, "t.toml", &tenantguard::rules::ids()).unwrap();
        let ev = evaluate(&org.inventory, &config);
        assert!(!ev.complete(), "a denied region is a gap");
        let gaps: Vec<_> = ev
            .findings
            .iter()
            .filter(|f| f.rule == "not-scanned")
            .collect();
        assert_eq!(gaps.len(), 2, "{gaps:#?}");
        let regions = gaps
            .iter()
            .find(|f| f.resource.ends_with("/p-regions"))
            .expect("one finding for p-regions");
        assert_eq!(regions.evidence[0]["accounts"], json!([ACME, ACME2, BETA]));
        assert!(
            regions.message.contains("3 account(s)")
                && regions.message.contains("exempt the audit role")
        );
        assert!(gaps.iter().any(|f| f.resource.ends_with("/p-other")));
    }

    #[test]
    fn an_account_left_out_on_purpose_is_not_missing() {
        let mut org = org();
        org.inventory.accounts.retain(|a| a.account_id != BETA);
        org.inventory.out_of_scope.push(BETA.into());
        assert_eq!(org.findings("not-scanned"), vec![]);
    }

    #[test]
    fn an_unread_account_reports_nothing_else_as_clean() {
        let mut org = org().role(ACME, "x", trust(json!({"AWS": BETA})));
        org.account(ACME).status = CollectionStatus::Failed {
            error: "AccessDenied".into(),
        };
        let config = Config::parse(&org.config, "t.toml", &tenantguard::rules::ids()).unwrap();
        let ev = evaluate(&org.inventory, &config);
        assert!(!ev.complete());
    }
}

mod unused_exception {
    use super::*;

    #[test]
    fn fails_for_an_exception_that_matches_nothing() {
        let org = org().config("[[exceptions]]\nrule = \"wildcard-trust\"\nresource = \"*role/gone\"\nowner = \"o\"\nreason = \"r\"\n");
        assert_eq!(org.findings("unused-exception").len(), 1);
    }

    #[test]
    fn passes_when_it_matches() {
        let org = org()
            .role(ACME, "gone", trust(json!("*")))
            .config("[[exceptions]]\nrule = \"wildcard-trust\"\nresource = \"*role/gone\"\nowner = \"o\"\nreason = \"r\"\n");
        assert_eq!(org.findings("unused-exception"), vec![]);
    }
}
