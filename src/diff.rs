//! What changed between two inventories that matters for isolation: the reviewer's evidence
//! of what a change did. Trusts are compared as resolved grants, not as policy text, so a
//! reformatted policy is no change and a new principal is.

use std::collections::BTreeSet;

use crate::config::Config;
use crate::inventory::Inventory;
use crate::rules::{AccountView, SharedAnalyses};
use crate::tenants::TenantMap;

/// Every isolation-relevant fact of an inventory, as readable lines.
fn facts(inv: &Inventory, config: &Config) -> BTreeSet<String> {
    let tenants = TenantMap::new(&inv.organization, config);
    let mut out = BTreeSet::new();
    for a in &inv.organization.accounts {
        out.insert(format!(
            "account {} ({}) is in `{}`",
            a.id,
            a.name,
            tenants.tree.name_path(&a.parent_id)
        ));
        out.insert(format!(
            "account {} belongs to {}",
            a.id,
            tenants.describe(&a.id)
        ));
    }
    for p in &inv.organization.policies {
        for t in &p.targets {
            out.insert(format!("SCP `{}` ({}) is attached to {t}", p.name, p.id));
        }
    }
    for account in &inv.accounts {
        let shared = SharedAnalyses::none();
        for (role, analysis) in AccountView::new(account, &tenants, &shared).roles {
            match analysis.as_ref() {
                Ok(analysis) => {
                    for g in &analysis.grants {
                        let who = serde_json::to_string(&g.trustee).unwrap_or_default();
                        out.insert(format!("role {} trusts {who}", role.arn));
                    }
                }
                Err(e) => {
                    out.insert(format!(
                        "role {} has an unreadable trust policy ({e})",
                        role.arn
                    ));
                }
            }
        }
        for region in &account.regions {
            for pcx in &region.peering_connections {
                out.insert(format!(
                    "peering {} ({}) joins {}/{} and {}/{}",
                    pcx.id,
                    pcx.status,
                    pcx.requester.account_id,
                    pcx.requester.vpc_id,
                    pcx.accepter.account_id,
                    pcx.accepter.vpc_id
                ));
            }
        }
    }
    out
}

/// `+ fact` for what the new inventory has and the old did not, `- fact` for the reverse.
pub fn diff(old: &Inventory, new: &Inventory, config: &Config) -> Vec<String> {
    let (before, after) = (facts(old, config), facts(new, config));
    let mut out: Vec<String> = before
        .difference(&after)
        .map(|f| format!("- {f}"))
        .collect();
    out.extend(after.difference(&before).map(|f| format!("+ {f}")));
    out.sort_by(|a, b| a[2..].cmp(&b[2..]).then(a.cmp(b)));
    out
}
