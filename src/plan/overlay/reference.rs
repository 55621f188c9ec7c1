//! References between resources of the same plan: `aws_s3_bucket.x.id`,
//! `aws_iam_role.x.name`, `aws_cloudwatch_event_rule.x.arn`, `module.m.aws_sns_topic.t.arn`.
//!
//! Terraform plans an id or ARN that AWS assigns as known only after apply, but most of them
//! follow from what the plan does know: the resource's name (as configured), the account its
//! provider acts in and its region. A bucket's id is its name, a topic's ARN is
//! `arn:aws:sns:<region>:<account>:<name>`. What AWS really decides at apply time (a KMS key
//! id, a generated role name) is not made up: a key's ARN keeps its account with a
//! placeholder id, a generated role name is named by its address, and anything else stays
//! unknown for the caller to report.

use super::*;

impl Overlay<'_> {
    /// The planned change at `address`, if the plan makes one. A reference does not carry
    /// the `count`/`for_each` keys of its modules and resource (`module.outer[0]`,
    /// `aws_iam_role.r["a"]`): without an exact match, the first instance stands for all, which
    /// share their provider and so their account (only the account may be read from it; see
    /// [`Overlay::resolve`] for values that differ between instances).
    pub(super) fn planned(&self, address: &str) -> Option<&Change> {
        let bare = without_keys(address);
        self.plan
            .changes
            .iter()
            .find(|c| c.address == address)
            .or_else(|| {
                self.plan
                    .changes
                    .iter()
                    .find(|c| without_keys(&c.address) == bare)
            })
    }

    /// A role's name: as planned, or, when AWS generates it (`name_prefix`, no name), a name
    /// that says so and keeps the Terraform address.
    pub(super) fn role_name(c: &Change) -> String {
        match c.text("name") {
            Some(name) => name.to_owned(),
            None => format!(
                "{}(name known after apply: {})",
                c.text("name_prefix").unwrap_or(""),
                c.address
            ),
        }
    }

    /// The value `attribute` of the planned resource `target` will have, when the plan knows
    /// it or it follows from its name, account and region.
    pub(super) fn planned_attribute(&self, target: &Change, attribute: &str) -> Option<String> {
        if let Some(v) = target.text(attribute) {
            return Some(v.to_owned());
        }
        let p = self.placement(target);
        let region = self.region(target, p.region);
        let account = p.account;
        let name = |key: &str| target.text(key).map(str::to_owned);
        let with_account = |f: &dyn Fn(&str) -> String| account.as_deref().map(f);
        match (target.kind.as_str(), attribute) {
            ("aws_s3_bucket", "id" | "bucket") => name("bucket"),
            ("aws_s3_bucket", "arn") => name("bucket").map(|b| format!("arn:aws:s3:::{b}")),
            ("aws_iam_role", "id" | "name") => Some(Self::role_name(target)),
            ("aws_iam_role", "arn") => with_account(&|a| {
                format!(
                    "arn:aws:iam::{a}:role{}{}",
                    target.text("path").unwrap_or("/"),
                    Self::role_name(target)
                )
            }),
            ("aws_iam_policy", "arn" | "id") => {
                let n = name("name")?;
                with_account(&|a| {
                    format!(
                        "arn:aws:iam::{a}:policy{}{n}",
                        target.text("path").unwrap_or("/")
                    )
                })
            }
            ("aws_sns_topic", "arn" | "id") => {
                let n = name("name")?;
                with_account(&|a| format!("arn:aws:sns:{region}:{a}:{n}"))
            }
            ("aws_sqs_queue", "id" | "url") => {
                let n = name("name")?;
                with_account(&|a| format!("https://sqs.{region}.amazonaws.com/{a}/{n}"))
            }
            ("aws_sqs_queue", "arn") => {
                let n = name("name")?;
                with_account(&|a| format!("arn:aws:sqs:{region}:{a}:{n}"))
            }
            ("aws_lambda_function", "function_name" | "id") => name("function_name"),
            ("aws_lambda_function", "arn") => {
                let n = name("function_name")?;
                with_account(&|a| format!("arn:aws:lambda:{region}:{a}:function:{n}"))
            }
            ("aws_ecr_repository", "name" | "id") => name("name"),
            ("aws_ecr_repository", "arn") => {
                let n = name("name")?;
                with_account(&|a| format!("arn:aws:ecr:{region}:{a}:repository/{n}"))
            }
            ("aws_secretsmanager_secret", "arn" | "id") => {
                let n = name("name")?;
                with_account(&|a| format!("arn:aws:secretsmanager:{region}:{a}:secret:{n}"))
            }
            ("aws_cloudwatch_event_rule", "arn") => {
                let n = name("name")?;
                let bus = match target.text("event_bus_name") {
                    Some(b) if b != "default" => format!("{b}/"),
                    _ => String::new(),
                };
                with_account(&|a| format!("arn:aws:events:{region}:{a}:rule/{bus}{n}"))
            }
            ("aws_iam_openid_connect_provider", "arn" | "id") => {
                let host = name("url")?;
                let host = host.trim_start_matches("https://").to_owned();
                with_account(&|a| format!("arn:aws:iam::{a}:oidc-provider/{host}"))
            }
            ("aws_iam_saml_provider", "arn" | "id") => {
                let n = name("name")?;
                with_account(&|a| format!("arn:aws:iam::{a}:saml-provider/{n}"))
            }
            ("aws_kms_key", "arn" | "id" | "key_id") => {
                with_account(&|a| format!("arn:aws:kms:{region}:{a}:key/planned-{}", target.name))
            }
            _ => None,
        }
    }

    /// What a reference (`aws_s3_bucket.x.id`, written in module `modules`) stands for. A
    /// module's output (`module.inner.event_rule_arn`) is followed to what the output's
    /// expression references inside that module.
    pub(super) fn resolve(&self, reference: &str, modules: &[String]) -> Option<String> {
        if let Some((inner, output)) = module_output(reference) {
            let mut path = modules.to_vec();
            path.extend(inner);
            let refs = self
                .plan
                .module(&path)?
                .get("outputs")?
                .get(output)?
                .get("expression")?
                .get("references")?
                .as_array()?
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect::<Vec<_>>();
            return refs.iter().find_map(|r| self.resolve(r, &path));
        }
        let address = absolute(modules, strip_attribute(reference));
        let attribute = reference
            .strip_prefix(strip_attribute(reference))
            .and_then(|rest| rest.strip_prefix('.'))
            .map(|a| a.split(['.', '[']).next().unwrap_or(a))
            .unwrap_or("id");
        // What the plan says of the target, else the id the overlay gave it when it placed
        // it (a share's or an attachment's, which AWS assigns).
        let value = |t: &Change| {
            self.planned_attribute(t, attribute)
                .or_else(|| self.ids.get(&t.address).cloned())
        };
        if let Some(exact) = self.plan.changes.iter().find(|c| c.address == address) {
            return value(exact);
        }
        // A reference without the instance keys (`aws_s3_bucket.b` under `for_each`) stands
        // for one instance the plan does not name: it resolves only when every instance
        // gives the same value (an account, a shared name), never to an arbitrary one.
        let bare = without_keys(&address);
        let instances: Vec<&Change> = self
            .plan
            .changes
            .iter()
            .filter(|c| without_keys(&c.address) == bare)
            .collect();
        if instances.is_empty() {
            return self.ids.get(&address).cloned();
        }
        let values: Vec<Option<String>> = instances.iter().map(|t| value(t)).collect();
        match values.first() {
            Some(Some(first)) if values.iter().all(|v| v.as_ref() == Some(first)) => {
                Some(first.clone())
            }
            _ => None,
        }
    }
}

/// `module.a[0].aws_x.y["k"]` → `module.a.aws_x.y`.
fn without_keys(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0;
    for ch in address.chars() {
        match ch {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    out
}

/// `module.a.module.b.out` → (`["a", "b"]`, `out`): a reference to a module's output, which
/// is one name after the module path (a resource is `type.name`).
fn module_output(reference: &str) -> Option<(Vec<String>, &str)> {
    let parts: Vec<&str> = reference.split('.').collect();
    let mut modules = Vec::new();
    let mut i = 0;
    while parts.get(i) == Some(&"module") && i + 1 < parts.len() {
        modules.push(without_keys(parts[i + 1]));
        i += 2;
    }
    (!modules.is_empty() && i + 1 == parts.len()).then(|| (modules, parts[i]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_outputs() {
        assert_eq!(
            without_keys("module.a[0].aws_iam_role.r[\"k.1\"]"),
            "module.a.aws_iam_role.r"
        );
        assert_eq!(
            module_output("module.inner.event_rule_arn"),
            Some((vec!["inner".to_owned()], "event_rule_arn"))
        );
        assert_eq!(module_output("module.inner.aws_iam_role.x"), None);
        assert_eq!(module_output("module.inner"), None);
    }
}
