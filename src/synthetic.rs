//! Synthetic organizations of any size, for benchmarks: realistic trust policies (own
//! account, platform, services, a vendor with an external id) with a few planted violations.

use std::collections::BTreeMap;

use crate::inventory::*;

const REGIONS: [&str; 4] = ["eu-west-1", "us-east-1", "eu-central-1", "ap-southeast-2"];
const MANAGEMENT: &str = "100000000000";
const SHARED: &str = "100000000001";
const VENDOR: &str = "999900000001";

fn account_id(i: usize) -> String {
    format!("{:012}", 200_000_000_000usize + i)
}

fn trust(principal: &str, condition: &str) -> PolicyDocument {
    PolicyDocument::Text(format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"sts:AssumeRole"{condition}}}]}}"#
    ))
}

/// An inventory of `accounts` tenant accounts (tenant `t<i / 2>`: two accounts each),
/// `roles` roles each, over `regions` regions; and its configuration as TOML.
pub fn organization(accounts: usize, roles: usize, regions: usize) -> (Inventory, String) {
    let regions: Vec<String> = REGIONS
        .iter()
        .take(regions.clamp(1, REGIONS.len()))
        .map(|r| r.to_string())
        .collect();
    let mut org_accounts = vec![
        Account {
            id: MANAGEMENT.into(),
            name: "management".into(),
            status: AccountStatus::Active,
            parent_id: "r-root".into(),
            tags: BTreeMap::new(),
        },
        Account {
            id: SHARED.into(),
            name: "shared".into(),
            status: AccountStatus::Active,
            parent_id: "ou-platform".into(),
            tags: BTreeMap::new(),
        },
    ];
    let mut inventories = Vec::with_capacity(accounts + 2);
    for i in 0..accounts {
        let id = account_id(i);
        let tenant = format!("t{}", i / 2);
        org_accounts.push(Account {
            id: id.clone(),
            name: format!("{tenant}-{}", i % 2),
            status: AccountStatus::Active,
            parent_id: "ou-tenants".into(),
            tags: BTreeMap::from([("tenant".to_owned(), tenant)]),
        });
        let sibling = account_id(i ^ 1);
        let role_list = (0..roles)
            .map(|r| {
                let trust_policy = match r % 5 {
                    0 => trust(&format!(r#"{{"AWS":"arn:aws:iam::{id}:root"}}"#), ""),
                    1 => trust(&format!(r#"{{"AWS":"arn:aws:iam::{MANAGEMENT}:role/deployer"}}"#), ""),
                    2 => trust(r#"{"Service":"lambda.amazonaws.com"}"#, ""),
                    3 => trust(&format!(r#"{{"AWS":"{VENDOR}"}}"#), r#","Condition":{"StringEquals":{"sts:ExternalId":"x-1"}}"#),
                    _ if r == 4 && i % 100 == 7 => trust(&format!(r#"{{"AWS":"{}"}}"#, account_id((i + 2) % accounts.max(1))), ""),
                    _ => trust(r#"{"AWS":"*"}"#, &format!(r#","Condition":{{"StringEquals":{{"aws:PrincipalAccount":["{id}","{sibling}"]}}}}"#)),
                };
                Role {
                    name: format!("role-{r}"),
                    arn: format!("arn:aws:iam::{id}:role/role-{r}"),
                    path: "/".into(),
                    trust_policy,
                    attached_policies: Vec::new(),
                    inline_policies: Vec::new(),
                }
            })
            .collect();
        let region_list = regions
            .iter()
            .map(|region| RegionInventory {
                region: region.clone(),
                status: CollectionStatus::Collected,
                resource_types: ResourceTypeRead::all_collected(),
                resources: synthetic_resources(i, &id, region, accounts),
                vpcs: vec![Vpc {
                    id: format!("vpc-{i:08x}"),
                    owner_id: id.clone(),
                    cidr_block: "10.0.0.0/16".into(),
                    is_default: false,
                }],
                peering_connections: if i % 250 == 3 && accounts > i + 1 {
                    vec![PeeringConnection {
                        id: format!("pcx-{i:08x}"),
                        status: "active".into(),
                        requester: PeeringSide {
                            account_id: id.clone(),
                            vpc_id: format!("vpc-{i:08x}"),
                            region: region.clone(),
                            cidr_block: None,
                        },
                        accepter: PeeringSide {
                            account_id: account_id(i + 1 + (i % 2)),
                            vpc_id: "vpc-peer".into(),
                            region: region.clone(),
                            cidr_block: None,
                        },
                    }]
                } else {
                    Vec::new()
                },
                ..RegionInventory::default()
            })
            .collect();
        inventories.push(AccountInventory {
            account_id: id,
            status: CollectionStatus::Collected,
            roles: role_list,
            users: Some(Default::default()),
            s3_account_block: None,
            canonical_user_id: None,
            regions: region_list,
        });
    }
    for id in [MANAGEMENT, SHARED] {
        inventories.push(AccountInventory {
            account_id: id.into(),
            status: CollectionStatus::Collected,
            roles: Vec::new(),
            users: Some(Default::default()),
            s3_account_block: None,
            canonical_user_id: None,
            regions: regions
                .iter()
                .enumerate()
                .map(|(n, r)| RegionInventory {
                    region: r.clone(),
                    status: CollectionStatus::Collected,
                    resource_types: ResourceTypeRead::all_collected(),
                    vpcs: Vec::new(),
                    ..if id == SHARED && n == 0 {
                        network_hub(accounts)
                    } else {
                        RegionInventory::default()
                    }
                })
                .collect(),
        });
    }
    let full_access_accounts: Vec<String> = org_accounts.iter().map(|a| a.id.clone()).collect();
    let inventory = Inventory {
        format_version: FORMAT_VERSION,
        collected_at: None,
        regions,
        out_of_scope: Vec::new(),
        organization: Organization {
            id: "o-synthetic1".into(),
            management_account_id: MANAGEMENT.into(),
            status: CollectionStatus::Collected,
            roots: vec![Root { id: "r-root".into(), name: "Root".into(), policy_types: Some(vec!["SERVICE_CONTROL_POLICY".into()]) }],
            organizational_units: vec![
                OrganizationalUnit { id: "ou-platform".into(), name: "Platform".into(), parent_id: "r-root".into() },
                OrganizationalUnit { id: "ou-tenants".into(), name: "Tenants".into(), parent_id: "r-root".into() },
            ],
            accounts: org_accounts,
            policies: vec![
                ServiceControlPolicy {
                    id: "p-FullAWSAccess".into(),
                    name: "FullAWSAccess".into(),
                    kind: PolicyKind::ServiceControlPolicy,
                    aws_managed: true,
                    document: PolicyDocument::Text(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#.into()),
                    targets: ["r-root", "ou-platform", "ou-tenants"].into_iter().map(String::from).chain(full_access_accounts).collect(),
                },
                ServiceControlPolicy {
                    id: "p-guardrail".into(),
                    name: "TenantGuardrails".into(),
                    kind: PolicyKind::ServiceControlPolicy,
                    aws_managed: false,
                    document: PolicyDocument::Text(GUARDRAILS.into()),
                    targets: vec!["ou-tenants".into()],
                },
            ],
            identity_center: Some(identity_center(accounts)),
        },
        accounts: inventories,
        unverifiable_changes: Vec::new(),
    };
    let config = format!(
        "required_scps = [\"TenantGuardrails\"]\n\n[organization]\nid = \"o-synthetic1\"\n\n[tenants]\ntag_key = \"tenant\"\n\n[platform.accounts]\n\"{SHARED}\" = \"shared-services\"\n\n[[third_parties]]\nname = \"vendor\"\naccounts = [\"{VENDOR}\"]\n\n[[platform.groups]]\nname = \"oncall\"\nowner = \"sre@example.com\"\nreason = \"on-call for every tenant\"\n"
    );
    (inventory, config)
}

/// Identity Center as account-per-tenant businesses run it: per tenant an `admins` group
/// (three people, `Admin` on both accounts) and a `readers` group (two people, `ReadOnly`);
/// an `oncall` group on every account (declared a platform group); and one planted
/// violation, a `support` group assigned on the first two tenants.
fn identity_center(accounts: usize) -> IdentityCenter {
    let instance = "arn:aws:sso:::instance/ssoins-5e7a000000000001";
    let set = |name: &str| format!("arn:aws:sso:::permissionSet/ssoins-5e7a000000000001/ps-{name}");
    let mut groups = Vec::new();
    let mut users = Vec::new();
    let mut assignments = Vec::new();
    let assign = |group: &str, set: &str, account: String| AccountAssignment {
        account_id: account,
        permission_set_arn: set.to_owned(),
        principal_type: AssignedPrincipal::Group,
        principal_id: group.to_owned(),
    };
    for t in 0..accounts.div_ceil(2) {
        for (duty, people, permission) in [("admins", 3, "admin"), ("readers", 2, "readonly")] {
            let id = format!("g-t{t}-{duty}");
            let members: Vec<String> = (0..people).map(|p| format!("u-t{t}-{duty}-{p}")).collect();
            users.extend(members.iter().map(|m| IdentityUser {
                id: m.clone(),
                user_name: format!("{m}@example.com"),
            }));
            for i in [2 * t, 2 * t + 1].into_iter().filter(|i| *i < accounts) {
                assignments.push(assign(&id, &set(permission), account_id(i)));
            }
            groups.push(IdentityGroup {
                id,
                display_name: format!("t{t}-{duty}"),
                members,
            });
        }
    }
    for i in 0..accounts {
        assignments.push(assign("g-oncall", &set("admin"), account_id(i)));
    }
    for i in [0, 2].into_iter().filter(|i| *i < accounts) {
        assignments.push(assign("g-support", &set("readonly"), account_id(i)));
    }
    groups.push(IdentityGroup {
        id: "g-oncall".into(),
        display_name: "oncall".into(),
        members: vec!["u-t0-admins-0".into()],
    });
    groups.push(IdentityGroup {
        id: "g-support".into(),
        display_name: "support".into(),
        members: vec!["u-t1-readers-0".into()],
    });
    IdentityCenter {
        region: Some("us-east-1".into()),
        status: CollectionStatus::Collected,
        instances: vec![IdentityCenterInstance {
            arn: instance.into(),
            identity_store_id: "d-5e7a000001".into(),
            owner_account_id: Some(MANAGEMENT.into()),
            permission_sets: ["admin", "readonly"]
                .into_iter()
                .map(|name| PermissionSet {
                    arn: set(name),
                    name: name.into(),
                    ..PermissionSet::default()
                })
                .collect(),
            groups,
            users,
            assignments,
        }],
    }
}

/// The shared-services account's transit gateway in the first region: every tenant account
/// attached, the isolated design (a spoke table per tenant account into which only the
/// platform propagates, a hub table every spoke propagates into), and on every 1,000th pair
/// of accounts a planted legacy table that meshes the two neighbours (a violation).
/// Denies every default guardrail's actions to tenant accounts, exempting one named pipeline
/// role: the synthetic organization's guardrails hold, as a well-run organization's do.
const GUARDRAILS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":["organizations:LeaveOrganization","ec2:CreateVpcPeeringConnection","ec2:AcceptVpcPeeringConnection","ec2:CreateTransitGatewayVpcAttachment","ec2:AcceptTransitGatewayVpcAttachment","ram:CreateResourceShare","ram:AssociateResourceShare","ram:AcceptResourceShareInvitation","iam:DeleteRole","iam:UpdateAssumeRolePolicy","iam:PutRolePolicy","iam:DeleteRolePolicy","iam:AttachRolePolicy","iam:DetachRolePolicy","iam:PutRolePermissionsBoundary"],"Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/platform-pipeline"}}}]}"#;

/// Each tenant account's resources in a region: a bucket and a queue readable by the account's
/// own roles (clean), and on every 500th account a bucket shared with its neighbour (a
/// cross-tenant grant).
fn synthetic_resources(i: usize, id: &str, region: &str, accounts: usize) -> Vec<ResourcePolicy> {
    let policy = |arn: &str, principal: &str, action: &str| {
        PolicyDocument::Text(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{principal}:root"}},"Action":"{action}","Resource":"{arn}"}}]}}"#
        ))
    };
    let resource = |kind, arn: String, principal: &str, action: &str| ResourcePolicy {
        kind,
        policy: Some(policy(&arn, principal, action)),
        arn,
        status: CollectionStatus::Collected,
        grants: Vec::new(),
        public_access_block: None,
        shares: Vec::new(),
        acl: Vec::new(),
    };
    let neighbour = account_id(i + 1);
    let bucket_principal = if i % 500 == 7 && accounts > i + 1 {
        neighbour.as_str()
    } else {
        id
    };
    vec![
        resource(
            ResourceKind::S3Bucket,
            format!("arn:aws:s3:::tenant-{id}-{region}"),
            bucket_principal,
            "s3:GetObject",
        ),
        resource(
            ResourceKind::SqsQueue,
            format!("arn:aws:sqs:{region}:{id}:work"),
            id,
            "sqs:SendMessage",
        ),
    ]
}

fn network_hub(accounts: usize) -> RegionInventory {
    let attachment = |i: usize| format!("tgw-attach-{i:08x}");
    let platform = "tgw-attach-platform".to_owned();
    let mut attachments = vec![TransitGatewayAttachment {
        id: platform.clone(),
        transit_gateway_id: "tgw-synthetic".into(),
        transit_gateway_owner_id: SHARED.into(),
        resource_owner_id: SHARED.into(),
        resource_type: "vpc".into(),
        resource_id: "vpc-shared".into(),
        state: "available".into(),
    }];
    let mut tables = Vec::with_capacity(accounts + 2);
    let mut legacy = Vec::new();
    for i in 0..accounts {
        attachments.push(TransitGatewayAttachment {
            id: attachment(i),
            transit_gateway_id: "tgw-synthetic".into(),
            transit_gateway_owner_id: SHARED.into(),
            resource_owner_id: account_id(i),
            resource_type: "vpc".into(),
            resource_id: format!("vpc-{i:08x}"),
            state: "available".into(),
        });
        if i % 1000 == 11 && i + 2 < accounts {
            legacy.extend([attachment(i), attachment(i + 2)]);
            continue;
        }
        tables.push(TransitGatewayRouteTable {
            id: format!("tgw-rtb-spoke-{i:08x}"),
            associations: vec![attachment(i)],
            propagations: vec![platform.clone()],
            routes: vec![],
            routes_truncated: false,
        });
    }
    tables.push(TransitGatewayRouteTable {
        id: "tgw-rtb-hub".into(),
        associations: vec![platform.clone()],
        propagations: (0..accounts).map(attachment).collect(),
        routes: vec![],
        routes_truncated: false,
    });
    if !legacy.is_empty() {
        tables.push(TransitGatewayRouteTable {
            id: "tgw-rtb-legacy".into(),
            associations: legacy.clone(),
            propagations: legacy,
            routes: vec![],
            routes_truncated: false,
        });
    }
    RegionInventory {
        transit_gateway_attachments: attachments,
        transit_gateways: vec![TransitGateway {
            id: "tgw-synthetic".into(),
            owner_id: SHARED.into(),
            state: "available".into(),
            default_association: false,
            default_propagation: false,
            association_default_route_table_id: None,
            propagation_default_route_table_id: None,
            auto_accept_shared_attachments: false,
            route_tables: tables,
        }],
        ..RegionInventory::default()
    }
}
