//! A security-group rule in one tenant's group that names another tenant's group
//! (`UserIdGroupPairs` with another account's `UserId`): it admits that tenant's instances
//! (ingress) or lets traffic out to them (egress), across a peering connection or a transit
//! gateway with security-group referencing.

use serde_json::json;

use super::{Zone, zone};
use crate::finding::{Finding, Subject};
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc, trust};

pub struct CrossTenantSgReference;

impl Rule for CrossTenantSgReference {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("cross-tenant-sg-reference")
    }

    /// A reference to the platform's groups (a shared service's clients) is the usual design;
    /// one to another tenant, an unmapped account or an outside account is reported, once per
    /// group and account referenced.
    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        let own = zone(cx, &view.inventory.account_id);
        if own == Zone::Platform {
            return;
        }
        for region in &view.inventory.regions {
            for group in &region.security_groups {
                for reference in &group.references {
                    let other = zone(cx, &reference.user_id);
                    if other == own || other == Zone::Platform {
                        continue;
                    }
                    let via = reference
                        .peering_connection_id
                        .as_ref()
                        .map(|p| format!(" over peering connection `{p}`"))
                        .unwrap_or_default();
                    let verb = if reference.direction == "egress" {
                        "lets traffic out to"
                    } else {
                        "admits traffic from"
                    };
                    let account = &view.inventory.account_id;
                    let message = format!(
                        "security group `{}` of {} {verb} group `{}` of {}{via}",
                        group.id,
                        cx.tenants.describe(account),
                        reference.group_id,
                        cx.tenants.describe(&reference.user_id)
                    );
                    out.push(
                        Finding::new(
                            self.doc(),
                            Subject {
                                account: account.clone(),
                                region: Some(region.region.clone()),
                                tenant: view.owner.tenant().map(str::to_owned),
                                resource: format!(
                                    "arn:aws:ec2:{}:{account}:security-group/{}",
                                    region.region, group.id
                                ),
                                kind_path: format!("ec2/security-group/{}", group.id),
                            },
                            message,
                            json!({"group": group.id, "vpc": group.vpc_id, "rule": reference}),
                        )
                        .with_counterpart(trust::account_counterpart(cx, &reference.user_id)),
                    );
                }
            }
        }
    }
}
