//! The human path in a plan: Identity Center account assignments, permission-set inline
//! policies and identity-store group memberships, and IAM users' and groups' inline policies
//! and memberships. Each is written where the collectors would have read it, so the human
//! rules and `cross-tenant-path` judge the organization as it will be.

use sha2::{Digest, Sha256};

use super::*;
use crate::inventory::{
    AccountAssignment, AssignedPrincipal, IamUsers, IdentityCenterInstance, PermissionSet,
};

/// The reserved path Identity Center provisions roles under, for a home Region.
fn reserved_path(region: &str) -> String {
    match region {
        "us-east-1" => "/aws-reserved/sso.amazonaws.com/".to_owned(),
        r => format!("/aws-reserved/sso.amazonaws.com/{r}/"),
    }
}

/// The ARN findings name an Identity Center principal by (`cross-tenant-human-access`).
fn principal_arn(instance: &str, kind: AssignedPrincipal, id: &str) -> String {
    let partition = instance.split(':').nth(1).unwrap_or("aws");
    let noun = match kind {
        AssignedPrincipal::Group => "group",
        AssignedPrincipal::User => "user",
    };
    format!("arn:{partition}:identitystore:::{noun}/{id}")
}

impl Overlay<'_> {
    /// A value of the planned state, or of the prior state for a deletion.
    fn value(&self, c: &Change, name: &str) -> Result<String, String> {
        if c.deletes() {
            return c
                .before
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| format!("`{name}` is not in the prior state"));
        }
        self.attr(c, name)
    }

    /// The Identity Center instance a change names, as read.
    fn instance_mut(
        &mut self,
        matches: impl Fn(&IdentityCenterInstance) -> bool,
        named: &str,
    ) -> Result<(&mut IdentityCenterInstance, String), String> {
        let center = self.inventory.organization.identity_center.as_mut();
        let center = match center {
            Some(c) if c.status.failure().is_none() => c,
            _ => {
                return Err(
                    "the inventory's IAM Identity Center was not read, so what this change adds to it cannot be judged".to_owned(),
                );
            }
        };
        let region = center.region.clone().unwrap_or_default();
        center
            .instances
            .iter_mut()
            .find(|i| matches(i))
            .map(|i| (i, region))
            .ok_or_else(|| format!("Identity Center `{named}` is not the one the inventory read"))
    }

    pub(super) fn account_assignment(&mut self, c: &Change) -> Result<(), String> {
        let instance_arn = self.value(c, "instance_arn")?;
        let assignment = AccountAssignment {
            account_id: self.value(c, "target_id")?,
            permission_set_arn: self.value(c, "permission_set_arn")?,
            principal_type: match self.value(c, "principal_type")?.as_str() {
                "GROUP" => AssignedPrincipal::Group,
                "USER" => AssignedPrincipal::User,
                other => return Err(format!("`principal_type` `{other}` is not GROUP or USER")),
            },
            principal_id: self.value(c, "principal_id")?,
        };
        let deletes = c.deletes();
        let (instance, region) = self.instance_mut(|i| i.arn == instance_arn, &instance_arn)?;
        instance.assignments.retain(|a| *a != assignment);
        if deletes {
            return Ok(());
        }
        let set = instance
            .permission_set(&assignment.permission_set_arn)
            .cloned();
        instance.assignments.push(assignment.clone());
        // AWS provisions the permission set into the account as part of the assignment.
        if let Some(set) = set {
            self.provision(&set, &assignment.account_id, &region);
        }
        self.addresses
            .entry(principal_arn(
                &instance_arn,
                assignment.principal_type,
                &assignment.principal_id,
            ))
            .or_insert_with(|| c.address.clone());
        Ok(())
    }

    /// The `AWSReservedSSO_<set>_<hex>` role of `set` in `account`, made if the account has
    /// none yet. AWS picks the 16 hex digits at apply time; a digest of the account and the
    /// set stands in for them.
    fn provision(&mut self, set: &PermissionSet, account: &str, region: &str) {
        if !self
            .inventory
            .accounts
            .iter()
            .any(|a| a.account_id == account)
        {
            return;
        }
        let roles = self.roles_mut(account);
        if roles.iter().any(|r| set.provisions(&r.name, &r.path)) {
            return;
        }
        let digest = Sha256::digest(format!("{account}/{}", set.arn).as_bytes());
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        let (name, path) = (format!("{}{hex}", set.role_prefix()), reserved_path(region));
        roles.push(Role {
            arn: format!("arn:aws:iam::{account}:role{path}{name}"),
            name,
            path,
            trust_policy: PolicyDocument::Json(json!({"Version": "2012-10-17", "Statement": []})),
            attached_policies: set.managed_policies.clone(),
            inline_policies: set
                .inline_policy
                .iter()
                .map(|d| InlinePolicy {
                    name: "AwsSSOInlinePolicy".to_owned(),
                    document: d.clone(),
                })
                .collect(),
        });
    }

    pub(super) fn permission_set_inline_policy(&mut self, c: &Change) -> Result<(), String> {
        let instance_arn = self.value(c, "instance_arn")?;
        let set_arn = self.value(c, "permission_set_arn")?;
        let document = if c.deletes() {
            None
        } else {
            self.policy(c, "inline_policy")?.map(PolicyDocument::Text)
        };
        let (instance, _) = self.instance_mut(|i| i.arn == instance_arn, &instance_arn)?;
        let set = instance
            .permission_sets
            .iter_mut()
            .find(|p| p.arn == set_arn)
            .ok_or_else(|| format!("permission set `{set_arn}` is not in the inventory"))?;
        set.inline_policy = document.clone();
        let set = set.clone();
        // Every account it is provisioned to gets the new `AwsSSOInlinePolicy`.
        let mut changed = Vec::new();
        for account in &mut self.inventory.accounts {
            for role in account
                .roles
                .iter_mut()
                .filter(|r| set.provisions(&r.name, &r.path))
            {
                changed.push(role.arn.clone());
                role.inline_policies
                    .retain(|p| p.name != "AwsSSOInlinePolicy");
                if let Some(d) = &document {
                    role.inline_policies.push(InlinePolicy {
                        name: "AwsSSOInlinePolicy".to_owned(),
                        document: d.clone(),
                    });
                }
            }
        }
        for arn in changed.into_iter().chain([set_arn]) {
            self.addresses
                .entry(arn)
                .or_insert_with(|| c.address.clone());
        }
        Ok(())
    }

    pub(super) fn group_membership(&mut self, c: &Change) -> Result<(), String> {
        let store = self.value(c, "identity_store_id")?;
        let group = self.value(c, "group_id")?;
        let member = self.value(c, "member_id")?;
        let deletes = c.deletes();
        let (instance, _) = self.instance_mut(|i| i.identity_store_id == store, &store)?;
        let g = instance
            .groups
            .iter_mut()
            .find(|g| g.id == group)
            .ok_or_else(|| format!("group `{group}` is not in the inventory's identity store"))?;
        g.members.retain(|m| *m != member);
        if !deletes {
            g.members.push(member.clone());
        }
        let arn = principal_arn(&instance.arn, AssignedPrincipal::User, &member);
        self.addresses
            .entry(arn)
            .or_insert_with(|| c.address.clone());
        Ok(())
    }

    /// An account's IAM users and groups, as read.
    fn users_mut(&mut self, account: &str) -> Result<&mut IamUsers, String> {
        self.inventory
            .accounts
            .iter_mut()
            .find(|a| a.account_id == account)
            .and_then(|a| a.users.as_mut())
            .ok_or_else(|| {
                format!("the IAM users of account {account} were not read, so this change cannot be judged")
            })
    }

    /// `aws_iam_user_policy` and `aws_iam_group_policy`: an inline policy of a user or group.
    pub(super) fn principal_policy(&mut self, c: &Change, of: &str) -> Result<(), String> {
        let (account, _) = self.account(c)?;
        let owner = self.value(c, of)?;
        let name = if c.deletes() {
            c.before.get("name").and_then(Value::as_str)
        } else {
            c.text("name")
        }
        .unwrap_or(&c.name)
        .to_owned();
        let document = if c.deletes() {
            None
        } else {
            self.policy(c, "policy")?
        };
        let users = self.users_mut(&account)?;
        let policies = match of {
            "user" => users
                .users
                .iter_mut()
                .find(|u| u.name == owner)
                .map(|u| &mut u.inline_policies),
            _ => users
                .groups
                .iter_mut()
                .find(|g| g.name == owner)
                .map(|g| &mut g.inline_policies),
        }
        .ok_or_else(|| format!("{of} `{owner}` is not in the inventory of account {account}"))?;
        policies.retain(|p| p.name != name);
        if let Some(d) = document {
            policies.push(InlinePolicy {
                name,
                document: PolicyDocument::Text(d),
            });
        }
        Ok(())
    }

    pub(super) fn user_group_membership(&mut self, c: &Change) -> Result<(), String> {
        let (account, _) = self.account(c)?;
        let user = self.value(c, "user")?;
        let list = |v: &Value| -> Vec<String> {
            v.get("groups")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|g| g.as_str().map(str::to_owned))
                .collect()
        };
        if !c.deletes() && c.unknown("groups") {
            return Err("`groups` is known only after apply".to_owned());
        }
        let (before, after) = (list(&c.before), list(&c.after));
        let users = self.users_mut(&account)?;
        let u = users
            .users
            .iter_mut()
            .find(|u| u.name == user)
            .ok_or_else(|| format!("user `{user}` is not in the inventory of account {account}"))?;
        u.groups.retain(|g| !before.contains(g));
        u.groups.extend(after);
        u.groups.sort();
        u.groups.dedup();
        Ok(())
    }
}
