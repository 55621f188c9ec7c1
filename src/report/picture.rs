//! The isolation picture: who can reach whom across a boundary, as an SVG drawn from a
//! deterministic layout (the same scan draws the same picture).
//!
//! Nodes are tenants (grouped by their OU), the platform, and what lies outside (allowed
//! vendors, outside accounts, "any AWS account", the whole organization). An edge joins two
//! nodes for every kind of path found between them (trust, network, share, resource), coloured
//! by the worst severity and drawn by kind; a path closed by an RCP is drawn faint. The picture
//! aggregates tenant to tenant, never role to role, and leaves out tenants with no path, so it
//! stays readable at a thousand tenants; the matrix beside it gives the same pairs as a table.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use crate::evaluate::Evaluation;
use crate::finding::Finding;
use crate::severity::Severity;
use crate::tenants::Owner;

/// The family a rule's paths belong to, which decides how its edge is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Trust,
    Network,
    Share,
    Resource,
}

impl Kind {
    pub fn of(rule: &str) -> Option<Kind> {
        Some(match rule {
            "cross-tenant-trust"
            | "cross-tenant-path"
            | "cross-tenant-assume-permission"
            | "platform-trusts-tenant"
            | "wildcard-trust"
            | "organization-wide-trust"
            | "external-trust" => Kind::Trust,
            "cross-tenant-peering"
            | "external-peering"
            | "cross-tenant-tgw-route"
            | "cross-tenant-privatelink"
            | "cross-tenant-sg-reference" => Kind::Network,
            "cross-tenant-subnet-share" | "cross-tenant-ram-share" | "external-ram-share" => {
                Kind::Share
            }
            "cross-tenant-resource-access"
            | "organization-wide-resource-access"
            | "public-resource-access"
            | "external-resource-access"
            | "service-principal-without-source" => Kind::Resource,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Trust => "trust",
            Kind::Network => "network",
            Kind::Share => "share",
            Kind::Resource => "resource",
        }
    }

    fn dash(self) -> &'static str {
        match self {
            Kind::Trust => "",
            Kind::Network => "8 4",
            Kind::Share => "2 4",
            Kind::Resource => "10 3 2 3",
        }
    }
}

pub fn colour(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#b3261e",
        Severity::High => "#e8710a",
        Severity::Medium => "#c9a400",
        Severity::Low => "#1a73e8",
        Severity::Info => "#80868b",
    }
}

/// One aggregated path: from a node to a node, of one kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub kind: Kind,
    pub severity: Severity,
    pub findings: usize,
    /// Every finding of the edge is closed by an RCP.
    pub blocked: bool,
    /// The rules whose findings make the path.
    pub rules: BTreeSet<String>,
}

/// The nodes (by group) and edges the picture and the matrix draw.
pub struct Graph {
    /// Group name → node names, both sorted: OUs of tenants, then `platform`, then `outside`.
    pub groups: Vec<(String, Vec<String>)>,
    pub edges: Vec<Edge>,
    /// Tenants with no cross-boundary path (left out of the picture).
    pub quiet_tenants: usize,
}

const OUTSIDE: &str = "outside";
const PLATFORM: &str = "platform";

/// The node a finding's counterpart is, when it has one.
fn counterpart_node(f: &Finding, ev: &Evaluation) -> Option<String> {
    let c = f.counterpart.as_ref()?;
    if let Some(t) = &c.tenant {
        return Some(format!("tenant {t}"));
    }
    if let Some(account) = &c.account {
        let owner = ev
            .coverage
            .iter()
            .find(|a| &a.account == account)
            .map(|a| &a.owner);
        return Some(match owner {
            Some(Owner::Platform(_)) => "platform".to_owned(),
            Some(Owner::Unmapped) => "unmapped accounts".to_owned(),
            Some(Owner::Tenant(t)) => format!("tenant {t}"),
            _ if c.description.starts_with("third party") => c
                .description
                .rsplit_once(" (")
                .map_or(c.description.as_str(), |(name, _)| name)
                .replace('`', ""),
            _ => "outside accounts".to_owned(),
        });
    }
    let d = c.description.as_str();
    Some(
        if d.starts_with("any AWS account") || d.contains("any account's use") {
            "any AWS account".to_owned()
        } else if d.starts_with("every account of organization") && d.contains("every tenant") {
            "the whole organization".to_owned()
        } else if d.starts_with("every account of organization") || d.contains("partition") {
            "outside accounts".to_owned()
        } else {
            return None;
        },
    )
}

fn subject_node(f: &Finding, ev: &Evaluation) -> Option<String> {
    if let Some(t) = &f.tenant {
        return Some(format!("tenant {t}"));
    }
    match ev
        .coverage
        .iter()
        .find(|a| a.account == f.account)
        .map(|a| &a.owner)
    {
        Some(Owner::Platform(_)) => Some("platform".to_owned()),
        _ => None,
    }
}

/// Outbound findings are the subject reaching the counterpart; the rest the counterpart
/// reaching the subject's resource.
const OUTBOUND: &[&str] = &["cross-tenant-assume-permission"];

pub fn graph(ev: &Evaluation) -> Graph {
    type Tally = (Severity, usize, usize, BTreeSet<String>);
    let mut edges: BTreeMap<(String, String, Kind), Tally> = BTreeMap::new();
    for f in super::active(ev) {
        let (Some(kind), Some(subject), Some(other)) = (
            Kind::of(&f.rule),
            subject_node(f, ev),
            counterpart_node(f, ev),
        ) else {
            continue;
        };
        if subject == other {
            continue;
        }
        let (from, to) = if OUTBOUND.contains(&f.rule.as_str()) {
            (subject, other)
        } else {
            (other, subject)
        };
        let e = edges
            .entry((from, to, kind))
            .or_insert((Severity::Info, 0, 0, BTreeSet::new()));
        let open = f
            .blocked_by
            .as_ref()
            .map_or(f.severity, |b| b.open_severity);
        e.0 = e.0.max(open);
        e.1 += 1;
        e.2 += usize::from(f.blocked_by.is_some());
        e.3.insert(f.rule.clone());
    }
    let edges: Vec<Edge> = edges
        .into_iter()
        .map(
            |((from, to, kind), (severity, findings, blocked, rules))| Edge {
                from,
                to,
                kind,
                severity,
                findings,
                blocked: blocked == findings,
                rules,
            },
        )
        .collect();
    let used: BTreeSet<&str> = edges
        .iter()
        .flat_map(|e| [e.from.as_str(), e.to.as_str()])
        .collect();
    let mut groups: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut tenants: BTreeMap<String, String> = BTreeMap::new(); // tenant node -> OU
    for a in &ev.coverage {
        if let Owner::Tenant(t) = &a.owner {
            let ou = if a.ou.is_empty() {
                "(root)".to_owned()
            } else {
                a.ou.clone()
            };
            tenants.entry(format!("tenant {t}")).or_insert(ou);
        }
    }
    let mut quiet = 0;
    for (node, ou) in &tenants {
        if used.contains(node.as_str()) {
            groups.entry(ou.clone()).or_default().insert(node.clone());
        } else {
            quiet += 1;
        }
    }
    let mut ordered: Vec<(String, Vec<String>)> = Vec::new();
    if used.contains(PLATFORM) {
        ordered.push((PLATFORM.to_owned(), vec![PLATFORM.to_owned()]));
    }
    ordered.extend(
        groups
            .into_iter()
            .map(|(g, n)| (g, n.into_iter().collect())),
    );
    let outside: Vec<String> = used
        .iter()
        .filter(|n| !n.starts_with("tenant ") && **n != PLATFORM)
        .map(|n| n.to_string())
        .collect();
    // A tenant node seen only as a counterpart (not in the coverage) still gets a place.
    let placed: BTreeSet<String> = ordered
        .iter()
        .flat_map(|(_, n)| n.clone())
        .chain(outside.clone())
        .collect();
    let strays: Vec<String> = used
        .iter()
        .filter(|n| !placed.contains(**n))
        .map(|n| n.to_string())
        .collect();
    if !strays.is_empty() {
        ordered.push(("(other)".to_owned(), strays));
    }
    if !outside.is_empty() {
        ordered.push((OUTSIDE.to_owned(), outside));
    }
    Graph {
        groups: ordered,
        edges,
        quiet_tenants: quiet,
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Node width: wide enough for the longest label (at about 7 pixels a character of the
/// 12-pixel font), between these bounds; a longer label is cut, whole in its tooltip.
const NODE_W_MIN: f64 = 160.0;
const NODE_W_MAX: f64 = 200.0;
const CHAR_W: f64 = 7.0;
const NODE_H: f64 = 26.0;
const GAP_Y: f64 = 22.0;
/// Room between two columns for the edges.
const COL_GAP: f64 = 70.0;
const TOP: f64 = 40.0;

/// The SVG of the graph: one column per group, nodes stacked in it, edges as curves.
pub fn svg(g: &Graph) -> String {
    let longest = g
        .groups
        .iter()
        .flat_map(|(_, nodes)| nodes)
        .map(|n| n.strip_prefix("tenant ").unwrap_or(n).chars().count())
        .max()
        .unwrap_or(0);
    let node_w = (longest as f64 * CHAR_W + 16.0).clamp(NODE_W_MIN, NODE_W_MAX);
    let col_w = node_w + COL_GAP;
    let fits = ((node_w - 16.0) / CHAR_W) as usize;
    let mut at: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    let mut tallest = 0usize;
    for (col, (_, nodes)) in g.groups.iter().enumerate() {
        for (row, n) in nodes.iter().enumerate() {
            let x = 20.0 + col as f64 * col_w;
            let y = TOP + row as f64 * (NODE_H + GAP_Y);
            at.insert(n, (x, y));
        }
        tallest = tallest.max(nodes.len());
    }
    let width = 40.0 + g.groups.len().max(1) as f64 * col_w;
    let height = TOP + tallest.max(1) as f64 * (NODE_H + GAP_Y) + 30.0;
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="picture" role="img" aria-label="isolation picture" viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="sans-serif" font-size="12">"#
    );
    out.push_str(r#"<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="context-stroke"/></marker></defs>"#);
    for (col, (group, nodes)) in g.groups.iter().enumerate() {
        let x = 10.0 + col as f64 * col_w;
        let h = nodes.len() as f64 * (NODE_H + GAP_Y) + 24.0;
        let _ = write!(
            out,
            r##"<g class="group"><rect x="{x}" y="{}" width="{}" height="{h}" rx="8" fill="#f1f3f4" stroke="#dadce0"/><text x="{}" y="{}" font-weight="bold">{}</text></g>"##,
            TOP - 26.0,
            node_w + 20.0,
            x + 8.0,
            TOP - 10.0,
            escape(group)
        );
    }
    for e in &g.edges {
        let (Some(&(x1, y1)), Some(&(x2, y2))) = (at.get(e.from.as_str()), at.get(e.to.as_str()))
        else {
            continue;
        };
        let (sx, sy) = (x1 + node_w, y1 + NODE_H / 2.0);
        let (ex, ey) = (x2, y2 + NODE_H / 2.0);
        // Edges within a column bow out to the right; others curve between the columns.
        let path = if (x1 - x2).abs() < 1.0 {
            let bow = x1 + node_w + 40.0 + (y2 - y1).abs() / 6.0;
            format!("M{sx},{sy} C{bow},{sy} {bow},{ey} {},{ey}", x2 + node_w)
        } else {
            let mid = (sx + ex) / 2.0;
            format!("M{sx},{sy} C{mid},{sy} {mid},{ey} {ex},{ey}")
        };
        let _ = write!(
            out,
            r#"<path class="edge {}" data-from="{}" data-to="{}" d="{path}" fill="none" stroke="{}" stroke-width="{}" stroke-dasharray="{}" opacity="{}" marker-end="url(#arrow)"><title>{} reaches {} ({}, {} finding(s){})</title></path>"#,
            e.kind.as_str(),
            escape(&e.from),
            escape(&e.to),
            colour(e.severity),
            (1.5 + (e.findings as f64).ln_1p()).min(5.0),
            e.kind.dash(),
            if e.blocked { "0.35" } else { "0.9" },
            escape(&e.from),
            escape(&e.to),
            e.kind.as_str(),
            e.findings,
            if e.blocked {
                ", all closed by an RCP"
            } else {
                ""
            }
        );
    }
    for (n, (x, y)) in &at {
        let full = n.strip_prefix("tenant ").unwrap_or(n);
        let label: String = if full.chars().count() > fits {
            full.chars().take(fits - 1).chain(['…']).collect()
        } else {
            full.to_owned()
        };
        let outside = !n.starts_with("tenant ") && *n != PLATFORM;
        let _ = write!(
            out,
            r##"<g class="node"><title>{}</title><rect x="{x}" y="{y}" width="{node_w}" height="{NODE_H}" rx="5" fill="{}" stroke="#5f6368"/><text x="{}" y="{}">{}</text></g>"##,
            escape(full),
            if outside {
                "#fce8e6"
            } else if *n == PLATFORM {
                "#e8f0fe"
            } else {
                "#ffffff"
            },
            x + 8.0,
            y + 17.0,
            escape(&label)
        );
    }
    out.push_str("</svg>");
    out
}
