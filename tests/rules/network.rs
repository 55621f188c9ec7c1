//! The network family: peering, shared subnets, transit gateways, RAM shares, PrivateLink and
//! security-group references between tenants.

use super::*;

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
