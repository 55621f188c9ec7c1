//! The outbound half of a cross-tenant path: a role of one tenant whose identity policy
//! allows it to assume roles in another tenant's account. Whether the other side's trust
//! policy lets it in is `cross-tenant-trust`'s question; this one finds the intent.

use serde_json::json;

use crate::finding::Finding;
use crate::policy::Scope;
use crate::policy::identity::assume_targets;
use crate::rules::trust;
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc};
use crate::tenants::Owner;

pub struct CrossTenantAssumePermission;

impl Rule for CrossTenantAssumePermission {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("cross-tenant-assume-permission")
    }

    /// An identity policy that cannot be read is left to review, not reported here: it
    /// grants permissions in the tenant's own account, and the trust side is checked anyway.
    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        let Owner::Tenant(tenant) = &view.owner else {
            return;
        };
        for (role, _) in &view.roles {
            for (policy, document) in trust::identity_policies(role) {
                let partition = Scope::of_arn(&role.arn, "", "", None).partition;
                for target in assume_targets(document, partition).unwrap_or_default() {
                    let other = match cx.tenants.owner(&target.account) {
                        Owner::Tenant(t) if t != *tenant => true,
                        Owner::Unmapped => true,
                        _ => false,
                    };
                    if !other {
                        continue;
                    }
                    let message = format!(
                        "role `{}` of {} may assume `{}` of {} (policy `{policy}`)",
                        role.name,
                        trust::owner_phrase(cx, view),
                        target.resource,
                        cx.tenants.describe(&target.account)
                    );
                    let evidence =
                        json!({"role": role.arn, "policy": policy, "statement": target.statement});
                    out.push(
                        Finding::new(
                            self.doc(),
                            trust::role_subject(view, role),
                            message,
                            evidence,
                        )
                        .with_counterpart(trust::account_counterpart(cx, &target.account)),
                    );
                }
            }
        }
    }
}
