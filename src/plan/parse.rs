//! Reading `terraform show -json` output: the resource changes, the configuration (for
//! provider settings and policy-document blocks) and the variables.

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;
use serde_json::value::RawValue;

/// A plan that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("cannot read plan `{path}`: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid plan `{path}`: {message}")]
    Invalid { path: String, message: String },
}

/// One `resource_changes[]` entry.
#[derive(Debug, Clone)]
pub struct Change {
    pub address: String,
    /// The module path of the address: `["tenant_acme"]` for `module.tenant_acme.aws_x.y`.
    pub modules: Vec<String>,
    pub mode: String,
    pub kind: String,
    pub name: String,
    pub actions: Vec<String>,
    pub before: Value,
    pub after: Value,
    pub after_unknown: Value,
}

impl Change {
    /// `no-op`, `read` (a data source) and `forget` (Terraform 1.7's `removed` block with
    /// `destroy = false`: the resource leaves the state, not AWS) change nothing in AWS.
    pub fn changes_nothing(&self) -> bool {
        self.actions
            .iter()
            .all(|a| matches!(a.as_str(), "no-op" | "read" | "forget"))
    }

    pub fn deletes(&self) -> bool {
        self.actions.iter().any(|a| a == "delete") && !self.creates()
    }

    pub fn creates(&self) -> bool {
        self.actions.iter().any(|a| a == "create" || a == "update")
    }

    /// Whether `attribute` of the planned state is known only after apply.
    pub fn unknown(&self, attribute: &str) -> bool {
        self.after_unknown
            .get(attribute)
            .is_some_and(|v| v == &Value::Bool(true))
    }

    /// A string attribute of the planned state, when known.
    pub fn text(&self, attribute: &str) -> Option<&str> {
        self.after.get(attribute).and_then(Value::as_str)
    }
}

pub struct Plan {
    pub changes: Vec<Change>,
    pub configuration: Value,
    pub variables: Value,
}

/// The parts of `terraform show -json` output the gate reads. Everything else (the planned
/// values, the prior state, checks, output changes: the bulk of a large plan) is skipped
/// while reading, never held in memory.
#[derive(Deserialize)]
struct Shown<'a> {
    format_version: Option<String>,
    #[serde(default)]
    errored: bool,
    #[serde(borrow)]
    resource_changes: Option<Vec<RawChange<'a>>>,
    planned_values: Option<IgnoredAny>,
    /// Only a state (`terraform show -json` without a plan file) has top-level `values`.
    values: Option<IgnoredAny>,
    #[serde(default)]
    configuration: Value,
    #[serde(default)]
    variables: Value,
}

#[derive(Deserialize)]
struct RawChange<'a> {
    address: Option<String>,
    mode: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    name: Option<String>,
    /// Left as text until the type is known: the before and after of a type that bears on
    /// nothing the gate judges (instances, DNS records, ...) are never built in memory.
    #[serde(borrow)]
    change: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct RawDiff {
    actions: Option<Vec<String>>,
    #[serde(default)]
    before: Value,
    #[serde(default)]
    after: Value,
    #[serde(default)]
    after_unknown: Value,
}

#[derive(Deserialize)]
struct Actions {
    actions: Option<Vec<String>>,
}

/// Whether the gate reads anything of a change of this type beyond its actions: the types the
/// overlay models, and those whose names and ARNs other resources reference.
fn relevant(kind: &str) -> bool {
    super::types::UNDERSTOOD.contains(&kind) || super::types::REFERENCED.contains(&kind)
}

/// How to produce the file the gate reads, said in every refusal.
const HOW: &str =
    "write it with `terraform plan -out=tfplan && terraform show -json tfplan > plan.json`";

/// The text of a plan file: UTF-8 (a byte-order mark dropped) or UTF-16 with a byte-order
/// mark (what `>` writes in Windows PowerShell 5.1). Other bytes are refused with what they
/// look like.
pub fn decode(bytes: Vec<u8>) -> Result<String, String> {
    let utf16 = |le: bool| {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|b| {
                if le {
                    u16::from_le_bytes([b[0], b[1]])
                } else {
                    u16::from_be_bytes([b[0], b[1]])
                }
            })
            .collect();
        String::from_utf16(&units).map_err(|_| "UTF-16 text with invalid characters".to_owned())
    };
    match bytes.as_slice() {
        [0x1f, 0x8b, ..] => Err(format!(
            "gzip-compressed data, not a JSON plan: decompress it, or {HOW}"
        )),
        [0xef, 0xbb, 0xbf, ..] => {
            String::from_utf8(bytes[3..].to_vec()).map_err(|_| "not UTF-8 text".to_owned())
        }
        [0xff, 0xfe, ..] => utf16(true),
        [0xfe, 0xff, ..] => utf16(false),
        _ => String::from_utf8(bytes.to_vec())
            .map_err(|_| format!("not UTF-8 or UTF-16 text (a binary plan file?): {HOW}")),
    }
}

impl Plan {
    pub fn load(path: &std::path::Path) -> Result<Plan, PlanError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| PlanError::Read {
            path: shown.clone(),
            source,
        })?;
        let text = decode(bytes).map_err(|message| PlanError::Invalid {
            path: shown.clone(),
            message,
        })?;
        Plan::parse(&text, &shown)
    }

    pub fn parse(text: &str, shown: &str) -> Result<Plan, PlanError> {
        let invalid = |message: String| PlanError::Invalid {
            path: shown.to_owned(),
            message,
        };
        let trimmed = text.trim_start();
        if trimmed.starts_with("[command]") || trimmed.starts_with("::debug::") {
            return Err(invalid(
                "the log of hashicorp/setup-terraform's wrapper, not the plan: set `terraform_wrapper: false` on the setup step (or run `terraform-bin`)".into(),
            ));
        }
        let v: Shown = serde_json::from_str(text)
            .map_err(|e| invalid(format!("not a JSON plan ({e}): {HOW}")))?;
        let version = v.format_version.as_deref().ok_or_else(|| {
            invalid(format!(
                "missing `format_version`: not the output of `terraform show -json`; {HOW}"
            ))
        })?;
        // 0.1 (Terraform 0.12 to 0.14), 0.2 (0.15 to 1.0) and 1.x carry every field read.
        if !(version.starts_with("0.") || version.starts_with("1.")) {
            return Err(invalid(format!(
                "format_version `{version}` is newer than the 0.x and 1.x JSON plan formats this build reads"
            )));
        }
        if v.errored {
            return Err(invalid(format!(
                "a plan that failed (`\"errored\": true`): fix the errors `terraform plan` reported, then {HOW}"
            )));
        }
        if v.values.is_some() || (v.resource_changes.is_none() && v.planned_values.is_none()) {
            return Err(invalid(format!(
                "a state, not a plan (`terraform show -json` was given no plan file): {HOW}"
            )));
        }
        let mut changes = Vec::new();
        for (i, rc) in v
            .resource_changes
            .unwrap_or_default()
            .into_iter()
            .enumerate()
        {
            let missing = |name: &str| {
                invalid(format!(
                    "`resource_changes[{i}].{name}` is missing or not a string"
                ))
            };
            let address = rc.address.ok_or_else(|| missing("address"))?;
            let kind = rc.kind.ok_or_else(|| missing("type"))?;
            let raw = rc
                .change
                .ok_or_else(|| invalid(format!("`resource_changes[{i}].change` is missing")))?;
            let change: RawDiff = if relevant(&kind) {
                serde_json::from_str(raw.get())
            } else {
                serde_json::from_str::<Actions>(raw.get()).map(|a| RawDiff {
                    actions: a.actions,
                    before: Value::Null,
                    after: Value::Null,
                    after_unknown: Value::Null,
                })
            }
            .map_err(|e| invalid(format!("`resource_changes[{i}].change`: {e}")))?;
            let actions = change.actions.ok_or_else(|| {
                invalid(format!("`resource_changes[{i}].change.actions` is missing"))
            })?;
            changes.push(Change {
                modules: module_path(&address),
                mode: rc.mode.unwrap_or_else(|| "managed".to_owned()),
                kind,
                name: rc.name.ok_or_else(|| missing("name"))?,
                address,
                actions,
                before: change.before,
                after: change.after,
                after_unknown: change.after_unknown,
            });
        }
        Ok(Plan {
            changes,
            configuration: v.configuration,
            variables: v.variables,
        })
    }

    /// The configuration block of the module at `modules` (the root for `[]`).
    pub fn module(&self, modules: &[String]) -> Option<&Value> {
        let mut at = self.configuration.get("root_module")?;
        for m in modules {
            at = at.get("module_calls")?.get(m)?.get("module")?;
        }
        Some(at)
    }

    /// The configuration entry of a resource (`mode` `managed` or `data`) in a module.
    pub fn resource_config(
        &self,
        modules: &[String],
        mode: &str,
        kind: &str,
        name: &str,
    ) -> Option<&Value> {
        self.module(modules)?
            .get("resources")?
            .as_array()?
            .iter()
            .find(|r| {
                r.get("type").and_then(Value::as_str) == Some(kind)
                    && r.get("name").and_then(Value::as_str) == Some(name)
                    && r.get("mode").and_then(Value::as_str).unwrap_or("managed") == mode
            })
    }

    /// A root variable's value.
    pub fn variable(&self, name: &str) -> Option<&Value> {
        self.variables.get(name)?.get("value")
    }
}

/// `module.a.module.b.aws_x.y["k"]` → `["a", "b"]` (indexes dropped).
pub fn module_path(address: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let end = after.find(['.', '[']).unwrap_or(after.len());
        out.push(after[..end].to_owned());
        rest = &after[end..];
        if rest.starts_with('[') {
            rest = rest.find("].").map_or("", |i| &rest[i + 1..]);
        }
        rest = rest.strip_prefix('.').unwrap_or(rest);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_drop_indexes() {
        assert_eq!(module_path("aws_iam_role.x"), Vec::<String>::new());
        assert_eq!(
            module_path("module.tenant_acme.aws_iam_role.x"),
            ["tenant_acme"]
        );
        assert_eq!(
            module_path("module.t[\"a\"].module.inner[0].aws_iam_role.x"),
            ["t", "inner"]
        );
    }
}
