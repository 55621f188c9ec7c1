//! An exception in the configuration that matched no finding. Stale exceptions rot into
//! blanket permissions for whatever comes to match them later, so they are reported.
//!
//! The check itself runs where exceptions are applied (`triage`), after every rule.

use crate::rules::{Rule, RuleDoc, rule_doc};

pub struct UnusedException;

impl Rule for UnusedException {
    fn doc(&self) -> &'static RuleDoc {
        rule_doc!("unused-exception")
    }
}
