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

/// Every action a workflow uses is pinned to a full commit, with its version as a comment;
/// the workflow's own action is pinned to a commit of this repository whose `action.yml`
/// declares every input the workflow passes.
fn check_pinned_uses(file: &str, text: &str) {
    let docs = yaml_rust2::YamlLoader::load_from_str(text).unwrap();
    for line in text.lines().map(str::trim) {
        let Some(uses) = line
            .strip_prefix("- uses: ")
            .or(line.strip_prefix("uses: "))
        else {
            continue;
        };
        let (reference, comment) = uses.split_once(" # ").unwrap_or((uses, ""));
        let (action, sha) = reference
            .split_once('@')
            .unwrap_or_else(|| panic!("{file}: `{uses}` unpinned"));
        assert!(
            sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()),
            "{file}: `{action}` is not pinned to a full commit"
        );
        assert!(
            comment.starts_with('v'),
            "{file}: `{action}` lacks its version comment"
        );
        if action != "tenantguard/tenantguard" {
            continue;
        }
        let git = |args: &[&str]| {
            std::process::Command::new("git")
                .args(args)
                .current_dir(root())
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        };
        // A shallow clone lacks the pinned commit: the action as checked out stands in.
        let shallow =
            git(&["rev-parse", "--is-shallow-repository"]).is_some_and(|s| s.trim() == "true");
        let manifest = match git(&["show", &format!("{sha}:action.yml")]) {
            Some(text) => text,
            None if shallow => std::fs::read_to_string(root().join("action.yml")).unwrap(),
            None => panic!("{file}: {sha} is not a commit of this repository with action.yml"),
        };
        // The examples run the action as this repository has it: a fix to action.yml is not
        // done until the examples pin the commit that made it.
        assert_eq!(
            manifest,
            std::fs::read_to_string(root().join("action.yml")).unwrap(),
            "{file}: the action at {sha} differs from action.yml; pin the commit that changed it"
        );
        let action = yaml_rust2::YamlLoader::load_from_str(&manifest).unwrap();
        let inputs = action[0]["inputs"].as_hash().unwrap();
        for job in docs[0]["jobs"].as_hash().unwrap().values() {
            for step in job["steps"].as_vec().unwrap() {
                if !step["uses"]
                    .as_str()
                    .unwrap_or("")
                    .starts_with("tenantguard/tenantguard@")
                {
                    continue;
                }
                for key in step["with"].as_hash().unwrap().keys() {
                    let key = key.as_str().unwrap();
                    assert!(
                        inputs.contains_key(&yaml_rust2::Yaml::String(key.to_owned())),
                        "{file}: the pinned action has no input `{key}`"
                    );
                }
            }
        }
    }
}

#[test]
fn workflows_pin_their_actions_and_use_real_inputs() {
    for file in [
        "examples/github/tenant-gate.yml",
        "examples/github/tenant-nightly.yml",
        "examples/github/tenant-plan-gate.yml",
        ".github/workflows/release.yml",
    ] {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        check_pinned_uses(file, &text);
        // Permissions are granted per job, never to the whole workflow.
        let docs = yaml_rust2::YamlLoader::load_from_str(&text).unwrap();
        assert!(
            docs[0]["permissions"]
                .as_hash()
                .is_some_and(|h| h.is_empty()),
            "{file}: workflow-level permissions must be empty"
        );
        for job in docs[0]["jobs"].as_hash().unwrap().values() {
            assert!(
                job["permissions"].as_hash().is_some(),
                "{file}: a job without its permissions"
            );
        }
    }
    // Each workflow keeps its own code-scanning category.
    let mut categories = std::collections::BTreeSet::new();
    for file in ["tenant-gate", "tenant-nightly", "tenant-plan-gate"] {
        let text =
            std::fs::read_to_string(root().join(format!("examples/github/{file}.yml"))).unwrap();
        let category = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("sarif-category: "))
            .unwrap_or_else(|| panic!("{file}: no sarif-category"));
        assert!(
            categories.insert(category.to_owned()),
            "{file}: category {category} shared"
        );
    }
}

/// Each runner container's arguments as the command line tenantguard would get, with the
/// runners' placeholders filled with sample values.
fn runner_commands() -> Vec<(String, Vec<String>)> {
    let fill = |w: &str| {
        w.replace("{{inputs.parameters.shard}}", "1")
            .replace("{{workflow.parameters.shards}}", "8")
            .replace("{{workflow.parameters.bucket}}", "tenantguard-reports")
            .replace("{{workflow.name}}", "tenantguard-nightly-1")
    };
    let mut out = Vec::new();
    let text = std::fs::read_to_string(root().join("deploy/kubernetes/cronworkflow.yaml")).unwrap();
    let docs = yaml_rust2::YamlLoader::load_from_str(&text).unwrap();
    for template in docs[0]["spec"]["workflowSpec"]["templates"]
        .as_vec()
        .unwrap()
    {
        if let Some(args) = template["container"]["args"].as_vec() {
            let mut words = vec!["tenantguard".to_owned()];
            words.extend(args.iter().map(|a| fill(a.as_str().unwrap())));
            let name = template["name"].as_str().unwrap();
            out.push((format!("cronworkflow {name}"), words));
        }
    }
    let batch = root().join("deploy/aws-batch");
    let definition: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(batch.join("job-definition.json")).unwrap())
            .unwrap();
    let mut files: Vec<_> = std::fs::read_dir(&batch)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_str().unwrap();
            name.starts_with("submit-") && name.ends_with(".json")
        })
        .collect();
    files.sort();
    for path in files {
        let submit: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let command = submit["containerOverrides"]["command"]
            .as_array()
            .or(definition["containerProperties"]["command"].as_array())
            .unwrap();
        let parameter = |name: &str| {
            submit["parameters"][name]
                .as_str()
                .or(definition["parameters"][name].as_str())
                .unwrap_or_else(|| panic!("{}: no parameter {name}", path.display()))
                .to_owned()
        };
        let mut words = vec!["tenantguard".to_owned()];
        words.extend(command.iter().map(|w| {
            let w = w.as_str().unwrap();
            w.strip_prefix("Ref::").map_or(w.to_owned(), parameter)
        }));
        out.push((path.display().to_string(), words));
    }
    out
}

/// Every `tenantguard ...` command in the READMEs' code blocks is accepted by the command
/// line.
#[test]
fn readme_commands_name_real_flags() {
    let mut found = 0;
    for file in ["README.md", "deploy/aws-batch/README.md"] {
        let path = root().join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        // Code blocks, each line without its trailing comment.
        let code: String = text
            .split("```")
            .skip(1)
            .step_by(2)
            .flat_map(str::lines)
            .map(|l| l.split(" #").next().unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n");
        found += check_commands(&path, &code);
    }
    assert!(found > 10, "{found} commands");
}

#[test]
fn runner_files_name_real_flags() {
    let commands = runner_commands();
    assert_eq!(
        commands.len(),
        8,
        "4 Argo templates and 4 Batch submissions"
    );
    for (file, words) in &commands {
        tenantguard::cli::parse(words)
            .unwrap_or_else(|e| panic!("{file}: `{}`: {e}", words.join(" ")));
    }
    // The organization is read once; every shard collects against that read.
    let shards: Vec<&Vec<String>> = commands
        .iter()
        .map(|(_, w)| w)
        .filter(|w| w[1] == "collect" && !w.contains(&"--organization-only".to_owned()))
        .collect();
    assert_eq!(shards.len(), 2);
    assert!(
        shards
            .iter()
            .all(|w| w.contains(&"--organization".to_owned()))
    );
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

/// `rust-version` is a promise to people building from source: it must not be older than
/// what the locked dependencies need (the AWS SDK raises its minimum regularly), or an older
/// toolchain fails deep in a dependency instead of saying which Rust to install.
#[test]
fn rust_version_covers_the_locked_dependencies() {
    let out = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // `1.85` and `1.85.0` are the same promise.
    let version = |v: &str| -> Vec<u32> {
        let mut parts: Vec<u32> = v.split('.').map(|p| p.parse().unwrap()).collect();
        parts.resize(3, 0);
        parts
    };
    let ours = version(env!("CARGO_PKG_RUST_VERSION"));
    let needs: Vec<(String, Vec<u32>)> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| {
            Some((
                p["name"].as_str()?.to_owned(),
                version(p["rust_version"].as_str()?),
            ))
        })
        .filter(|(_, v)| v > &ours)
        .collect();
    assert!(
        needs.is_empty(),
        "Cargo.toml's rust-version {} is older than these dependencies need: {needs:?}",
        env!("CARGO_PKG_RUST_VERSION")
    );
}

/// The Action's run step, executed as GitHub executes a `shell: bash` step (`bash --noprofile
/// --norc -eo pipefail`), with its `env` filled from the inputs given (else their defaults)
/// and the binary built here in place of the downloaded one. Findings (exit 1) must still
/// leave every report and output behind: that is when a reviewer needs them.
fn run_action(inputs: &[(&str, &str)]) -> (i32, String, tempfile::TempDir) {
    let text = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let action = &yaml_rust2::YamlLoader::load_from_str(&text).unwrap()[0];
    let step = action["runs"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|s| s["id"].as_str() == Some("run"))
        .expect("the run step");
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("run.sh");
    std::fs::write(&script, step["run"].as_str().unwrap()).unwrap();
    let mut command = std::process::Command::new("bash");
    command
        .args(["--noprofile", "--norc", "-eo", "pipefail"])
        .arg(&script)
        .current_dir(dir.path())
        .env("GITHUB_OUTPUT", dir.path().join("output"))
        .env("GITHUB_STEP_SUMMARY", dir.path().join("summary"));
    for (name, value) in step["env"].as_hash().unwrap() {
        let (name, value) = (name.as_str().unwrap(), value.as_str().unwrap());
        let value = if value == "${{ steps.install.outputs.bin }}" {
            assert_cmd::cargo::cargo_bin("tenantguard")
                .display()
                .to_string()
        } else {
            let input = value
                .strip_prefix("${{ inputs.")
                .and_then(|v| v.strip_suffix(" }}"))
                .unwrap_or_else(|| panic!("{name}: {value} is not an input"));
            match inputs.iter().find(|(k, _)| *k == input) {
                Some((_, given)) => given.to_string(),
                None => action["inputs"][input]["default"]
                    .as_str()
                    .unwrap_or_else(|| panic!("input `{input}` has no default"))
                    .to_owned(),
            }
        };
        command.env(name, value);
    }
    let out = command.output().unwrap();
    let outputs = std::fs::read_to_string(dir.path().join("output")).unwrap_or_default();
    assert!(
        out.status.code().is_some(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap(), outputs, dir)
}

#[test]
fn the_action_reports_findings_in_every_format_asked() {
    let demo = |f: &str| root().join("fixtures").join(f).display().to_string();
    let (inventory, config) = (demo("demo/inventory.json"), demo("demo/tenantguard.toml"));
    let (code, outputs, dir) = run_action(&[
        ("inventory", &inventory),
        ("config", &config),
        ("formats", "json, sarif,html"),
        ("sarif-category", "tenantguard/gate/"),
    ]);
    assert_eq!(code, 1, "the demo has findings: {outputs}");
    assert!(outputs.contains("exit-code=1\n"), "{outputs}");
    let out = dir.path().join("tenantguard-reports");
    let sarif = std::fs::read_to_string(out.join("tenantguard.sarif")).unwrap();
    assert!(
        outputs.contains("sarif=tenantguard-reports/tenantguard.sarif\n"),
        "{outputs}"
    );
    let sarif: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    assert_eq!(
        sarif["runs"][0]["automationDetails"]["id"], "tenantguard/gate/",
        "each workflow's alerts stay its own"
    );
    assert!(out.join("tenantguard.html").exists() && out.join("tenantguard.json").exists());
    let summary = std::fs::read_to_string(dir.path().join("summary")).unwrap();
    assert!(summary.contains("cross-tenant"), "{summary}");

    // The plan gate, and a clean result when nothing fails the step.
    let (code, outputs, _dir) = run_action(&[
        ("command", "plan"),
        ("plan", &demo("plan/tenant-change.json")),
        ("inventory", &inventory),
        ("config", &config),
        ("summary", "false"),
    ]);
    assert_eq!(code, 1, "{outputs}");
    assert!(outputs.contains("exit-code=1\n"), "{outputs}");
    let (code, outputs, _dir) = run_action(&[
        ("command", "plan"),
        ("plan", &demo("plan/tenant-change.json")),
        ("inventory", &inventory),
        ("config", &config),
        ("fail-on", "none"),
        ("formats", "json"),
    ]);
    assert_eq!(code, 0, "{outputs}");
    assert!(
        outputs.contains("exit-code=0\n") && !outputs.contains("sarif="),
        "{outputs}"
    );
    // The demo inventory has accounts it could not read: with no finding failing the step,
    // the scan still says it is incomplete (2), and the step fails with it.
    let (code, outputs, _dir) = run_action(&[
        ("inventory", &inventory),
        ("config", &config),
        ("fail-on", "none"),
    ]);
    assert_eq!(code, 2, "{outputs}");
    assert!(outputs.contains("exit-code=2\n"), "{outputs}");
    // A format the action does not know is bad input, not a pass.
    let (code, _, _dir) = run_action(&[
        ("inventory", &inventory),
        ("config", &config),
        ("formats", "json,pdf"),
    ]);
    assert_eq!(code, 3);
}

/// The gates read the nightly's artifact where upload-artifact puts its files: several paths
/// are rooted at their common directory (`reports/tenantguard.json` is stored as
/// `tenantguard.json`). And they take the newest nightly that wrote one, not the newest that
/// succeeded: a nightly with findings fails its job, and those findings are the baseline.
#[test]
fn the_gates_read_the_nightly_artifact_where_it_is() {
    let read = |f: &str| std::fs::read_to_string(root().join("examples/github").join(f)).unwrap();
    let nightly = yaml_rust2::YamlLoader::load_from_str(&read("tenant-nightly.yml")).unwrap();
    let upload = nightly[0]["jobs"]
        .as_hash()
        .unwrap()
        .values()
        .flat_map(|job| job["steps"].as_vec().unwrap().iter())
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-artifact@"))
        })
        .expect("the nightly uploads its report");
    let name = upload["with"]["name"].as_str().unwrap();
    let paths: Vec<&str> = upload["with"]["path"]
        .as_str()
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let dirs: Vec<Vec<&str>> = paths
        .iter()
        .map(|p| {
            let mut parts: Vec<&str> = p.split('/').collect();
            parts.pop();
            parts
        })
        .collect();
    let common = (0..dirs[0].len())
        .take_while(|&i| dirs.iter().all(|d| d.get(i) == dirs[0].get(i)))
        .count();
    let stored: Vec<String> = paths
        .iter()
        .map(|p| p.split('/').skip(common).collect::<Vec<_>>().join("/"))
        .collect();
    for gate in ["tenant-gate.yml", "tenant-plan-gate.yml"] {
        let text = read(gate);
        assert!(
            !text.contains("--status success"),
            "{gate}: a nightly with findings never succeeds; take the newest completed one"
        );
        let dir = text
            .split("--name ")
            .nth(1)
            .filter(|rest| rest.starts_with(name))
            .and_then(|rest| rest.split("--dir ").nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("{gate}: downloads `{name}` into a directory"));
        let prefix = format!("{dir}/");
        let mut used = 0;
        for (at, _) in text.match_indices(&prefix) {
            // `baseline/` itself, not the end of a longer name (`tenant-nightly/`).
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || "-_./".contains(c)) {
                continue;
            }
            let file: String = text[at + prefix.len()..]
                .chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | ';' | ']'))
                .collect();
            // A sentence's full stop is not part of the name.
            let file = file.trim_end_matches(['.', ',']).to_owned();
            assert!(
                stored.contains(&file),
                "{gate}: reads `{prefix}{file}`, but the artifact holds {stored:?}"
            );
            used += 1;
        }
        assert!(used > 0, "{gate}: reads nothing from `{dir}`");
    }
}
