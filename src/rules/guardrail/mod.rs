//! The guardrail rules: the organization's own controls (SCPs and RCPs), judged by what they
//! do for each tenant account, and the RCPs that close paths other rules find.
//!
//! Every policy is parsed once per evaluation ([`Controls`]); each question is then a pure
//! call of the policy engine's [`control::judge`] over the levels from the root to the
//! account.

pub mod blocks_action;
pub mod not_enforced;
pub mod rcp;
pub mod required_scp_missing;
pub mod required_scp_weakened;

use serde::Serialize;
use serde_json::{Value, json};

use crate::config::Guardrail;
pub use crate::controls::Controls;
use crate::inventory::PolicyKind;
use crate::policy::Scope;
use crate::policy::control::{self, Qualifier, Question, Verdict};
use crate::policy::request::Request;
use crate::rules::Context;

/// The root, each OU, then the account: where SCPs and RCPs attach on its path.
pub fn path<'a>(cx: &Context<'a>, account: &'a str) -> Vec<&'a str> {
    crate::controls::path(&cx.tenants.tree, account)
}

/// The requests of "some principal of `account`": its account, organization and OU path are
/// known; its name, tags and the rest of the request are not.
pub fn principal_of(cx: &Context<'_>, account: &str) -> Request {
    let tree = &cx.tenants.tree;
    let org_path = tree.is_member(account).then(|| tree.org_path(account));
    crate::controls::principal_of(&cx.inventory.organization.id, account, org_path.as_deref())
}

/// The same requests, made on a resource of `resource_account`.
pub fn on_resource_of(cx: &Context<'_>, request: Request, resource_account: &str) -> Request {
    request
        .value("aws:ResourceAccount", resource_account)
        .value("aws:ResourceOrgID", &cx.inventory.organization.id)
        .value(
            "aws:ResourceOrgPaths",
            &cx.tenants.tree.org_path(resource_account),
        )
}

/// What one guardrail's actions get for one account.
#[derive(Debug, Clone, Serialize)]
pub struct Judged {
    pub action: String,
    pub resource: String,
    #[serde(flatten)]
    pub verdict: Verdict,
}

/// Judges every action of `guardrail` (its `deny` list, then its `allow` list) for the
/// principals of `account`. When SCPs are not enabled in the organization, nothing is denied
/// by them.
pub fn judge_guardrail(
    cx: &Context<'_>,
    controls: &Controls<'_>,
    account: &str,
    guardrail: &Guardrail,
) -> (Vec<Judged>, Vec<Judged>) {
    let path = path(cx, account);
    let levels = controls.levels(&path, PolicyKind::ServiceControlPolicy);
    let request = on_resource_of(cx, principal_of(cx, account), account);
    let org_path = cx.tenants.tree.org_path(account);
    let scope = Scope {
        partition: "aws",
        account,
        organization_id: &cx.inventory.organization.id,
        org_path: Some(&org_path),
        collected_at: None,
        members: None,
    };
    let resource = guardrail.resource.replace("{account}", account);
    let enabled = scps_enabled(cx.inventory.organization.roots.as_slice());
    let judge = |action: &String| Judged {
        action: action.clone(),
        resource: resource.clone(),
        verdict: if enabled {
            control::judge(
                &levels,
                &Question {
                    action,
                    resource: &resource,
                    request: &request,
                    scope: &scope,
                },
            )
        } else {
            Verdict::NotDenied {
                partial: Vec::new(),
                unreadable: Vec::new(),
            }
        },
    };
    (
        guardrail.deny.iter().map(judge).collect(),
        guardrail.allow.iter().map(judge).collect(),
    )
}

/// A verdict in words: `denied by ...`, `denied except ...`, `not denied ...`.
pub fn verdict_text(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Denied { by } => format!("denied by `{}` at {}", by.policy, by.target),
        Verdict::NotAllowed { target } => {
            format!("denied by omission: no SCP attached at {target} allows it")
        }
        Verdict::DeniedExcept { by, exempt } => format!(
            "denied by `{}` at {} except {}",
            by.policy,
            by.target,
            exempt
                .iter()
                .map(|q| match q {
                    Qualifier::Exempts { values, .. } => values.join(", "),
                    other => describe(other),
                })
                .collect::<Vec<_>>()
                .join(" and ")
        ),
        Verdict::NotDenied {
            partial,
            unreadable,
        } => {
            if let Some(u) = unreadable.first() {
                format!(
                    "may be allowed: SCP `{}` at {} could not be read ({})",
                    u.policy, u.target, u.error
                )
            } else if let Some(p) = partial.first() {
                format!(
                    "denied by `{}` at {} only {}",
                    p.cite.policy,
                    p.cite.target,
                    p.qualifiers
                        .iter()
                        .map(describe)
                        .collect::<Vec<_>>()
                        .join(" and ")
                )
            } else {
                "not denied by any SCP on the path".to_owned()
            }
        }
    }
}

pub fn scps_enabled(roots: &[crate::inventory::Root]) -> bool {
    roots
        .iter()
        .all(|r| r.enables(PolicyKind::ServiceControlPolicy))
}

/// The SCPs on an account's path, for evidence: name, id and where attached.
pub fn scps_on_path(controls: &Controls<'_>, path: &[&str]) -> Vec<Value> {
    controls
        .levels(path, PolicyKind::ServiceControlPolicy)
        .iter()
        .flat_map(|l| {
            l.policies
                .iter()
                .map(move |p| json!({"policy": p.name, "id": p.id, "target": l.target}))
        })
        .collect()
}

/// The tenant accounts guardrails are judged for: active, of a tenant, not the management
/// account (SCPs never apply to it).
pub fn tenant_accounts<'a>(cx: &Context<'a>) -> Vec<(&'a str, String)> {
    let org = &cx.inventory.organization;
    org.accounts
        .iter()
        .filter(|a| a.status == crate::inventory::AccountStatus::Active)
        .filter(|a| a.id != org.management_account_id)
        .filter_map(|a| match cx.tenants.owner(&a.id) {
            crate::tenants::Owner::Tenant(t) => Some((a.id.as_str(), t)),
            _ => None,
        })
        .collect()
}

/// Why a Deny may not apply, in words.
pub fn describe(q: &Qualifier) -> String {
    match q {
        Qualifier::Exempts {
            operator,
            key,
            values,
        } => format!(
            "for principals not matching {operator} {key} {} (a pattern the account's own principals can be made to match)",
            values.join(", ")
        ),
        Qualifier::OnlyFor {
            operator,
            key,
            values,
        } => format!(
            "for principals matching {operator} {key} {}",
            values.join(", ")
        ),
        Qualifier::When {
            operator,
            key,
            values,
        } => format!("when {operator} {key} {}", values.join(", ")),
        Qualifier::Resources { resources } => format!("on {}", resources.join(", ")),
        Qualifier::NotResources { resources } => {
            format!("on resources other than {}", resources.join(", "))
        }
        Qualifier::Principals { element } => format!("for the principals {element}"),
    }
}
