//! The trust family: who can assume a tenant's roles, and whose roles a tenant can assume.

use super::*;

mod cross_tenant_trust {
    use super::*;

    #[test]
    fn passes_for_own_tenant_and_platform() {
        let org = org()
            .role(ACME, "own", trust(json!({"AWS": ACME2})))
            .role(
                ACME,
                "platform",
                trust(json!({"AWS": format!("arn:aws:iam::{MGMT}:root")})),
            )
            .role(
                ACME,
                "narrowed",
                trust_if(
                    json!("*"),
                    json!({"StringEquals": {"aws:PrincipalAccount": [ACME, ACME2]}}),
                ),
            );
        assert_eq!(org.findings("cross-tenant-trust"), vec![]);
    }

    #[test]
    fn fails_for_another_tenant_directly_narrowed_or_by_path() {
        let org = org()
            .role(ACME, "direct", trust(json!({"AWS": format!("arn:aws:iam::{BETA}:role/x")})))
            .role(ACME, "narrowed", trust_if(json!({"AWS": "*"}), json!({"ArnLike": {"aws:PrincipalArn": format!("arn:aws:iam::{BETA}:*")}})))
            .role(BETA, "path", trust_if(json!("*"), json!({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-test000001/r-t1/ou-t1-tenants/ou-t1-acme/*"}})));
        let mut got = org.findings("cross-tenant-trust");
        got.sort();
        assert_eq!(
            got,
            vec![
                (role_arn(ACME, "direct"), Some(BETA.into())),
                (role_arn(ACME, "narrowed"), Some(BETA.into())),
                (role_arn(BETA, "path"), Some(ACME.into())),
                (role_arn(BETA, "path"), Some(ACME2.into())),
            ]
        );
    }

    #[test]
    fn an_unmapped_account_is_not_trusted() {
        let org = org()
            .unmapped_sandbox()
            .role(ACME, "sandbox", trust(json!({"AWS": SANDBOX})));
        assert_eq!(
            org.findings("cross-tenant-trust"),
            vec![(role_arn(ACME, "sandbox"), Some(SANDBOX.into()))]
        );
    }

    #[test]
    fn an_unconditional_deny_removes_the_path() {
        let org = org().role(
            ACME,
            "denied",
            json!({"Statement": [
                {"Effect": "Allow", "Principal": {"AWS": [ACME2, BETA]}, "Action": "sts:AssumeRole"},
                {"Effect": "Deny", "Principal": {"AWS": BETA}, "Action": "sts:AssumeRole"}
            ]}),
        );
        assert_eq!(org.findings("cross-tenant-trust"), vec![]);
    }
}

mod cross_tenant_assume_permission {
    use super::*;

    fn assume(resource: &str) -> Value {
        json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": resource}]})
    }

    #[test]
    fn passes_for_own_tenant_platform_and_wildcards() {
        let org = org()
            .role(ACME, "caller", trust(json!({"AWS": ACME})))
            .inline(ACME, assume(&role_arn(ACME2, "ci")))
            .inline(ACME, assume(&role_arn(SHARED, "artifacts")))
            .inline(ACME, assume("*"));
        assert_eq!(org.findings("cross-tenant-assume-permission"), vec![]);
    }

    #[test]
    fn fails_for_another_tenants_role() {
        let org = org()
            .role(ACME, "caller", trust(json!({"AWS": ACME})))
            .inline(ACME, assume(&role_arn(BETA, "x")));
        assert_eq!(
            org.findings("cross-tenant-assume-permission"),
            vec![(role_arn(ACME, "caller"), Some(BETA.into()))]
        );
    }
}

mod platform_trusts_tenant {
    use super::*;

    #[test]
    fn passes_when_the_platform_trusts_itself() {
        let org = org().role(SHARED, "deploy", trust(json!({"AWS": MGMT})));
        assert_eq!(org.findings("platform-trusts-tenant"), vec![]);
    }

    #[test]
    fn fails_when_a_tenant_can_assume_a_platform_role() {
        let org = org().role(SHARED, "artifacts", trust(json!({"AWS": BETA})));
        assert_eq!(
            org.findings("platform-trusts-tenant"),
            vec![(role_arn(SHARED, "artifacts"), Some(BETA.into()))]
        );
        assert_eq!(
            org.findings("cross-tenant-trust"),
            vec![],
            "reported once, by the platform rule"
        );
    }
}

mod wildcard_trust {
    use super::*;

    #[test]
    fn passes_when_a_condition_narrows_the_wildcard() {
        let org = org().role(
            ACME,
            "ok",
            trust_if(
                json!("*"),
                json!({"StringEquals": {"aws:PrincipalAccount": ACME}}),
            ),
        );
        assert_eq!(org.findings("wildcard-trust"), vec![]);
    }

    #[test]
    fn fails_for_star_not_principal_and_non_narrowing_conditions() {
        let org = org()
            .role(ACME, "star", trust(json!("*")))
            .role(ACME, "mfa", trust_if(json!({"AWS": "*"}), json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}})))
            .role(ACME, "negated", trust_if(json!({"AWS": "*"}), json!({"StringNotEquals": {"aws:PrincipalAccount": BETA}})))
            .role(ACME, "notprincipal", json!({"Statement": {"Effect": "Allow", "NotPrincipal": {"AWS": BETA}, "Action": "sts:AssumeRole"}}));
        assert_eq!(org.findings("wildcard-trust").len(), 4);
    }
}

mod organization_wide_trust {
    use super::*;

    #[test]
    fn passes_for_an_ou_path_of_the_tenant_itself() {
        let org = org().role(ACME, "own-ou", trust_if(json!("*"), json!({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-test000001/r-t1/ou-t1-tenants/ou-t1-acme/*"}})));
        assert_eq!(org.findings("organization-wide-trust"), vec![]);
        assert_eq!(org.findings("cross-tenant-trust"), vec![]);
    }

    #[test]
    fn fails_for_principal_org_id_and_a_path_covering_every_tenant() {
        let org = org()
            .role(ACME, "org", trust_if(json!({"AWS": "*"}), json!({"StringEquals": {"aws:PrincipalOrgID": "o-test000001"}})))
            .role(ACME, "tenants-ou", trust_if(json!("*"), json!({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-test000001/r-t1/ou-t1-tenants/*"}})));
        assert_eq!(org.findings("organization-wide-trust").len(), 2);
    }
}

mod external_trust {
    use super::*;

    #[test]
    fn passes_for_a_vendor_with_external_id() {
        let org = org().role(
            ACME,
            "vendor",
            trust_if(
                json!({"AWS": VENDOR}),
                json!({"StringEquals": {"sts:ExternalId": "acme-1"}}),
            ),
        );
        assert_eq!(org.findings("external-trust"), vec![]);
    }

    #[test]
    fn fails_for_a_stranger_a_vendor_without_external_id_and_another_org() {
        let org = org()
            .role(ACME, "stranger", trust(json!({"AWS": STRANGER})))
            .role(ACME, "vendor", trust(json!({"AWS": VENDOR})))
            .role(
                ACME,
                "other-org",
                trust_if(
                    json!("*"),
                    json!({"StringEquals": {"aws:PrincipalOrgID": "o-someoneelse"}}),
                ),
            );
        let mut got = org.findings("external-trust");
        got.sort();
        assert_eq!(
            got,
            vec![
                (role_arn(ACME, "other-org"), None),
                (role_arn(ACME, "stranger"), Some(STRANGER.into())),
                (role_arn(ACME, "vendor"), Some(VENDOR.into())),
            ]
        );
    }
}

mod external_trust_forms {
    use super::*;

    /// `aws:PrincipalOrgPaths` headed by another organization admits that organization; a
    /// wildcard head admits any organization's accounts.
    #[test]
    fn an_org_path_of_another_organization_is_external() {
        let org = org()
            .role(ACME, "other-path", trust_if(json!("*"), json!({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-someoneelse/r-x/ou-t1-acme/*"}})))
            .role(ACME, "own-path", trust_if(json!("*"), json!({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-test000001/r-t1/ou-t1-tenants/ou-t1-acme/*"}})));
        assert_eq!(
            org.findings("external-trust"),
            vec![(role_arn(ACME, "other-path"), None)]
        );
        let any = super::org().role(ACME, "any-org", trust_if(json!("*"), json!({"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-*/r-t1/ou-t1-tenants/*"}})));
        assert_eq!(
            any.findings("wildcard-trust"),
            vec![(role_arn(ACME, "any-org"), None)]
        );
    }

    /// The same twelve digits in another partition are another account.
    #[test]
    fn an_account_of_another_partition_is_external() {
        let org = org()
            .role(
                ACME,
                "china",
                trust(json!({"AWS": format!("arn:aws-cn:iam::{ACME2}:root")})),
            )
            .role(
                ACME,
                "own",
                trust(json!({"AWS": format!("arn:aws:iam::{ACME2}:root")})),
            );
        assert_eq!(
            org.findings("external-trust"),
            vec![(role_arn(ACME, "china"), None)]
        );
        assert_eq!(org.findings("cross-tenant-trust"), vec![]);
    }

    /// A vendor required to come from its address range meets it with `IpAddress`.
    #[test]
    fn a_source_ip_requirement_is_met_by_ip_address() {
        let config = "require_conditions = [\"sts:ExternalId\", \"aws:SourceIp\"]\n";
        let both = json!({"StringEquals": {"sts:ExternalId": "acme-1"}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}});
        let negated = json!({"StringEquals": {"sts:ExternalId": "acme-1"}, "NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}});
        let mut org = org()
            .role(ACME, "both", trust_if(json!({"AWS": VENDOR}), both))
            .role(ACME, "negated", trust_if(json!({"AWS": VENDOR}), negated));
        org.config = org.config.replace(
            "accounts = [\"999900000001\"]\n",
            &format!("accounts = [\"999900000001\"]\n{config}"),
        );
        assert_eq!(
            org.findings("external-trust"),
            vec![(role_arn(ACME, "negated"), Some(VENDOR.into()))]
        );
    }

    /// An identity provider held by another tenant's account, or outside the organization,
    /// is that account's to configure.
    #[test]
    fn a_federated_provider_of_another_account_is_reported() {
        let provider = |account: &str| {
            format!("arn:aws:iam::{account}:oidc-provider/token.actions.githubusercontent.com")
        };
        let org = org()
            .role(ACME, "own-idp", trust(json!({"Federated": provider(ACME)})))
            .role(
                ACME,
                "beta-idp",
                trust(json!({"Federated": provider(BETA)})),
            )
            .role(
                ACME,
                "stranger-idp",
                trust(json!({"Federated": provider(STRANGER)})),
            );
        assert_eq!(
            org.findings("cross-tenant-trust"),
            vec![(role_arn(ACME, "beta-idp"), Some(BETA.into()))]
        );
        assert_eq!(
            org.findings("external-trust"),
            vec![(role_arn(ACME, "stranger-idp"), Some(STRANGER.into()))]
        );
    }

    /// A policy variable the caller fills in narrows nothing; the resource's own account
    /// does narrow.
    #[test]
    fn policy_variables_are_filled_in_as_iam_does() {
        let org = org()
            .role(ACME, "caller-var", trust_if(json!("*"), json!({"StringEquals": {"aws:PrincipalAccount": "${aws:PrincipalTag/account}"}})))
            .role(ACME, "own-var", trust_if(json!("*"), json!({"StringEquals": {"aws:PrincipalAccount": "${aws:ResourceAccount}"}})))
            .role(ACME, "org-var", trust_if(json!("*"), json!({"StringEquals": {"aws:PrincipalOrgID": "${aws:ResourceOrgID}"}})))
            .role(ACME, "unknown-var", trust_if(json!("*"), json!({"StringEquals": {"aws:PrincipalAccount": "${aws:ResourceTag/tenant}"}})));
        assert_eq!(
            org.findings("wildcard-trust"),
            vec![(role_arn(ACME, "caller-var"), None)]
        );
        assert_eq!(
            org.findings("organization-wide-trust"),
            vec![(role_arn(ACME, "org-var"), None)]
        );
        assert_eq!(
            org.findings("unresolved-principal"),
            vec![(role_arn(ACME, "unknown-var"), None)]
        );
    }
}

mod cross_tenant_path {
    use super::*;

    fn assume(resource: &str) -> Value {
        json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": resource}]})
    }

    #[test]
    fn passes_when_only_one_half_exists() {
        let org = org()
            // Trust without a caller allowed to use it.
            .role(ACME, "target", trust(json!({"AWS": BETA})))
            .role(
                BETA,
                "reader",
                trust(json!({"Service": "ec2.amazonaws.com"})),
            )
            .inline(BETA, assume(&role_arn(BETA, "*")))
            // A broad caller whose target trusts only its own tenant.
            .role(ACME2, "admin", trust(json!({"AWS": ACME})))
            .inline(ACME2, assume("*"))
            // Trust of one named role; another role holds the permission.
            .role(ACME, "named", trust(json!({"AWS": role_arn(BETA, "ci")})))
            .role(
                BETA,
                "admin",
                trust(json!({"Service": "ec2.amazonaws.com"})),
            )
            .inline(BETA, assume("*"));
        assert_eq!(
            org.findings("cross-tenant-path"),
            vec![(role_arn(ACME, "target"), Some(BETA.into()))]
        );
        let named = super::org()
            .role(ACME, "named", trust(json!({"AWS": role_arn(BETA, "ci")})))
            .role(
                BETA,
                "admin",
                trust(json!({"Service": "ec2.amazonaws.com"})),
            )
            .inline(BETA, assume("*"));
        assert_eq!(named.findings("cross-tenant-path"), vec![]);
    }

    #[test]
    fn fails_when_both_halves_exist_however_broad_the_permission() {
        let org = org()
            .role(ACME, "by-account", trust(json!({"AWS": BETA})))
            .role(ACME, "by-role", trust(json!({"AWS": role_arn(BETA, "ci")})))
            .role(ACME, "by-session", trust(json!({"AWS": format!("arn:aws:sts::{BETA}:assumed-role/ci/run")})))
            .role(BETA, "ci", trust(json!({"Service": "codebuild.amazonaws.com"})))
            .inline(BETA, json!({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "NotResource": role_arn(BETA, "*")}]}));
        let mut got = org.findings("cross-tenant-path");
        got.sort();
        assert_eq!(
            got,
            vec![
                (role_arn(ACME, "by-account"), Some(BETA.into())),
                (role_arn(ACME, "by-role"), Some(BETA.into())),
                (role_arn(ACME, "by-session"), Some(BETA.into())),
            ]
        );
    }
}

mod unresolved_principal {
    use super::*;

    #[test]
    fn passes_for_resolvable_principals() {
        let org = org().role(
            ACME,
            "ok",
            trust(json!({"AWS": ACME, "Service": "ec2.amazonaws.com"})),
        );
        assert_eq!(org.findings("unresolved-principal"), vec![]);
    }

    #[test]
    fn fails_for_a_deleted_principal_and_an_unknown_form() {
        let org = org()
            .role(
                ACME,
                "deleted",
                trust(json!({"AWS": "AROAEXAMPLEDELETED0001"})),
            )
            .role(
                ACME,
                "odd",
                trust(json!({"AWS": "arn:aws:iam::21000000000:role/x"})),
            );
        assert_eq!(org.findings("unresolved-principal").len(), 2);
    }
}

mod unreadable_policy {
    use super::*;

    #[test]
    fn passes_for_a_url_encoded_document() {
        let org = org().raw_role(ACME, "encoded", "%7B%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22AWS%22%3A%22210000000001%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%7D");
        assert_eq!(org.findings("unreadable-policy"), vec![]);
    }

    #[test]
    fn fails_for_broken_json_and_the_scan_goes_on() {
        let org = org().raw_role(ACME, "broken", "{\"Statement\": [").role(
            ACME,
            "bad",
            trust(json!({"AWS": BETA})),
        );
        assert_eq!(
            org.findings("unreadable-policy"),
            vec![(role_arn(ACME, "broken"), None)]
        );
        assert_eq!(org.findings("cross-tenant-trust").len(), 1);
    }
}
