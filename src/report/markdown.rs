//! The Markdown report: short enough for a pull-request comment or a CI job summary.

use std::io::{self, Write};

use super::Emitter;
use crate::evaluate::Evaluation;
use crate::severity::Severity;

pub struct Markdown;

/// GitHub comments stop at 65,536 characters; beyond this many rows the table is cut.
const MAX_ROWS: usize = 100;

/// Table cells must not break the table.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

impl Emitter for Markdown {
    fn emit(&self, ev: &Evaluation, out: &mut dyn Write) -> io::Result<()> {
        let active = super::active(ev).count();
        writeln!(
            out,
            "## tenantguard: {active} finding(s) in {}\n",
            ev.organization_id
        )?;
        let status = if ev.complete() { "✅" } else { "⚠️" };
        writeln!(out, "{status} {}\n", super::completeness(ev))?;
        if let Some(line) = super::baseline_line(ev) {
            writeln!(out, "**{}**\n", cell(&line))?;
            let new = super::new_findings(ev);
            if !new.is_empty() {
                writeln!(out, "New:\n")?;
                for f in new.iter().take(MAX_ROWS) {
                    writeln!(
                        out,
                        "- **{}** `{}` `{}`: {}",
                        f.severity,
                        f.rule,
                        cell(&f.resource),
                        cell(&f.message)
                    )?;
                }
                writeln!(out)?;
            }
            let absent = ev.absent.as_deref().unwrap_or_default();
            if !absent.is_empty() {
                writeln!(out, "No longer found:\n")?;
                for k in absent.iter().take(MAX_ROWS) {
                    writeln!(
                        out,
                        "- ~~{} `{}` `{}`: {}~~",
                        k.severity,
                        k.rule,
                        cell(&k.resource),
                        cell(&k.message)
                    )?;
                }
                writeln!(out)?;
            }
        }
        let counts = super::summary(ev);
        if !counts.is_empty() {
            write!(out, "| tenant |")?;
            for s in Severity::ALL {
                write!(out, " {s} |")?;
            }
            writeln!(out, "\n|---|{}", "---:|".repeat(Severity::ALL.len()))?;
            for (tenant, by) in &counts {
                write!(out, "| {} |", cell(tenant))?;
                for s in Severity::ALL {
                    write!(out, " {} |", by.get(&s).copied().unwrap_or(0))?;
                }
                writeln!(out)?;
            }
            writeln!(out)?;
        }
        if ev.findings.is_empty() {
            return writeln!(out, "No findings.");
        }
        writeln!(out, "| severity | rule | tenant | resource | finding |")?;
        writeln!(out, "|---|---|---|---|---|")?;
        for f in ev.findings.iter().take(MAX_ROWS) {
            let message = match super::silenced_note(f) {
                Some(note) => format!("~~{}~~ {}", cell(&f.message), cell(&note)),
                None => cell(&f.message),
            };
            writeln!(
                out,
                "| {} | `{}` | {} | `{}` | {} |",
                f.severity,
                f.rule,
                cell(f.tenant.as_deref().unwrap_or("-")),
                cell(&f.resource),
                message
            )?;
        }
        if ev.findings.len() > MAX_ROWS {
            writeln!(
                out,
                "\n…and {} more; the JSON and SARIF reports have them all.",
                ev.findings.len() - MAX_ROWS
            )?;
        }
        let paths = super::reachability(ev);
        writeln!(out, "\n### Reachability between tenants\n")?;
        if paths.is_empty() {
            return writeln!(out, "No tenant reaches another.");
        }
        writeln!(out, "| tenant | reached from tenant | through | findings |")?;
        writeln!(out, "|---|---|---|---:|")?;
        for p in paths.iter().take(MAX_ROWS) {
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&p.to),
                cell(&p.from),
                p.through
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                p.count()
            )?;
        }
        Ok(())
    }
}
