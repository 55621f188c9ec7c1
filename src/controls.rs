//! The organization's SCPs and RCPs, parsed once and indexed by where they attach: what the
//! guardrail rules judge, and what collection consults to skip the regions an SCP denies the
//! audit role (a call there only fails).

use std::collections::HashMap;

use crate::inventory::{Organization, PolicyKind, ServiceControlPolicy};
use crate::orgtree::OrgTree;
use crate::policy::PolicyError;
use crate::policy::control::{Attached, Level};
use crate::policy::document::{self, Statement};
use crate::policy::request::{Known, Request};

/// The organization's SCPs and RCPs, parsed, by where they are attached.
pub struct Controls<'a> {
    parsed: Vec<(
        &'a ServiceControlPolicy,
        Result<Vec<Statement>, PolicyError>,
    )>,
    /// (kind, target) to indexes into `parsed`.
    attached: HashMap<(PolicyKind, &'a str), Vec<usize>>,
}

impl<'a> Controls<'a> {
    pub fn new(org: &'a Organization) -> Controls<'a> {
        let parsed: Vec<_> = org
            .policies
            .iter()
            .map(|p| (p, document::parse(&p.document)))
            .collect();
        let mut attached: HashMap<(PolicyKind, &str), Vec<usize>> = HashMap::new();
        for (i, (p, _)) in parsed.iter().enumerate() {
            for t in &p.targets {
                attached.entry((p.kind, t.as_str())).or_default().push(i);
            }
        }
        Controls { parsed, attached }
    }

    /// The levels from the root down to `account`, with the policies of `kind` on each.
    pub fn levels(&self, path: &[&'a str], kind: PolicyKind) -> Vec<Level<'_>> {
        path.iter()
            .map(|target| Level {
                target,
                policies: self
                    .attached
                    .get(&(kind, *target))
                    .into_iter()
                    .flatten()
                    .map(|&i| {
                        let (p, statements) = &self.parsed[i];
                        Attached {
                            id: &p.id,
                            name: &p.name,
                            statements,
                        }
                    })
                    .collect(),
            })
            .collect()
    }

    /// Whether any policy of `kind` is attached to `target` itself.
    pub fn has_attached(&self, kind: PolicyKind, target: &str) -> bool {
        self.attached.contains_key(&(kind, target))
    }

    /// The policies of `kind`'s texts, as JSON writes them again: escapes decoded, so an
    /// account id written `\u0031\u0032...` reads as the digits the policy engine compares.
    /// A text that is not JSON is given as stored.
    pub fn texts(&self, kind: PolicyKind) -> impl Iterator<Item = String> + '_ {
        self.parsed
            .iter()
            .filter(move |(p, _)| p.kind == kind)
            .map(|(p, _)| match &p.document {
                crate::inventory::PolicyDocument::Text(t) => {
                    serde_json::from_str::<serde_json::Value>(t)
                        .map_or_else(|_| t.clone(), |v| v.to_string())
                }
                crate::inventory::PolicyDocument::Json(v) => v.to_string(),
            })
    }

    pub fn parsed(&self, id: &str) -> Option<&Result<Vec<Statement>, PolicyError>> {
        self.parsed.iter().find(|(p, _)| p.id == id).map(|(_, s)| s)
    }
}

/// The root, each OU, then the account: where SCPs and RCPs attach on its path.
pub fn path<'a>(tree: &OrgTree<'a>, account: &'a str) -> Vec<&'a str> {
    let mut path = tree.ancestors(account);
    path.push(account);
    path
}

/// The requests of "some principal of `account`" (partition `aws`): its account, organization
/// and OU path are known (`org_path` is `None` for an account outside the organization); its
/// name, tags and the rest of the request are not.
pub fn principal_of(org_id: &str, account: &str, org_path: Option<&str>) -> Request {
    let request = Request::default()
        .value("aws:PrincipalAccount", account)
        .with(
            "aws:PrincipalArn",
            Known::ArnInAccount {
                partition: "aws".into(),
                account: account.into(),
            },
        )
        .value("aws:PrincipalIsAWSService", "false")
        .with("aws:PrincipalServiceName", Known::Absent);
    match org_path {
        Some(path) => request
            .value("aws:PrincipalOrgID", org_id)
            .value("aws:PrincipalOrgPaths", path),
        None => request
            .with(
                "aws:PrincipalOrgID",
                Known::OutsideOrganization {
                    id: org_id.to_owned(),
                },
            )
            .with(
                "aws:PrincipalOrgPaths",
                Known::OutsideOrganization {
                    id: org_id.to_owned(),
                },
            ),
    }
}
