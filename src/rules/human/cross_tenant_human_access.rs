//! A group or user of IAM Identity Center assigned on the accounts of two tenants: its people
//! act inside both, so data and access move between the tenants through them, and one
//! phished session reaches both. Reported once for each tenant it reaches (so each tenant's
//! view shows who else its people work for), naming the permission sets and accounts.
//!
//! A user counts when its own assignments and those of its groups together span two tenants,
//! unless one group of its own already spans all of them (that group is the finding). The
//! operator groups the configuration declares are the platform's: their assignments count
//! for nobody.

use std::collections::BTreeSet;

use serde_json::json;

use crate::finding::{Counterpart, Finding, Subject};
use crate::inventory::{AssignedPrincipal, IdentityCenterInstance};
use crate::rules::human::{self, Zones};
use crate::rules::{Context, Rule, RuleDoc, rule_doc};

pub struct CrossTenantHumanAccess;

impl Rule for CrossTenantHumanAccess {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("cross-tenant-human-access")
    }

    fn check_organization(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(center) = &cx.inventory.organization.identity_center else {
            return;
        };
        for instance in &center.instances {
            self.check_instance(cx, instance, out);
        }
    }
}

impl CrossTenantHumanAccess {
    fn check_instance(
        &self,
        cx: &Context<'_>,
        instance: &IdentityCenterInstance,
        out: &mut Vec<Finding>,
    ) {
        let principals: BTreeSet<(AssignedPrincipal, &str)> = instance
            .assignments
            .iter()
            .map(|a| (a.principal_type, a.principal_id.as_str()))
            .collect();
        // Groups first: the zones each spanning group covers, to tell which users it explains.
        let mut spanning: Vec<(&str, BTreeSet<String>)> = Vec::new();
        for &(_, id) in principals
            .iter()
            .filter(|(kind, _)| *kind == AssignedPrincipal::Group)
        {
            if human::is_operator_group(cx, instance, id) {
                continue;
            }
            let zones = human::group_zones(cx, instance, id);
            if zones.len() >= 2 {
                spanning.push((id, zones.keys().cloned().collect()));
                let name = instance.group(id).map_or(id, |g| g.display_name.as_str());
                let members = instance.group(id).map_or(0, |g| g.members.len());
                let plural = if members == 1 { "" } else { "s" };
                let who = format!("group `{name}` ({members} member{plural})");
                self.report(
                    cx,
                    instance,
                    AssignedPrincipal::Group,
                    id,
                    &who,
                    &zones,
                    out,
                );
            }
        }
        let users: BTreeSet<&str> = instance
            .users
            .iter()
            .map(|u| u.id.as_str())
            .chain(
                principals
                    .iter()
                    .filter(|(kind, _)| *kind == AssignedPrincipal::User)
                    .map(|(_, id)| *id),
            )
            .collect();
        for id in users {
            let mut zones = Zones::new();
            human::land(
                cx,
                instance,
                human::assigned(instance, AssignedPrincipal::User, id),
                None,
                &mut zones,
            );
            let mut groups = Vec::new();
            for group in instance
                .groups
                .iter()
                .filter(|g| g.members.iter().any(|m| m == id))
            {
                if human::is_operator_group(cx, instance, &group.id) {
                    continue;
                }
                groups.push(group.id.as_str());
                human::land(
                    cx,
                    instance,
                    human::assigned(instance, AssignedPrincipal::Group, &group.id),
                    Some(&group.display_name),
                    &mut zones,
                );
            }
            if zones.len() < 2 {
                continue;
            }
            let explained = spanning.iter().any(|(g, covered)| {
                groups.contains(g) && zones.keys().all(|z| covered.contains(z))
            });
            if explained {
                continue;
            }
            let name = instance.user(id).map_or(id, |u| u.user_name.as_str());
            let who = format!("user `{name}`");
            self.report(cx, instance, AssignedPrincipal::User, id, &who, &zones, out);
        }
    }

    /// One finding for each zone the principal reaches, the other zones as its counterpart.
    #[allow(clippy::too_many_arguments)]
    fn report(
        &self,
        cx: &Context<'_>,
        instance: &IdentityCenterInstance,
        kind: AssignedPrincipal,
        id: &str,
        who: &str,
        zones: &Zones<'_>,
        out: &mut Vec<Finding>,
    ) {
        let (noun, path) = match kind {
            AssignedPrincipal::Group => ("group", "identitycenter/group"),
            AssignedPrincipal::User => ("user", "identitycenter/user"),
        };
        let partition = instance.arn.split(':').nth(1).unwrap_or("aws");
        let resource = format!("arn:{partition}:identitystore:::{noun}/{id}");
        let sets = |zone: &str| {
            let mut named: Vec<String> = zones[zone]
                .iter()
                .map(|l| {
                    let via = l
                        .via
                        .map(|g| format!(" through group `{g}`"))
                        .unwrap_or_default();
                    format!("`{}` on {}{via}", l.permission_set, l.account)
                })
                .collect();
            named.dedup();
            named.join(", ")
        };
        for (zone, landings) in zones {
            let others: Vec<&String> = zones.keys().filter(|z| *z != zone).collect();
            let message = format!(
                "IAM Identity Center {who} is assigned on {} ({}) and also on {}: its people act inside {} tenants",
                human::zone_phrase(zone),
                sets(zone),
                others
                    .iter()
                    .map(|z| format!("{} ({})", human::zone_phrase(z), sets(z)))
                    .collect::<Vec<_>>()
                    .join(" and "),
                zones.len(),
            );
            let account = landings[0].account;
            let subject = Subject {
                account: account.to_owned(),
                region: None,
                tenant: cx.tenants.owner(account).tenant().map(str::to_owned),
                resource: resource.clone(),
                kind_path: format!("{path}/{id}"),
            };
            let counterpart = match others.as_slice() {
                [one] => {
                    let other = zones[*one][0].account;
                    Counterpart {
                        account: Some(other.to_owned()),
                        tenant: cx.tenants.owner(other).tenant().map(str::to_owned),
                        description: human::zone_phrase(one),
                    }
                }
                many => Counterpart::described(
                    many.iter()
                        .map(|z| human::zone_phrase(z))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            };
            let members: Vec<&str> = match kind {
                AssignedPrincipal::Group => instance
                    .group(id)
                    .map(|g| {
                        g.members
                            .iter()
                            .map(|m| {
                                instance
                                    .user(m)
                                    .map_or(m.as_str(), |u| u.user_name.as_str())
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                AssignedPrincipal::User => Vec::new(),
            };
            let evidence = json!({
                "instance": instance.arn,
                "principal": {"type": kind, "id": id, "name": who},
                "members": members,
                "assignments": human::landings_evidence(zones),
            });
            out.push(
                Finding::new(self.doc(), subject, message, evidence).with_counterpart(counterpart),
            );
        }
    }
}
