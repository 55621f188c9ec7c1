//! The organization-wide reads, made once: the tree, the accounts (with their tags where the
//! configuration maps tenants by tag), and every SCP (and RCP, where the organization enables
//! them) with its document and targets.
//!
//! Organizations' limits are organization-wide and low, so the calls are few, paced and
//! bounded: `ListOrganizationalUnitsForParent` and `ListAccountsForParent` per OU at their
//! largest page (20), a level of the tree at a time; SCPs per policy; and
//! `ListTagsForResource` (Organizations has no bulk tag read) only for the accounts whose
//! tenant nothing but a tag decides. Every call waits its turn at the phase's [`Pace`], at
//! most `concurrency` at once, and the phase says up front how long the per-account reads
//! will take.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_organizations::Client;
use aws_sdk_organizations::types::{AccountStatus as SdkStatus, PolicyType, PolicyTypeStatus};
use tokio::sync::Semaphore;

use aws_sdk_organizations::operation::{
    list_accounts_for_parent::ListAccountsForParentOutput,
    list_organizational_units_for_parent::ListOrganizationalUnitsForParentOutput,
    list_policies::ListPoliciesOutput, list_roots::ListRootsOutput,
    list_tags_for_resource::ListTagsForResourceOutput,
    list_targets_for_policy::ListTargetsForPolicyOutput,
};
use aws_smithy_async::future::pagination_stream::PaginationStream;

use super::bounded::bounded;
use super::pace::Pace;
use super::session::{Session, sdk_error};
use crate::inventory::{
    Account, AccountStatus, CollectionStatus, Organization, OrganizationalUnit, PolicyDocument,
    PolicyKind, Root, ServiceControlPolicy,
};

/// Organizations' largest page for the listings that take `MaxResults`.
const PAGE: i32 = 20;

/// Calls let through before the pace holds the phase to its rate: the whole phase of a small
/// organization.
const BURST: u32 = 20;

/// The accounts whose tags must be read, once the tree is known (see [`Reads::tags`]).
pub type TagsNeeded<'a> = &'a (dyn Fn(&Organization) -> Vec<String> + Sync);

/// How the organization phase reads.
#[derive(Clone, Copy)]
pub struct Reads<'a> {
    /// Calls at once.
    pub concurrency: usize,
    /// Calls a second (`None`: unpaced).
    pub rate: Option<f64>,
    /// The accounts whose tags to read, given the tree without tags: those whose tenant only
    /// a tag decides (none when tenants are not mapped by tag).
    pub tags: TagsNeeded<'a>,
}

pub async fn read(
    session: &Session,
    reads: Reads<'_>,
    progress: &super::Progress,
) -> Result<Organization, String> {
    let client = session.organizations();
    let limit = Arc::new(Semaphore::new(reads.concurrency.max(1)));
    let pace = Arc::new(Pace::new(reads.rate, BURST));
    pace.turn().await;
    let org = client
        .describe_organization()
        .send()
        .await
        .map_err(|e| sdk_error("DescribeOrganization", &e))?;
    let org = org
        .organization()
        .ok_or("DescribeOrganization returned no organization")?;
    let mut roots = Vec::new();
    let pages = client.list_roots().into_paginator().send();
    let mut pages = Paced::new(&pace, pages, ListRootsOutput::next_token);
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
            let (client, pace) = (client.clone(), pace.clone());
            async move { children(&client, &pace, parent).await }
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
    organizational_units.sort_by(|a, b| a.id.cmp(&b.id));
    accounts.sort_by(|a, b| a.id.cmp(&b.id));
    let mut organization = Organization {
        id: org.id().unwrap_or_default().to_owned(),
        management_account_id: org.master_account_id().unwrap_or_default().to_owned(),
        status: CollectionStatus::Collected,
        roots,
        organizational_units,
        accounts,
        policies: Vec::new(),
        identity_center: None,
    };
    let tagged = (reads.tags)(&organization);
    if !tagged.is_empty() {
        progress.phase(&format!(
            "reading the tags of {} account(s){}",
            tagged.len(),
            match pace.duration(tagged.len()).as_secs() {
                0 => String::new(),
                s => format!(" (about {}, at --organization-rate)", minutes(s)),
            }
        ));
        let tags = bounded(&limit, tagged.clone(), |id| {
            let (client, pace) = (client.clone(), pace.clone());
            async move { account_tags(&client, &pace, id).await }
        })
        .await?;
        let tags: std::collections::HashMap<String, BTreeMap<String, String>> = tagged
            .into_iter()
            .zip(tags)
            .map(|(id, tags)| tags.map(|t| (id, t)))
            .collect::<Result<_, _>>()?;
        for account in &mut organization.accounts {
            if let Some(t) = tags.get(&account.id) {
                account.tags = t.clone();
            }
        }
    }
    progress.phase("reading the organization's policies");
    // RCPs are read exactly as SCPs are, and only where the organization enables them (a
    // `ListPolicies` for a disabled type fails, and there is nothing to read).
    let reader = PolicyReader {
        client: &client,
        limit: &limit,
        pace: &pace,
    };
    let mut policies = reader.read(PolicyKind::ServiceControlPolicy).await?;
    if organization
        .roots
        .iter()
        .any(|r| r.enables(PolicyKind::ResourceControlPolicy))
    {
        policies.extend(reader.read(PolicyKind::ResourceControlPolicy).await?);
    }
    organization.policies = policies;
    Ok(organization)
}

/// `90 s`, `12 min`, `3 h 20 min`.
fn minutes(seconds: u64) -> String {
    match seconds {
        0..120 => format!("{seconds} s"),
        120..7200 => format!("{} min", seconds.div_ceil(60)),
        _ => format!("{} h {} min", seconds / 3600, (seconds % 3600).div_ceil(60)),
    }
}

/// A listing read a page at a time, each page's call waiting its turn at the pace. It ends
/// after the page without a next token, without spending a turn on the call the paginator
/// would not make (at 10,000 tag reads, a turn per account).
struct Paced<'p, T, E> {
    pace: &'p Pace,
    pages: PaginationStream<Result<T, E>>,
    next_token: fn(&T) -> Option<&str>,
    more: bool,
}

impl<'p, T, E> Paced<'p, T, E> {
    fn new(
        pace: &'p Pace,
        pages: PaginationStream<Result<T, E>>,
        next_token: fn(&T) -> Option<&str>,
    ) -> Self {
        Paced {
            pace,
            pages,
            next_token,
            more: true,
        }
    }

    async fn next(&mut self) -> Option<Result<T, E>> {
        if !self.more {
            return None;
        }
        self.pace.turn().await;
        let page = self.pages.next().await;
        self.more = matches!(&page, Some(Ok(p)) if (self.next_token)(p).is_some());
        page
    }
}
/// The OUs and accounts directly under `parent`.
async fn children(
    client: &Client,
    pace: &Pace,
    parent: String,
) -> Result<(Vec<OrganizationalUnit>, Vec<Account>), String> {
    let mut ous = Vec::new();
    let pages = client
        .list_organizational_units_for_parent()
        .parent_id(&parent)
        .max_results(PAGE)
        .into_paginator()
        .send();
    let mut pages = Paced::new(
        pace,
        pages,
        ListOrganizationalUnitsForParentOutput::next_token,
    );
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
    let pages = client
        .list_accounts_for_parent()
        .parent_id(&parent)
        .max_results(PAGE)
        .into_paginator()
        .send();
    let mut pages = Paced::new(pace, pages, ListAccountsForParentOutput::next_token);
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

async fn account_tags(
    client: &Client,
    pace: &Pace,
    id: String,
) -> Result<BTreeMap<String, String>, String> {
    let mut tags = BTreeMap::new();
    let pages = client
        .list_tags_for_resource()
        .resource_id(&id)
        .into_paginator()
        .send();
    let mut pages = Paced::new(pace, pages, ListTagsForResourceOutput::next_token);
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error(&format!("ListTagsForResource {id}"), &e))?;
        for tag in page.tags() {
            tags.insert(tag.key().to_owned(), tag.value().to_owned());
        }
    }
    Ok(tags)
}

/// The SCP or RCP reads, on the phase's client, bound and pace.
struct PolicyReader<'a> {
    client: &'a Client,
    limit: &'a Arc<Semaphore>,
    pace: &'a Arc<Pace>,
}

impl PolicyReader<'_> {
    async fn read(&self, kind: PolicyKind) -> Result<Vec<ServiceControlPolicy>, String> {
        let (client, limit) = (self.client, self.limit);
        let filter = match kind {
            PolicyKind::ServiceControlPolicy => PolicyType::ServiceControlPolicy,
            PolicyKind::ResourceControlPolicy => PolicyType::ResourceControlPolicy,
        };
        let mut summaries = Vec::new();
        let pages = client
            .list_policies()
            .filter(filter)
            .max_results(PAGE)
            .into_paginator()
            .send();
        let mut pages = Paced::new(self.pace, pages, ListPoliciesOutput::next_token);
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| sdk_error(&format!("ListPolicies {}", kind.as_str()), &e))?;
            summaries.extend(page.policies().iter().cloned());
        }
        let read = bounded(limit, summaries, |summary| {
            let (client, pace) = (client.clone(), self.pace.clone());
            async move { read_policy(&client, &pace, summary, kind).await }
        })
        .await?;
        let mut policies = read.into_iter().collect::<Result<Vec<_>, _>>()?;
        policies.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(policies)
    }
}

async fn read_policy(
    client: &Client,
    pace: &Pace,
    summary: aws_sdk_organizations::types::PolicySummary,
    kind: PolicyKind,
) -> Result<ServiceControlPolicy, String> {
    let id = summary.id().unwrap_or_default().to_owned();
    pace.turn().await;
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
    let pages = client
        .list_targets_for_policy()
        .policy_id(&id)
        .max_results(PAGE)
        .into_paginator()
        .send();
    let mut pages = Paced::new(pace, pages, ListTargetsForPolicyOutput::next_token);
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
