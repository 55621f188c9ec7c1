//! The HTML report: one self-contained file that opens offline in any browser. Styles, the
//! isolation picture (inline SVG) and a small filter script are all inline; a
//! Content-Security-Policy forbids fetching anything, and every value from the inventory is
//! escaped by the template engine (maud), so a role name or tag carrying markup shows as text.
//! The page reads in full without the script: it only filters the findings list.

use std::collections::BTreeMap;
use std::io::{self, Write};

use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::Emitter;
use super::picture::{self, Graph};
use crate::evaluate::{CoverageState, Evaluation};
use crate::finding::Finding;
use crate::severity::Severity;

pub struct Html;

const STYLE: &str = include_str!("html.css");
const SCRIPT: &str = include_str!("html.js");

/// Findings shown with their full evidence; beyond this the list stays, evidence is cut short
/// so that the 10,000-account report remains a few megabytes.
const EVIDENCE_LIMIT: usize = 2_000;

impl Emitter for Html {
    fn emit(&self, ev: &Evaluation, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(page(ev).into_string().as_bytes())
    }
}

/// `default-src 'none'`: nothing is fetched, from anywhere; the one inline script is allowed by
/// its hash, inline styles and the SVG by `'unsafe-inline'` styles only.
fn csp() -> String {
    let hash = aws_smithy_types::base64::encode(Sha256::digest(SCRIPT.as_bytes()));
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{hash}'; base-uri 'none'; form-action 'none'"
    )
}

fn page(ev: &Evaluation) -> Markup {
    let active: Vec<&Finding> = super::active(ev).collect();
    let not_scanned: Vec<&Finding> = ev
        .findings
        .iter()
        .filter(|f| f.rule == crate::rules::NOT_SCANNED)
        .collect();
    let graph = picture::graph(ev);
    let mut findings: Vec<&Finding> = ev.findings.iter().collect();
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(csp());
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "tenantguard: " (ev.organization_id) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header {
                    h1 { "Tenant isolation of " code { (ev.organization_id) } }
                    p.meta {
                        "Inventory collected " (ev.collected_at.as_deref().unwrap_or("at an unknown time"))
                        " · " (active.len()) " finding(s) · tenantguard " (env!("CARGO_PKG_VERSION"))
                    }
                    (completeness(ev, &not_scanned))
                }
                main {
                    (summary(ev))
                    section id="isolation" {
                        h2 { "Isolation picture" }
                        p.legend {
                            "Who reaches whom across a tenant boundary. Line: trust; dashes: network; dots: share; dash-dot: resource policy. "
                            "Colour: worst severity. Faint: every path of the edge is closed by an RCP."
                            @if graph.quiet_tenants > 0 { " " (graph.quiet_tenants) " tenant(s) with no cross-boundary path are left out." }
                        }
                        @if graph.edges.is_empty() {
                            p { "No path crosses a tenant boundary." }
                        } @else {
                            (focus(&graph))
                            @if drawable(&graph) {
                                div.picture role="region" aria-label="isolation picture (scrolls)" tabindex="0" {
                                    (PreEscaped(picture::svg(&graph)))
                                }
                            } @else {
                                p.note {
                                    (nodes(&graph)) " parties and " (graph.edges.len()) " paths are too many to draw legibly (the picture is drawn up to "
                                    (DRAW_NODES) " parties and " (DRAW_EDGES) " paths): the matrix and the paths below show them all; choose a tenant to see only its own."
                                }
                            }
                            (matrix(&graph))
                            (paths(&graph))
                        }
                    }
                    section id="findings" {
                        h2 { "Findings" }
                        div.filters {
                            label { "Filter " input id="filter" type="search" placeholder="rule, tenant, account, text"; }
                            label { "Severity at least "
                                select id="severity" {
                                    @for s in Severity::ALL.iter().rev() { option value=(s.as_str()) selected[*s == Severity::Info] { (s.as_str()) } }
                                }
                            }
                        }
                        @for (i, f) in findings.iter().enumerate() { (finding(f, i < EVIDENCE_LIMIT)) }
                    }
                    @if let Some(absent) = &ev.absent {
                        @if !absent.is_empty() {
                            section id="absent" {
                                h2 { "No longer found (" (absent.len()) ")" }
                                ul { @for k in absent { li { span class={"sev " (k.severity.as_str())} { (k.severity.as_str()) } " " code { (k.rule) } " " (text(&k.message)) } } }
                            }
                        }
                    }
                }
                footer { p.meta { "tenantguard " (env!("CARGO_PKG_VERSION")) " · one self-contained file: nothing is fetched" } }
                script { (PreEscaped(SCRIPT)) }
            }
        }
    }
}

/// The picture is drawn up to this many parties and paths: beyond, labels overlap and edges
/// cross each other until no path can be followed by eye (a few dozen tenants), so large
/// organizations get the matrix, the list of paths and the tenant focus instead.
const DRAW_NODES: usize = 30;
const DRAW_EDGES: usize = 60;

fn nodes(g: &Graph) -> usize {
    g.groups.iter().map(|(_, n)| n.len()).sum()
}

fn drawable(g: &Graph) -> bool {
    nodes(g) <= DRAW_NODES && g.edges.len() <= DRAW_EDGES
}

/// What the report covers, first on the page: a scan's unread accounts, regions and resources;
/// a plan's own coverage (changes judged, changes it could not verify) with the gaps of the
/// inventory it was judged against as context. Green only when nothing is unknown.
fn completeness(ev: &Evaluation, not_scanned: &[&Finding]) -> Markup {
    if let Some(plan) = &ev.plan {
        let whole = plan.unverifiable == 0 && plan.inventory_gaps == 0;
        return html! {
            section id="completeness" class=(if whole { "complete-box" } else { "incomplete" }) {
                h2 { "Plan: " (plan.applied) " change(s) judged, " (plan.unverifiable) " could not be verified" }
                p { (text(&super::completeness(ev))) }
                @if plan.inventory_gaps > 0 {
                    p { "The inventory's gaps are context, not the plan's: a path through an unread account or region is unknown either way." }
                }
            }
        };
    }
    html! {
        @if not_scanned.is_empty() {
            section id="completeness" class="complete-box" {
                p.complete { "Complete: every account and region in scope was read." }
            }
        } @else {
            section.incomplete id="completeness" {
                h2 { "Incomplete: " (not_scanned.len()) " account(s), region(s) or resource(s) were not scanned" }
                p { "They are not clean; they are unknown." }
                ul { @for f in not_scanned { li { (text(&f.message)) } } }
            }
        }
    }
}

/// Text whose `backticked` parts are identifiers: shown as code, without the backticks.
fn text(s: &str) -> Markup {
    html! {
        @for (i, part) in s.split('`').enumerate() {
            @if i % 2 == 1 { code { (part) } } @else { (part) }
        }
    }
}

/// The tenant focus: choose a party and see only the paths into and out of it, in the
/// picture, the matrix, the paths and the findings (the script filters; without it, all
/// stay shown).
fn focus(g: &Graph) -> Markup {
    let mut parties: Vec<&str> = g
        .edges
        .iter()
        .flat_map(|e| [e.from.as_str(), e.to.as_str()])
        .collect();
    parties.sort();
    parties.dedup();
    html! {
        div.focus {
            label { "Focus on "
                select id="focus" {
                    option value="" { "every tenant" }
                    @for p in &parties { option value=(p) { (p) } }
                }
            }
        }
    }
}

/// Every path between two parties, with the rules that make it: the picture's edges as a
/// list, readable at any size of organization.
fn paths(g: &Graph) -> Markup {
    let mut pairs: BTreeMap<(&str, &str), Vec<&picture::Edge>> = BTreeMap::new();
    for e in &g.edges {
        pairs
            .entry((e.from.as_str(), e.to.as_str()))
            .or_default()
            .push(e);
    }
    html! {
        details.paths open[pairs.len() <= 20] {
            summary { "Paths (" (pairs.len()) "): who reaches whom, and through which rules" }
            ul {
                @for ((from, to), edges) in &pairs {
                    @let worst = edges.iter().map(|e| e.severity).max().unwrap_or(Severity::Info);
                    @let n: usize = edges.iter().map(|e| e.findings).sum();
                    li data-from=(from) data-to=(to) {
                        span class={"sev " (worst.as_str())} { (worst.as_str()) } " "
                        @let rules: std::collections::BTreeSet<&str> = edges.iter().flat_map(|e| e.rules.iter().map(String::as_str)).collect();
                        strong { (from) } " reaches " strong { (to) } " ("
                        (edges.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>().join(", "))
                        ", " (n) " finding(s)): "
                        @for (i, r) in rules.iter().enumerate() { @if i > 0 { ", " } code { (r) } }
                    }
                }
            }
        }
    }
}

fn summary(ev: &Evaluation) -> Markup {
    let counts = super::summary(ev);
    let complete = ev
        .coverage
        .iter()
        .filter(|c| c.state == CoverageState::Complete)
        .count();
    html! {
        section id="summary" {
            h2 { "Summary by tenant" }
            p { (ev.coverage.len()) " account(s) in the organization, " (complete) " read completely." }
            @if counts.is_empty() { p { "No findings." } } @else {
                div.scroll role="region" aria-label="findings by tenant (scrolls)" tabindex="0" { table {
                    thead { tr { th { "tenant" } @for s in Severity::ALL { th { (s.as_str()) } } } }
                    tbody {
                        @for (tenant, by) in &counts {
                            tr { td { (tenant) } @for s in Severity::ALL {
                                @let n = by.get(&s).copied().unwrap_or(0);
                                td class={ @if n > 0 { "n " (s.as_str()) } @else { "zero" } } { (n) }
                            } }
                        }
                    }
                } }
            }
        }
    }
}

/// Rows: who is reached; columns: who reaches. The same pairs as the picture, as a table.
fn matrix(g: &Graph) -> Markup {
    let mut rows: Vec<&str> = g.edges.iter().map(|e| e.to.as_str()).collect();
    rows.sort();
    rows.dedup();
    let mut cols: Vec<&str> = g.edges.iter().map(|e| e.from.as_str()).collect();
    cols.sort();
    cols.dedup();
    let strip = |n: &str| n.strip_prefix("tenant ").unwrap_or(n).to_owned();
    html! {
        details.matrix open[rows.len() > 12] {
            summary { "Matrix: reached (rows) from (columns)" }
            div.scroll role="region" aria-label="reachability matrix (scrolls)" tabindex="0" { table {
                thead { tr { th { "reached \\ from" } @for c in &cols { th { (strip(c)) } } } }
                tbody {
                    @for r in &rows {
                        tr {
                            th { (strip(r)) }
                            @for c in &cols {
                                @let here: Vec<&picture::Edge> = g.edges.iter().filter(|e| e.to == *r && e.from == *c).collect();
                                @if here.is_empty() { td.zero data-from=(c) data-to=(r) { "" } } @else {
                                    @let worst = here.iter().map(|e| e.severity).max().unwrap_or(Severity::Info);
                                    @let n: usize = here.iter().map(|e| e.findings).sum();
                                    td class={ "n " (worst.as_str()) } data-from=(c) data-to=(r) title=(here.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>().join(", ")) { (n) }
                                }
                            }
                        }
                    }
                }
            } }
        }
    }
}

fn finding(f: &Finding, full: bool) -> Markup {
    let doc = crate::rules::find(&f.rule);
    // The picture's parties this finding is about, for the tenant focus.
    let parties = [
        f.tenant.as_deref(),
        f.counterpart.as_ref().and_then(|c| c.tenant.as_deref()),
    ]
    .into_iter()
    .flatten()
    .map(|t| format!("tenant {t}"))
    .collect::<Vec<_>>()
    .join("|");
    let search = format!(
        "{} {} {} {} {}",
        f.rule,
        f.tenant.as_deref().unwrap_or(""),
        f.account,
        f.resource,
        f.message
    )
    .to_lowercase();
    html! {
        details.finding data-severity=(f.severity.as_str()) data-text=(search)
            data-parties=(parties) {
            summary {
                span class={"sev " (f.severity.as_str())} { (f.severity.as_str()) }
                " " code { (f.rule) }
                @if let Some(t) = &f.tenant { " · " span.tenant { (t) } }
                @if f.is_silenced() { " · " span.silenced { "silenced" } }
                @if let Some(state) = f.baseline_state { " · " span.state { (state.as_str()) } }
                @if f.blocked_by.is_some() { " · " span.blocked { "blocked by RCP" } }
                span.message { (text(&f.message)) }
            }
            dl {
                dt { "Resource" } dd { code { (f.resource) } " in " (f.account) " (" (f.region) ")" }
                dt { "Location" } dd { code { (f.location) } }
                @if let Some(c) = &f.counterpart { dt { "Counterpart" } dd { (text(&c.description)) } }
                @if let Some(b) = &f.blocked_by {
                    dt { "Blocked by" } dd { "RCP " code { (b.policy) } " at " (b.target) " (open severity " (b.open_severity.as_str()) ")" }
                }
                @if let Some(e) = &f.exception { dt { "Exception" } dd { (e.reason) " — " (e.owner) } }
                @if let Some(s) = &f.suppression { dt { "Suppressed" } dd { (s.reason) " — " (s.owner) ", until " (s.expires) } }
                dt { "Fingerprint" } dd { code { (f.fingerprint) } }
            }
            h3 { "Evidence" }
            @if full {
                @for e in &f.evidence { pre.evidence { (json(e, 0, false)) } }
            } @else {
                p { "Evidence is in the JSON report (this report shows it for the first " (EVIDENCE_LIMIT) " findings)." }
            }
            @if let Some(doc) = doc {
                h3 { "Remediation" }
                p { (text(doc.remediation.trim())) }
                p.why { (text(doc.rationale.trim())) }
            }
        }
    }
}

/// Keys whose value is the granting part: marked in the evidence.
const GRANTING: &[&str] = &[
    "statement",
    "statements",
    "kms_grant",
    "weakened_statements",
    "callers",
];

/// Pretty-printed JSON, escaped, with the granting parts marked.
fn json(v: &Value, depth: usize, marked: bool) -> Markup {
    let pad = "  ".repeat(depth + 1);
    let close = "  ".repeat(depth);
    match v {
        Value::Object(map) if !map.is_empty() => html! {
            "{\n"
            @for (i, (k, val)) in map.iter().enumerate() {
                (pad) span.key { "\"" (k) "\"" } ": "
                @if !marked && GRANTING.contains(&k.as_str()) { mark { (json(val, depth + 1, true)) } }
                @else { (json(val, depth + 1, marked)) }
                @if i + 1 < map.len() { "," } "\n"
            }
            (close) "}"
        },
        Value::Array(items) if !items.is_empty() => html! {
            "[\n"
            @for (i, val) in items.iter().enumerate() {
                (pad) (json(val, depth + 1, marked)) @if i + 1 < items.len() { "," } "\n"
            }
            (close) "]"
        },
        other => html! { (other.to_string()) },
    }
}
