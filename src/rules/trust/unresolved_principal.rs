//! A trusted principal that cannot be tied to an account: a deleted principal's unique id, or
//! a form tenantguard does not recognise. Unknown is not safe.

use crate::finding::{Counterpart, Finding};
use crate::policy::{Trustee, Unresolved};
use crate::rules::trust;
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc};
use crate::tenants::Reach;

pub struct UnresolvedPrincipal;

impl Rule for UnresolvedPrincipal {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("unresolved-principal")
    }

    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        trust::each_grant(cx, view, |role, analysis, grant, reach| {
            let (value, why) = match (&grant.trustee, reach) {
                (Trustee::Unresolved { value, reason }, _) => (
                    value.clone(),
                    match reason {
                        Unresolved::UniqueId => {
                            "a unique id, left behind when the principal it named was deleted"
                        }
                        Unresolved::UnknownForm => {
                            "a principal form tenantguard cannot tie to an account"
                        }
                        Unresolved::UnknownVariable => {
                            "a condition value with a policy variable tenantguard does not know, so who it admits is unknown"
                        }
                    },
                ),
                (Trustee::OrgPath { pattern, .. }, Reach::Unresolved) => (
                    pattern.clone(),
                    "an `aws:PrincipalOrgPaths` value that does not start with an organization id, so it cannot be tied to OUs",
                ),
                _ => return,
            };
            let what = format!("trusts `{value}`: {why}");
            trust::report_grant(
                self.doc(),
                cx,
                view,
                role,
                analysis,
                grant,
                what,
                Counterpart::described(value.clone()),
                out,
            );
        });
    }
}
