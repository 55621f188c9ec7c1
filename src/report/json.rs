//! The JSON report: the stable, documented machine format (`report_format_version` 1).

use std::io::{self, Write};

use serde::Serialize;

use super::Emitter;
use crate::evaluate::{AccountCoverage, Evaluation};
use crate::finding::Finding;

pub struct Json;

/// The JSON report's shape. Fields are only ever added within one `report_format_version`.
#[derive(Serialize)]
struct Report<'a> {
    report_format_version: u32,
    tool: Tool,
    organization_id: &'a str,
    /// When the inventory was collected.
    #[serde(skip_serializing_if = "Option::is_none")]
    collected_at: Option<&'a str>,
    complete: bool,
    /// For `tenantguard plan`: the changes judged, those not verifiable, the inventory's gaps.
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<&'a crate::evaluate::PlanCoverage>,
    summary: Summary,
    coverage: &'a [AccountCoverage],
    findings: &'a [Finding],
    /// Which tenant reaches which, and through which rules' findings.
    reachability: Vec<super::Reachability>,
    /// With a baseline: its findings that this scan no longer has.
    #[serde(skip_serializing_if = "Option::is_none")]
    absent: Option<&'a [crate::baseline::Known]>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary {
    findings: usize,
    excepted: usize,
    suppressed: usize,
    /// With a baseline: active findings the baseline did not have.
    #[serde(skip_serializing_if = "Option::is_none")]
    new: Option<usize>,
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
    info: usize,
}

impl Emitter for Json {
    fn emit(&self, ev: &Evaluation, out: &mut dyn Write) -> io::Result<()> {
        use crate::severity::Severity::*;
        let report = Report {
            report_format_version: 1,
            tool: Tool {
                name: "tenantguard",
                version: env!("CARGO_PKG_VERSION"),
            },
            organization_id: &ev.organization_id,
            collected_at: ev.collected_at.as_deref(),
            complete: ev.complete(),
            plan: ev.plan.as_ref(),
            summary: Summary {
                findings: super::active(ev).count(),
                excepted: ev.findings.iter().filter(|f| f.exception.is_some()).count(),
                suppressed: ev
                    .findings
                    .iter()
                    .filter(|f| f.suppression.is_some())
                    .count(),
                new: ev.absent.as_ref().map(|_| {
                    super::active(ev)
                        .filter(|f| f.baseline_state == Some(crate::baseline::BaselineState::New))
                        .count()
                }),
                critical: super::count(ev, Critical),
                high: super::count(ev, High),
                medium: super::count(ev, Medium),
                low: super::count(ev, Low),
                info: super::count(ev, Info),
            },
            coverage: &ev.coverage,
            findings: &ev.findings,
            reachability: super::reachability(ev),
            absent: ev.absent.as_deref(),
        };
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)
    }
}

/// A saved JSON report, read back for rendering in another format: its organization,
/// collection time, coverage, findings and absent findings, as the scan produced them.
pub fn load(path: &std::path::Path) -> Result<Evaluation, String> {
    let shown = path.display();
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read report `{shown}`: {e}"))?;
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("report `{shown}` is not JSON: {e}"))?;
    match v
        .get("report_format_version")
        .and_then(serde_json::Value::as_u64)
    {
        Some(1) => {}
        Some(n) => {
            return Err(format!(
                "report `{shown}` has report_format_version {n}, this build reads 1"
            ));
        }
        None => {
            return Err(format!(
                "`{shown}` is not a tenantguard JSON report (no `report_format_version`)"
            ));
        }
    }
    serde_json::from_value(v).map_err(|e| format!("invalid report `{shown}`: {e}"))
}
