//! A suppression whose expiry date has passed. It no longer silences its finding, which
//! counts again; this finding says why it came back.
//!
//! The check runs where suppressions are applied (`triage::gate`), after every rule.

use crate::rules::{Rule, RuleDoc, rule_doc};

pub struct ExpiredSuppression;

impl Rule for ExpiredSuppression {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("expired-suppression")
    }
}
