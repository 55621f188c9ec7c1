//! A trust policy that could not be read. Whoever it admits is unknown, so the role is
//! reported rather than passed.

use serde_json::json;

use crate::finding::Finding;
use crate::rules::trust;
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc};

pub struct UnreadablePolicy;

impl Rule for UnreadablePolicy {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("unreadable-policy")
    }

    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        for (role, analysis) in &view.roles {
            let Err(error) = analysis.as_ref() else {
                continue;
            };
            let message = format!(
                "trust policy of role `{}` of {} cannot be read: {error}",
                role.name,
                trust::owner_phrase(cx, view)
            );
            let evidence = json!({
                "role": role.arn,
                "error": error.to_string(),
                "document": role.trust_policy,
            });
            out.push(Finding::new(
                self.doc(),
                trust::role_subject(view, role),
                message,
                evidence,
            ));
        }
    }
}
