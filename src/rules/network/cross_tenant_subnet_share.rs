//! VPC sharing across tenants: a tenant's account sees a subnet another account owns (RAM
//! shares subnets, and the owner's `OwnerId` shows in the viewer's `DescribeSubnets`). Shared
//! subnets put the accounts in one VPC, one network, with security groups the only wall.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use crate::finding::{Finding, Subject};
use crate::rules::trust;
use crate::rules::{Context, Rule, RuleDoc, rule_doc};
use crate::tenants::Owner;

pub struct CrossTenantSubnetShare;

/// The tenant an account belongs to, an unmapped account counting as a tenant of its own;
/// `None` for platform and outside accounts.
fn tenant_zone(cx: &Context<'_>, account: &str) -> Option<String> {
    match cx.tenants.owner(account) {
        Owner::Tenant(t) => Some(t),
        Owner::Unmapped => Some(format!("unmapped:{account}")),
        _ => None,
    }
}

/// One shared VPC as one viewer sees it.
struct Sharing<'a> {
    owner: &'a str,
    region: &'a str,
    vpc: &'a str,
    subnets: BTreeSet<&'a str>,
}

impl Rule for CrossTenantSubnetShare {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("cross-tenant-subnet-share")
    }

    /// Sharing from another tenant (or an unmapped or outside account) is reported. Sharing
    /// from a platform account is the usual hub design; it is reported only when the same
    /// VPC reaches two or more tenants, because then they share a network.
    fn check_organization(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        // (viewer, owner, region, vpc) -> subnets
        let mut seen: BTreeMap<(&str, &str, &str, &str), Sharing<'_>> = BTreeMap::new();
        for account in &cx.inventory.accounts {
            for region in &account.regions {
                for s in region
                    .subnets
                    .iter()
                    .filter(|s| s.owner_id != account.account_id)
                {
                    let key = (
                        account.account_id.as_str(),
                        s.owner_id.as_str(),
                        region.region.as_str(),
                        s.vpc_id.as_str(),
                    );
                    seen.entry(key)
                        .or_insert_with(|| Sharing {
                            owner: &s.owner_id,
                            region: &region.region,
                            vpc: &s.vpc_id,
                            subnets: BTreeSet::new(),
                        })
                        .subnets
                        .insert(&s.id);
                }
            }
        }
        // The tenants each shared VPC reaches.
        let mut reach: BTreeMap<(&str, &str), BTreeSet<String>> = BTreeMap::new();
        for (viewer, owner, _, vpc) in seen.keys() {
            if let Some(zone) = tenant_zone(cx, viewer) {
                reach.entry((owner, vpc)).or_default().insert(zone);
            }
        }
        for ((viewer, _, _, _), sharing) in &seen {
            let Some(viewer_zone) = tenant_zone(cx, viewer) else {
                continue;
            };
            let tenants = &reach[&(sharing.owner, sharing.vpc)];
            let why = match cx.tenants.owner(sharing.owner) {
                Owner::Tenant(t) if t == viewer_zone => continue,
                Owner::Platform(_) if tenants.len() < 2 => continue,
                Owner::Platform(_) => format!(
                    "; the VPC is shared with {} tenants ({}), who share its network",
                    tenants.len(),
                    tenants.iter().cloned().collect::<Vec<_>>().join(", ")
                ),
                _ => String::new(),
            };
            let message = format!(
                "{} uses {} subnet(s) of VPC `{}` owned by {}{why}",
                cx.tenants.describe(viewer),
                sharing.subnets.len(),
                sharing.vpc,
                cx.tenants.describe(sharing.owner)
            );
            let subject = Subject {
                account: (*viewer).to_owned(),
                region: Some(sharing.region.to_owned()),
                tenant: cx.tenants.owner(viewer).tenant().map(str::to_owned),
                resource: format!(
                    "arn:aws:ec2:{}:{}:vpc/{}",
                    sharing.region, sharing.owner, sharing.vpc
                ),
                kind_path: format!("ec2/shared-vpc/{}", sharing.vpc),
            };
            let evidence = json!({"viewer": viewer, "owner": sharing.owner, "vpc": sharing.vpc, "subnets": sharing.subnets, "tenants_sharing": tenants});
            out.push(
                Finding::new(self.doc(), subject, message, evidence)
                    .with_counterpart(trust::account_counterpart(cx, sharing.owner)),
            );
        }
    }
}
