//! An AWS RAM share owned by a tenant account that gives another tenant access to the
//! tenant's resource: a principal that is another tenant's (or an unmapped) account, an OU
//! holding one, or the whole organization, which holds every tenant. A platform account's
//! share with the organization (a transit gateway, a prefix list) is the usual design and not
//! by itself a finding; a platform share of one subnet with two or more tenants is, since
//! it puts them in one network.

use std::collections::BTreeSet;

use serde_json::json;

use super::{Zone, principal_account, zone};
use crate::finding::{Counterpart, Finding, Subject};
use crate::inventory::ResourceShare;
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc, trust};

pub struct CrossTenantRamShare;

/// Who a RAM principal stands for, as far as the organization tells.
pub enum Principal {
    Account(String),
    /// An OU of this organization, with the accounts under it.
    Ou {
        id: String,
        accounts: Vec<String>,
    },
    /// This organization: every account.
    Organization,
    /// An OU or organization ARN of another organization.
    OtherOrganization(String),
    /// A service principal or a form not tied to an account.
    Other,
}

/// Reads a principal of a share: an account id, an IAM ARN, or an Organizations ARN
/// (`arn:aws:organizations::<mgmt>:organization/o-x`, `...:ou/o-x/ou-y`).
pub fn principal(cx: &Context<'_>, value: &str) -> Principal {
    if let Some(account) = principal_account(value) {
        return Principal::Account(account);
    }
    let org = &cx.inventory.organization.id;
    let Some(resource) = value
        .strip_prefix("arn:")
        .and_then(|r| r.splitn(5, ':').nth(4))
        .filter(|_| value.contains(":organizations::"))
    else {
        return Principal::Other;
    };
    let mut parts = resource.split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("organization"), Some(id), None) if id == org => Principal::Organization,
        (Some("ou"), Some(id), Some(ou)) if id == org => Principal::Ou {
            id: ou.to_owned(),
            accounts: cx
                .tenants
                .accounts()
                .into_iter()
                .filter(|a| cx.tenants.tree.ancestors(a).contains(&ou))
                .map(str::to_owned)
                .collect(),
        },
        (Some("organization" | "ou"), Some(id), _) => Principal::OtherOrganization(id.to_owned()),
        _ => Principal::Other,
    }
}

impl Rule for CrossTenantRamShare {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("cross-tenant-ram-share")
    }

    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        let own = zone(cx, &view.inventory.account_id);
        for region in &view.inventory.regions {
            for share in region.resource_shares.iter().filter(|s| live(&s.status)) {
                match &own {
                    Zone::Tenant(_) | Zone::Unmapped(_) => {
                        tenant_share(self.doc(), cx, view, &own, &region.region, share, out)
                    }
                    Zone::Platform => {
                        platform_share(self.doc(), cx, view, &region.region, share, out)
                    }
                    Zone::Outside(_) => {}
                }
            }
        }
    }
}

fn live(status: &str) -> bool {
    !matches!(status, "DELETED" | "DELETING" | "FAILED")
}

/// The zones other than `own` (and the platform's) that a principal reaches.
fn others(cx: &Context<'_>, own: &Zone, accounts: &[String]) -> BTreeSet<Zone> {
    accounts
        .iter()
        .map(|a| zone(cx, a))
        .filter(|z| z != own && *z != Zone::Platform && !matches!(z, Zone::Outside(_)))
        .collect()
}

fn tenant_share(
    doc: &'static RuleDoc,
    cx: &Context<'_>,
    view: &AccountView<'_>,
    own: &Zone,
    region: &str,
    share: &ResourceShare,
    out: &mut Vec<Finding>,
) {
    for p in &share.principals {
        let (counterpart, who) = match principal(cx, p) {
            Principal::Account(a) => {
                if others(cx, own, std::slice::from_ref(&a)).is_empty() {
                    continue;
                }
                (trust::account_counterpart(cx, &a), cx.tenants.describe(&a))
            }
            Principal::Ou { id, accounts } => {
                let reached = others(cx, own, &accounts);
                if reached.is_empty() {
                    continue;
                }
                let names: Vec<String> = reached.iter().map(|z| z.describe(cx)).collect();
                (
                    Counterpart::described(format!("OU {id}")),
                    format!("OU `{id}`, which holds {},", and_list(&names)),
                )
            }
            Principal::Organization => (
                Counterpart::described(format!("organization {}", cx.inventory.organization.id)),
                "the whole organization (every tenant included)".to_owned(),
            ),
            Principal::OtherOrganization(_) | Principal::Other => continue,
        };
        out.push(report(
            doc,
            cx,
            view,
            region,
            share,
            p,
            counterpart,
            format!("gives {who} access to"),
        ));
    }
}

/// A platform share is reported only when one shared subnet reaches two or more tenants.
fn platform_share(
    doc: &'static RuleDoc,
    cx: &Context<'_>,
    view: &AccountView<'_>,
    region: &str,
    share: &ResourceShare,
    out: &mut Vec<Finding>,
) {
    if !share
        .resources
        .iter()
        .any(|r| r.resource_type.eq_ignore_ascii_case("ec2:Subnet"))
    {
        return;
    }
    let mut reached: BTreeSet<Zone> = BTreeSet::new();
    for p in &share.principals {
        let accounts = match principal(cx, p) {
            Principal::Account(a) => vec![a],
            Principal::Ou { accounts, .. } => accounts,
            Principal::Organization => cx
                .tenants
                .accounts()
                .into_iter()
                .map(str::to_owned)
                .collect(),
            _ => continue,
        };
        reached.extend(others(cx, &Zone::Platform, &accounts));
    }
    if reached.len() < 2 {
        return;
    }
    let names: Vec<String> = reached.iter().map(|z| z.describe(cx)).collect();
    let what = format!(
        "puts {} in one network by sharing the same subnet(s) with them; it gives them access to",
        names.join(", ")
    );
    out.push(report(
        doc,
        cx,
        view,
        region,
        share,
        &share.principals.join(", "),
        Counterpart::described(format!("{} tenants", reached.len())),
        what,
    ));
}

#[allow(clippy::too_many_arguments)]
pub fn report(
    doc: &'static RuleDoc,
    cx: &Context<'_>,
    view: &AccountView<'_>,
    region: &str,
    share: &ResourceShare,
    principal: &str,
    counterpart: Counterpart,
    what: String,
) -> Finding {
    let resources: Vec<String> = share
        .resources
        .iter()
        .map(|r| format!("{} `{}`", r.resource_type, r.arn))
        .collect();
    Finding::new(
        doc,
        Subject {
            account: view.inventory.account_id.clone(),
            region: Some(region.to_owned()),
            tenant: view.owner.tenant().map(str::to_owned),
            resource: share.arn.clone(),
            kind_path: format!("ram/resource-share/{}", share.name),
        },
        format!(
            "RAM share `{}` of {} {what} {}",
            share.name,
            cx.tenants.describe(&view.inventory.account_id),
            if resources.is_empty() {
                "its resources".to_owned()
            } else {
                resources.join(", ")
            }
        ),
        json!({"share": share.arn, "name": share.name, "status": share.status, "allow_external_principals": share.allow_external_principals, "principal": principal, "principals": share.principals, "resources": share.resources}),
    )
    .with_counterpart(counterpart)
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
