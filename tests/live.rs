//! Live collection against moto's AWS emulator, through the real AWS SDK, as a user runs it.
//! Needs the emulator: run with `./scripts/test`.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use common::{moto, proxy, seed};
use serde_json::Value;

const REGIONS: &str = "eu-west-1,us-east-1";

/// Runs `tenantguard` against `endpoint` (off the async runtime) and returns exit code and
/// the parsed JSON report.
async fn run(endpoint: &str, args: Vec<String>) -> (i32, String, String) {
    let endpoint = endpoint.to_owned();
    tokio::task::spawn_blocking(move || {
        let mut cmd = Command::cargo_bin("tenantguard").unwrap();
        moto::env(&mut cmd, &endpoint);
        let out = cmd.args(&args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    })
    .await
    .unwrap()
}

fn scan_args(config: &Path, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["scan", "--format", "json", "--config"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.push(config.display().to_string());
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// (rule, resource's last segment, counterpart account)
fn findings(report: &str) -> BTreeSet<(String, String, String)> {
    let v: Value = serde_json::from_str(report).unwrap_or_else(|e| panic!("{e}: {report}"));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let resource = f["resource"].as_str().unwrap();
            (
                f["rule"].as_str().unwrap().to_owned(),
                resource.rsplit('/').next().unwrap().to_owned(),
                f["counterpart"]["account"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
            )
        })
        .collect()
}

fn expected(s: &seed::Seeded) -> BTreeSet<(String, String, String)> {
    [
        ("cross-tenant-trust", "acme-to-beta", s.beta.as_str()),
        ("wildcard-trust", "beta-public", ""),
        ("platform-trusts-tenant", "shared-read", s.gamma.as_str()),
        ("required-scp-missing", s.gamma.as_str(), ""),
        (
            "cross-tenant-peering",
            s.pcx_active.as_str(),
            s.beta.as_str(),
        ),
        (
            "cross-tenant-peering",
            s.pcx_pending.as_str(),
            s.acme.as_str(),
        ),
    ]
    .into_iter()
    .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()))
    .collect()
}

/// A freshly seeded emulator, held for this test alone, and the configuration a user of that
/// organization would write.
struct Scenario {
    _turn: tokio::sync::MutexGuard<'static, ()>,
    endpoint: String,
    seeded: seed::Seeded,
    dir: tempfile::TempDir,
    config: std::path::PathBuf,
}

async fn scenario() -> Scenario {
    let _turn = moto::exclusive().await;
    let endpoint = moto::url();
    let seeded = seed::organization(&endpoint).await;
    let dir = tempfile::TempDir::new().unwrap();
    let config = dir.path().join("tenantguard.toml");
    std::fs::write(&config, seeded.config()).unwrap();
    Scenario {
        _turn,
        endpoint,
        seeded,
        dir,
        config,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_scan_finds_exactly_the_seeded_violations() {
    let Scenario {
        _turn,
        endpoint,
        seeded,
        dir,
        config,
    } = scenario().await;

    let (code, report, stderr) = run(&endpoint, scan_args(&config, &["--regions", REGIONS])).await;
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(findings(&report), expected(&seeded), "{stderr}");
    let v: Value = serde_json::from_str(&report).unwrap();
    let not_scanned: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "not-scanned")
        .collect();
    assert_eq!(v["complete"], true, "{not_scanned:#?}");
    assert_eq!(v["organization_id"], seeded.org_id.as_str());

    // Collect, save, and evaluate the saved inventory: the same findings.
    let inventory = dir.path().join("inventory.json");
    let mut args = vec![
        "collect".to_owned(),
        "--regions".into(),
        REGIONS.into(),
        "--config".into(),
    ];
    args.push(config.display().to_string());
    args.push("--output".into());
    args.push(inventory.display().to_string());
    let (code, _, stderr) = run(&endpoint, args).await;
    assert_eq!(code, 0, "{stderr}");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&inventory).unwrap()).unwrap();
    assert_eq!(
        saved["accounts"].as_array().unwrap().len(),
        5,
        "management and four members"
    );
    let (code, report_saved, _) = run(
        &endpoint,
        scan_args(&config, &["--inventory", inventory.to_str().unwrap()]),
    )
    .await;
    assert_eq!(code, 1);
    assert_eq!(findings(&report_saved), findings(&report));

    // Two shards, collected apart and merged, give exactly the unsharded findings.
    let mut shards = Vec::new();
    for k in 1..=2 {
        let path = dir.path().join(format!("shard-{k}.json"));
        let args: Vec<String> = [
            "collect",
            "--regions",
            REGIONS,
            "--shard",
            &format!("{k}/2"),
            "--config",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([
            config.display().to_string(),
            "--output".into(),
            path.display().to_string(),
        ])
        .collect();
        let (code, _, stderr) = run(&endpoint, args).await;
        assert_eq!(code, 0, "{stderr}");
        shards.push(path.display().to_string());
    }
    let merged = dir.path().join("merged.json").display().to_string();
    let mut args = vec!["merge".to_owned()];
    args.extend(shards.iter().cloned());
    args.extend(["--output".to_owned(), merged.clone()]);
    let (code, _, stderr) = run(&endpoint, args).await;
    assert_eq!(code, 0, "{stderr}");
    let (_, report_merged, _) = run(&endpoint, scan_args(&config, &["--inventory", &merged])).await;
    assert_eq!(findings(&report_merged), findings(&report));
    assert_eq!(
        serde_json::from_str::<Value>(&report_merged).unwrap()["complete"],
        true
    );

    // A filter scans only the chosen tenant; the others are out of scope, not "not scanned".
    let (code, report, stderr) = run(
        &endpoint,
        scan_args(&config, &["--regions", REGIONS, "--tenant", "beta"]),
    )
    .await;
    assert_eq!(code, 1, "{stderr}");
    let v: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(v["complete"], true, "{report}");
    let rules: BTreeSet<String> = findings(&report).into_iter().map(|f| f.0).collect();
    assert!(
        rules.contains("wildcard-trust") && !rules.contains("cross-tenant-trust"),
        "{rules:?}"
    );
}

/// A deadline keeps what was read and marks the rest not scanned: here it has passed
/// before any account could be read, so every account is reported, and the exit code is 2.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deadline_reports_what_it_did_not_read() {
    let Scenario {
        _turn,
        endpoint,
        seeded: _,
        dir: _dir,
        config,
    } = scenario().await;
    let (code, report, stderr) = run(
        &endpoint,
        scan_args(
            &config,
            &[
                "--regions",
                REGIONS,
                "--deadline",
                "0s",
                "--fail-on",
                "none",
            ],
        ),
    )
    .await;
    assert_eq!(code, 2, "{stderr}");
    let v: Value = serde_json::from_str(&report).unwrap();
    let not_scanned: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "not-scanned")
        .collect();
    assert_eq!(
        not_scanned.len(),
        5,
        "management and four members: {not_scanned:#?}"
    );
    assert!(
        not_scanned
            .iter()
            .all(|f| f["message"].as_str().unwrap().contains("deadline"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_and_throttled_accounts_are_data_not_crashes() {
    let Scenario {
        _turn,
        endpoint,
        seeded,
        dir: _dir,
        config,
    } = scenario().await;
    let proxy = proxy::start(
        &endpoint,
        proxy::Faults {
            deny_assume_role: vec![seeded.acme.clone()],
            throttle_every: 10,
            misroute_assume_role: vec![],
        },
    )
    .await;

    let (code, report, stderr) = run(&proxy.url, scan_args(&config, &["--regions", REGIONS])).await;
    assert!(
        proxy.throttled.load(std::sync::atomic::Ordering::SeqCst) >= 5,
        "the proxy throttled"
    );
    assert!(
        proxy.denied.load(std::sync::atomic::Ordering::SeqCst) >= 1,
        "the proxy denied"
    );
    assert_eq!(code, 1, "findings win over incompleteness: {stderr}");
    assert!(stderr.contains("INCOMPLETE"), "{stderr}");
    let v: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(v["complete"], false);
    let got = findings(&report);
    // acme could not be read: its own findings are gone, it is reported not scanned, and
    // everything else is exactly as without faults (throttling changed nothing).
    let mut want: BTreeSet<_> = expected(&seeded)
        .into_iter()
        .filter(|f| f.1 != "acme-to-beta")
        .collect();
    want.insert(("not-scanned".to_owned(), seeded.acme.clone(), String::new()));
    let messages: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "not-scanned")
        .map(|f| &f["message"])
        .collect();
    assert_eq!(got, want, "{messages:#?}");
    let not_scanned = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "not-scanned")
        .unwrap();
    assert!(
        not_scanned["message"]
            .as_str()
            .unwrap()
            .contains("AccessDenied"),
        "{not_scanned}"
    );

    // Credentials that act in another account than the one asked for are refused, not used:
    // beta's roles must not be reported from the management account's data, nor beta clean.
    let misrouting = proxy::start(
        &endpoint,
        proxy::Faults {
            deny_assume_role: vec![],
            throttle_every: 0,
            misroute_assume_role: vec![seeded.beta.clone()],
        },
    )
    .await;
    let (code, report, stderr) =
        run(&misrouting.url, scan_args(&config, &["--regions", REGIONS])).await;
    assert_eq!(code, 1, "{stderr}");
    let v: Value = serde_json::from_str(&report).unwrap();
    let beta = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "not-scanned" && f["account"] == seeded.beta.as_str())
        .unwrap_or_else(|| panic!("beta is not scanned: {report}"));
    let expected = format!("act in account 123456789012, not {}", seeded.beta);
    assert!(
        beta["message"].as_str().unwrap().contains(&expected),
        "{beta}"
    );
    assert!(!findings(&report).iter().any(|f| f.1 == "beta-public"));
}

/// Every action the collector calls is in the shipped policies, every action there is
/// called, and every one is a read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_policies_are_exactly_what_a_scan_calls() {
    let Scenario {
        _turn,
        endpoint,
        seeded: _,
        dir: _dir,
        config,
    } = scenario().await;
    moto::post(&format!("{endpoint}/moto-api/recorder/reset-recording"), "");
    moto::post(&format!("{endpoint}/moto-api/recorder/start-recording"), "");
    // No region list: the all-regions path, which also calls DescribeRegions.
    let (code, _, stderr) = run(&endpoint, scan_args(&config, &[])).await;
    moto::post(&format!("{endpoint}/moto-api/recorder/stop-recording"), "");
    assert_eq!(code, 1, "{stderr}");
    let recording = moto::get(&format!("{endpoint}/moto-api/recorder/download-recording"));
    let called = common::recorded_actions(&recording);

    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/audit-role");
    let mut shipped = BTreeSet::new();
    for file in [
        "member-policy.json",
        "management-policy.json",
        "scanner-policy.json",
    ] {
        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(root.join(file)).unwrap()).unwrap();
        for s in doc["Statement"].as_array().unwrap() {
            assert_eq!(s["Effect"], "Allow");
            for a in s["Action"].as_array().unwrap() {
                shipped.insert(a.as_str().unwrap().to_owned());
            }
        }
    }
    assert_eq!(
        called, shipped,
        "actions called vs shipped in deploy/audit-role/"
    );
    for action in &shipped {
        let name = action.split(':').nth(1).unwrap();
        assert!(
            ["Get", "List", "Describe"]
                .iter()
                .any(|p| name.starts_with(p))
                || action == "sts:AssumeRole",
            "`{action}` is not a read"
        );
    }
}
