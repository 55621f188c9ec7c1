//! A complete cross-tenant path: a role of one tenant whose trust policy admits a principal of
//! another tenant, *and* a role of that other tenant whose identity policy allows it to
//! assume the first. Either half alone is reported by its own rule; both together are a
//! working path today, not one that needs a further change.
//!
//! The caller's half is read from identity policies as AWS evaluates them, including `*`,
//! `arn:aws:iam::*:role/*`, `NotAction` and `NotResource` grants: a broad grant names no one
//! on its own (and is not reported alone), but it completes the path a trust policy opens.
//!
//! Callers are the other tenant's roles and IAM users (a user's policies are its own and its
//! groups'). A caller that is the `AWSReservedSSO_*` role of an Identity Center permission set
//! is tied back to the permission set and the groups and users assigned it on that account:
//! the people who walk the path.

use serde_json::{Value, json};

use crate::finding::Finding;
use crate::policy::identity::allows_assume;
use crate::policy::{Grant, Trustee, pattern};
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc};
use crate::rules::{human, trust};
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
            for account in trust::named_accounts(reach) {
                let other = match cx.tenants.owner(account) {
                    Owner::Tenant(t) => t != *tenant,
                    Owner::Unmapped => true,
                    _ => false,
                };
                let Some(source) = cx.accounts.get(account.as_str()).filter(|_| other) else {
                    continue;
                };
                let roles = source
                    .roles
                    .iter()
                    .filter(|c| admitted(grant, &c.name, &c.arn));
                let mut callers: Vec<Value> = roles
                    .flat_map(|caller| {
                        let people = human::provisioned_from(cx, account, caller);
                        trust::identity_policies(caller).filter_map(move |(policy, document)| {
                            let statement = allows_assume(document, &role.arn).ok()??;
                            let mut found = json!({"role": caller.arn, "policy": policy, "statement": statement});
                            if let Some(people) = &people {
                                found["identity_center"] = people.clone();
                            }
                            Some(found)
                        })
                    })
                    .collect();
                let users = source
                    .users
                    .iter()
                    .flat_map(|u| u.users.iter().map(move |user| (u, user)));
                for (all, user) in users.filter(|(_, u)| admitted(grant, &u.name, &u.arn)) {
                    for (policy, document) in trust::user_policies(all, user) {
                        if let Some(statement) = allows_assume(document, &role.arn).ok().flatten() {
                            callers.push(json!({
                                "user": user.arn,
                                "policy": policy,
                                "statement": statement,
                                "credentials": user.credentials,
                            }));
                        }
                    }
                }
                let Some(first) = callers.first() else {
                    continue;
                };
                let caller = match (first["role"].as_str(), first["user"].as_str()) {
                    (Some(arn), _) => match first.get("identity_center") {
                        Some(ic) => format!(
                            "role `{arn}` there (permission set `{}` of IAM Identity Center) is allowed to assume it",
                            ic["permission_set"].as_str().unwrap_or_default()
                        ),
                        None => format!("role `{arn}` there is allowed to assume it"),
                    },
                    (None, Some(arn)) => format!("IAM user `{arn}` there is allowed to assume it"),
                    _ => String::new(),
                };
                let what = format!(
                    "can be assumed from {} today: its trust policy admits that account and {caller}{}",
                    cx.tenants.describe(account),
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

/// Whether the grant's trustee admits the principal `name` / `arn` of the trustee's account
/// (a role or a user): the whole account admits all of them; an ARN or ARN pattern admits the
/// principals it matches; an `assumed-role` session ARN admits the role it names.
fn admitted(grant: &Grant, name: &str, arn: &str) -> bool {
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
        Some(resource) if parts[2] == "sts" => {
            arn.contains(":role/")
                && resource
                    .strip_prefix("assumed-role/")
                    .and_then(|r| r.split('/').next())
                    .is_some_and(|role| pattern::matches(role, name))
        }
        Some(_) => pattern::arn_matches(principal, arn),
        None => false,
    }
}
