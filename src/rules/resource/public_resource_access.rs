//! A resource policy admits any AWS account (`*`, or a wildcard no condition narrows).

use crate::finding::Finding;
use crate::rules::resource::{self, Class};
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc};

pub struct PublicResourceAccess;

impl Rule for PublicResourceAccess {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("public-resource-access")
    }

    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        resource::report(self.doc(), cx, view, Class::Public, out);
    }
}
