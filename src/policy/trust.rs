//! Trust-policy analysis: the principals a role's trust policy lets assume it.

use serde_json::Value;

use super::document::{self, ActionElement, Effect, PolicyError, Statement};
use super::grant::{Grant, Select, principal_trustees};
use super::principal::Trustee;
use super::variables::Scope;
use super::{condition, fence, impossible, pattern, source};
use crate::inventory::PolicyDocument;

/// The actions by which a trust policy lets a principal become the role.
pub const ASSUME_ACTIONS: [&str; 3] = [
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
];

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
    // Each Deny takes away what it certainly applies to (see `fence`).
    for deny in statements.iter().filter(|s| s.effect == Effect::Deny) {
        grants = grants
            .into_iter()
            .flat_map(|g| fence::apply(deny, g, scope, select))
            .collect();
    }
    grants.sort_by(|a, b| (a.statement, &a.trustee).cmp(&(b.statement, &b.trustee)));
    grants.dedup_by(|a, b| {
        a.statement == b.statement && a.trustee == b.trustee && a.actions == b.actions
    });
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
    if actions.is_empty()
        || s.conditions
            .iter()
            .any(|c| impossible::never_holds(c, scope))
    {
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
    // A wildcard principal that must bring a service-source key is an AWS service acting for
    // that source (see `source`), when the source names an account, organization or path.
    let for_services = s.conditions.iter().any(source::admits_only_services)
        && source::sources(&s.conditions, scope, false).is_some_and(|t| source::all_pinned(&t));
    if for_services {
        for t in &mut trustees {
            if *t == Trustee::AnyAccount {
                *t = Trustee::Service {
                    name: "*".to_owned(),
                };
            }
        }
    }
    Ok(trustees
        .into_iter()
        .map(|trustee| Grant {
            trustee,
            actions: actions.clone(),
            statement: s.index,
            not_principal: *not_principal,
            conditions: s.conditions.clone(),
            resources: s.resources.clone().unwrap_or_default(),
        })
        .collect())
}

#[cfg(test)]
#[path = "trust_tests.rs"]
mod tests;
