//! A resource policy admits an account outside the organization that is not an allowed vendor, another organization, or a vendor without its required conditions.

use crate::finding::Finding;
use crate::rules::resource::{self, Class};
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc};

pub struct ExternalResourceAccess;

impl Rule for ExternalResourceAccess {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("external-resource-access")
    }

    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        resource::report(self.doc(), cx, view, Class::External, out);
    }
}
