//! A role an account outside the organization can assume, unless it is an allowed third party
//! whose trust statement carries every condition the configuration requires of it.

use crate::finding::{Counterpart, Finding};
use crate::rules::trust;
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc};
use crate::tenants::{Owner, Reach};

pub struct ExternalTrust;

impl Rule for ExternalTrust {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("external-trust")
    }

    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        trust::each_grant(cx, view, |role, analysis, grant, reach| {
            let subject = || trust::role_subject(view, role);
            let evidence = || trust::evidence(role, analysis, grant);
            let role_of = format!("role `{}` of {}", role.name, trust::owner_phrase(cx, view));
            if let Reach::OtherOrganization(org) = reach {
                let message =
                    format!("{role_of} can be assumed by every account of organization `{org}`");
                out.push(
                    Finding::new(self.doc(), subject(), message, evidence()).with_counterpart(
                        Counterpart {
                            account: None,
                            tenant: None,
                            description: format!("organization {org}"),
                        },
                    ),
                );
                return;
            }
            if let Reach::OtherPartition { partition, account } = &reach {
                let message = format!(
                    "{role_of} can be assumed by account {account} of partition `{partition}`, outside the organization: account ids are per partition"
                );
                out.push(
                    Finding::new(self.doc(), subject(), message, evidence()).with_counterpart(
                        Counterpart::described(format!("account {account} ({partition})")),
                    ),
                );
                return;
            }
            let Reach::Accounts(accounts) = &reach else {
                return;
            };
            for account in accounts {
                let mut key = None;
                let message = match cx.tenants.owner(account) {
                    Owner::External => format!(
                        "{role_of} {}, which is neither in the organization nor an allowed third party",
                        trust::assumed_by(cx, grant, account)
                    ),
                    Owner::ThirdParty(i) => {
                        let vendor = cx.tenants.third_party(i);
                        let missing: Vec<&str> = vendor
                            .require_conditions
                            .iter()
                            .filter(|key| !grant.requires(key))
                            .map(String::as_str)
                            .collect();
                        if missing.is_empty() {
                            continue;
                        }
                        // The set of missing requirements is the flaw: one more missing is new.
                        key = Some(missing.join(","));
                        format!(
                            "{role_of} trusts third party `{}` ({account}) without requiring {}",
                            vendor.name,
                            missing
                                .iter()
                                .map(|k| format!("`{k}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    }
                    _ => continue,
                };
                let finding = Finding::new(self.doc(), subject(), message, evidence())
                    .with_counterpart(trust::account_counterpart(cx, account))
                    .with_actions(trust::rcp_actions(grant));
                out.push(match key {
                    Some(key) => finding.with_key(key),
                    None => finding,
                });
            }
        });
    }
}
