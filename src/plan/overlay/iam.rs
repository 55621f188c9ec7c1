//! IAM roles and the policies written into or attached to them.

use super::*;

impl Overlay<'_> {
    pub(super) fn role(&mut self, c: &Change) -> Result<(), String> {
        let (account, _) = self.account(c)?;
        let old = c
            .before
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if c.deletes() {
            if let Some(name) = old {
                self.roles_mut(&account).retain(|r| r.name != name);
            }
            return Ok(());
        }
        let name = Self::role_name(c);
        let path = c.text("path").unwrap_or("/").to_owned();
        let trust = self
            .policy(c, "assume_role_policy")?
            .ok_or("`assume_role_policy` is empty")?;
        let mut inline = Vec::new();
        // The provider plans `inline_policy` and `managed_policy_arns` as unknown whenever the
        // configuration leaves them out: then they are not the change's to decide.
        for computed in ["inline_policy", "managed_policy_arns"] {
            if c.unknown(computed) && self.configured(c, computed) != Some(false) {
                return Err(format!(
                    "`{computed}` is known only after apply (it is computed from other resources of the plan)"
                ));
            }
        }
        for p in c
            .after
            .get("inline_policy")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let (Some(n), Some(d)) = (
                p.get("name").and_then(Value::as_str),
                p.get("policy").and_then(Value::as_str),
            ) {
                inline.push(InlinePolicy {
                    name: n.to_owned(),
                    document: PolicyDocument::Text(d.to_owned()),
                });
            }
        }
        let arn = format!("arn:aws:iam::{account}:role{path}{name}");
        let managed: Vec<String> = c
            .after
            .get("managed_policy_arns")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        let roles = self.roles_mut(&account);
        let kept = roles
            .iter()
            .position(|r| Some(&r.name) == old.as_ref() || r.name == name)
            .map(|i| roles.remove(i));
        roles.push(Role {
            name,
            arn: arn.clone(),
            path,
            trust_policy: PolicyDocument::Text(trust),
            attached_policies: if managed.is_empty() {
                kept.as_ref()
                    .map(|r| r.attached_policies.clone())
                    .unwrap_or_default()
            } else {
                managed
                    .iter()
                    .map(|arn| crate::inventory::AttachedPolicy {
                        name: arn.rsplit('/').next().unwrap_or(arn).to_owned(),
                        arn: arn.clone(),
                        document: None,
                    })
                    .collect()
            },
            inline_policies: if inline.is_empty() {
                kept.map(|r| r.inline_policies).unwrap_or_default()
            } else {
                inline
            },
        });
        self.made(c, arn);
        Ok(())
    }

    pub(super) fn role_policy(&mut self, c: &Change) -> Result<(), String> {
        let (account, _) = self.account(c)?;
        let role = self.attr(c, "role")?;
        let role = role.rsplit('/').next().unwrap_or(&role).to_owned();
        let name = c.text("name").unwrap_or(&c.name).to_owned();
        let deletes = c.deletes();
        let document = if deletes {
            None
        } else {
            self.policy(c, "policy")?
        };
        let roles = self.roles_mut(&account);
        let r = roles
            .iter_mut()
            .find(|r| r.name == role)
            .ok_or_else(|| format!("role `{role}` is neither in the inventory nor in the plan"))?;
        r.inline_policies.retain(|p| p.name != name);
        if let Some(d) = document {
            r.inline_policies.push(InlinePolicy {
                name,
                document: PolicyDocument::Text(d),
            });
        }
        let arn = r.arn.clone();
        self.addresses
            .entry(arn)
            .or_insert_with(|| c.address.clone());
        Ok(())
    }

    pub(super) fn policy_attachment(&mut self, c: &Change) -> Result<(), String> {
        let (account, _) = self.account(c)?;
        let role = self.attr(c, "role")?;
        let policy_arn = self.attr(c, "policy_arn")?;
        // The document of a policy made in this plan; an existing one's is in the inventory.
        let planned = self.plan.changes.iter().find(|p| {
            p.kind == "aws_iam_policy"
                && (self.ids.get(&p.address) == Some(&policy_arn)
                    || self.planned_attribute(p, "arn").as_ref() == Some(&policy_arn))
        });
        let document = match planned {
            Some(p) => self.policy(p, "policy")?,
            None => None,
        };
        let deletes = c.deletes();
        let roles = self.roles_mut(&account);
        let r = roles
            .iter_mut()
            .find(|r| r.name == role)
            .ok_or_else(|| format!("role `{role}` is neither in the inventory nor in the plan"))?;
        r.attached_policies.retain(|p| p.arn != policy_arn);
        if !deletes {
            r.attached_policies.push(crate::inventory::AttachedPolicy {
                name: policy_arn
                    .rsplit('/')
                    .next()
                    .unwrap_or(&policy_arn)
                    .to_owned(),
                arn: policy_arn,
                document: document.map(PolicyDocument::Text),
            });
        }
        Ok(())
    }
}
