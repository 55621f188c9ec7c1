//! Runs every rule over an inventory: a pure function of inventory and configuration,
//! parallel across accounts, with sorted output so two runs print the same bytes.

use std::collections::BTreeMap;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::finding::Finding;
use crate::inventory::{AccountStatus, Inventory};
use crate::rules::{AccountView, Context, REGISTRY, SharedAnalyses};
use crate::tenants::{Owner, TenantMap};
use crate::triage;

/// The outcome of one evaluation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Evaluation {
    pub organization_id: String,
    /// When the inventory was collected (RFC 3339), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collected_at: Option<String>,
    pub findings: Vec<Finding>,
    pub coverage: Vec<AccountCoverage>,
    /// With a baseline: what it had that this scan no longer finds.
    pub absent: Option<Vec<crate::baseline::Known>>,
    /// For a plan judged against an inventory: what was judged, and what could not be.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<PlanCoverage>,
}

/// What `tenantguard plan` judged. A plan gate never claims a complete view: it reports the
/// changes it applied, those it could not verify, and the inventory's own gaps, through which
/// a planned change may reach what nobody has read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanCoverage {
    /// Planned changes applied to the inventory and judged.
    pub applied: usize,
    /// Planned changes tenantguard could not verify (reported as `unverifiable-change`).
    pub unverifiable: usize,
    /// Accounts, regions and resources of the inventory that were not scanned.
    pub inventory_gaps: usize,
}

/// Whether an account was judged at all: coverage is a result, not an assumption.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountCoverage {
    pub account: String,
    pub owner: Owner,
    pub state: CoverageState,
    /// The OU the account sits in, as a path of names (`Tenants/Enterprise`; empty at the root).
    #[serde(default)]
    pub ou: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageState {
    /// Every configured region and the account-wide data were read.
    Complete,
    /// Some regions were not read.
    Partial,
    /// Nothing of the account was read.
    NotScanned,
    /// Suspended or closing: not expected to be read.
    Inactive,
    /// Left out of this collection on purpose (a filter, a shard).
    OutOfScope,
}

impl Evaluation {
    /// A scan is complete when nothing the scan should have read is missing; a plan's
    /// judgement when every change was verified against an inventory without gaps.
    pub fn complete(&self) -> bool {
        let scanned = !self
            .findings
            .iter()
            .any(|f| f.rule == crate::rules::NOT_SCANNED);
        scanned
            && self
                .plan
                .as_ref()
                .is_none_or(|p| p.unverifiable == 0 && p.inventory_gaps == 0)
    }
}

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
