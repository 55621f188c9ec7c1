//! A resource policy admits an AWS service without a source condition: any account's use of that service reaches the resource.

use crate::finding::Finding;
use crate::rules::resource::{self, Class};
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc};

pub struct ServiceWithoutSource;

impl Rule for ServiceWithoutSource {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("service-principal-without-source")
    }

    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        resource::report(self.doc(), cx, view, Class::ServiceWithoutSource, out);
    }
}
