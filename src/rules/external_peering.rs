//! A live VPC peering connection with an account outside the organization.

use super::{Context, Rule, RuleDoc, peering, rule_doc, trust};
use crate::finding::Finding;
use crate::tenants::Owner;

pub struct ExternalPeering;

impl Rule for ExternalPeering {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("external-peering")
    }

    fn check_organization(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let outside =
            |id: &str| matches!(cx.tenants.owner(id), Owner::External | Owner::ThirdParty(_));
        for pcx in peering::live_connections(cx) {
            let (req, acc) = (&pcx.requester.account_id, &pcx.accepter.account_id);
            let on_requester = match (outside(req), outside(acc)) {
                (false, true) => true,
                (true, false) => false,
                _ => continue,
            };
            let (here, there) = if on_requester { (req, acc) } else { (acc, req) };
            let message = format!(
                "VPC peering `{}` ({}) connects {} with {}, outside the organization",
                pcx.id,
                pcx.status,
                cx.tenants.describe(here),
                cx.tenants.describe(there)
            );
            out.push(
                Finding::new(
                    self.doc(),
                    peering::subject(cx, pcx, on_requester),
                    message,
                    peering::evidence(pcx),
                )
                .with_counterpart(trust::account_counterpart(cx, there)),
            );
        }
    }
}
