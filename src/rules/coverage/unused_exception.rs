//! An exception in the configuration that matched no finding, or an operator group declared
//! under `[[platform.groups]]` that excuses nothing (not in Identity Center, or assigned on
//! no two tenants). Stale exceptions rot into blanket permissions for whatever comes to match
//! them later, so they are reported.
//!
//! The check of `[[exceptions]]` runs where exceptions are applied (`triage`), after every
//! rule; the operator groups are checked here, against Identity Center as read.

use serde_json::json;

use crate::finding::{Finding, Subject};
use crate::rules::{Context, Rule, RuleDoc, human, rule_doc};

pub struct UnusedException;

impl Rule for UnusedException {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("unused-exception")
    }

    /// Only against an Identity Center that was read: an unread one says nothing of use.
    fn check_organization(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(center) = &cx.inventory.organization.identity_center else {
            return;
        };
        if center.status.failure().is_some() || center.region.is_none() {
            return;
        }
        let org = &cx.inventory.organization;
        for (i, declared) in cx.config.operator_groups.iter().enumerate() {
            let found = center.instances.iter().find_map(|instance| {
                instance
                    .groups
                    .iter()
                    .find(|g| declared.names(g))
                    .map(|g| (instance, g))
            });
            let why = match found {
                None => "no such group in IAM Identity Center".to_owned(),
                Some((instance, group)) => {
                    let zones = human::People::new(instance).group_zones(cx, &group.id);
                    if zones.len() >= 2 {
                        continue;
                    }
                    format!(
                        "the group is assigned on {} tenant{}, so the declaration excuses nothing",
                        zones.len(),
                        if zones.len() == 1 { "" } else { "s" }
                    )
                }
            };
            let message = format!(
                "operator group `{}` declared in `platform.groups[{i}]` (owner: {}) is unused: {why}",
                declared.name, declared.owner
            );
            let subject = Subject {
                account: org.management_account_id.clone(),
                region: None,
                tenant: None,
                resource: format!("platform.groups[{i}]"),
                kind_path: format!("configuration/platform/groups/{}", declared.name),
            };
            let evidence = json!({"declaration": declared, "why": why});
            out.push(Finding::new(self.doc(), subject, message, evidence));
        }
    }
}
