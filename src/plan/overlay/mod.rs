//! Planned changes applied to a copy of the inventory: the organization as it would be after
//! the apply. Each resource type the gate understands is placed in its account and region and
//! written where a collector would have put it; what cannot be known is recorded as an
//! unverifiable change instead of being guessed.

mod iam;
mod network;
mod organizations;
mod people;
mod reference;

pub use super::types::{NOT_MODELLED, UNDERSTOOD};
mod resources;
mod sharing;

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use super::accounts::{self, Placement};
use super::document::{self, Resolve};
use super::parse::{Change, Plan};
use crate::inventory::{
    AccountInventory, CollectionStatus, InlinePolicy, Inventory, PeeringConnection, PeeringSide,
    PolicyDocument, PolicyKind, RegionInventory, ResourceKind, ResourcePolicy, ResourceShare,
    ResourceTypeRead, Role, ServiceControlPolicy, SharedResource, TransitGatewayAttachment,
    TransitGatewayRoute, UnverifiableChange,
};

/// The inventory after the apply, and where each planned resource came from.
pub struct Overlaid {
    pub inventory: Inventory,
    /// Resource ARN or id → the Terraform address that makes it.
    pub addresses: HashMap<String, String>,
    pub applied: usize,
}

/// Creators first, then what attaches to them (associations, attachments, permissions).
fn order(kind: &str) -> u8 {
    match kind {
        "aws_iam_role"
        | "aws_iam_policy"
        | "aws_vpc_peering_connection"
        | "aws_ram_resource_share"
        | "aws_organizations_policy"
        | "aws_organizations_account"
        | "aws_kms_key"
        | "aws_s3_bucket"
        | "aws_sns_topic"
        | "aws_sqs_queue"
        | "aws_secretsmanager_secret"
        | "aws_ec2_transit_gateway_vpc_attachment" => 0,
        _ => 1,
    }
}

struct Overlay<'p> {
    plan: &'p Plan,
    overrides: &'p BTreeMap<String, String>,
    inventory: Inventory,
    addresses: HashMap<String, String>,
    /// Address → the id or ARN the overlay gave a planned resource (for references to it).
    ids: HashMap<String, String>,
    applied: usize,
}

pub fn apply(plan: &Plan, inventory: &Inventory, overrides: &BTreeMap<String, String>) -> Overlaid {
    let mut o = Overlay {
        plan,
        overrides,
        inventory: inventory.clone(),
        addresses: HashMap::new(),
        ids: HashMap::new(),
        applied: 0,
    };
    let mut changes: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| c.mode == "managed" && UNDERSTOOD.contains(&c.kind.as_str()))
        .collect();
    changes.sort_by_key(|c| order(&c.kind));
    // Known ids of every resource first, so that references resolve whatever the order.
    for c in &changes {
        if let Some(id) = ["arn", "id"].iter().find_map(|a| {
            c.text(a)
                .or_else(|| c.before.get(a).and_then(Value::as_str))
        }) {
            o.ids.insert(c.address.clone(), id.to_owned());
        }
    }
    for c in plan.changes.iter().filter(|c| {
        c.mode == "managed" && NOT_MODELLED.contains(&c.kind.as_str()) && !c.changes_nothing()
    }) {
        o.unverifiable(
            c,
            format!(
                "tenantguard does not model `{}` yet, and it can open a path between tenants: review this change by hand",
                c.kind
            ),
        );
    }
    for c in changes {
        if c.changes_nothing() {
            continue;
        }
        match o.change(c) {
            Ok(()) => o.applied += 1,
            Err(reason) => o.unverifiable(c, reason),
        }
    }
    Overlaid {
        inventory: o.inventory,
        addresses: o.addresses,
        applied: o.applied,
    }
}

impl Overlay<'_> {
    fn unverifiable(&mut self, c: &Change, reason: String) {
        self.inventory
            .unverifiable_changes
            .push(UnverifiableChange {
                address: c.address.clone(),
                resource_type: c.kind.clone(),
                reason,
            });
    }

    fn placement(&self, c: &Change) -> Placement {
        accounts::placement(self.plan, c, self.overrides)
    }

    /// The account a change lands in, or why it is not known.
    fn account(&self, c: &Change) -> Result<(String, String), String> {
        let p = self.placement(c);
        let account = p.account.ok_or_else(|| {
            format!(
                "the account it lands in is unknown: provider `{}` names none (no constant `assume_role.role_arn` or single `allowed_account_ids`); pass `--provider-account {}=ACCOUNT`, or `--account ACCOUNT` when the workspace acts in one account",
                p.provider, p.provider
            )
        })?;
        Ok((account, self.region(c, p.region)))
    }

    /// The region a change lands in: its own `region` argument (AWS provider v6), else its
    /// provider's, else the inventory's first.
    fn region(&self, c: &Change, provider: Option<String>) -> String {
        c.text("region")
            .map(str::to_owned)
            .or(provider)
            .or_else(|| self.inventory.regions.first().cloned())
            .unwrap_or_else(|| "us-east-1".to_owned())
    }

    /// A string attribute: known in the plan, else a constant or root variable of its
    /// configuration, else what the planned resource it references will have (see
    /// `reference`), else unknown, with the reason.
    fn attr(&self, c: &Change, name: &str) -> Result<String, String> {
        if let Some(v) = c.text(name) {
            return Ok(v.to_owned());
        }
        if let Some(e) = self.expression(c, name) {
            if let Some(v) =
                accounts::constant(self.plan, e).and_then(|v| v.as_str().map(str::to_owned))
            {
                return Ok(v);
            }
            let refs: Vec<&str> = e
                .get("references")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for r in &refs {
                if let Some(v) = self.resolve(r, &c.modules) {
                    return Ok(v);
                }
            }
            if let Some(r) = refs.first() {
                return Err(format!(
                    "`{name}` is `{r}`, which AWS assigns at apply time and the plan does not say"
                ));
            }
        }
        Err(format!("`{name}` is known only after apply"))
    }

    /// The configuration's expression for an argument of the resource.
    fn expression(&self, c: &Change, name: &str) -> Option<&Value> {
        self.plan
            .resource_config(&c.modules, &c.mode, &c.kind, &c.name)
            .and_then(|r| r.get("expressions"))
            .and_then(|e| e.get(name))
    }

    /// Whether the configuration sets the argument at all: `Some(false)` when the resource's
    /// configuration is in the plan and does not (so a value the provider plans as unknown is
    /// one it computes, not one the change decides), `None` when the plan has no
    /// configuration for it.
    fn configured(&self, c: &Change, name: &str) -> Option<bool> {
        let config = self
            .plan
            .resource_config(&c.modules, &c.mode, &c.kind, &c.name)?;
        Some(
            config
                .get("expressions")
                .and_then(|e| e.get(name))
                .is_some(),
        )
    }

    /// A policy attribute: the JSON string in the plan, or rebuilt from the policy document
    /// data source it references.
    fn policy(&self, c: &Change, name: &str) -> Result<Option<String>, String> {
        if let Some(v) = c.text(name) {
            return Ok((!v.is_empty()).then(|| v.to_owned()));
        }
        if !c.unknown(name) || self.configured(c, name) == Some(false) {
            return Ok(None);
        }
        let expression = self.expression(c, name);
        document::rebuild(self.plan, &c.modules, expression, self)
            .map(Some)
            .map_err(|why| format!("`{name}` cannot be verified: {why}"))
    }

    fn region_mut(&mut self, account: &str, region: &str) -> &mut RegionInventory {
        let accounts = &mut self.inventory.accounts;
        let at = match accounts.iter().position(|a| a.account_id == account) {
            Some(i) => i,
            None => {
                accounts.push(AccountInventory {
                    account_id: account.to_owned(),
                    status: CollectionStatus::Collected,
                    roles: Vec::new(),
                    users: Some(Default::default()),
                    s3_account_block: None,
                    canonical_user_id: None,
                    regions: Vec::new(),
                });
                accounts.len() - 1
            }
        };
        let regions = &mut accounts[at].regions;
        let r = match regions.iter().position(|r| r.region == region) {
            Some(i) => i,
            None => {
                regions.push(RegionInventory {
                    region: region.to_owned(),
                    status: CollectionStatus::Collected,
                    resource_types: ResourceTypeRead::all_collected(),
                    ..RegionInventory::default()
                });
                regions.len() - 1
            }
        };
        &mut regions[r]
    }

    fn roles_mut(&mut self, account: &str) -> &mut Vec<Role> {
        let accounts = &mut self.inventory.accounts;
        if !accounts.iter().any(|a| a.account_id == account) {
            accounts.push(AccountInventory {
                account_id: account.to_owned(),
                status: CollectionStatus::Collected,
                roles: Vec::new(),
                users: Some(Default::default()),
                s3_account_block: None,
                canonical_user_id: None,
                regions: Vec::new(),
            });
        }
        &mut accounts
            .iter_mut()
            .find(|a| a.account_id == account)
            .expect("just made sure")
            .roles
    }

    fn made(&mut self, c: &Change, id: String) {
        self.addresses.insert(id.clone(), c.address.clone());
        self.ids.insert(c.address.clone(), id);
    }

    fn change(&mut self, c: &Change) -> Result<(), String> {
        match c.kind.as_str() {
            "aws_iam_role" => self.role(c),
            "aws_iam_role_policy" => self.role_policy(c),
            "aws_iam_policy" => Ok(()), // Read by the attachments that use it.
            "aws_iam_role_policy_attachment" => self.policy_attachment(c),
            "aws_vpc_peering_connection" => self.peering(c),
            "aws_vpc_peering_connection_accepter" => self.accepter(c),
            "aws_ec2_transit_gateway_vpc_attachment" => self.tgw_attachment(c),
            "aws_ec2_transit_gateway_route_table_association"
            | "aws_ec2_transit_gateway_route_table_propagation"
            | "aws_ec2_transit_gateway_route" => self.tgw_table(c),
            "aws_ram_resource_share" => self.share(c),
            "aws_ram_principal_association" | "aws_ram_resource_association" => {
                self.share_association(c)
            }
            "aws_organizations_policy" => self.org_policy(c),
            "aws_organizations_policy_attachment" => self.org_attachment(c),
            "aws_organizations_account" => self.org_account(c),
            "aws_lambda_permission" => self.lambda_permission(c),
            "aws_s3_bucket" | "aws_sns_topic" | "aws_sqs_queue" | "aws_secretsmanager_secret" => {
                self.inline_policy(c)
            }
            "aws_s3_bucket_acl" => self.bucket_acl(c),
            "aws_security_group" => self.security_group(c),
            "aws_ssoadmin_account_assignment" => self.account_assignment(c),
            "aws_ssoadmin_permission_set_inline_policy" => self.permission_set_inline_policy(c),
            "aws_identitystore_group_membership" => self.group_membership(c),
            "aws_iam_user_policy" => self.principal_policy(c, "user"),
            "aws_iam_group_policy" => self.principal_policy(c, "group"),
            "aws_iam_user_group_membership" => self.user_group_membership(c),
            "aws_ebs_snapshot_create_volume_permission" | "aws_ami_launch_permission" => {
                self.share_permission(c)
            }
            "aws_db_snapshot" | "aws_db_cluster_snapshot" => self.db_snapshot(c),
            "aws_cloudwatch_event_permission" => self.event_permission(c),
            "aws_s3_bucket_public_access_block" | "aws_s3_account_public_access_block" => {
                self.public_access_block(c)
            }
            _ => self.resource_policy(c),
        }
    }
}

impl Resolve for Overlay<'_> {
    /// A root variable's value; what a planned resource's attribute will be (`reference`);
    /// else, for an ARN AWS assigns at apply time, its account's root, which names the same
    /// account; nothing for anything else.
    fn reference(&self, reference: &str, modules: &[String]) -> Option<String> {
        if let Some(var) = reference.strip_prefix("var.") {
            return self
                .plan
                .variable(var)
                .and_then(|v| v.as_str().map(str::to_owned));
        }
        if let Some(v) = self.resolve(reference, modules) {
            return Some(v);
        }
        // An ARN AWS assigns at apply time still belongs to the account its provider acts in.
        let address = absolute(modules, strip_attribute(reference));
        let target = self.planned(&address)?;
        let account = self.placement(target).account?;
        Some(format!("arn:aws:iam::{account}:root"))
    }
}

/// `aws_iam_role.x.arn` → `aws_iam_role.x` (a reference's attribute dropped).
fn strip_attribute(reference: &str) -> &str {
    let parts: Vec<&str> = reference.split('.').collect();
    // Resource references are `[module.m.]*type.name[.attribute]`.
    let mut i = 0;
    while parts.get(i) == Some(&"module") {
        i += 2;
    }
    let end = (i + 2).min(parts.len());
    let len: usize = parts[..end]
        .iter()
        .map(|p| p.len() + 1)
        .sum::<usize>()
        .saturating_sub(1);
    &reference[..len.min(reference.len())]
}

/// A reference made inside module `modules`, as an absolute address.
fn absolute(modules: &[String], reference: &str) -> String {
    if reference.starts_with("module.") || modules.is_empty() {
        return reference.to_owned();
    }
    let prefix: String = modules.iter().map(|m| format!("module.{m}.")).collect();
    format!("{prefix}{reference}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_lose_their_attribute_and_gain_their_module() {
        assert_eq!(strip_attribute("aws_iam_role.x.arn"), "aws_iam_role.x");
        assert_eq!(
            strip_attribute("module.b.aws_iam_role.x.arn"),
            "module.b.aws_iam_role.x"
        );
        assert_eq!(strip_attribute("aws_iam_role.x"), "aws_iam_role.x");
        assert_eq!(
            absolute(&["a".into()], "aws_iam_role.x"),
            "module.a.aws_iam_role.x"
        );
        assert_eq!(
            absolute(&["a".into()], "module.b.aws_iam_role.x"),
            "module.b.aws_iam_role.x"
        );
        // A resource association's type, as the collector records it for a share.
        assert_eq!(
            SharedResource::type_of("arn:aws:ec2:eu-west-1:1:subnet/subnet-1"),
            "ec2:Subnet"
        );
        assert_eq!(
            SharedResource::type_of("arn:aws:ec2:eu-west-1:1:transit-gateway/tgw-1"),
            "ec2:TransitGateway"
        );
    }
}
