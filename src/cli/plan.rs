//! `plan`: a Terraform plan judged against the last inventory before it is applied.

use std::collections::BTreeMap;

use clap::Args;

use super::scan::{Format, Threshold, emit, exit_code, parse_threshold};
use super::*;
use crate::plan::{Plan, gate};

#[derive(Debug, Args)]
pub(super) struct PlanArgs {
    /// `terraform show -json PLANFILE` output.
    plan: PathBuf,
    /// The inventory the plan is overlaid on (the nightly scan's).
    #[arg(long)]
    inventory: PathBuf,
    #[arg(long, default_value = "tenantguard.toml")]
    config: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    #[arg(long)]
    output: Option<PathBuf>,
    /// Fail (exit 1) on introduced findings at or above this severity.
    #[arg(long, default_value = "low", value_parser = parse_threshold)]
    fail_on: Threshold,
    /// The account a provider acts in, where the plan does not say: `aws.tenant_acme=111122223333`
    /// (a provider configuration key or alias). Repeatable.
    #[arg(long = "provider-account", value_parser = parse_provider_account)]
    provider_accounts: Vec<(String, String)>,
    /// The account every provider acts in that neither the plan nor `--provider-account`
    /// places: the common setup of one workspace per account, with credentials from the
    /// environment and no account in the provider block.
    #[arg(long, value_parser = parse_account)]
    account: Option<String>,
    /// SARIF `runAutomationDetails.id`.
    #[arg(long)]
    sarif_category: Option<String>,
}

fn parse_account(s: &str) -> Result<String, String> {
    if crate::policy::principal::is_account_id(s) {
        Ok(s.to_owned())
    } else {
        Err(format!("`{s}` is not an account id (12 digits)"))
    }
}

fn parse_provider_account(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() && crate::policy::principal::is_account_id(v) => {
            Ok((k.to_owned(), v.to_owned()))
        }
        _ => Err(format!(
            "`{s}` is not KEY=ACCOUNT (a provider key or alias, and 12 digits)"
        )),
    }
}

pub(super) fn plan(args: PlanArgs) -> Result<u8, CliError> {
    let (inventory, config) = load(&args.inventory, &args.config)?;
    let plan = Plan::load(&args.plan)?;
    let mut overrides: BTreeMap<String, String> = args.provider_accounts.into_iter().collect();
    if let Some(account) = args.account {
        overrides.insert(crate::plan::accounts::DEFAULT.to_owned(), account);
    }
    let outcome = gate(&plan, &inventory, &config, &overrides);
    let evaluation = outcome.evaluation;
    emit(
        &evaluation,
        args.format,
        args.sarif_category,
        args.output.as_deref(),
    )?;
    let resolved = evaluation.absent.as_ref().map_or(0, Vec::len);
    eprintln!(
        "tenantguard: plan `{}`: {} change(s) applied to the inventory; {} finding(s) introduced, {} resolved",
        args.plan.display(),
        outcome.applied,
        evaluation
            .findings
            .iter()
            .filter(|f| !f.is_silenced())
            .count(),
        resolved
    );
    // Only what the change introduces counts: the inventory's own findings (and its
    // incompleteness) are the nightly scan's to report.
    let introduced = exit_code(&evaluation, args.fail_on, true);
    Ok(if introduced == exit::FINDINGS {
        exit::FINDINGS
    } else {
        exit::CLEAN
    })
}
