//! A role every account of the organization can assume: in the account-per-tenant model the
//! organization is not a zone of trust, since every tenant is in it.

use crate::finding::{Counterpart, Finding};
use crate::rules::trust;
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc};
use crate::tenants::Reach;

pub struct OrganizationWideTrust;

impl Rule for OrganizationWideTrust {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("organization-wide-trust")
    }

    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        trust::each_grant(cx, view, |role, analysis, grant, reach| {
            if *reach != Reach::WholeOrganization {
                return;
            }
            let who = format!(
                "every account of organization `{}`, every tenant included",
                cx.inventory.organization.id
            );
            let org = format!("organization {}", cx.inventory.organization.id);
            let what = format!("can be assumed by {who}");
            trust::report_grant(
                self.doc(),
                cx,
                view,
                role,
                analysis,
                grant,
                what,
                Counterpart::described(org),
                out,
            );
        });
    }
}
