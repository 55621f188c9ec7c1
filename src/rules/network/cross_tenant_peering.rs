//! A live VPC peering connection between a tenant and anyone else in the organization:
//! another tenant, the platform, or an unmapped account.

use crate::finding::Finding;
use crate::rules::network::peering;
use crate::rules::{Context, Rule, RuleDoc, rule_doc};
use crate::tenants::Owner;

pub struct CrossTenantPeering;

/// Which isolation zone an account of the organization is in. `None` outside it.
fn zone(owner: &Owner, account: &str) -> Option<String> {
    match owner {
        Owner::Tenant(t) => Some(format!("tenant:{t}")),
        Owner::Platform(_) => Some("platform".to_owned()),
        Owner::Unmapped => Some(format!("unmapped:{account}")),
        Owner::ThirdParty(_) | Owner::External => None,
    }
}

impl Rule for CrossTenantPeering {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("cross-tenant-peering")
    }

    /// Peering is not transitive, but a tenant peered with a shared VPC shares it with every
    /// other tenant peered there: tenant-to-platform peering is reported too, and approved
    /// hubs are recorded as exceptions.
    fn check_organization(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for pcx in peering::live_connections(cx) {
            let (req, acc) = (&pcx.requester.account_id, &pcx.accepter.account_id);
            let (req_owner, acc_owner) = (cx.tenants.owner(req), cx.tenants.owner(acc));
            let (Some(req_zone), Some(acc_zone)) = (zone(&req_owner, req), zone(&acc_owner, acc))
            else {
                continue;
            };
            if req_zone == acc_zone || (req_zone == "platform" && acc_zone == "platform") {
                continue;
            }
            // Report on a tenant's side: the requester's if it is a tenant's, else the accepter's.
            let on_requester = req_owner.tenant().is_some() || acc_owner.tenant().is_none();
            peering::report(self.doc(), cx, pcx, on_requester, "", out);
        }
    }
}
