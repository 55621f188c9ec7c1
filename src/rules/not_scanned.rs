//! An account or region whose collection failed, or that has no record at all. Such a scan is
//! incomplete, and says so: an unread account is never reported clean.

use std::collections::HashMap;

use serde_json::json;

use super::{Context, Rule, RuleDoc, rule_doc};
use crate::finding::{Finding, Subject};
use crate::inventory::{AccountInventory, AccountStatus};

pub struct NotScanned;

impl Rule for NotScanned {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("not-scanned")
    }

    fn check_organization(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let inv = cx.inventory;
        let org = &inv.organization;
        let arn = |account: &str| {
            format!(
                "arn:aws:organizations::{}:account/{}/{account}",
                org.management_account_id, org.id
            )
        };
        let mut report = |account: &str, region: Option<&str>, error: String, key: Option<&str>| {
            let place = region.map(|r| format!(" in {r}")).unwrap_or_default();
            let message = format!("account {account}{place} was not scanned: {error}");
            let subject = Subject {
                account: account.to_owned(),
                region: region.map(str::to_owned),
                tenant: cx.tenants.owner(account).tenant().map(str::to_owned),
                resource: arn(account),
                kind_path: "collection".to_owned(),
            };
            let finding = Finding::new(
                self.doc(),
                subject,
                message,
                json!({"account": account, "region": region, "error": error}),
            );
            out.push(match key {
                Some(key) => finding.with_key(key),
                None => finding,
            });
        };
        if let Some(error) = org.status.failure() {
            report(
                &org.management_account_id,
                None,
                format!("the organization could not be read: {error}"),
                // Not the management account's own collection, which may fail besides.
                Some("organization"),
            );
        }
        let collected: HashMap<&str, &AccountInventory> = inv
            .accounts
            .iter()
            .map(|a| (a.account_id.as_str(), a))
            .collect();
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
                    None,
                );
                continue;
            };
            if let Some(error) = data.status.failure() {
                report(&account.id, None, error.to_owned(), None);
                continue;
            }
            for region in &inv.regions {
                match data.regions.iter().find(|r| r.region == *region) {
                    None => report(
                        &account.id,
                        Some(region),
                        "no collection record for this region".to_owned(),
                        None,
                    ),
                    Some(r) => {
                        if let Some(error) = r.status.failure() {
                            report(&account.id, Some(region), error.to_owned(), None);
                        }
                    }
                }
            }
        }
    }
}
