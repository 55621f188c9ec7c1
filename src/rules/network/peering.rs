//! What the peering rules share: every live peering connection of the organization, once.

use std::collections::BTreeMap;

use crate::finding::Finding;
use crate::finding::Subject;
use crate::inventory::PeeringConnection;
use crate::rules::{Context, RuleDoc};

/// Statuses in which a connection carries traffic or can start to at any moment.
const LIVE: [&str; 4] = [
    "active",
    "provisioning",
    "pending-acceptance",
    "initiating-request",
];

fn liveness(status: &str) -> usize {
    LIVE.iter()
        .position(|s| *s == status)
        .map_or(0, |p| LIVE.len() - p)
}

/// Every live peering connection, deduplicated by id. Both sides see the same connection; if
/// they disagree on its status, the livelier one is believed.
pub fn live_connections<'a>(cx: &Context<'a>) -> Vec<&'a PeeringConnection> {
    let mut by_id: BTreeMap<&str, &PeeringConnection> = BTreeMap::new();
    for account in &cx.inventory.accounts {
        for region in &account.regions {
            for pcx in &region.peering_connections {
                let keep = by_id
                    .get(pcx.id.as_str())
                    .is_none_or(|seen| liveness(&pcx.status) > liveness(&seen.status));
                if keep {
                    by_id.insert(&pcx.id, pcx);
                }
            }
        }
    }
    by_id
        .into_values()
        .filter(|p| liveness(&p.status) > 0)
        .collect()
}

/// The connection as a finding's subject, on the side of `account` (one of its two owners).
pub fn subject(cx: &Context<'_>, pcx: &PeeringConnection, on_requester: bool) -> Subject {
    let side = if on_requester {
        &pcx.requester
    } else {
        &pcx.accepter
    };
    Subject {
        account: side.account_id.clone(),
        region: Some(side.region.clone()),
        tenant: cx
            .tenants
            .owner(&side.account_id)
            .tenant()
            .map(str::to_owned),
        resource: format!(
            "arn:aws:ec2:{}:{}:vpc-peering-connection/{}",
            pcx.requester.region, pcx.requester.account_id, pcx.id
        ),
        kind_path: format!("ec2/vpc-peering-connection/{}", pcx.id),
    }
}

pub fn evidence(pcx: &PeeringConnection) -> serde_json::Value {
    serde_json::to_value(pcx).expect("a peering connection serializes")
}

/// Reports the connection on the side of the requester (`on_requester`) or the accepter,
/// with the other side as the counterpart; `tail` ends the message.
pub fn report(
    doc: &RuleDoc,
    cx: &Context<'_>,
    pcx: &PeeringConnection,
    on_requester: bool,
    tail: &str,
    out: &mut Vec<Finding>,
) {
    let (req, acc) = (&pcx.requester.account_id, &pcx.accepter.account_id);
    let (here, there) = if on_requester { (req, acc) } else { (acc, req) };
    let message = format!(
        "VPC peering `{}` ({}) connects {} with {}{tail}",
        pcx.id,
        pcx.status,
        cx.tenants.describe(here),
        cx.tenants.describe(there)
    );
    out.push(
        Finding::new(doc, subject(cx, pcx, on_requester), message, evidence(pcx))
            .with_counterpart(crate::rules::trust::account_counterpart(cx, there)),
    );
}
