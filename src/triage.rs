//! What happens to findings after every rule has run, in one place: disabled rules are
//! dropped, severities overridden, exceptions applied, stale exceptions reported, and the
//! result sorted. Rules never see any of this.

use serde_json::json;

use crate::config::Config;
use crate::finding::{AppliedException, Finding, Subject};
use crate::rules::{Rule, UnusedException};

pub fn triage(findings: Vec<Finding>, config: &Config) -> Vec<Finding> {
    let mut used = vec![false; config.exceptions.len()];
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter(|f| !config.disabled.contains(&f.rule))
        .map(|mut f| {
            if let Some(severity) = config.severity.get(&f.rule) {
                f.severity = *severity;
            }
            let counterparts: Vec<&str> = f
                .counterpart
                .iter()
                .flat_map(|c| [c.account.as_deref(), c.tenant.as_deref()])
                .flatten()
                .collect();
            let hit = config
                .exceptions
                .iter()
                .position(|e| e.matches(&f.rule, &f.resource, f.tenant.as_deref(), &counterparts));
            if let Some(i) = hit {
                used[i] = true;
                let e = &config.exceptions[i];
                f.exception = Some(AppliedException {
                    index: i,
                    owner: e.owner.clone(),
                    reason: e.reason.clone(),
                });
            }
            f
        })
        .collect();
    let doc = UnusedException.doc();
    if !config.disabled.contains(&doc.id) {
        for (i, e) in config
            .exceptions
            .iter()
            .enumerate()
            .filter(|(i, _)| !used[*i])
        {
            let mut f = entry_finding(
                doc,
                e.tenant.clone(),
                ("tenantguard.toml", "exceptions", i),
                format!(
                    "exception {i} (rule `{}`, resource `{}`, owner `{}`) matched no finding",
                    e.rule, e.resource, e.owner
                ),
                json!({"exception": e}),
            );
            if let Some(severity) = config.severity.get(&f.rule) {
                f.severity = *severity;
            }
            out.push(f);
        }
    }
    out.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    out
}

/// The CI gate's inputs, applied after evaluation: suppressions (which expire) and a baseline.
pub fn gate(
    evaluation: &mut crate::evaluation::Evaluation,
    suppressions: Option<(&crate::suppressions::SuppressionFile, &str)>,
    baseline: Option<&crate::baseline::Baseline>,
    today: crate::date::Date,
) {
    use crate::baseline::BaselineState;
    use crate::finding::AppliedSuppression;
    use crate::rules::{ExpiredSuppression, NOT_SCANNED};

    if let Some((file, shown)) = suppressions {
        let mut matched = vec![false; file.suppressions.len()];
        let mut expired_hits = Vec::new();
        for f in evaluation
            .findings
            .iter_mut()
            .filter(|f| f.exception.is_none() && f.rule != NOT_SCANNED)
        {
            let hit = file
                .suppressions
                .iter()
                .position(|s| s.matches(&f.rule, &f.resource, f.tenant.as_deref(), &f.fingerprint));
            let Some(i) = hit else { continue };
            matched[i] = true;
            let s = &file.suppressions[i];
            if s.expiry() >= today {
                f.suppression = Some(AppliedSuppression {
                    index: i,
                    owner: s.owner.clone(),
                    reason: s.reason.clone(),
                    expires: s.expires.clone(),
                });
            } else {
                expired_hits.push((i, f.fingerprint.clone(), f.resource.clone()));
            }
        }
        let mut extra = Vec::new();
        for (i, fingerprint, resource) in expired_hits {
            let s = &file.suppressions[i];
            extra.push(entry_finding(
                ExpiredSuppression.doc(),
                s.tenant.clone(),
                (shown, "suppressions", i),
                format!(
                    "suppression {i} of `{}` (owner `{}`) expired on {}; finding {fingerprint} on `{resource}` counts again",
                    s.rule, s.owner, s.expires
                ),
                json!({"suppression": s, "finding": fingerprint}),
            ));
        }
        let unused = UnusedException.doc();
        for (i, s) in file
            .suppressions
            .iter()
            .enumerate()
            .filter(|(i, _)| !matched[*i])
        {
            extra.push(entry_finding(
                unused,
                s.tenant.clone(),
                (shown, "suppressions", i),
                format!(
                    "suppression {i} (rule `{}`, resource `{}`, owner `{}`) matched no finding",
                    s.rule, s.resource, s.owner
                ),
                json!({"suppression": s}),
            ));
        }
        evaluation.findings.extend(extra);
    }
    if let Some(baseline) = baseline {
        for f in &mut evaluation.findings {
            f.baseline_state = Some(if baseline.findings.contains_key(&f.fingerprint) {
                BaselineState::Unchanged
            } else {
                BaselineState::New
            });
        }
        let current: std::collections::BTreeSet<&str> = evaluation
            .findings
            .iter()
            .map(|f| f.fingerprint.as_str())
            .collect();
        evaluation.absent = Some(
            baseline
                .findings
                .values()
                .filter(|k| !current.contains(k.fingerprint.as_str()))
                .cloned()
                .collect(),
        );
    }
    evaluation
        .findings
        .sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// A finding about an entry of a configuration file (`list[i]` of `file`), not about AWS.
fn entry_finding(
    doc: &crate::rules::RuleDoc,
    tenant: Option<String>,
    (file, list, i): (&str, &str, usize),
    message: String,
    evidence: serde_json::Value,
) -> Finding {
    let subject = Subject {
        account: "config".to_owned(),
        region: None,
        tenant,
        resource: format!("{file}#{list}[{i}]"),
        kind_path: format!("{list}/{i}"),
    };
    Finding::new(doc, subject, message, evidence)
}
