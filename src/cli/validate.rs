//! `validate`: a configuration checked on its own and against an inventory.

use super::*;

pub(super) fn validate(config: &Path, inventory: Option<&Path>) -> Result<u8, CliError> {
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
