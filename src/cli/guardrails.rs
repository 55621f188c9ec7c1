//! `guardrails`: every tenant account's guardrails, action by action, with the verdict the
//! SCPs in effect give (denied, denied except named principals, denied by omission, not
//! denied), including the ones that hold, which findings never show.

use comfy_table::Table;
use serde_json::json;

use super::*;
use crate::rules::Context;
use crate::rules::guardrail::{judge_guardrail, tenant_accounts, verdict_text};
use crate::tenants::TenantMap;

pub(super) fn guardrails(inventory: &Path, config: &Path, json_out: bool) -> Result<u8, CliError> {
    let (inv, cfg) = load(inventory, config)?;
    let tenants = TenantMap::new(&inv.organization, &cfg);
    let cx = Context::new(&inv, &tenants, &cfg);
    let mut rows = Vec::new();
    for (account, tenant) in tenant_accounts(&cx) {
        for guardrail in &cfg.guardrails {
            let (deny, allow) = judge_guardrail(&cx, &cx.controls, account, guardrail);
            for (wanted, judged) in deny
                .iter()
                .map(|j| ("deny", j))
                .chain(allow.iter().map(|j| ("allow", j)))
            {
                let holds = match wanted {
                    "deny" => judged.verdict.is_denied(),
                    _ => !judged.verdict.is_denied(),
                };
                rows.push((
                    account,
                    tenant.clone(),
                    guardrail.name.clone(),
                    wanted,
                    judged.clone(),
                    holds,
                ));
            }
        }
    }
    let mut out = std::io::stdout().lock();
    if json_out {
        let list: Vec<_> = rows
            .iter()
            .map(|(account, tenant, guardrail, wanted, judged, holds)| {
                json!({"account": account, "tenant": tenant, "guardrail": guardrail, "wants": wanted,
                       "holds": holds, "verdict_text": verdict_text(&judged.verdict), "judged": judged})
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&list).expect("serializes"))
    } else {
        let mut table = Table::new();
        table.set_header(["tenant", "account", "guardrail", "action", "holds", "verdict"]);
        for (account, tenant, guardrail, wanted, judged, holds) in &rows {
            table.add_row([
                tenant.clone(),
                account.to_string(),
                guardrail.clone(),
                format!("{wanted} {}", judged.action),
                if *holds { "yes" } else { "NO" }.to_owned(),
                verdict_text(&judged.verdict),
            ]);
        }
        writeln!(out, "{table}")
    }
    .map_err(|source| CliError::Write {
        path: "standard output".to_owned(),
        source,
    })?;
    Ok(if rows.iter().all(|r| r.5) {
        exit::CLEAN
    } else {
        exit::FINDINGS
    })
}
