//! The human family: people of IAM Identity Center and IAM users crossing tenants.

use super::*;

fn group_arn(name: &str) -> String {
    format!("arn:aws:identitystore:::group/g-{name}")
}

fn user_arn(id: &str) -> String {
    format!("arn:aws:identitystore:::user/{id}")
}

mod cross_tenant_human_access {
    use super::*;

    #[test]
    fn passes_for_groups_inside_one_tenant_and_the_platform() {
        let org = org()
            .group("acme-admins", &["ann"])
            .assign("group:acme-admins", "Admin", ACME)
            .assign("group:acme-admins", "Admin", ACME2)
            .assign("group:acme-admins", "Admin", SHARED)
            .group("beta-readers", &["bob"])
            // One permission set, used by different groups in different tenants.
            .assign("group:beta-readers", "Admin", BETA)
            .assign("carol", "Admin", ACME);
        assert_eq!(org.findings("cross-tenant-human-access"), vec![]);
    }

    #[test]
    fn fails_once_per_tenant_for_a_group_on_two_tenants() {
        let org = org()
            .group("support", &["sam"])
            .assign("group:support", "Reader", ACME)
            .assign("group:support", "Reader", BETA);
        let mut got = org.findings("cross-tenant-human-access");
        got.sort();
        assert_eq!(
            got,
            vec![
                (group_arn("support"), Some(ACME.into())),
                (group_arn("support"), Some(BETA.into())),
            ]
        );
    }

    #[test]
    fn fails_for_a_user_through_two_groups_but_not_for_one_groups_members() {
        let org = org()
            .group("acme-admins", &["dana", "erin"])
            .assign("group:acme-admins", "Admin", ACME)
            .group("beta-readers", &["dana"])
            .assign("group:beta-readers", "Reader", BETA)
            .group("support", &["frank"])
            .assign("group:support", "Reader", ACME)
            .assign("group:support", "Reader", BETA);
        let mut got = org.findings("cross-tenant-human-access");
        got.sort();
        assert_eq!(
            got,
            vec![
                (group_arn("support"), Some(ACME.into())),
                (group_arn("support"), Some(BETA.into())),
                (user_arn("dana"), Some(ACME.into())),
                (user_arn("dana"), Some(BETA.into())),
            ],
            "frank is explained by `support`; erin stays in acme"
        );
    }

    #[test]
    fn a_direct_assignment_and_a_group_count_together() {
        let org = org()
            .group("acme-admins", &["gus"])
            .assign("group:acme-admins", "Admin", ACME)
            .assign("gus", "Reader", BETA);
        assert_eq!(org.findings("cross-tenant-human-access").len(), 2);
    }

    #[test]
    fn an_unmapped_account_is_another_tenant() {
        let org = org()
            .unmapped_sandbox()
            .group("acme-admins", &["ann"])
            .assign("group:acme-admins", "Admin", ACME)
            .assign("group:acme-admins", "Admin", SANDBOX);
        assert_eq!(org.findings("cross-tenant-human-access").len(), 2);
    }

    #[test]
    fn a_declared_operator_group_is_the_platforms_for_its_members_too() {
        let org = org()
            .group("oncall", &["ola"])
            .assign("group:oncall", "Admin", ACME)
            .assign("group:oncall", "Admin", BETA)
            .group("beta-readers", &["ola"])
            .assign("group:beta-readers", "Reader", BETA)
            .config(
                "[[platform.groups]]\nname = \"oncall\"\nowner = \"sre\"\nreason = \"on-call\"\n",
            );
        assert_eq!(org.findings("cross-tenant-human-access"), vec![]);
        assert_eq!(org.findings("unused-exception"), vec![]);
    }

    #[test]
    fn an_unused_operator_group_is_reported() {
        let org = org()
            .group("oncall", &["ola"])
            .assign("group:oncall", "Admin", ACME)
            .config("[[platform.groups]]\nname = \"oncall\"\nowner = \"sre\"\nreason = \"on-call\"\n[[platform.groups]]\nname = \"g-ghost\"\nowner = \"sre\"\nreason = \"gone\"\n");
        let got: Vec<String> = org
            .findings("unused-exception")
            .into_iter()
            .map(|(resource, _)| resource)
            .collect();
        assert_eq!(got, ["platform.groups[0]", "platform.groups[1]"]);
    }
}

mod coverage_of_people {
    use super::*;

    #[test]
    fn an_inventory_without_identity_center_or_users_is_not_scanned_for_them() {
        let mut org = org();
        org.inventory.organization.identity_center = None;
        org.account(BETA).users = None;
        let got = org.findings("not-scanned");
        assert_eq!(got.len(), 2, "{got:?}");
        // And a failed read is not scanned too, never "no assignments".
        let mut org = self::org();
        org.inventory
            .organization
            .identity_center
            .as_mut()
            .unwrap()
            .status = CollectionStatus::Failed {
            error: "no IAM Identity Center instance in eu-west-1".into(),
        };
        assert_eq!(org.findings("not-scanned").len(), 1);
        // Declared not used: nothing to scan, nothing missing.
        let mut org = self::org();
        org.inventory.organization.identity_center = Some(IdentityCenter::default());
        assert_eq!(org.findings("not-scanned"), vec![]);
    }
}

mod paths_from_people {
    use super::*;

    fn assume(resource: &str) -> Value {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": resource}]})
    }

    /// A user of beta whose group lets it assume acme's role that trusts beta.
    fn with_user(org: Org, group_policy: Value) -> Org {
        let mut org = org.role(ACME, "intake", trust(json!({"AWS": BETA})));
        org.account(BETA).users = Some(IamUsers {
            users: vec![User {
                name: "etl".into(),
                arn: format!("arn:aws:iam::{BETA}:user/etl"),
                path: "/".into(),
                groups: vec!["data".into()],
                attached_policies: vec![],
                inline_policies: vec![],
                credentials: Some(Credentials {
                    password: false,
                    active_access_keys: 1,
                }),
            }],
            groups: vec![Group {
                name: "data".into(),
                arn: format!("arn:aws:iam::{BETA}:group/data"),
                attached_policies: vec![],
                inline_policies: vec![InlinePolicy {
                    name: "assume".into(),
                    document: PolicyDocument::Json(group_policy),
                }],
            }],
            credentials: CollectionStatus::Collected,
        });
        org
    }

    #[test]
    fn a_user_allowed_by_its_group_completes_the_path() {
        let found = with_user(org(), assume(&role_arn(ACME, "intake")));
        assert_eq!(
            found.findings("cross-tenant-path"),
            vec![(role_arn(ACME, "intake"), Some(BETA.into()))]
        );
        let own = with_user(org(), assume(&format!("arn:aws:iam::{BETA}:role/*")));
        assert_eq!(own.findings("cross-tenant-path"), vec![]);
    }

    #[test]
    fn a_permission_sets_role_is_tied_to_its_people() {
        let mut org = org()
            .role(ACME, "intake", trust(json!({"AWS": BETA})))
            .group("beta-ops", &["bo"])
            .assign("group:beta-ops", "Operator", BETA);
        org.account(BETA).roles.push(Role {
            name: "AWSReservedSSO_Operator_0123456789abcdef".into(),
            arn: format!("arn:aws:iam::{BETA}:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Operator_0123456789abcdef"),
            path: "/aws-reserved/sso.amazonaws.com/eu-west-1/".into(),
            trust_policy: PolicyDocument::Json(json!({"Version": "2012-10-17", "Statement": []})),
            attached_policies: vec![],
            inline_policies: vec![InlinePolicy {
                name: "AwsSSOInlinePolicy".into(),
                document: PolicyDocument::Json(assume("*")),
            }],
        });
        let config = Config::parse(&org.config, "t.toml", &tenantguard::rules::ids()).unwrap();
        let evaluation = evaluate(&org.inventory, &config);
        let path = evaluation
            .findings
            .iter()
            .find(|f| f.rule == "cross-tenant-path")
            .expect("the reserved role completes the path");
        let caller = &path.evidence[0]["callers"][0];
        assert_eq!(caller["identity_center"]["permission_set"], "Operator");
        assert_eq!(
            caller["identity_center"]["assigned"][0]["group"],
            "beta-ops"
        );
        assert!(
            path.message.contains("permission set `Operator`"),
            "{}",
            path.message
        );
    }

    /// The commonest permission set, AWS-managed `AdministratorAccess`: its document is not in
    /// the account's IAM answer, and is known from AWS's reference.
    #[test]
    fn an_aws_managed_administrator_policy_completes_the_path() {
        let mut org = org().role(ACME, "intake", trust(json!({"AWS": BETA})));
        let mut admin = Role {
            name: "AWSReservedSSO_AdministratorAccess_0123456789abcdef".into(),
            arn: format!(
                "arn:aws:iam::{BETA}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef"
            ),
            path: "/aws-reserved/sso.amazonaws.com/".into(),
            trust_policy: PolicyDocument::Json(json!({"Version": "2012-10-17", "Statement": []})),
            attached_policies: vec![AttachedPolicy {
                arn: "arn:aws:iam::aws:policy/ReadOnlyAccess".into(),
                name: "ReadOnlyAccess".into(),
                document: None,
            }],
            inline_policies: vec![],
        };
        org.account(BETA).roles.push(admin.clone());
        assert_eq!(
            org.findings("cross-tenant-path"),
            vec![],
            "ReadOnlyAccess assumes nothing"
        );
        admin.attached_policies[0] = AttachedPolicy {
            arn: "arn:aws:iam::aws:policy/AdministratorAccess".into(),
            name: "AdministratorAccess".into(),
            document: None,
        };
        org.account(BETA).roles.pop();
        org.account(BETA).roles.push(admin);
        assert_eq!(
            org.findings("cross-tenant-path"),
            vec![(role_arn(ACME, "intake"), Some(BETA.into()))]
        );
    }
}
