//! A transit-gateway route table that lets one tenant's attachment reach another tenant's:
//! the attachment is associated with the table, and the table holds an active route
//! (propagated or static, not blackhole) to the other tenant's attachment. A gateway left on
//! its defaults (every attachment associated with, and propagating into, one table) is a full
//! mesh of its tenants; the isolated design (a spoke table per tenant into which only the
//! platform's attachments propagate) is clean.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{Value, json};

use super::{Zone, zone};
use crate::finding::{Counterpart, Finding, Subject};
use crate::inventory::{TransitGatewayAttachment, TransitGatewayRouteTable};
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc};

pub struct CrossTenantTgwRoute;

/// Attachment states in which traffic flows or can start to.
fn live(state: &str) -> bool {
    !matches!(
        state,
        "deleted" | "deleting" | "failed" | "rejected" | "rejecting"
    )
}

/// One direction of a path: from an attachment associated with the table to an attachment a
/// route of the table leads to.
struct Hop<'a> {
    from: &'a TransitGatewayAttachment,
    to: &'a TransitGatewayAttachment,
    routes: Vec<Value>,
}

impl Rule for CrossTenantTgwRoute {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("cross-tenant-tgw-route")
    }

    /// Route tables are visible only to the gateway's owner: they are read there, and each
    /// attachment is tied to a tenant by its resource owner (the VPC's account).
    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        for region in &view.inventory.regions {
            let attachments: HashMap<&str, &TransitGatewayAttachment> = region
                .transit_gateway_attachments
                .iter()
                .map(|a| (a.id.as_str(), a))
                .collect();
            for tgw in &region.transit_gateways {
                for table in &tgw.route_tables {
                    let hops = hops(table, &attachments);
                    // (zone, zone) unordered -> hops, across both directions.
                    let mut pairs: BTreeMap<(Zone, Zone), Vec<Hop<'_>>> = BTreeMap::new();
                    for hop in hops {
                        let (a, b) = (
                            zone(cx, &hop.from.resource_owner_id),
                            zone(cx, &hop.to.resource_owner_id),
                        );
                        if a == b || a == Zone::Platform || b == Zone::Platform {
                            continue;
                        }
                        let key = if a < b { (a, b) } else { (b, a) };
                        pairs.entry(key).or_default().push(hop);
                    }
                    for ((a, b), hops) in pairs {
                        out.push(finding(
                            self.doc(),
                            cx,
                            view,
                            &region.region,
                            &tgw.id,
                            table,
                            &a,
                            &b,
                            &hops,
                        ));
                    }
                }
            }
        }
    }
}

/// Every (associated attachment, route target) pair of the table. A propagation is a route
/// to its attachment even where `SearchTransitGatewayRoutes` did not list it.
fn hops<'a>(
    table: &'a TransitGatewayRouteTable,
    attachments: &HashMap<&str, &'a TransitGatewayAttachment>,
) -> Vec<Hop<'a>> {
    let mut targets: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for route in table.routes.iter().filter(|r| r.state == "active") {
        for a in &route.attachments {
            targets.entry(a.as_str()).or_default().push(json!({
                "destination": route.destination,
                "type": route.route_type,
                "state": route.state,
            }));
        }
    }
    for p in &table.propagations {
        let routes = targets.entry(p.as_str()).or_default();
        if !routes.iter().any(|r| r["type"] == "propagated") {
            routes.push(json!({"destination": "the attachment's CIDRs", "type": "propagated", "state": "active"}));
        }
    }
    let sources: Vec<&TransitGatewayAttachment> = table
        .associations
        .iter()
        .filter_map(|id| attachments.get(id.as_str()).copied())
        .filter(|a| live(&a.state))
        .collect();
    let mut out = Vec::new();
    for from in &sources {
        for (to, routes) in &targets {
            let Some(to) = attachments.get(to).copied().filter(|a| live(&a.state)) else {
                continue;
            };
            if to.id != from.id {
                out.push(Hop {
                    from,
                    to,
                    routes: routes.clone(),
                });
            }
        }
    }
    out
}

fn side(cx: &Context<'_>, a: &TransitGatewayAttachment) -> Value {
    json!({
        "attachment": a.id,
        "account": a.resource_owner_id,
        "owner": cx.tenants.describe(&a.resource_owner_id),
        "resource_type": a.resource_type,
        "resource": a.resource_id,
    })
}

#[allow(clippy::too_many_arguments)]
fn finding(
    doc: &'static RuleDoc,
    cx: &Context<'_>,
    view: &AccountView<'_>,
    region: &str,
    tgw: &str,
    table: &TransitGatewayRouteTable,
    a: &Zone,
    b: &Zone,
    hops: &[Hop<'_>],
) -> Finding {
    let reaches = |from: &Zone, to: &Zone| {
        hops.iter().any(|h| {
            zone(cx, &h.from.resource_owner_id) == *from && zone(cx, &h.to.resource_owner_id) == *to
        })
    };
    let (ab, ba) = (reaches(a, b), reaches(b, a));
    // The side that is reached is the subject's tenant; the other is the counterpart.
    let (reached, reacher) = if ab && !ba { (b, a) } else { (a, b) };
    let reacher_account = hops
        .iter()
        .find(|h| zone(cx, &h.from.resource_owner_id) == *reacher)
        .or_else(|| hops.first())
        .map(|h| h.from.resource_owner_id.clone());
    let first = &hops[0];
    let route = first.routes.first().cloned().unwrap_or(Value::Null);
    let how = if ab && ba {
        "can route to each other"
    } else {
        "can route one way"
    };
    let message = format!(
        "{} and {} {how} through route table `{}` of transit gateway `{tgw}` ({}): {} route {} from attachment `{}` to attachment `{}`{}",
        a.describe(cx),
        b.describe(cx),
        table.id,
        cx.tenants.describe(&view.inventory.account_id),
        route["type"].as_str().unwrap_or("a"),
        route["destination"].as_str().unwrap_or(""),
        first.from.id,
        first.to.id,
        if hops.len() > 1 {
            format!(" ({} paths in all)", hops.len())
        } else {
            String::new()
        }
    );
    let directions: Vec<Value> = hops
        .iter()
        .map(|h| json!({"from": side(cx, h.from), "to": side(cx, h.to), "routes": h.routes}))
        .collect();
    let accounts: BTreeSet<&str> = hops
        .iter()
        .flat_map(|h| {
            [
                h.from.resource_owner_id.as_str(),
                h.to.resource_owner_id.as_str(),
            ]
        })
        .collect();
    let owner = &view.inventory.account_id;
    Finding::new(
        doc,
        Subject {
            account: owner.clone(),
            region: Some(region.to_owned()),
            tenant: reached.tenant().map(str::to_owned),
            resource: format!(
                "arn:aws:ec2:{region}:{owner}:transit-gateway-route-table/{}",
                table.id
            ),
            kind_path: format!("ec2/transit-gateway/{tgw}/route-table/{}", table.id),
        },
        message,
        json!({
            "transit_gateway": tgw,
            "route_table": table.id,
            "associations": table.associations,
            "propagations": table.propagations,
            "directions": directions,
            "accounts": accounts,
        }),
    )
    .with_counterpart(Counterpart {
        account: reacher_account,
        tenant: reacher.tenant().map(str::to_owned),
        description: reacher.describe(cx),
    })
    .with_key(format!("{a}|{b}"))
}
