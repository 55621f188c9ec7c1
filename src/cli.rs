//! The command line: parses arguments, runs the flow, maps outcomes to exit codes.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{Config, ConfigError, RawConfig};
use crate::evaluate::{self, Evaluation};
use crate::inventory::{Inventory, InventoryError};
use crate::report::{self, Emitter};
use crate::rules;
use crate::severity::Severity;

/// Exit codes, documented in the README.
pub mod exit {
    /// Nothing at or above `--fail-on`, and the scan was complete.
    pub const CLEAN: u8 = 0;
    /// Findings at or above `--fail-on` (whether or not the scan was complete).
    pub const FINDINGS: u8 = 1;
    /// Nothing failed the threshold, but some account or region was not scanned.
    pub const INCOMPLETE: u8 = 2;
    /// Bad usage or bad input: nothing was judged.
    pub const ERROR: u8 = 3;
}

#[derive(Debug, Parser)]
#[command(
    name = "tenantguard",
    version,
    about = "Proves, or disproves, that the tenants of an AWS Organization stay isolated"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// More log output (-v info, -vv debug, -vvv trace). Logs go to standard error.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Only errors; no progress bar.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Log line format; `json` suits log collectors (the default off a terminal is text).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Report the isolation findings: of a saved inventory, or collected live first.
    Scan(ScanArgs),
    /// Collect the organization's inventory live, without evaluating it.
    Collect {
        /// The configuration: audit role, regions, tenants (for `--tenant`).
        #[arg(long, default_value = "tenantguard.toml")]
        config: PathBuf,
        /// Where to write the inventory.
        #[arg(long)]
        output: PathBuf,
        #[command(flatten)]
        live: LiveArgs,
    },
    /// List every rule: id, severity, title.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Print a rule's documentation.
    Explain {
        rule: String,
        #[arg(long, value_enum, default_value_t = DocFormat::Text)]
        format: DocFormat,
    },
    /// Print the JSON Schema of an input file.
    Schema {
        #[arg(value_enum)]
        of: SchemaOf,
    },
    /// Append a suppression for one finding of a report to the suppressions file.
    Suppress {
        /// The finding's fingerprint, from a report.
        fingerprint: String,
        /// The JSON report the finding is in.
        #[arg(long)]
        report: PathBuf,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        owner: String,
        /// Last day it holds (YYYY-MM-DD).
        #[arg(long, value_parser = parse_date)]
        expires: crate::date::Date,
        #[arg(long, default_value = "tenantguard-suppressions.toml")]
        file: PathBuf,
    },
    /// Combine the inventories of several shards into one.
    Merge {
        /// Shard inventories, as `collect --shard K/N` wrote them.
        #[arg(required = true)]
        inventories: Vec<PathBuf>,
        #[arg(long)]
        output: PathBuf,
    },
    /// Show what changed between two inventories that matters for isolation.
    Diff {
        old: PathBuf,
        new: PathBuf,
        /// For tenant names and mapping changes.
        #[arg(long, default_value = "tenantguard.toml")]
        config: PathBuf,
    },
    /// Check a configuration (and optionally an inventory) without scanning.
    Validate {
        #[arg(long, default_value = "tenantguard.toml")]
        config: PathBuf,
        #[arg(long)]
        inventory: Option<PathBuf>,
    },
    /// Write a synthetic organization (inventory and configuration), for benchmarks.
    #[command(hide = true)]
    Synthesize {
        #[arg(long)]
        accounts: usize,
        #[arg(long, default_value_t = 50)]
        roles: usize,
        #[arg(long, default_value_t = 2)]
        regions: usize,
        #[arg(long)]
        inventory: PathBuf,
        #[arg(long)]
        config: PathBuf,
    },
}

#[derive(Debug, Args)]
struct ScanArgs {
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

fn parse_date(s: &str) -> Result<crate::date::Date, String> {
    crate::date::Date::parse(s).ok_or_else(|| format!("`{s}` is not a date (YYYY-MM-DD)"))
}

/// How live collection runs.
#[derive(Debug, Args)]
struct LiveArgs {
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
    #[arg(long, value_parser = crate::shard::Shard::parse)]
    shard: Option<crate::shard::Shard>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Table,
    Json,
    Markdown,
    Sarif,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ListFormat {
    Table,
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DocFormat {
    Text,
    Markdown,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SchemaOf {
    Inventory,
    Config,
    Suppressions,
}

#[derive(Debug, Clone, Copy)]
enum Threshold {
    At(Severity),
    Never,
}

fn parse_threshold(s: &str) -> Result<Threshold, String> {
    if s == "none" {
        Ok(Threshold::Never)
    } else {
        s.parse().map(Threshold::At)
    }
}

/// Why a command could not run. Each message is one line naming the file, field or account.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Inventory(#[from] InventoryError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("unknown rule `{0}` (`tenantguard rules` lists them)")]
    UnknownRule(String),
    #[error(
        "inventory `{inventory}` is of organization `{found}`, but configuration `{config}` is for `{expected}`"
    )]
    WrongOrganization {
        inventory: String,
        found: String,
        config: String,
        expected: String,
    },
    #[error("cannot write `{path}`: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error(transparent)]
    Baseline(#[from] crate::baseline::BaselineError),
    #[error("baseline `{path}` is of organization `{found}`, but this scan is of `{expected}`")]
    BaselineOrganization {
        path: String,
        found: String,
        expected: String,
    },
    #[error("fingerprint `{fingerprint}` is not in report `{report}`")]
    UnknownFingerprint { fingerprint: String, report: String },
    #[error(transparent)]
    Merge(#[from] crate::shard::MergeError),
}

/// Parses a command line without running it (tests check shipped manifests with it).
pub fn parse<I, T>(args: I) -> Result<(), String>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    Cli::try_parse_from(args)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::ERROR
            } else {
                exit::CLEAN
            };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    init_logging(&cli);
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(exit::ERROR)
        }
    }
}

/// Logs to standard error: warnings by default, more with `-v`, only errors with `-q`;
/// `RUST_LOG` overrides.
fn init_logging(cli: &Cli) {
    let level = match (cli.quiet, cli.verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(format!("tenantguard={level},warn"))
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match cli.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal())
            .try_init(),
    };
}

fn run(cli: Cli) -> Result<u8, CliError> {
    let progress = !cli.quiet && std::io::stderr().is_terminal();
    match cli.command {
        Command::Scan(args) => scan(args, progress),
        Command::Collect {
            config,
            output,
            live,
        } => {
            let cfg = Config::load(&config, &rules::ids())?;
            let inventory = collect_live(&cfg, &live, progress)?;
            write_file(&output, inventory.to_json().as_bytes())?;
            let failed = inventory
                .accounts
                .iter()
                .filter(|a| a.status.failure().is_some())
                .count();
            eprintln!(
                "tenantguard: collected {} account(s) of {} into `{}` ({failed} not readable)",
                inventory.accounts.len(),
                inventory.organization.id,
                output.display()
            );
            Ok(if failed > 0 {
                exit::INCOMPLETE
            } else {
                exit::CLEAN
            })
        }
        Command::Rules { format } => {
            print_rules(format);
            Ok(exit::CLEAN)
        }
        Command::Explain { rule, format } => {
            let doc = rules::find(&rule).ok_or(CliError::UnknownRule(rule))?;
            match format {
                DocFormat::Text => print!("{}", doc.text()),
                DocFormat::Markdown => print!("{}", doc.markdown()),
            }
            Ok(exit::CLEAN)
        }
        Command::Schema { of } => {
            let schema = match of {
                SchemaOf::Inventory => schemars::schema_for!(Inventory),
                SchemaOf::Config => schemars::schema_for!(RawConfig),
                SchemaOf::Suppressions => {
                    schemars::schema_for!(crate::suppressions::SuppressionFile)
                }
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).expect("schemas serialize")
            );
            Ok(exit::CLEAN)
        }
        Command::Validate { config, inventory } => validate(&config, inventory.as_deref()),
        Command::Suppress {
            fingerprint,
            report,
            reason,
            owner,
            expires,
            file,
        } => suppress(&fingerprint, &report, reason, owner, expires, &file),
        Command::Merge {
            inventories,
            output,
        } => {
            let loaded = inventories
                .iter()
                .map(|p| Inventory::load(p))
                .collect::<Result<Vec<_>, _>>()?;
            let shown: Vec<String> = inventories
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            let merged = crate::shard::merge(loaded, &shown)?;
            write_file(&output, merged.to_json().as_bytes())?;
            Ok(exit::CLEAN)
        }
        Command::Diff { old, new, config } => {
            let cfg = Config::load(&config, &rules::ids())?;
            let (old, new) = (Inventory::load(&old)?, Inventory::load(&new)?);
            let changes = crate::diff::diff(&old, &new, &cfg);
            if changes.is_empty() {
                println!("no change that matters for isolation");
            }
            for c in &changes {
                println!("{c}");
            }
            Ok(exit::CLEAN)
        }
        Command::Synthesize {
            accounts,
            roles,
            regions,
            inventory,
            config,
        } => {
            let (inv, cfg) = crate::synthetic::organization(accounts, roles, regions);
            write_file(&inventory, inv.to_json().as_bytes())?;
            write_file(&config, cfg.as_bytes())?;
            Ok(exit::CLEAN)
        }
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes).map_err(|source| CliError::Write {
        path: path.display().to_string(),
        source,
    })
}

/// Loads both inputs and checks they describe the same organization.
fn load(inventory: &Path, config: &Path) -> Result<(Inventory, Config), CliError> {
    let cfg = Config::load(config, &rules::ids())?;
    let inv = Inventory::load(inventory)?;
    check_organization(&inv, &cfg, &inventory.display().to_string(), config)?;
    Ok((inv, cfg))
}

fn check_organization(
    inv: &Inventory,
    cfg: &Config,
    shown: &str,
    config: &Path,
) -> Result<(), CliError> {
    match &cfg.organization_id {
        // An organization that could not be read has no id to compare; it is reported
        // `not-scanned` instead.
        Some(expected)
            if *expected != inv.organization.id && inv.organization.status.failure().is_none() =>
        {
            Err(CliError::WrongOrganization {
                inventory: shown.to_owned(),
                found: inv.organization.id.clone(),
                config: config.display().to_string(),
                expected: expected.clone(),
            })
        }
        _ => Ok(()),
    }
}

/// Collects the organization live, as the configuration and flags say.
fn collect_live(config: &Config, live: &LiveArgs, progress: bool) -> Result<Inventory, CliError> {
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
        read_tags: config.tenants.tag_key.is_some(),
        deadline: live.deadline.map(|d| tokio::time::Instant::now() + d),
    };
    let filtered = !(live.accounts.is_empty() && live.tenants.is_empty() && live.ous.is_empty());
    let select = |org: &crate::inventory::Organization| {
        let chosen = filtered.then(|| {
            crate::select::accounts(org, config, &live.accounts, &live.tenants, &live.ous)
        });
        match live.shard {
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
        Ok(collect::collect(&base, &options, &select, &Progress::new(progress)).await)
    })
}

fn scan(args: ScanArgs, progress: bool) -> Result<u8, CliError> {
    let (inventory, config) = match &args.inventory {
        Some(path) => load(path, &args.config)?,
        None => {
            let config = Config::load(&args.config, &rules::ids())?;
            let inventory = collect_live(&config, &args.live, progress)?;
            check_organization(&inventory, &config, "(collected live)", &args.config)?;
            (inventory, config)
        }
    };
    let mut evaluation = evaluate::evaluate(&inventory, &config);
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
    let color = args.output.is_none()
        && std::io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none();
    let emitter: Box<dyn Emitter> = match args.format {
        Format::Table => Box::new(report::Table { color }),
        Format::Json => Box::new(report::Json),
        Format::Markdown => Box::new(report::Markdown),
        Format::Sarif => Box::new(report::Sarif {
            category: args.sarif_category.clone(),
        }),
    };
    let mut buffer = Vec::new();
    emitter
        .emit(&evaluation, &mut buffer)
        .expect("writing to memory does not fail");
    match &args.output {
        Some(path) => write_file(path, &buffer)?,
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error of the scan.
            let _ = stdout.write_all(&buffer).and_then(|()| stdout.flush());
        }
    }
    if !evaluation.complete() {
        eprintln!("tenantguard: {}", report::completeness(&evaluation));
    }
    Ok(exit_code(&evaluation, args.fail_on, args.fail_on_new))
}

fn suppress(
    fingerprint: &str,
    report: &Path,
    reason: String,
    owner: String,
    expires: crate::date::Date,
    file: &Path,
) -> Result<u8, CliError> {
    let shown = report.display().to_string();
    let text = std::fs::read_to_string(report).map_err(|source| {
        CliError::Baseline(crate::baseline::BaselineError::Read {
            path: shown.clone(),
            source,
        })
    })?;
    let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        CliError::Baseline(crate::baseline::BaselineError::Invalid {
            path: shown.clone(),
            message: e.to_string(),
        })
    })?;
    let finding = v["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["fingerprint"] == fingerprint)
        .ok_or_else(|| CliError::UnknownFingerprint {
            fingerprint: fingerprint.to_owned(),
            report: shown.clone(),
        })?;
    let entry = crate::suppressions::Suppression {
        rule: finding["rule"].as_str().unwrap_or_default().to_owned(),
        resource: finding["resource"].as_str().unwrap_or_default().to_owned(),
        tenant: finding["tenant"].as_str().map(str::to_owned),
        fingerprint: Some(fingerprint.to_owned()),
        reason,
        owner,
        expires: expires.to_string(),
    };
    crate::suppressions::SuppressionFile::append(file, &entry).map_err(|source| {
        CliError::Write {
            path: file.display().to_string(),
            source,
        }
    })?;
    println!(
        "suppressed {fingerprint} ({} on `{}`) until {expires} in `{}`",
        entry.rule,
        entry.resource,
        file.display()
    );
    Ok(exit::CLEAN)
}

/// 1 wins over 2: a known violation is the more urgent news, and the report still says the
/// scan was incomplete. `not-scanned` findings only ever make the code 2.
fn exit_code(evaluation: &Evaluation, threshold: Threshold, only_new: bool) -> u8 {
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

fn print_rules(format: ListFormat) {
    let docs = rules::docs();
    match format {
        ListFormat::Table => {
            let mut grid = comfy_table::Table::new();
            grid.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
            grid.force_no_tty();
            grid.set_header(["id", "severity", "title"]);
            for d in docs {
                grid.add_row([d.id.as_str(), d.severity.as_str(), d.title.as_str()]);
            }
            println!("{grid}");
        }
        ListFormat::Markdown => print!("{}", rules_markdown()),
        ListFormat::Json => {
            let list: Vec<_> = docs
                .iter()
                .map(|d| serde_json::json!({"id": d.id, "severity": d.severity, "title": d.title, "summary": d.summary}))
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&list).expect("serializes")
            );
        }
    }
}

/// The README's rule table.
pub fn rules_markdown() -> String {
    let mut out = String::from("| id | severity | what it finds |\n|---|---|---|\n");
    for d in rules::docs() {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            d.id,
            d.severity,
            d.summary.trim()
        ));
    }
    out
}

fn validate(config: &Path, inventory: Option<&Path>) -> Result<u8, CliError> {
    let cfg = match inventory {
        Some(inv_path) => {
            let (inv, cfg) = load(inv_path, config)?;
            for warning in crate::validate::against_inventory(&cfg, &inv) {
                eprintln!("warning: `{}`: {warning}", config.display());
            }
            cfg
        }
        None => Config::load(config, &rules::ids())?,
    };
    println!(
        "configuration `{}` is valid: {} tenant account(s) listed, {} OU mapping(s), {} platform account(s), {} exception(s)",
        config.display(),
        cfg.tenants.accounts.len(),
        cfg.tenants.ous.len(),
        cfg.platform.len(),
        cfg.exceptions.len()
    );
    Ok(exit::CLEAN)
}
