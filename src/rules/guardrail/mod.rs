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

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

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

/// Every guardrail judged for one account (or for the first account of its class), in
/// `config.guardrails` order.
pub struct Judgments {
    /// The account they were judged for.
    pub account: String,
    /// (deny, allow) per guardrail.
    pub judged: Vec<(Vec<Judged>, Vec<Judged>)>,
}

/// Guardrail verdicts shared by the accounts that cannot differ, computed once per
/// evaluation for both guardrail rules. Two accounts under the same OUs with the same SCPs
/// of their own (AWS attaches `FullAWSAccess` to every account) are judged by the same
/// policies; their requests differ only in the account id, and a verdict depends on that id
/// only where a policy names it. So accounts are grouped by OU path and own SCPs, except an
/// account some SCP names (a 12-digit run in its text), and nothing is shared when an SCP
/// holds a wildcard next to digits (`21*`: a pattern of account ids). At 10,000 tenant
/// accounts in a few OUs that is a few judgments instead of 10,000.
#[derive(Default)]
pub struct Memo {
    classes: Mutex<HashMap<String, Arc<Judgments>>>,
    /// `None`: nothing may be shared; else the account ids the SCPs name.
    named: OnceLock<Option<HashSet<String>>>,
}

/// `account`'s guardrails judged: shared with its class, or its own. What a finding quotes
/// from them must be [`localized`] to the account first.
pub fn judgments(cx: &Context<'_>, account: &str) -> Arc<Judgments> {
    let compute = || {
        Arc::new(Judgments {
            account: account.to_owned(),
            judged: cx
                .config
                .guardrails
                .iter()
                .map(|g| judge_guardrail(cx, &cx.controls, account, g))
                .collect(),
        })
    };
    let Some(class) = class_of(cx, account) else {
        return compute();
    };
    let memo = &cx.guardrail_memo;
    if let Some(found) = memo.classes.lock().expect("not poisoned").get(&class) {
        return found.clone();
    }
    let judged = compute();
    memo.classes
        .lock()
        .expect("not poisoned")
        .entry(class)
        .or_insert(judged)
        .clone()
}

/// A class's judgments of one guardrail as judged for `account`: the resource is the
/// account's own, and a citation of the class's account-level SCP names `account`.
pub fn localized(
    judged: &[Judged],
    of: &Judgments,
    guardrail: &Guardrail,
    account: &str,
) -> Vec<Judged> {
    let resource = guardrail.resource.replace("{account}", account);
    let target = |t: &mut String| {
        if *t == of.account {
            *t = account.to_owned();
        }
    };
    judged
        .iter()
        .map(|j| {
            let mut verdict = j.verdict.clone();
            match &mut verdict {
                Verdict::Denied { by } | Verdict::DeniedExcept { by, .. } => target(&mut by.target),
                Verdict::NotAllowed { target: t } => target(t),
                Verdict::NotDenied {
                    partial,
                    unreadable,
                } => {
                    partial.iter_mut().for_each(|p| target(&mut p.cite.target));
                    unreadable.iter_mut().for_each(|u| target(&mut u.target));
                }
            }
            Judged {
                action: j.action.clone(),
                resource: resource.clone(),
                verdict,
            }
        })
        .collect()
}

fn class_of(cx: &Context<'_>, account: &str) -> Option<String> {
    let named = cx
        .guardrail_memo
        .named
        .get_or_init(|| named_accounts(cx.controls.texts(PolicyKind::ServiceControlPolicy)))
        .as_ref()?;
    if named.contains(account) {
        return None;
    }
    let own: Vec<&str> = cx
        .controls
        .levels(&[account], PolicyKind::ServiceControlPolicy)
        .into_iter()
        .flat_map(|l| l.policies.into_iter().map(|p| p.id))
        .collect();
    Some(format!(
        "{}|{}",
        cx.tenants.tree.ancestors(account).join("/"),
        own.join(",")
    ))
}

/// The 12-digit runs in `texts`; `None` when a run of digits touches a wildcard.
fn named_accounts(texts: impl Iterator<Item = String>) -> Option<HashSet<String>> {
    let mut named = HashSet::new();
    for text in texts {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if !bytes[i].is_ascii_digit() {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            let wild = |b: Option<&u8>| matches!(b, Some(b'*' | b'?'));
            if wild(start.checked_sub(1).and_then(|s| bytes.get(s))) || wild(bytes.get(i)) {
                return None;
            }
            if i - start == 12 {
                named.insert(text[start..i].to_owned());
            }
        }
    }
    Some(named)
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

#[cfg(test)]
mod tests {
    use super::named_accounts;

    #[test]
    fn accounts_named_by_scps_are_not_shared_and_digit_patterns_share_nothing() {
        let texts = |t: &[&str]| {
            t.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .into_iter()
        };
        let named = named_accounts(texts(&[
            r#"{"Condition":{"StringNotEquals":{"aws:PrincipalAccount":["111122223333"]}}}"#,
            r#"{"Resource":"arn:aws:iam::*:role/x","Sid":"2024"}"#,
        ]))
        .unwrap();
        assert_eq!(named.into_iter().collect::<Vec<_>>(), ["111122223333"]);
        // A pattern of account ids (`2100*`) decides per account: nothing is shared.
        assert!(named_accounts(texts(&[r#"{"aws:PrincipalAccount":"2100*"}"#])).is_none());
        assert!(named_accounts(texts(&[r#"{"x":"arn:aws:iam::*1:root"}"#])).is_none());
    }
}
