//! The plan gate on the plans Terraform and OpenTofu really write: every file of
//! `../shared/terraform-plans/` (other tools' test fixtures, saved byte for byte) is read and
//! judged, or refused with the reason its kind calls for, as `tests/terraform_plans.toml`
//! says. A file added there and not listed fails the test, so nothing is silently passed.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::Deserialize;
use tenantguard::plan::{Plan, accounts, gate};

#[derive(Deserialize)]
struct Expected {
    plan: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    file: String,
    /// The start of the one-line reason it is refused with.
    refused: Option<String>,
    /// How many planned changes are judged.
    judged: Option<usize>,
    /// (rule, location) of every finding the plan introduces.
    #[serde(default)]
    findings: Vec<(String, String)>,
}

fn shared() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/terraform-plans");
    assert!(
        dir.is_dir(),
        "{} is missing: the real plans live beside the checkout (as in CI)",
        dir.display()
    );
    dir
}

#[test]
fn every_real_plan_is_judged_or_refused_for_its_reason() {
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/terraform_plans.toml"),
    )
    .unwrap();
    let expected: Expected = toml::from_str(&text).unwrap();
    let listed: BTreeSet<&str> = expected.plan.iter().map(|e| e.file.as_str()).collect();
    let on_disk: BTreeSet<String> = std::fs::read_dir(shared())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    let unlisted: Vec<&String> = on_disk
        .iter()
        .filter(|n| !listed.contains(n.as_str()))
        .collect();
    assert!(
        unlisted.is_empty(),
        "plans with no expectation: {unlisted:?}"
    );

    let inventory = common::demo_inventory();
    let config = common::demo_config();
    let one_account: BTreeMap<String, String> =
        [(accounts::DEFAULT.to_owned(), "210000000001".to_owned())].into();
    let mut failures = Vec::new();
    for e in &expected.plan {
        let path = shared().join(&e.file);
        match (Plan::load(&path), &e.refused) {
            (Err(error), Some(reason)) => {
                let line = error.to_string();
                if !line.contains(reason.as_str()) || line.lines().count() != 1 {
                    failures.push(format!("{}: refused with `{line}`, not `{reason}`", e.file));
                }
            }
            (Err(error), None) => failures.push(format!("{}: refused: {error}", e.file)),
            (Ok(_), Some(reason)) => failures.push(format!(
                "{}: read, but should be refused ({reason})",
                e.file
            )),
            (Ok(plan), None) => {
                let outcome = gate(&plan, &inventory, &config, &one_account);
                let got: BTreeSet<(String, String)> = outcome
                    .evaluation
                    .findings
                    .iter()
                    .map(|f| (f.rule.clone(), f.location.clone()))
                    .collect();
                let want: BTreeSet<(String, String)> = e.findings.iter().cloned().collect();
                if got != want || Some(outcome.applied) != e.judged {
                    failures.push(format!(
                        "{}: judged {} (expected {:?}); missing {:?}; unexpected {:?}",
                        e.file,
                        outcome.applied,
                        e.judged,
                        want.difference(&got).collect::<Vec<_>>(),
                        got.difference(&want).collect::<Vec<_>>()
                    ));
                }
                let report = outcome.evaluation.plan.as_ref().expect("a plan's coverage");
                assert!(
                    !tenantguard::report::completeness(&outcome.evaluation).contains("complete:")
                );
                assert_eq!(report.applied, outcome.applied);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Without an account for the workspace, a plan whose provider names none is never judged
/// clean: each AWS change it makes is reported unverifiable.
#[test]
fn an_unplaced_workspace_is_unverifiable_not_clean() {
    let plan = Plan::load(&shared().join("regula__s3__bucketpolicy_allowlist_infra.json")).unwrap();
    let outcome = gate(
        &plan,
        &common::demo_inventory(),
        &common::demo_config(),
        &BTreeMap::new(),
    );
    let unverifiable = outcome
        .evaluation
        .findings
        .iter()
        .filter(|f| f.rule == "unverifiable-change" && f.message.contains("--account"))
        .count();
    // The three bucket policies and the three inline ones; the buckets without a policy
    // change nothing wherever they land.
    assert_eq!(unverifiable, 6, "{:#?}", outcome.evaluation.findings);
}
