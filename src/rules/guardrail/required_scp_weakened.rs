//! A required SCP is attached on a tenant account's path, but its Deny statements exempt
//! principals a tenant's administrator can create or become (a pattern of role names, a tag):
//! attached by name, it does not do what it is required for. A Deny scoped to some
//! principals by a positive test (the root user) denies what it was written to deny.

use serde_json::json;

use super::{on_resource_of, path, principal_of, tenant_accounts};
use crate::finding::{Finding, Subject};
use crate::policy::Scope;
use crate::policy::control::{self, Qualifier};
use crate::policy::document::Effect;
use crate::rules::guardrail::describe;
use crate::rules::{Context, Rule, RuleDoc, rule_doc};

pub struct RequiredScpWeakened;

impl Rule for RequiredScpWeakened {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("required-scp-weakened")
    }

    /// A named exemption (one pipeline role by ARN) is a design choice and not reported; a
    /// condition about the request (region, resource) or a positive principal test is the
    /// policy's scope, not a weakness. What is reported is a Deny whose negated principal
    /// conditions leave out principals a tenant administrator can create or become.
    fn check_organization(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let org = &cx.inventory.organization;
        if org.status.failure().is_some() {
            return;
        }
        for (account, tenant) in tenant_accounts(cx) {
            let path = path(cx, account);
            let request = on_resource_of(cx, principal_of(cx, account), account);
            let org_path = cx.tenants.tree.org_path(account);
            let scope = Scope {
                partition: "aws",
                account,
                organization_id: &org.id,
                org_path: Some(&org_path),
                collected_at: None,
                members: None,
            };
            for required in &cx.config.required_scps {
                for policy in org.policies.iter().filter(|p| {
                    p.is_required_scp(required)
                        && p.targets.iter().any(|t| path.contains(&t.as_str()))
                }) {
                    let Some(Ok(statements)) = cx.controls.parsed(&policy.id) else {
                        continue; // `guardrail-not-enforced` reports unreadable SCPs.
                    };
                    let weak: Vec<(serde_json::Value, Vec<Qualifier>)> = statements
                        .iter()
                        .filter(|s| s.effect == Effect::Deny)
                        .filter_map(|s| {
                            let found: Vec<Qualifier> = control::who(s, &request, &scope)?
                                .into_iter()
                                .filter(|q| q.is_self_service_exemption(statements))
                                .collect();
                            (!found.is_empty()).then(|| (s.raw.clone(), found))
                        })
                        .collect();
                    if weak.is_empty() {
                        continue;
                    }
                    let why: Vec<String> = weak
                        .iter()
                        .flat_map(|(_, qs)| qs.iter().map(describe))
                        .collect();
                    out.push(
                        Finding::new(
                            self.doc(),
                            Subject {
                                account: account.to_owned(),
                                region: None,
                                tenant: Some(tenant.clone()),
                                resource: format!(
                                    "arn:aws:organizations::{}:account/{}/{account}",
                                    org.management_account_id, org.id
                                ),
                                kind_path: format!("organizations/scp/{required}"),
                            },
                            format!(
                                "required SCP `{}` is attached for account {account} of tenant `{tenant}` but denies only {}",
                                policy.name,
                                why.join("; ")
                            ),
                            json!({
                                "required_scp": required,
                                "policy": {"id": policy.id, "name": policy.name, "targets": policy.targets},
                                "weakened_statements": weak.iter().map(|(s, q)| json!({"statement": s, "qualifiers": q})).collect::<Vec<_>>(),
                            }),
                        )
                        .with_key(required.as_str()),
                    );
                }
            }
        }
    }
}
