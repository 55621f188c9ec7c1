//! Which account a planned resource lands in, from the provider configuration it uses.
//!
//! `resource_changes` do not name the provider alias; the configuration does: the resource's
//! `provider_config_key` (`aws.tenant_acme`, `tenant_acme:aws` inside a module) leads to
//! `configuration.provider_config[key].expressions`, where `assume_role[0].role_arn` (the
//! ARN's account) or a single `allowed_account_ids` entry pins the account, as a constant or
//! through a root variable. Anything else is unknown; `--provider-account KEY=ACCOUNT` says
//! what the plan cannot, by provider key or alias.

use std::collections::BTreeMap;

use serde_json::Value;

use super::parse::{Change, Plan};
use crate::policy::principal::is_account_id;

/// The key under which `--account` gives the account of every provider nothing else places.
pub const DEFAULT: &str = "*";

/// The provider key and what it resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub provider: String,
    pub account: Option<String>,
    pub region: Option<String>,
}

pub fn placement(plan: &Plan, change: &Change, overrides: &BTreeMap<String, String>) -> Placement {
    let key = plan
        .resource_config(&change.modules, &change.mode, &change.kind, &change.name)
        .and_then(|r| r.get("provider_config_key"))
        .and_then(Value::as_str)
        .unwrap_or("aws")
        .to_owned();
    // A module without a provider block of its own uses its caller's (`m:aws` is then not in
    // `provider_config`, and the root's `aws` is meant).
    let configs = plan.configuration.get("provider_config");
    let key = match key.rsplit_once(':') {
        Some((_, inherited)) if configs.and_then(|p| p.get(&key)).is_none() => inherited.to_owned(),
        _ => key,
    };
    let config = configs.and_then(|p| p.get(&key));
    let alias = config
        .and_then(|c| c.get("alias"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let overridden = [
        Some(key.clone()),
        alias.clone(),
        alias.as_ref().map(|a| format!("aws.{a}")),
    ]
    .into_iter()
    .flatten()
    .find_map(|k| overrides.get(&k).cloned());
    let expressions = config.and_then(|c| c.get("expressions"));
    let account = overridden
        .or_else(|| {
            let from_role = expressions
                .and_then(|e| e.get("assume_role"))
                .and_then(|a| a.get(0).or(Some(a)))
                .and_then(|a| a.get("role_arn"))
                .and_then(|e| constant(plan, e))
                .and_then(|arn| {
                    arn.as_str()
                        .and_then(|a| a.split(':').nth(4))
                        .map(str::to_owned)
                })
                .filter(|a| is_account_id(a));
            let from_allowed = || {
                expressions
                    .and_then(|e| e.get("allowed_account_ids"))
                    .and_then(|e| constant(plan, e))
                    .and_then(|v| match v.as_array() {
                        Some(list) if list.len() == 1 => list[0].as_str().map(str::to_owned),
                        _ => None,
                    })
                    .filter(|a| is_account_id(a))
            };
            from_role.or_else(from_allowed)
        })
        // `--account`: the account every provider the plan does not place acts in (one workspace
        // per account, credentials from the environment).
        .or_else(|| overrides.get(DEFAULT).cloned());
    let region = expressions
        .and_then(|e| e.get("region"))
        .and_then(|e| constant(plan, e))
        .and_then(|v| v.as_str().map(str::to_owned));
    Placement {
        provider: key,
        account,
        region,
    }
}

/// An expression's value when it is a constant or a root variable (`var.x`).
pub fn constant(plan: &Plan, expression: &Value) -> Option<Value> {
    if let Some(v) = expression.get("constant_value") {
        return Some(v.clone());
    }
    let refs = expression.get("references")?.as_array()?;
    let var = refs
        .iter()
        .filter_map(Value::as_str)
        .find_map(|r| r.strip_prefix("var."))?;
    plan.variable(var).cloned()
}
