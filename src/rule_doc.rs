//! A rule's documentation, written once under `rules/<id>.toml` and read by `explain`, the
//! SARIF `help`, the README's table and every finding. It sits below both the rules and the
//! findings, which each need it.

use serde::Deserialize;

use crate::severity::Severity;

/// A rule's documentation, as written in `rules/<id>.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDoc {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    /// One sentence: what the rule finds.
    pub summary: String,
    /// Why it matters.
    pub rationale: String,
    /// What to do about it.
    pub remediation: String,
    pub references: Vec<String>,
}

impl RuleDoc {
    /// Parses a rule's documentation file; they are compiled in, and a test parses every one.
    pub fn parse(text: &str) -> RuleDoc {
        toml::from_str(text).unwrap_or_else(|e| panic!("rule documentation does not parse: {e}"))
    }

    /// The documentation as Markdown: `explain` prints it, SARIF carries it as `help`.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "# {}: {}\n\nSeverity: **{}**\n\n{}\n\n## Why it matters\n\n{}\n\n## What to do\n\n{}\n",
            self.id,
            self.title,
            self.severity,
            self.summary.trim(),
            self.rationale.trim(),
            self.remediation.trim()
        );
        if !self.references.is_empty() {
            out.push_str("\n## References\n\n");
            for r in &self.references {
                out.push_str(&format!("- <{r}>\n"));
            }
        }
        out
    }

    /// The same documentation as plain text.
    pub fn text(&self) -> String {
        format!(
            "{}: {}\nSeverity: {}\n\n{}\n\nWhy it matters:\n{}\n\nWhat to do:\n{}\n\nReferences:\n{}\n",
            self.id,
            self.title,
            self.severity,
            self.summary.trim(),
            self.rationale.trim(),
            self.remediation.trim(),
            self.references
                .iter()
                .map(|r| format!("  {r}"))
                .collect::<Vec<_>>()
                .join("\n")
        )
    }
}
