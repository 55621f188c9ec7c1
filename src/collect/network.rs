//! The network and sharing reads of one region beyond VPCs and peering: transit gateways the
//! account owns (with their route tables, which only the owner sees), RAM shares it owns,
//! endpoint services it offers, and security-group rules that name other accounts' groups.
//!
//! An account that owns no gateway, share or service costs four calls here:
//! `DescribeTransitGateways`, `GetResourceShares`, `DescribeVpcEndpointServiceConfigurations`
//! and `DescribeSecurityGroups`. Every list is read to its end.

use aws_sdk_ec2::types::Filter;
use aws_sdk_ram::types::{ResourceOwner, ResourceShareAssociationType};

use super::session::sdk_error;
use crate::inventory::{
    EndpointService, GroupReference, ResourceShare, SecurityGroup, SharedResource, TransitGateway,
    TransitGatewayRoute, TransitGatewayRouteTable,
};

fn text(s: Option<&str>) -> String {
    s.unwrap_or_default().to_owned()
}

fn filter(name: &str, values: &[&str]) -> Filter {
    Filter::builder()
        .name(name)
        .set_values(Some(values.iter().map(|v| (*v).to_owned()).collect()))
        .build()
}

/// The gateways `account` owns, each with its route tables, their associations,
/// propagations and routes.
pub async fn transit_gateways(
    ec2: &aws_sdk_ec2::Client,
    account: &str,
) -> Result<Vec<TransitGateway>, String> {
    let mut gateways = Vec::new();
    let mut pages = ec2
        .describe_transit_gateways()
        .filters(filter("owner-id", &[account]))
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error("DescribeTransitGateways", &e))?;
        // The filter is applied to the answer too: shared gateways are not this account's.
        for g in page
            .transit_gateways()
            .iter()
            .filter(|g| g.owner_id() == Some(account))
        {
            let options = g.options();
            let enabled = |v: Option<&str>| v == Some("enable");
            gateways.push(TransitGateway {
                id: text(g.transit_gateway_id()),
                owner_id: text(g.owner_id()),
                state: g.state().map(|s| s.as_str().to_owned()).unwrap_or_default(),
                default_association: enabled(
                    options
                        .and_then(|o| o.default_route_table_association())
                        .map(|v| v.as_str()),
                ),
                default_propagation: enabled(
                    options
                        .and_then(|o| o.default_route_table_propagation())
                        .map(|v| v.as_str()),
                ),
                association_default_route_table_id: options
                    .and_then(|o| o.association_default_route_table_id())
                    .map(str::to_owned),
                propagation_default_route_table_id: options
                    .and_then(|o| o.propagation_default_route_table_id())
                    .map(str::to_owned),
                auto_accept_shared_attachments: enabled(
                    options
                        .and_then(|o| o.auto_accept_shared_attachments())
                        .map(|v| v.as_str()),
                ),
                route_tables: Vec::new(),
            });
        }
    }
    for gateway in &mut gateways {
        gateway.route_tables = route_tables(ec2, &gateway.id).await?;
    }
    gateways.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(gateways)
}

async fn route_tables(
    ec2: &aws_sdk_ec2::Client,
    gateway: &str,
) -> Result<Vec<TransitGatewayRouteTable>, String> {
    let mut ids = Vec::new();
    let mut pages = ec2
        .describe_transit_gateway_route_tables()
        .filters(filter("transit-gateway-id", &[gateway]))
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error("DescribeTransitGatewayRouteTables", &e))?;
        ids.extend(
            page.transit_gateway_route_tables()
                .iter()
                .filter(|t| t.transit_gateway_id() == Some(gateway))
                .filter_map(|t| t.transit_gateway_route_table_id().map(str::to_owned)),
        );
    }
    let mut tables = Vec::new();
    for id in ids {
        let mut associations = Vec::new();
        let mut pages = ec2
            .get_transit_gateway_route_table_associations()
            .transit_gateway_route_table_id(&id)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| sdk_error("GetTransitGatewayRouteTableAssociations", &e))?;
            associations.extend(
                page.associations()
                    .iter()
                    .filter(|a| a.state().is_none_or(|s| s.as_str() != "disassociated"))
                    .filter_map(|a| a.transit_gateway_attachment_id().map(str::to_owned)),
            );
        }
        let mut propagations = Vec::new();
        let mut pages = ec2
            .get_transit_gateway_route_table_propagations()
            .transit_gateway_route_table_id(&id)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| sdk_error("GetTransitGatewayRouteTablePropagations", &e))?;
            propagations.extend(
                page.transit_gateway_route_table_propagations()
                    .iter()
                    .filter(|p| p.state().is_none_or(|s| s.as_str() != "disabled"))
                    .filter_map(|p| p.transit_gateway_attachment_id().map(str::to_owned)),
            );
        }
        // `SearchTransitGatewayRoutes` needs a filter and has no token: it says
        // `AdditionalRoutesAvailable` when it returned only part (at most 1,000 routes).
        let found = ec2
            .search_transit_gateway_routes()
            .transit_gateway_route_table_id(&id)
            .filters(filter("state", &["active", "blackhole"]))
            .send()
            .await
            .map_err(|e| sdk_error("SearchTransitGatewayRoutes", &e))?;
        let routes = found
            .routes()
            .iter()
            .map(|r| TransitGatewayRoute {
                destination: r
                    .destination_cidr_block()
                    .or(r.prefix_list_id())
                    .unwrap_or_default()
                    .to_owned(),
                route_type: r
                    .r#type()
                    .map(|t| t.as_str().to_owned())
                    .unwrap_or_default(),
                state: r.state().map(|s| s.as_str().to_owned()).unwrap_or_default(),
                attachments: r
                    .transit_gateway_attachments()
                    .iter()
                    .filter_map(|a| a.transit_gateway_attachment_id().map(str::to_owned))
                    .collect(),
            })
            .collect();
        associations.sort();
        propagations.sort();
        tables.push(TransitGatewayRouteTable {
            id,
            associations,
            propagations,
            routes,
            routes_truncated: found.additional_routes_available().unwrap_or(false),
        });
    }
    Ok(tables)
}

/// The RAM shares the account owns, with their principals and resources.
pub async fn resource_shares(ram: &aws_sdk_ram::Client) -> Result<Vec<ResourceShare>, String> {
    let mut shares = Vec::new();
    let mut pages = ram
        .get_resource_shares()
        .resource_owner(ResourceOwner::SelfValue)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error("GetResourceShares", &e))?;
        for s in page.resource_shares() {
            shares.push(ResourceShare {
                arn: text(s.resource_share_arn()),
                name: text(s.name()),
                owner_id: text(s.owning_account_id()),
                status: s
                    .status()
                    .map(|v| v.as_str().to_owned())
                    .unwrap_or_default(),
                allow_external_principals: s.allow_external_principals().unwrap_or(false),
                principals: Vec::new(),
                resources: Vec::new(),
            });
        }
    }
    // Associations of every share at once (in chunks), principals then resources.
    let arns: Vec<String> = shares.iter().map(|s| s.arn.clone()).collect();
    for chunk in arns.chunks(20) {
        for kind in [
            ResourceShareAssociationType::Principal,
            ResourceShareAssociationType::Resource,
        ] {
            let mut pages = ram
                .get_resource_share_associations()
                .association_type(kind.clone())
                .set_resource_share_arns(Some(chunk.to_vec()))
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| sdk_error("GetResourceShareAssociations", &e))?;
                for a in page.resource_share_associations() {
                    let live = a
                        .status()
                        .is_none_or(|s| !matches!(s.as_str(), "DISASSOCIATED" | "FAILED"));
                    let (Some(share), Some(entity)) = (
                        shares
                            .iter_mut()
                            .find(|s| Some(s.arn.as_str()) == a.resource_share_arn()),
                        a.associated_entity(),
                    ) else {
                        continue;
                    };
                    if !live {
                        continue;
                    }
                    match kind {
                        ResourceShareAssociationType::Principal => {
                            share.principals.push(entity.to_owned())
                        }
                        _ => share.resources.push(SharedResource {
                            arn: entity.to_owned(),
                            resource_type: SharedResource::type_of(entity),
                        }),
                    }
                }
            }
        }
    }
    for s in &mut shares {
        s.principals.sort();
        s.principals.dedup();
        s.resources.sort_by(|a, b| a.arn.cmp(&b.arn));
        s.resources.dedup_by(|a, b| a.arn == b.arn);
    }
    shares.sort_by(|a, b| a.arn.cmp(&b.arn));
    Ok(shares)
}

/// The endpoint services the account offers, with their allowed principals.
pub async fn endpoint_services(ec2: &aws_sdk_ec2::Client) -> Result<Vec<EndpointService>, String> {
    let mut services = Vec::new();
    let mut pages = ec2
        .describe_vpc_endpoint_service_configurations()
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error("DescribeVpcEndpointServiceConfigurations", &e))?;
        for s in page.service_configurations() {
            services.push(EndpointService {
                id: text(s.service_id()),
                name: text(s.service_name()),
                acceptance_required: s.acceptance_required().unwrap_or(true),
                allowed_principals: Vec::new(),
            });
        }
    }
    for service in &mut services {
        let mut pages = ec2
            .describe_vpc_endpoint_service_permissions()
            .service_id(&service.id)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("DescribeVpcEndpointServicePermissions", &e))?;
            service.allowed_principals.extend(
                page.allowed_principals()
                    .iter()
                    .filter_map(|p| p.principal().map(str::to_owned)),
            );
        }
        service.allowed_principals.sort();
    }
    services.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(services)
}

/// Security groups with a rule naming another account's group; the others are left out of
/// the inventory (they name no one outside the account).
pub async fn security_groups(
    ec2: &aws_sdk_ec2::Client,
    account: &str,
) -> Result<Vec<SecurityGroup>, String> {
    let mut groups = Vec::new();
    let mut pages = ec2.describe_security_groups().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error("DescribeSecurityGroups", &e))?;
        for g in page.security_groups() {
            let mut references = Vec::new();
            let rules = g
                .ip_permissions()
                .iter()
                .map(|p| ("ingress", p))
                .chain(g.ip_permissions_egress().iter().map(|p| ("egress", p)));
            for (direction, rule) in rules {
                for pair in rule.user_id_group_pairs() {
                    let Some(user) = pair.user_id().filter(|u| *u != account) else {
                        continue;
                    };
                    references.push(GroupReference {
                        direction: direction.to_owned(),
                        user_id: user.to_owned(),
                        group_id: text(pair.group_id()),
                        peering_connection_id: pair.vpc_peering_connection_id().map(str::to_owned),
                        protocol: text(rule.ip_protocol()),
                        from_port: rule.from_port(),
                        to_port: rule.to_port(),
                    });
                }
            }
            if !references.is_empty() {
                groups.push(SecurityGroup {
                    id: text(g.group_id()),
                    name: text(g.group_name()),
                    vpc_id: text(g.vpc_id()),
                    owner_id: text(g.owner_id()),
                    references,
                });
            }
        }
    }
    groups.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(groups)
}

#[cfg(test)]
mod tests {
    use crate::inventory::SharedResource;
    #[test]
    fn resource_types_from_arns() {
        assert_eq!(
            SharedResource::type_of("arn:aws:ec2:eu-west-1:111111111111:subnet/subnet-1"),
            "ec2:Subnet"
        );
        assert_eq!(
            SharedResource::type_of("arn:aws:ec2:eu-west-1:111111111111:transit-gateway/tgw-1"),
            "ec2:TransitGateway"
        );
        assert_eq!(SharedResource::type_of("nonsense"), "");
    }
}
