//! What a rule reports. Every finding is built through [`Finding::new`], which demands what
//! a reader needs to act: the rule, the primary resource (account, region, ARN), a message,
//! and the evidence; the counterpart is added where there is one.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::rule_doc::RuleDoc;
use crate::severity::Severity;

/// The resource a finding is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub account: String,
    /// `None` for global resources (IAM, Organizations).
    pub region: Option<String>,
    pub tenant: Option<String>,
    /// The ARN, or an id where the resource has no ARN.
    pub resource: String,
    /// The path segments naming the resource type and name, e.g. `iam/role/deploy`.
    pub kind_path: String,
}

/// The other side of a finding: who the resource is open to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Counterpart {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// Readable: `tenant `beta` (222222222222)`, `any AWS account`, ...
    pub description: String,
}

impl Counterpart {
    /// A counterpart that is not one account: a wildcard, an organization, a principal.
    pub fn described(description: impl Into<String>) -> Counterpart {
        Counterpart {
            account: None,
            tenant: None,
            description: description.into(),
        }
    }
}

/// The exception from the configuration that silenced a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedException {
    /// Position in the configuration's `exceptions` list.
    pub index: usize,
    pub owner: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    pub account: String,
    /// `global` for IAM and Organizations resources.
    pub region: String,
    pub resource: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterpart: Option<Counterpart>,
    pub message: String,
    /// The exact policy statements, peering records or collection errors behind the finding.
    pub evidence: Vec<Value>,
    /// A stable, readable path for the resource: `aws/<account>/<region>/<kind>/<name>`.
    pub location: String,
    /// Same finding, same fingerprint, across runs: a hash of rule, resource and counterpart.
    pub fingerprint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<AppliedException>,
    /// The suppression (from the suppressions file) that silences it until it expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<AppliedSuppression>,
    /// Against the baseline, when one was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_state: Option<crate::baseline::BaselineState>,
    /// The resource control policy that certainly denies the access this finding grants: the
    /// policy is still wrong, but the path is closed at the organization level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocked_by: Option<BlockedBy>,
    /// The actions the counterpart is granted on the resource (for RCP judgement).
    #[serde(skip)]
    pub(crate) actions: Vec<String>,
    /// What tells apart findings of one rule on one resource and counterpart that are
    /// separate flaws (two missing guardrails on one account): part of the fingerprint.
    #[serde(skip)]
    key: Option<String>,
}

/// The RCP statement that closes a finding's path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlockedBy {
    pub policy: String,
    pub policy_id: String,
    /// The root, OU or account it is attached to.
    pub target: String,
    pub statement: Value,
    /// The severity the finding had before it was found blocked.
    pub open_severity: Severity,
}

/// The suppression that silenced a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedSuppression {
    /// Position in the suppressions file.
    pub index: usize,
    pub owner: String,
    pub reason: String,
    pub expires: String,
}

impl Finding {
    pub fn new(rule: &RuleDoc, subject: Subject, message: String, evidence: Value) -> Finding {
        let region = subject.region.unwrap_or_else(|| "global".to_owned());
        let location = format!("aws/{}/{}/{}", subject.account, region, subject.kind_path);
        let mut finding = Finding {
            rule: rule.id.clone(),
            severity: rule.severity,
            tenant: subject.tenant,
            account: subject.account,
            region,
            resource: subject.resource,
            counterpart: None,
            message,
            evidence: vec![evidence],
            location,
            fingerprint: String::new(),
            exception: None,
            suppression: None,
            baseline_state: None,
            blocked_by: None,
            actions: Vec::new(),
            key: None,
        };
        finding.fingerprint = finding.compute_fingerprint();
        finding
    }

    pub fn with_counterpart(mut self, counterpart: Counterpart) -> Finding {
        self.counterpart = Some(counterpart);
        self.fingerprint = self.compute_fingerprint();
        self
    }

    /// The actions the counterpart is granted on the resource: an RCP that certainly denies
    /// all of them to the counterpart closes the path.
    pub fn with_actions<S: Into<String>>(
        mut self,
        actions: impl IntoIterator<Item = S>,
    ) -> Finding {
        self.actions = actions.into_iter().map(Into::into).collect();
        self
    }

    /// Marks the finding as one flaw among several of its rule on the same resource and
    /// counterpart, so that each is its own finding (a baseline sees every new one as new).
    pub fn with_key(mut self, key: impl Into<String>) -> Finding {
        self.key = Some(key.into());
        self.fingerprint = self.compute_fingerprint();
        self
    }

    /// Rule, account, resource and counterpart (and the key, where a rule sets one) identify
    /// a finding (a shared VPC is one
    /// resource seen from several accounts); the message, evidence and severity may change
    /// without it becoming a different finding.
    fn compute_fingerprint(&self) -> String {
        let counterpart = self
            .counterpart
            .as_ref()
            .map(|c| c.account.clone().unwrap_or_else(|| c.description.clone()))
            .unwrap_or_default();
        let mut hash = Sha256::new();
        for part in [
            &self.rule,
            &self.account,
            &self.resource,
            &self.region,
            &counterpart,
        ] {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        if let Some(key) = &self.key {
            hash.update(key.as_bytes());
            hash.update([0]);
        }
        hash.finalize()[..16]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Silenced by an exception or a live suppression: kept in reports, not counted.
    pub fn is_silenced(&self) -> bool {
        self.exception.is_some() || self.suppression.is_some()
    }

    /// The order reports print in: worst first, then by rule and place.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            std::cmp::Reverse(self.severity),
            &self.rule,
            &self.tenant,
            &self.account,
            &self.region,
            &self.resource,
            &self.counterpart,
            &self.fingerprint,
        )
    }
}
