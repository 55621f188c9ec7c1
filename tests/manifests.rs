//! The shipped workflows and manifests parse, and every `tenantguard` command in them (and in
//! the README's tested example) is accepted by the command line as it is today.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `tenantguard ...` command line in a text, with shell variables replaced by sample
/// values and `$BASELINE`-style optional flags dropped.
fn commands(text: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(at) = rest.find("tenantguard ") {
            let tail = &rest[at..];
            let end = tail
                .find(" &&")
                .or_else(|| tail.find("; "))
                .or_else(|| tail.find(" ||"))
                .or_else(|| tail.find(" >>"))
                .unwrap_or(tail.len());
            let command = &tail[..end];
            rest = &tail[end..];
            // Only invocations (not prose, URLs or crate names).
            let words: Vec<String> = command
                .split_whitespace()
                .map(|w| w.trim_matches(|c| c == '"' || c == '\'').to_owned())
                .filter(|w| w != "$BASELINE")
                .map(|w| {
                    if w.contains("${SHARD}") {
                        "1/8".to_owned()
                    } else {
                        w.replace("${JOB_COMPLETION_INDEX}", "0")
                            .replace("${AWS_BATCH_JOB_ARRAY_INDEX}", "0")
                            .replace("$WORKSPACE_ACCOUNT", "111122223333")
                    }
                })
                .collect();
            let sub = words.get(1).map(String::as_str).unwrap_or("");
            if [
                "scan",
                "collect",
                "merge",
                "diff",
                "suppress",
                "validate",
                "rules",
                "explain",
                "schema",
                "plan",
                "guardrails",
            ]
            .contains(&sub)
            {
                out.push(words);
            }
        }
    }
    out
}

fn check_commands(path: &Path, text: &str) -> usize {
    let found = commands(text);
    for words in &found {
        tenantguard::cli::parse(words)
            .unwrap_or_else(|e| panic!("{}: `{}`: {e}", path.display(), words.join(" ")));
    }
    found.len()
}

#[test]
fn yaml_manifests_and_workflows_parse_and_name_real_flags() {
    for file in [
        "examples/github/tenant-gate.yml",
        "examples/github/tenant-nightly.yml",
        "examples/github/tenant-plan-gate.yml",
        "deploy/kubernetes/indexed-job.yaml",
        "deploy/audit-role/stackset.yaml",
    ] {
        let path = root().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let docs =
            yaml_rust2::YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(!docs.is_empty(), "{file}");
        if !file.contains("stackset") {
            assert!(check_commands(&path, &text) > 0, "{file} runs tenantguard");
        }
    }
    let job = std::fs::read_to_string(root().join("deploy/kubernetes/indexed-job.yaml")).unwrap();
    let docs = yaml_rust2::YamlLoader::load_from_str(&job).unwrap();
    assert_eq!(docs[0]["spec"]["completionMode"].as_str(), Some("Indexed"));
    assert!(
        job.contains("--shard")
            && job.contains("JOB_COMPLETION_INDEX")
            && job.contains("tenantguard merge")
    );
    let gate = std::fs::read_to_string(root().join("examples/github/tenant-gate.yml")).unwrap();
    for needle in [
        "id-token: write",
        "upload-sarif",
        "category:",
        "GITHUB_STEP_SUMMARY",
        "--fail-on-new",
        "--baseline",
    ] {
        assert!(gate.contains(needle), "tenant-gate.yml lacks `{needle}`");
    }
    let nightly =
        std::fs::read_to_string(root().join("examples/github/tenant-nightly.yml")).unwrap();
    assert!(
        nightly.contains("schedule:")
            && nightly.contains("upload-artifact")
            && nightly.contains("tenantguard-report")
    );
}

#[test]
fn aws_batch_definitions_parse_and_name_real_flags() {
    for file in [
        "job-definition.json",
        "merge-job-definition.json",
        "submit-collect.json",
    ] {
        let path = root().join("deploy/aws-batch").join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let v: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        if let Some(command) = v["containerProperties"]["command"].as_array() {
            let script = command
                .last()
                .unwrap()
                .as_str()
                .unwrap()
                .replace("\\\"", "\"");
            assert!(check_commands(&path, &script) > 0, "{file}");
        }
    }
    let submit: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("deploy/aws-batch/submit-collect.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(submit["arrayProperties"]["size"], 8);
}

/// The README's `# tested:` example runs on the demo organization with the exit codes it states.
#[test]
fn readme_examples_run() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let dir = tempfile::TempDir::new().unwrap();
    let mut ran = 0;
    let mut in_block = false;
    for line in readme.lines() {
        if line.starts_with("# tested:") {
            in_block = true;
            continue;
        }
        if in_block && line.starts_with("```") {
            in_block = false;
        }
        if !in_block || !line.starts_with("tenantguard ") {
            continue;
        }
        let (command, expected) = line
            .rsplit_once("# exit ")
            .expect("each tested line states its exit code");
        let args: Vec<String> = command
            .split_whitespace()
            .skip(1)
            .map(|w| {
                if w.starts_with("fixtures/") {
                    root().join(w).display().to_string()
                } else {
                    w.to_owned()
                }
            })
            .collect();
        let status = assert_cmd::Command::cargo_bin("tenantguard")
            .unwrap()
            .current_dir(dir.path())
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(
            status.status.code(),
            Some(expected.trim().parse().unwrap()),
            "`{command}`: {}",
            String::from_utf8_lossy(&status.stderr)
        );
        ran += 1;
    }
    assert!(ran >= 3, "the README has its tested example");
}
