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
            let mut f = Finding::new(
                doc,
                Subject {
                    account: "config".to_owned(),
                    region: None,
                    tenant: e.tenant.clone(),
                    resource: format!("tenantguard.toml#exceptions[{i}]"),
                    kind_path: format!("exceptions/{i}"),
                },
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
