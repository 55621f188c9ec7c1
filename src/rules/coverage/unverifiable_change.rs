//! A planned change whose effect on isolation cannot be known before apply: a policy known
//! only after apply that cannot be rebuilt, an account no provider setting names. The gate
//! says it cannot tell; it never passes such a change as clean.

use serde_json::json;

use crate::finding::{Counterpart, Finding, Subject};
use crate::rules::{Context, Rule, RuleDoc, rule_doc};

pub struct UnverifiableChange;

impl Rule for UnverifiableChange {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("unverifiable-change")
    }

    fn check_organization(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let org = &cx.inventory.organization;
        for change in &cx.inventory.unverifiable_changes {
            let mut finding = Finding::new(
                self.doc(),
                Subject {
                    account: org.management_account_id.clone(),
                    region: None,
                    tenant: None,
                    resource: change.address.clone(),
                    kind_path: format!("terraform/{}", change.address),
                },
                format!(
                    "planned change `{}` ({}) cannot be verified: {}",
                    change.address, change.resource_type, change.reason
                ),
                json!({"address": change.address, "resource_type": change.resource_type, "reason": change.reason}),
            )
            .with_counterpart(Counterpart::described("unknown until apply"));
            finding.location = change.address.clone();
            out.push(finding);
        }
    }
}
