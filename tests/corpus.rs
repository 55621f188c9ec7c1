//! AWS's own policies, judged as tenantguard judges them: every case of `tests/corpus/*.toml`
//! (and of the folders named in `TENANTGUARD_CORPUS`, separated by `:`) is placed in the
//! corpus organization and must raise exactly the rules it expects. See
//! `tests/corpus/README.md`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use tenantguard::config::Config;
use tenantguard::evaluate::evaluate;
use tenantguard::finding::Finding;
use tenantguard::inventory::{
    CollectionStatus, Inventory, PolicyDocument, PolicyKind, ResourceKind, ResourcePolicy, Role,
    ServiceControlPolicy,
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    /// Where AWS publishes it.
    source: String,
    /// What the policy is attached to.
    kind: Kind,
    /// The account that owns it (default `111122223333`, tenant `acme`).
    #[serde(default = "default_account")]
    account: String,
    /// The resource's ARN, when the policy names it (default: one made from kind and account).
    arn: Option<String>,
    /// The rules it must raise in the corpus organization; empty: clean.
    expect: Vec<String>,
    policy: String,
}

fn default_account() -> String {
    "111122223333".to_owned()
}

/// What a case's policy is attached to: a resource of one of the inventory's kinds, a role,
/// or the organization's root.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(untagged)]
enum Kind {
    Resource(ResourceKind),
    Other(Attached),
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Attached {
    RoleTrust,
    Scp,
    Rcp,
}

impl Kind {
    fn default_arn(self, account: &str) -> String {
        let region = "us-east-1";
        match self {
            Kind::Resource(ResourceKind::S3Bucket) => "arn:aws:s3:::amzn-s3-demo-bucket".to_owned(),
            Kind::Resource(ResourceKind::KmsKey) => {
                format!("arn:aws:kms:{region}:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab")
            }
            Kind::Resource(ResourceKind::SqsQueue) => {
                format!("arn:aws:sqs:{region}:{account}:MyQueue")
            }
            Kind::Resource(ResourceKind::SnsTopic) => {
                format!("arn:aws:sns:{region}:{account}:MyTopic")
            }
            Kind::Resource(ResourceKind::Secret) => {
                format!("arn:aws:secretsmanager:{region}:{account}:secret:MySecret-a1b2c3")
            }
            Kind::Resource(ResourceKind::LambdaFunction) => {
                format!("arn:aws:lambda:{region}:{account}:function:my-function")
            }
            Kind::Resource(ResourceKind::EcrRepository) => {
                format!("arn:aws:ecr:{region}:{account}:repository/my-repo")
            }
            // Shared by attribute, never by a policy: no corpus case has one.
            Kind::Resource(ResourceKind::EbsSnapshot) => {
                format!("arn:aws:ec2:{region}::snapshot/snap-0123456789abcdef0")
            }
            Kind::Resource(ResourceKind::MachineImage) => {
                format!("arn:aws:ec2:{region}::image/ami-0123456789abcdef0")
            }
            Kind::Resource(ResourceKind::DbSnapshot) => {
                format!("arn:aws:rds:{region}:{account}:snapshot:my-snapshot")
            }
            Kind::Resource(ResourceKind::DbClusterSnapshot) => {
                format!("arn:aws:rds:{region}:{account}:cluster-snapshot:my-snapshot")
            }
            Kind::Resource(ResourceKind::EventBus) => {
                format!("arn:aws:events:{region}:{account}:event-bus/default")
            }
            Kind::Resource(ResourceKind::RestApi) => {
                format!("arn:aws:execute-api:{region}:{account}:a123456789")
            }
            Kind::Resource(ResourceKind::DynamodbTable) => {
                format!("arn:aws:dynamodb:{region}:{account}:table/MyTable")
            }
            Kind::Resource(ResourceKind::EfsFileSystem) => {
                format!(
                    "arn:aws:elasticfilesystem:{region}:{account}:file-system/fs-0123456789abcdef0"
                )
            }
            Kind::Resource(ResourceKind::LogsResourcePolicy) => {
                format!("arn:aws:logs:{region}:{account}:resource-policy/MyPolicy")
            }
            Kind::Resource(ResourceKind::S3AccessPoint) => {
                format!("arn:aws:s3:{region}:{account}:accesspoint/my-access-point")
            }
            Kind::Other(Attached::RoleTrust) => format!("arn:aws:iam::{account}:role/corpus-role"),
            Kind::Other(Attached::Scp | Attached::Rcp) => String::new(),
        }
    }
}

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// Every case file: the project's, then the user's.
fn case_files() -> Vec<PathBuf> {
    let mut dirs = vec![corpus_dir()];
    if let Ok(extra) = std::env::var("TENANTGUARD_CORPUS") {
        dirs.extend(
            extra
                .split(':')
                .filter(|d| !d.is_empty())
                .map(PathBuf::from),
        );
    }
    let mut files = Vec::new();
    for dir in dirs {
        let mut here: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.extension().is_some_and(|x| x == "toml") && !p.ends_with("tenantguard.toml")
            })
            .collect();
        here.sort();
        files.extend(here);
    }
    files
}

fn load(path: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(path).unwrap();
    let file: File = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    file.case
}

/// Places the case in the organization.
fn place(inventory: &mut Inventory, case: &Case) {
    let document = PolicyDocument::Text(case.policy.clone());
    let arn = case
        .arn
        .clone()
        .unwrap_or_else(|| case.kind.default_arn(&case.account));
    let account = || {
        inventory
            .accounts
            .iter()
            .position(|a| a.account_id == case.account)
            .unwrap_or_else(|| {
                panic!(
                    "{}: account {} is not in the corpus organization",
                    case.name, case.account
                )
            })
    };
    match case.kind {
        Kind::Other(attached @ (Attached::Scp | Attached::Rcp)) => {
            let root = inventory.organization.roots[0].id.clone();
            inventory.organization.policies.push(ServiceControlPolicy {
                id: "p-corpus".into(),
                name: "corpus-scp".into(),
                kind: if matches!(attached, Attached::Scp) {
                    PolicyKind::ServiceControlPolicy
                } else {
                    PolicyKind::ResourceControlPolicy
                },
                aws_managed: false,
                document,
                targets: vec![root],
            });
        }
        Kind::Other(Attached::RoleTrust) => {
            let i = account();
            inventory.accounts[i].roles.push(Role {
                name: "corpus-role".into(),
                arn,
                path: "/".into(),
                trust_policy: document,
                attached_policies: vec![],
                inline_policies: vec![],
            });
        }
        Kind::Resource(kind) => {
            let i = account();
            inventory.accounts[i].regions[0]
                .resources
                .push(ResourcePolicy {
                    kind,
                    arn,
                    status: CollectionStatus::Collected,
                    policy: Some(document),
                    grants: vec![],
                    public_access_block: None,
                    shares: Vec::new(),
                    acl: Vec::new(),
                });
        }
    }
}

fn key(f: &Finding) -> (String, String, Option<String>) {
    (
        f.rule.clone(),
        f.resource.clone(),
        f.counterpart.as_ref().and_then(|c| c.account.clone()),
    )
}

#[test]
fn aws_published_policies_get_the_verdicts_aws_semantics_give() {
    let inventory = Inventory::load(&corpus_dir().join("organization.json")).unwrap();
    let config = Config::load(
        &corpus_dir().join("tenantguard.toml"),
        &tenantguard::rules::ids(),
    )
    .unwrap();
    let baseline: BTreeSet<_> = evaluate(&inventory, &config)
        .findings
        .iter()
        .map(key)
        .collect();
    let mut failures = Vec::new();
    let mut names = BTreeSet::new();
    let mut count = 0;
    for file in case_files() {
        for case in load(&file) {
            count += 1;
            let shown = format!(
                "{}: {}",
                file.file_name().unwrap().to_string_lossy(),
                case.name
            );
            assert!(names.insert(shown.clone()), "{shown}: named twice");
            assert!(
                case.source.starts_with("https://"),
                "{shown}: a case names where AWS publishes it"
            );
            let mut inv = inventory.clone();
            place(&mut inv, &case);
            let findings = evaluate(&inv, &config).findings;
            let raised: BTreeSet<String> = findings
                .iter()
                .filter(|f| !baseline.contains(&key(f)))
                .map(|f| f.rule.clone())
                .collect();
            let expected: BTreeSet<String> = case.expect.iter().cloned().collect();
            if raised != expected {
                let messages: Vec<&str> = findings
                    .iter()
                    .filter(|f| !baseline.contains(&key(f)))
                    .map(|f| f.message.as_str())
                    .collect();
                failures.push(format!(
                    "{shown}\n  expected {expected:?}\n  raised   {raised:?}\n  {}",
                    messages.join("\n  ")
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
    if std::env::var_os("TENANTGUARD_CORPUS").is_none() {
        assert!(
            count >= 150,
            "the corpus holds {count} policies, fewer than 150"
        );
    }
}
