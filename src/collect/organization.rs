//! The organization-wide reads, made once: the tree, the accounts (with their tags when the
//! configuration maps tenants by tag), and every SCP (and RCP, where the organization enables
//! them) with its document and targets.
//!
//! Organizations' limits are organization-wide and low, so the calls are few and bounded:
//! one `ListOrganizationalUnitsForParent` and one `ListAccountsForParent` per OU (a level of
//! the tree at a time, its OUs in parallel), SCPs per policy, and `ListTagsForResource` per
//! account only when tags are needed (Organizations has no bulk tag read). Every call runs on
//! the organization phase's own client, at most `concurrency` at once.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_organizations::Client;
use aws_sdk_organizations::types::{AccountStatus as SdkStatus, PolicyType, PolicyTypeStatus};
use tokio::sync::Semaphore;

use super::bounded::bounded;
use super::session::{Session, sdk_error};
use crate::inventory::{
    Account, AccountStatus, CollectionStatus, Organization, OrganizationalUnit, PolicyDocument,
    PolicyKind, Root, ServiceControlPolicy,
};

/// How the organization phase reads.
#[derive(Debug, Clone, Copy)]
pub struct Reads {
    /// Calls at once.
    pub concurrency: usize,
    /// Read each account's tags (only when tenants are mapped by tag).
    pub tags: bool,
}

pub async fn read(session: &Session, reads: Reads) -> Result<Organization, String> {
    let client = session.organizations();
    let limit = Arc::new(Semaphore::new(reads.concurrency.max(1)));
    let org = client
        .describe_organization()
        .send()
        .await
        .map_err(|e| sdk_error("DescribeOrganization", &e))?;
    let org = org
        .organization()
        .ok_or("DescribeOrganization returned no organization")?;
    let mut roots = Vec::new();
    let mut pages = client.list_roots().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error("ListRoots", &e))?;
        for r in page.roots() {
            let mut types: Vec<String> = r
                .policy_types()
                .iter()
                .filter(|t| t.status() == Some(&PolicyTypeStatus::Enabled))
                .filter_map(|t| t.r#type().map(|t| t.as_str().to_owned()))
                .collect();
            types.sort();
            roots.push(Root {
                id: r.id().unwrap_or_default().to_owned(),
                name: r.name().unwrap_or_default().to_owned(),
                policy_types: Some(types),
            });
        }
    }
    // Walk the tree a level at a time: each parent's OUs and accounts, parents in parallel.
    let mut organizational_units = Vec::new();
    let mut accounts = Vec::new();
    let mut level: Vec<String> = roots.iter().map(|r| r.id.clone()).collect();
    while !level.is_empty() {
        let children = bounded(&limit, level, |parent| {
            let client = client.clone();
            async move { children(&client, parent).await }
        })
        .await?;
        level = Vec::new();
        for child in children {
            let (ous, found) = child?;
            level.extend(ous.iter().map(|ou| ou.id.clone()));
            organizational_units.extend(ous);
            accounts.extend(found);
        }
    }
    if reads.tags {
        let ids: Vec<String> = accounts.iter().map(|a: &Account| a.id.clone()).collect();
        let tags = bounded(&limit, ids, |id| {
            let client = client.clone();
            async move { account_tags(&client, id).await }
        })
        .await?;
        for (account, tags) in accounts.iter_mut().zip(tags) {
            account.tags = tags?;
        }
    }
    // RCPs are read exactly as SCPs are, and only where the organization enables them (a
    // `ListPolicies` for a disabled type fails, and there is nothing to read).
    let mut policies = read_policies(&client, &limit, PolicyKind::ServiceControlPolicy).await?;
    if roots
        .iter()
        .any(|r| r.enables(PolicyKind::ResourceControlPolicy))
    {
        policies.extend(read_policies(&client, &limit, PolicyKind::ResourceControlPolicy).await?);
    }
    organizational_units.sort_by(|a, b| a.id.cmp(&b.id));
    accounts.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Organization {
        id: org.id().unwrap_or_default().to_owned(),
        management_account_id: org.master_account_id().unwrap_or_default().to_owned(),
        status: CollectionStatus::Collected,
        roots,
        organizational_units,
        accounts,
        policies,
        identity_center: None,
    })
}

/// The OUs and accounts directly under `parent`.
async fn children(
    client: &Client,
    parent: String,
) -> Result<(Vec<OrganizationalUnit>, Vec<Account>), String> {
    let mut ous = Vec::new();
    let mut pages = client
        .list_organizational_units_for_parent()
        .parent_id(&parent)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page =
            page.map_err(|e| sdk_error(&format!("ListOrganizationalUnitsForParent {parent}"), &e))?;
        for ou in page.organizational_units() {
            ous.push(OrganizationalUnit {
                id: ou.id().unwrap_or_default().to_owned(),
                name: ou.name().unwrap_or_default().to_owned(),
                parent_id: parent.clone(),
            });
        }
    }
    let mut accounts = Vec::new();
    let mut pages = client
        .list_accounts_for_parent()
        .parent_id(&parent)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error(&format!("ListAccountsForParent {parent}"), &e))?;
        for a in page.accounts() {
            accounts.push(Account {
                id: a.id().unwrap_or_default().to_owned(),
                name: a.name().unwrap_or_default().to_owned(),
                status: match a.status() {
                    Some(SdkStatus::Active) => AccountStatus::Active,
                    Some(SdkStatus::PendingClosure) => AccountStatus::PendingClosure,
                    _ => AccountStatus::Suspended,
                },
                parent_id: parent.clone(),
                tags: BTreeMap::new(),
            });
        }
    }
    Ok((ous, accounts))
}

async fn account_tags(client: &Client, id: String) -> Result<BTreeMap<String, String>, String> {
    let mut tags = BTreeMap::new();
    let mut pages = client
        .list_tags_for_resource()
        .resource_id(&id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error(&format!("ListTagsForResource {id}"), &e))?;
        for tag in page.tags() {
            tags.insert(tag.key().to_owned(), tag.value().to_owned());
        }
    }
    Ok(tags)
}

async fn read_policies(
    client: &Client,
    limit: &Arc<Semaphore>,
    kind: PolicyKind,
) -> Result<Vec<ServiceControlPolicy>, String> {
    let filter = match kind {
        PolicyKind::ServiceControlPolicy => PolicyType::ServiceControlPolicy,
        PolicyKind::ResourceControlPolicy => PolicyType::ResourceControlPolicy,
    };
    let mut summaries = Vec::new();
    let mut pages = client
        .list_policies()
        .filter(filter)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error(&format!("ListPolicies {}", kind.as_str()), &e))?;
        summaries.extend(page.policies().iter().cloned());
    }
    let read = bounded(limit, summaries, |summary| {
        let client = client.clone();
        async move { read_policy(&client, summary, kind).await }
    })
    .await?;
    let mut policies = read.into_iter().collect::<Result<Vec<_>, _>>()?;
    policies.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(policies)
}

async fn read_policy(
    client: &Client,
    summary: aws_sdk_organizations::types::PolicySummary,
    kind: PolicyKind,
) -> Result<ServiceControlPolicy, String> {
    let id = summary.id().unwrap_or_default().to_owned();
    let described = client
        .describe_policy()
        .policy_id(&id)
        .send()
        .await
        .map_err(|e| sdk_error(&format!("DescribePolicy {id}"), &e))?;
    let content = described
        .policy()
        .and_then(|p| p.content())
        .unwrap_or_default()
        .to_owned();
    let mut targets = Vec::new();
    let mut pages = client
        .list_targets_for_policy()
        .policy_id(&id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error(&format!("ListTargetsForPolicy {id}"), &e))?;
        targets.extend(
            page.targets()
                .iter()
                .filter_map(|t| t.target_id().map(str::to_owned)),
        );
    }
    targets.sort();
    Ok(ServiceControlPolicy {
        id,
        name: summary.name().unwrap_or_default().to_owned(),
        kind,
        aws_managed: summary.aws_managed(),
        document: PolicyDocument::Text(content),
        targets,
    })
}
