//! A guardrail SCP the configuration requires is not in effect for a tenant account.

use serde_json::json;

use crate::finding::{Finding, Subject};
use crate::inventory::AccountStatus;
use crate::rules::{Context, Rule, RuleDoc, rule_doc};
use crate::tenants::Owner;

pub struct RequiredScpMissing;

impl Rule for RequiredScpMissing {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("required-scp-missing")
    }

    /// An SCP is in effect for an account when it is attached to the account, to an OU on
    /// its path, or to the root. The management account is exempt: SCPs never apply to it.
    fn check_organization(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let org = &cx.inventory.organization;
        if org.status.failure().is_some() {
            return; // `not-scanned` reports it; absent data is not a missing guardrail.
        }
        for account in org
            .accounts
            .iter()
            .filter(|a| a.status == AccountStatus::Active)
        {
            let Owner::Tenant(tenant) = cx.tenants.owner(&account.id) else {
                continue;
            };
            let mut path = cx.tenants.tree.ancestors(&account.id);
            path.push(&account.id);
            for required in &cx.config.required_scps {
                let policies: Vec<_> = org
                    .policies
                    .iter()
                    .filter(|p| p.is_required_scp(required))
                    .collect();
                if policies
                    .iter()
                    .any(|p| p.targets.iter().any(|t| path.contains(&t.as_str())))
                {
                    continue;
                }
                let why = if policies.is_empty() {
                    "no SCP of that name or id exists in the organization".to_owned()
                } else {
                    format!(
                        "it is not attached to the account, its OUs or the root ({})",
                        path.join(" > ")
                    )
                };
                let message = format!(
                    "required SCP `{required}` is not in effect for account {} of tenant `{tenant}`: {why}",
                    account.id
                );
                out.push(Finding::new(
                    self.doc(),
                    Subject {
                        account: account.id.clone(),
                        region: None,
                        tenant: Some(tenant.clone()),
                        resource: format!(
                            "arn:aws:organizations::{}:account/{}/{}",
                            org.management_account_id, org.id, account.id
                        ),
                        kind_path: format!("organizations/scp/{required}"),
                    },
                    message,
                    json!({"required_scp": required, "path": path, "matching_policies": policies.iter().map(|p| json!({"id": p.id, "name": p.name, "targets": p.targets})).collect::<Vec<_>>()}),
                )
                // One finding per missing guardrail: a second one going missing is new.
                .with_key(required.as_str()));
            }
        }
    }
}
