//! The gate before the change: a Terraform plan (`terraform show -json`) overlaid on the last
//! inventory, the organization evaluated as it would be after the apply, and the findings the
//! change introduces and resolves.
//!
//! The flow stays one-way: `plan` reads the plan into changes (parse), ties each to the
//! account its provider acts in (accounts), applies them to a copy of the inventory
//! (overlay), and hands both inventories to the same `evaluate`. What the plan leaves unknown
//! (a policy known only after apply that cannot be rebuilt from its `aws_iam_policy_document`,
//! an account no provider setting names) becomes an `unverifiable-change` finding: a gate that
//! cannot tell says so, it never passes.

pub mod accounts;
pub mod document;
pub mod overlay;
pub mod parse;
pub mod types;

use std::collections::{BTreeMap, BTreeSet};

use crate::baseline::{BaselineState, Known};
use crate::config::Config;
use crate::evaluate::{Evaluation, evaluate};
use crate::inventory::Inventory;

pub use parse::{Plan, PlanError};

/// What the change does to the organization's findings.
pub struct Gate {
    /// The findings after the apply that the inventory alone does not have (marked new), and
    /// the change's unverifiable parts; located at the Terraform address where one made them.
    pub evaluation: Evaluation,
    /// How many planned changes were applied to the inventory.
    pub applied: usize,
}

/// Evaluates `plan` against `inventory`: the findings it introduces (as the evaluation's
/// findings, `new`) and those it resolves (as its `absent`).
pub fn gate(
    plan: &Plan,
    inventory: &Inventory,
    config: &Config,
    provider_accounts: &BTreeMap<String, String>,
) -> Gate {
    let before = evaluate(inventory, config);
    let overlaid = overlay::apply(plan, inventory, provider_accounts);
    let after = evaluate(&overlaid.inventory, config);
    // Known findings with the severity they had: one the change makes worse (a Block Public
    // Access turned off, an RCP detached) is introduced again, at its new severity.
    let known: BTreeMap<&str, crate::severity::Severity> = before
        .findings
        .iter()
        .map(|f| (f.fingerprint.as_str(), f.severity))
        .collect();
    let now: BTreeSet<&str> = after
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let resolved: Vec<Known> = before
        .findings
        .iter()
        .filter(|f| !now.contains(f.fingerprint.as_str()) && !f.is_silenced())
        .map(|f| Known {
            fingerprint: f.fingerprint.clone(),
            rule: f.rule.clone(),
            severity: f.severity,
            resource: f.resource.clone(),
            message: f.message.clone(),
        })
        .collect();
    let inventory_gaps = after
        .findings
        .iter()
        .filter(|f| f.rule == crate::rules::NOT_SCANNED)
        .count();
    let mut evaluation = after;
    evaluation.findings.retain(|f| {
        known
            .get(f.fingerprint.as_str())
            .is_none_or(|was| f.severity > *was)
    });
    for f in &mut evaluation.findings {
        f.baseline_state = Some(BaselineState::New);
        if let Some(address) = overlaid.addresses.get(&f.resource) {
            f.location = address.clone();
        }
    }
    evaluation.absent = Some(resolved);
    evaluation.plan = Some(crate::evaluate::PlanCoverage {
        applied: overlaid.applied,
        unverifiable: overlaid.inventory.unverifiable_changes.len(),
        inventory_gaps,
    });
    Gate {
        evaluation,
        applied: overlaid.applied,
    }
}
