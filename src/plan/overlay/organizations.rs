//! The organization itself: SCPs and RCPs, where they are attached, and accounts moving OU or
//! changing tags.

use super::*;

impl Overlay<'_> {
    pub(super) fn org_policy(&mut self, c: &Change) -> Result<(), String> {
        let id = self
            .ids
            .get(&c.address)
            .cloned()
            .unwrap_or_else(|| format!("p-planned-{}", c.name));
        let policies = &mut self.inventory.organization.policies;
        let targets = policies
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.targets.clone())
            .unwrap_or_default();
        policies.retain(|p| p.id != id);
        if c.deletes() {
            return Ok(());
        }
        let kind = match c.text("type").unwrap_or("SERVICE_CONTROL_POLICY") {
            "SERVICE_CONTROL_POLICY" => PolicyKind::ServiceControlPolicy,
            "RESOURCE_CONTROL_POLICY" => PolicyKind::ResourceControlPolicy,
            _ => return Ok(()), // Tag, backup and AI policies do not bear on isolation.
        };
        let content = self.policy(c, "content")?.ok_or("`content` is empty")?;
        self.inventory
            .organization
            .policies
            .push(ServiceControlPolicy {
                id: id.clone(),
                name: c.text("name").unwrap_or(&c.name).to_owned(),
                kind,
                aws_managed: false,
                document: PolicyDocument::Text(content),
                targets,
            });
        self.made(c, id);
        Ok(())
    }

    pub(super) fn org_attachment(&mut self, c: &Change) -> Result<(), String> {
        let policy = self.attr(c, "policy_id")?;
        let target = self.attr(c, "target_id")?;
        let deletes = c.deletes();
        let p = self
            .inventory
            .organization
            .policies
            .iter_mut()
            .find(|p| p.id == policy)
            .ok_or_else(|| {
                format!("policy `{policy}` is neither in the inventory nor in the plan")
            })?;
        p.targets.retain(|t| *t != target);
        if !deletes {
            p.targets.push(target);
        }
        Ok(())
    }

    pub(super) fn org_account(&mut self, c: &Change) -> Result<(), String> {
        let id = c
            .text("id")
            .or_else(|| c.before.get("id").and_then(Value::as_str))
            .map(str::to_owned)
            .ok_or("a new account's id is known only after apply: its tenant and guardrails cannot be judged before it exists")?;
        let org = &mut self.inventory.organization;
        let account = org
            .accounts
            .iter_mut()
            .find(|a| a.id == id)
            .ok_or_else(|| format!("account `{id}` is not in the inventory"))?;
        if c.deletes() {
            account.status = crate::inventory::AccountStatus::Suspended;
            return Ok(());
        }
        if let Some(parent) = c.text("parent_id") {
            account.parent_id = parent.to_owned();
        } else if c.unknown("parent_id") {
            return Err("`parent_id` is known only after apply".into());
        }
        if let Some(tags) = c.after.get("tags").and_then(Value::as_object) {
            account.tags = tags
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                .collect();
        }
        let arn = format!(
            "arn:aws:organizations::{}:account/{}/{id}",
            org.management_account_id, org.id
        );
        self.addresses.insert(arn, c.address.clone());
        Ok(())
    }
}
