//! A previous report as the baseline of this one: each finding is new or unchanged by its
//! fingerprint, and what the baseline had that this scan lacks is absent.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::severity::Severity;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineState {
    New,
    Unchanged,
    Absent,
}

impl BaselineState {
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
            BaselineState::Absent => "absent",
        }
    }
}

/// What the baseline knew of one finding: enough to show it when it has gone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Known {
    pub fingerprint: String,
    pub rule: String,
    pub severity: Severity,
    pub resource: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct Baseline {
    pub organization_id: String,
    pub findings: BTreeMap<String, Known>,
}

#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("cannot read baseline `{path}`: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid baseline `{path}`: {message}")]
    Invalid { path: String, message: String },
}

impl Baseline {
    /// Reads a JSON report or a SARIF log that tenantguard wrote.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| BaselineError::Read {
            path: shown.clone(),
            source,
        })?;
        let invalid = |message: String| BaselineError::Invalid {
            path: shown.clone(),
            message,
        };
        let v: Value =
            serde_json::from_str(&text).map_err(|e| invalid(format!("not JSON: {e}")))?;
        if v.get("runs").is_some() {
            Self::from_sarif(&v).map_err(invalid)
        } else if v.get("report_format_version").is_some() {
            Self::from_json_report(&v).map_err(invalid)
        } else {
            Err(invalid(
                "neither a tenantguard JSON report nor a SARIF log".to_owned(),
            ))
        }
    }

    fn from_json_report(v: &Value) -> Result<Baseline, String> {
        if v["report_format_version"] != 1 {
            return Err(format!(
                "`report_format_version` {} is not 1",
                v["report_format_version"]
            ));
        }
        let organization_id = v["organization_id"]
            .as_str()
            .ok_or("`organization_id` missing")?
            .to_owned();
        let list = v["findings"]
            .as_array()
            .ok_or("`findings` is not an array")?;
        let mut findings = BTreeMap::new();
        for (i, f) in list.iter().enumerate() {
            let field = |name: &str| {
                f[name]
                    .as_str()
                    .map(str::to_owned)
                    .ok_or(format!("`findings[{i}].{name}` is missing or not a string"))
            };
            let severity: Severity = field("severity")?
                .parse()
                .map_err(|e| format!("`findings[{i}].severity`: {e}"))?;
            let known = Known {
                fingerprint: field("fingerprint")?,
                rule: field("rule")?,
                severity,
                resource: field("resource")?,
                message: field("message")?,
            };
            findings.insert(known.fingerprint.clone(), known);
        }
        Ok(Baseline {
            organization_id,
            findings,
        })
    }

    fn from_sarif(v: &Value) -> Result<Baseline, String> {
        let run = &v["runs"][0];
        if run["tool"]["driver"]["name"] != "tenantguard" {
            return Err("`runs[0].tool.driver.name` is not `tenantguard`".to_owned());
        }
        let organization_id = run["properties"]["organization_id"]
            .as_str()
            .ok_or("`runs[0].properties.organization_id` missing")?
            .to_owned();
        let results = run["results"]
            .as_array()
            .ok_or("`runs[0].results` is not an array")?;
        let mut findings = BTreeMap::new();
        for (i, r) in results.iter().enumerate() {
            let at = |p: &str| format!("`runs[0].results[{i}].{p}` is missing");
            let fingerprint = r["partialFingerprints"]["tenantguard/v1"]
                .as_str()
                .ok_or_else(|| at("partialFingerprints"))?;
            let severity: Severity = r["properties"]["severity"]
                .as_str()
                .ok_or_else(|| at("properties.severity"))?
                .parse()
                .map_err(|e| format!("`runs[0].results[{i}].properties.severity`: {e}"))?;
            let resource = r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                .as_str()
                .ok_or_else(|| at("locations"))?;
            let message = r["message"]["text"].as_str().ok_or_else(|| at("message"))?;
            findings.insert(
                fingerprint.to_owned(),
                Known {
                    fingerprint: fingerprint.to_owned(),
                    rule: r["ruleId"].as_str().ok_or_else(|| at("ruleId"))?.to_owned(),
                    severity,
                    resource: resource.to_owned(),
                    message: message
                        .strip_prefix(&format!("{resource}: "))
                        .unwrap_or(message)
                        .to_owned(),
                },
            );
        }
        Ok(Baseline {
            organization_id,
            findings,
        })
    }
}
