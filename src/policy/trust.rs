//! Trust-policy analysis: the principals a role's trust policy lets assume it.

use serde::Serialize;
use serde_json::Value;

use super::document::{
    self, ActionElement, ConditionEntry, Effect, PolicyError, PrincipalElement, Statement,
};
use super::principal::{self, Trustee};
use super::variables::Scope;
use super::{condition, pattern};
use crate::inventory::PolicyDocument;

/// The actions by which a trust policy lets a principal become the role.
pub const ASSUME_ACTIONS: [&str; 3] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
];

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
    conditions: Vec<ConditionEntry>,
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
}

/// Which actions of a statement the question is about, by effect: the assume actions for a
/// trust policy, the actions as written for a resource policy. An empty list leaves the
/// statement out (an Allow grants nothing asked about; a Deny removes nothing).
pub(crate) type Select = fn(&ActionElement, Effect) -> Vec<String>;

fn assume_selection(action: &ActionElement, _: Effect) -> Vec<String> {
    assume_actions(action)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// What a trust policy admits.
#[derive(Debug, Clone, PartialEq)]
pub struct TrustAnalysis {
    pub grants: Vec<Grant>,
    /// The statements as written, by index: the evidence for findings.
    pub statements: Vec<Value>,
}

impl TrustAnalysis {
    pub fn statement(&self, index: usize) -> &Value {
        &self.statements[index]
    }
}

/// Analyses the trust policy of a role in `scope`. A document that cannot be read is an
/// error; a principal that cannot be tied to an account is a grant to [`Trustee::Unresolved`].
pub fn analyse(document: &PolicyDocument, scope: &Scope<'_>) -> Result<TrustAnalysis, PolicyError> {
    analyse_selected(document, scope, assume_selection)
}

/// [`analyse`] for the actions `select` picks: the one principal and condition analysis
/// behind trust and resource policies.
pub(crate) fn analyse_selected(
    document: &PolicyDocument,
    scope: &Scope<'_>,
    select: Select,
) -> Result<TrustAnalysis, PolicyError> {
    let statements = document::parse(document)?;
    let mut grants = Vec::new();
    for s in statements.iter().filter(|s| s.effect == Effect::Allow) {
        grants.extend(allow_grants(s, scope, select)?);
    }
    let denials: Vec<Denial> = statements
        .iter()
        .filter(|s| s.effect == Effect::Deny)
        .filter_map(|s| certain_denial(s, scope, select))
        .collect();
    grants.retain(|g| !denials.iter().any(|d| d.removes(g)));
    grants.sort_by(|a, b| (a.statement, &a.trustee).cmp(&(b.statement, &b.trustee)));
    grants.dedup_by(|a, b| a.statement == b.statement && a.trustee == b.trustee);
    Ok(TrustAnalysis {
        grants,
        statements: statements.into_iter().map(|s| s.raw).collect(),
    })
}

/// The assume actions an `Action` / `NotAction` element covers.
pub(crate) fn assume_actions(action: &ActionElement) -> Vec<&'static str> {
    let named = |list: &[String], a: &str| list.iter().any(|p| pattern::matches_ignore_case(p, a));
    ASSUME_ACTIONS
        .into_iter()
        .filter(|a| match action {
            ActionElement::Action(list) => named(list, a),
            ActionElement::NotAction(list) => !named(list, a),
        })
        .collect()
}

fn allow_grants(
    s: &Statement,
    scope: &Scope<'_>,
    select: Select,
) -> Result<Vec<Grant>, PolicyError> {
    let actions = select(&s.action, Effect::Allow);
    if actions.is_empty() {
        return Ok(Vec::new());
    }
    let Some((not_principal, element)) = &s.principal else {
        return Err(PolicyError {
            location: format!("Statement[{}].Principal", s.index),
            message: "missing: a trust or resource policy statement must name its principal"
                .to_owned(),
        });
    };
    // `NotPrincipal` with Allow admits everyone except those listed.
    let mut trustees = if *not_principal {
        vec![Trustee::AnyAccount]
    } else {
        principal_trustees(element, scope)
    };
    for narrowing in s
        .conditions
        .iter()
        .filter_map(|c| condition::narrowing(c, scope))
    {
        trustees = trustees
            .iter()
            .flat_map(|t| {
                narrowing
                    .allowed
                    .iter()
                    .filter_map(move |c| condition::intersect(t, c))
            })
            .collect();
    }
    Ok(trustees
        .into_iter()
        .map(|trustee| Grant {
            trustee,
            actions: actions.clone(),
            statement: s.index,
            not_principal: *not_principal,
            conditions: s.conditions.clone(),
        })
        .collect())
}

fn principal_trustees(element: &PrincipalElement, scope: &Scope<'_>) -> Vec<Trustee> {
    match element {
        PrincipalElement::Everyone => vec![Trustee::AnyAccount],
        PrincipalElement::Typed(pairs) => pairs
            .iter()
            .map(|(kind, value)| principal::typed_principal(kind, value, scope))
            .collect(),
    }
}

/// A Deny that certainly applies: no condition, a `Principal` (not `NotPrincipal`).
struct Denial {
    trustees: Vec<Trustee>,
    actions: Vec<String>,
}

fn certain_denial(s: &Statement, scope: &Scope<'_>, select: Select) -> Option<Denial> {
    if !s.conditions.is_empty() {
        return None;
    }
    let (false, element) = s.principal.as_ref()? else {
        return None;
    };
    Some(Denial {
        trustees: principal_trustees(element, scope),
        actions: select(&s.action, Effect::Deny),
    })
}

impl Denial {
    /// A Deny removes a grant only if it covers every action the grant allows (a denied
    /// pattern covers a granted one it matches as text: `s3:*` covers `s3:Get*`) and the
    /// grant's whole trustee.
    fn removes(&self, grant: &Grant) -> bool {
        grant.actions.iter().all(|a| {
            self.actions
                .iter()
                .any(|d| pattern::matches_ignore_case(d, a))
        }) && self.trustees.iter().any(|d| covers(d, &grant.trustee))
    }
}

fn covers(denied: &Trustee, granted: &Trustee) -> bool {
    match (denied, granted) {
        (Trustee::AnyAccount, _) => true,
        (
            Trustee::Account {
                id: a,
                principal: p,
            },
            Trustee::Account {
                id: b,
                principal: q,
            },
        ) => a == b && (p == "root" || p == q),
        (d, g) => d == g && !matches!(d, Trustee::Unresolved { .. }),
    }
}

#[cfg(test)]
#[path = "trust_tests.rs"]
mod tests;
