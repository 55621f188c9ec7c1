//! The CI gate and nightly operations on the demo organization: baselines, suppressions,
//! shard-and-merge, diff, and their bad inputs.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;
use tenantguard::inventory::Inventory;
use tenantguard::shard::Shard;

fn tenantguard() -> Command {
    Command::cargo_bin("tenantguard").unwrap()
}

/// `scan` of `inventory` with the demo configuration and extra flags: (exit code, stdout).
fn scan(inventory: &Path, extra: &[&str]) -> (i32, String) {
    let out = tenantguard()
        .arg("scan")
        .arg("--inventory")
        .arg(inventory)
        .arg("--config")
        .arg(common::fixture("demo/tenantguard.toml"))
        .args(extra)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

fn demo() -> PathBuf {
    common::fixture("demo/inventory.json")
}

/// The finding of a JSON report with this fingerprint.
fn by_fingerprint<'a>(report: &'a Value, fingerprint: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["fingerprint"] == fingerprint)
        .unwrap_or_else(|| panic!("no finding {fingerprint}"))
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn write(dir: &TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// The demo inventory without the role `acme-reporting` (a cross-tenant trust).
fn demo_without_acme_reporting(dir: &TempDir) -> PathBuf {
    let mut inv = Inventory::load(&demo()).unwrap();
    for a in &mut inv.accounts {
        a.roles.retain(|r| r.name != "acme-reporting");
    }
    write(dir, "older.json", &inv.to_json())
}

fn one_line_error(out: &std::process::Output, needle: &str) {
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(needle), "`{needle}` not in {stderr}");
}

#[test]
fn unchanged_findings_pass_the_gate_with_fail_on_new() {
    let dir = TempDir::new().unwrap();
    let (_, report) = scan(&demo(), &["--format", "json"]);
    let baseline = write(&dir, "baseline.json", &report);
    let (code, out) = scan(
        &demo(),
        &[
            "--format",
            "json",
            "--baseline",
            baseline.to_str().unwrap(),
            "--fail-on-new",
        ],
    );
    // Nothing new: only the demo's incompleteness remains.
    assert_eq!(code, 2);
    let v = json(&out);
    assert_eq!(v["summary"]["new"], 0);
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["baseline_state"] == "unchanged")
    );
    assert_eq!(v["absent"].as_array().unwrap().len(), 0);
}

#[test]
fn a_new_finding_fails_the_gate_and_leads_the_reports() {
    let dir = TempDir::new().unwrap();
    let (_, older) = scan(&demo_without_acme_reporting(&dir), &["--format", "sarif"]);
    let baseline = write(&dir, "baseline.sarif", &older);
    let b = baseline.to_str().unwrap();
    let (code, out) = scan(
        &demo(),
        &["--format", "json", "--baseline", b, "--fail-on-new"],
    );
    assert_eq!(code, 1);
    let v = json(&out);
    let new: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["baseline_state"] == "new")
        .collect();
    assert_eq!(new.len(), 1);
    assert!(
        new[0]["resource"]
            .as_str()
            .unwrap()
            .ends_with("role/acme-reporting")
    );
    let (_, sarif) = scan(&demo(), &["--format", "sarif", "--baseline", b]);
    let results = json(&sarif)["runs"][0]["results"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        results.iter().all(|r| r["baselineState"].is_string()),
        "baselineState on every result"
    );
    assert_eq!(
        results
            .iter()
            .filter(|r| r["baselineState"] == "new")
            .count(),
        1
    );
    let (_, md) = scan(&demo(), &["--format", "markdown", "--baseline", b]);
    assert!(md.contains("1 new"), "{md}");
    let new_at = md.find("New:").unwrap();
    assert!(
        md[new_at..]
            .lines()
            .nth(2)
            .unwrap()
            .contains("acme-reporting"),
        "{md}"
    );
}

#[test]
fn findings_that_disappeared_are_absent_and_left_out_of_sarif() {
    let dir = TempDir::new().unwrap();
    let (_, report) = scan(&demo(), &["--format", "json"]);
    let baseline = write(&dir, "baseline.json", &report);
    let newer = demo_without_acme_reporting(&dir);
    let (code, out) = scan(
        &newer,
        &[
            "--format",
            "json",
            "--baseline",
            baseline.to_str().unwrap(),
            "--fail-on-new",
        ],
    );
    assert_eq!(code, 2, "nothing new; incomplete");
    let absent = json(&out)["absent"].as_array().unwrap().clone();
    assert_eq!(absent.len(), 1);
    assert!(
        absent[0]["resource"]
            .as_str()
            .unwrap()
            .ends_with("role/acme-reporting")
    );
    let (_, sarif) = scan(
        &newer,
        &[
            "--format",
            "sarif",
            "--baseline",
            baseline.to_str().unwrap(),
        ],
    );
    assert!(
        !sarif.contains("role/acme-reporting\""),
        "absent results are not uploaded"
    );
    let (_, table) = scan(&newer, &["--baseline", baseline.to_str().unwrap()]);
    assert!(table.contains("GONE low cross-tenant-trust"), "{table}");
}

#[test]
fn suppressions_silence_until_they_expire_and_stale_ones_are_reported() {
    let dir = TempDir::new().unwrap();
    let (_, report) = scan(&demo(), &["--format", "json"]);
    let report_path = write(&dir, "report.json", &report);
    let v = json(&report);
    let wildcard = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "wildcard-trust")
        .unwrap();
    let fp = wildcard["fingerprint"].as_str().unwrap();
    let file = dir.path().join("tenantguard-suppressions.toml");
    tenantguard()
        .args([
            "suppress",
            fp,
            "--reason",
            "public role retired in JIRA-12",
            "--owner",
            "globex-team",
            "--expires",
            "2027-01-31",
        ])
        .arg("--report")
        .arg(&report_path)
        .arg("--file")
        .arg(&file)
        .assert()
        .success();
    // A second, stale entry by hand.
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\n[[suppressions]]\nrule = \"external-trust\"\nresource = \"*role/long-gone\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2027-01-31\"\n");
    std::fs::write(&file, text).unwrap();
    let s = file.to_str().unwrap();

    let (_, out) = scan(
        &demo(),
        &[
            "--format",
            "json",
            "--suppressions",
            s,
            "--today",
            "2026-12-01",
        ],
    );
    let v = json(&out);
    let f = by_fingerprint(&v, fp);
    assert_eq!(f["suppression"]["owner"], "globex-team");
    assert_eq!(v["summary"]["suppressed"], 1);
    let rules: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"unused-exception") && !rules.contains(&"expired-suppression"));
    let (_, sarif) = scan(
        &demo(),
        &[
            "--format",
            "sarif",
            "--suppressions",
            s,
            "--today",
            "2026-12-01",
        ],
    );
    let suppressed = json(&sarif)["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .count();
    assert_eq!(
        suppressed, 2,
        "the configuration's exception and the suppression"
    );

    // After its date it stops suppressing, and says so.
    let (_, out) = scan(
        &demo(),
        &[
            "--format",
            "json",
            "--suppressions",
            s,
            "--today",
            "2027-02-01",
        ],
    );
    let v = json(&out);
    let f = by_fingerprint(&v, fp);
    assert!(f.get("suppression").is_none());
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "expired-suppression")
    );
}

#[test]
fn an_expired_suppression_fails_the_gate_again() {
    let dir = TempDir::new().unwrap();
    // Only the wildcard findings at critical, suppressed: the gate passes on critical until expiry.
    let file = write(
        &dir,
        "s.toml",
        "[[suppressions]]\nrule = \"wildcard-trust\"\nresource = \"arn:aws:iam::220000000001:role/globex-public\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2026-12-31\"\n[[suppressions]]\nrule = \"wildcard-trust\"\nresource = \"arn:aws:iam::270000000001:role/wayne-tag-match\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"2026-12-31\"\n",
    );
    let cfg = write(
        &dir,
        "c.toml",
        &std::fs::read_to_string(common::fixture("demo/tenantguard.toml")).unwrap().replace(
            "[tenants]",
            "[rules]\ndisabled = [\"cross-tenant-trust\", \"cross-tenant-path\", \"platform-trusts-tenant\", \"cross-tenant-peering\", \"cross-tenant-tgw-route\", \"cross-tenant-resource-access\", \"public-resource-access\"]\n\n[tenants]",
        ),
    );
    let run = |today: &str| {
        tenantguard()
            .args([
                "scan",
                "--fail-on",
                "critical",
                "--today",
                today,
                "--suppressions",
            ])
            .arg(&file)
            .arg("--inventory")
            .arg(demo())
            .arg("--config")
            .arg(&cfg)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(run("2026-12-31"), Some(2), "suppressed on its last day");
    assert_eq!(run("2027-01-01"), Some(1), "counts again the day after");
}

#[test]
fn shards_merged_give_exactly_the_unsharded_findings() {
    let dir = TempDir::new().unwrap();
    let whole = Inventory::load(&demo()).unwrap();
    let mut paths = Vec::new();
    for k in 1..=3 {
        let shard = Shard { index: k, count: 3 }.restrict(&whole);
        assert!(shard.accounts.len() < whole.accounts.len());
        paths.push(write(&dir, &format!("shard-{k}.json"), &shard.to_json()));
    }
    // One shard alone is complete for its accounts, and misses the cross-account peerings'
    // other sides only by design: it is not reported incomplete.
    let (_, alone) = scan(&paths[0], &["--format", "json"]);
    let alone = json(&alone);
    let coverage = alone["coverage"].as_array().unwrap();
    let out_of_scope: Vec<&str> = coverage
        .iter()
        .filter(|c| c["state"] == "out_of_scope")
        .map(|c| c["account"].as_str().unwrap())
        .collect();
    assert!(!out_of_scope.is_empty());
    let not_scanned = alone["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "not-scanned");
    assert!(
        not_scanned
            .into_iter()
            .all(|f| !out_of_scope.contains(&f["account"].as_str().unwrap()))
    );
    let merged = dir.path().join("merged.json");
    tenantguard()
        .arg("merge")
        .args(&paths)
        .arg("--output")
        .arg(&merged)
        .assert()
        .success();
    let (code_merged, merged_report) = scan(&merged, &["--format", "json"]);
    let (code_whole, whole_report) = scan(&demo(), &["--format", "json"]);
    assert_eq!(code_merged, code_whole);
    assert_eq!(
        json(&merged_report)["findings"],
        json(&whole_report)["findings"]
    );
    assert_eq!(
        json(&merged_report)["coverage"],
        json(&whole_report)["coverage"]
    );
    // The same shard twice is refused.
    let out = tenantguard()
        .arg("merge")
        .arg(&paths[0])
        .arg(&paths[0])
        .arg("--output")
        .arg(&merged)
        .output()
        .unwrap();
    one_line_error(&out, "was collected by both");
    // Shards that read the organization differently (an SCP detached between their reads)
    // are refused: their rules would be judged against a tree no one read.
    let mut changed = Inventory::load(&paths[1]).unwrap();
    changed.organization.policies.pop();
    let changed = write(&dir, "changed.json", &changed.to_json());
    let out = tenantguard()
        .arg("merge")
        .arg(&paths[0])
        .arg(&changed)
        .arg("--output")
        .arg(&merged)
        .output()
        .unwrap();
    one_line_error(&out, "read organization");
    // `--shards N` reads every shard of a `{shard}` path, and a missing one fails the merge:
    // a partial set is never merged.
    let template = dir.path().join("shard-{shard}.json");
    tenantguard()
        .args(["merge", "--shards", "3"])
        .arg(&template)
        .arg("--output")
        .arg(&merged)
        .assert()
        .success();
    let (_, from_template) = scan(&merged, &["--format", "json"]);
    assert_eq!(
        json(&from_template)["findings"],
        json(&whole_report)["findings"]
    );
    let out = tenantguard()
        .args(["merge", "--shards", "4"])
        .arg(&template)
        .arg("--output")
        .arg(&merged)
        .output()
        .unwrap();
    one_line_error(&out, "shard-4.json");
}

/// A runner's copy index picks the shard: unset or out of range, a one-line error before any
/// AWS call.
#[test]
fn the_shard_index_comes_from_the_runner_environment() {
    let dir = TempDir::new().unwrap();
    let run = |index: Option<&str>| {
        let mut cmd = tenantguard();
        cmd.args([
            "collect",
            "--shards",
            "2",
            "--shard-index-from",
            "TG_TEST_INDEX",
        ])
        .arg("--config")
        .arg(demo().with_file_name("tenantguard.toml"))
        .arg("--output")
        .arg(dir.path().join("shard-{shard}.json"))
        .env_remove("TG_TEST_INDEX");
        if let Some(i) = index {
            cmd.env("TG_TEST_INDEX", i);
        }
        cmd.output().unwrap()
    };
    one_line_error(&run(None), "TG_TEST_INDEX: it is not set");
    one_line_error(&run(Some("2")), "index 2 is not below --shards 2");
    one_line_error(&run(Some("x")), "`x` is not an index");
}

#[test]
fn diff_shows_what_changed_for_isolation() {
    let dir = TempDir::new().unwrap();
    let older = demo_without_acme_reporting(&dir);
    let mut inv = Inventory::load(&demo()).unwrap();
    inv.organization
        .accounts
        .iter_mut()
        .find(|a| a.id == "260000000001")
        .unwrap()
        .parent_id = "ou-d3m0-standard".into();
    let newer = write(&dir, "newer.json", &inv.to_json());
    let out = tenantguard()
        .arg("diff")
        .arg(&older)
        .arg(&newer)
        .arg("--config")
        .arg(common::fixture("demo/tenantguard.toml"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("+ role arn:aws:iam::210000000001:role/acme-reporting trusts"),
        "{text}"
    );
    assert!(
        text.contains("- account 260000000001 (stark-prod) is in `Migration`"),
        "{text}"
    );
    assert!(
        text.contains("+ account 260000000001 (stark-prod) is in `Tenants/Standard`"),
        "{text}"
    );
    assert!(
        !text.contains("acme-app"),
        "unchanged roles are not listed: {text}"
    );
}

#[test]
fn bad_gate_inputs_are_one_line_errors() {
    let dir = TempDir::new().unwrap();
    let junk = write(&dir, "junk.json", "{\"hello\": 1}");
    let out = tenantguard()
        .args(["scan", "--baseline"])
        .arg(&junk)
        .arg("--inventory")
        .arg(demo())
        .arg("--config")
        .arg(common::fixture("demo/tenantguard.toml"))
        .output()
        .unwrap();
    one_line_error(&out, "invalid baseline `");
    let (_, report) = scan(&demo(), &["--format", "json"]);
    let other = write(
        &dir,
        "other.json",
        &report.replace("o-d3m0tenants", "o-someother1"),
    );
    let out = tenantguard()
        .args(["scan", "--baseline"])
        .arg(&other)
        .arg("--inventory")
        .arg(demo())
        .arg("--config")
        .arg(common::fixture("demo/tenantguard.toml"))
        .output()
        .unwrap();
    one_line_error(
        &out,
        "is of organization `o-someother1`, but this scan is of `o-d3m0tenants`",
    );
    let bad = write(
        &dir,
        "s.toml",
        "[[suppressions]]\nrule = \"wildcard-trust\"\nresource = \"*\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"next week\"\n",
    );
    let out = tenantguard()
        .args(["scan", "--suppressions"])
        .arg(&bad)
        .arg("--inventory")
        .arg(demo())
        .arg("--config")
        .arg(common::fixture("demo/tenantguard.toml"))
        .output()
        .unwrap();
    one_line_error(&out, "`suppressions[0].expires`: `next week` is not a date");
    let out = tenantguard()
        .args(["collect", "--shard", "3/2", "--output", "x.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a shard"));
}

/// A scan of `inventory` with the configuration text `config`, gated on `baseline`:
/// (exit code, the fingerprints of the findings the gate calls new).
fn gate(dir: &TempDir, inventory: &Inventory, config: &str, baseline: &Path) -> (i32, Vec<String>) {
    let inv = write(dir, "now.json", &inventory.to_json());
    let cfg = write(dir, "now.toml", config);
    let out = tenantguard()
        .args(["scan", "--format", "json", "--fail-on-new", "--inventory"])
        .arg(inv)
        .arg("--config")
        .arg(cfg)
        .arg("--baseline")
        .arg(baseline)
        .output()
        .unwrap();
    let report = json(&String::from_utf8(out.stdout).unwrap());
    let new = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["baseline_state"] == "new")
        .map(|f| format!("{} {}", f["rule"], f["message"]))
        .collect();
    (out.status.code().unwrap(), new)
}

/// The JSON report of `inventory` under `config`, written as a baseline.
fn baseline_of(dir: &TempDir, inventory: &Inventory, config: &str) -> PathBuf {
    let inv = write(dir, "then.json", &inventory.to_json());
    let cfg = write(dir, "then.toml", config);
    let out = tenantguard()
        .args(["scan", "--format", "json", "--inventory"])
        .arg(inv)
        .arg("--config")
        .arg(cfg)
        .output()
        .unwrap();
    write(
        dir,
        "baseline.json",
        &String::from_utf8(out.stdout).unwrap(),
    )
}

fn demo_config() -> String {
    std::fs::read_to_string(common::fixture("demo/tenantguard.toml")).unwrap()
}

/// stark-prod already lacks one required SCP; when the second is detached too, that gap is
/// new, not the old finding unchanged.
#[test]
fn a_second_missing_guardrail_on_one_account_is_new() {
    let dir = TempDir::new().unwrap();
    let then = Inventory::load(&demo()).unwrap();
    let baseline = baseline_of(&dir, &then, &demo_config());
    let mut now = then.clone();
    // Every policy of stark-prod but the default and the deny-root SCP (whose loss would be a
    // third new finding, not the one this test is about) is detached.
    for p in &mut now.organization.policies {
        if p.name != "FullAWSAccess" && p.name != "DenyRootUser" {
            p.targets.retain(|t| t != "260000000001");
        }
    }
    let (code, new) = gate(&dir, &now, &demo_config(), &baseline);
    assert_eq!(code, 1, "{new:?}");
    // The missing name, and the guardrail it carried, judged by effect: both new.
    assert_eq!(new.len(), 2, "{new:?}");
    assert!(
        new.iter()
            .any(|n| n.contains("required-scp-missing") && n.contains("DenyLeaveOrganization")),
        "{new:?}"
    );
    assert!(
        new.iter()
            .any(|n| n.contains("guardrail-not-enforced") && n.contains("stay-in-organization")),
        "{new:?}"
    );
}

/// A vendor trusted with one required condition missing; when a second goes missing, the
/// gap is new.
#[test]
fn a_second_missing_vendor_condition_is_new() {
    let dir = TempDir::new().unwrap();
    let config = demo_config().replace(
        "require_conditions = [\"sts:ExternalId\"]",
        "require_conditions = [\"sts:ExternalId\", \"aws:SourceIp\"]",
    );
    let then = Inventory::load(&demo()).unwrap();
    let baseline = baseline_of(&dir, &then, &config);
    let mut now = then.clone();
    let observa = now
        .accounts
        .iter_mut()
        .flat_map(|a| a.roles.iter_mut())
        .find(|r| r.name == "acme-observa")
        .unwrap();
    observa.trust_policy = tenantguard::inventory::PolicyDocument::Json(serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999900000001:root"}, "Action": "sts:AssumeRole"}]
    }));
    let (code, new) = gate(&dir, &now, &config, &baseline);
    assert_eq!(code, 1, "{new:?}");
    assert_eq!(new.len(), 1, "{new:?}");
    assert!(
        new[0].contains("acme-observa") && new[0].contains("sts:ExternalId"),
        "{new:?}"
    );
}

/// The management account could not be scanned; when the organization cannot be read
/// either, that is a new gap in coverage.
#[test]
fn an_unreadable_organization_beside_an_unread_management_account_is_new() {
    use tenantguard::inventory::CollectionStatus;
    let dir = TempDir::new().unwrap();
    let mut then = Inventory::load(&demo()).unwrap();
    then.accounts
        .iter_mut()
        .find(|a| a.account_id == "100000000001")
        .unwrap()
        .status = CollectionStatus::Failed {
        error: "AccessDenied".into(),
    };
    let baseline = baseline_of(&dir, &then, &demo_config());
    let mut now = then.clone();
    now.organization.status = CollectionStatus::Failed {
        error: "Throttling".into(),
    };
    let (_, new) = gate(&dir, &now, &demo_config(), &baseline);
    assert!(
        new.iter()
            .any(|n| n.contains("could not be read, so none of its accounts was scanned")),
        "{new:?}"
    );
}
