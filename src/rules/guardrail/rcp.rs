//! Resource control policies that close paths: a finding whose counterpart an RCP in effect
//! on the resource's account certainly denies every granted action stays reported (the
//! policy is still wrong, and one RCP edit reopens it), marked blocked, at low severity.
//!
//! Only an explicit Deny that applies to the counterpart's requests for certain counts: RCPs
//! never apply to the management account's resources, an RCP whose conditions depend on what
//! is not known (the caller's role name, tags) does not close the path, and neither does a
//! missing `RCPFullAWSAccess` (which AWS does not let anyone detach).

use super::{on_resource_of, path, principal_of};
use crate::finding::{BlockedBy, Finding};
use crate::inventory::PolicyKind;
use crate::policy::Scope;
use crate::policy::control::{self, Question, Verdict};
use crate::rules::Context;
use crate::severity::Severity;

/// Marks the findings an RCP closes.
pub fn mark_blocked(cx: &Context<'_>, findings: &mut [Finding]) {
    let org = &cx.inventory.organization;
    if !org
        .roots
        .iter()
        .any(|r| r.enables(PolicyKind::ResourceControlPolicy))
        || !org
            .policies
            .iter()
            .any(|p| p.kind == PolicyKind::ResourceControlPolicy)
    {
        return;
    }
    for finding in findings.iter_mut() {
        let Some(caller) = finding.counterpart.as_ref().and_then(|c| c.account.clone()) else {
            continue;
        };
        if finding.actions.is_empty() || finding.account == org.management_account_id {
            continue;
        }
        if let Some(blocked) = blocking(
            cx,
            &finding.account,
            &finding.resource,
            &caller,
            &finding.actions,
        ) {
            finding.message.push_str(&format!(
                " (blocked by RCP `{}` attached at {}: the path is closed while it stays attached)",
                blocked.policy, blocked.target
            ));
            finding.blocked_by = Some(BlockedBy {
                open_severity: finding.severity,
                ..blocked
            });
            finding.severity = Severity::Low;
        }
    }
}

/// The RCP statement that certainly denies `caller` every one of `actions` on `resource` in
/// `account`, if there is one.
fn blocking(
    cx: &Context<'_>,
    account: &str,
    resource: &str,
    caller: &str,
    actions: &[String],
) -> Option<BlockedBy> {
    let path = path(cx, account);
    let levels = cx.controls.levels(&path, PolicyKind::ResourceControlPolicy);
    let request = on_resource_of(cx, principal_of(cx, caller), account);
    let org_path = cx.tenants.tree.org_path(account);
    let scope = Scope {
        partition: "aws",
        account,
        organization_id: &cx.inventory.organization.id,
        org_path: Some(&org_path),
        collected_at: None,
        members: None,
    };
    let mut first = None;
    for action in actions {
        let verdict = control::judge(
            &levels,
            &Question {
                action,
                resource,
                request: &request,
                scope: &scope,
            },
        );
        let Verdict::Denied { by } = verdict else {
            return None;
        };
        first.get_or_insert(by);
    }
    first.map(|by| BlockedBy {
        policy: by.policy,
        policy_id: by.policy_id,
        target: by.target,
        statement: by.statement,
        open_severity: Severity::Low,
    })
}
