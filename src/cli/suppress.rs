//! `suppress`: appending a suppression for one finding of a report.

use super::*;

pub(super) fn suppress(
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
