//! An active account that is neither a tenant's nor the platform's: nobody can say which
//! zone of trust it belongs to, so nothing about it can be proven isolated.

use serde_json::json;

use crate::finding::{Finding, Subject};
use crate::inventory::AccountStatus;
use crate::rules::{Context, Rule, RuleDoc, rule_doc};
use crate::tenants::Owner;

pub struct UnmappedAccount;

impl Rule for UnmappedAccount {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("unmapped-account")
    }

    fn check_organization(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let org = &cx.inventory.organization;
        for account in &org.accounts {
            if account.status != AccountStatus::Active
                || cx.tenants.owner(&account.id) != Owner::Unmapped
            {
                continue;
            }
            let message = format!(
                "account {} (`{}`, in `{}`) is mapped to no tenant and is not a platform account",
                account.id,
                account.name,
                cx.tenants.tree.name_path(&account.parent_id)
            );
            out.push(Finding::new(
                self.doc(),
                Subject {
                    account: account.id.clone(),
                    region: None,
                    tenant: None,
                    resource: format!(
                        "arn:aws:organizations::{}:account/{}/{}",
                        org.management_account_id, org.id, account.id
                    ),
                    kind_path: "organizations/account".to_owned(),
                },
                message,
                json!({"account": account}),
            ));
        }
    }
}
