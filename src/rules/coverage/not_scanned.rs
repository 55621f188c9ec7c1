//! An account or region whose collection failed, or that has no record at all. Such a scan is
//! incomplete, and says so: an unread account is never reported clean.

use std::collections::{BTreeMap, HashMap};

use serde_json::json;

use crate::finding::{Finding, Subject};
use crate::inventory::{AccountInventory, AccountStatus, CollectionStatus};
use crate::rules::{Context, Rule, RuleDoc, rule_doc};

pub struct NotScanned;

impl Rule for NotScanned {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("not-scanned")
    }

    fn check_organization(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let inv = cx.inventory;
        let org = &inv.organization;
        if let Some(error) = org.status.failure() {
            // Not the management account's own collection, which may fail besides.
            out.push(organization_unread(self.doc(), cx, error));
        }
        let arn = |account: &str| {
            format!(
                "arn:aws:organizations::{}:account/{}/{account}",
                org.management_account_id, org.id
            )
        };
        let mut report = |account: &str, region: Option<&str>, error: String| {
            let place = region.map(|r| format!(" in {r}")).unwrap_or_default();
            let message = format!("account {account}{place} was not scanned: {error}");
            let subject = Subject {
                account: account.to_owned(),
                region: region.map(str::to_owned),
                tenant: cx.tenants.owner(account).tenant().map(str::to_owned),
                resource: arn(account),
                kind_path: "collection".to_owned(),
            };
            out.push(Finding::new(
                self.doc(),
                subject,
                message,
                json!({"account": account, "region": region, "error": error}),
            ));
        };
        let collected: HashMap<&str, &AccountInventory> = inv
            .accounts
            .iter()
            .map(|a| (a.account_id.as_str(), a))
            .collect();
        let mut denied: BTreeMap<(&str, &CollectionStatus), Vec<&str>> = BTreeMap::new();
        for account in org
            .accounts
            .iter()
            .filter(|a| a.status == AccountStatus::Active && !inv.out_of_scope.contains(&a.id))
        {
            let Some(data) = collected.get(account.id.as_str()) else {
                report(
                    &account.id,
                    None,
                    "no collection record for this account".to_owned(),
                );
                continue;
            };
            if let Some(error) = data.status.failure() {
                report(&account.id, None, error.to_owned());
                continue;
            }
            if data.users.is_none() {
                report(
                    &account.id,
                    None,
                    format!(
                        "its IAM users and groups were not read (inventory format {} predates them): collect it again",
                        inv.format_version
                    ),
                );
            }
            for region in &inv.regions {
                match data.regions.iter().find(|r| r.region == *region) {
                    None => report(
                        &account.id,
                        Some(region),
                        "no collection record for this region".to_owned(),
                    ),
                    Some(r) => match &r.status {
                        // Reported once per region and SCP below, not once per account.
                        CollectionStatus::Denied { .. } => denied
                            .entry((region.as_str(), &r.status))
                            .or_default()
                            .push(account.id.as_str()),
                        status => {
                            if let Some(error) = status.failure() {
                                report(&account.id, Some(region), error.to_owned());
                            }
                        }
                    },
                }
            }
        }
        for ((region, status), accounts) in denied {
            out.push(denied_region(self.doc(), cx, region, status, &accounts));
        }
        out.extend(identity_center_unread(self.doc(), cx));
        for data in inv.accounts.iter().filter(|a| a.status.failure().is_none()) {
            for region in data.regions.iter().filter(|r| r.status.failure().is_none()) {
                out.extend(unread_resources(self.doc(), cx, &data.account_id, region));
            }
        }
        for data in &inv.accounts {
            for region in &data.regions {
                out.extend(truncated_route_tables(
                    self.doc(),
                    cx,
                    &data.account_id,
                    region,
                ));
            }
        }
    }
}

/// Resource types not read in a region that was (a listing failed, or the inventory predates
/// resource policies), and single resources whose policy could not be read: unknown, so not
/// clean.
fn unread_resources(
    doc: &'static RuleDoc,
    cx: &Context<'_>,
    account: &str,
    region: &crate::inventory::RegionInventory,
) -> Vec<Finding> {
    use crate::inventory::ResourceKind;
    let org = &cx.inventory.organization;
    let subject = |resource: String, kind_path: String| Subject {
        account: account.to_owned(),
        region: Some(region.region.clone()),
        tenant: cx.tenants.owner(account).tenant().map(str::to_owned),
        resource,
        kind_path,
    };
    let account_arn = format!(
        "arn:aws:organizations::{}:account/{}/{account}",
        org.management_account_id, org.id
    );
    let mut out = Vec::new();
    let missing: Vec<&str> = ResourceKind::ALL
        .into_iter()
        .filter(|k| !region.resource_types.iter().any(|r| r.kind == *k))
        .map(|k| k.noun())
        .collect();
    if !missing.is_empty() {
        let why = if cx.inventory.format_version < 4 {
            format!(
                "the inventory (format {}) predates resource policies: collect it again",
                cx.inventory.format_version
            )
        } else {
            "no collection record for them".to_owned()
        };
        out.push(
            Finding::new(
                doc,
                subject(account_arn.clone(), "collection/resources".to_owned()),
                format!(
                    "account {account} in {} was not scanned for resource policies ({}): {why}",
                    region.region,
                    missing.join(", ")
                ),
                json!({"account": account, "region": region.region, "resource_types": missing, "error": why}),
            )
            .with_key("resource-types"),
        );
    }
    for read in &region.resource_types {
        if let Some(error) = read.status.failure() {
            out.push(
                Finding::new(
                    doc,
                    subject(account_arn.clone(), format!("collection/{}", read.kind.segment())),
                    format!(
                        "account {account} in {} was not scanned for {} policies: {error}",
                        region.region,
                        read.kind.noun()
                    ),
                    json!({"account": account, "region": region.region, "resource_type": read.kind, "error": error}),
                )
                .with_key(read.kind.segment()),
            );
        }
    }
    for res in &region.resources {
        if let Some(error) = res.status.failure() {
            let name = res.arn.rsplit([':', '/']).next().unwrap_or(&res.arn);
            out.push(Finding::new(
                doc,
                subject(res.arn.clone(), format!("{}/{name}", res.kind.segment())),
                format!(
                    "the policy of {} `{name}` in account {account} was not read: {error}",
                    res.kind.noun()
                ),
                json!({"resource": res.arn, "error": error}),
            ));
        }
    }
    out
}

/// A region the organization's SCPs deny the audit role, so collection did not call it: one
/// finding per region and SCP, naming the accounts, with the remedy. Not proven empty: its
/// resources may predate the SCP, and other accounts reach them through their policies.
fn denied_region(
    doc: &'static RuleDoc,
    cx: &Context<'_>,
    region: &str,
    status: &CollectionStatus,
    accounts: &[&str],
) -> Finding {
    let CollectionStatus::Denied {
        action,
        policy_id,
        policy,
        target,
        ..
    } = status
    else {
        unreachable!("only denied regions are grouped");
    };
    let org = &cx.inventory.organization;
    let (by, resource, kind_path) = match (policy_id, policy) {
        (Some(id), Some(name)) => (
            format!("the SCP `{name}` ({id}) attached to {target} denies"),
            format!(
                "arn:aws:organizations::{}:policy/{}/service_control_policy/{id}",
                org.management_account_id, org.id
            ),
            format!("collection/scp/{id}"),
        ),
        _ => (
            format!("no SCP attached to {target} allows"),
            format!(
                "arn:aws:organizations::{}:organization/{}",
                org.management_account_id, org.id
            ),
            format!("collection/scp-allow-list/{target}"),
        ),
    };
    let shown: Vec<&str> = accounts.iter().take(5).copied().collect();
    let more = accounts.len().saturating_sub(shown.len());
    let listed = if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    };
    Finding::new(
        doc,
        Subject {
            account: org.management_account_id.clone(),
            region: Some(region.to_owned()),
            tenant: None,
            resource,
            kind_path,
        },
        format!(
            "{region} was not scanned in {} account(s) ({listed}): {by} the audit role `{action}` there, so it was not called. It is not proven empty (resources may predate the SCP, and other accounts reach them through their policies): exempt the audit role in that SCP (an `ArnNotLike` test of `aws:PrincipalArn`, as Control Tower exempts its own roles), or declare the regions in scope in `[collect] regions`",
            accounts.len()
        ),
        json!({"region": region, "action": action, "policy_id": policy_id, "policy": policy, "target": target, "accounts": accounts}),
    )
}

/// A transit-gateway route table whose static routes were read in part
/// (`SearchTransitGatewayRoutes` returns at most 1,000 and says more are available): a path
/// among the rest is unknown, so the table is reported not (wholly) scanned, never clean.
fn truncated_route_tables(
    doc: &'static RuleDoc,
    cx: &Context<'_>,
    account: &str,
    region: &crate::inventory::RegionInventory,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for tgw in &region.transit_gateways {
        for table in tgw.route_tables.iter().filter(|t| t.routes_truncated) {
            out.push(Finding::new(
                doc,
                Subject {
                    account: account.to_owned(),
                    region: Some(region.region.clone()),
                    tenant: cx.tenants.owner(account).tenant().map(str::to_owned),
                    resource: format!(
                        "arn:aws:ec2:{}:{account}:transit-gateway-route-table/{}",
                        region.region, table.id
                    ),
                    kind_path: format!("ec2/transit-gateway/{}/route-table/{}", tgw.id, table.id),
                },
                format!(
                    "route table `{}` of transit gateway `{}` in account {account} was read in part: it holds more routes than `SearchTransitGatewayRoutes` returns ({} read); a path among the others is unknown",
                    table.id,
                    tgw.id,
                    table.routes.len()
                ),
                json!({"transit_gateway": tgw.id, "route_table": table.id, "routes_read": table.routes.len()}),
            ));
        }
    }
    out
}

/// IAM Identity Center not read: the inventory predates it, or its read failed (an instance
/// not found in the configured Region included). Unknown assignments are not "none".
fn identity_center_unread(doc: &'static RuleDoc, cx: &Context<'_>) -> Option<Finding> {
    let org = &cx.inventory.organization;
    if org.status.failure().is_some() {
        return None;
    }
    let error = match &org.identity_center {
        None => format!(
            "the inventory (format {}) predates Identity Center: collect it again",
            cx.inventory.format_version
        ),
        Some(center) => center.status.failure()?.to_owned(),
    };
    let region = org.identity_center.as_ref().and_then(|c| c.region.clone());
    Some(
        Finding::new(
            doc,
            Subject {
                account: org.management_account_id.clone(),
                region: region.clone(),
                tenant: None,
                resource: format!(
                    "arn:aws:organizations::{}:organization/{}",
                    org.management_account_id, org.id
                ),
                kind_path: "collection/identity-center".to_owned(),
            },
            format!(
                "IAM Identity Center was not scanned, so the people it assigns to tenant accounts are unknown: {error}"
            ),
            json!({"region": region, "error": error}),
        )
        .with_key("identity-center"),
    )
}

/// The organization could not be read (or not in time): no account list, so no account was
/// scanned. Named by the organization when its id is known, never as an account `unknown`.
fn organization_unread(doc: &'static RuleDoc, cx: &Context<'_>, error: &str) -> Finding {
    let org = &cx.inventory.organization;
    let known = org.id != "unknown" && !org.id.is_empty();
    let (account, resource, name) = if known {
        (
            org.management_account_id.clone(),
            format!(
                "arn:aws:organizations::{}:organization/{}",
                org.management_account_id, org.id
            ),
            format!("organization `{}`", org.id),
        )
    } else {
        (
            "organization".to_owned(),
            "organization".to_owned(),
            "the organization".to_owned(),
        )
    };
    Finding::new(
        doc,
        Subject {
            account,
            region: None,
            tenant: None,
            resource,
            kind_path: "organization".to_owned(),
        },
        format!("{name} could not be read, so none of its accounts was scanned: {error}"),
        json!({"organization": org.id, "error": error}),
    )
    .with_key("organization")
}
