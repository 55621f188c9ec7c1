//! Reports: one emitter per format, each reading only findings, coverage and rule docs.

use std::collections::BTreeMap;
use std::io::{self, Write};

use crate::evaluate::Evaluation;
use crate::finding::Finding;
use crate::severity::Severity;

mod html;
mod json;
mod markdown;
pub mod picture;
mod sarif;
mod table;

pub use html::Html;
pub use json::{Json, load as load_json};
pub use markdown::Markdown;
pub use sarif::Sarif;
pub use table::Table;

/// Renders an evaluation in one format.
pub trait Emitter {
    fn emit(&self, evaluation: &Evaluation, out: &mut dyn Write) -> io::Result<()>;
}

/// Findings that count: not silenced by an exception. (`not-scanned` findings count too; the
/// exit code treats them apart.)
pub fn active(evaluation: &Evaluation) -> impl Iterator<Item = &Finding> {
    evaluation.findings.iter().filter(|f| !f.is_silenced())
}

/// Counts of active findings per tenant (`-` for findings of no tenant) and severity.
pub fn summary(evaluation: &Evaluation) -> BTreeMap<String, BTreeMap<Severity, usize>> {
    let mut by_tenant: BTreeMap<String, BTreeMap<Severity, usize>> = BTreeMap::new();
    for f in active(evaluation) {
        let tenant = f.tenant.clone().unwrap_or_else(|| "-".to_owned());
        *by_tenant
            .entry(tenant)
            .or_default()
            .entry(f.severity)
            .or_default() += 1;
    }
    by_tenant
}

pub fn count(evaluation: &Evaluation, severity: Severity) -> usize {
    active(evaluation)
        .filter(|f| f.severity == severity)
        .count()
}

/// With a baseline, one line: how many findings are new, unchanged, and gone.
pub fn baseline_line(evaluation: &Evaluation) -> Option<String> {
    use crate::baseline::BaselineState;
    let absent = evaluation.absent.as_ref()?;
    let count = |s| {
        evaluation
            .findings
            .iter()
            .filter(|f| f.baseline_state == Some(s))
            .count()
    };
    Some(format!(
        "against the baseline: {} new, {} unchanged, {} no longer found",
        count(BaselineState::New),
        count(BaselineState::Unchanged),
        absent.len()
    ))
}

/// The findings to lead with when there is a baseline: the new ones.
pub fn new_findings(evaluation: &Evaluation) -> Vec<&Finding> {
    evaluation
        .findings
        .iter()
        .filter(|f| f.baseline_state == Some(crate::baseline::BaselineState::New))
        .collect()
}

/// Why a finding does not count, if it does not.
pub fn silenced_note(f: &Finding) -> Option<String> {
    if let Some(e) = &f.exception {
        Some(format!("excepted: {} ({})", e.reason, e.owner))
    } else {
        f.suppression
            .as_ref()
            .map(|s| format!("suppressed until {}: {} ({})", s.expires, s.reason, s.owner))
    }
}

/// One line saying whether the scan saw everything, or, for a plan, what it judged.
pub fn completeness(evaluation: &Evaluation) -> String {
    if let Some(p) = &evaluation.plan {
        let gaps = if p.inventory_gaps == 0 {
            "the inventory it was judged against has no unscanned account, region or resource"
                .to_owned()
        } else {
            format!(
                "the inventory it was judged against has {} account(s), region(s) or resource(s) not scanned, and paths through them are unknown",
                p.inventory_gaps
            )
        };
        return format!(
            "plan: {} change(s) judged, {} could not be verified{}; {gaps}",
            p.applied,
            p.unverifiable,
            if p.unverifiable > 0 {
                " (review them by hand)"
            } else {
                ""
            }
        );
    }
    let missed = evaluation
        .findings
        .iter()
        .filter(|f| f.rule == crate::rules::NOT_SCANNED)
        .count();
    if missed == 0 {
        format!(
            "complete: every account of {} was scanned",
            evaluation.organization_id
        )
    } else {
        format!(
            "INCOMPLETE: {missed} account(s), region(s) or resource(s) of {} were not scanned; they are not clean, they are unknown",
            evaluation.organization_id
        )
    }
}

/// Rules whose finding is about the subject reaching out, not being reached.
const OUTBOUND: [&str; 1] = ["cross-tenant-assume-permission"];

/// One line of the reachability summary: tenant `to` can be reached from tenant `from`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Reachability {
    /// The tenant whose account, role, network or resource is reached.
    pub to: String,
    /// The tenant that reaches it.
    pub from: String,
    /// The rules whose findings make the path (trust, peering, transit-gateway route, ...).
    pub through: Vec<String>,
    pub findings: usize,
    /// How many of them an RCP closes (`blocked_by`): when all are, the pair is closed by
    /// policy, not open.
    pub blocked: usize,
}

impl Reachability {
    /// `3`, or `3 (1 blocked by RCP)`.
    pub fn count(&self) -> String {
        if self.blocked == 0 {
            self.findings.to_string()
        } else {
            format!("{} ({} blocked by RCP)", self.findings, self.blocked)
        }
    }
}

/// Which tenant reaches which, and through what: every active finding whose resource belongs
/// to one tenant and whose counterpart belongs to another, grouped by the pair. A reviewer
/// sees the network (and trust) picture at a glance.
pub fn reachability(evaluation: &Evaluation) -> Vec<Reachability> {
    let mut pairs: BTreeMap<(&str, &str), (std::collections::BTreeSet<&str>, usize, usize)> =
        BTreeMap::new();
    for f in active(evaluation) {
        let (Some(to), Some(from)) = (
            f.tenant.as_deref(),
            f.counterpart.as_ref().and_then(|c| c.tenant.as_deref()),
        ) else {
            continue;
        };
        if to == from {
            continue;
        }
        // An outbound finding (a role's permission to assume into another tenant) is the
        // subject reaching its counterpart; every other finding is the counterpart reaching
        // the subject's resource.
        let (to, from) = if OUTBOUND.contains(&f.rule.as_str()) {
            (from, to)
        } else {
            (to, from)
        };
        let entry = pairs.entry((to, from)).or_default();
        entry.0.insert(&f.rule);
        entry.1 += 1;
        entry.2 += usize::from(f.blocked_by.is_some());
    }
    pairs
        .into_iter()
        .map(|((to, from), (rules, findings, blocked))| Reachability {
            to: to.to_owned(),
            from: from.to_owned(),
            through: rules.into_iter().map(str::to_owned).collect(),
            findings,
            blocked,
        })
        .collect()
}
