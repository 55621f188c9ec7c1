//! The trust rules: who can assume a tenant's roles (and a tenant's roles can assume), one
//! rule a file, and what they share: walking every grant of every role, and describing it.

pub mod cross_tenant_assume_permission;
pub mod cross_tenant_path;
pub mod cross_tenant_trust;
pub mod external_trust;
pub mod organization_wide_trust;
pub mod platform_trusts_tenant;
pub mod unreadable_policy;
pub mod unresolved_principal;
pub mod wildcard_trust;

use serde_json::{Value, json};

use crate::finding::{Counterpart, Finding, Subject};
use crate::inventory::{AttachedPolicy, IamUsers, PolicyDocument, Role, User};
use crate::policy::{Grant, Scope, TrustAnalysis, Trustee, source};
use crate::rules::{AccountView, Context, RuleDoc};
use crate::tenants::{Owner, Reach};

/// Calls `f` for each grant of each readable trust policy in the account, with where it
/// reaches. A grant to an AWS service whose source conditions pin whom it acts for reaches
/// those sources (a service acting for another tenant is that tenant's way in); one without
/// them reaches no account.
pub fn each_grant<'v>(
    cx: &Context<'_>,
    view: &'v AccountView<'_>,
    mut f: impl FnMut(&'v Role, &'v TrustAnalysis, &'v Grant, &'v Reach),
) {
    let reached = view.trust_reach.get_or_init(|| reach_of_grants(cx, view));
    for (r, g, reach) in reached {
        let (role, analysis) = &view.roles[*r];
        if let Ok(analysis) = analysis.as_ref() {
            f(role, analysis, &analysis.grants[*g], reach);
        }
    }
}

/// Every trust grant of the account's roles and whom it reaches: a service's grant through
/// each source its conditions pin it to.
fn reach_of_grants(cx: &Context<'_>, view: &AccountView<'_>) -> Vec<(usize, usize, Reach)> {
    let account = view.inventory.account_id.as_str();
    let org_path = cx.tenants.tree.org_path(account);
    let mut out = Vec::new();
    for (r, (role, analysis)) in view.roles.iter().enumerate() {
        let Ok(analysis) = analysis.as_ref() else {
            continue;
        };
        for (g, grant) in analysis.grants.iter().enumerate() {
            if let Trustee::Service { .. } = grant.trustee {
                let scope = Scope::of_arn(
                    &role.arn,
                    account,
                    &cx.inventory.organization.id,
                    Some(&org_path),
                );
                let sources = source::sources(grant.conditions(), &scope, true)
                    .filter(|s| source::all_pinned(s))
                    .unwrap_or_default();
                for s in sources {
                    out.push((r, g, cx.tenants.reach(&s)));
                }
                continue;
            }
            out.push((r, g, cx.tenants.reach(&grant.trustee)));
        }
    }
    out
}

pub fn role_subject(view: &AccountView<'_>, role: &Role) -> Subject {
    Subject {
        account: view.inventory.account_id.clone(),
        region: None,
        tenant: view.owner.tenant().map(str::to_owned),
        resource: role.arn.clone(),
        kind_path: format!("iam/role/{}", role.name),
    }
}

/// The statement that grants, quoted as written.
pub fn evidence(role: &Role, analysis: &TrustAnalysis, grant: &Grant) -> Value {
    json!({
        "role": role.arn,
        "statement_index": grant.statement,
        "statement": analysis.statement(grant.statement),
        "trustee": grant.trustee,
    })
}

/// The known accounts a reach names: listed accounts, or the known accounts an account
/// pattern matches.
pub fn named_accounts(reach: &Reach) -> &[String] {
    match reach {
        Reach::Accounts(ids) => ids,
        Reach::Anyone { matching } => matching,
        _ => &[],
    }
}

pub fn account_counterpart(cx: &Context<'_>, account: &str) -> Counterpart {
    Counterpart {
        account: Some(account.to_owned()),
        tenant: cx.tenants.owner(account).tenant().map(str::to_owned),
        description: cx.tenants.describe(account),
    }
}

/// How the owner of the role is named in messages.
pub fn owner_phrase(cx: &Context<'_>, view: &AccountView<'_>) -> String {
    cx.tenants.describe(&view.inventory.account_id)
}

/// Reports a grant of `role`: `what` ends the message (`can be assumed by ...`), `counterpart`
/// names who it admits.
#[allow(clippy::too_many_arguments)]
pub fn report_grant(
    doc: &RuleDoc,
    cx: &Context<'_>,
    view: &AccountView<'_>,
    role: &Role,
    analysis: &TrustAnalysis,
    grant: &Grant,
    what: String,
    counterpart: Counterpart,
    out: &mut Vec<Finding>,
) {
    let message = format!("role `{}` of {} {what}", role.name, owner_phrase(cx, view));
    out.push(
        Finding::new(
            doc,
            role_subject(view, role),
            message,
            evidence(role, analysis, grant),
        )
        .with_counterpart(counterpart)
        .with_actions(rcp_actions(grant)),
    );
}

/// The actions a grant gives its trustee, for judging RCPs against. None for a federated
/// caller or a service: they are no IAM principal of an account, so an RCP's principal
/// conditions cannot be judged for them.
pub fn rcp_actions(grant: &Grant) -> Vec<String> {
    match grant.trustee {
        Trustee::Federated { .. } | Trustee::Service { .. } => Vec::new(),
        _ => grant.actions.clone(),
    }
}

/// Reports, for each role, the accounts its grants reach that `outside` says are outside the
/// role owner's zone: once per role and counterpart account, quoting every granting statement.
pub fn report_reached_accounts(
    doc: &RuleDoc,
    cx: &Context<'_>,
    view: &AccountView<'_>,
    out: &mut Vec<Finding>,
    outside: impl Fn(&Owner) -> bool,
) {
    each_grant(cx, view, |role, analysis, grant, reach| {
        for account in named_accounts(reach) {
            if !outside(&cx.tenants.owner(account)) {
                continue;
            }
            let what = assumed_by(cx, grant, account);
            let counterpart = account_counterpart(cx, account);
            report_grant(doc, cx, view, role, analysis, grant, what, counterpart, out);
        }
    });
}

/// `can be assumed by <who>`, naming the identity provider when the grant is to one: the
/// account that holds a provider decides whose tokens it accepts.
pub fn assumed_by(cx: &Context<'_>, grant: &Grant, account: &str) -> String {
    match &grant.trustee {
        Trustee::Federated { provider, .. } => format!(
            "can be assumed through identity provider `{provider}`, held by {}",
            cx.tenants.describe(account)
        ),
        Trustee::Service { name } if name == "*" => format!(
            "can be assumed by an AWS service acting for {}",
            cx.tenants.describe(account)
        ),
        Trustee::Service { name } => format!(
            "can be assumed by `{name}` acting for {}",
            cx.tenants.describe(account)
        ),
        _ => format!("can be assumed by {}", cx.tenants.describe(account)),
    }
}
/// A role's identity policies that were read: inline ones, and managed ones with a document
/// (the account's own, or an AWS-managed one tenantguard knows: [`attached_document`]).
pub fn identity_policies(role: &Role) -> impl Iterator<Item = (&str, &PolicyDocument)> {
    let inline = role
        .inline_policies
        .iter()
        .map(|p| (p.name.as_str(), &p.document));
    let attached = role
        .attached_policies
        .iter()
        .filter_map(|p| attached_document(p).map(|d| (p.arn.as_str(), d)));
    inline.chain(attached)
}

/// A managed policy's document: as read, or the transcribed AWS-managed one.
pub fn attached_document(policy: &AttachedPolicy) -> Option<&PolicyDocument> {
    policy
        .document
        .as_ref()
        .or_else(|| crate::policy::aws_managed::document(&policy.arn))
}

/// A user's identity policies that were read: its own (inline, managed with a document) and
/// those of each of its groups, named `group/<name>/<policy>`.
pub fn user_policies<'a>(all: &'a IamUsers, user: &'a User) -> Vec<(String, &'a PolicyDocument)> {
    let own = user
        .inline_policies
        .iter()
        .map(|p| (p.name.clone(), &p.document))
        .chain(
            user.attached_policies
                .iter()
                .filter_map(|p| attached_document(p).map(|d| (p.arn.clone(), d))),
        );
    let groups = all
        .groups
        .iter()
        .filter(|g| user.groups.contains(&g.name))
        .flat_map(|g| {
            g.inline_policies
                .iter()
                .map(move |p| (format!("group/{}/{}", g.name, p.name), &p.document))
                .chain(
                    g.attached_policies
                        .iter()
                        .filter_map(|p| attached_document(p).map(|d| (p.arn.clone(), d))),
                )
        });
    own.chain(groups).collect()
}
