//! SARIF 2.1.0, shaped for GitHub code scanning: every result has a scheme-less pseudo path
//! (`aws/<account>/<region>/...`) because GitHub rejects an upload with a result that lacks a
//! file location; the ARN leads the message and is the logical location.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde_json::{Value, json};
use serde_sarif::sarif::{
    self, ArtifactLocation, Invocation, Location, LogicalLocation, Message,
    MultiformatMessageString, Notification, PhysicalLocation, PropertyBag, Region,
    ReportingDescriptor, Run, RunAutomationDetails, Suppression, Tool, ToolComponent,
};

use super::Emitter;
use crate::evaluate::Evaluation;
use crate::finding::Finding;
use crate::rules::{self, RuleDoc};
use crate::severity::Severity;

pub struct Sarif {
    /// `runAutomationDetails.id`: one category per organization keeps analyses apart.
    pub category: Option<String>,
}

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFORMATION_URI: &str = "https://github.com/tenantguard/tenantguard";

fn text(s: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s.into()).build()
}

fn properties(values: BTreeMap<String, Value>, tags: Option<Vec<String>>) -> PropertyBag {
    match tags {
        Some(tags) => PropertyBag::builder()
            .tags(tags)
            .additional_properties(values)
            .build(),
        None => PropertyBag::builder().additional_properties(values).build(),
    }
}

fn level(severity: Severity) -> sarif::ResultLevel {
    match severity {
        Severity::Critical | Severity::High => sarif::ResultLevel::Error,
        Severity::Medium => sarif::ResultLevel::Warning,
        Severity::Low | Severity::Info => sarif::ResultLevel::Note,
    }
}

fn descriptor(doc: &RuleDoc) -> ReportingDescriptor {
    let name: String = doc
        .id
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    let mut props = BTreeMap::new();
    props.insert(
        "security-severity".to_owned(),
        json!(doc.severity.security_severity()),
    );
    props.insert("precision".to_owned(), json!("high"));
    // Every rule has a reference (a test checks it); the fallback keeps the URI valid anyway.
    let help_uri = doc
        .references
        .first()
        .cloned()
        .unwrap_or_else(|| INFORMATION_URI.to_owned());
    ReportingDescriptor::builder()
        .id(doc.id.clone())
        .name(name)
        .short_description(text(doc.title.clone()))
        .full_description(text(doc.summary.trim().to_owned()))
        .help(
            MultiformatMessageString::builder()
                .text(doc.text())
                .markdown(doc.markdown())
                .build(),
        )
        .help_uri(help_uri)
        .properties(properties(
            props,
            Some(vec!["security".to_owned(), "tenant-isolation".to_owned()]),
        ))
        .build()
}

fn result(f: &Finding, rule_index: usize) -> sarif::Result {
    let physical = PhysicalLocation::builder()
        .artifact_location(ArtifactLocation::builder().uri(uri(&f.location)).build())
        .region(Region::builder().start_line(1).build())
        .build();
    let logical = LogicalLocation::builder()
        .kind("resource")
        .fully_qualified_name(f.resource.clone())
        .build();
    let location = Location::builder()
        .physical_location(physical)
        .logical_locations(vec![logical])
        .build();
    let mut props = BTreeMap::new();
    props.insert("severity".to_owned(), json!(f.severity));
    props.insert("account".to_owned(), json!(f.account));
    props.insert("region".to_owned(), json!(f.region));
    if let Some(t) = &f.tenant {
        props.insert("tenant".to_owned(), json!(t));
    }
    if let Some(c) = &f.counterpart {
        props.insert("counterpart".to_owned(), json!(c));
    }
    props.insert("evidence".to_owned(), json!(f.evidence));
    let fingerprints = BTreeMap::from([
        ("primaryLocationLineHash".to_owned(), f.fingerprint.clone()),
        ("tenantguard/v1".to_owned(), f.fingerprint.clone()),
    ]);
    let builder = sarif::Result::builder()
        .rule_id(f.rule.clone())
        .rule_index(rule_index as i64)
        .level(level(f.severity))
        .message(
            Message::builder()
                .text(format!("{}: {}", f.resource, f.message))
                .build(),
        )
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(properties(props, None));
    let justification = match (&f.exception, &f.suppression) {
        (Some(e), _) => Some(format!(
            "{} (owner: {}; tenantguard.toml exceptions[{}])",
            e.reason, e.owner, e.index
        )),
        (None, Some(s)) => Some(format!(
            "{} (owner: {}; suppressed until {})",
            s.reason, s.owner, s.expires
        )),
        (None, None) => None,
    };
    let mut result = match justification {
        Some(justification) => builder
            .suppressions(vec![
                Suppression::builder()
                    .kind(json!("external"))
                    .status(json!("accepted"))
                    .justification(justification)
                    .build(),
            ])
            .build(),
        None => builder.build(),
    };
    // On every result or on none, as SARIF requires; absent ones are left out (GitHub would
    // reopen them as alerts).
    result.baseline_state = f.baseline_state.map(|s| json!(s.as_str()));
    result
}

impl Emitter for Sarif {
    fn emit(&self, ev: &Evaluation, out: &mut dyn Write) -> io::Result<()> {
        let docs = rules::docs();
        let index = |id: &str| docs.iter().position(|d| d.id == id).unwrap_or(0);
        let results: Vec<sarif::Result> = ev
            .findings
            .iter()
            .map(|f| result(f, index(&f.rule)))
            .collect();
        let notifications: Vec<Notification> = ev
            .findings
            .iter()
            .filter(|f| f.rule == rules::NOT_SCANNED)
            .map(|f| {
                Notification::builder()
                    .level(json!("error"))
                    .message(Message::builder().text(f.message.clone()).build())
                    .build()
            })
            .collect();
        let invocation = Invocation::builder()
            .execution_successful(ev.complete())
            .tool_execution_notifications(notifications)
            .build();
        let driver = ToolComponent::builder()
            .name("tenantguard")
            .version(env!("CARGO_PKG_VERSION"))
            .information_uri(INFORMATION_URI)
            .rules(docs.iter().map(|d| descriptor(d)).collect::<Vec<_>>())
            .build();
        let category = self
            .category
            .clone()
            .unwrap_or_else(|| format!("tenantguard/{}/", ev.organization_id));
        let run = Run::builder()
            .tool(Tool::builder().driver(driver).build())
            .automation_details(RunAutomationDetails::builder().id(category).build())
            .invocations(vec![invocation])
            .properties(properties(
                BTreeMap::from([("organization_id".to_owned(), json!(ev.organization_id))]),
                None,
            ))
            .results(results)
            .build();
        let log = sarif::Sarif::builder()
            .schema(SCHEMA)
            .version(json!("2.1.0"))
            .runs(vec![run])
            .build();
        serde_json::to_writer_pretty(&mut *out, &log)?;
        writeln!(out)
    }
}

/// A location as a URI reference: a Terraform address's quotes and brackets
/// (`module.t.aws_iam_role.r["blue"]`) are not URI characters, so they are percent-encoded.
fn uri(location: &str) -> String {
    const NOT_URI: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'[')
        .add(b']')
        .add(b'<')
        .add(b'>')
        .add(b'`')
        .add(b'{')
        .add(b'}')
        .add(b'#')
        .add(b'?')
        .add(b'%');
    percent_encoding::utf8_percent_encode(location, NOT_URI).to_string()
}
