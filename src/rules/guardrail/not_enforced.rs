//! A guardrail declared by effect does not hold for a tenant account: some action it must
//! deny is not denied by the SCPs in effect on the account's path.

use rayon::prelude::*;
use serde_json::json;

use super::{Judged, judgments, localized, path, scps_on_path, tenant_accounts};
use crate::finding::{Finding, Subject};
use crate::rules::{Context, Rule, RuleDoc, rule_doc};

pub struct GuardrailNotEnforced;

impl Rule for GuardrailNotEnforced {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("guardrail-not-enforced")
    }

    /// One finding per account and guardrail, naming every action left open and why: no
    /// Deny on the path, a Deny that exempts a pattern of principals (every role, a tag), one
    /// that applies only under a condition or to some resources, or a policy that could not
    /// be read (which is never taken as denying).
    fn check_organization(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let org = &cx.inventory.organization;
        if org.status.failure().is_some() {
            return; // `not-scanned` reports it: unread policies are not missing guardrails.
        }
        let found: Vec<Finding> = tenant_accounts(cx)
            .par_iter()
            .flat_map_iter(|(account, tenant)| {
                let mut found = Vec::new();
                let judged = judgments(cx, account);
                for (guardrail, (deny, _)) in cx.config.guardrails.iter().zip(&judged.judged) {
                    if guardrail.deny.is_empty() || deny.iter().all(|j| j.verdict.is_denied()) {
                        continue;
                    }
                    let deny = localized(deny, &judged, guardrail, account);
                    let open: Vec<&Judged> =
                        deny.iter().filter(|j| !j.verdict.is_denied()).collect();
                    let path = path(cx, account);
                    let reasons = if super::scps_enabled(&org.roots) {
                        reasons(&open)
                    } else {
                        vec!["SCPs are not enabled in the organization (the root's policy types do not list SERVICE_CONTROL_POLICY), so no SCP applies".to_owned()]
                    };
                    let message = format!(
                        "guardrail `{}` does not hold for account {account} of tenant `{tenant}`: {}",
                        guardrail.name,
                        reasons.join("; ")
                    );
                    found.push(
                        Finding::new(
                            self.doc(),
                            Subject {
                                account: account.to_string(),
                                region: None,
                                tenant: Some(tenant.clone()),
                                resource: format!(
                                    "arn:aws:organizations::{}:account/{}/{account}",
                                    org.management_account_id, org.id
                                ),
                                kind_path: format!("organizations/guardrail/{}", guardrail.name),
                            },
                            message,
                            json!({
                                "guardrail": guardrail.name,
                                "description": guardrail.description,
                                "path": path,
                                "scps_on_path": scps_on_path(&cx.controls, &path),
                                "actions": deny,
                            }),
                        )
                        .with_key(guardrail.name.as_str()),
                    );
                }
                found
            })
            .collect();
        out.extend(found);
    }
}

/// Why the actions are not denied, actions with the same reason together.
fn reasons(open: &[&Judged]) -> Vec<String> {
    let mut grouped: Vec<(String, Vec<&str>)> = Vec::new();
    for j in open {
        let why = super::verdict_text(&j.verdict);
        match grouped.iter_mut().find(|(w, _)| *w == why) {
            Some((_, actions)) => actions.push(&j.action),
            None => grouped.push((why, vec![&j.action])),
        }
    }
    grouped
        .into_iter()
        .map(|(why, actions)| {
            let named: Vec<String> = actions.iter().map(|a| format!("`{a}`")).collect();
            format!("{}: {why}", named.join(", "))
        })
        .collect()
}
