//! Live collection: reads an AWS Organization through the AWS SDK and fills an [`Inventory`].
//!
//! Collectors never judge. What they could not read they record as failed, with the reason,
//! and the rest of the scan goes on: an unreadable account becomes a `not-scanned` finding,
//! never a clean one.

use std::collections::{BTreeSet, HashSet};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use aws_config::SdkConfig;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::inventory::{
    AccountInventory, AccountStatus, CollectionStatus, FORMAT_VERSION, IdentityCenter, Inventory,
    Organization,
};

mod account;
mod bounded;
mod iam;
pub mod identity_center;
mod network;
mod organization;
mod pace;
mod progress;
mod resources;
mod scp_regions;
mod session;

pub use iam::read_roles;
pub use progress::Progress;
pub use scp_regions::REGION_READS;
pub use session::{AuditRole, RETRY_POLICY, base_config, sdk_error};
use session::{Retries, Session};

/// What to collect, and how politely.
#[derive(Debug, Clone)]
pub struct Options {
    pub audit_role: AuditRole,
    /// Regions to read in every account; `None` reads every region each account has enabled.
    pub regions: Option<Vec<String>>,
    /// A role to assume for the Organizations reads (a delegated administrator); `None` uses
    /// the caller's own credentials.
    pub organization_role: Option<String>,
    /// Accounts read at once.
    pub concurrency: usize,
    /// Regions read at once inside one account.
    pub region_concurrency: usize,
    /// Organizations calls at once (its limits are organization-wide).
    pub organization_concurrency: usize,
    /// Organizations calls a second (`None`: unpaced): below the organization-wide quota.
    pub organization_rate: Option<f64>,
    /// Where to read IAM Identity Center.
    pub identity_center: identity_center::Reads,
    /// Stop starting and finishing work at this instant; the rest is marked not scanned.
    pub deadline: Option<Instant>,
    /// The organization as an earlier run read it (`collect --organization-only`): the shards
    /// of one nightly run collect against one read, so the organization phase is made once,
    /// within Organizations' organization-wide quota, and every shard sees the same tree.
    pub organization: Option<Organization>,
}

/// Why a scan stopped before it read everything.
#[derive(Debug, Clone, Copy)]
enum Stop {
    Deadline,
    Interrupted,
}

impl Stop {
    fn before(self, what: &str) -> String {
        match self {
            Stop::Deadline => format!("the scan's deadline was reached before {what}"),
            Stop::Interrupted => format!("the scan was interrupted (Ctrl-C) before {what}"),
        }
    }
}

/// Resolves when the scan must stop: at its deadline, or on Ctrl-C. Made once per scan and
/// polled from the start, so the organization phase is covered too and no signal falls
/// between two phases.
async fn stop_signal(deadline: Option<Instant>) -> Stop {
    let deadline = async {
        match deadline {
            Some(at) => tokio::time::sleep_until(at).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = deadline => Stop::Deadline,
        _ = tokio::signal::ctrl_c() => Stop::Interrupted,
    }
}

/// Collects the organization, then every selected account in parallel.
/// `select` picks the accounts to scan once the organization is known; `None` scans every
/// active account. `tags` picks the accounts whose tags to read, once the tree is known.
pub async fn collect(
    base: &SdkConfig,
    options: &Options,
    select: &(dyn Fn(&Organization) -> Option<BTreeSet<String>> + Sync),
    tags: organization::TagsNeeded<'_>,
    progress: &Progress,
) -> Inventory {
    let retries = Retries::default();
    let reporter = tokio::spawn(report_retries(retries.clone(), progress.handle()));
    let stop = stop_signal(options.deadline);
    tokio::pin!(stop);
    let inventory = collect_all(base, options, select, tags, progress, &retries, stop).await;
    reporter.abort();
    let retried = retries.snapshot();
    if !retried.is_empty() {
        tracing::info!(retries = ?retried, "requests retried (throttled or failed) during the scan");
    }
    inventory
}

async fn collect_all(
    base: &SdkConfig,
    options: &Options,
    select: &(dyn Fn(&Organization) -> Option<BTreeSet<String>> + Sync),
    tags: organization::TagsNeeded<'_>,
    progress: &Progress,
    retries: &Retries,
    mut stop: Pin<&mut impl Future<Output = Stop>>,
) -> Inventory {
    let organization = match &options.organization {
        Some(read) => read.clone(),
        None => {
            match read_organization(base, options, tags, progress, retries, stop.as_mut()).await {
                Ok(organization) => organization,
                Err(unread) => return *unread,
            }
        }
    };
    let chosen = select(&organization);
    let selected: Vec<String> = organization
        .accounts
        .iter()
        .filter(|a| a.status == AccountStatus::Active)
        .map(|a| a.id.clone())
        .filter(|id| chosen.as_ref().is_none_or(|s| s.contains(id)))
        .collect();
    let chosen_set: HashSet<&str> = selected.iter().map(String::as_str).collect();
    let out_of_scope: Vec<String> = organization
        .accounts
        .iter()
        .filter(|a| a.status == AccountStatus::Active && !chosen_set.contains(a.id.as_str()))
        .map(|a| a.id.clone())
        .collect();
    progress.start(selected.len());
    let gate = Arc::new(scp_regions::RegionGate::new(Arc::new(organization.clone())));
    let accounts = collect_accounts(base, options, &selected, &gate, progress, retries, stop).await;
    progress.finish();
    // Without a configured list each account was read in the regions it has enabled, which
    // it recorded itself; there is no common list to hold every account to.
    let regions = options.regions.clone().unwrap_or_default();
    Inventory {
        format_version: FORMAT_VERSION,
        collected_at: Some(now_rfc3339()),
        regions,
        out_of_scope,
        organization: Organization {
            status: CollectionStatus::Collected,
            ..organization
        },
        accounts,
        unverifiable_changes: Vec::new(),
    }
}

/// The organization phase: the tree, accounts, SCPs and RCPs, then IAM Identity Center. An
/// organization that cannot be read leaves nothing to scan: the inventory that says so is the
/// error.
async fn read_organization(
    base: &SdkConfig,
    options: &Options,
    tags: organization::TagsNeeded<'_>,
    progress: &Progress,
    retries: &Retries,
    mut stop: Pin<&mut impl Future<Output = Stop>>,
) -> Result<Organization, Box<Inventory>> {
    let session = match &options.organization_role {
        Some(arn) => Session::assumed(base, &AuditRole::arn_only(arn), "organization", retries),
        None => Session::caller(base, retries),
    };
    let reads = organization::Reads {
        concurrency: options.organization_concurrency,
        rate: options.organization_rate,
        tags,
    };
    progress.phase("reading the organization");
    let read = tokio::select! {
        read = organization::read(&session, reads, progress) => read,
        stop = &mut stop => Err(stop.before("the organization was read")),
    };
    let organization = match read {
        Ok(org) => org,
        // Without the organization there is no list of accounts: the inventory says so, and
        // the scan reports itself incomplete rather than clean.
        Err(error) => {
            tracing::error!(%error, "cannot read the organization");
            return Err(Box::new(Inventory {
                format_version: FORMAT_VERSION,
                collected_at: Some(now_rfc3339()),
                regions: options.regions.clone().unwrap_or_default(),
                out_of_scope: Vec::new(),
                organization: Organization {
                    id: "unknown".to_owned(),
                    management_account_id: "unknown".to_owned(),
                    status: CollectionStatus::Failed { error },
                    roots: Vec::new(),
                    organizational_units: Vec::new(),
                    accounts: Vec::new(),
                    policies: Vec::new(),
                    identity_center: None,
                },
                accounts: Vec::new(),
                unverifiable_changes: Vec::new(),
            }));
        }
    };
    progress.phase("reading IAM Identity Center");
    let people_session = match &options.identity_center.role_arn {
        Some(arn) => Session::assumed(base, &AuditRole::arn_only(arn), "identity-center", retries),
        None => session.clone(),
    };
    let people = identity_center::read(
        &people_session,
        &options.identity_center,
        options.organization_concurrency,
    );
    let identity_center = tokio::select! {
        read = people => read,
        stop = &mut stop => IdentityCenter {
            region: options.identity_center.region.clone(),
            status: CollectionStatus::Failed { error: stop.before("Identity Center was read") },
            instances: Vec::new(),
        },
    };
    Ok(Organization {
        identity_center: Some(identity_center),
        ..organization
    })
}

/// Says, every few seconds while it happens, that requests are being retried: a throttled
/// scan slows down, and the user sees why instead of minutes of silence.
async fn report_retries(retries: Retries, progress: progress::Handle) {
    let mut reported = 0;
    let mut tick = tokio::time::interval(Duration::from_secs(10));
    tick.tick().await;
    loop {
        tick.tick().await;
        let now = retries.snapshot();
        let total: u64 = now.values().sum();
        if total > reported {
            progress.retrying(&now, total - reported);
            reported = total;
        }
    }
}

async fn collect_accounts(
    base: &SdkConfig,
    options: &Options,
    ids: &[String],
    gate: &Arc<scp_regions::RegionGate>,
    progress: &Progress,
    retries: &Retries,
    mut stop: Pin<&mut impl Future<Output = Stop>>,
) -> Vec<AccountInventory> {
    let limit = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let mut tasks = JoinSet::new();
    for id in ids {
        let (base, options, limit, id, retries, gate) = (
            base.clone(),
            options.clone(),
            limit.clone(),
            id.clone(),
            retries.clone(),
            gate.clone(),
        );
        tasks.spawn(async move {
            let _permit = limit
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            account::read(&base, &options, &id, &gate, &retries).await
        });
    }
    let mut done: Vec<AccountInventory> = Vec::with_capacity(ids.len());
    let stopped = loop {
        tokio::select! {
            next = tasks.join_next() => match next {
                None => break None,
                Some(Ok(account)) => {
                    progress.account_done(account.status.failure().is_some());
                    done.push(account);
                }
                // A panicking task is a bug; its account is reported as not scanned below.
                Some(Err(e)) => tracing::error!(error = %e, "account task failed"),
            },
            stop = &mut stop => break Some(stop),
        }
    };
    tasks.abort_all();
    let reason = match stopped {
        Some(stop) => stop.before("this account was read"),
        None => "the account's collection task failed".to_owned(),
    };
    let read: HashSet<String> = done.iter().map(|a| a.account_id.clone()).collect();
    for id in ids.iter().filter(|id| !read.contains(*id)) {
        done.push(AccountInventory::failed(id, reason.clone()));
    }
    done.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    done
}

impl AccountInventory {
    pub fn failed(id: &str, error: impl Into<String>) -> AccountInventory {
        AccountInventory {
            account_id: id.to_owned(),
            status: CollectionStatus::Failed {
                error: error.into(),
            },
            roles: Vec::new(),
            users: None,
            s3_account_block: None,
            canonical_user_id: None,
            regions: Vec::new(),
        }
    }
}

fn now_rfc3339() -> String {
    aws_sdk_sts::primitives::DateTime::from(std::time::SystemTime::now())
        .fmt(aws_sdk_sts::primitives::DateTimeFormat::DateTime)
        .unwrap_or_default()
}

/// Parses `90s`, `15m`, `2h` or a number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let (digits, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (e.g. 90s, 15m, 2h)"))?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        _ => return Err(format!("`{s}` is not a duration (e.g. 90s, 15m, 2h)")),
    };
    Ok(Duration::from_secs(secs))
}
