//! The command line: parses arguments, runs the flow, maps outcomes to exit codes. Each
//! command's work lives in a module of its own; this one holds the arguments, the errors and
//! the dispatch.

mod docs;
mod guardrails;
mod location;
mod plan;
mod scan;
mod suppress;
mod validate;

use docs::print_rules;
pub use docs::rules_markdown;
use guardrails::guardrails;
use plan::{PlanArgs, plan};
use scan::{LiveArgs, ScanArgs, collect_live, parse_date, scan};
use suppress::suppress;
use validate::validate;

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
    /// Render a saved JSON report in another format (`--format html` for the offline page).
    Report {
        /// A JSON report written by `scan --format json`.
        report: PathBuf,
        #[arg(long, value_enum, default_value_t = scan::Format::Html)]
        format: scan::Format,
        #[arg(long)]
        output: Option<PathBuf>,
        /// SARIF `runAutomationDetails.id` (default `tenantguard/<organization id>/`): give
        /// each workflow its own, so that code scanning keeps each one's alerts apart.
        #[arg(long)]
        sarif_category: Option<String>,
    },
    /// Judge a Terraform plan (`terraform show -json`) against the last inventory: what the
    /// change would introduce and resolve, before it is applied.
    Plan(PlanArgs),
    /// Collect the organization's inventory live, without evaluating it.
    Collect {
        /// The configuration: audit role, regions, tenants (for `--tenant`).
        #[arg(long, default_value = "tenantguard.toml")]
        config: PathBuf,
        /// Where to write the inventory.
        #[arg(long)]
        output: PathBuf,
        /// Read the organization (tree, accounts, SCPs, RCPs, Identity Center) and no
        /// account: the one organization read the shards of a run collect against
        /// (`--organization`).
        #[arg(long, conflicts_with_all = ["shard", "organization"])]
        organization_only: bool,
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
        /// Shard inventories, as `collect --shard K/N` wrote them; with `--shards N`, one
        /// path holding `{shard}`, read for every shard from 1 to N.
        #[arg(required = true)]
        inventories: Vec<PathBuf>,
        /// Expect exactly this many shards, named by the `{shard}` path: a missing one fails
        /// the merge, so a partial set is never merged.
        #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
        shards: Option<u32>,
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
    /// Show every tenant account's guardrails action by action: denied, denied except named
    /// principals, denied by omission, or not denied (exit 1 if any does not hold).
    Guardrails {
        #[arg(long)]
        inventory: PathBuf,
        #[arg(long, default_value = "tenantguard.toml")]
        config: PathBuf,
        /// `table` or `json`.
        #[arg(long, default_value = "table", value_parser = ["table", "json"])]
        format: String,
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
    #[error(transparent)]
    Plan(#[from] crate::plan::PlanError),
    #[error("{0}")]
    Report(String),
    #[error(
        "`{path}`: its organization was not read ({error}); read it again with `tenantguard collect --organization-only`"
    )]
    OrganizationUnread { path: String, error: String },
    #[error("`{path}`: {error}")]
    Remote { path: String, error: String },
    #[error("--shard-index-from {variable}: {why}")]
    ShardIndex { variable: String, why: String },
    #[error(
        "merge --shards N takes one inventory path holding `{{shard}}` (e.g. s3://bucket/run/shard-{{shard}}.json)"
    )]
    MergeTemplate,
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
            organization_only,
            live,
        } => {
            let cfg = load_config(&config)?;
            let output = scan::shard_path(&output, live.shard()?);
            let inventory = collect_live(&cfg, &live, progress, organization_only)?;
            write_file(&output, inventory.to_json().as_bytes())?;
            let failed = inventory
                .accounts
                .iter()
                .filter(|a| a.status.failure().is_some())
                .count();
            let org = &inventory.organization;
            if organization_only {
                eprintln!(
                    "tenantguard: read organization {} ({} account(s), {} policies) into `{}`",
                    org.id,
                    org.accounts.len(),
                    org.policies.len(),
                    output.display()
                );
            } else {
                eprintln!(
                    "tenantguard: collected {} account(s) of {} into `{}` ({failed} not readable)",
                    inventory.accounts.len(),
                    org.id,
                    output.display()
                );
            }
            Ok(if failed > 0 || org.status.failure().is_some() {
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
        Command::Plan(args) => plan(args),
        Command::Report {
            report,
            format,
            output,
            sarif_category,
        } => {
            let evaluation = crate::report::load_json(&report).map_err(CliError::Report)?;
            scan::emit(&evaluation, format, sarif_category, output.as_deref())?;
            Ok(exit::CLEAN)
        }
        Command::Guardrails {
            inventory,
            config,
            format,
        } => guardrails(&inventory, &config, format == "json"),
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
            shards,
            output,
        } => {
            let inventories = match shards {
                None => inventories,
                Some(n) => match inventories.as_slice() {
                    [one] if one.to_str().is_some_and(|p| p.contains("{shard}")) => (1..=n)
                        .map(|k| {
                            scan::shard_path(one, Some(crate::shard::Shard { index: k, count: n }))
                        })
                        .collect(),
                    _ => return Err(CliError::MergeTemplate),
                },
            };
            let loaded = inventories
                .iter()
                .map(|p| load_inventory(p))
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
            let cfg = load_config(&config)?;
            let (old, new) = (load_inventory(&old)?, load_inventory(&new)?);
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
    location::write(path, bytes)
}

/// The configuration at `path`: a local file or an S3 object.
fn load_config(path: &Path) -> Result<Config, CliError> {
    Ok(match location::read(path)? {
        Some(text) => Config::parse(&text, &path.display().to_string(), &rules::ids())?,
        None => Config::load(path, &rules::ids())?,
    })
}

/// The inventory at `path`: a local file or an S3 object.
fn load_inventory(path: &Path) -> Result<Inventory, CliError> {
    Ok(match location::read(path)? {
        Some(text) => Inventory::from_json(&text, &path.display().to_string())?,
        None => Inventory::load(path)?,
    })
}

/// Loads both inputs and checks they describe the same organization.
fn load(inventory: &Path, config: &Path) -> Result<(Inventory, Config), CliError> {
    let cfg = load_config(config)?;
    let inv = load_inventory(inventory)?;
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
