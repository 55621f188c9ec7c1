//! A role in a platform account that a tenant can assume: a pivot from one tenant into the
//! platform, and from there into every tenant.

use crate::finding::Finding;
use crate::rules::trust;
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc};
use crate::tenants::Owner;

pub struct PlatformTrustsTenant;

impl Rule for PlatformTrustsTenant {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("platform-trusts-tenant")
    }

    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        if !matches!(view.owner, Owner::Platform(_)) {
            return;
        }
        trust::report_reached_accounts(self.doc(), cx, view, out, |owner| {
            matches!(owner, Owner::Tenant(_) | Owner::Unmapped)
        });
    }
}
