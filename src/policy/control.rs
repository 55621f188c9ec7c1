//! Control policies (SCPs and RCPs) judged by effect: is an action denied for the requests in
//! question, where it is attached from the root down to the account?
//!
//! AWS's evaluation, as the Organizations user guide gives it: an action is permitted only if,
//! at **every** level from the root through each OU to the account, some attached policy
//! allows it, and no attached policy at **any** level denies it. So there are two ways to be
//! denied: an explicit Deny that applies, or a level where nothing allows the action (an
//! allow-list without it). A Deny whose conditions may be false for the principal in question
//! is not a denial: it is "denied except" for the principals it exempts by name, and otherwise
//! a partial denial that leaves the action open, with the statement and its conditions as
//! evidence. A policy that cannot be read decides nothing either way.

use serde::Serialize;
use serde_json::{Value, json};

use super::document::{ActionElement, Effect, PolicyError, PrincipalElement, Statement};
use super::pattern;
use super::request::{Request, Truth, holds};
use super::variables::Scope;

/// One policy attached at a level, parsed.
#[derive(Debug, Clone, Copy)]
pub struct Attached<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub statements: &'a Result<Vec<Statement>, PolicyError>,
}

/// A root, OU or account and the policies attached to it.
#[derive(Debug, Clone)]
pub struct Level<'a> {
    pub target: &'a str,
    pub policies: Vec<Attached<'a>>,
}

/// What is asked: may `action` on `resource` be done by the requests `request` describes?
/// `resource` is an ARN, or `*` for "any resource": a Deny then applies for certain only if it
/// covers every resource.
#[derive(Debug, Clone, Copy)]
pub struct Question<'a> {
    pub action: &'a str,
    pub resource: &'a str,
    pub request: &'a Request,
    pub scope: &'a Scope<'a>,
}

/// A statement of a policy at a level: the evidence a verdict cites.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cite {
    pub policy: String,
    pub policy_id: String,
    /// The root, OU or account it is attached to.
    pub target: String,
    pub statement: Value,
}

/// Why a Deny may not apply to a request in question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Qualifier {
    /// It applies to every principal except those a negated test of a principal key names.
    Exempts {
        operator: String,
        key: String,
        values: Vec<String>,
    },
    /// It applies only to the principals a positive test of a principal key names.
    OnlyFor {
        operator: String,
        key: String,
        values: Vec<String>,
    },
    /// It applies only when the request satisfies a condition that is not about who calls.
    When {
        operator: String,
        key: String,
        values: Vec<String>,
    },
    /// It covers only some resources.
    Resources { resources: Vec<String> },
    /// It covers every resource except these.
    NotResources { resources: Vec<String> },
    /// It names principals (`Principal` other than `*`, or `NotPrincipal`).
    Principals { element: Value },
}

impl Qualifier {
    /// An exemption that names principals one by one: an ARN without a wildcard in its name
    /// (`arn:aws:iam::*:role/platform-pipeline`). An exemption of a pattern of names
    /// (`role/*`, `role/platform/*`), of tags or user ids lets the account's own
    /// administrators write themselves into it.
    pub fn is_named_exemption(&self) -> bool {
        let Qualifier::Exempts { key, values, .. } = self else {
            return false;
        };
        key.eq_ignore_ascii_case("aws:PrincipalArn")
            && !values.is_empty()
            && values.iter().all(|v| {
                let name = v.splitn(6, ':').nth(5).unwrap_or("*");
                let name = name.split_once('/').map_or(name, |(_, n)| n);
                !name.is_empty() && !pattern::has_wildcard(name) && !v.contains("${")
            })
    }
}

impl Qualifier {
    /// An exemption a tenant's own administrator can write themselves into: a pattern of role
    /// or user names they can create (outside the paths AWS reserves for its own roles,
    /// `/aws-service-role/` and `/aws-reserved/`), a tag they can set, a user id or name. A
    /// tenant cannot become another account, organization or AWS service, so exemptions of
    /// those, and of principals named one by one, are not. A positive test (`OnlyFor`) is the
    /// Deny's scope, never an exemption: AWS's "deny the root user" SCP tests
    /// `aws:PrincipalArn` like `arn:aws:iam::*:root` and denies exactly what it is for.
    ///
    /// A pattern of role names is not self-service either when the same policy denies
    /// creating such roles and rewriting their trust (`iam:CreateRole` and
    /// `iam:UpdateAssumeRolePolicy` on them): Control Tower exempts `stacksets-exec-*` and
    /// forbids everyone else to make one. `policy` is the SCP the exemption is in.
    pub fn is_self_service_exemption(&self, policy: &[Statement]) -> bool {
        let Qualifier::Exempts { key, values, .. } = self else {
            return false;
        };
        let key = key.to_ascii_lowercase();
        match key.as_str() {
            "aws:principalarn" => values.iter().any(|v| !unreachable_principal(v, policy)),
            "aws:principaltype" => values.iter().any(|v| {
                ["AssumedRole", "User", "FederatedUser"]
                    .iter()
                    .any(|t| pattern::matches_ignore_case(v, t))
            }),
            "aws:userid" | "aws:username" => true,
            k => k.starts_with("aws:principaltag/"),
        }
    }
}

/// Whether a tenant administrator cannot create or become a principal matching the
/// `aws:PrincipalArn` value `v`: it names one principal (no wildcard in its name), lies on a
/// path AWS reserves for its own roles, or the policy denies making such a role.
fn unreachable_principal(v: &str, policy: &[Statement]) -> bool {
    let name = v.splitn(6, ':').nth(5).unwrap_or("*");
    let named = {
        let n = name.split_once('/').map_or(name, |(_, n)| n);
        !n.is_empty() && !pattern::has_wildcard(n) && !v.contains("${")
    };
    let reserved =
        name.starts_with("role/aws-service-role/") || name.starts_with("role/aws-reserved/");
    let guarded = name.starts_with("role/")
        && ["iam:CreateRole", "iam:UpdateAssumeRolePolicy"]
            .iter()
            .all(|action| {
                policy.iter().any(|s| {
                    s.effect == Effect::Deny
                        && action_covered(&s.action, action)
                        && s.resources
                            .iter()
                            .flatten()
                            .any(|r| pattern::matches(r, v) || r == v)
                })
            });
    named || reserved || guarded
}

/// A Deny that may not apply, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Partial {
    pub cite: Cite,
    pub qualifiers: Vec<Qualifier>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    /// A Deny applies to every request in question.
    Denied { by: Cite },
    /// Nothing attached at `target` allows the action: denied by omission (an allow-list
    /// strategy without it).
    NotAllowed { target: String },
    /// A Deny applies to everyone but the principals it names one by one.
    DeniedExcept { by: Cite, exempt: Vec<Qualifier> },
    /// Allowed at every level, and no Deny certainly applies: `partial` are the Denies that
    /// apply only sometimes, `unreadable` the policies that could not be read (so the answer
    /// is not known, and is not taken as denied).
    NotDenied {
        partial: Vec<Partial>,
        unreadable: Vec<Unreadable>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unreadable {
    pub policy: String,
    pub target: String,
    pub error: String,
}

impl Verdict {
    pub fn is_denied(&self) -> bool {
        !matches!(self, Verdict::NotDenied { .. })
    }
}

/// Judges `question` against the levels from the root down to the account.
pub fn judge(levels: &[Level<'_>], question: &Question<'_>) -> Verdict {
    let mut partial = Vec::new();
    let mut unreadable = Vec::new();
    let mut except: Option<(Cite, Vec<Qualifier>)> = None;
    for level in levels {
        for policy in &level.policies {
            let statements = match policy.statements {
                Ok(s) => s,
                Err(e) => {
                    unreadable.push(Unreadable {
                        policy: policy.name.to_owned(),
                        target: level.target.to_owned(),
                        error: e.to_string(),
                    });
                    continue;
                }
            };
            for s in statements.iter().filter(|s| s.effect == Effect::Deny) {
                let cite = || Cite {
                    policy: policy.name.to_owned(),
                    policy_id: policy.id.to_owned(),
                    target: level.target.to_owned(),
                    statement: s.raw.clone(),
                };
                match applies(s, question) {
                    Applies::Never => {}
                    Applies::Always => return Verdict::Denied { by: cite() },
                    Applies::Sometimes(qualifiers) => {
                        let named = qualifiers.iter().all(Qualifier::is_named_exemption);
                        if named
                            && except
                                .as_ref()
                                .is_none_or(|(_, q)| qualifiers.len() < q.len())
                        {
                            except = Some((cite(), qualifiers.clone()));
                        }
                        partial.push(Partial {
                            cite: cite(),
                            qualifiers,
                        });
                    }
                }
            }
        }
    }
    for level in levels {
        let allowed = level.policies.iter().any(|p| {
            p.statements.as_ref().is_ok_and(|statements| {
                statements
                    .iter()
                    .any(|s| s.effect == Effect::Allow && allows(s, question))
            })
        });
        let unread_here = level.policies.iter().any(|p| p.statements.is_err());
        if !allowed && !unread_here {
            return Verdict::NotAllowed {
                target: level.target.to_owned(),
            };
        }
    }
    if let Some((by, exempt)) = except
        && unreadable.is_empty()
    {
        return Verdict::DeniedExcept { by, exempt };
    }
    Verdict::NotDenied {
        partial,
        unreadable,
    }
}

enum Applies {
    Never,
    Always,
    Sometimes(Vec<Qualifier>),
}

fn action_covered(action: &ActionElement, wanted: &str) -> bool {
    let named = |list: &[String]| list.iter().any(|p| pattern::matches_ignore_case(p, wanted));
    match action {
        ActionElement::Action(list) => named(list),
        ActionElement::NotAction(list) => !named(list),
    }
}

/// Whether a Deny statement applies to the requests in question.
fn applies(s: &Statement, q: &Question<'_>) -> Applies {
    if !action_covered(&s.action, q.action) {
        return Applies::Never;
    }
    let mut qualifiers = Vec::new();
    match resource_cover(s, q.resource) {
        Cover::None => return Applies::Never,
        Cover::All => {}
        Cover::Some(qualifier) => qualifiers.push(qualifier),
    }
    match who(s, q.request, q.scope) {
        None => return Applies::Never,
        Some(found) => qualifiers.extend(found),
    }
    if qualifiers.is_empty() {
        Applies::Always
    } else {
        Applies::Sometimes(qualifiers)
    }
}

/// To whom a Deny statement applies, as far as its `Principal` and conditions say: `None`
/// when a condition is certainly false for the requests in question (it never applies), else
/// what may keep it from applying (empty: it applies to all of them).
pub fn who(s: &Statement, request: &Request, scope: &Scope<'_>) -> Option<Vec<Qualifier>> {
    let mut qualifiers = Vec::new();
    match &s.principal {
        None | Some((false, PrincipalElement::Everyone)) => {}
        Some(_) => qualifiers.push(Qualifier::Principals {
            element: json!(s.raw.get("Principal").or(s.raw.get("NotPrincipal"))),
        }),
    }
    for entry in &s.conditions {
        match holds(entry, request, scope) {
            Truth::True => {}
            Truth::False => return None,
            Truth::Unknown => qualifiers.push(qualify(entry)),
        }
    }
    Some(qualifiers)
}

/// Whether an Allow statement allows the action for some of the requests in question: a
/// condition may hold, a resource list may cover the one wanted.
fn allows(s: &Statement, q: &Question<'_>) -> bool {
    action_covered(&s.action, q.action)
        && !matches!(resource_cover(s, q.resource), Cover::None)
        && s.conditions
            .iter()
            .all(|c| holds(c, q.request, q.scope) != Truth::False)
}

enum Cover {
    None,
    All,
    Some(Qualifier),
}

fn resource_cover(s: &Statement, resource: &str) -> Cover {
    let any = resource == "*";
    let everything = |p: &String| p.chars().all(|c| c == '*');
    match (&s.resources, &s.not_resources) {
        (Some(list), _) if any => {
            if list.iter().any(everything) {
                Cover::All
            } else {
                Cover::Some(Qualifier::Resources {
                    resources: list.clone(),
                })
            }
        }
        (Some(list), _) => {
            if list.iter().any(|p| pattern::arn_matches(p, resource)) {
                Cover::All
            } else {
                Cover::None
            }
        }
        (None, Some(list)) if any => {
            if list.iter().any(everything) {
                Cover::None
            } else {
                Cover::Some(Qualifier::NotResources {
                    resources: list.clone(),
                })
            }
        }
        (None, Some(list)) => {
            if list.iter().any(|p| pattern::arn_matches(p, resource)) {
                Cover::None
            } else {
                Cover::All
            }
        }
        // Without `Resource` (SCPs before 2025 allowed omitting it in some tools' output):
        // AWS requires one, so read its absence as every resource, as `*`.
        (None, None) => Cover::All,
    }
}

/// The keys that say who the caller is.
fn principal_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    matches!(
        key.as_str(),
        "aws:principalarn"
            | "aws:principalaccount"
            | "aws:principalorgid"
            | "aws:principalorgpaths"
            | "aws:principaltype"
            | "aws:userid"
            | "aws:username"
            | "aws:principalisawsservice"
            | "aws:principalservicename"
    ) || key.starts_with("aws:principaltag/")
}

fn qualify(entry: &super::document::ConditionEntry) -> Qualifier {
    let (operator, key, values) = (
        entry.operator.clone(),
        entry.key.clone(),
        entry.values.clone(),
    );
    let base = super::condition::split_operator(&entry.operator)
        .base
        .to_ascii_lowercase();
    let negated = base.contains("not") && !base.starts_with("null");
    if !principal_key(&entry.key) {
        Qualifier::When {
            operator,
            key,
            values,
        }
    } else if negated {
        Qualifier::Exempts {
            operator,
            key,
            values,
        }
    } else {
        Qualifier::OnlyFor {
            operator,
            key,
            values,
        }
    }
}

#[cfg(test)]
#[path = "control_tests.rs"]
mod tests;
