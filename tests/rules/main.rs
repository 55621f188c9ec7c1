//! One passing and one failing case per rule, one file per rule family as in `src/rules/`, on
//! a small organization: management and shared-services platform accounts, tenant `acme` (two
//! accounts), tenant `beta`, and an unmapped sandbox account. The organization and its
//! builders are here; each family file holds one module per rule.

#[path = "../common/mod.rs"]
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
const INSTANCE: &str = "arn:aws:sso:::instance/ssoins-0000000000000001";

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
        users: Some(IamUsers::default()),
        s3_account_block: None,
        canonical_user_id: None,
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
                identity_center: Some(IdentityCenter {
                    region: Some("eu-west-1".into()),
                    status: CollectionStatus::Collected,
                    instances: vec![IdentityCenterInstance {
                        arn: INSTANCE.into(),
                        identity_store_id: "d-test000001".into(),
                        ..Default::default()
                    }],
                }),
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

    fn instance(&mut self) -> &mut IdentityCenterInstance {
        let center = self
            .inventory
            .organization
            .identity_center
            .as_mut()
            .unwrap();
        &mut center.instances[0]
    }

    /// An Identity Center group with its members (user ids, each made a user if new).
    fn group(mut self, name: &str, members: &[&str]) -> Org {
        let instance = self.instance();
        for m in members {
            if instance.user(m).is_none() {
                instance.users.push(IdentityUser {
                    id: (*m).into(),
                    user_name: format!("{m}@example.com"),
                });
            }
        }
        instance.groups.push(IdentityGroup {
            id: format!("g-{name}"),
            display_name: name.into(),
            members: members.iter().map(|m| (*m).into()).collect(),
        });
        self
    }

    /// Assigns permission set `set` (made if new, with `policy` as its inline policy) to a
    /// group (`g-<name>`) or user id on `account`.
    fn assign(mut self, principal: &str, set: &str, account: &str) -> Org {
        let instance = self.instance();
        let arn = format!("arn:aws:sso:::permissionSet/ssoins-0000000000000001/ps-{set}");
        if instance.permission_set(&arn).is_none() {
            instance.permission_sets.push(PermissionSet {
                arn: arn.clone(),
                name: set.into(),
                ..Default::default()
            });
        }
        let (principal_type, principal_id) = match principal.strip_prefix("group:") {
            Some(name) => (AssignedPrincipal::Group, format!("g-{name}")),
            None => (AssignedPrincipal::User, principal.to_owned()),
        };
        if principal_type == AssignedPrincipal::User && instance.user(&principal_id).is_none() {
            instance.users.push(IdentityUser {
                id: principal_id.clone(),
                user_name: principal_id.clone(),
            });
        }
        instance.assignments.push(AccountAssignment {
            account_id: account.into(),
            permission_set_arn: arn,
            principal_type,
            principal_id,
        });
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

mod coverage;
mod guardrail;
mod human;
mod network;
mod resource;
mod trust;
