//! Planned changes applied to a copy of the inventory: the organization as it would be after
//! the apply. Each resource type the gate understands is placed in its account and region and
//! written where a collector would have put it; what cannot be known is recorded as an
//! unverifiable change instead of being guessed.

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

/// The resource types the overlay understands.
pub const UNDERSTOOD: &[&str] = &[
    "aws_iam_role",
    "aws_iam_role_policy",
    "aws_iam_policy",
    "aws_iam_role_policy_attachment",
    "aws_vpc_peering_connection",
    "aws_vpc_peering_connection_accepter",
    "aws_ec2_transit_gateway_vpc_attachment",
    "aws_ec2_transit_gateway_route_table_association",
    "aws_ec2_transit_gateway_route_table_propagation",
    "aws_ec2_transit_gateway_route",
    "aws_ram_resource_share",
    "aws_ram_principal_association",
    "aws_ram_resource_association",
    "aws_organizations_policy",
    "aws_organizations_policy_attachment",
    "aws_organizations_account",
    "aws_s3_bucket_policy",
    "aws_sqs_queue_policy",
    "aws_sns_topic_policy",
    "aws_kms_key",
    "aws_secretsmanager_secret_policy",
    "aws_ecr_repository_policy",
    "aws_lambda_permission",
];

/// Types that bear on isolation but the overlay does not model yet: a planned change of one is
/// an unverifiable change (reviewed by a person), never silently passed.
pub const NOT_MODELLED: &[&str] = &[
    "aws_iam_policy_attachment",
    "aws_iam_role_policy_attachments_exclusive",
    "aws_iam_user",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_openid_connect_provider",
    "aws_iam_saml_provider",
    "aws_vpc_endpoint_service",
    "aws_vpc_endpoint_service_allowed_principal",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_ec2_transit_gateway_peering_attachment",
    "aws_ram_sharing_with_organization",
    "aws_s3_bucket_public_access_block",
    "aws_s3_account_public_access_block",
    "aws_kms_grant",
    "aws_lambda_layer_version_permission",
    "aws_cloudwatch_event_bus_policy",
    "aws_glue_resource_policy",
    "aws_backup_vault_policy",
    "aws_efs_file_system_policy",
    "aws_opensearch_domain_policy",
    "aws_organizations_organizational_unit",
    "aws_organizations_delegated_administrator",
];

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
        c.mode == "managed"
            && NOT_MODELLED.contains(&c.kind.as_str())
            && !c.actions.iter().all(|a| a == "no-op" || a == "read")
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
        if c.actions.iter().all(|a| a == "no-op" || a == "read") {
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
                "the account it lands in is unknown: provider `{}` names none (no constant `assume_role.role_arn` or single `allowed_account_ids`); pass `--provider-account {}=ACCOUNT`",
                p.provider, p.provider
            )
        })?;
        let region = c
            .text("region")
            .map(str::to_owned)
            .or(p.region)
            .or_else(|| self.inventory.regions.first().cloned())
            .unwrap_or_else(|| "us-east-1".to_owned());
        Ok((account, region))
    }

    /// A string attribute: known in the plan, else the id of the planned resource it
    /// references, else unknown (with the reason).
    fn attr(&self, c: &Change, name: &str) -> Result<String, String> {
        if let Some(v) = c.text(name) {
            return Ok(v.to_owned());
        }
        let expression = self
            .plan
            .resource_config(&c.modules, &c.mode, &c.kind, &c.name)
            .and_then(|r| r.get("expressions"))
            .and_then(|e| e.get(name));
        if let Some(e) = expression {
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
                if let Some(id) = self.ids.get(&absolute(&c.modules, strip_attribute(r))) {
                    return Ok(id.clone());
                }
            }
            if let Some(r) = refs.first() {
                return Err(format!("`{name}` is `{r}`, known only after apply"));
            }
        }
        Err(format!("`{name}` is known only after apply"))
    }

    /// A policy attribute: the JSON string in the plan, or rebuilt from the policy document
    /// data source it references.
    fn policy(&self, c: &Change, name: &str) -> Result<Option<String>, String> {
        if let Some(v) = c.text(name) {
            return Ok((!v.is_empty()).then(|| v.to_owned()));
        }
        if !c.unknown(name) {
            return Ok(None);
        }
        let expression = self
            .plan
            .resource_config(&c.modules, &c.mode, &c.kind, &c.name)
            .and_then(|r| r.get("expressions"))
            .and_then(|e| e.get(name));
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
            _ => self.resource_policy(c),
        }
    }

    fn role(&mut self, c: &Change) -> Result<(), String> {
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
        let name = self.attr(c, "name")?;
        let path = c.text("path").unwrap_or("/").to_owned();
        let trust = self
            .policy(c, "assume_role_policy")?
            .ok_or("`assume_role_policy` is empty")?;
        let mut inline = Vec::new();
        if c.unknown("inline_policy") {
            return Err("`inline_policy` is known only after apply".into());
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
            attached_policies: kept
                .as_ref()
                .map(|r| r.attached_policies.clone())
                .unwrap_or_default(),
            inline_policies: if inline.is_empty() {
                kept.map(|r| r.inline_policies).unwrap_or_default()
            } else {
                inline
            },
        });
        self.made(c, arn);
        Ok(())
    }

    fn role_policy(&mut self, c: &Change) -> Result<(), String> {
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

    fn policy_attachment(&mut self, c: &Change) -> Result<(), String> {
        let (account, _) = self.account(c)?;
        let role = self.attr(c, "role")?;
        let policy_arn = self.attr(c, "policy_arn")?;
        // The document of a policy made in this plan; an existing one's is in the inventory.
        let planned =
            self.plan.changes.iter().find(|p| {
                p.kind == "aws_iam_policy" && self.ids.get(&p.address) == Some(&policy_arn)
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

    fn peering(&mut self, c: &Change) -> Result<(), String> {
        let (account, region) = self.account(c)?;
        let id = self
            .ids
            .get(&c.address)
            .cloned()
            .unwrap_or_else(|| format!("pcx-planned-{}", c.name));
        for a in self.inventory.accounts.iter_mut() {
            for r in &mut a.regions {
                r.peering_connections.retain(|p| p.id != id);
            }
        }
        if c.deletes() {
            return Ok(());
        }
        let peer = c
            .text("peer_owner_id")
            .map(str::to_owned)
            .unwrap_or_else(|| account.clone());
        let peer_region = c.text("peer_region").unwrap_or(&region).to_owned();
        let pcx = PeeringConnection {
            id: id.clone(),
            status: if c.after.get("auto_accept") == Some(&Value::Bool(true)) {
                "active"
            } else {
                "pending-acceptance"
            }
            .into(),
            requester: PeeringSide {
                account_id: account.clone(),
                vpc_id: self
                    .attr(c, "vpc_id")
                    .unwrap_or_else(|_| "vpc-planned".into()),
                region: region.clone(),
                cidr_block: None,
            },
            accepter: PeeringSide {
                account_id: peer.clone(),
                vpc_id: self
                    .attr(c, "peer_vpc_id")
                    .unwrap_or_else(|_| "vpc-planned".into()),
                region: peer_region.clone(),
                cidr_block: None,
            },
        };
        self.region_mut(&account, &region)
            .peering_connections
            .push(pcx.clone());
        if peer != account && self.inventory.accounts.iter().any(|a| a.account_id == peer) {
            self.region_mut(&peer, &peer_region)
                .peering_connections
                .push(pcx);
        }
        let arn = format!("arn:aws:ec2:{region}:{account}:vpc-peering-connection/{id}");
        self.addresses.insert(arn, c.address.clone());
        self.made(c, id);
        Ok(())
    }

    fn accepter(&mut self, c: &Change) -> Result<(), String> {
        let id = self.attr(c, "vpc_peering_connection_id")?;
        let mut found = false;
        for a in self.inventory.accounts.iter_mut() {
            for r in &mut a.regions {
                for p in r.peering_connections.iter_mut().filter(|p| p.id == id) {
                    p.status = if c.deletes() { "deleted" } else { "active" }.into();
                    found = true;
                }
            }
        }
        if !found {
            return Err(format!(
                "peering connection `{id}` is neither in the inventory nor in the plan"
            ));
        }
        Ok(())
    }

    fn tgw_attachment(&mut self, c: &Change) -> Result<(), String> {
        let (account, region) = self.account(c)?;
        let id = self
            .ids
            .get(&c.address)
            .cloned()
            .unwrap_or_else(|| format!("tgw-attach-planned-{}", c.name));
        let tgw = self.attr(c, "transit_gateway_id")?;
        let owner = self
            .inventory
            .accounts
            .iter()
            .find(|a| {
                a.regions
                    .iter()
                    .any(|r| r.transit_gateways.iter().any(|t| t.id == tgw))
            })
            .map(|a| a.account_id.clone())
            .ok_or_else(|| format!("transit gateway `{tgw}` is not in the inventory"))?;
        if c.deletes() {
            for a in self.inventory.accounts.iter_mut() {
                for r in &mut a.regions {
                    r.transit_gateway_attachments.retain(|t| t.id != id);
                    for g in &mut r.transit_gateways {
                        for t in &mut g.route_tables {
                            t.associations.retain(|x| *x != id);
                            t.propagations.retain(|x| *x != id);
                        }
                    }
                }
            }
            return Ok(());
        }
        let attachment = TransitGatewayAttachment {
            id: id.clone(),
            transit_gateway_id: tgw.clone(),
            transit_gateway_owner_id: owner.clone(),
            resource_owner_id: account.clone(),
            resource_type: "vpc".into(),
            resource_id: self.attr(c, "vpc_id").unwrap_or_default(),
            state: "available".into(),
        };
        self.region_mut(&account, &region)
            .transit_gateway_attachments
            .push(attachment.clone());
        // The gateway's defaults: associated with and propagating into its default tables,
        // unless the attachment turns them off (both default to true).
        let associate = c
            .after
            .get("transit_gateway_default_route_table_association")
            != Some(&Value::Bool(false));
        let propagate = c
            .after
            .get("transit_gateway_default_route_table_propagation")
            != Some(&Value::Bool(false));
        let gw_region = self.region_mut(&owner, &region);
        if owner != account {
            gw_region.transit_gateway_attachments.push(attachment);
        }
        for g in gw_region
            .transit_gateways
            .iter_mut()
            .filter(|g| g.id == tgw)
        {
            let (assoc, prop) = (
                g.association_default_route_table_id.clone(),
                g.propagation_default_route_table_id.clone(),
            );
            for t in &mut g.route_tables {
                if associate && g.default_association && assoc.as_deref() == Some(t.id.as_str()) {
                    t.associations.push(id.clone());
                }
                if propagate && g.default_propagation && prop.as_deref() == Some(t.id.as_str()) {
                    t.propagations.push(id.clone());
                }
            }
        }
        self.made(c, id);
        Ok(())
    }

    fn tgw_table(&mut self, c: &Change) -> Result<(), String> {
        let table = self.attr(c, "transit_gateway_route_table_id")?;
        let attachment = match c.kind.as_str() {
            "aws_ec2_transit_gateway_route"
                if c.after.get("blackhole") == Some(&Value::Bool(true)) =>
            {
                String::new()
            }
            _ => self.attr(c, "transit_gateway_attachment_id")?,
        };
        let deletes = c.deletes();
        let mut found = None;
        'find: for a in self.inventory.accounts.iter_mut() {
            for r in &mut a.regions {
                for g in &mut r.transit_gateways {
                    if let Some(t) = g.route_tables.iter_mut().find(|t| t.id == table) {
                        match c.kind.as_str() {
                            "aws_ec2_transit_gateway_route_table_association" => {
                                t.associations.retain(|x| *x != attachment);
                                if !deletes {
                                    t.associations.push(attachment.clone());
                                }
                            }
                            "aws_ec2_transit_gateway_route_table_propagation" => {
                                t.propagations.retain(|x| *x != attachment);
                                if !deletes {
                                    t.propagations.push(attachment.clone());
                                }
                            }
                            _ => {
                                let destination = c
                                    .text("destination_cidr_block")
                                    .unwrap_or("0.0.0.0/0")
                                    .to_owned();
                                t.routes.retain(|x| {
                                    !(x.destination == destination && x.route_type == "static")
                                });
                                if !deletes {
                                    t.routes.push(TransitGatewayRoute {
                                        destination,
                                        route_type: "static".into(),
                                        state: if attachment.is_empty() {
                                            "blackhole"
                                        } else {
                                            "active"
                                        }
                                        .into(),
                                        attachments: if attachment.is_empty() {
                                            vec![]
                                        } else {
                                            vec![attachment.clone()]
                                        },
                                    });
                                }
                            }
                        }
                        found = Some(format!(
                            "arn:aws:ec2:{}:{}:transit-gateway-route-table/{table}",
                            r.region, a.account_id
                        ));
                        break 'find;
                    }
                }
            }
        }
        let arn = found.ok_or_else(|| {
            format!("transit-gateway route table `{table}` is not in the inventory")
        })?;
        self.addresses
            .entry(arn)
            .or_insert_with(|| c.address.clone());
        Ok(())
    }

    fn share(&mut self, c: &Change) -> Result<(), String> {
        let (account, region) = self.account(c)?;
        let arn = self.ids.get(&c.address).cloned().unwrap_or_else(|| {
            format!(
                "arn:aws:ram:{region}:{account}:resource-share/planned-{}",
                c.name
            )
        });
        self.region_mut(&account, &region)
            .resource_shares
            .retain(|s| s.arn != arn);
        if c.deletes() {
            return Ok(());
        }
        let share = ResourceShare {
            arn: arn.clone(),
            name: c.text("name").unwrap_or(&c.name).to_owned(),
            owner_id: account.clone(),
            status: "ACTIVE".into(),
            allow_external_principals: c.after.get("allow_external_principals")
                != Some(&Value::Bool(false)),
            principals: Vec::new(),
            resources: Vec::new(),
        };
        self.region_mut(&account, &region)
            .resource_shares
            .push(share);
        self.made(c, arn);
        Ok(())
    }

    fn share_association(&mut self, c: &Change) -> Result<(), String> {
        let share_arn = self.attr(c, "resource_share_arn")?;
        let value = match c.kind.as_str() {
            "aws_ram_principal_association" => self.attr(c, "principal")?,
            _ => self.attr(c, "resource_arn")?,
        };
        let deletes = c.deletes();
        let share = self
            .inventory
            .accounts
            .iter_mut()
            .flat_map(|a| a.regions.iter_mut())
            .flat_map(|r| r.resource_shares.iter_mut())
            .find(|s| s.arn == share_arn)
            .ok_or_else(|| {
                format!("resource share `{share_arn}` is neither in the inventory nor in the plan")
            })?;
        if c.kind == "aws_ram_principal_association" {
            share.principals.retain(|p| *p != value);
            if !deletes {
                share.principals.push(value);
            }
        } else {
            share.resources.retain(|r| r.arn != value);
            if !deletes {
                share.resources.push(SharedResource {
                    resource_type: resource_type_of(&value),
                    arn: value,
                });
            }
        }
        self.addresses
            .entry(share_arn)
            .or_insert_with(|| c.address.clone());
        Ok(())
    }

    fn org_policy(&mut self, c: &Change) -> Result<(), String> {
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

    fn org_attachment(&mut self, c: &Change) -> Result<(), String> {
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

    fn org_account(&mut self, c: &Change) -> Result<(), String> {
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

    fn lambda_permission(&mut self, c: &Change) -> Result<(), String> {
        let (account, region) = self.account(c)?;
        let function = self.attr(c, "function_name")?;
        let arn = if function.starts_with("arn:") {
            function.clone()
        } else {
            format!("arn:aws:lambda:{region}:{account}:function:{function}")
        };
        let principal = self.attr(c, "principal")?;
        let principal = if principal.ends_with(".amazonaws.com") {
            json!({"Service": principal})
        } else {
            json!({"AWS": principal})
        };
        let mut statement = json!({
            "Sid": c.text("statement_id").unwrap_or(&c.name),
            "Effect": "Allow",
            "Principal": principal,
            "Action": c.text("action").unwrap_or("lambda:InvokeFunction"),
            "Resource": arn,
        });
        let mut condition = serde_json::Map::new();
        if let Some(a) = c.text("source_account") {
            condition.insert("StringEquals".into(), json!({"AWS:SourceAccount": a}));
        }
        if let Some(s) = c.text("source_arn") {
            condition.insert("ArnLike".into(), json!({"AWS:SourceArn": s}));
        }
        if !condition.is_empty() {
            statement["Condition"] = Value::Object(condition);
        }
        let deletes = c.deletes();
        let r = self.region_mut(&account, &region);
        let existing = r.resources.iter_mut().find(|x| x.arn == arn);
        let mut doc: Value = existing
            .as_ref()
            .and_then(|x| x.policy.as_ref())
            .and_then(|p| match p {
                PolicyDocument::Text(t) => serde_json::from_str(t).ok(),
                PolicyDocument::Json(v) => Some(v.clone()),
            })
            .unwrap_or_else(|| json!({"Version": "2012-10-17", "Statement": []}));
        let sid = statement["Sid"].clone();
        if let Some(list) = doc.get_mut("Statement").and_then(Value::as_array_mut) {
            list.retain(|s| s.get("Sid") != Some(&sid));
            if !deletes {
                list.push(statement);
            }
        }
        let policy = Some(PolicyDocument::Text(doc.to_string()));
        match existing {
            Some(x) => x.policy = policy,
            None => r.resources.push(ResourcePolicy {
                kind: ResourceKind::LambdaFunction,
                arn: arn.clone(),
                status: CollectionStatus::Collected,
                policy,
                grants: Vec::new(),
                public_access_block: None,
            }),
        }
        self.addresses.insert(arn, c.address.clone());
        Ok(())
    }

    /// The resource types whose whole policy is one argument.
    fn resource_policy(&mut self, c: &Change) -> Result<(), String> {
        let (account, region) = self.account(c)?;
        let (kind, arn) = match c.kind.as_str() {
            "aws_s3_bucket_policy" => (
                ResourceKind::S3Bucket,
                format!("arn:aws:s3:::{}", self.attr(c, "bucket")?),
            ),
            "aws_sqs_queue_policy" => {
                let url = self.attr(c, "queue_url")?;
                let name = url.rsplit('/').next().unwrap_or(&url).to_owned();
                (
                    ResourceKind::SqsQueue,
                    format!("arn:aws:sqs:{region}:{account}:{name}"),
                )
            }
            "aws_sns_topic_policy" => (ResourceKind::SnsTopic, self.attr(c, "arn")?),
            "aws_kms_key" => (
                ResourceKind::KmsKey,
                self.ids.get(&c.address).cloned().unwrap_or_else(|| {
                    format!("arn:aws:kms:{region}:{account}:key/planned-{}", c.name)
                }),
            ),
            "aws_secretsmanager_secret_policy" => {
                (ResourceKind::Secret, self.attr(c, "secret_arn")?)
            }
            "aws_ecr_repository_policy" => (
                ResourceKind::EcrRepository,
                format!(
                    "arn:aws:ecr:{region}:{account}:repository/{}",
                    self.attr(c, "repository")?
                ),
            ),
            other => return Err(format!("`{other}` is not understood")),
        };
        let deletes = c.deletes();
        let policy = if deletes {
            None
        } else {
            self.policy(c, "policy")?
        };
        let r = self.region_mut(&account, &region);
        r.resources.retain(|x| x.arn != arn);
        if !deletes {
            r.resources.push(ResourcePolicy {
                kind,
                arn: arn.clone(),
                status: CollectionStatus::Collected,
                policy: policy.map(PolicyDocument::Text),
                grants: Vec::new(),
                public_access_block: None,
            });
        }
        self.made(c, arn);
        Ok(())
    }
}

impl Resolve for Overlay<'_> {
    /// `aws_iam_role.x.arn` (or `module.m.aws_iam_role.x.arn`): the role's ARN when its name
    /// is known, else its account's root, which names the same account; a root variable's
    /// value; nothing for anything else.
    fn reference(&self, reference: &str, modules: &[String]) -> Option<String> {
        if let Some(var) = reference.strip_prefix("var.") {
            return self
                .plan
                .variable(var)
                .and_then(|v| v.as_str().map(str::to_owned));
        }
        let address = absolute(modules, strip_attribute(reference));
        let target = self.plan.changes.iter().find(|c| c.address == address)?;
        if let Some(arn) = target.text("arn") {
            return Some(arn.to_owned());
        }
        let account = self.placement(target).account?;
        Some(match (target.kind.as_str(), target.text("name")) {
            ("aws_iam_role", Some(name)) => {
                format!(
                    "arn:aws:iam::{account}:role{}{name}",
                    target.text("path").unwrap_or("/")
                )
            }
            _ => format!("arn:aws:iam::{account}:root"),
        })
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

/// `arn:aws:ec2:eu-west-1:1:subnet/subnet-1` → `ec2:Subnet`.
fn resource_type_of(arn: &str) -> String {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    match (parts.get(2), parts.get(5)) {
        (Some(service), Some(resource)) => {
            let kind = resource.split('/').next().unwrap_or(resource);
            let camel: String = kind
                .split('-')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                })
                .collect();
            format!("{service}:{camel}")
        }
        _ => "unknown".into(),
    }
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
        assert_eq!(
            resource_type_of("arn:aws:ec2:eu-west-1:1:subnet/subnet-1"),
            "ec2:Subnet"
        );
        assert_eq!(
            resource_type_of("arn:aws:ec2:eu-west-1:1:transit-gateway/tgw-1"),
            "ec2:TransitGateway"
        );
    }
}
