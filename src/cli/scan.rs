//! `scan` and `collect`: reading the organization (live or from an inventory), evaluating it,
//! triage, reports, and the exit code.

use super::*;

#[derive(Debug, Args)]
pub(super) struct ScanArgs {
    /// A saved inventory (JSON), as `tenantguard collect` writes it; without it the
    /// organization is collected live first.
    #[arg(long)]
    inventory: Option<PathBuf>,
    #[command(flatten)]
    live: LiveArgs,
    /// The configuration: who the tenants are.
    #[arg(long, default_value = "tenantguard.toml")]
    config: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// Write the report here instead of standard output.
    #[arg(long)]
    output: Option<PathBuf>,
    /// Fail (exit 1) on findings at or above this severity; `none` never fails on findings.
    #[arg(long, default_value = "low", value_parser = parse_threshold)]
    fail_on: Threshold,
    /// SARIF `runAutomationDetails.id` (default `tenantguard/<organization id>/`).
    #[arg(long)]
    sarif_category: Option<String>,
    /// A previous JSON or SARIF report: findings are marked new, unchanged or absent.
    #[arg(long)]
    baseline: Option<PathBuf>,
    /// Fail only on findings the baseline did not have (needs `--baseline`).
    #[arg(long, requires = "baseline")]
    fail_on_new: bool,
    /// Reviewed, expiring suppressions (`tenantguard-suppressions.toml`).
    #[arg(long)]
    suppressions: Option<PathBuf>,
    /// The date suppressions expire against (default: today, UTC).
    #[arg(long, hide = true, value_parser = parse_date)]
    today: Option<crate::date::Date>,
}

pub(super) fn parse_date(s: &str) -> Result<crate::date::Date, String> {
    crate::date::Date::parse(s).ok_or_else(|| format!("`{s}` is not a date (YYYY-MM-DD)"))
}

/// How live collection runs.
#[derive(Debug, Args)]
pub(super) struct LiveArgs {
    /// The AWS profile to use (default: the standard credential chain).
    #[arg(long)]
    profile: Option<String>,
    /// Regions to read, comma-separated (overrides `collect.regions`).
    #[arg(long, value_delimiter = ',')]
    regions: Option<Vec<String>>,
    /// Accounts read at once.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Regions read at once inside one account.
    #[arg(long, default_value_t = 4)]
    region_concurrency: usize,
    /// Attempts per AWS call before it counts as failed (throttling, 5xx, connection resets
    /// and timeouts are retried, with backoff).
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u32).range(1..=50))]
    max_attempts: u32,
    /// Organizations calls at once (its rate limits are organization-wide and low).
    #[arg(long, default_value_t = 4)]
    organization_concurrency: usize,
    /// Organizations calls a second, at most: its quota is shared by the whole organization
    /// (every caller, every tool), so the organization phase keeps below it instead of
    /// retrying through `TooManyRequestsException`; 0 leaves it unpaced.
    #[arg(long, default_value_t = 4.0)]
    organization_rate: f64,
    /// Stop after this long (e.g. 90s, 15m, 2h), keep what was read, mark the rest not scanned.
    #[arg(long, value_parser = crate::collect::parse_duration)]
    deadline: Option<std::time::Duration>,
    /// Scan only this account (repeatable).
    #[arg(long = "account")]
    accounts: Vec<String>,
    /// Scan only this tenant's accounts (repeatable).
    #[arg(long = "tenant")]
    tenants: Vec<String>,
    /// Scan only the accounts under this OU, by id or path of names (repeatable).
    #[arg(long = "ou")]
    ous: Vec<String>,
    /// Scan shard K of N (`K/N`, from 1): a stable, hash-based share of the accounts; merge
    /// the shards' inventories with `tenantguard merge`.
    #[arg(long, value_parser = crate::shard::Shard::parse, conflicts_with = "shards")]
    shard: Option<crate::shard::Shard>,
    /// Scan one of this many shards, the one `--shard-index-from` names: for runners that
    /// give each copy of a job its index (AWS Batch array jobs, Kubernetes Indexed Jobs).
    #[arg(long, requires = "shard_index_from", value_parser = clap::value_parser!(u32).range(1..))]
    shards: Option<u32>,
    /// The environment variable holding this copy's 0-based index
    /// (`AWS_BATCH_JOB_ARRAY_INDEX`, `JOB_COMPLETION_INDEX`); with `--shards N` it is shard
    /// index + 1 of N.
    #[arg(long, requires = "shards", value_name = "VARIABLE")]
    shard_index_from: Option<String>,
    /// Collect against this organization read (`collect --organization-only` wrote it)
    /// instead of reading the organization again: the shards of one run share one read.
    #[arg(long, value_name = "INVENTORY")]
    organization: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum Format {
    Table,
    Json,
    Markdown,
    Sarif,
    /// One self-contained HTML file with the isolation picture (no network needed to view it).
    Html,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Threshold {
    At(Severity),
    Never,
}

pub(super) fn parse_threshold(s: &str) -> Result<Threshold, String> {
    if s == "none" {
        Ok(Threshold::Never)
    } else {
        s.parse().map(Threshold::At)
    }
}

/// Collects the organization live, as the configuration and flags say.
pub(super) fn collect_live(
    config: &Config,
    live: &LiveArgs,
    progress: bool,
    organization_only: bool,
) -> Result<Inventory, CliError> {
    use crate::collect::{self, AuditRole, Options, Progress};
    let runtime = tokio::runtime::Runtime::new().map_err(CliError::Runtime)?;
    let options = Options {
        audit_role: AuditRole::new(
            &config.collect.role_name,
            &config.collect.role_path,
            config.collect.external_id.clone(),
        ),
        regions: live
            .regions
            .clone()
            .or_else(|| config.collect.regions.clone()),
        organization_role: config.collect.organization_role_arn.clone(),
        concurrency: live.concurrency,
        region_concurrency: live.region_concurrency,
        organization_concurrency: live.organization_concurrency,
        organization_rate: Some(live.organization_rate).filter(|r| *r > 0.0),
        identity_center: collect::identity_center::Reads {
            region: config.collect.identity_center.region.clone(),
            role_arn: config.collect.identity_center.role_arn.clone(),
            not_used: !config.collect.identity_center.enabled,
        },
        deadline: live.deadline.map(|d| tokio::time::Instant::now() + d),
        organization: live
            .organization
            .as_deref()
            .map(read_organization)
            .transpose()?,
    };
    let shard = live.shard()?;
    let filtered = !(live.accounts.is_empty() && live.tenants.is_empty() && live.ous.is_empty());
    let select = |org: &crate::inventory::Organization| {
        if organization_only {
            return Some(std::collections::BTreeSet::new());
        }
        let chosen = filtered.then(|| {
            crate::select::accounts(org, config, &live.accounts, &live.tenants, &live.ous)
        });
        match shard {
            None => chosen,
            Some(shard) => Some(
                chosen
                    .unwrap_or_else(|| org.accounts.iter().map(|a| a.id.clone()).collect())
                    .into_iter()
                    .filter(|id| shard.contains(id))
                    .collect(),
            ),
        }
    };
    runtime.block_on(async {
        let base = collect::base_config(live.profile.as_deref(), live.max_attempts).await;
        let tags =
            |org: &crate::inventory::Organization| crate::tenants::decided_by_tag(org, config);
        Ok(collect::collect(&base, &options, &select, &tags, &Progress::new(progress)).await)
    })
}

impl LiveArgs {
    /// The shard to scan: `--shard K/N`, or the index a runner put in the environment.
    pub(super) fn shard(&self) -> Result<Option<crate::shard::Shard>, CliError> {
        let (Some(count), Some(var)) = (self.shards, &self.shard_index_from) else {
            return Ok(self.shard);
        };
        let bad = |why: String| CliError::ShardIndex {
            variable: var.clone(),
            why,
        };
        let value = std::env::var(var).map_err(|_| bad("it is not set".to_owned()))?;
        let index: u32 = value
            .trim()
            .parse()
            .map_err(|_| bad(format!("`{value}` is not an index")))?;
        crate::shard::Shard::parse(&format!("{}/{count}", index + 1))
            .map(Some)
            .map_err(|_| bad(format!("index {index} is not below --shards {count}")))
    }
}

/// `{shard}` in an output path becomes the shard's number (from 1): one argument for every
/// copy of an array job.
pub(super) fn shard_path(path: &Path, shard: Option<crate::shard::Shard>) -> PathBuf {
    match (path.to_str(), shard) {
        (Some(p), Some(shard)) if p.contains("{shard}") => {
            PathBuf::from(p.replace("{shard}", &shard.index.to_string()))
        }
        _ => path.to_owned(),
    }
}

/// The organization of a saved organization read: it must have been read whole, since every
/// shard collecting against it would inherit its gaps.
fn read_organization(path: &Path) -> Result<crate::inventory::Organization, CliError> {
    let inventory = load_inventory(path)?;
    let org = inventory.organization;
    if let Some(error) = org.status.failure() {
        return Err(CliError::OrganizationUnread {
            path: path.display().to_string(),
            error: error.to_owned(),
        });
    }
    Ok(org)
}

pub(super) fn scan(args: ScanArgs, progress: bool) -> Result<u8, CliError> {
    // Each phase's time at `-v`: where a slow scan spends it.
    let started = std::time::Instant::now();
    let (inventory, config) = match &args.inventory {
        Some(path) => load(path, &args.config)?,
        None => {
            let config = load_config(&args.config)?;
            let inventory = collect_live(&config, &args.live, progress, false)?;
            check_organization(&inventory, &config, "(collected live)", &args.config)?;
            (inventory, config)
        }
    };
    let read = started.elapsed();
    tracing::info!(seconds = read.as_secs_f64(), "inventory read");
    let mut evaluation = evaluate::evaluate(&inventory, &config);
    tracing::info!(
        seconds = (started.elapsed() - read).as_secs_f64(),
        findings = evaluation.findings.len(),
        "evaluated"
    );
    let suppressions = match &args.suppressions {
        Some(path) => Some((
            crate::suppressions::SuppressionFile::load(path, &rules::ids())?,
            path.display().to_string(),
        )),
        None => None,
    };
    let baseline = match &args.baseline {
        Some(path) => {
            let baseline = crate::baseline::Baseline::load(path)?;
            if baseline.organization_id != evaluation.organization_id {
                return Err(CliError::BaselineOrganization {
                    path: path.display().to_string(),
                    found: baseline.organization_id,
                    expected: evaluation.organization_id.clone(),
                });
            }
            Some(baseline)
        }
        None => None,
    };
    crate::triage::gate(
        &mut evaluation,
        suppressions.as_ref().map(|(f, shown)| (f, shown.as_str())),
        baseline.as_ref(),
        args.today.unwrap_or_else(crate::date::Date::today),
    );
    emit(
        &evaluation,
        args.format,
        args.sarif_category.clone(),
        args.output.as_deref(),
    )?;
    tracing::info!(seconds = started.elapsed().as_secs_f64(), "report written");
    if !evaluation.complete() {
        eprintln!("tenantguard: {}", report::completeness(&evaluation));
    }
    let code = exit_code(&evaluation, args.fail_on, args.fail_on_new);
    // The process ends here: freeing an inventory of 10,000 accounts (millions of small
    // allocations) one by one would cost a tenth of a second the system does in one go.
    std::mem::forget(inventory);
    Ok(code)
}

/// Writes the report of `evaluation` in `format` to `output` (standard output if none).
pub(super) fn emit(
    evaluation: &Evaluation,
    format: Format,
    sarif_category: Option<String>,
    output: Option<&Path>,
) -> Result<(), CliError> {
    let color = output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let emitter: Box<dyn Emitter> = match format {
        Format::Table => Box::new(report::Table { color }),
        Format::Json => Box::new(report::Json),
        Format::Markdown => Box::new(report::Markdown),
        Format::Sarif => Box::new(report::Sarif {
            category: sarif_category,
        }),
        Format::Html => Box::new(report::Html),
    };
    let mut buffer = Vec::new();
    emitter
        .emit(evaluation, &mut buffer)
        .expect("writing to memory does not fail");
    match output {
        Some(path) => write_file(path, &buffer)?,
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error of the scan.
            let _ = stdout.write_all(&buffer).and_then(|()| stdout.flush());
        }
    }
    Ok(())
}

/// 1 wins over 2: a known violation is the more urgent news, and the report still says the
/// scan was incomplete. `not-scanned` findings only ever make the code 2.
pub(super) fn exit_code(evaluation: &Evaluation, threshold: Threshold, only_new: bool) -> u8 {
    let failing = report::active(evaluation)
        .filter(|f| f.rule != rules::NOT_SCANNED)
        .filter(|f| !only_new || f.baseline_state == Some(crate::baseline::BaselineState::New))
        .any(|f| matches!(threshold, Threshold::At(t) if f.severity >= t));
    if failing {
        exit::FINDINGS
    } else if !evaluation.complete() {
        exit::INCOMPLETE
    } else {
        exit::CLEAN
    }
}
