//! The human rules: how people cross from one tenant to another. In an account-per-tenant
//! organization people reach accounts through IAM Identity Center (a group or user assigned a
//! permission set on an account), and sometimes through IAM users of an account; a group
//! assigned on two tenants' accounts is the commonest real edge between tenants.
//!
//! What the rules share: where an Identity Center principal's assignments land, zone by zone.
//! A zone is a tenant, or an unmapped account on its own (nobody has shown it belongs to
//! the tenant); platform accounts are no tenant's, and an operator group the configuration
//! declares is the platform's own.

pub mod cross_tenant_human_access;

use std::collections::{BTreeMap, HashMap};

use serde_json::{Value, json};

use crate::inventory::{
    AccountAssignment, AssignedPrincipal, IdentityCenterInstance, IdentityGroup, IdentityUser,
    PermissionSet,
};
use crate::rules::Context;
use crate::tenants::Owner;

/// One assignment as it lands: an account, the permission set, and the group it comes
/// through (for a user reached through a group).
#[derive(Debug, Clone)]
pub struct Landing<'a> {
    pub account: &'a str,
    pub permission_set: &'a str,
    pub via: Option<&'a str>,
}

/// Where a principal's assignments land, by zone (tenant name, or `unmapped account <id>`).
pub type Zones<'a> = BTreeMap<String, Vec<Landing<'a>>>;

/// The zone of an account, or `None` for the platform's and outsiders'.
pub fn zone(cx: &Context<'_>, account: &str) -> Option<String> {
    match cx.tenants.owner(account) {
        Owner::Tenant(t) => Some(t),
        Owner::Unmapped => Some(format!("unmapped account {account}")),
        _ => None,
    }
}

/// How a zone is named in messages.
pub fn zone_phrase(zone: &str) -> String {
    if zone.starts_with("unmapped account ") {
        zone.to_owned()
    } else {
        format!("tenant `{zone}`")
    }
}

/// One instance's assignments and memberships, indexed once: an organization of 10,000
/// accounts has tens of thousands of assignments, and every principal's are looked up.
pub struct People<'a> {
    pub instance: &'a IdentityCenterInstance,
    assignments: HashMap<(AssignedPrincipal, &'a str), Vec<&'a AccountAssignment>>,
    groups: HashMap<&'a str, &'a IdentityGroup>,
    users: HashMap<&'a str, &'a IdentityUser>,
    sets: HashMap<&'a str, &'a PermissionSet>,
    groups_of: HashMap<&'a str, Vec<&'a IdentityGroup>>,
}

impl<'a> People<'a> {
    pub fn new(instance: &'a IdentityCenterInstance) -> People<'a> {
        let mut assignments: HashMap<_, Vec<_>> = HashMap::new();
        for a in &instance.assignments {
            assignments
                .entry((a.principal_type, a.principal_id.as_str()))
                .or_default()
                .push(a);
        }
        let mut groups_of: HashMap<&str, Vec<&IdentityGroup>> = HashMap::new();
        for g in &instance.groups {
            for m in &g.members {
                groups_of.entry(m.as_str()).or_default().push(g);
            }
        }
        People {
            instance,
            assignments,
            groups: instance.groups.iter().map(|g| (g.id.as_str(), g)).collect(),
            users: instance.users.iter().map(|u| (u.id.as_str(), u)).collect(),
            sets: instance
                .permission_sets
                .iter()
                .map(|p| (p.arn.as_str(), p))
                .collect(),
            groups_of,
        }
    }

    /// The assignments made to one principal.
    pub fn assigned(&self, kind: AssignedPrincipal, id: &'a str) -> &[&'a AccountAssignment] {
        self.assignments.get(&(kind, id)).map_or(&[], Vec::as_slice)
    }

    /// The principals with assignments, in a stable order.
    pub fn principals(&self) -> Vec<(AssignedPrincipal, &'a str)> {
        let mut all: Vec<_> = self.assignments.keys().copied().collect();
        all.sort();
        all
    }

    pub fn group(&self, id: &str) -> Option<&'a IdentityGroup> {
        self.groups.get(id).copied()
    }

    pub fn user(&self, id: &str) -> Option<&'a IdentityUser> {
        self.users.get(id).copied()
    }

    /// The groups a user is a member of.
    pub fn groups_of(&self, user: &str) -> &[&'a IdentityGroup] {
        self.groups_of.get(user).map_or(&[], Vec::as_slice)
    }

    /// How a user id is named: its user name, else the id.
    pub fn user_name<'s>(&self, id: &'s str) -> &'s str
    where
        'a: 's,
    {
        self.user(id).map_or(id, |u| u.user_name.as_str())
    }

    /// The assignments of one principal, landed in zones.
    pub fn land(
        &self,
        cx: &Context<'_>,
        kind: AssignedPrincipal,
        id: &'a str,
        via: Option<&'a str>,
        zones: &mut Zones<'a>,
    ) {
        for a in self.assigned(kind, id) {
            if let Some(z) = zone(cx, &a.account_id) {
                let permission_set = self
                    .sets
                    .get(a.permission_set_arn.as_str())
                    .map_or(a.permission_set_arn.as_str(), |p| p.name.as_str());
                zones.entry(z).or_default().push(Landing {
                    account: &a.account_id,
                    permission_set,
                    via,
                });
            }
        }
    }

    /// Where a group's own assignments land.
    pub fn group_zones(&self, cx: &Context<'_>, group: &'a str) -> Zones<'a> {
        let mut zones = Zones::new();
        self.land(cx, AssignedPrincipal::Group, group, None, &mut zones);
        zones
    }

    /// Whether the configuration declares the group with this id an operator group.
    pub fn is_operator_group(&self, cx: &Context<'_>, id: &str) -> bool {
        self.group(id)
            .is_some_and(|g| cx.config.operator_groups.iter().any(|o| o.names(g)))
    }
}

/// The landings, as evidence.
pub fn landings_evidence(zones: &Zones<'_>) -> Value {
    zones
        .iter()
        .flat_map(|(zone, landings)| {
            landings.iter().map(move |l| {
                json!({
                    "zone": zone,
                    "account": l.account,
                    "permission_set": l.permission_set,
                    "via_group": l.via,
                })
            })
        })
        .collect()
}

/// The permission set an `AWSReservedSSO_*` role of `account` was provisioned from, and the
/// groups and users assigned it there: the people behind the role, as evidence.
pub fn provisioned_from(
    cx: &Context<'_>,
    account: &str,
    role: &crate::inventory::Role,
) -> Option<Value> {
    let center = cx.inventory.organization.identity_center.as_ref()?;
    center.instances.iter().find_map(|instance| {
        let set = instance
            .permission_sets
            .iter()
            .find(|p| p.provisions(&role.name, &role.path))?;
        let people: Vec<Value> = instance
            .assignments
            .iter()
            .filter(|a| a.account_id == account && a.permission_set_arn == set.arn)
            .map(|a| match a.principal_type {
                AssignedPrincipal::Group => {
                    let group = instance.group(&a.principal_id);
                    json!({
                        "group": group.map_or(a.principal_id.as_str(), |g| g.display_name.as_str()),
                        "members": group.map(|g| g.members.iter().map(|m| instance.user(m).map_or(m.as_str(), |u| u.user_name.as_str())).collect::<Vec<_>>()).unwrap_or_default(),
                    })
                }
                AssignedPrincipal::User => json!({
                    "user": instance.user(&a.principal_id).map_or(a.principal_id.as_str(), |u| u.user_name.as_str()),
                }),
            })
            .collect();
        Some(json!({"permission_set": set.name, "permission_set_arn": set.arn, "assigned": people}))
    })
}
