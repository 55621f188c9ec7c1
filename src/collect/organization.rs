//! The organization-wide reads, made once: the tree, the accounts with their tags, and every
//! SCP with its document and targets. SCPs are read per policy, never per account, because
//! Organizations' rate limits are organization-wide.

use std::collections::BTreeMap;

use aws_config::SdkConfig;
use aws_sdk_organizations::Client;
use aws_sdk_organizations::types::{AccountStatus as SdkStatus, PolicyType};

use crate::inventory::{
    Account, AccountStatus, CollectionStatus, Organization, OrganizationalUnit, PolicyDocument,
    Root, ServiceControlPolicy,
};

fn describe(what: &str, e: impl std::error::Error + 'static) -> String {
    super::session::describe(what, &e)
}

pub async fn read(config: &SdkConfig) -> Result<Organization, String> {
    let client = Client::new(config);
    let org = client
        .describe_organization()
        .send()
        .await
        .map_err(|e| describe("DescribeOrganization", e))?;
    let org = org
        .organization()
        .ok_or("DescribeOrganization returned no organization")?;
    let mut roots = Vec::new();
    let mut pages = client.list_roots().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| describe("ListRoots", e))?;
        for r in page.roots() {
            roots.push(Root {
                id: r.id().unwrap_or_default().to_owned(),
                name: r.name().unwrap_or_default().to_owned(),
            });
        }
    }
    // Walk the tree breadth-first: each parent's OUs and accounts.
    let mut organizational_units = Vec::new();
    let mut accounts = Vec::new();
    let mut parents: Vec<String> = roots.iter().map(|r| r.id.clone()).collect();
    while let Some(parent) = parents.pop() {
        let mut pages = client
            .list_organizational_units_for_parent()
            .parent_id(&parent)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page
                .map_err(|e| describe(&format!("ListOrganizationalUnitsForParent {parent}"), e))?;
            for ou in page.organizational_units() {
                let id = ou.id().unwrap_or_default().to_owned();
                parents.push(id.clone());
                organizational_units.push(OrganizationalUnit {
                    id,
                    name: ou.name().unwrap_or_default().to_owned(),
                    parent_id: parent.clone(),
                });
            }
        }
        let mut pages = client
            .list_accounts_for_parent()
            .parent_id(&parent)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| describe(&format!("ListAccountsForParent {parent}"), e))?;
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
    }
    for account in &mut accounts {
        let mut pages = client
            .list_tags_for_resource()
            .resource_id(&account.id)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| describe(&format!("ListTagsForResource {}", account.id), e))?;
            for tag in page.tags() {
                account
                    .tags
                    .insert(tag.key().to_owned(), tag.value().to_owned());
            }
        }
    }
    let policies = read_policies(&client).await?;
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
    })
}

async fn read_policies(client: &Client) -> Result<Vec<ServiceControlPolicy>, String> {
    let mut summaries = Vec::new();
    let mut pages = client
        .list_policies()
        .filter(PolicyType::ServiceControlPolicy)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| describe("ListPolicies", e))?;
        summaries.extend(page.policies().iter().cloned());
    }
    let mut policies = Vec::new();
    for summary in summaries {
        let id = summary.id().unwrap_or_default().to_owned();
        let described = client
            .describe_policy()
            .policy_id(&id)
            .send()
            .await
            .map_err(|e| describe(&format!("DescribePolicy {id}"), e))?;
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
            let page = page.map_err(|e| describe(&format!("ListTargetsForPolicy {id}"), e))?;
            targets.extend(
                page.targets()
                    .iter()
                    .filter_map(|t| t.target_id().map(str::to_owned)),
            );
        }
        targets.sort();
        policies.push(ServiceControlPolicy {
            id,
            name: summary.name().unwrap_or_default().to_owned(),
            aws_managed: summary.aws_managed(),
            document: PolicyDocument::Text(content),
            targets,
        });
    }
    policies.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(policies)
}
