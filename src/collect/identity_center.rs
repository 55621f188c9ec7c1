//! IAM Identity Center, read once in the organization phase from the management account (or
//! the delegated administrator's role the configuration names) in the instance's home Region.
//!
//! The calls are chosen for 10,000 accounts: assignments are read per principal
//! (`ListAccountAssignmentsForPrincipal`, one paginated call per group and per user) rather
//! than per account and permission set, which would be accounts x permission sets calls. In
//! all: `ListInstances`; `ListPermissionSets`, and five reads per permission set (describe,
//! inline policy, managed policies, customer-managed references, boundary); `ListGroups` and
//! `ListUsers` (100 a page), `ListGroupMemberships` per group; one assignment listing per
//! group and per user. Everything runs at most `concurrency` at once.
//!
//! AWS answers `ListInstances` with an empty list outside the home Region, so an empty answer
//! is never "no Identity Center": it is recorded as not read, with the remedy.

use std::sync::Arc;

use aws_sdk_identitystore::types::MemberId;
use aws_sdk_ssoadmin::types::PrincipalType;
use tokio::sync::Semaphore;

use super::bounded::bounded;
use super::session::{Session, sdk_error};
use crate::inventory::{
    AccountAssignment, AssignedPrincipal, AttachedPolicy, CollectionStatus, IdentityCenter,
    IdentityCenterInstance, IdentityGroup, IdentityUser, PermissionSet, PermissionsBoundary,
    PolicyDocument, PolicyReference,
};

/// Where and whether to read Identity Center.
#[derive(Debug, Clone, Default)]
pub struct Reads {
    /// The home Region; `None`: the organization session's own Region.
    pub region: Option<String>,
    /// A role to assume for these reads (the delegated administrator's); `None`: the
    /// organization phase's session.
    pub role_arn: Option<String>,
    /// The configuration declares that the organization does not use Identity Center.
    pub not_used: bool,
}

/// Reads Identity Center; never fails: what could not be read is recorded as failed.
pub async fn read(session: &Session, reads: &Reads, concurrency: usize) -> IdentityCenter {
    if reads.not_used {
        return IdentityCenter {
            region: None,
            status: CollectionStatus::Collected,
            instances: Vec::new(),
        };
    }
    let region = reads.region.clone().unwrap_or_else(|| session.region());
    let limit = Arc::new(Semaphore::new(concurrency.max(1)));
    let status_of = |result: Result<Vec<IdentityCenterInstance>, String>| match result {
        Ok(instances) if instances.is_empty() => (
            Vec::new(),
            CollectionStatus::Failed {
                error: format!(
                    "no IAM Identity Center instance in {region} (AWS lists an instance only in its home Region, to the management account or delegated administrator): set `[collect.identity_center] region` to the home Region, or `enabled = false` if the organization does not use Identity Center"
                ),
            },
        ),
        Ok(instances) => (instances, CollectionStatus::Collected),
        Err(error) => (Vec::new(), CollectionStatus::Failed { error }),
    };
    let (instances, status) = status_of(read_instances(session, &region, &limit).await);
    IdentityCenter {
        region: Some(region),
        status,
        instances,
    }
}

async fn read_instances(
    session: &Session,
    region: &str,
    limit: &Arc<Semaphore>,
) -> Result<Vec<IdentityCenterInstance>, String> {
    let admin = session.ssoadmin(region);
    let mut instances = Vec::new();
    let mut pages = admin.list_instances().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error(&format!("ListInstances in {region}"), &e))?;
        for i in page.instances() {
            instances.push(IdentityCenterInstance {
                arn: i.instance_arn().unwrap_or_default().to_owned(),
                identity_store_id: i.identity_store_id().unwrap_or_default().to_owned(),
                owner_account_id: i.owner_account_id().map(str::to_owned),
                ..IdentityCenterInstance::default()
            });
        }
    }
    for instance in &mut instances {
        read_instance(session, region, limit, instance).await?;
    }
    Ok(instances)
}

async fn read_instance(
    session: &Session,
    region: &str,
    limit: &Arc<Semaphore>,
    instance: &mut IdentityCenterInstance,
) -> Result<(), String> {
    let admin = session.ssoadmin(region);
    let store = session.identitystore(region);
    let arn = instance.arn.clone();
    let mut set_arns = Vec::new();
    let mut pages = admin
        .list_permission_sets()
        .instance_arn(&arn)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error("ListPermissionSets", &e))?;
        set_arns.extend(page.permission_sets().iter().cloned());
    }
    let sets = bounded(limit, set_arns, |set| {
        let (admin, arn) = (admin.clone(), arn.clone());
        async move { permission_set(&admin, &arn, set).await }
    })
    .await?;
    instance.permission_sets = sets.into_iter().collect::<Result<_, _>>()?;
    instance.users = users(&store, &instance.identity_store_id).await?;
    let groups = groups(&store, &instance.identity_store_id).await?;
    let store_id = instance.identity_store_id.clone();
    let members = bounded(limit, groups.clone(), |group| {
        let (store, store_id) = (store.clone(), store_id.clone());
        async move { members(&store, &store_id, &group.id).await }
    })
    .await?;
    instance.groups = groups
        .into_iter()
        .zip(members)
        .map(|(group, members)| {
            Ok(IdentityGroup {
                members: members?,
                ..group
            })
        })
        .collect::<Result<_, String>>()?;
    let principals: Vec<(PrincipalType, String)> = instance
        .groups
        .iter()
        .map(|g| (PrincipalType::Group, g.id.clone()))
        .chain(
            instance
                .users
                .iter()
                .map(|u| (PrincipalType::User, u.id.clone())),
        )
        .collect();
    let assigned = bounded(limit, principals, |(kind, id)| {
        let (admin, arn) = (admin.clone(), arn.clone());
        async move { assignments(&admin, &arn, kind, id).await }
    })
    .await?;
    let mut all = Vec::new();
    for found in assigned {
        all.extend(found?);
    }
    all.sort();
    instance.assignments = all;
    instance.permission_sets.sort_by(|a, b| a.arn.cmp(&b.arn));
    Ok(())
}

async fn permission_set(
    admin: &aws_sdk_ssoadmin::Client,
    instance: &str,
    arn: String,
) -> Result<PermissionSet, String> {
    let described = admin
        .describe_permission_set()
        .instance_arn(instance)
        .permission_set_arn(&arn)
        .send()
        .await
        .map_err(|e| sdk_error(&format!("DescribePermissionSet {arn}"), &e))?;
    let name = described
        .permission_set()
        .and_then(|p| p.name())
        .unwrap_or_default()
        .to_owned();
    let inline = admin
        .get_inline_policy_for_permission_set()
        .instance_arn(instance)
        .permission_set_arn(&arn)
        .send()
        .await
        .map_err(|e| sdk_error(&format!("GetInlinePolicyForPermissionSet {arn}"), &e))?;
    let inline_policy = inline
        .inline_policy()
        .filter(|p| !p.trim().is_empty())
        .map(|p| PolicyDocument::Text(p.to_owned()));
    let mut managed_policies = Vec::new();
    let mut pages = admin
        .list_managed_policies_in_permission_set()
        .instance_arn(instance)
        .permission_set_arn(&arn)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| sdk_error(&format!("ListManagedPoliciesInPermissionSet {arn}"), &e))?;
        managed_policies.extend(
            page.attached_managed_policies()
                .iter()
                .map(|p| AttachedPolicy {
                    arn: p.arn().unwrap_or_default().to_owned(),
                    name: p.name().unwrap_or_default().to_owned(),
                    document: None,
                }),
        );
    }
    let mut customer_managed_policies = Vec::new();
    let mut pages = admin
        .list_customer_managed_policy_references_in_permission_set()
        .instance_arn(instance)
        .permission_set_arn(&arn)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| {
            sdk_error(
                &format!("ListCustomerManagedPolicyReferencesInPermissionSet {arn}"),
                &e,
            )
        })?;
        customer_managed_policies.extend(page.customer_managed_policy_references().iter().map(
            |r| PolicyReference {
                name: r.name().to_owned(),
                path: r.path().unwrap_or("/").to_owned(),
            },
        ));
    }
    let boundary = admin
        .get_permissions_boundary_for_permission_set()
        .instance_arn(instance)
        .permission_set_arn(&arn)
        .send()
        .await;
    // A permission set without a boundary answers ResourceNotFoundException; a boundary only
    // narrows, so reading none can only over-report, never hide a path.
    let permissions_boundary = match boundary {
        Ok(out) => out.permissions_boundary().map(|b| PermissionsBoundary {
            managed_policy_arn: b.managed_policy_arn().map(str::to_owned),
            customer_managed: b
                .customer_managed_policy_reference()
                .map(|r| PolicyReference {
                    name: r.name().to_owned(),
                    path: r.path().unwrap_or("/").to_owned(),
                }),
        }),
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            None
        }
        Err(e) => {
            return Err(sdk_error(
                &format!("GetPermissionsBoundaryForPermissionSet {arn}"),
                &e,
            ));
        }
    };
    Ok(PermissionSet {
        arn,
        name,
        inline_policy,
        managed_policies,
        customer_managed_policies,
        permissions_boundary,
    })
}

async fn users(
    store: &aws_sdk_identitystore::Client,
    id: &str,
) -> Result<Vec<IdentityUser>, String> {
    let mut users = Vec::new();
    let mut pages = store
        .list_users()
        .identity_store_id(id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error(&format!("ListUsers {id}"), &e))?;
        users.extend(page.users().iter().map(|u| IdentityUser {
            id: u.user_id().to_owned(),
            user_name: u.user_name().unwrap_or_default().to_owned(),
        }));
    }
    users.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(users)
}

async fn groups(
    store: &aws_sdk_identitystore::Client,
    id: &str,
) -> Result<Vec<IdentityGroup>, String> {
    let mut groups = Vec::new();
    let mut pages = store
        .list_groups()
        .identity_store_id(id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error(&format!("ListGroups {id}"), &e))?;
        groups.extend(page.groups().iter().map(|g| IdentityGroup {
            id: g.group_id().to_owned(),
            display_name: g.display_name().unwrap_or_default().to_owned(),
            members: Vec::new(),
        }));
    }
    groups.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(groups)
}

async fn members(
    store: &aws_sdk_identitystore::Client,
    store_id: &str,
    group: &str,
) -> Result<Vec<String>, String> {
    let mut members = Vec::new();
    let mut pages = store
        .list_group_memberships()
        .identity_store_id(store_id)
        .group_id(group)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error(&format!("ListGroupMemberships {group}"), &e))?;
        members.extend(
            page.group_memberships()
                .iter()
                .filter_map(|m| match m.member_id() {
                    Some(MemberId::UserId(id)) => Some(id.clone()),
                    _ => None,
                }),
        );
    }
    members.sort();
    Ok(members)
}

async fn assignments(
    admin: &aws_sdk_ssoadmin::Client,
    instance: &str,
    kind: PrincipalType,
    id: String,
) -> Result<Vec<AccountAssignment>, String> {
    let principal_type = match kind {
        PrincipalType::Group => AssignedPrincipal::Group,
        _ => AssignedPrincipal::User,
    };
    let mut found = Vec::new();
    let mut pages = admin
        .list_account_assignments_for_principal()
        .instance_arn(instance)
        .principal_type(kind)
        .principal_id(&id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| sdk_error(&format!("ListAccountAssignmentsForPrincipal {id}"), &e))?;
        found.extend(
            page.account_assignments()
                .iter()
                .map(|a| AccountAssignment {
                    account_id: a.account_id().unwrap_or_default().to_owned(),
                    permission_set_arn: a.permission_set_arn().unwrap_or_default().to_owned(),
                    principal_type,
                    principal_id: id.clone(),
                }),
        );
    }
    Ok(found)
}
