//! A role of one tenant that a principal of another tenant can assume.

use crate::finding::Finding;
use crate::rules::trust;
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc};
use crate::tenants::Owner;

pub struct CrossTenantTrust;

impl Rule for CrossTenantTrust {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("cross-tenant-trust")
    }

    /// Directly named accounts, narrowed wildcards and OU paths all arrive here as the
    /// accounts they reach. An unmapped account counts as another tenant: nobody has said
    /// it is this tenant's, so the role is not proven isolated.
    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        let Owner::Tenant(tenant) = &view.owner else {
            return;
        };
        trust::report_reached_accounts(self.doc(), cx, view, out, |owner| match owner {
            Owner::Tenant(other) => other != tenant,
            Owner::Unmapped => true,
            _ => false,
        });
    }
}
