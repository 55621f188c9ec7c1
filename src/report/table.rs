//! The terminal report: a summary per tenant and severity, then the findings.

use std::io::{self, Write};

use comfy_table::{
    Cell, Color, ColumnConstraint, ContentArrangement, Table as Grid, Width,
    presets::UTF8_FULL_CONDENSED,
};

use super::Emitter;
use crate::evaluate::Evaluation;
use crate::severity::Severity;

/// Width of the table when not writing to a terminal.
const WIDTH: u16 = 200;

pub struct Table {
    /// Colour, only when writing to a terminal (and `NO_COLOR` is unset).
    pub color: bool,
}

impl Table {
    fn severity_cell(&self, severity: Severity, text: String) -> Cell {
        let cell = Cell::new(text);
        if !self.color {
            return cell;
        }
        cell.fg(match severity {
            Severity::Critical => Color::Red,
            Severity::High => Color::Magenta,
            Severity::Medium => Color::Yellow,
            Severity::Low => Color::Cyan,
            Severity::Info => Color::Grey,
        })
    }

    fn grid(&self) -> Grid {
        let mut grid = Grid::new();
        grid.load_preset(UTF8_FULL_CONDENSED);
        grid.set_content_arrangement(ContentArrangement::Dynamic);
        if self.color {
            grid.enforce_styling();
        } else {
            // Not a terminal: a fixed width, so files and CI logs are the same everywhere.
            grid.force_no_tty();
            grid.set_width(WIDTH);
        }
        grid
    }
}

impl Emitter for Table {
    fn emit(&self, ev: &Evaluation, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "tenantguard: {}", super::completeness(ev))?;
        if let Some(line) = super::baseline_line(ev) {
            writeln!(out, "tenantguard: {line}")?;
            for f in super::new_findings(ev) {
                writeln!(
                    out,
                    "  NEW {} {} {}: {}",
                    f.severity, f.rule, f.resource, f.message
                )?;
            }
            for k in ev.absent.iter().flatten() {
                writeln!(
                    out,
                    "  GONE {} {} {}: {}",
                    k.severity, k.rule, k.resource, k.message
                )?;
            }
        }
        let mut summary = self.grid();
        let mut header = vec![Cell::new("tenant")];
        header.extend(Severity::ALL.iter().map(|s| Cell::new(s.as_str())));
        header.push(Cell::new("silenced"));
        summary.set_header(header);
        let counts = super::summary(ev);
        let mut tenants: Vec<&str> = counts.keys().map(String::as_str).collect();
        for f in ev.findings.iter().filter(|f| f.is_silenced()) {
            let t = f.tenant.as_deref().unwrap_or("-");
            if !tenants.contains(&t) {
                tenants.push(t);
            }
        }
        tenants.sort_unstable();
        for tenant in tenants {
            let mut row = vec![Cell::new(tenant)];
            for s in Severity::ALL {
                let n = counts
                    .get(tenant)
                    .and_then(|c| c.get(&s))
                    .copied()
                    .unwrap_or(0);
                row.push(if n > 0 {
                    self.severity_cell(s, n.to_string())
                } else {
                    Cell::new("0")
                });
            }
            let excepted = ev
                .findings
                .iter()
                .filter(|f| f.is_silenced() && f.tenant.as_deref().unwrap_or("-") == tenant)
                .count();
            row.push(Cell::new(excepted));
            summary.add_row(row);
        }
        writeln!(out, "{summary}")?;
        if ev.findings.is_empty() {
            return writeln!(out, "no findings");
        }
        let mut findings = self.grid();
        findings.set_header([
            "severity", "rule", "tenant", "region", "resource", "finding",
        ]);
        // An ARN broken across lines cannot be copied: give the resource column its width.
        let widest = ev
            .findings
            .iter()
            .map(|f| f.resource.len())
            .max()
            .unwrap_or(0)
            .min(90) as u16
            + 2;
        if let Some(column) = findings.column_mut(4) {
            column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(widest)));
        }
        for f in &ev.findings {
            let mut message = f.message.clone();
            if let Some(note) = super::silenced_note(f) {
                message.push_str(&format!(" [{note}]"));
            }
            findings.add_row(vec![
                self.severity_cell(f.severity, f.severity.to_string()),
                Cell::new(&f.rule),
                Cell::new(f.tenant.as_deref().unwrap_or("-")),
                Cell::new(&f.region),
                Cell::new(&f.resource),
                Cell::new(message),
            ]);
        }
        writeln!(out, "{findings}")?;
        let paths = super::reachability(ev);
        if paths.is_empty() {
            return writeln!(out, "reachability: no tenant reaches another");
        }
        let mut reach = self.grid();
        reach.set_header(["tenant", "reached from tenant", "through", "findings"]);
        for p in &paths {
            reach.add_row(vec![
                Cell::new(&p.to),
                Cell::new(&p.from),
                Cell::new(p.through.join(", ")),
                Cell::new(p.count()),
            ]);
        }
        writeln!(out, "reachability between tenants:\n{reach}")
    }
}
