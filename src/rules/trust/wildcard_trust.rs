//! A role any AWS account can assume: `"*"`, `NotPrincipal`, or a wildcard that no condition
//! narrows to known accounts.

use crate::finding::{Counterpart, Finding};
use crate::rules::trust;
use crate::rules::{AccountView, Context, Rule, RuleDoc, rule_doc};
use crate::tenants::Reach;

pub struct WildcardTrust;

impl Rule for WildcardTrust {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("wildcard-trust")
    }

    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        trust::each_grant(cx, view, |role, analysis, grant, reach| {
            let Reach::Anyone { .. } = reach else {
                return;
            };
            let who = match &grant.trustee {
                crate::policy::Trustee::AccountPattern { pattern } => {
                    format!("any AWS account whose id matches `{pattern}`")
                }
                _ if grant.not_principal => "any AWS account (Allow with NotPrincipal)".to_owned(),
                _ => "any AWS account".to_owned(),
            };
            let what = format!("can be assumed by {who}");
            trust::report_grant(
                self.doc(),
                cx,
                view,
                role,
                analysis,
                grant,
                what,
                Counterpart::described(who),
                out,
            );
        });
    }
}
