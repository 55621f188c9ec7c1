//! A group or user of IAM Identity Center assigned on the accounts of two tenants: its people
//! act inside both, so data and access move between the tenants through them, and one
//! phished session reaches both. Reported once for each tenant it reaches (so each tenant's
//! view shows who else its people work for), naming the permission sets and accounts.
//!
//! A user counts when its own assignments and those of its groups together span two tenants,
//! unless one group of its own already spans all of them (that group is the finding). The
//! operator groups the configuration declares are the platform's: their assignments count
//! for nobody.

use std::collections::{BTreeSet, HashMap};

use serde_json::json;

use crate::finding::{Counterpart, Finding, Subject};
use crate::inventory::{AssignedPrincipal, IdentityCenterInstance};
use crate::rules::human::{self, People, Zones};
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
        let people = People::new(instance);
        let principals = people.principals();
        // Groups first: the zones each spanning group covers, to tell which users it explains.
        let mut spanning: HashMap<&str, BTreeSet<String>> = HashMap::new();
        for &(_, id) in principals
            .iter()
            .filter(|(kind, _)| *kind == AssignedPrincipal::Group)
        {
            if people.is_operator_group(cx, id) {
                continue;
            }
            let zones = people.group_zones(cx, id);
            if zones.len() >= 2 {
                spanning.insert(id, zones.keys().cloned().collect());
                let (name, members) = people
                    .group(id)
                    .map_or((id, 0), |g| (g.display_name.as_str(), g.members.len()));
                let plural = if members == 1 { "" } else { "s" };
                let who = format!("group `{name}` ({members} member{plural})");
                self.report(cx, &people, AssignedPrincipal::Group, id, &who, &zones, out);
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
            people.land(cx, AssignedPrincipal::User, id, None, &mut zones);
            let mut groups = Vec::new();
            for group in people.groups_of(id) {
                if people.is_operator_group(cx, &group.id) {
                    continue;
                }
                groups.push(group.id.as_str());
                let via = Some(group.display_name.as_str());
                people.land(cx, AssignedPrincipal::Group, &group.id, via, &mut zones);
            }
            if zones.len() < 2 {
                continue;
            }
            let explained = groups.iter().any(|g| {
                spanning
                    .get(g)
                    .is_some_and(|covered| zones.keys().all(|z| covered.contains(z)))
            });
            if explained {
                continue;
            }
            let who = format!("user `{}`", people.user_name(id));
            self.report(cx, &people, AssignedPrincipal::User, id, &who, &zones, out);
        }
    }

    /// One finding for each zone the principal reaches, the other zones as its counterpart.
    #[allow(clippy::too_many_arguments)]
    fn report(
        &self,
        cx: &Context<'_>,
        people: &People<'_>,
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
        let instance = people.instance;
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
