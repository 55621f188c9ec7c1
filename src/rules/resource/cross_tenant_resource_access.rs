//! A tenant's resource policy (or KMS grant) admits another tenant's account.

use crate::finding::Finding;
use crate::rules::resource::{self, Class};
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc};

pub struct CrossTenantResourceAccess;

impl Rule for CrossTenantResourceAccess {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("cross-tenant-resource-access")
    }

    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        resource::report(self.doc(), cx, view, Class::CrossTenant, out);
    }
}
