//! The demo organization plants at least one violation of every rule next to clean
//! look-alikes; this freezes exactly what is found on it.

mod common;

use std::collections::BTreeSet;

use tenantguard::report::Json;

/// (rule, resource, counterpart account or description, excepted)
fn found() -> BTreeSet<(String, String, String, bool)> {
    common::demo()
        .findings
        .into_iter()
        .map(|f| {
            let counterpart = f
                .counterpart
                .map(|c| c.account.unwrap_or(c.description))
                .unwrap_or_default();
            (f.rule, f.resource, counterpart, f.exception.is_some())
        })
        .collect()
}

#[test]
fn demo_findings_are_exactly_the_planted_ones() {
    let role = |acct: &str, name: &str| format!("arn:aws:iam::{acct}:role/{name}");
    let pcx = |region: &str, acct: &str, id: &str| {
        format!("arn:aws:ec2:{region}:{acct}:vpc-peering-connection/{id}")
    };
    let account =
        |id: &str| format!("arn:aws:organizations::100000000001:account/o-d3m0tenants/{id}");
    let tgw_table =
        |id: &str| format!("arn:aws:ec2:eu-west-1:100000000002:transit-gateway-route-table/{id}");
    let share =
        |acct: &str, name: &str| format!("arn:aws:ram:eu-west-1:{acct}:resource-share/{name}");
    let service =
        |acct: &str, id: &str| format!("arn:aws:ec2:eu-west-1:{acct}:vpc-endpoint-service/{id}");
    let kms = |acct: &str, id: &str| format!("arn:aws:kms:eu-west-1:{acct}:key/{id}");
    let expected: BTreeSet<(String, String, String, bool)> = [
        (
            "cross-tenant-trust",
            role("210000000001", "acme-reporting"),
            "220000000001",
            false,
        ),
        (
            "cross-tenant-trust",
            role("210000000002", "staging-partner"),
            "230000000001",
            false,
        ),
        (
            "cross-tenant-trust",
            role("230000000001", "initech-enterprise-path"),
            "210000000001",
            false,
        ),
        (
            "cross-tenant-trust",
            role("230000000001", "initech-enterprise-path"),
            "210000000002",
            false,
        ),
        (
            "cross-tenant-trust",
            role("230000000001", "initech-enterprise-path"),
            "220000000001",
            false,
        ),
        (
            "cross-tenant-trust",
            role("270000000001", "wayne-umbrella-sso"),
            "240000000001",
            false,
        ),
        (
            "cross-tenant-path",
            role("230000000001", "initech-enterprise-path"),
            "210000000001",
            false,
        ),
        // Through globex's Identity Center role of permission set TenantOperator.
        (
            "cross-tenant-path",
            role("230000000001", "initech-enterprise-path"),
            "220000000001",
            false,
        ),
        // umbrella's IAM user, allowed by its group; hooli's user has the permission but no
        // trust, umbrella-ops' group stays in umbrella.
        (
            "cross-tenant-path",
            role("270000000001", "wayne-etl-intake"),
            "240000000001",
            false,
        ),
        (
            "cross-tenant-trust",
            role("270000000001", "wayne-etl-intake"),
            "240000000001",
            false,
        ),
        // Shared by attribute: acme's snapshot with globex (the one with acme-staging is a
        // look-alike), umbrella's public snapshot, wonka's AMI shared with the organization
        // (the one shared with the shared-services platform account is a look-alike).
        (
            "cross-tenant-resource-access",
            "arn:aws:ec2:eu-west-1::snapshot/snap-0d3e0acmedb000001".to_owned(),
            "220000000001",
            false,
        ),
        (
            "public-resource-access",
            "arn:aws:ec2:eu-west-1::snapshot/snap-0d3e0umbre000001".to_owned(),
            "any AWS account",
            false,
        ),
        (
            "organization-wide-resource-access",
            "arn:aws:ec2:eu-west-1::image/ami-0d3e0wonka0000001".to_owned(),
            "every account of organization `o-d3m0tenants`, every tenant included",
            false,
        ),
        // The rest of the data plane (each with a clean look-alike in the same account: a
        // bus for the platform, an API and a table for the own account, an EFS policy pinned
        // to the own account, a Logs policy whose service is pinned, acme's cluster snapshot
        // shared with acme-staging).
        (
            "cross-tenant-resource-access",
            "arn:aws:events:eu-west-1:220000000001:event-bus/globex-orders".to_owned(),
            "210000000001",
            false,
        ),
        (
            "cross-tenant-resource-access",
            "arn:aws:execute-api:eu-west-1:260000000001:0d3e0stark".to_owned(),
            "250000000001",
            false,
        ),
        (
            "cross-tenant-resource-access",
            "arn:aws:dynamodb:eu-west-1:230000000001:table/initech-ledger".to_owned(),
            "240000000001",
            false,
        ),
        (
            "cross-tenant-resource-access",
            "arn:aws:rds:eu-west-1:240000000001:snapshot:umbrella-billing-export".to_owned(),
            "250000000001",
            false,
        ),
        (
            "organization-wide-resource-access",
            "arn:aws:elasticfilesystem:eu-west-1:270000000001:file-system/fs-0d3e0wayne000001"
                .to_owned(),
            "every account of organization `o-d3m0tenants`, every tenant included",
            false,
        ),
        (
            "service-principal-without-source",
            "arn:aws:logs:eu-west-1:210000000001:resource-policy/acme-opensearch-logs".to_owned(),
            "any account's use of `es.amazonaws.com` (no source condition)",
            false,
        ),
        // S3 ACLs: stark's exports bucket grants umbrella (by its canonical user id) read; its
        // access-logs bucket grants S3 log delivery (not a finding); wonka's public ACL is
        // closed by `IgnorePublicAcls` (reported, lowered).
        (
            "cross-tenant-resource-access",
            "arn:aws:s3:::stark-exports".to_owned(),
            "240000000001",
            false,
        ),
        (
            "public-resource-access",
            "arn:aws:s3:::wonka-public-assets".to_owned(),
            "any AWS account",
            false,
        ),
        // acme-staging's access point open to wayne (the one for acme-prod is a look-alike).
        (
            "cross-tenant-resource-access",
            "arn:aws:s3:eu-west-1:210000000002:accesspoint/acme-staging-partner".to_owned(),
            "270000000001",
            false,
        ),
        // hooli's public press-kit bucket is closed by the account's Block Public Access.
        (
            "public-resource-access",
            "arn:aws:s3:::hooli-press-kit".to_owned(),
            "any AWS account",
            false,
        ),
        // Identity Center: support-tier2 on initech and umbrella; dana through acme-admins and
        // wayne-readers. acme-admins (acme only), globex-operators, hooli-auditors (the
        // ReadOnly set in another tenant), the declared platform-oncall, erin (acme-admins and
        // platform-oncall) and frank (explained by his group) are look-alikes.
        (
            "cross-tenant-human-access",
            "arn:aws:identitystore:::group/g-support-tier2".to_owned(),
            "230000000001",
            false,
        ),
        (
            "cross-tenant-human-access",
            "arn:aws:identitystore:::group/g-support-tier2".to_owned(),
            "240000000001",
            false,
        ),
        (
            "cross-tenant-human-access",
            "arn:aws:identitystore:::user/u-dana".to_owned(),
            "210000000001",
            false,
        ),
        (
            "cross-tenant-human-access",
            "arn:aws:identitystore:::user/u-dana".to_owned(),
            "270000000001",
            false,
        ),
        (
            "wildcard-trust",
            role("270000000001", "wayne-tag-match"),
            "any AWS account",
            false,
        ),
        (
            "external-trust",
            role("260000000001", "stark-china-mirror"),
            "account 260000000001 (aws-cn)",
            false,
        ),
        (
            "external-trust",
            role("260000000001", "stark-partner-ou"),
            "organization o-partner0001",
            false,
        ),
        (
            "cross-tenant-assume-permission",
            role("210000000001", "acme-app"),
            "250000000001",
            false,
        ),
        (
            "platform-trusts-tenant",
            role("100000000002", "shared-artifacts-read"),
            "210000000001",
            false,
        ),
        (
            "wildcard-trust",
            role("220000000001", "globex-public"),
            "any AWS account",
            false,
        ),
        (
            "organization-wide-trust",
            role("220000000001", "globex-orgwide"),
            "organization o-d3m0tenants",
            false,
        ),
        (
            "external-trust",
            role("210000000001", "acme-legacy-vendor"),
            "999900000001",
            false,
        ),
        (
            "external-trust",
            role("240000000001", "umbrella-external"),
            "888800000001",
            false,
        ),
        (
            "unresolved-principal",
            role("230000000001", "initech-old"),
            "AROAXD3M0EXAMPLE7QZ4T",
            false,
        ),
        (
            "unreadable-policy",
            role("220000000001", "globex-broken"),
            "",
            false,
        ),
        (
            "cross-tenant-peering",
            pcx("eu-west-1", "210000000001", "pcx-0d3m0a11shared01"),
            "100000000002",
            true,
        ),
        (
            "cross-tenant-peering",
            pcx("eu-west-1", "270000000001", "pcx-0d3m0wayneumbrel"),
            "240000000001",
            false,
        ),
        (
            "cross-tenant-peering",
            pcx("eu-west-1", "280000000001", "pcx-0d3m0wonkahooli"),
            "250000000001",
            false,
        ),
        (
            "external-peering",
            pcx("us-east-1", "220000000001", "pcx-0d3m0globexext"),
            "888800000001",
            false,
        ),
        (
            "cross-tenant-subnet-share",
            "arn:aws:ec2:eu-west-1:100000000002:vpc/vpc-0sharedhub".to_owned(),
            "100000000002",
            false,
        ),
        (
            "cross-tenant-subnet-share",
            "arn:aws:ec2:eu-west-1:240000000001:vpc/vpc-0umbrella".to_owned(),
            "240000000001",
            false,
        ),
        (
            "cross-tenant-tgw-route",
            tgw_table("tgw-rtb-0default"),
            "240000000001",
            false,
        ),
        (
            "cross-tenant-tgw-route",
            tgw_table("tgw-rtb-0spokehooli"),
            "250000000001",
            false,
        ),
        (
            "cross-tenant-ram-share",
            share("100000000002", "shared-db-subnet"),
            "2 tenants",
            false,
        ),
        (
            "cross-tenant-ram-share",
            share("220000000001", "globex-reports"),
            "230000000001",
            false,
        ),
        (
            "cross-tenant-ram-share",
            share("280000000001", "wonka-resolver"),
            "organization o-d3m0tenants",
            false,
        ),
        (
            "external-ram-share",
            share("240000000001", "umbrella-partner"),
            "888800000001",
            false,
        ),
        (
            "cross-tenant-privatelink",
            service("250000000001", "vpce-svc-0hooliapi"),
            "270000000001",
            false,
        ),
        (
            "cross-tenant-privatelink",
            service("260000000001", "vpce-svc-0starkopen"),
            "any AWS account",
            false,
        ),
        (
            "cross-tenant-sg-reference",
            "arn:aws:ec2:eu-west-1:270000000001:security-group/sg-0wayneapp".to_owned(),
            "240000000001",
            false,
        ),
        ("required-scp-missing", account("260000000001"), "", false),
        ("required-scp-weakened", account("270000000001"), "", false),
        ("guardrail-not-enforced", account("260000000001"), "", false),
        ("guardrail-not-enforced", account("270000000001"), "", false),
        (
            "guardrail-blocks-action",
            account("280000000001"),
            "",
            false,
        ),
        (
            "cross-tenant-resource-access",
            "arn:aws:s3:::initech-exports".to_owned(),
            "240000000001",
            false,
        ),
        (
            "cross-tenant-resource-access",
            "arn:aws:s3:::acme-shared-reports".to_owned(),
            "230000000001",
            false,
        ),
        (
            "cross-tenant-resource-access",
            kms("240000000001", "0d3m0umb-0000-4000-8000-000000000001"),
            "250000000001",
            false,
        ),
        (
            "cross-tenant-resource-access",
            kms("270000000001", "0d3m0way-0000-4000-8000-000000000001"),
            "220000000001",
            false,
        ),
        (
            "cross-tenant-resource-access",
            "arn:aws:lambda:eu-west-1:280000000001:function:wonka-sync".to_owned(),
            "220000000001",
            false,
        ),
        (
            "public-resource-access",
            "arn:aws:sns:eu-west-1:270000000001:wayne-alerts".to_owned(),
            "any AWS account",
            false,
        ),
        (
            "public-resource-access",
            "arn:aws:s3:::stark-site".to_owned(),
            "any AWS account",
            false,
        ),
        (
            "external-resource-access",
            "arn:aws:secretsmanager:eu-west-1:240000000001:secret:umbrella-db-AbCdEf".to_owned(),
            "888800000001",
            false,
        ),
        (
            "organization-wide-resource-access",
            "arn:aws:s3:::shared-artifacts".to_owned(),
            "every account of organization `o-d3m0tenants`, every tenant included",
            false,
        ),
        (
            "organization-wide-resource-access",
            "arn:aws:sqs:eu-west-1:250000000001:hooli-ingest".to_owned(),
            "every account of organization `o-d3m0tenants`, every tenant included",
            false,
        ),
        (
            // A vendor's `sts:ExternalId` requirement cannot be met by a resource policy:
            // naming the vendor's account there admits it without one.
            "external-resource-access",
            "arn:aws:secretsmanager:eu-west-1:220000000001:secret:globex-monitoring-GhIjKl"
                .to_owned(),
            "999900000001",
            false,
        ),
        (
            "service-principal-without-source",
            "arn:aws:sqs:eu-west-1:230000000001:initech-events".to_owned(),
            "any account's use of `sns.amazonaws.com` (no source condition)",
            false,
        ),
        (
            "unresolved-resource-policy",
            "arn:aws:ecr:eu-west-1:240000000001:repository/umbrella-images".to_owned(),
            "a principal tenantguard cannot resolve (umbrella-ci)",
            false,
        ),
        (
            "not-scanned",
            kms("250000000001", "0d3m0hoo-0000-4000-8000-00000000dead"),
            "",
            false,
        ),
        ("unmapped-account", account("290000000001"), "", false),
        ("not-scanned", account("100000000004"), "", false),
        ("not-scanned", account("290000000001"), "", false),
        (
            "unused-exception",
            "tenantguard.toml#exceptions[1]".to_owned(),
            "",
            false,
        ),
    ]
    .into_iter()
    .map(|(r, res, c, e)| (r.to_owned(), res, c.to_owned(), e))
    .collect();
    let got = found();
    let missing: Vec<_> = expected.difference(&got).collect();
    let extra: Vec<_> = got.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nunexpected: {extra:#?}"
    );
}

/// Guardrails by effect: stark sits outside the tenants' OU (its migration OU's Deny exempts
/// every role), wayne's leave-organization Deny exempts every role of wayne's account, wonka's
/// allow-list leaves out Lambda; the other tenants' guardrails hold (acme's, globex's and the
/// rest's network Deny exempts one named pipeline role: denied except that role).
#[test]
fn demo_guardrails_are_judged_by_effect() {
    let evaluation = common::demo();
    let guardrails: BTreeSet<(String, String, String)> = evaluation
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("guardrail-") || f.rule == "required-scp-weakened")
        .map(|f| {
            let name = f.evidence[0]
                .get("guardrail")
                .or(f.evidence[0].get("required_scp"))
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_owned();
            (f.rule.clone(), f.account.clone(), name)
        })
        .collect();
    let want: BTreeSet<(String, String, String)> = [
        ("guardrail-not-enforced", "260000000001", "no-network-links"),
        (
            "guardrail-not-enforced",
            "260000000001",
            "no-resource-sharing",
        ),
        (
            "guardrail-not-enforced",
            "260000000001",
            "protect-audit-role",
        ),
        (
            "guardrail-not-enforced",
            "270000000001",
            "stay-in-organization",
        ),
        (
            "required-scp-weakened",
            "270000000001",
            "DenyLeaveOrganization",
        ),
        (
            "guardrail-blocks-action",
            "280000000001",
            "tenant-workloads",
        ),
    ]
    .into_iter()
    .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()))
    .collect();
    assert_eq!(guardrails, want);
    let stark = evaluation
        .findings
        .iter()
        .find(|f| f.rule == "guardrail-not-enforced" && f.message.contains("no-network-links"))
        .unwrap();
    assert!(
        stark.message.contains("MigrationIsolation") && stark.message.contains("role/*"),
        "the broad exemption is the evidence: {}",
        stark.message
    );
    // RCPs: the enterprise OU's perimeter closes the two cross-tenant trusts into acme's
    // accounts; the vendor it admits stays open, and so does every path into other OUs.
    let blocked: BTreeSet<(String, String)> = evaluation
        .findings
        .iter()
        .filter_map(|f| {
            let by = f.blocked_by.as_ref()?;
            assert_eq!(f.severity, tenantguard::severity::Severity::Low);
            assert_eq!(by.open_severity, tenantguard::severity::Severity::Critical);
            Some((f.resource.clone(), by.policy.clone()))
        })
        .collect();
    let want: BTreeSet<(String, String)> = [
        "arn:aws:iam::210000000001:role/acme-reporting",
        "arn:aws:iam::210000000002:role/staging-partner",
    ]
    .into_iter()
    .map(|r| (r.to_owned(), "EnterpriseTenantPerimeter".to_owned()))
    .chain(
        [
            "arn:aws:s3:::acme-shared-reports",
            // An access point is an S3 resource: the RCP's perimeter closes it too.
            "arn:aws:s3:eu-west-1:210000000002:accesspoint/acme-staging-partner",
        ]
        .map(|r| (r.to_owned(), "EnterpriseTenantPerimeter".to_owned())),
    )
    .collect();
    assert_eq!(blocked, want);
}

#[test]
fn a_shared_vpc_is_reported_for_each_account_it_reaches() {
    let accounts: BTreeSet<String> = common::demo()
        .findings
        .into_iter()
        .filter(|f| f.rule == "cross-tenant-subnet-share")
        .map(|f| f.account)
        .collect();
    let want: BTreeSet<String> = ["230000000001", "270000000001", "280000000001"]
        .map(String::from)
        .into();
    assert_eq!(
        accounts, want,
        "acme-staging (own tenant) and stark (one tenant on a platform VPC) are clean"
    );
}

#[test]
fn every_rule_fires_on_the_demo() {
    let fired: BTreeSet<String> = found().into_iter().map(|f| f.0).collect();
    // `expired-suppression` needs a suppressions file and a date (tests/gate.rs covers it);
    // `unverifiable-change` needs a Terraform plan (the demo plan of tests/plan.rs has them).
    for id in tenantguard::rules::ids()
        .into_iter()
        .filter(|id| !["expired-suppression", "unverifiable-change"].contains(id))
    {
        assert!(
            fired.contains(id),
            "rule `{id}` has no violation planted in the demo"
        );
    }
}

#[test]
fn two_runs_print_the_same_bytes() {
    let a = common::render(&Json, &common::demo());
    let b = common::render(&Json, &common::demo());
    assert_eq!(a, b);
}

#[test]
fn fingerprints_are_stable_and_unique() {
    let ev = common::demo();
    let prints: BTreeSet<&str> = ev.findings.iter().map(|f| f.fingerprint.as_str()).collect();
    assert_eq!(
        prints.len(),
        ev.findings.len(),
        "two findings share a fingerprint"
    );
    // The fingerprint is a function of rule, resource, region and counterpart only: a change
    // of message or evidence keeps it.
    let mut inventory = common::demo_inventory();
    let acme = inventory
        .accounts
        .iter_mut()
        .find(|a| a.account_id == "210000000001")
        .unwrap();
    let role = acme
        .roles
        .iter_mut()
        .find(|r| r.name == "acme-reporting")
        .unwrap();
    role.trust_policy = tenantguard::inventory::PolicyDocument::Text(
        r#"{"Version":"2012-10-17","Statement":{"Sid":"Reworded","Effect":"Allow","Principal":{"AWS":"220000000001"},"Action":"sts:AssumeRole"}}"#.to_owned(),
    );
    let after = tenantguard::evaluate::evaluate(&inventory, &common::demo_config());
    let fp = |ev: &tenantguard::evaluate::Evaluation| {
        ev.findings
            .iter()
            .find(|f| f.resource.ends_with("role/acme-reporting"))
            .map(|f| f.fingerprint.clone())
            .unwrap()
    };
    assert_eq!(fp(&ev), fp(&after));
}

#[test]
fn coverage_says_which_accounts_were_judged() {
    use tenantguard::evaluate::CoverageState::*;
    let ev = common::demo();
    let state = |id: &str| ev.coverage.iter().find(|c| c.account == id).unwrap().state;
    assert_eq!(state("290000000001"), NotScanned);
    assert_eq!(state("100000000004"), Partial);
    assert_eq!(state("299000000001"), Inactive);
    assert_eq!(state("210000000001"), Complete);
    assert!(!ev.complete());
}

#[test]
fn demo_emitters_do_not_panic_and_agree_on_counts() {
    let ev = common::demo();
    let json: serde_json::Value = serde_json::from_str(&common::render(&Json, &ev)).unwrap();
    assert_eq!(
        json["findings"].as_array().unwrap().len(),
        ev.findings.len()
    );
    assert_eq!(json["summary"]["excepted"], 1);
    assert_eq!(json["complete"], false);
}
