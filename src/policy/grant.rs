//! What a trust or resource policy admits, one grant at a time: the shared vocabulary of the
//! trust analysis and the Denies judged against it (`fence`).

use serde::Serialize;

use super::condition;
use super::document::{ActionElement, ConditionEntry, Effect, PrincipalElement};
use super::principal::{self, Trustee};
use super::variables::Scope;

/// One way into the role: a trustee admitted by one Allow statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Grant {
    pub trustee: Trustee,
    /// The actions the statement allows the trustee: for a trust policy the assume actions,
    /// for a resource policy the actions as written.
    pub actions: Vec<String>,
    /// Index of the statement in the document.
    pub statement: usize,
    /// Whether it came from `NotPrincipal` (everyone but those listed).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub not_principal: bool,
    #[serde(skip)]
    pub(super) conditions: Vec<ConditionEntry>,
    /// The statement's `Resource` values (empty when it is written with `NotResource`): a
    /// Deny takes the grant away only where it covers all of them.
    #[serde(skip)]
    pub(super) resources: Vec<String>,
}

impl Grant {
    /// Whether the statement positively requires condition `key` (e.g. `sts:ExternalId`).
    pub fn requires(&self, key: &str) -> bool {
        self.conditions.iter().any(|c| condition::requires(c, key))
    }

    /// The statement's conditions.
    pub fn conditions(&self) -> &[ConditionEntry] {
        &self.conditions
    }

    /// The resources the granting statement names (empty for `NotResource`).
    pub fn resources(&self) -> &[String] {
        &self.resources
    }

    /// The same statement's grant of `actions` to `trustee`, under `conditions`.
    pub(super) fn with(
        &self,
        actions: Vec<String>,
        trustee: Trustee,
        conditions: Vec<ConditionEntry>,
    ) -> Grant {
        Grant {
            trustee,
            actions,
            conditions,
            ..self.clone()
        }
    }
}

/// Which actions of a statement the question is about, by effect: the assume actions for a
/// trust policy, the actions as written for a resource policy. An empty list leaves the
/// statement out (an Allow grants nothing asked about; a Deny removes nothing).
pub(crate) type Select = fn(&ActionElement, Effect) -> Vec<String>;

pub(super) fn principal_trustees(element: &PrincipalElement, scope: &Scope<'_>) -> Vec<Trustee> {
    match element {
        PrincipalElement::Everyone => vec![Trustee::AnyAccount],
        PrincipalElement::Typed(pairs) => pairs
            .iter()
            .map(|(kind, value)| principal::typed_principal(kind, value, scope))
            .collect(),
    }
}
