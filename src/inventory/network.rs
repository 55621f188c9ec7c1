//! Networks of a region and what connects them to other accounts: VPCs, peering, transit
//! gateways, RAM shares, endpoint services, security-group references, shared subnets.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A transit gateway the account owns, with what only its owner sees: its route tables.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitGateway {
    /// `tgw-...`
    pub id: String,
    pub owner_id: String,
    #[serde(default)]
    pub state: String,
    /// `DefaultRouteTableAssociation`: a new attachment is associated with the default table.
    pub default_association: bool,
    /// `DefaultRouteTablePropagation`: a new attachment propagates into the default table.
    pub default_propagation: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub association_default_route_table_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub propagation_default_route_table_id: Option<String>,
    #[serde(default)]
    pub auto_accept_shared_attachments: bool,
    #[serde(default)]
    pub route_tables: Vec<TransitGatewayRouteTable>,
}

/// A transit-gateway route table: who enters through it (associations), who propagates into
/// it, and its routes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitGatewayRouteTable {
    /// `tgw-rtb-...`
    pub id: String,
    /// Attachment ids associated with the table (traffic from them is routed by it).
    #[serde(default)]
    pub associations: Vec<String>,
    /// Attachment ids propagating their routes into the table.
    #[serde(default)]
    pub propagations: Vec<String>,
    #[serde(default)]
    pub routes: Vec<TransitGatewayRoute>,
    /// `SearchTransitGatewayRoutes` said more routes exist than it returned.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub routes_truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitGatewayRoute {
    /// A CIDR block or a prefix list id.
    pub destination: String,
    /// `static` or `propagated`.
    pub route_type: String,
    /// `active` or `blackhole`.
    pub state: String,
    /// The attachments the route leads to.
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// An AWS RAM share the account owns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceShare {
    pub arn: String,
    pub name: String,
    pub owner_id: String,
    /// `ACTIVE`, `PENDING`, `DELETED`, ...
    pub status: String,
    pub allow_external_principals: bool,
    /// Account ids, OU ARNs, the organization ARN, IAM role or user ARNs.
    #[serde(default)]
    pub principals: Vec<String>,
    #[serde(default)]
    pub resources: Vec<SharedResource>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SharedResource {
    pub arn: String,
    /// `ec2:Subnet`, `ec2:TransitGateway`, ...
    pub resource_type: String,
}

impl SharedResource {
    /// RAM's resource type from an ARN: `arn:aws:ec2:r:a:subnet/...` is `ec2:Subnet`,
    /// `...:transit-gateway/...` is `ec2:TransitGateway`; empty for what is not an ARN.
    pub fn type_of(arn: &str) -> String {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let (Some(service), Some(resource)) = (parts.get(2), parts.get(5)) else {
            return String::new();
        };
        let kind = resource.split(['/', ':']).next().unwrap_or_default();
        let camel: String = kind
            .split('-')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect();
        format!("{service}:{camel}")
    }
}

/// A PrivateLink endpoint service the account offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointService {
    /// `vpce-svc-...`
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub acceptance_required: bool,
    /// ARNs (`arn:aws:iam::<acct>:root`, roles), or `*` for every AWS account.
    #[serde(default)]
    pub allowed_principals: Vec<String>,
}

/// A security group with rules that name another account's group (groups naming no other
/// account are not recorded).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroup {
    /// `sg-...`
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub vpc_id: String,
    pub owner_id: String,
    pub references: Vec<GroupReference>,
}

/// A rule's reference to another account's security group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupReference {
    /// `ingress` or `egress`.
    pub direction: String,
    /// The other group's account.
    pub user_id: String,
    pub group_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peering_connection_id: Option<String>,
    #[serde(default)]
    pub protocol: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vpc {
    pub id: String,
    pub owner_id: String,
    #[serde(default)]
    pub cidr_block: String,
    #[serde(default)]
    pub is_default: bool,
}

/// A VPC peering connection, as `DescribeVpcPeeringConnections` shows it to either side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeeringConnection {
    /// `pcx-...`
    pub id: String,
    /// `active`, `pending-acceptance`, `provisioning`, `rejected`, `deleted`, ...
    pub status: String,
    pub requester: PeeringSide,
    pub accepter: PeeringSide,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeeringSide {
    pub account_id: String,
    pub vpc_id: String,
    pub region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitGatewayAttachment {
    /// `tgw-attach-...`
    pub id: String,
    pub transit_gateway_id: String,
    pub transit_gateway_owner_id: String,
    pub resource_owner_id: String,
    /// `vpc`, `vpn`, `peering`, ...
    pub resource_type: String,
    #[serde(default)]
    pub resource_id: String,
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    /// The account that owns the subnet; differs from the viewing account when it is shared.
    pub owner_id: String,
    #[serde(default)]
    pub cidr_block: String,
    #[serde(default)]
    pub availability_zone: String,
}
