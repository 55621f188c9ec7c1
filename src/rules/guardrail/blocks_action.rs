//! The SCPs on a tenant account's path allow an action nowhere along it: an allow-list
//! strategy with a gap. Information, not a breach: a guardrail's `deny` action blocked this
//! way still holds, and an `allow` action blocked this way stops the tenant's own work.

use rayon::prelude::*;
use serde_json::json;

use super::{Judged, judgments, localized, path, scps_on_path, tenant_accounts};
use crate::finding::{Finding, Subject};
use crate::policy::control::Verdict;
use crate::rules::{Context, Rule, RuleDoc, rule_doc};

pub struct GuardrailBlocksAction;

impl Rule for GuardrailBlocksAction {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("guardrail-blocks-action")
    }

    /// One finding per account and guardrail, listing the actions denied only by omission
    /// (nothing at some level allows them) and, for `allow` actions, those denied at all.
    fn check_organization(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let org = &cx.inventory.organization;
        if org.status.failure().is_some() {
            return;
        }
        let found: Vec<Finding> = tenant_accounts(cx)
            .par_iter()
            .flat_map_iter(|(account, tenant)| {
                let mut out = Vec::new();
            let judged = judgments(cx, account);
            for (guardrail, (deny, allow)) in cx.config.guardrails.iter().zip(&judged.judged) {
                let blocks = |j: &Judged, needed: bool| match &j.verdict {
                    Verdict::NotAllowed { .. } => true,
                    Verdict::Denied { .. } | Verdict::DeniedExcept { .. } => needed,
                    Verdict::NotDenied { .. } => false,
                };
                if !deny.iter().any(|j| blocks(j, false)) && !allow.iter().any(|j| blocks(j, true)) {
                    continue;
                }
                let (deny, allow) = (
                    localized(deny, &judged, guardrail, account),
                    localized(allow, &judged, guardrail, account),
                );
                let mut blocked = Vec::new();
                for j in deny.iter().chain(&allow) {
                    if let Verdict::NotAllowed { target } = &j.verdict {
                        blocked.push(format!(
                            "`{}` is allowed by no SCP attached at {target}",
                            j.action
                        ));
                    }
                }
                for j in &allow {
                    if let Verdict::Denied { by } | Verdict::DeniedExcept { by, .. } = &j.verdict {
                        blocked.push(format!(
                            "`{}`, which tenants need, is denied by `{}` at {}",
                            j.action, by.policy, by.target
                        ));
                    }
                }
                if blocked.is_empty() {
                    continue;
                }
                let path = path(cx, account);
                out.push(
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
                        format!(
                            "guardrail `{}` blocks account {account} of tenant `{tenant}` by omission: {}",
                            guardrail.name,
                            blocked.join("; ")
                        ),
                        json!({
                            "guardrail": guardrail.name,
                            "path": path,
                            "scps_on_path": scps_on_path(&cx.controls, &path),
                            "actions": deny.iter().chain(&allow).collect::<Vec<_>>(),
                        }),
                    )
                    .with_key(guardrail.name.as_str()),
                );
            }
                out
            })
            .collect();
        out.extend(found);
    }
}
