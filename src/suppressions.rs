//! `tenantguard-suppressions.toml`: findings a reviewer accepted for a while. Unlike the
//! configuration's exceptions (design decisions), every suppression expires: after its date it
//! stops suppressing and is itself reported, and one that matches nothing is reported too.

use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::config::ConfigError;
use crate::date::Date;

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SuppressionFile {
    #[serde(default)]
    pub suppressions: Vec<Suppression>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    pub rule: String,
    /// The finding's resource (ARN or id), `*` and `?` as wildcards.
    pub resource: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// The fingerprint of the one finding meant, when written by `tenantguard suppress`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
    pub reason: String,
    pub owner: String,
    /// `YYYY-MM-DD`: the last day the suppression holds.
    pub expires: String,
}

impl Suppression {
    pub fn expiry(&self) -> Date {
        Date::parse(&self.expires).expect("validated on load")
    }

    pub fn matches(
        &self,
        rule: &str,
        resource: &str,
        tenant: Option<&str>,
        fingerprint: &str,
    ) -> bool {
        self.rule == rule
            && crate::config::matches_resource(&self.resource, resource)
            && self.tenant.as_deref().is_none_or(|t| Some(t) == tenant)
            && self.fingerprint.as_deref().is_none_or(|f| f == fingerprint)
    }
}

impl SuppressionFile {
    pub fn load(path: &Path, known_rules: &[&str]) -> Result<SuppressionFile, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        Self::parse(&text, &shown, known_rules)
    }

    pub fn parse(
        text: &str,
        shown: &str,
        known_rules: &[&str],
    ) -> Result<SuppressionFile, ConfigError> {
        let file: SuppressionFile = crate::config::parse_toml(text, shown)?;
        for (i, s) in file.suppressions.iter().enumerate() {
            let field = |name: &str, message: String| ConfigError::Field {
                path: shown.to_owned(),
                field: format!("suppressions[{i}].{name}"),
                message,
            };
            if !known_rules.contains(&s.rule.as_str()) {
                return Err(field(
                    "rule",
                    format!("unknown rule `{}` (`tenantguard rules` lists them)", s.rule),
                ));
            }
            for (name, value) in [
                ("resource", &s.resource),
                ("reason", &s.reason),
                ("owner", &s.owner),
            ] {
                if value.trim().is_empty() {
                    return Err(field(name, "must not be empty".to_owned()));
                }
            }
            if Date::parse(&s.expires).is_none() {
                return Err(field(
                    "expires",
                    format!("`{}` is not a date (YYYY-MM-DD)", s.expires),
                ));
            }
            if s.rule == crate::rules::NOT_SCANNED {
                return Err(field("rule", "`not-scanned` cannot be suppressed: an account that was not read is never clean".to_owned()));
            }
        }
        Ok(file)
    }

    /// Appends one entry to the file, creating it if needed; the rest of the file is kept as
    /// written.
    pub fn append(path: &Path, entry: &Suppression) -> std::io::Result<()> {
        let mut text = std::fs::read_to_string(path).unwrap_or_default();
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        if !text.is_empty() {
            text.push('\n');
        }
        let wrapper = SuppressionFile {
            suppressions: vec![entry.clone()],
        };
        text.push_str(&toml::to_string(&wrapper).expect("a suppression serializes"));
        std::fs::write(path, text)
    }
}
