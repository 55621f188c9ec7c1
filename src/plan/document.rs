//! Policies known only after apply, rebuilt from the `data "aws_iam_policy_document"` block
//! they reference when the configuration carries its statements as constants (or as
//! references to planned resources whose account is known).

use serde_json::{Map, Value, json};

use super::parse::Plan;

/// What a reference to another planned resource's attribute stands for, when known: the
/// account (and, for a role, the ARN) it names.
pub trait Resolve {
    fn reference(&self, reference: &str, modules: &[String]) -> Option<String>;
}

/// Condition keys that can decide which account a request comes from or acts for (see
/// `policy::condition`, `policy::source`, `policy::impossible`).
fn decides_account(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    matches!(
        key.as_str(),
        "aws:principalaccount"
            | "aws:principalarn"
            | "aws:principalorgid"
            | "aws:principalorgpaths"
            | "aws:principalisawsservice"
            | "aws:userid"
            | "kms:calleraccount"
            | "aws:sourceaccount"
            | "aws:sourcearn"
            | "aws:sourceowner"
            | "aws:sourceorgid"
            | "aws:sourceorgpaths"
            | "aws:resourceaccount"
            | "s3:resourceaccount"
            | "aws:resourceorgid"
            | "aws:currenttime"
    ) || key.starts_with("kms:encryptioncontext:aws:")
}

/// Whether an expression references a resource whose address starts with `prefix`.
fn references_to(expression: Option<&Value>, prefix: &str) -> bool {
    expression
        .and_then(|e| e.get("references"))
        .and_then(Value::as_array)
        .is_some_and(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .any(|r| r.starts_with(prefix) || r.contains(&format!(".{prefix}")))
        })
}

/// The policy a resource attribute's expression builds, when it is a data source's `json`
/// whose statements can all be known. `Err` names what stays unknown.
pub fn rebuild(
    plan: &Plan,
    modules: &[String],
    expression: Option<&Value>,
    resolve: &dyn Resolve,
) -> Result<String, String> {
    let refs: Vec<&str> = expression
        .and_then(|e| e.get("references"))
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(data) = refs
        .iter()
        .find_map(|r| r.strip_prefix("data.aws_iam_policy_document."))
    else {
        return Err(match refs.first() {
            Some(r) => format!("it is computed from `{r}`, which is known only after apply"),
            None => "it is known only after apply".to_owned(),
        });
    };
    let name = data.split('.').next().unwrap_or(data);
    let block = plan
        .resource_config(modules, "data", "aws_iam_policy_document", name)
        .and_then(|r| r.get("expressions"))
        .ok_or_else(|| {
            format!("`data.aws_iam_policy_document.{name}` is not in the plan's configuration")
        })?;
    let statements = block
        .get("statement")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            format!(
                "`data.aws_iam_policy_document.{name}` has no statement blocks in the configuration"
            )
        })?;
    if block.get("source_policy_documents").is_some()
        || block.get("override_policy_documents").is_some()
    {
        return Err(format!(
            "`data.aws_iam_policy_document.{name}` merges other documents, which the plan does not carry"
        ));
    }
    let value = |e: Option<&Value>, what: &str| -> Result<Option<Value>, String> {
        let Some(e) = e else { return Ok(None) };
        if let Some(c) = e.get("constant_value") {
            return Ok(Some(c.clone()));
        }
        let refs: Vec<&str> = e
            .get("references")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        // References come as `a.b.arn` then `a.b`: resolve the first that can be.
        let resolved: Option<String> = refs.iter().find_map(|r| resolve.reference(r, modules));
        match resolved {
            Some(v) => Ok(Some(json!([v]))),
            None => Err(format!(
                "the {what} of `data.aws_iam_policy_document.{name}` is `{}`, known only after apply",
                refs.first().copied().unwrap_or("an expression")
            )),
        }
    };
    let mut out = Vec::new();
    for s in statements {
        let mut st = Map::new();
        let effect = value(s.get("effect"), "effect")?.and_then(|v| v.as_str().map(str::to_owned));
        st.insert(
            "Effect".into(),
            json!(effect.unwrap_or_else(|| "Allow".into())),
        );
        for (field, key) in [
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ] {
            if let Some(v) = value(s.get(field), field)? {
                st.insert(key.into(), v);
            }
        }
        for (field, key) in [
            ("principals", "Principal"),
            ("not_principals", "NotPrincipal"),
        ] {
            let Some(blocks) = s.get(field).and_then(Value::as_array) else {
                continue;
            };
            let mut principal = Map::new();
            for b in blocks {
                let kind = value(b.get("type"), "principal type")?
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_else(|| "AWS".into());
                let ids = value(b.get("identifiers"), "principal")?.unwrap_or(json!([]));
                let entry = principal.entry(kind).or_insert_with(|| json!([]));
                for id in ids.as_array().cloned().unwrap_or_else(|| vec![ids.clone()]) {
                    entry.as_array_mut().expect("an array").push(id);
                }
            }
            st.insert(key.into(), Value::Object(principal));
        }
        let allow = st.get("Effect") == Some(&json!("Allow"));
        if let Some(conditions) = s.get("condition").and_then(Value::as_array) {
            let mut block = Map::new();
            for c in conditions {
                let test = value(c.get("test"), "condition operator")?;
                let variable = value(c.get("variable"), "condition key");
                let values = value(c.get("values"), "condition value");
                // On an Allow, a condition that cannot say which account calls (a web
                // identity claim such as `<oidc provider url>:sub`, a tag, the source IP) only
                // narrows the grant further: left out when its value is known only after
                // apply, the grant is judged wider than it is, never narrower. A Deny's
                // conditions, and keys that decide the account, must be known.
                let claim = || references_to(c.get("variable"), "aws_iam_openid_connect_provider.");
                let widening = allow
                    && match &variable {
                        Ok(Some(Value::String(k))) => !decides_account(k),
                        // A key built from a planned resource (`${aws_iam_openid_connect_provider.x.url}:sub`).
                        Ok(Some(Value::Array(_))) | Err(_) => claim(),
                        _ => false,
                    };
                let key_written = matches!(variable, Ok(Some(Value::String(_))));
                if widening && (values.is_err() || !key_written) {
                    continue;
                }
                let (variable, values) = (variable?, values?);
                let (Some(Value::String(test)), Some(Value::String(variable)), Some(values)) =
                    (test, variable, values)
                else {
                    return Err(format!(
                        "a condition of `data.aws_iam_policy_document.{name}` is incomplete in the configuration"
                    ));
                };
                block
                    .entry(test)
                    .or_insert_with(|| json!({}))
                    .as_object_mut()
                    .expect("an object")
                    .insert(variable, values);
            }
            st.insert("Condition".into(), Value::Object(block));
        }
        out.push(Value::Object(st));
    }
    Ok(json!({"Version": "2012-10-17", "Statement": out}).to_string())
}
