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
    complete: bool,
    summary: Summary,
    coverage: &'a [AccountCoverage],
    findings: &'a [Finding],
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
    critical: usize,
    high: usize,
    medium: usize,
    low: usize,
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
            complete: ev.complete(),
            summary: Summary {
                findings: super::active(ev).count(),
                excepted: ev.findings.iter().filter(|f| f.exception.is_some()).count(),
                critical: super::count(ev, Critical),
                high: super::count(ev, High),
                medium: super::count(ev, Medium),
                low: super::count(ev, Low),
            },
            coverage: &ev.coverage,
            findings: &ev.findings,
        };
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)
    }
}
