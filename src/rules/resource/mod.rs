//! The resource rules: who a tenant's data can be reached by without assuming any role,
//! through S3 bucket, KMS key (and grant), SQS queue, SNS topic, secret, Lambda function and
//! ECR repository policies. One rule a file; what they share is here: every grant of every
//! resource, sorted once into who it reaches, and one finding per resource and counterpart
//! that merges the statements granting it.

pub mod cross_tenant_resource_access;
pub mod external_resource_access;
pub mod organization_wide_resource_access;
pub mod public_resource_access;
pub mod service_without_source;
pub mod unresolved_resource_policy;

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::finding::{Counterpart, Finding, Subject};
use crate::inventory::SharedWith;
use crate::policy::condition;
use crate::policy::document::ConditionEntry;
use crate::policy::resource::{self, Access};
use crate::policy::{Scope, Trustee, principal};
use crate::rules::trust::account_counterpart;
use crate::rules::{AccountView, Context, ResourceView, RuleDoc};
use crate::tenants::{Owner, Reach};

/// Which rule a grant falls to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    CrossTenant,
    OrganizationWide,
    Public,
    External,
    ServiceWithoutSource,
    Unresolved,
}

/// One way in: who, by what statement (or KMS grant), to which actions.
#[derive(Debug, Clone)]
pub struct Way {
    pub actions: Vec<String>,
    pub evidence: Value,
    /// The service it goes through, for a service principal.
    pub via: Option<String>,
    /// Requirements of an allowed vendor the grant does not make.
    pub missing: Vec<String>,
    /// The granting statement's conditions (none for a KMS grant).
    pub conditions: Vec<ConditionEntry>,
    /// A grant of the bucket's ACL (Block Public Access treats those apart from policies).
    pub acl: bool,
}

/// Everything one resource grants to one counterpart, under one rule.
pub struct Reached {
    pub class: Class,
    pub counterpart: Counterpart,
    pub ways: Vec<Way>,
}

impl Reached {
    pub fn actions(&self) -> Vec<String> {
        let mut all: Vec<String> = self.ways.iter().flat_map(|w| w.actions.clone()).collect();
        all.sort();
        all.dedup();
        all
    }
}

/// Every grant of `rv`, sorted into the rule it falls to and merged per counterpart. A
/// tenant's resource is judged against the other tenants; a platform resource only against
/// the organization, everyone and the outside (serving tenants is what it is for).
pub fn reached(cx: &Context<'_>, view: &AccountView<'_>, rv: &ResourceView<'_>) -> Vec<Reached> {
    let account = view.inventory.account_id.as_str();
    let mut merged: BTreeMap<(Class, String), Reached> = BTreeMap::new();
    let mut add = |class: Class, key: String, counterpart: Counterpart, way: Way| {
        merged
            .entry((class, key))
            .or_insert_with(|| Reached {
                class,
                counterpart,
                ways: Vec::new(),
            })
            .ways
            .push(way);
    };
    let org_path = cx.tenants.tree.org_path(account);
    let scope = Scope::of_arn(
        &rv.resource.arn,
        account,
        &cx.inventory.organization.id,
        Some(&org_path),
    )
    .at(cx.inventory.collected_at.as_deref());
    let mut grants: Vec<(Trustee, Way)> = Vec::new();
    if let Some(Ok(analysis)) = &rv.analysis {
        for g in analysis.grants() {
            let mut way = Way {
                actions: g.actions.clone(),
                evidence: json!({"statement_index": g.statement, "statement": analysis.trust.statement(g.statement)}),
                via: None,
                missing: Vec::new(),
                conditions: g.conditions().to_vec(),
                acl: false,
            };
            if let Trustee::Service { name } = &g.trustee {
                way.via = Some(name.clone());
                match resource::service_sources(g, &scope) {
                    Some(sources) if !sources.contains(&Trustee::AnyAccount) => {
                        for t in sources {
                            grants.push((t, way.clone()));
                        }
                    }
                    _ => add(
                        Class::ServiceWithoutSource,
                        name.clone(),
                        Counterpart::described(match name.as_str() {
                            "*" => "any account's use of any AWS service (no source condition)"
                                .to_owned(),
                            name => format!("any account's use of `{name}` (no source condition)"),
                        }),
                        way,
                    ),
                }
                continue;
            }
            grants.push((g.trustee.clone(), way));
        }
    }
    for grant in &rv.resource.grants {
        let trustee = if grant.grantee_principal.ends_with(".amazonaws.com") {
            Trustee::Service {
                name: grant.grantee_principal.clone(),
            }
        } else {
            principal::aws_principal(&grant.grantee_principal, &scope)
        };
        let way = Way {
            actions: grant
                .operations
                .iter()
                .map(|o| format!("kms:{o}"))
                .collect(),
            evidence: json!({"kms_grant": grant}),
            via: None,
            missing: Vec::new(),
            conditions: Vec::new(),
            acl: false,
        };
        if matches!(trustee, Trustee::Service { .. }) {
            continue; // A service's grant is made by the account's own use of that service.
        }
        grants.push((trustee, way));
    }
    for share in &rv.resource.shares {
        let way = Way {
            actions: rv
                .resource
                .kind
                .shared_actions()
                .iter()
                .map(|a| (*a).to_owned())
                .collect(),
            evidence: json!({"shared_with": share}),
            via: None,
            missing: Vec::new(),
            conditions: Vec::new(),
            acl: false,
        };
        grants.push((share_trustee(share), way));
    }
    let own_canonical = view.inventory.canonical_user_id.as_deref();
    for grant in &rv.resource.acl {
        let Some(trustee) = acl_trustee(cx, own_canonical, &grant.grantee) else {
            continue;
        };
        let way = Way {
            actions: acl_actions(&grant.permission),
            evidence: json!({"acl_grant": grant}),
            via: None,
            missing: Vec::new(),
            conditions: Vec::new(),
            acl: true,
        };
        grants.push((trustee, way));
    }
    let own = &view.owner;
    for (trustee, way) in grants {
        match cx.tenants.reach(&trustee) {
            Reach::Accounts(ids) => {
                for id in ids {
                    let owner = cx.tenants.owner(&id);
                    let class = match (&owner, own) {
                        (Owner::Tenant(t), Owner::Tenant(o)) if t == o => continue,
                        (Owner::Tenant(_) | Owner::Unmapped, Owner::Tenant(_)) => {
                            Class::CrossTenant
                        }
                        (Owner::External, _) => Class::External,
                        (Owner::ThirdParty(i), _) => {
                            let vendor = cx.tenants.third_party(*i);
                            let missing = third_party_missing(&vendor.require_conditions, &way);
                            if missing.is_empty() {
                                continue;
                            }
                            let mut way = way.clone();
                            way.missing = missing;
                            add(
                                Class::External,
                                id.clone(),
                                account_counterpart(cx, &id),
                                way,
                            );
                            continue;
                        }
                        _ => continue,
                    };
                    add(class, id.clone(), account_counterpart(cx, &id), way.clone());
                }
            }
            Reach::WholeOrganization => add(
                Class::OrganizationWide,
                cx.inventory.organization.id.clone(),
                Counterpart::described(format!(
                    "every account of organization `{}`, every tenant included",
                    cx.inventory.organization.id
                )),
                way,
            ),
            Reach::OtherOrganization(id) => add(
                Class::External,
                id.clone(),
                Counterpart::described(format!("every account of organization `{id}`")),
                way,
            ),
            Reach::OtherPartition { partition, account } => add(
                Class::External,
                format!("{partition}:{account}"),
                Counterpart::described(format!("account {account} of partition `{partition}`")),
                way,
            ),
            Reach::Anyone { .. } => add(
                Class::Public,
                "*".to_owned(),
                Counterpart::described("any AWS account"),
                way,
            ),
            Reach::Unresolved => add(
                Class::Unresolved,
                format!("{trustee:?}"),
                Counterpart::described(format!(
                    "a principal tenantguard cannot resolve ({})",
                    trustee_text(&trustee)
                )),
                way,
            ),
            Reach::NotAnAccount => {}
        }
    }
    merged.into_values().collect()
}

/// Who an ACL grant reaches. The owner's own grant and S3's log delivery group are no one
/// else's (`None`); another account is tied to its id by its canonical user id, read from each
/// account's `ListBuckets`; a canonical id of no account read, or an e-mail grantee, cannot be
/// tied to an account and is unresolved, never passed.
fn acl_trustee(
    cx: &Context<'_>,
    own: Option<&str>,
    grantee: &crate::inventory::AclGrantee,
) -> Option<Trustee> {
    use crate::inventory::AclGrantee;
    const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
    const AUTHENTICATED: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
    const LOG_DELIVERY: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";
    match grantee {
        AclGrantee::CanonicalUser { id } if Some(id.as_str()) == own => None,
        AclGrantee::CanonicalUser { id } => Some(match cx.canonical.get(id.as_str()) {
            Some(account) => Trustee::account(account, "root"),
            None => unresolved(&format!("canonical user {id} (no account read has it)")),
        }),
        AclGrantee::Group { uri } if uri == LOG_DELIVERY => None,
        AclGrantee::Group { uri } if uri == ALL_USERS || uri == AUTHENTICATED => {
            Some(Trustee::AnyAccount)
        }
        AclGrantee::Group { uri } => Some(unresolved(&format!("ACL group {uri}"))),
        AclGrantee::Email { address } => Some(unresolved(&format!(
            "ACL grantee by e-mail {address} (the account is not named)"
        ))),
    }
}

/// What an ACL permission lets the grantee do to the bucket, as IAM names it.
fn acl_actions(permission: &str) -> Vec<String> {
    let actions: &[&str] = match permission {
        "READ" => &["s3:ListBucket"],
        "WRITE" => &["s3:PutObject", "s3:DeleteObject"],
        "READ_ACP" => &["s3:GetBucketAcl"],
        "WRITE_ACP" => &["s3:PutBucketAcl"],
        "FULL_CONTROL" => &[
            "s3:ListBucket",
            "s3:PutObject",
            "s3:DeleteObject",
            "s3:GetBucketAcl",
            "s3:PutBucketAcl",
        ],
        other => return vec![format!("s3:acl:{other}")],
    };
    actions.iter().map(|a| (*a).to_owned()).collect()
}

/// Who a share reaches, as the policy engine names it: an account, every account, an
/// organization, or the accounts under an OU (an OU ARN's organization and OU id make the
/// `aws:PrincipalOrgPaths` pattern of every account below it).
fn share_trustee(share: &SharedWith) -> Trustee {
    match share {
        SharedWith::Account { id } => Trustee::account(id, "root"),
        SharedWith::Everyone => Trustee::AnyAccount,
        SharedWith::Organization { arn } => match arn.rsplit('/').next() {
            Some(id) if id.starts_with("o-") => Trustee::Organization { id: id.to_owned() },
            _ => unresolved(arn),
        },
        SharedWith::OrganizationalUnit { arn } => {
            let mut parts = arn.rsplit('/');
            match (parts.next(), parts.next()) {
                (Some(ou), Some(org)) if ou.starts_with("ou-") && org.starts_with("o-") => {
                    Trustee::OrgPath {
                        pattern: format!("{org}/*/{ou}/*"),
                        wildcard: true,
                    }
                }
                _ => unresolved(arn),
            }
        }
    }
}

fn unresolved(value: &str) -> Trustee {
    Trustee::Unresolved {
        value: value.to_owned(),
        reason: crate::policy::principal::Unresolved::UnknownForm,
    }
}

fn trustee_text(t: &Trustee) -> String {
    match t {
        Trustee::Unresolved { value, .. } => value.clone(),
        other => format!("{other:?}"),
    }
}

/// A vendor's requirements a resource grant does not make. `sts:ExternalId` is in the
/// request context of role assumption only: a resource policy cannot require it, so a
/// resource policy that names the vendor's account admits it without the one condition that
/// keeps another of the vendor's customers from steering it here (the confused deputy the
/// requirement exists for). That requirement is reported as unmet, never waived.
fn third_party_missing(required: &[String], way: &Way) -> Vec<String> {
    required
        .iter()
        .filter(|k| !way.conditions.iter().any(|c| condition::requires(c, k)))
        .cloned()
        .collect()
}

/// How an unmet vendor requirement is named in a message.
fn requirement_text(key: &str) -> String {
    if key.eq_ignore_ascii_case("sts:ExternalId") {
        format!("`{key}` (only role assumption carries it: a resource policy cannot require it)")
    } else {
        format!("`{key}`")
    }
}

/// The findings of `class` on every resource of the account.
pub fn report(
    doc: &RuleDoc,
    cx: &Context<'_>,
    view: &AccountView<'_>,
    class: Class,
    out: &mut Vec<Finding>,
) {
    for rv in &view.resources {
        let reached = rv.reached.get_or_init(|| reached(cx, view, rv));
        for r in reached.iter().filter(|r| r.class == class) {
            out.push(finding(doc, cx, view, rv, r));
        }
    }
}

/// The kinds of access, in words: `read, write`.
pub fn access_words(access: &[Access]) -> String {
    access
        .iter()
        .map(|a| a.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn finding(
    doc: &RuleDoc,
    cx: &Context<'_>,
    view: &AccountView<'_>,
    rv: &ResourceView<'_>,
    r: &Reached,
) -> Finding {
    let account = view.inventory.account_id.as_str();
    let res = rv.resource;
    let actions = r.actions();
    let access = resource::access(&actions);
    let name = res.arn.rsplit([':', '/']).next().unwrap_or(&res.arn);
    let via = r
        .ways
        .iter()
        .find_map(|w| w.via.as_deref())
        .filter(|_| r.class != Class::ServiceWithoutSource)
        .map(|s| match s {
            "*" => " through an AWS service acting for it".to_owned(),
            s => format!(" through `{s}`"),
        })
        .unwrap_or_default();
    let mut missing: Vec<&String> = r.ways.iter().flat_map(|w| &w.missing).collect();
    missing.sort();
    missing.dedup();
    let without = if missing.is_empty() {
        String::new()
    } else {
        format!(
            " without requiring {}",
            missing
                .iter()
                .map(|k| requirement_text(k))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    // Block Public Access closes a public grant as S3 applies it, the account's setting on
    // top of the bucket's: `RestrictPublicBuckets` the policy's, `IgnorePublicAcls` the ACL's.
    // The finding stays, lowered, while every way in is closed; an open bucket says which
    // settings are off (or that the account's was not read).
    let account_block = view.inventory.s3_account_block.as_ref();
    let closes = |b: &crate::inventory::PublicAccessBlock, w: &Way| {
        if w.acl {
            b.ignore_public_acls
        } else {
            b.restrict_public_buckets
        }
    };
    let closed_by = |w: &Way| {
        if res
            .public_access_block
            .as_ref()
            .is_some_and(|b| closes(b, w))
        {
            Some("the bucket's")
        } else if account_block
            .and_then(|a| a.block.as_ref())
            .is_some_and(|b| closes(b, w))
        {
            Some("the account's")
        } else {
            None
        }
    };
    let is_bucket_public =
        r.class == Class::Public && res.kind == crate::inventory::ResourceKind::S3Bucket;
    let block = is_bucket_public && r.ways.iter().all(|w| closed_by(w).is_some());
    let setting = if r.ways.iter().all(|w| w.acl) {
        "IgnorePublicAcls"
    } else {
        "RestrictPublicBuckets"
    };
    let blocked = if block {
        let whose = r.ways.iter().find_map(closed_by).unwrap_or("the bucket's");
        let ignored = if setting == "IgnorePublicAcls" {
            "makes AWS ignore it"
        } else {
            "makes AWS ignore it for callers outside the account"
        };
        format!(" ({whose} Block Public Access `{setting}` {ignored} while it stays on)")
    } else if is_bucket_public {
        match account_block {
            Some(a) if a.status.failure().is_none() => format!(
                " (Block Public Access `{setting}` is off for the bucket and for the account)"
            ),
            _ => format!(
                " (the bucket's Block Public Access `{setting}` is off, and the account's was not read)"
            ),
        }
    } else {
        String::new()
    };
    let message = format!(
        "{} `{name}` of {} grants {} access ({}) to {}{via}{without}{blocked}",
        res.kind.noun(),
        cx.tenants.describe(account),
        access_words(&access),
        actions.join(", "),
        r.counterpart.description,
    );
    let mut finding = Finding::new(
        doc,
        Subject {
            account: account.to_owned(),
            region: Some(rv.region.to_owned()),
            tenant: view.owner.tenant().map(str::to_owned),
            resource: res.arn.clone(),
            kind_path: format!("{}/{name}", res.kind.segment()),
        },
        message,
        json!({
            "resource": res.arn,
            "kind": res.kind,
            "access": access,
            "actions": actions,
            "grants": r.ways.iter().map(|w| &w.evidence).collect::<Vec<_>>(),
            "public_access_block": res.public_access_block,
        }),
    )
    .with_counterpart(r.counterpart.clone())
    .with_actions(actions);
    if res.kind == crate::inventory::ResourceKind::S3Bucket
        && let Some(evidence) = finding.evidence.first_mut()
    {
        evidence["account_public_access_block"] = json!(account_block);
    }
    if block {
        finding.severity = crate::severity::Severity::Medium;
    }
    finding
}
