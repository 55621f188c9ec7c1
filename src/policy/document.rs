//! Reading a policy document into statements, without judging them.
//!
//! Every shape IAM accepts is read (statement object or array, string or array values,
//! URL-encoded text); anything else is a [`PolicyError`] naming the element, so that a policy
//! tenantguard does not understand is reported, never taken as harmless.

use serde_json::Value;

use crate::inventory::PolicyDocument;

/// A policy document that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {message}")]
pub struct PolicyError {
    /// Where in the document, for example `Statement[1].Principal.AWS[0]`.
    pub location: String,
    pub message: String,
}

impl PolicyError {
    fn new(location: impl Into<String>, message: impl Into<String>) -> PolicyError {
        PolicyError {
            location: location.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Principal` or `NotPrincipal`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrincipalElement {
    /// `"*"`: everyone.
    Everyone,
    /// `{"AWS": [...], "Service": [...], ...}` flattened to (kind, value) pairs.
    Typed(Vec<(String, String)>),
}

/// `Action` or `NotAction`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionElement {
    Action(Vec<String>),
    NotAction(Vec<String>),
}

/// One `operator: { key: values }` entry of a `Condition` block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionEntry {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Position in the document's statement list.
    pub index: usize,
    pub effect: Effect,
    /// `Principal` (false) or `NotPrincipal` (true), when present.
    pub principal: Option<(bool, PrincipalElement)>,
    pub action: ActionElement,
    pub conditions: Vec<ConditionEntry>,
    /// `Resource` values; `None` when absent or written as `NotResource` (which names what
    /// is *not* covered, so it cannot be read as a list of targets).
    pub resources: Option<Vec<String>>,
    /// `NotResource` values, when the statement is written that way.
    pub not_resources: Option<Vec<String>>,
    /// The statement as written: the evidence a finding quotes.
    pub raw: Value,
}

/// Decodes and parses a document into its statements.
pub fn parse(document: &PolicyDocument) -> Result<Vec<Statement>, PolicyError> {
    let value = match document {
        PolicyDocument::Json(value) => value.clone(),
        PolicyDocument::Text(text) => parse_text(text)?,
    };
    statements(&value)
}

/// `GetAccountAuthorizationDetails` and `GetRole` return documents URL-encoded; moto and
/// hand-written files do not. A document that does not start as JSON is decoded once.
fn parse_text(text: &str) -> Result<Value, PolicyError> {
    let trimmed = text.trim_start();
    let decoded;
    let json = if trimmed.starts_with('{') {
        trimmed
    } else {
        decoded = percent_encoding::percent_decode_str(trimmed)
            .decode_utf8()
            .map_err(|_| PolicyError::new("document", "URL-decoded text is not UTF-8"))?;
        &decoded
    };
    serde_json::from_str(json).map_err(|e| PolicyError::new("document", format!("not JSON: {e}")))
}

fn statements(doc: &Value) -> Result<Vec<Statement>, PolicyError> {
    let object = doc
        .as_object()
        .ok_or_else(|| PolicyError::new("document", "expected a JSON object"))?;
    for key in object.keys() {
        if !matches!(key.as_str(), "Version" | "Id" | "Statement") {
            return Err(PolicyError::new(key.as_str(), "unknown top-level element"));
        }
    }
    match object.get("Statement") {
        None => Err(PolicyError::new("Statement", "missing")),
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, s)| statement(i, s))
            .collect(),
        Some(single @ Value::Object(_)) => Ok(vec![statement(0, single)?]),
        Some(_) => Err(PolicyError::new(
            "Statement",
            "expected an object or an array of objects",
        )),
    }
}

fn statement(index: usize, raw: &Value) -> Result<Statement, PolicyError> {
    let at = |element: &str| format!("Statement[{index}].{element}");
    let object = raw
        .as_object()
        .ok_or_else(|| PolicyError::new(format!("Statement[{index}]"), "expected an object"))?;
    for key in object.keys() {
        if !matches!(
            key.as_str(),
            "Sid"
                | "Effect"
                | "Principal"
                | "NotPrincipal"
                | "Action"
                | "NotAction"
                | "Resource"
                | "NotResource"
                | "Condition"
        ) {
            return Err(PolicyError::new(at(key), "unknown statement element"));
        }
    }
    let effect = match object.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        Some(other) => {
            return Err(PolicyError::new(
                at("Effect"),
                format!("expected `Allow` or `Deny`, found `{other}`"),
            ));
        }
        None => return Err(PolicyError::new(at("Effect"), "missing or not a string")),
    };
    let principal = match (object.get("Principal"), object.get("NotPrincipal")) {
        (Some(_), Some(_)) => {
            return Err(PolicyError::new(
                at("NotPrincipal"),
                "both Principal and NotPrincipal",
            ));
        }
        (Some(p), None) => Some((false, principal_element(p, &at("Principal"))?)),
        (None, Some(p)) => Some((true, principal_element(p, &at("NotPrincipal"))?)),
        (None, None) => None,
    };
    let action = match (object.get("Action"), object.get("NotAction")) {
        (Some(_), Some(_)) => {
            return Err(PolicyError::new(
                at("NotAction"),
                "both Action and NotAction",
            ));
        }
        (Some(a), None) => ActionElement::Action(strings(a, &at("Action"))?),
        (None, Some(a)) => ActionElement::NotAction(strings(a, &at("NotAction"))?),
        (None, None) => return Err(PolicyError::new(at("Action"), "missing")),
    };
    let conditions = match object.get("Condition") {
        None => Vec::new(),
        Some(c) => condition_block(c, &at("Condition"))?,
    };
    let resources = match object.get("Resource") {
        Some(r) => Some(strings(r, &at("Resource"))?),
        None => None,
    };
    let not_resources = match object.get("NotResource") {
        Some(r) => Some(strings(r, &at("NotResource"))?),
        None => None,
    };
    Ok(Statement {
        index,
        effect,
        principal,
        action,
        conditions,
        resources,
        not_resources,
        raw: raw.clone(),
    })
}

fn principal_element(value: &Value, at: &str) -> Result<PrincipalElement, PolicyError> {
    match value {
        Value::String(s) if s == "*" => Ok(PrincipalElement::Everyone),
        Value::String(s) => Err(PolicyError::new(
            at,
            format!("a principal string must be `*`, found `{s}`"),
        )),
        Value::Object(map) => {
            let mut pairs = Vec::new();
            for (kind, values) in map {
                for v in strings(values, &format!("{at}.{kind}"))? {
                    pairs.push((kind.clone(), v));
                }
            }
            Ok(PrincipalElement::Typed(pairs))
        }
        _ => Err(PolicyError::new(at, "expected `*` or an object")),
    }
}

fn condition_block(value: &Value, at: &str) -> Result<Vec<ConditionEntry>, PolicyError> {
    let operators = value
        .as_object()
        .ok_or_else(|| PolicyError::new(at, "expected an object"))?;
    let mut entries = Vec::new();
    for (operator, keys) in operators {
        let keys = keys.as_object().ok_or_else(|| {
            PolicyError::new(format!("{at}.{operator}"), "expected an object of keys")
        })?;
        for (key, values) in keys {
            entries.push(ConditionEntry {
                operator: operator.clone(),
                key: key.clone(),
                values: condition_values(values, &format!("{at}.{operator}.{key}"))?,
            });
        }
    }
    Ok(entries)
}

/// A string or an array of strings.
fn strings(value: &Value, at: &str) -> Result<Vec<String>, PolicyError> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| PolicyError::new(format!("{at}[{i}]"), "expected a string"))
            })
            .collect(),
        _ => Err(PolicyError::new(
            at,
            "expected a string or an array of strings",
        )),
    }
}

/// Condition values may also be booleans and numbers, which IAM compares as their text.
fn condition_values(value: &Value, at: &str) -> Result<Vec<String>, PolicyError> {
    let scalar = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    match value {
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                scalar(item)
                    .ok_or_else(|| PolicyError::new(format!("{at}[{i}]"), "expected a scalar"))
            })
            .collect(),
        other => scalar(other)
            .map(|s| vec![s])
            .ok_or_else(|| PolicyError::new(at, "expected a scalar or an array of scalars")),
    }
}
