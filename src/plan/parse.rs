//! Reading `terraform show -json` output: the resource changes, the configuration (for
//! provider settings and policy-document blocks) and the variables.

use serde_json::Value;

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

impl Plan {
    pub fn load(path: &std::path::Path) -> Result<Plan, PlanError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| PlanError::Read {
            path: shown.clone(),
            source,
        })?;
        Plan::parse(&text, &shown)
    }

    pub fn parse(text: &str, shown: &str) -> Result<Plan, PlanError> {
        let invalid = |message: String| PlanError::Invalid {
            path: shown.to_owned(),
            message,
        };
        let v: Value = serde_json::from_str(text).map_err(|e| invalid(format!("not JSON: {e}")))?;
        let version = v
            .get("format_version")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                invalid(
                    "missing `format_version`: not the output of `terraform show -json PLANFILE`"
                        .into(),
                )
            })?;
        if !version.starts_with("1.") {
            return Err(invalid(format!(
                "format_version `{version}` is not 1.x, the JSON plan format this build reads"
            )));
        }
        let list = match v.get("resource_changes") {
            None => Vec::new(),
            Some(Value::Array(list)) => list.clone(),
            Some(_) => return Err(invalid("`resource_changes` is not an array".into())),
        };
        let mut changes = Vec::new();
        for (i, rc) in list.iter().enumerate() {
            let field = |name: &str| {
                rc.get(name)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| {
                        invalid(format!(
                            "`resource_changes[{i}].{name}` is missing or not a string"
                        ))
                    })
            };
            let address = field("address")?;
            let change = rc
                .get("change")
                .ok_or_else(|| invalid(format!("`resource_changes[{i}].change` is missing")))?;
            let actions = change
                .get("actions")
                .and_then(Value::as_array)
                .ok_or_else(|| {
                    invalid(format!("`resource_changes[{i}].change.actions` is missing"))
                })?
                .iter()
                .map(|a| a.as_str().unwrap_or_default().to_owned())
                .collect();
            changes.push(Change {
                modules: module_path(&address),
                mode: rc
                    .get("mode")
                    .and_then(Value::as_str)
                    .unwrap_or("managed")
                    .to_owned(),
                kind: field("type")?,
                name: field("name")?,
                address,
                actions,
                before: change.get("before").cloned().unwrap_or(Value::Null),
                after: change.get("after").cloned().unwrap_or(Value::Null),
                after_unknown: change.get("after_unknown").cloned().unwrap_or(Value::Null),
            });
        }
        Ok(Plan {
            changes,
            configuration: v.get("configuration").cloned().unwrap_or(Value::Null),
            variables: v.get("variables").cloned().unwrap_or(Value::Null),
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
