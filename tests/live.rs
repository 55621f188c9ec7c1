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

/// Runs `tenantguard` as [`run`] does, with the emulator recording: also every call made.
async fn recorded(
    endpoint: &str,
    args: Vec<String>,
) -> (i32, String, String, Vec<(String, String)>) {
    moto::post(&format!("{endpoint}/moto-api/recorder/reset-recording"), "");
    moto::post(&format!("{endpoint}/moto-api/recorder/start-recording"), "");
    let (code, out, err) = run(endpoint, args).await;
    moto::post(&format!("{endpoint}/moto-api/recorder/stop-recording"), "");
    let recording = moto::get(&format!("{endpoint}/moto-api/recorder/download-recording"));
    (code, out, err, common::recorded_calls(&recording))
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

/// The network organization, freshly seeded and held for this test alone, with its
/// configuration (edited by `config`) written to a file.
async fn network_scenario(
    config: impl FnOnce(String) -> String,
) -> (
    tokio::sync::MutexGuard<'static, ()>,
    String,
    seed::NetworkSeeded,
    tempfile::TempDir,
    std::path::PathBuf,
) {
    let turn = moto::exclusive().await;
    let endpoint = moto::url();
    let seeded = seed::network_organization(&endpoint).await;
    let dir = tempfile::TempDir::new().unwrap();
    let path = dir.path().join("tenantguard.toml");
    std::fs::write(&path, config(seeded.config())).unwrap();
    (turn, endpoint, seeded, dir, path)
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

    // One organization read, then two shards collecting against it, merged: exactly the
    // unsharded findings, and the organization phase's calls made once, not once per shard.
    let organization = dir.path().join("organization.json");
    let collect = |extra: Vec<String>, output: &Path| -> Vec<String> {
        ["collect", "--regions", REGIONS, "--config"]
            .iter()
            .map(|s| s.to_string())
            .chain([config.display().to_string()])
            .chain(extra)
            .chain(["--output".into(), output.display().to_string()])
            .collect()
    };
    let (code, _, stderr, org_calls) = recorded(
        &endpoint,
        collect(vec!["--organization-only".into()], &organization),
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    let services = |calls: &[(String, String)]| -> BTreeSet<String> {
        calls
            .iter()
            .map(|(a, _)| a.split(':').next().unwrap().to_owned())
            .collect()
    };
    assert!(
        services(&org_calls).contains("organizations")
            && !services(&org_calls).contains("ec2")
            && !services(&org_calls).contains("iam"),
        "the organization read reads no account: {org_calls:?}"
    );
    let mut shards = Vec::new();
    let mut shard_accounts = 0;
    for k in 1..=2u32 {
        let path = dir.path().join(format!("shard-{k}.json"));
        let extra = vec![
            "--shard".to_owned(),
            format!("{k}/2"),
            "--organization".into(),
            organization.display().to_string(),
        ];
        let (code, _, stderr, calls) = recorded(&endpoint, collect(extra, &path)).await;
        assert_eq!(code, 0, "{stderr}");
        let read_again: Vec<&(String, String)> = calls
            .iter()
            .filter(|(a, _)| {
                ["organizations:", "sso:", "identitystore:"]
                    .iter()
                    .any(|p| a.starts_with(p))
            })
            .collect();
        assert!(
            read_again.is_empty(),
            "shard {k} read the organization again: {read_again:?}"
        );
        // Moto draws account ids at random, so a shard may hold none of the five: it reads
        // accounts exactly when the hash gives it some.
        let collected: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let ids: Vec<&str> = collected["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["account_id"].as_str().unwrap())
            .collect();
        let shard = tenantguard::shard::Shard { index: k, count: 2 };
        assert!(
            ids.iter().all(|id| shard.contains(id)),
            "shard {k}: {ids:?}"
        );
        assert_eq!(
            services(&calls).contains("ec2"),
            !ids.is_empty(),
            "shard {k} reads accounts exactly when it has some: {ids:?}"
        );
        shard_accounts += ids.len();
        shards.push(path.display().to_string());
    }
    assert_eq!(shard_accounts, 5, "every account in exactly one shard");
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

/// A run without a shared disk (AWS Batch, pods on several nodes): the configuration, the
/// organization read, a shard, the merged inventory and the report all live in S3, read and
/// written by tenantguard itself; the findings are the local run's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_file_of_a_run_can_live_in_s3() {
    let Scenario {
        _turn,
        endpoint,
        seeded: _,
        dir,
        config,
    } = scenario().await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&moto::config(&endpoint).await)
            .force_path_style(true)
            .build(),
    );
    s3.create_bucket().bucket("runs").send().await.unwrap();
    s3.put_object()
        .bucket("runs")
        .key("config/tenantguard.toml")
        .body(std::fs::read(&config).unwrap().into())
        .send()
        .await
        .unwrap();
    let args = |words: &[&str]| -> Vec<String> { words.iter().map(|w| w.to_string()).collect() };
    let remote_config = "s3://runs/config/tenantguard.toml";
    for step in [
        args(&[
            "collect",
            "--organization-only",
            "--regions",
            REGIONS,
            "--config",
            remote_config,
            "--output",
            "s3://runs/nightly/organization.json",
        ]),
        args(&[
            "collect",
            "--shard",
            "1/1",
            "--organization",
            "s3://runs/nightly/organization.json",
            "--regions",
            REGIONS,
            "--config",
            remote_config,
            "--output",
            "s3://runs/nightly/shard-1.json",
        ]),
        args(&[
            "merge",
            "s3://runs/nightly/shard-1.json",
            "--output",
            "s3://runs/nightly/inventory.json",
        ]),
        args(&[
            "scan",
            "--inventory",
            "s3://runs/nightly/inventory.json",
            "--config",
            remote_config,
            "--format",
            "json",
            "--fail-on",
            "none",
            "--output",
            "s3://runs/nightly/tenantguard.json",
        ]),
    ] {
        let (code, _, stderr) = run(&endpoint, step.clone()).await;
        assert_eq!(code, 0, "{step:?}: {stderr}");
    }
    let report = s3
        .get_object()
        .bucket("runs")
        .key("nightly/tenantguard.json")
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap()
        .into_bytes();
    let report = String::from_utf8(report.to_vec()).unwrap();
    let (code, local, stderr) = run(
        &endpoint,
        scan_args(&config, &["--regions", REGIONS, "--fail-on", "none"]),
    )
    .await;
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(findings(&report), findings(&local));
    // A missing object is a one-line error naming it, not a crash.
    let (code, _, stderr) = run(
        &endpoint,
        args(&[
            "merge",
            "s3://runs/nightly/shard-2.json",
            "--output",
            "s3://runs/x.json",
        ]),
    )
    .await;
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("s3://runs/nightly/shard-2.json") && stderr.lines().count() == 1,
        "{stderr}"
    );
    drop(dir);
}

/// A deadline keeps what was read and marks the rest not scanned: here it has passed before
/// the organization could be read, so the report says so, and the exit code is 2.
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
    // The deadline covers the organization phase too: it passed before the organization was
    // read, so the report says that, once, and names no phantom account.
    assert_eq!(not_scanned.len(), 1, "{not_scanned:#?}");
    let message = not_scanned[0]["message"].as_str().unwrap();
    assert!(
        message.contains("deadline") && message.contains("organization was read"),
        "{message}"
    );
    assert!(!message.contains("account unknown"), "{message}");
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
            ..Default::default()
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
            misroute_assume_role: vec![seeded.beta.clone()],
            ..Default::default()
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
    // The network organization owns everything a read can follow (gateways with route
    // tables, shares, an endpoint service), so every shipped action has a reason to be called.
    let (_turn, endpoint, s, _dir, config) =
        network_scenario(|c| c.replace("[collect]\nregions = [\"eu-west-1\"]\n", "")).await;
    // And one resource of every type with a policy, so that every policy read is made.
    seed::resource_policies(
        &endpoint,
        &seed::Parties {
            org_id: &s.org_id,
            owner: &s.mesh_a,
            beta: &s.mesh_b,
            shared: &s.network,
        },
    )
    .await;
    // And Identity Center with IAM users, so that every people read is made.
    seed::people(
        &endpoint,
        &seed::Parties {
            org_id: &s.org_id,
            owner: &s.mesh_a,
            beta: &s.mesh_b,
            shared: &s.network,
        },
    )
    .await;
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
    // The reads a region is skipped for, when an SCP denies them, are the reads it makes.
    for action in tenantguard::collect::REGION_READS {
        assert!(shipped.contains(*action), "{action} is not shipped");
    }
    for action in &shipped {
        let name = action.split(':').nth(1).unwrap();
        assert!(
            // `Search` is a read too: `ec2:SearchTransitGatewayRoutes` is of IAM's List level.
            ["Get", "List", "Describe", "Search"]
                .iter()
                .any(|p| name.starts_with(p))
                || action == "sts:AssumeRole"
                // IAM's access level for it is Read: it builds the report of existing users.
                || action == "iam:GenerateCredentialReport"
                // API Gateway names its actions by HTTP method: `GET` is every read.
                || action == "apigateway:GET",
            "`{action}` is not a read"
        );
    }
}

/// Fingerprints, coverage and exit code of a scan.
fn outcome(report: &str) -> (BTreeSet<String>, Value) {
    let v: Value = serde_json::from_str(report).unwrap_or_else(|e| panic!("{e}: {report}"));
    let prints = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap().to_owned())
        .collect();
    (prints, v)
}

/// Throttling slows a scan, never changes it: 30 accounts through a proxy that throttles 20%
/// of requests (the service's own throttling errors) and resets 2% of connections give
/// exactly the findings of a clean run, every account scanned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_and_resets_change_nothing_but_time() {
    let Scenario {
        _turn,
        endpoint,
        seeded: _,
        dir: _dir,
        config,
    } = scenario().await;
    seed::more_tenants(&endpoint, 25).await;
    let args = scan_args(&config, &["--regions", REGIONS]);
    let started = std::time::Instant::now();
    let (code, clean, stderr) = run(&endpoint, args.clone()).await;
    let clean_time = started.elapsed();
    assert_eq!(code, 1, "{stderr}");
    let (clean, v) = outcome(&clean);
    assert_eq!(v["complete"], true, "{stderr}");
    assert!(
        clean.len() >= 30,
        "the scan has something to lose: {}",
        clean.len()
    );

    let proxy = proxy::start(
        &endpoint,
        proxy::Faults {
            throttle_percent: 20,
            reset_percent: 2,
            ..Default::default()
        },
    )
    .await;
    let started = std::time::Instant::now();
    let (code, faulty, stderr) = run(&proxy.url, args).await;
    let faulty_time = started.elapsed();
    let (throttled, reset) = (
        proxy.throttled.load(std::sync::atomic::Ordering::SeqCst),
        proxy.reset.load(std::sync::atomic::Ordering::SeqCst),
    );
    eprintln!("clean {clean_time:?}; throttled {throttled} and reset {reset}: {faulty_time:?}");
    assert!(
        throttled >= 20 && reset >= 1,
        "throttled {throttled}, reset {reset}"
    );
    assert_eq!(code, 1, "{stderr}");
    let (faulty, v) = outcome(&faulty);
    assert_eq!(v["complete"], true, "every account scanned: {stderr}");
    assert_eq!(faulty, clean, "the same findings");
}

/// A region whose every request fails, past every retry, is not scanned, with the reason;
/// the other region and the account-wide data of every account are read as usual.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_region_that_keeps_failing_is_the_only_thing_not_scanned() {
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
            fail_region: Some("us-east-1".to_owned()),
            ..Default::default()
        },
    )
    .await;
    let (code, report, stderr) = run(
        &proxy.url,
        scan_args(&config, &["--regions", REGIONS, "--max-attempts", "3"]),
    )
    .await;
    assert_eq!(code, 1, "{stderr}");
    let (_, v) = outcome(&report);
    assert_eq!(v["complete"], false);
    let not_scanned: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "not-scanned")
        .collect();
    assert_eq!(not_scanned.len(), 5, "one per account: {not_scanned:#?}");
    for f in &not_scanned {
        assert_eq!(f["region"], "us-east-1", "{f}");
        let message = f["message"].as_str().unwrap();
        assert!(
            message.contains("Unavailable: The service is unavailable"),
            "{message}"
        );
    }
    // What lives outside us-east-1 is still found: the trusts, and acme's side of the
    // cross-region peering (its requester VPC is in eu-west-1).
    let got = findings(&report);
    for want in expected(&seeded) {
        assert!(got.contains(&want), "{want:?} missing from {got:#?}");
    }
}

/// Every network path between tenants, read live: a shared transit gateway on its defaults
/// meshes its tenants; the isolated hub-and-spoke gateway is clean but for a static route from
/// one spoke into another (the blackhole route is clean); RAM shares to another tenant and
/// outside are reported, the share to the tenant's own second account is not; the endpoint
/// service admitting another tenant is reported. moto needs the harness's patch for the
/// cross-account attachments (tests/moto/launcher.py). Security-group references to another
/// account's group fail in moto 5.2.5 (`InvalidGroup.NotFound`, a deep gap): they are
/// covered by the inventory fixtures of tests/rules.rs instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_scan_finds_every_network_path_between_tenants() {
    let (_turn, endpoint, s, _dir, config) = network_scenario(|c| c).await;
    let (code, report, stderr) = run(&endpoint, scan_args(&config, &[])).await;
    assert_eq!(code, 1, "{stderr}");
    let (_, v) = outcome(&report);
    assert_eq!(v["complete"], true, "{stderr}");
    let network_rules = [
        "cross-tenant-tgw-route",
        "cross-tenant-ram-share",
        "external-ram-share",
        "cross-tenant-privatelink",
        "cross-tenant-sg-reference",
    ];
    let got: BTreeSet<(String, String, String)> = findings(&report)
        .into_iter()
        .filter(|f| network_rules.contains(&f.0.as_str()))
        .collect();
    let share_id = |arn: &str| arn.rsplit('/').next().unwrap().to_owned();
    let want: BTreeSet<(String, String, String)> = [
        (
            "cross-tenant-tgw-route",
            s.mesh_table.clone(),
            s.mesh_b.clone(),
        ),
        (
            "cross-tenant-tgw-route",
            s.spoke_b_table.clone(),
            s.spoke_b.clone(),
        ),
        (
            "cross-tenant-ram-share",
            share_id(&s.share_to_spoke_b),
            s.spoke_b.clone(),
        ),
        (
            "external-ram-share",
            share_id(&s.share_outside),
            seed::OUTSIDER.to_owned(),
        ),
        (
            "cross-tenant-privatelink",
            s.service.clone(),
            s.spoke_b.clone(),
        ),
    ]
    .into_iter()
    .map(|(a, b, c)| (a.to_owned(), b, c))
    .collect();
    assert_eq!(got, want, "{report}");
    // The reachability summary names the pairs.
    let reach = v["reachability"].as_array().unwrap();
    assert!(
        reach
            .iter()
            .any(|r| r["to"] == "spokea" && r["from"] == "spokeb"),
        "{reach:#?}"
    );
}

/// Every resource type with a resource policy, seeded with a violating and a clean policy:
/// exactly the violations are found, with the access they grant.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_scan_finds_exactly_the_resource_policy_violations() {
    let Scenario {
        _turn,
        endpoint,
        seeded,
        dir: _dir,
        config,
    } = scenario().await;
    let parties = seed::Parties {
        org_id: &seeded.org_id,
        owner: &seeded.acme,
        beta: &seeded.beta,
        shared: &seeded.shared,
    };
    let want: BTreeSet<(String, String, String)> = seed::resource_policies(&endpoint, &parties)
        .await
        .into_iter()
        .map(|(r, a, c)| (r.to_owned(), a, c))
        .collect();
    let (code, report, stderr) = run(&endpoint, scan_args(&config, &["--regions", REGIONS])).await;
    assert_eq!(code, 1, "{stderr}");
    let v: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(v["complete"], true, "{report}");
    let findings = v["findings"].as_array().unwrap();
    let got: BTreeSet<(String, String, String)> = findings
        .iter()
        .filter(|f| {
            let rule = f["rule"].as_str().unwrap();
            rule.contains("resource") || rule == "service-principal-without-source"
        })
        .map(|f| {
            let c = &f["counterpart"];
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["resource"].as_str().unwrap().to_owned(),
                c["account"]
                    .as_str()
                    .or(c["description"].as_str())
                    .unwrap()
                    .to_owned(),
            )
        })
        .collect();
    assert_eq!(got, want, "{report}");
    let key = findings
        .iter()
        .find(|f| f["resource"].as_str().unwrap().contains(":key/"))
        .unwrap();
    assert_eq!(
        key["evidence"][0]["access"],
        serde_json::json!(["decrypt"]),
        "{key}"
    );
    assert_eq!(
        key["evidence"][0]["grants"].as_array().unwrap().len(),
        2,
        "the key policy statement and the grant, merged: {key}"
    );
}

/// SCPs and RCPs attached at different levels, judged by effect against the live API.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_guardrails_and_rcps_are_judged_by_effect() {
    let _turn = moto::exclusive().await;
    let endpoint = moto::url();
    let s = seed::guardrail_organization(&endpoint).await;
    let dir = tempfile::TempDir::new().unwrap();
    let config = dir.path().join("tenantguard.toml");
    std::fs::write(&config, s.config()).unwrap();
    let (code, report, stderr) = run(&endpoint, scan_args(&config, &[])).await;
    assert_eq!(code, 1, "{stderr}");
    let v: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(v["complete"], true, "{stderr}");
    let findings = v["findings"].as_array().unwrap();
    // (rule, account, guardrail) for the guardrail rules.
    let guardrails: BTreeSet<(String, String, String)> = findings
        .iter()
        .filter(|f| {
            let rule = f["rule"].as_str().unwrap();
            rule.starts_with("guardrail-") || rule.starts_with("required-scp")
        })
        .map(|f| {
            let e = &f["evidence"][0];
            let name = e.get("guardrail").or(e.get("required_scp")).unwrap();
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["account"].as_str().unwrap().to_owned(),
                name.as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want: BTreeSet<(String, String, String)> = [
        ("guardrail-not-enforced", &s.gamma, "no-network-links"),
        ("guardrail-not-enforced", &s.gamma, "no-resource-sharing"),
        ("guardrail-not-enforced", &s.gamma, "stay-in-organization"),
        ("guardrail-not-enforced", &s.gamma, "protect-audit-role"),
        ("required-scp-missing", &s.gamma, "TenantIsolation"),
    ]
    .into_iter()
    .map(|(r, a, n)| (r.to_owned(), a.clone(), n.to_owned()))
    .collect();
    assert_eq!(guardrails, want, "{report}");
    let links = findings
        .iter()
        .find(|f| {
            f["rule"] == "guardrail-not-enforced"
                && f["evidence"][0]["guardrail"] == "no-network-links"
        })
        .unwrap();
    assert!(
        links["message"].as_str().unwrap().contains("SandboxLinks"),
        "the broad exemption is named: {links}"
    );
    // The gold perimeter closes beta's way into acme; acme's into beta stays open.
    let trust = |role: &str| {
        findings
            .iter()
            .find(|f| {
                f["rule"] == "cross-tenant-trust" && f["resource"].as_str().unwrap().ends_with(role)
            })
            .unwrap_or_else(|| panic!("no finding for {role}: {report}"))
    };
    let closed = trust("role/acme-trusts-beta");
    assert_eq!(closed["blocked_by"]["policy"], "GoldPerimeter", "{closed}");
    assert_eq!(closed["severity"], "low");
    let open = trust("role/beta-trusts-acme");
    assert!(open.get("blocked_by").is_none(), "{open}");
    assert_eq!(open["severity"], "critical");
}

/// An SCP denying every Region but eu-west-1 to the Tenants OU: the audit role's reads in
/// us-east-1 would fail in its accounts, so they are not made, and the gap is reported once for
/// the Region and the SCP, with the accounts and the remedy, instead of once per account.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn regions_an_scp_denies_are_not_called_and_reported_once() {
    let _turn = moto::exclusive().await;
    let endpoint = moto::url();
    let s = seed::guardrail_organization(&endpoint).await;
    let orgs = aws_sdk_organizations::Client::new(&moto::config(&endpoint).await);
    let root = orgs.list_roots().send().await.unwrap().roots()[0]
        .id()
        .unwrap()
        .to_owned();
    let tenants = orgs
        .list_organizational_units_for_parent()
        .parent_id(&root)
        .send()
        .await
        .unwrap()
        .organizational_units()
        .iter()
        .find(|ou| ou.name() == Some("Tenants"))
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    // AWS's example region-deny SCP (global services left out of the Deny).
    let deny = serde_json::json!({"Version": "2012-10-17", "Statement": [{
        "Sid": "DenyAllOutsideEU",
        "Effect": "Deny",
        "NotAction": ["iam:*", "organizations:*", "sts:*", "s3:ListAllMyBuckets", "s3:GetAccountPublic*", "ec2:DescribeRegions"],
        "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}}
    }]});
    let id = seed::attach_policy(
        &orgs,
        aws_sdk_organizations::types::PolicyType::ServiceControlPolicy,
        "RegionDeny",
        &deny,
        &tenants,
    )
    .await;
    let dir = tempfile::TempDir::new().unwrap();
    let config = dir.path().join("tenantguard.toml");
    std::fs::write(&config, s.config()).unwrap();
    let (code, report, stderr, calls) = recorded(
        &endpoint,
        scan_args(&config, &["--regions", "eu-west-1,us-east-1"]),
    )
    .await;
    assert_eq!(code, 1, "{stderr}");
    let vpc_reads = |region: &str| {
        calls
            .iter()
            .filter(|(a, r)| a == "ec2:DescribeVpcs" && r == region)
            .count()
    };
    // Five accounts read eu-west-1; in us-east-1 only the three outside Tenants (acme sits
    // in Tenants/Gold, beta in Tenants).
    assert_eq!(vpc_reads("eu-west-1"), 5, "{calls:?}");
    assert_eq!(vpc_reads("us-east-1"), 3, "{calls:?}");
    let v: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(v["complete"], false);
    let gaps: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "not-scanned")
        .collect();
    assert_eq!(gaps.len(), 1, "{gaps:#?}");
    let gap = gaps[0];
    assert_eq!(gap["region"], "us-east-1");
    assert!(gap["resource"].as_str().unwrap().ends_with(&id), "{gap}");
    let accounts: BTreeSet<&str> = gap["evidence"][0]["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(accounts, BTreeSet::from([s.acme.as_str(), s.beta.as_str()]));
    let message = gap["message"].as_str().unwrap();
    assert!(
        message.contains("RegionDeny") && message.contains("exempt the audit role"),
        "{message}"
    );
}

/// Ctrl-C while the organization is being read: the scan stops there, says so in its
/// report, and exits 2 (it used to leave no report and no message).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_during_the_organization_phase_leaves_a_report() {
    let Scenario {
        _turn,
        endpoint,
        seeded: _,
        dir: _dir,
        config,
    } = scenario().await;
    // Every answer takes a second: the organization phase is still going when Ctrl-C comes.
    let proxy = proxy::start(
        &endpoint,
        proxy::Faults {
            latency: std::time::Duration::from_secs(1),
            ..Default::default()
        },
    )
    .await;
    let bin = assert_cmd::cargo::cargo_bin("tenantguard");
    let url = proxy.url.clone();
    let out = tokio::task::spawn_blocking(move || {
        let child = std::process::Command::new(bin)
            .args(scan_args(
                &config,
                &["--regions", REGIONS, "--fail-on", "none"],
            ))
            .env("AWS_ENDPOINT_URL", &url)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let sent = std::process::Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let (_, v) = outcome(&String::from_utf8(out.stdout).unwrap());
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "not-scanned")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert!(
        messages[0].contains("interrupted (Ctrl-C) before the organization was read"),
        "{messages:#?}"
    );
}

fn parties(s: &seed::Seeded) -> seed::Parties<'_> {
    seed::Parties {
        org_id: &s.org_id,
        owner: &s.acme,
        beta: &s.beta,
        shared: &s.shared,
    }
}

/// The human path, live: Identity Center read once in its home Region (per principal), IAM
/// users with their groups and access keys; groups and users spanning tenants found, the
/// platform's on-call group excused, a declared group that excuses nothing reported, and a
/// permission set's provisioned role tied back to its people on a cross-tenant path.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_scan_finds_the_people_who_cross_tenants() {
    let sc = scenario().await;
    let people = seed::people(&sc.endpoint, &parties(&sc.seeded)).await;
    let config = format!(
        "{}\n[[platform.groups]]\nname = \"oncall\"\nowner = \"sre@example.com\"\nreason = \"on-call for every tenant\"\n\n[[platform.groups]]\nname = \"ghost-team\"\nowner = \"sre@example.com\"\nreason = \"left over\"\n",
        sc.seeded.config()
    );
    std::fs::write(&sc.config, config).unwrap();
    let (code, report, stderr) = run(
        &sc.endpoint,
        scan_args(&sc.config, &["--regions", "eu-west-1"]),
    )
    .await;
    assert_eq!(code, 1, "{stderr}");
    let v: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(v["complete"], true, "{report}");
    let (acme, beta) = (&sc.seeded.acme, &sc.seeded.beta);
    let human: BTreeSet<(String, String, String)> = findings(&report)
        .into_iter()
        .filter(|(rule, _, _)| rule == "cross-tenant-human-access")
        .collect();
    let want: BTreeSet<(String, String, String)> = [
        (&people.support, beta),
        (&people.support, acme),
        (&people.dana, beta),
        (&people.dana, acme),
    ]
    .into_iter()
    .map(|(who, other)| {
        (
            "cross-tenant-human-access".to_owned(),
            who.clone(),
            other.clone(),
        )
    })
    .collect();
    assert_eq!(human, want, "{report}");
    let all = v["findings"].as_array().unwrap();
    let unused: Vec<&Value> = all
        .iter()
        .filter(|f| f["rule"] == "unused-exception")
        .collect();
    assert_eq!(unused.len(), 1, "{unused:#?}");
    assert!(
        unused[0]["message"]
            .as_str()
            .unwrap()
            .contains("ghost-team")
    );
    let path = all
        .iter()
        .find(|f| {
            f["rule"] == "cross-tenant-path"
                && f["resource"]
                    .as_str()
                    .unwrap()
                    .ends_with("role/acme-to-beta")
        })
        .unwrap_or_else(|| panic!("no path into acme-to-beta: {report}"));
    let callers = path["evidence"][0]["callers"].as_array().unwrap();
    let reserved = callers
        .iter()
        .find(|c| c.get("identity_center").is_some())
        .unwrap_or_else(|| panic!("no Identity Center caller: {path}"));
    assert!(
        reserved["role"]
            .as_str()
            .unwrap()
            .contains("/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Operator_"),
        "{reserved}"
    );
    assert_eq!(reserved["identity_center"]["permission_set"], "Operator");
    assert_eq!(
        reserved["identity_center"]["assigned"][0]["group"],
        "oncall"
    );
    let users: Vec<&str> = callers.iter().filter_map(|c| c["user"].as_str()).collect();
    assert_eq!(
        users,
        [format!("arn:aws:iam::{beta}:user/beta-etl").as_str()],
        "{path}"
    );
    let etl = callers.iter().find(|c| c.get("user").is_some()).unwrap();
    assert_eq!(etl["policy"], "group/etl/assume");
    assert_eq!(etl["credentials"]["active_access_keys"], 1, "{etl}");

    // The inventory holds the boundary and the assignments as read.
    let inventory = sc.dir.path().join("inventory.json");
    let mut args = vec!["collect".to_owned(), "--regions".into(), "eu-west-1".into()];
    args.extend(["--config".to_owned(), sc.config.display().to_string()]);
    args.extend(["--output".to_owned(), inventory.display().to_string()]);
    let (code, _, stderr) = run(&sc.endpoint, args).await;
    assert_eq!(code, 0, "{stderr}");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&inventory).unwrap()).unwrap();
    let center = &saved["organization"]["identity_center"];
    assert_eq!(center["region"], "us-east-1");
    let instance = &center["instances"][0];
    assert_eq!(
        instance["assignments"].as_array().unwrap().len(),
        8,
        "{center}"
    );
    let reader = instance["permission_sets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Reader")
        .unwrap();
    assert_eq!(
        reader["permissions_boundary"]["managed_policy_arn"],
        "arn:aws:iam::aws:policy/ReadOnlyAccess"
    );
}

/// Identity Center looked for outside its home Region: AWS lists no instance there. That is
/// not "no people": Identity Center is reported not scanned, with the remedy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identity_center_in_the_wrong_region_is_not_scanned() {
    let sc = scenario().await;
    seed::people(&sc.endpoint, &parties(&sc.seeded)).await;
    let config = format!(
        "{}\n[collect.identity_center]\nregion = \"eu-west-1\"\n",
        sc.seeded.config()
    );
    std::fs::write(&sc.config, config).unwrap();
    let (code, report, stderr) = run(
        &sc.endpoint,
        scan_args(&sc.config, &["--regions", "eu-west-1"]),
    )
    .await;
    assert_eq!(code, 1, "{stderr}");
    let v: Value = serde_json::from_str(&report).unwrap();
    assert_eq!(v["complete"], false);
    let all = v["findings"].as_array().unwrap();
    let gap = all
        .iter()
        .find(|f| {
            f["rule"] == "not-scanned" && f["message"].as_str().unwrap().contains("Identity Center")
        })
        .unwrap_or_else(|| panic!("{report}"));
    assert!(
        gap["message"]
            .as_str()
            .unwrap()
            .contains("no IAM Identity Center instance in eu-west-1"),
        "{gap}"
    );
    assert!(!all.iter().any(|f| f["rule"] == "cross-tenant-human-access"));
}
