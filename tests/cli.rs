//! The command line as a user meets it: exit codes, one-line errors, the listing commands.

mod common;

use assert_cmd::Command;
use predicates::prelude::*;
use tempfile::TempDir;

fn tenantguard() -> Command {
    Command::cargo_bin("tenantguard").unwrap()
}

fn demo_scan() -> Command {
    let mut cmd = tenantguard();
    cmd.arg("scan")
        .arg("--inventory")
        .arg(common::fixture("demo/inventory.json"))
        .arg("--config")
        .arg(common::fixture("demo/tenantguard.toml"));
    cmd
}

/// Writes a file into a temporary directory.
fn file(dir: &TempDir, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The demo inventory, edited.
fn demo_json(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let text = std::fs::read_to_string(common::fixture("demo/inventory.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    edit(&mut v);
    v.to_string()
}

/// One line on stderr, starting with `error:`, and exit code 3.
fn assert_input_error(cmd: &mut Command, needle: &str) {
    let out = cmd.assert().code(3).get_output().clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(stderr.contains(needle), "`{needle}` not in: {stderr}");
}

#[test]
fn demo_scan_fails_on_findings() {
    demo_scan()
        .assert()
        .code(1)
        .stdout(predicate::str::contains("cross-tenant-trust"))
        .stderr(predicate::str::contains("INCOMPLETE"));
}

#[test]
fn findings_below_the_threshold_leave_only_incompleteness() {
    // Only `none` lets every finding through; the demo is incomplete, so 2.
    demo_scan().args(["--fail-on", "none"]).assert().code(2);
}

#[test]
fn a_complete_clean_scan_exits_zero() {
    let dir = TempDir::new().unwrap();
    let inv = file(
        &dir,
        "inv.json",
        &demo_json(|v| {
            // Keep only the management account: it is platform, scanned, and trusts itself.
            let org = &mut v["organization"];
            let accounts = org["accounts"].as_array_mut().unwrap();
            accounts.retain(|a| a["id"] == "100000000001");
            let collected = v["accounts"].as_array_mut().unwrap();
            collected.retain(|a| a["account_id"] == "100000000001");
        }),
    );
    let cfg = file(&dir, "c.toml", "[organization]\nid = \"o-d3m0tenants\"\n");
    tenantguard()
        .args(["scan", "--inventory"])
        .arg(&inv)
        .arg("--config")
        .arg(&cfg)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no findings"));
}

#[test]
fn fail_on_critical_ignores_lower_findings() {
    let dir = TempDir::new().unwrap();
    // Drop every critical finding's cause: only high and below remain, plus incompleteness.
    let cfg = file(
        &dir,
        "c.toml",
        &std::fs::read_to_string(common::fixture("demo/tenantguard.toml")).unwrap().replace(
            "[tenants]",
            "[rules]\ndisabled = [\"cross-tenant-trust\", \"cross-tenant-path\", \"platform-trusts-tenant\", \"wildcard-trust\", \"cross-tenant-peering\", \"cross-tenant-tgw-route\", \"cross-tenant-resource-access\", \"public-resource-access\"]\n\n[tenants]",
        ),
    );
    let mut cmd = tenantguard();
    cmd.args(["scan", "--fail-on", "critical", "--inventory"])
        .arg(common::fixture("demo/inventory.json"))
        .arg("--config")
        .arg(&cfg);
    cmd.assert().code(2);
}

#[test]
fn output_file_and_formats() {
    let dir = TempDir::new().unwrap();
    for format in ["table", "json", "markdown", "sarif"] {
        let out = dir.path().join(format!("report.{format}"));
        demo_scan()
            .args(["--format", format, "--output"])
            .arg(&out)
            .assert()
            .code(1);
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(text.contains("210000000001"), "{format}");
        if format == "json" || format == "sarif" {
            serde_json::from_str::<serde_json::Value>(&text).unwrap();
        }
    }
}

#[test]
fn missing_inventory_file() {
    let mut cmd = tenantguard();
    cmd.args(["scan", "--inventory", "no/such.json", "--config"])
        .arg(common::fixture("demo/tenantguard.toml"));
    assert_input_error(&mut cmd, "cannot read inventory `no/such.json`");
}

#[test]
fn malformed_inventory_names_file_and_place() {
    let dir = TempDir::new().unwrap();
    let inv = file(&dir, "inv.json", "{\"format_version\": 1, \"regions\": [");
    let mut cmd = tenantguard();
    cmd.args(["scan", "--inventory"])
        .arg(&inv)
        .arg("--config")
        .arg(common::fixture("demo/tenantguard.toml"));
    assert_input_error(&mut cmd, "invalid inventory `");
}

#[test]
fn wrong_field_type_in_inventory() {
    let dir = TempDir::new().unwrap();
    let inv = file(
        &dir,
        "inv.json",
        &demo_json(|v| v["organization"]["accounts"][0]["status"] = "GONE".into()),
    );
    let mut cmd = tenantguard();
    cmd.args(["scan", "--inventory"])
        .arg(&inv)
        .arg("--config")
        .arg(common::fixture("demo/tenantguard.toml"));
    assert_input_error(&mut cmd, "unknown variant `GONE`");
}

#[test]
fn wrong_format_version() {
    let dir = TempDir::new().unwrap();
    let inv = file(
        &dir,
        "inv.json",
        &demo_json(|v| v["format_version"] = 7.into()),
    );
    let mut cmd = tenantguard();
    cmd.args(["scan", "--inventory"])
        .arg(&inv)
        .arg("--config")
        .arg(common::fixture("demo/tenantguard.toml"));
    assert_input_error(
        &mut cmd,
        "has format_version 7, this build reads format_version 2 to 5",
    );
    // A version 1 inventory never read transit gateways, shares, endpoint services or
    // security groups: it cannot prove them absent, so it is refused with the way out.
    let old = file(
        &dir,
        "old.json",
        &demo_json(|v| v["format_version"] = 1.into()),
    );
    let mut cmd = tenantguard();
    cmd.args(["scan", "--inventory"])
        .arg(&old)
        .arg("--config")
        .arg(common::fixture("demo/tenantguard.toml"));
    assert_input_error(
        &mut cmd,
        "has format_version 1, this build reads format_version 2 to 5: collect it again",
    );
}

/// A format 2 inventory (before RCPs and policy types were read) still loads: it knows no
/// RCP, so nothing is marked blocked, and its SCPs are judged as enabled.
#[test]
fn a_format_2_inventory_still_loads_without_rcps() {
    let dir = TempDir::new().unwrap();
    let inv = file(
        &dir,
        "v2.json",
        &demo_json(|v| {
            v["format_version"] = 2.into();
            v["organization"]["roots"][0]
                .as_object_mut()
                .unwrap()
                .remove("policy_types");
            v["organization"]["policies"]
                .as_array_mut()
                .unwrap()
                .retain(|p| p.get("type").is_none());
        }),
    );
    let out = tenantguard()
        .args(["scan", "--format", "json", "--inventory"])
        .arg(&inv)
        .arg("--config")
        .arg(common::fixture("demo/tenantguard.toml"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert!(findings.iter().all(|f| f.get("blocked_by").is_none()));
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "guardrail-not-enforced"),
        "SCPs are still judged"
    );
}

/// A format 4 inventory (before the human path) still loads, and says what it lacks: Identity
/// Center once, and each read account's IAM users, as not scanned; no human finding is made
/// up, and the scan is incomplete.
#[test]
fn a_format_4_inventory_reports_people_not_scanned() {
    let dir = TempDir::new().unwrap();
    let inv = file(
        &dir,
        "v4.json",
        &demo_json(|v| {
            v["format_version"] = 4.into();
            v["organization"]
                .as_object_mut()
                .unwrap()
                .remove("identity_center");
            for a in v["accounts"].as_array_mut().unwrap() {
                a.as_object_mut().unwrap().remove("users");
            }
        }),
    );
    let out = tenantguard()
        .args(["scan", "--format", "json", "--inventory"])
        .arg(&inv)
        .arg("--config")
        .arg(common::fixture("demo/tenantguard.toml"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let gaps: Vec<&str> = findings
        .iter()
        .filter(|f| f["rule"] == "not-scanned")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        gaps.iter()
            .filter(|m| m.contains("IAM Identity Center was not scanned"))
            .count(),
        1,
        "{gaps:#?}"
    );
    // Every account read (13 of the 14 active: one was denied) lacks its IAM users.
    assert_eq!(
        gaps.iter()
            .filter(|m| m.contains("IAM users and groups were not read (inventory format 4"))
            .count(),
        13,
        "{gaps:#?}"
    );
    assert!(
        !findings
            .iter()
            .any(|f| f["rule"] == "cross-tenant-human-access")
    );
    assert!(
        !findings
            .iter()
            .any(|f| f["rule"] == "unused-exception" && f["resource"] == "platform.groups[0]"),
        "an unread Identity Center says nothing of the declared groups"
    );
    assert_eq!(report["complete"], false);
}

#[test]
fn inventory_of_another_organization_is_refused() {
    let dir = TempDir::new().unwrap();
    let inv = file(
        &dir,
        "inv.json",
        &demo_json(|v| v["organization"]["id"] = "o-otherorg1".into()),
    );
    let mut cmd = tenantguard();
    cmd.args(["scan", "--inventory"])
        .arg(&inv)
        .arg("--config")
        .arg(common::fixture("demo/tenantguard.toml"));
    assert_input_error(&mut cmd, "is of organization `o-otherorg1`");
}

#[test]
fn malformed_config_names_file_line_and_field() {
    let dir = TempDir::new().unwrap();
    let cfg = file(&dir, "c.toml", "[tenants]\ntag_key = \"tenant\"\nous = 3\n");
    let mut cmd = demo_scan_with_config(&cfg);
    assert_input_error(&mut cmd, "line 3");
    let cfg = file(
        &dir,
        "d.toml",
        "[[exceptions]]\nrule = \"no-such-rule\"\nresource = \"*\"\nowner = \"a\"\nreason = \"b\"\n",
    );
    assert_input_error(
        &mut demo_scan_with_config(&cfg),
        "`exceptions[0].rule`: unknown rule `no-such-rule`",
    );
}

fn demo_scan_with_config(cfg: &std::path::Path) -> Command {
    let mut cmd = tenantguard();
    cmd.args(["scan", "--inventory"])
        .arg(common::fixture("demo/inventory.json"))
        .arg("--config")
        .arg(cfg);
    cmd
}

#[test]
fn bad_usage_exits_three() {
    tenantguard()
        .args(["scan", "--frobnicate"])
        .assert()
        .code(3);
    demo_scan().args(["--fail-on", "urgent"]).assert().code(3);
    tenantguard().assert().code(3);
}

#[test]
fn a_malformed_policy_is_a_finding_not_a_failure() {
    demo_scan()
        .args(["--format", "json"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"rule\": \"unreadable-policy\""))
        .stdout(predicate::str::contains("acme-reporting"));
}

#[test]
fn rules_and_explain() {
    let out = tenantguard()
        .arg("rules")
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    for id in tenantguard::rules::ids() {
        assert!(text.contains(id), "{id}");
    }
    tenantguard()
        .args(["explain", "cross-tenant-trust"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Why it matters"))
        .stdout(predicate::str::contains("Severity: critical"));
    let mut cmd = tenantguard();
    cmd.args(["explain", "nope"]);
    assert_input_error(&mut cmd, "unknown rule `nope`");
}

#[test]
fn schemas_describe_the_inputs() {
    for (of, field) in [("inventory", "format_version"), ("config", "required_scps")] {
        let out = tenantguard()
            .args(["schema", of])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        let schema: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert!(schema["properties"].get(field).is_some(), "{of}");
    }
}

#[test]
fn validate_checks_without_scanning() {
    tenantguard()
        .args(["validate", "--config"])
        .arg(common::fixture("demo/tenantguard.toml"))
        .arg("--inventory")
        .arg(common::fixture("demo/inventory.json"))
        .assert()
        .success()
        .stdout(predicate::str::contains("is valid"));
    let dir = TempDir::new().unwrap();
    let cfg = file(
        &dir,
        "c.toml",
        "required_scps = [\"NoSuchGuardrail\"]\n[tenants.ous]\n\"Nowhere\" = \"x\"\n",
    );
    tenantguard()
        .args(["validate", "--config"])
        .arg(&cfg)
        .arg("--inventory")
        .arg(common::fixture("demo/inventory.json"))
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "required_scps[0]: no SCP named `NoSuchGuardrail`",
        ))
        .stderr(predicate::str::contains("tenants.ous.\"Nowhere\": no OU"));
    let bad = file(
        &dir,
        "bad.toml",
        "[platform.accounts]\n\"1\" = \"security\"\n",
    );
    let mut cmd = tenantguard();
    cmd.args(["validate", "--config"]).arg(&bad);
    assert_input_error(&mut cmd, "`platform.accounts.\"1\"`");
}

/// The README's rule table is generated from the rule documentation; this keeps them equal.
#[test]
fn readme_rule_table_is_current() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = tenantguard::cli::rules_markdown();
    assert!(
        readme.contains(&table),
        "README.md's rule table is stale; replace it with the output of `tenantguard rules --format markdown`"
    );
}

/// The README states the retry policy the collector uses, word for word.
#[test]
fn readme_states_the_retry_policy() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let policy = format!("**Retry policy**: {}.", tenantguard::collect::RETRY_POLICY);
    assert!(readme.contains(&policy), "README.md must say: {policy}");
}

/// `guardrails` shows the verdicts that hold too: the named pipeline exemption is listed, and
/// the command fails while one guardrail does not hold.
#[test]
fn guardrails_lists_every_verdict() {
    let out = tenantguard()
        .args(["guardrails", "--format", "json", "--inventory"])
        .arg(common::fixture("demo/inventory.json"))
        .arg("--config")
        .arg(common::fixture("demo/tenantguard.toml"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let rows: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let rows = rows.as_array().unwrap();
    let row = |account: &str, action: &str| {
        rows.iter()
            .find(|r| r["account"] == account && r["judged"]["action"] == action)
            .unwrap_or_else(|| panic!("no row for {account} {action}"))
    };
    let acme = row("210000000001", "ec2:CreateVpcPeeringConnection");
    assert_eq!(acme["holds"], true);
    assert_eq!(acme["judged"]["verdict"], "denied_except");
    assert!(
        acme["verdict_text"]
            .as_str()
            .unwrap()
            .contains("except arn:aws:iam::*:role/platform-network-pipeline")
    );
    let stark = row("260000000001", "ec2:CreateVpcPeeringConnection");
    assert_eq!(stark["holds"], false);
    assert_eq!(stark["judged"]["verdict"], "not_denied");
    let wonka = row("280000000001", "lambda:CreateFunction");
    assert_eq!(wonka["judged"]["verdict"], "not_allowed");
    assert!(
        rows.iter().all(|r| r["account"] != "100000000001"),
        "never the management account"
    );
}
