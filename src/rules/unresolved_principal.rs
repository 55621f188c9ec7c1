//! A trusted principal that cannot be tied to an account: a deleted principal's unique id, or
//! a form tenantguard does not recognise. Unknown is not safe.

use super::{AccountView, Context, Rule, RuleDoc, rule_doc, trust};
use crate::finding::{Counterpart, Finding};
use crate::policy::{Trustee, Unresolved};

pub struct UnresolvedPrincipal;

impl Rule for UnresolvedPrincipal {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("unresolved-principal")
    }

    fn check_account(&self, cx: &Context<'_>, view: &AccountView<'_>, out: &mut Vec<Finding>) {
        trust::each_grant(cx, view, |role, analysis, grant, _| {
            let Trustee::Unresolved { value, reason } = &grant.trustee else {
                return;
            };
            let why = match reason {
                Unresolved::UniqueId => {
                    "a unique id, left behind when the principal it named was deleted"
                }
                Unresolved::UnknownForm => "a principal form tenantguard cannot tie to an account",
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
