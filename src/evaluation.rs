//! The outcome of an evaluation: findings and coverage, as `evaluate` produces them and
//! triage, the reports and the gates read them. Kept apart from `evaluate` so that what reads
//! the outcome need not depend on how it is made.

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::tenants::Owner;

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
