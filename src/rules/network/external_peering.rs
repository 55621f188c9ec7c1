//! A live VPC peering connection with an account outside the organization.

use crate::finding::Finding;
use crate::rules::network::peering;
use crate::rules::{Context, Rule, RuleDoc, rule_doc};
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
            peering::report(
                self.doc(),
                cx,
                pcx,
                on_requester,
                ", outside the organization",
                out,
            );
        }
    }
}
