//! A complete cross-tenant path: a role of one tenant whose trust policy admits a principal of
//! another tenant, *and* a role of that other tenant whose identity policy allows it to
//! assume the first. Either half alone is reported by its own rule; both together are a
//! working path today, not one that needs a further change.
//!
//! The caller's half is read from identity policies as AWS evaluates them, including `*`,
//! `arn:aws:iam::*:role/*`, `NotAction` and `NotResource` grants: a broad grant names no one
//! on its own (and is not reported alone), but it completes the path a trust policy opens.

use serde_json::{Value, json};

use crate::finding::Finding;
use crate::inventory::Role;
use crate::policy::identity::allows_assume;
use crate::policy::{Grant, Trustee, pattern};
use crate::rules::trust;
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc};
use crate::tenants::Owner;

pub struct CrossTenantPath;

impl Rule for CrossTenantPath {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("cross-tenant-path")
    }

    /// Only grants that name accounts are followed (accounts, OU paths, account patterns
    /// matching known accounts); organization-wide and any-account grants are reported by
    /// their own rules, and following them would list every administrator of every tenant.
    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        let Owner::Tenant(tenant) = &view.owner else {
            return;
        };
        trust::each_grant(cx, view, |role, analysis, grant, reach| {
            for account in trust::named_accounts(&reach) {
                let other = match cx.tenants.owner(account) {
                    Owner::Tenant(t) => t != *tenant,
                    Owner::Unmapped => true,
                    _ => false,
                };
                let Some(source) = cx.accounts.get(account.as_str()).filter(|_| other) else {
                    continue;
                };
                let callers: Vec<Value> = source
                    .roles
                    .iter()
                    .filter(|caller| admitted(grant, caller))
                    .flat_map(|caller| {
                        trust::identity_policies(caller).filter_map(|(policy, document)| {
                            let statement = allows_assume(document, &role.arn).ok()??;
                            Some(json!({"role": caller.arn, "policy": policy, "statement": statement}))
                        })
                    })
                    .collect();
                let Some(first) = callers.first() else {
                    continue;
                };
                let what = format!(
                    "can be assumed from {} today: its trust policy admits that account and role `{}` there is allowed to assume it{}",
                    cx.tenants.describe(account),
                    first["role"].as_str().unwrap_or_default(),
                    if callers.len() > 1 {
                        format!(" ({} grants in all)", callers.len())
                    } else {
                        String::new()
                    }
                );
                let message = format!(
                    "role `{}` of {} {what}",
                    role.name,
                    trust::owner_phrase(cx, view)
                );
                let evidence = json!({
                    "role": role.arn,
                    "trust": trust::evidence(role, analysis, grant),
                    "callers": callers,
                });
                out.push(
                    Finding::new(
                        self.doc(),
                        trust::role_subject(view, role),
                        message,
                        evidence,
                    )
                    .with_counterpart(trust::account_counterpart(cx, account))
                    .with_actions(["sts:AssumeRole"]),
                );
            }
        });
    }
}

/// Whether the grant's trustee admits `caller` (a role of the trustee's account): the whole
/// account admits all its roles; a role ARN or ARN pattern admits the roles it matches; an
/// `assumed-role` session ARN admits the role it names.
fn admitted(grant: &Grant, caller: &Role) -> bool {
    let principal = match &grant.trustee {
        Trustee::Account { principal, .. } => principal,
        Trustee::AccountPattern { .. } | Trustee::OrgPath { .. } => return true,
        _ => return false,
    };
    if principal == "root" {
        return true;
    }
    let parts: Vec<&str> = principal.splitn(6, ':').collect();
    match parts.get(5) {
        Some(resource) if parts[2] == "sts" => resource
            .strip_prefix("assumed-role/")
            .and_then(|r| r.split('/').next())
            .is_some_and(|name| pattern::matches(name, &caller.name)),
        Some(_) => pattern::arn_matches(principal, &caller.arn),
        None => false,
    }
}
