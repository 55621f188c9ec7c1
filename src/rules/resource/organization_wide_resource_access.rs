//! A resource policy admits every account of the organization (`aws:PrincipalOrgID`, an OU path covering other tenants).

use crate::finding::Finding;
use crate::rules::resource::{self, Class};
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc};

pub struct OrganizationWideResourceAccess;

impl Rule for OrganizationWideResourceAccess {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("organization-wide-resource-access")
    }

    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        resource::report(self.doc(), cx, view, Class::OrganizationWide, out);
    }
}
