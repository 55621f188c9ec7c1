//! An AWS RAM share with a principal outside the organization (`allowExternalPrincipals`):
//! an account that is not an allowed third party, or another organization or its OU.

use super::cross_tenant_ram_share::{Principal, principal, report};
use crate::finding::Counterpart;
use crate::finding::Finding;
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc, trust};
use crate::tenants::Owner;

pub struct ExternalRamShare;

impl Rule for ExternalRamShare {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("external-ram-share")
    }

    /// Reported whatever the share's `allowExternalPrincipals` says: an outside principal on
    /// a share is what matters, the flag is evidence.
    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        for region in &view.inventory.regions {
            for share in &region.resource_shares {
                for p in &share.principals {
                    let (counterpart, who) = match principal(cx, p) {
                        Principal::Account(a) if cx.tenants.owner(&a) == Owner::External => (
                            trust::account_counterpart(cx, &a),
                            format!(
                                "{}, outside the organization and not an allowed third party,",
                                cx.tenants.describe(&a)
                            ),
                        ),
                        Principal::OtherOrganization(org) => (
                            Counterpart::described(format!("organization {org}")),
                            format!("organization `{org}` (or an OU of it)"),
                        ),
                        _ => continue,
                    };
                    out.push(report(
                        self.doc(),
                        cx,
                        view,
                        &region.region,
                        share,
                        p,
                        counterpart,
                        format!("gives {who} access to"),
                    ));
                }
            }
        }
    }
}
