//! One passing and one failing case per rule, on a small organization: management and
//! shared-services platform accounts, tenant `acme` (two accounts), tenant `beta`, and an
//! unmapped sandbox account.

mod common;

use serde_json::{Value, json};
use tenantguard::config::Config;
use tenantguard::evaluate::evaluate;
use tenantguard::inventory::*;

const MGMT: &str = "100000000001";
const SHARED: &str = "100000000002";
const ACME: &str = "210000000001";
const ACME2: &str = "210000000002";
const BETA: &str = "220000000001";
const SANDBOX: &str = "290000000001";
const VENDOR: &str = "999900000001";
const STRANGER: &str = "888800000001";

const CONFIG: &str = r#"
required_scps = ["Guardrail"]
[tenants.accounts]
"210000000001" = "acme"
"210000000002" = "acme"
"220000000001" = "beta"
[platform.accounts]
"100000000002" = "shared-services"
[[third_parties]]
name = "vendor"
accounts = ["999900000001"]
"#;

struct Org {
    inventory: Inventory,
    config: String,
}

fn org() -> Org {
    let account = |id: &str, parent: &str| Account {
        id: id.into(),
        name: format!("a{id}"),
        status: AccountStatus::Active,
        parent_id: parent.into(),
        tags: Default::default(),
    };
    let collected = |id: &str| AccountInventory {
        account_id: id.into(),
        status: CollectionStatus::Collected,
        roles: vec![],
        regions: vec![RegionInventory {
            region: "eu-west-1".into(),
            status: CollectionStatus::Collected,
            vpcs: vec![],
            peering_connections: vec![],
            resource_types: ResourceTypeRead::all_collected(),
            ..Default::default()
        }],
    };
    let ids = [MGMT, SHARED, ACME, ACME2, BETA, SANDBOX];
    Org {
        inventory: Inventory {
            format_version: FORMAT_VERSION,
            collected_at: None,
            regions: vec!["eu-west-1".into()],
            out_of_scope: vec![],
            organization: Organization {
                id: "o-test000001".into(),
                management_account_id: MGMT.into(),
                status: CollectionStatus::Collected,
                roots: vec![Root {
                    id: "r-t1".into(),
                    name: "Root".into(),
                    policy_types: None,
                }],
                organizational_units: vec![
                    OrganizationalUnit {
                        id: "ou-t1-tenants".into(),
                        name: "Tenants".into(),
                        parent_id: "r-t1".into(),
                    },
                    OrganizationalUnit {
                        id: "ou-t1-acme".into(),
                        name: "Acme".into(),
                        parent_id: "ou-t1-tenants".into(),
                    },
                ],
                accounts: vec![
                    account(MGMT, "r-t1"),
                    account(SHARED, "r-t1"),
                    account(ACME, "ou-t1-acme"),
                    account(ACME2, "ou-t1-acme"),
                    account(BETA, "ou-t1-tenants"),
                    account(SANDBOX, "r-t1"),
                ],
                policies: vec![ServiceControlPolicy {
                    id: "p-guard".into(),
                    name: "Guardrail".into(),
                    kind: PolicyKind::ServiceControlPolicy,
                    aws_managed: false,
                    document: PolicyDocument::Json(
                        json!({"Version": "2012-10-17", "Statement": []}),
                    ),
                    targets: vec!["ou-t1-tenants".into()],
                }],
            },
            accounts: ids.iter().map(|id| collected(id)).collect(),
            unverifiable_changes: vec![],
        },
        // The sandbox is a platform account unless a test wants it unmapped.
        config: CONFIG.replace(
            "[platform.accounts]\n",
            &format!("[platform.accounts]\n\"{SANDBOX}\" = \"other\"\n"),
        ),
    }
}

impl Org {
    fn account(&mut self, id: &str) -> &mut AccountInventory {
        self.inventory
            .accounts
            .iter_mut()
            .find(|a| a.account_id == id)
            .unwrap()
    }

    fn role(mut self, account: &str, name: &str, trust: Value) -> Org {
        self.account(account).roles.push(Role {
            name: name.into(),
            arn: format!("arn:aws:iam::{account}:role/{name}"),
            path: "/".into(),
            trust_policy: PolicyDocument::Json(trust),
            attached_policies: vec![],
            inline_policies: vec![],
        });
        self
    }

    /// Adds an inline identity policy to the last role of `account`.
    fn inline(mut self, account: &str, document: Value) -> Org {
        let role = self.account(account).roles.last_mut().unwrap();
        role.inline_policies.push(InlinePolicy {
            name: "inline".into(),
            document: PolicyDocument::Json(document),
        });
        self
    }

    fn raw_role(mut self, account: &str, name: &str, text: &str) -> Org {
        self = self.role(account, name, json!({}));
        self.account(account).roles.last_mut().unwrap().trust_policy =
            PolicyDocument::Text(text.into());
        self
    }

    /// A peering connection, recorded on both sides (as `DescribeVpcPeeringConnections`
    /// shows it to each) when both are in the organization.
    fn peering(mut self, id: &str, status: &str, requester: &str, accepter: &str) -> Org {
        let side = |a: &str| PeeringSide {
            account_id: a.into(),
            vpc_id: format!("vpc-{a}"),
            region: "eu-west-1".into(),
            cidr_block: None,
        };
        let pcx = PeeringConnection {
            id: id.into(),
            status: status.into(),
            requester: side(requester),
            accepter: side(accepter),
        };
        for a in [requester, accepter] {
            if let Some(acct) = self
                .inventory
                .accounts
                .iter_mut()
                .find(|x| x.account_id == a)
            {
                acct.regions[0].peering_connections.push(pcx.clone());
            }
        }
        self
    }

    /// `viewer` sees a subnet of `owner`'s VPC `vpc` (VPC sharing).
    fn shared_subnet(mut self, viewer: &str, owner: &str, vpc: &str) -> Org {
        self.account(viewer).regions[0].subnets.push(Subnet {
            id: format!("subnet-{viewer}-{vpc}"),
            vpc_id: vpc.into(),
            owner_id: owner.into(),
            cidr_block: "10.0.0.0/24".into(),
            availability_zone: "eu-west-1a".into(),
        });
        self
    }

    fn config(mut self, extra: &str) -> Org {
        self.config.push_str(extra);
        self
    }

    fn unmapped_sandbox(mut self) -> Org {
        self.config = CONFIG.to_owned();
        self
    }

    /// (rule, resource, counterpart account) of every finding of `rule`.
    fn findings(&self, rule: &str) -> Vec<(String, Option<String>)> {
        let config = Config::parse(&self.config, "test.toml", &tenantguard::rules::ids()).unwrap();
        evaluate(&self.inventory, &config)
            .findings
            .into_iter()
            .filter(|f| f.rule == rule)
            .map(|f| (f.resource, f.counterpart.and_then(|c| c.account)))
            .collect()
    }
}

fn trust(principal: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})
}

fn trust_if(principal: Value, condition: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole", "Condition": condition}]})
}

fn role_arn(account: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:role/{name}")
}

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

mod cross_tenant_peering {
    use super::*;

    #[test]
    fn passes_for_rejected_same_tenant_and_platform_to_platform() {
        let org = org()
            .peering("pcx-rejected", "rejected", ACME, BETA)
            .peering("pcx-deleted", "deleted", ACME, BETA)
            .peering("pcx-own", "active", ACME, ACME2)
            .peering("pcx-platform", "active", SHARED, MGMT);
        assert_eq!(org.findings("cross-tenant-peering"), vec![]);
    }

    #[test]
    fn fails_once_per_connection_for_live_ones() {
        let org = org()
            .peering("pcx-active", "active", ACME, BETA)
            .peering("pcx-pending", "pending-acceptance", BETA, ACME2)
            .peering("pcx-hub", "provisioning", SHARED, ACME);
        let got = org.findings("cross-tenant-peering");
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(
            got.iter()
                .any(|(r, c)| r.ends_with("pcx-hub") && c.as_deref() == Some(SHARED)),
            "reported on the tenant's side"
        );
    }

    #[test]
    fn an_exception_marks_it_and_is_cited() {
        let org = org().peering("pcx-hub", "active", ACME, SHARED).config(
            "[[exceptions]]\nrule = \"cross-tenant-peering\"\nresource = \"pcx-hub\"\nowner = \"net\"\nreason = \"hub\"\n",
        );
        let config = Config::parse(&org.config, "t.toml", &tenantguard::rules::ids()).unwrap();
        let ev = evaluate(&org.inventory, &config);
        let f = ev
            .findings
            .iter()
            .find(|f| f.rule == "cross-tenant-peering")
            .unwrap();
        assert_eq!(f.exception.as_ref().unwrap().owner, "net");
        assert!(!ev.findings.iter().any(|f| f.rule == "unused-exception"));
    }
}

mod external_peering {
    use super::*;

    #[test]
    fn passes_inside_the_organization() {
        assert_eq!(
            org()
                .peering("pcx-own", "active", ACME, ACME2)
                .findings("external-peering"),
            vec![]
        );
    }

    #[test]
    fn fails_for_an_outside_account() {
        let got = org()
            .peering("pcx-out", "active", STRANGER, BETA)
            .findings("external-peering");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1.as_deref(), Some(STRANGER));
    }
}

mod cross_tenant_subnet_share {
    use super::*;

    #[test]
    fn passes_within_a_tenant_and_for_a_platform_vpc_reaching_one_tenant() {
        let org = org()
            .shared_subnet(ACME2, ACME, "vpc-acme")
            .shared_subnet(BETA, SHARED, "vpc-hub");
        assert_eq!(org.findings("cross-tenant-subnet-share"), vec![]);
    }

    #[test]
    fn fails_for_another_tenants_vpc_and_a_platform_vpc_shared_by_two_tenants() {
        let other_tenant = org().shared_subnet(BETA, ACME, "vpc-acme");
        assert_eq!(
            other_tenant.findings("cross-tenant-subnet-share"),
            vec![(
                "arn:aws:ec2:eu-west-1:210000000001:vpc/vpc-acme".to_owned(),
                Some(ACME.into())
            )]
        );
        let org = org()
            .shared_subnet(BETA, SHARED, "vpc-hub")
            .shared_subnet(ACME, SHARED, "vpc-hub");
        assert_eq!(
            org.findings("cross-tenant-subnet-share").len(),
            2,
            "one per tenant account on the hub"
        );
    }
}

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

/// The network rules on inventory fixtures: each with violations and clean look-alikes.
/// (Security-group references to another account cannot be made in moto 5.2.5; these
/// fixtures are their test, the live network test covers the other rules.)
mod network_rules {
    use super::*;

    impl Org {
        fn region(&mut self, account: &str) -> &mut RegionInventory {
            &mut self.account(account).regions[0]
        }
    }

    fn attachment(id: &str, owner: &str) -> TransitGatewayAttachment {
        TransitGatewayAttachment {
            id: id.into(),
            transit_gateway_id: "tgw-1".into(),
            transit_gateway_owner_id: SHARED.into(),
            resource_owner_id: owner.into(),
            resource_type: "vpc".into(),
            resource_id: format!("vpc-{owner}"),
            state: "available".into(),
        }
    }

    fn table(
        id: &str,
        associations: &[&str],
        propagations: &[&str],
        routes: Vec<TransitGatewayRoute>,
    ) -> TransitGatewayRouteTable {
        TransitGatewayRouteTable {
            id: id.into(),
            associations: associations.iter().map(|s| s.to_string()).collect(),
            propagations: propagations.iter().map(|s| s.to_string()).collect(),
            routes,
            routes_truncated: false,
        }
    }

    fn route(destination: &str, state: &str, to: &[&str]) -> TransitGatewayRoute {
        TransitGatewayRoute {
            destination: destination.into(),
            route_type: "static".into(),
            state: state.into(),
            attachments: to.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn transit_gateway_routes_between_tenants() {
        let mut org = org();
        let r = org.region(SHARED);
        r.transit_gateway_attachments = vec![
            attachment("att-shared", SHARED),
            attachment("att-acme", ACME),
            attachment("att-acme2", ACME2),
            attachment("att-beta", BETA),
            TransitGatewayAttachment {
                state: "deleted".into(),
                ..attachment("att-gone", BETA)
            },
        ];
        r.transit_gateways = vec![TransitGateway {
            id: "tgw-1".into(),
            owner_id: SHARED.into(),
            state: "available".into(),
            default_association: true,
            default_propagation: true,
            association_default_route_table_id: Some("rtb-default".into()),
            propagation_default_route_table_id: Some("rtb-default".into()),
            auto_accept_shared_attachments: false,
            route_tables: vec![
                // acme's two accounts on one spoke, the platform propagating: clean.
                table(
                    "rtb-acme",
                    &["att-acme", "att-acme2"],
                    &["att-shared"],
                    vec![],
                ),
                // The hub: the platform reaches everyone: clean.
                table(
                    "rtb-hub",
                    &["att-shared"],
                    &["att-acme", "att-acme2", "att-beta"],
                    vec![],
                ),
                // Defaults: acme and beta meshed.
                table(
                    "rtb-default",
                    &["att-acme", "att-beta"],
                    &["att-acme", "att-beta"],
                    vec![],
                ),
                // beta's spoke: a blackhole (clean), a route to a deleted attachment (clean)
                // and a static route into acme (a finding).
                table(
                    "rtb-beta",
                    &["att-beta"],
                    &["att-shared"],
                    vec![
                        route("10.1.0.0/16", "blackhole", &[]),
                        route("10.2.0.0/16", "active", &["att-gone"]),
                        route("10.3.0.0/16", "active", &["att-acme2"]),
                    ],
                ),
            ],
        }];
        // More routes than one search returns: the table was read in part, never clean.
        let truncated = TransitGatewayRouteTable {
            routes_truncated: true,
            ..table("rtb-big", &["att-acme"], &[], vec![])
        };
        org.region(SHARED).transit_gateways[0]
            .route_tables
            .push(truncated);
        assert_eq!(
            org.findings("not-scanned"),
            vec![(
                format!("arn:aws:ec2:eu-west-1:{SHARED}:transit-gateway-route-table/rtb-big"),
                None
            )]
        );
        let mut got = org.findings("cross-tenant-tgw-route");
        got.sort();
        let arn =
            |t: &str| format!("arn:aws:ec2:eu-west-1:{SHARED}:transit-gateway-route-table/{t}");
        assert_eq!(
            got,
            vec![
                (arn("rtb-beta"), Some(BETA.into())),
                (arn("rtb-default"), Some(BETA.into()))
            ]
        );
    }

    fn share(owner: &str, name: &str, principals: &[&str], external: bool) -> ResourceShare {
        ResourceShare {
            arn: format!("arn:aws:ram:eu-west-1:{owner}:resource-share/{name}"),
            name: name.into(),
            owner_id: owner.into(),
            status: "ACTIVE".into(),
            allow_external_principals: external,
            principals: principals.iter().map(|s| s.to_string()).collect(),
            resources: vec![SharedResource {
                arn: format!("arn:aws:ec2:eu-west-1:{owner}:subnet/subnet-{name}"),
                resource_type: "ec2:Subnet".into(),
            }],
        }
    }

    #[test]
    fn ram_shares_to_other_tenants_the_organization_and_outside() {
        let org_arn = format!("arn:aws:organizations::{MGMT}:organization/o-test000001");
        let ou = |id: &str| format!("arn:aws:organizations::{MGMT}:ou/o-test000001/{id}");
        let mut org = org();
        org.region(ACME).resource_shares = vec![
            share(ACME, "to-beta", &[BETA], false),
            share(ACME, "to-own", &[ACME2], false),
            share(ACME, "to-org", &[&org_arn], false),
            share(ACME, "to-tenants-ou", &[&ou("ou-t1-tenants")], false),
            share(ACME, "to-acme-ou", &[&ou("ou-t1-acme")], false),
            share(ACME, "to-stranger", &[STRANGER], true),
            share(ACME, "to-vendor", &[VENDOR], true),
            share(
                ACME,
                "to-other-org",
                &["arn:aws:organizations::777700000001:organization/o-other000001"],
                true,
            ),
            ResourceShare {
                status: "DELETED".into(),
                ..share(ACME, "deleted", &[BETA], false)
            },
        ];
        org.region(SHARED).resource_shares = vec![
            // A platform gateway shared with the organization: the usual design.
            ResourceShare {
                resources: vec![SharedResource {
                    arn: format!("arn:aws:ec2:eu-west-1:{SHARED}:transit-gateway/tgw-1"),
                    resource_type: "ec2:TransitGateway".into(),
                }],
                ..share(SHARED, "hub-to-org", &[&org_arn], false)
            },
            // A platform subnet shared with the organization reaches every tenant.
            share(SHARED, "subnet-to-org", &[&org_arn], false),
            share(SHARED, "subnet-acme", &[ACME], false),
            share(SHARED, "subnet-two-tenants", &[ACME, BETA], false),
        ];
        let names = |rule: &str| {
            let mut n: Vec<String> = org
                .findings(rule)
                .into_iter()
                .map(|(r, _)| r.rsplit('/').next().unwrap().to_owned())
                .collect();
            n.sort();
            n
        };
        assert_eq!(
            names("cross-tenant-ram-share"),
            [
                "subnet-to-org",
                "subnet-two-tenants",
                "to-beta",
                "to-org",
                "to-tenants-ou"
            ]
        );
        assert_eq!(names("external-ram-share"), ["to-other-org", "to-stranger"]);
    }

    fn service(id: &str, allowed: &[&str]) -> EndpointService {
        EndpointService {
            id: id.into(),
            name: format!("com.amazonaws.vpce.eu-west-1.{id}"),
            acceptance_required: true,
            allowed_principals: allowed.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn endpoint_services_open_to_other_tenants_everyone_or_outsiders() {
        let root = |a: &str| format!("arn:aws:iam::{a}:root");
        let mut org = org();
        org.region(ACME).endpoint_services = vec![
            service("svc-beta", &[&root(BETA)]),
            service(
                "svc-own",
                &[&root(ACME2), &format!("arn:aws:iam::{ACME2}:role/app")],
            ),
            service("svc-star", &["*"]),
            service("svc-vendor", &[&root(VENDOR)]),
            service("svc-stranger", &[&root(STRANGER)]),
        ];
        org.region(SHARED).endpoint_services = vec![
            service("svc-platform", &[&root(ACME), &root(BETA)]),
            service("svc-platform-star", &["*"]),
        ];
        let mut got: Vec<(String, Option<String>)> = org
            .findings("cross-tenant-privatelink")
            .into_iter()
            .map(|(r, c)| (r.rsplit('/').next().unwrap().to_owned(), c))
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                ("svc-beta".into(), Some(BETA.into())),
                ("svc-platform-star".into(), None),
                ("svc-star".into(), None),
                ("svc-stranger".into(), Some(STRANGER.into())),
            ]
        );
    }

    #[test]
    fn security_groups_naming_other_tenants_groups() {
        let reference = |direction: &str, account: &str| GroupReference {
            direction: direction.into(),
            user_id: account.into(),
            group_id: format!("sg-{account}"),
            peering_connection_id: Some("pcx-1".into()),
            protocol: "tcp".into(),
            from_port: Some(443),
            to_port: Some(443),
        };
        let group = |id: &str, refs: Vec<GroupReference>| SecurityGroup {
            id: id.into(),
            name: id.into(),
            vpc_id: "vpc-1".into(),
            owner_id: ACME.into(),
            references: refs,
        };
        let mut org = org();
        org.region(ACME).security_groups = vec![
            group("sg-to-beta", vec![reference("ingress", BETA)]),
            group("sg-to-own", vec![reference("ingress", ACME2)]),
            group("sg-to-platform", vec![reference("egress", SHARED)]),
            group("sg-to-stranger", vec![reference("egress", STRANGER)]),
        ];
        let mut got = org.findings("cross-tenant-sg-reference");
        got.sort();
        let arn = |g: &str| format!("arn:aws:ec2:eu-west-1:{ACME}:security-group/{g}");
        assert_eq!(
            got,
            vec![
                (arn("sg-to-beta"), Some(BETA.into())),
                (arn("sg-to-stranger"), Some(STRANGER.into()))
            ]
        );
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

/// The resource-policy rules on inventory fixtures: violations and the look-alikes that must
/// stay clean (own tenant, platform, a vendor, a service pinned to the own account, a Deny
/// that removes the grant, KMS's default statement).
mod resource_rules {
    use super::*;

    fn bucket(name: &str, statements: Value) -> ResourcePolicy {
        ResourcePolicy {
            kind: ResourceKind::S3Bucket,
            arn: format!("arn:aws:s3:::{name}"),
            status: CollectionStatus::Collected,
            policy: Some(PolicyDocument::Json(
                json!({"Version": "2012-10-17", "Statement": statements}),
            )),
            grants: vec![],
            public_access_block: None,
        }
    }

    fn allow(principal: Value, action: &str) -> Value {
        json!({"Effect": "Allow", "Principal": principal, "Action": action, "Resource": "*"})
    }

    fn with(resources: Vec<ResourcePolicy>) -> Org {
        let mut org = org();
        org.account(ACME).regions[0].resources = resources;
        org
    }

    /// (resource name, counterpart) of every finding of `rule`.
    fn found(org: &Org, rule: &str) -> Vec<(String, Option<String>)> {
        org.findings(rule)
            .into_iter()
            .map(|(r, c)| (r.rsplit([':', '/']).next().unwrap().to_owned(), c))
            .collect()
    }

    #[test]
    fn another_tenant_is_reported_and_own_and_platform_accounts_are_not() {
        let org = with(vec![
            bucket(
                "to-beta",
                json!([allow(json!({"AWS": BETA}), "s3:GetObject")]),
            ),
            bucket(
                "to-own",
                json!([allow(
                    json!({"AWS": format!("arn:aws:iam::{ACME2}:root")}),
                    "s3:GetObject"
                )]),
            ),
            bucket(
                "to-platform",
                json!([allow(json!({"AWS": SHARED}), "s3:*")]),
            ),
            bucket(
                "denied",
                json!([allow(json!({"AWS": BETA}), "s3:GetObject"), {"Effect": "Deny", "Principal": {"AWS": BETA}, "Action": "s3:*", "Resource": "*"}]),
            ),
        ]);
        assert_eq!(
            found(&org, "cross-tenant-resource-access"),
            [("to-beta".to_owned(), Some(BETA.to_owned()))]
        );
    }

    #[test]
    fn statements_to_one_counterpart_merge_into_one_finding_with_every_access() {
        let org = with(vec![bucket(
            "two",
            json!([
                allow(json!({"AWS": BETA}), "s3:GetObject"),
                allow(json!({"AWS": BETA}), "s3:PutObject")
            ]),
        )]);
        let config = Config::parse(&org.config, "t.toml", &tenantguard::rules::ids()).unwrap();
        let f: Vec<_> = evaluate(&org.inventory, &config)
            .findings
            .into_iter()
            .filter(|f| f.rule == "cross-tenant-resource-access")
            .collect();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].evidence[0]["access"], json!(["read", "write"]));
        assert_eq!(f[0].evidence[0]["grants"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn the_organization_anyone_and_outsiders_are_reported() {
        let org = with(vec![
            bucket(
                "orgwide",
                json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-test000001"}}}]),
            ),
            bucket("public", json!([allow(json!("*"), "s3:GetObject")])),
            bucket(
                "vpce",
                json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}]),
            ),
            bucket(
                "stranger",
                json!([allow(json!({"AWS": STRANGER}), "s3:GetObject")]),
            ),
            bucket(
                "vendor",
                json!([allow(json!({"AWS": VENDOR}), "s3:GetObject")]),
            ),
            bucket(
                "narrowed",
                json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": ACME}}}]),
            ),
        ]);
        assert_eq!(found(&org, "organization-wide-resource-access").len(), 1);
        let public: Vec<String> = found(&org, "public-resource-access")
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(
            public,
            ["public", "vpce"],
            "a VPC endpoint condition is the path, not the caller"
        );
        assert_eq!(
            found(&org, "external-resource-access"),
            [
                ("stranger".to_owned(), Some(STRANGER.to_owned())),
                ("vendor".to_owned(), Some(VENDOR.to_owned()))
            ],
            "a vendor that must bring `sts:ExternalId` is admitted without it by a resource \
             policy, which cannot require it: the confused deputy the requirement prevents"
        );
    }

    #[test]
    fn a_vendor_must_meet_its_other_requirements() {
        let mut org = with(vec![
            bucket(
                "bare",
                json!([allow(json!({"AWS": VENDOR}), "s3:GetObject")]),
            ),
            bucket(
                "conditioned",
                json!([{"Effect": "Allow", "Principal": {"AWS": VENDOR}, "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]),
            ),
        ]);
        org.config = org.config.replace(
            "accounts = [\"999900000001\"]",
            "accounts = [\"999900000001\"]\nrequire_conditions = [\"aws:SourceIp\"]",
        );
        assert_eq!(
            found(&org, "external-resource-access"),
            [("bare".to_owned(), Some(VENDOR.to_owned()))]
        );
    }

    #[test]
    fn a_service_without_a_source_is_a_confused_deputy() {
        let sns = |condition: Value| json!([{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "*", "Condition": condition}]);
        let org = with(vec![
            bucket("open", sns(json!({}))),
            bucket(
                "own",
                sns(json!({"StringEquals": {"aws:SourceAccount": ACME}})),
            ),
            bucket(
                "beta",
                sns(
                    json!({"ArnLike": {"aws:SourceArn": format!("arn:aws:sns:eu-west-1:{BETA}:t")}}),
                ),
            ),
            bucket(
                "s3-arn",
                sns(json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::some-bucket"}})),
            ),
        ]);
        let open: Vec<String> = found(&org, "service-principal-without-source")
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(
            open,
            ["open", "s3-arn"],
            "an S3 source ARN names no account"
        );
        assert_eq!(
            found(&org, "cross-tenant-resource-access"),
            [("beta".to_owned(), Some(BETA.to_owned()))]
        );
    }

    #[test]
    fn kms_default_statement_is_clean_and_grants_to_other_tenants_are_not() {
        let key = ResourcePolicy {
            kind: ResourceKind::KmsKey,
            arn: format!("arn:aws:kms:eu-west-1:{ACME}:key/k1"),
            status: CollectionStatus::Collected,
            policy: Some(PolicyDocument::Json(
                json!({"Statement": [allow(json!({"AWS": format!("arn:aws:iam::{ACME}:root")}), "kms:*")]}),
            )),
            grants: vec![KmsGrant {
                id: "g1".into(),
                grantee_principal: format!("arn:aws:iam::{BETA}:role/batch"),
                operations: vec!["Decrypt".into()],
            }],
            public_access_block: None,
        };
        let org = with(vec![key]);
        assert_eq!(
            found(&org, "cross-tenant-resource-access"),
            [("k1".to_owned(), Some(BETA.to_owned()))]
        );
    }

    #[test]
    fn what_cannot_be_read_or_resolved_is_reported() {
        let mut unread = bucket("unread", json!([]));
        unread.status = CollectionStatus::Failed {
            error: "GetBucketPolicy: AccessDenied".into(),
        };
        unread.policy = None;
        let mut broken = bucket("broken", json!([]));
        broken.policy = Some(PolicyDocument::Text("{not json".into()));
        let mut org = with(vec![
            bucket(
                "odd",
                json!([allow(json!({"AWS": "not-an-arn"}), "s3:GetObject")]),
            ),
            broken,
            unread,
        ]);
        let unresolved: Vec<String> = found(&org, "unresolved-resource-policy")
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(unresolved, ["broken", "odd"]);
        let not_scanned: Vec<String> = org
            .findings("not-scanned")
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(not_scanned, ["arn:aws:s3:::unread"]);
        // A region whose S3 listing failed, and one without any record of resource types.
        org.account(ACME).regions[0].resource_types[0].status = CollectionStatus::Failed {
            error: "ListBuckets: AccessDenied".into(),
        };
        org.account(BETA).regions[0].resource_types.clear();
        let config = Config::parse(&org.config, "t.toml", &tenantguard::rules::ids()).unwrap();
        let messages: Vec<String> = evaluate(&org.inventory, &config)
            .findings
            .into_iter()
            .filter(|f| f.rule == "not-scanned")
            .map(|f| f.message)
            .collect();
        assert_eq!(messages.len(), 3, "{messages:#?}");
        assert!(
            messages
                .iter()
                .any(|m| m.contains("S3 bucket policies: ListBuckets"))
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains(BETA) && m.contains("no collection record"))
        );
    }
}
