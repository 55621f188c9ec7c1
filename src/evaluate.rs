//! Runs every rule over an inventory: a pure function of inventory and configuration,
//! parallel across accounts, with sorted output so two runs print the same bytes.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::config::Config;
use crate::finding::Finding;
use crate::inventory::{AccountStatus, Inventory};
use crate::rules::{AccountView, Context, REGISTRY, SharedAnalyses};
use crate::tenants::TenantMap;
use crate::triage;

pub use crate::evaluation::{AccountCoverage, CoverageState, Evaluation, PlanCoverage};

pub fn evaluate(inventory: &Inventory, config: &Config) -> Evaluation {
    let tenants = TenantMap::new(&inventory.organization, config);
    let cx = Context::new(inventory, &tenants, config);
    let shared = SharedAnalyses::new(inventory);
    let mut findings: Vec<Finding> = inventory
        .accounts
        .par_iter()
        .flat_map_iter(|account| {
            let view = AccountView::new(account, &tenants, &shared);
            let mut out = Vec::new();
            for rule in REGISTRY.iter() {
                rule.check_account(&cx, &view, &mut out);
            }
            out
        })
        .collect();
    for rule in REGISTRY.iter() {
        rule.check_organization(&cx, &mut findings);
    }
    crate::rules::guardrail::rcp::mark_blocked(&cx, &mut findings);
    let findings = triage::triage(merge_duplicates(findings), config);
    let coverage = coverage(inventory, &tenants, &findings);
    Evaluation {
        organization_id: inventory.organization.id.clone(),
        collected_at: inventory.collected_at.clone(),
        findings,
        coverage,
        absent: None,
        plan: None,
    }
}

/// One finding per fingerprint: a role that trusts the same account in two statements is one
/// finding quoting both.
fn merge_duplicates(findings: Vec<Finding>) -> Vec<Finding> {
    let mut by_fingerprint: BTreeMap<String, Finding> = BTreeMap::new();
    for f in findings {
        match by_fingerprint.get_mut(&f.fingerprint) {
            Some(seen) => {
                for e in f.evidence {
                    if !seen.evidence.contains(&e) {
                        seen.evidence.push(e);
                    }
                }
            }
            None => {
                by_fingerprint.insert(f.fingerprint.clone(), f);
            }
        }
    }
    by_fingerprint.into_values().collect()
}

fn coverage(
    inventory: &Inventory,
    tenants: &TenantMap<'_>,
    findings: &[Finding],
) -> Vec<AccountCoverage> {
    let mut missed: BTreeMap<&str, bool> = BTreeMap::new(); // account -> whole account missed
    for f in findings
        .iter()
        .filter(|f| f.rule == crate::rules::NOT_SCANNED)
    {
        let whole = f.region == "global";
        let entry = missed.entry(f.account.as_str()).or_insert(false);
        *entry |= whole;
    }
    let org_failed = inventory.organization.status.failure().is_some();
    let mut out: Vec<AccountCoverage> = inventory
        .organization
        .accounts
        .iter()
        .map(|a| {
            let state = if a.status != AccountStatus::Active {
                CoverageState::Inactive
            } else if inventory.out_of_scope.contains(&a.id) {
                CoverageState::OutOfScope
            } else {
                match missed.get(a.id.as_str()) {
                    Some(true) => CoverageState::NotScanned,
                    Some(false) => CoverageState::Partial,
                    None if org_failed => CoverageState::Partial,
                    None => CoverageState::Complete,
                }
            };
            AccountCoverage {
                account: a.id.clone(),
                owner: tenants.owner(&a.id),
                state,
                ou: if a.parent_id.starts_with("ou-") {
                    tenants.tree.name_path(&a.parent_id)
                } else {
                    String::new()
                },
            }
        })
        .collect();
    out.sort_by(|a, b| a.account.cmp(&b.account));
    out
}
