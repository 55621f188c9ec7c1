//! A resource policy tenantguard cannot read, or one naming a principal it cannot tie to an
//! account: reported, never taken as harmless.

use serde_json::json;

use crate::finding::{Finding, Subject};
use crate::rules::resource::{self, Class};
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc};

pub struct UnresolvedResourcePolicy;

impl Rule for UnresolvedResourcePolicy {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("unresolved-resource-policy")
    }

    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        resource::report(self.doc(), cx, view, Class::Unresolved, out);
        let account = view.inventory.account_id.as_str();
        for rv in &view.resources {
            let Some(Err(error)) = &rv.analysis else {
                continue;
            };
            let res = rv.resource;
            let name = res.arn.rsplit([':', '/']).next().unwrap_or(&res.arn);
            out.push(Finding::new(
                self.doc(),
                Subject {
                    account: account.to_owned(),
                    region: Some(rv.region.to_owned()),
                    tenant: view.owner.tenant().map(str::to_owned),
                    resource: res.arn.clone(),
                    kind_path: format!("{}/{name}", res.kind.segment()),
                },
                format!(
                    "the policy of {} `{name}` of {} cannot be read: {error}",
                    res.kind.noun(),
                    cx.tenants.describe(account)
                ),
                json!({"resource": res.arn, "error": error.to_string(), "policy": res.policy}),
            ));
        }
    }
}
