//! The plan gate: Terraform plans (format 1.2, written by hand in Terraform's documented JSON
//! format, as no Terraform binary runs here) overlaid on the demo organization.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use assert_cmd::Command;
use serde_json::{Value, json};
use tenantguard::config::Config;
use tenantguard::inventory::Inventory;
use tenantguard::plan::{Plan, gate};

const INITECH: &str = "230000000001";
const UMBRELLA: &str = "240000000001";
const HOOLI: &str = "250000000001";
const ACME: &str = "210000000001";
const ACME2: &str = "210000000002";

/// One planned change: address, type, account of its provider, actions, `after`,
/// `after_unknown`, and the configuration's `expressions`.
type Planned<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a [&'a str],
    Value,
    Value,
    Value,
);

fn demo() -> (Inventory, Config) {
    let inv = Inventory::load(&common::fixture("demo/inventory.json")).unwrap();
    let cfg = Config::load(
        &common::fixture("demo/tenantguard.toml"),
        &tenantguard::rules::ids(),
    )
    .unwrap();
    (inv, cfg)
}

/// A plan of `changes` (address, type, actions, after, after_unknown, expressions), each made
/// with provider `aws.a<account>` whose `assume_role.role_arn` names that account.
fn plan(changes: &[Planned<'_>]) -> Plan {
    let accounts = [
        ACME,
        ACME2,
        INITECH,
        UMBRELLA,
        HOOLI,
        "100000000002",
        "100000000001",
    ];
    let providers: serde_json::Map<String, Value> = accounts
        .iter()
        .map(|a| {
            (
                format!("aws.a{a}"),
                json!({"name": "aws", "alias": format!("a{a}"), "expressions": {"region": {"constant_value": "eu-west-1"}, "assume_role": [{"role_arn": {"constant_value": format!("arn:aws:iam::{a}:role/terraform")}}]}}),
            )
        })
        .collect();
    let rc: Vec<Value> = changes
        .iter()
        .map(|(address, kind, _, actions, after, unknown, _)| {
            let name = address.rsplit('.').next().unwrap();
            json!({"address": address, "mode": "managed", "type": kind, "name": name,
                   "change": {"actions": actions, "before": null, "after": after, "after_unknown": unknown}})
        })
        .collect();
    let config: Vec<Value> = changes
        .iter()
        .map(|(address, kind, account, _, _, _, expressions)| {
            let name = address.rsplit('.').next().unwrap();
            json!({"address": address, "mode": "managed", "type": kind, "name": name,
                   "provider_config_key": format!("aws.a{account}"), "expressions": expressions})
        })
        .collect();
    let text = json!({"format_version": "1.2", "resource_changes": rc,
        "configuration": {"provider_config": providers, "root_module": {"resources": config}}})
    .to_string();
    Plan::parse(&text, "test.json").unwrap()
}

/// (rule, location) of what `changes` introduce, and the rules of what they resolve.
fn outcome(changes: &[Planned<'_>]) -> (BTreeSet<(String, String)>, BTreeSet<String>) {
    let (inv, cfg) = demo();
    let g = gate(&plan(changes), &inv, &cfg, &BTreeMap::new());
    let introduced = g
        .evaluation
        .findings
        .iter()
        .map(|f| (f.rule.clone(), f.location.clone()))
        .collect();
    let resolved = g
        .evaluation
        .absent
        .unwrap()
        .into_iter()
        .map(|k| k.rule)
        .collect();
    (introduced, resolved)
}

fn introduced(changes: &[Planned<'_>]) -> BTreeSet<(String, String)> {
    outcome(changes).0
}

fn set(items: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn trust(account: &str) -> String {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{account}:root")}, "Action": "sts:AssumeRole"}]}).to_string()
}

const CREATE: &[&str] = &["create"];

#[test]
fn a_role_trusting_another_tenant_is_introduced_and_one_trusting_its_own_is_not() {
    let role =
        |to: &str| json!({"name": "reporting", "path": "/", "assume_role_policy": trust(to)});
    assert_eq!(
        introduced(&[(
            "aws_iam_role.r",
            "aws_iam_role",
            INITECH,
            CREATE,
            role(UMBRELLA),
            json!({}),
            json!({})
        )]),
        set(&[("cross-tenant-trust", "aws_iam_role.r")])
    );
    assert!(
        introduced(&[(
            "aws_iam_role.r",
            "aws_iam_role",
            INITECH,
            CREATE,
            role(INITECH),
            json!({}),
            json!({})
        )])
        .is_empty()
    );
}

#[test]
fn an_inline_policy_that_assumes_into_another_tenant_is_introduced() {
    let allow = |account: &str| {
        json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": format!("arn:aws:iam::{account}:role/x")}]}).to_string()
    };
    let role = json!({"name": "app", "path": "/", "assume_role_policy": trust(INITECH)});
    let with_policy = |account: &str| {
        introduced(&[
            (
                "aws_iam_role.app",
                "aws_iam_role",
                INITECH,
                CREATE,
                role.clone(),
                json!({}),
                json!({}),
            ),
            (
                "aws_iam_role_policy.p",
                "aws_iam_role_policy",
                INITECH,
                CREATE,
                json!({"role": "app", "name": "p", "policy": allow(account)}),
                json!({}),
                json!({}),
            ),
        ])
    };
    assert_eq!(
        with_policy(HOOLI),
        set(&[("cross-tenant-assume-permission", "aws_iam_role.app")])
    );
    assert!(with_policy(INITECH).is_empty());
}

#[test]
fn peering_another_tenant_is_introduced_and_the_own_tenant_is_not() {
    let pcx = |peer: &str| json!({"vpc_id": "vpc-a", "peer_vpc_id": "vpc-b", "peer_owner_id": peer, "auto_accept": false});
    let to = |from: &str, peer: &str| {
        introduced(&[(
            "aws_vpc_peering_connection.p",
            "aws_vpc_peering_connection",
            from,
            CREATE,
            pcx(peer),
            json!({"id": true}),
            json!({}),
        )])
    };
    assert_eq!(
        to(UMBRELLA, HOOLI),
        set(&[("cross-tenant-peering", "aws_vpc_peering_connection.p")])
    );
    assert!(to(ACME, ACME2).is_empty());
}

#[test]
fn an_attachment_on_the_gateways_defaults_meshes_tenants_and_one_without_them_does_not() {
    let attach = |defaults: bool| {
        json!({"transit_gateway_id": "tgw-0d3m0hub", "vpc_id": "vpc-h", "subnet_ids": ["subnet-h"],
               "transit_gateway_default_route_table_association": defaults,
               "transit_gateway_default_route_table_propagation": defaults})
    };
    let got = |defaults| {
        introduced(&[(
            "aws_ec2_transit_gateway_vpc_attachment.a",
            "aws_ec2_transit_gateway_vpc_attachment",
            HOOLI,
            CREATE,
            attach(defaults),
            json!({"id": true}),
            json!({}),
        )])
    };
    let rules: BTreeSet<String> = got(true).into_iter().map(|f| f.0).collect();
    assert_eq!(rules, BTreeSet::from(["cross-tenant-tgw-route".to_owned()]));
    assert!(got(false).is_empty());
    // An association of that attachment with the meshing default table is a path too.
    let assoc = introduced(&[
        (
            "aws_ec2_transit_gateway_vpc_attachment.a",
            "aws_ec2_transit_gateway_vpc_attachment",
            HOOLI,
            CREATE,
            attach(false),
            json!({"id": true}),
            json!({}),
        ),
        (
            "aws_ec2_transit_gateway_route_table_propagation.p",
            "aws_ec2_transit_gateway_route_table_propagation",
            "100000000002",
            CREATE,
            json!({"transit_gateway_route_table_id": "tgw-rtb-0default"}),
            json!({"transit_gateway_attachment_id": true}),
            json!({"transit_gateway_attachment_id": {"references": ["aws_ec2_transit_gateway_vpc_attachment.a.id", "aws_ec2_transit_gateway_vpc_attachment.a"]}}),
        ),
        (
            "aws_ec2_transit_gateway_route_table_association.s",
            "aws_ec2_transit_gateway_route_table_association",
            "100000000002",
            CREATE,
            json!({"transit_gateway_route_table_id": "tgw-rtb-0default"}),
            json!({"transit_gateway_attachment_id": true}),
            json!({"transit_gateway_attachment_id": {"references": ["aws_ec2_transit_gateway_vpc_attachment.a.id", "aws_ec2_transit_gateway_vpc_attachment.a"]}}),
        ),
    ]);
    assert!(
        assoc.iter().any(|f| f.0 == "cross-tenant-tgw-route"),
        "{assoc:?}"
    );
}

#[test]
fn a_share_to_another_tenant_is_introduced_and_to_its_own_account_is_not() {
    let share = |principal: &str| {
        introduced(&[
            (
                "aws_ram_resource_share.s",
                "aws_ram_resource_share",
                ACME,
                CREATE,
                json!({"name": "s", "allow_external_principals": false}),
                json!({"arn": true}),
                json!({}),
            ),
            (
                "aws_ram_resource_association.r",
                "aws_ram_resource_association",
                ACME,
                CREATE,
                json!({"resource_arn": format!("arn:aws:ec2:eu-west-1:{ACME}:subnet/subnet-1")}),
                json!({"resource_share_arn": true}),
                json!({"resource_share_arn": {"references": ["aws_ram_resource_share.s.arn", "aws_ram_resource_share.s"]}}),
            ),
            (
                "aws_ram_principal_association.p",
                "aws_ram_principal_association",
                ACME,
                CREATE,
                json!({"principal": principal}),
                json!({"resource_share_arn": true}),
                json!({"resource_share_arn": {"references": ["aws_ram_resource_share.s.arn", "aws_ram_resource_share.s"]}}),
            ),
        ])
    };
    let rules: BTreeSet<String> = share(HOOLI).into_iter().map(|f| f.0).collect();
    assert!(rules.contains("cross-tenant-ram-share"), "{rules:?}");
    assert!(share(ACME2).is_empty());
}

#[test]
fn moving_a_tenant_out_of_its_guarded_ou_is_introduced_and_attaching_a_guardrail_only_resolves() {
    let mv = |parent: &str| json!({"id": ACME, "name": "acme-prod", "parent_id": parent, "tags": {"tenant": "acme", "env": "prod"}});
    let moved = introduced(&[(
        "aws_organizations_account.acme",
        "aws_organizations_account",
        "100000000001",
        &["update"],
        mv("ou-d3m0-migration"),
        json!({}),
        json!({}),
    )]);
    assert!(
        moved.contains(&(
            "guardrail-not-enforced".to_owned(),
            "aws_organizations_account.acme".to_owned()
        )),
        "{moved:?}"
    );
    assert!(
        introduced(&[(
            "aws_organizations_account.acme",
            "aws_organizations_account",
            "100000000001",
            &["update"],
            mv("ou-d3m0-enterprise"),
            json!({}),
            json!({})
        )])
        .is_empty()
    );
    // Attaching the tenants' isolation SCP to stark's OU introduces nothing and resolves its gaps.
    let (new, resolved) = outcome(&[(
        "aws_organizations_policy_attachment.stark",
        "aws_organizations_policy_attachment",
        "100000000001",
        CREATE,
        json!({"policy_id": "p-d3m0isolate1", "target_id": "ou-d3m0-migration"}),
        json!({"id": true}),
        json!({}),
    )]);
    assert!(new.is_empty(), "{new:?}");
    assert!(resolved.contains("guardrail-not-enforced"), "{resolved:?}");
}

#[test]
fn resource_policies_are_judged_before_they_exist() {
    let bucket = |principal: &str| json!({"bucket": "initech-new", "policy": json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::initech-new/*"}]}).to_string()});
    assert_eq!(
        introduced(&[(
            "aws_s3_bucket_policy.b",
            "aws_s3_bucket_policy",
            INITECH,
            CREATE,
            bucket(HOOLI),
            json!({}),
            json!({})
        )]),
        set(&[("cross-tenant-resource-access", "aws_s3_bucket_policy.b")])
    );
    assert!(
        introduced(&[(
            "aws_s3_bucket_policy.b",
            "aws_s3_bucket_policy",
            INITECH,
            CREATE,
            bucket(INITECH),
            json!({}),
            json!({})
        )])
        .is_empty()
    );
    let queue = json!({"queue_url": format!("https://sqs.eu-west-1.amazonaws.com/{INITECH}/jobs"),
        "policy": json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}]}).to_string()});
    assert_eq!(
        introduced(&[(
            "aws_sqs_queue_policy.q",
            "aws_sqs_queue_policy",
            INITECH,
            CREATE,
            queue,
            json!({}),
            json!({})
        )]),
        set(&[("public-resource-access", "aws_sqs_queue_policy.q")])
    );
    let permission = |source: Option<&str>| {
        let mut p = json!({"function_name": "initech-fn", "principal": "sns.amazonaws.com", "action": "lambda:InvokeFunction", "statement_id": "sns"});
        if let Some(s) = source {
            p["source_account"] = json!(s);
        }
        introduced(&[(
            "aws_lambda_permission.p",
            "aws_lambda_permission",
            INITECH,
            CREATE,
            p,
            json!({}),
            json!({}),
        )])
    };
    assert_eq!(
        permission(None),
        set(&[(
            "service-principal-without-source",
            "aws_lambda_permission.p"
        )])
    );
    assert!(permission(Some(INITECH)).is_empty());
}

#[test]
fn a_resource_whose_account_cannot_be_told_is_unverifiable_until_named() {
    let text = json!({"format_version": "1.2",
        "resource_changes": [{"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r",
            "change": {"actions": ["create"], "after": {"name": "r", "path": "/", "assume_role_policy": trust(UMBRELLA)}, "after_unknown": {}}}],
        "configuration": {"provider_config": {"aws": {"name": "aws", "expressions": {}}},
            "root_module": {"resources": [{"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r", "provider_config_key": "aws"}]}}})
    .to_string();
    let (inv, cfg) = demo();
    let p = Plan::parse(&text, "t.json").unwrap();
    let rules = |overrides: BTreeMap<String, String>| -> BTreeSet<String> {
        gate(&p, &inv, &cfg, &overrides)
            .evaluation
            .findings
            .iter()
            .map(|f| f.rule.clone())
            .collect()
    };
    assert_eq!(
        rules(BTreeMap::new()),
        BTreeSet::from(["unverifiable-change".to_owned()])
    );
    assert_eq!(
        rules(BTreeMap::from([("aws".to_owned(), INITECH.to_owned())])),
        BTreeSet::from(["cross-tenant-trust".to_owned()])
    );
}

/// The README's example: modules, provider aliases (one through a variable), a policy
/// rebuilt from its data source, one that cannot be, a provider that names no account, a
/// deletion and a replacement.
#[test]
fn the_example_plan_gives_exactly_these_changes() {
    let out = Command::cargo_bin("tenantguard")
        .unwrap()
        .args(["plan", "--format", "json", "--inventory"])
        .arg(common::fixture("demo/inventory.json"))
        .arg("--config")
        .arg(common::fixture("demo/tenantguard.toml"))
        .arg(common::fixture("plan/tenant-change.json"))
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    let introduced: BTreeSet<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["location"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        introduced,
        set(&[
            (
                "cross-tenant-trust",
                "module.tenant_initech.aws_iam_role.reporting"
            ),
            ("cross-tenant-trust", "aws_iam_role.partner_read"),
            (
                "cross-tenant-peering",
                "aws_vpc_peering_connection.to_hooli"
            ),
            ("unverifiable-change", "aws_iam_role.opaque"),
            ("unverifiable-change", "aws_iam_role.mystery"),
        ])
    );
    let resolved: BTreeSet<(String, String)> = v["absent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["rule"].as_str().unwrap().to_owned(),
                k["resource"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        resolved,
        set(&[
            (
                "cross-tenant-trust",
                "arn:aws:iam::230000000001:role/initech-enterprise-path"
            ),
            (
                "cross-tenant-path",
                "arn:aws:iam::230000000001:role/initech-enterprise-path"
            ),
            (
                "cross-tenant-resource-access",
                "arn:aws:s3:::initech-exports"
            ),
        ])
    );
    let partner = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["location"] == "aws_iam_role.partner_read")
        .unwrap();
    assert_eq!(
        partner["counterpart"]["account"], UMBRELLA,
        "the data source's principal, resolved to its account"
    );
}

/// A change of a type that bears on isolation but is not modelled is reviewed by a person:
/// unverifiable, never passed; one of no bearing (a log group) is ignored.
#[test]
fn a_relevant_type_the_overlay_does_not_model_is_unverifiable() {
    let got = introduced(&[
        (
            "aws_vpc_security_group_ingress_rule.r",
            "aws_vpc_security_group_ingress_rule",
            INITECH,
            CREATE,
            json!({"referenced_security_group_id": "250000000001/sg-1"}),
            json!({}),
            json!({}),
        ),
        (
            "aws_cloudwatch_log_group.l",
            "aws_cloudwatch_log_group",
            INITECH,
            CREATE,
            json!({"name": "l"}),
            json!({}),
            json!({}),
        ),
    ]);
    assert_eq!(
        got,
        set(&[(
            "unverifiable-change",
            "aws_vpc_security_group_ingress_rule.r"
        )])
    );
}

#[test]
fn a_malformed_plan_is_a_one_line_error() {
    let dir = tempfile::TempDir::new().unwrap();
    for (name, text, needle) in [
        ("garbage.json", "{not json", "not a JSON plan"),
        (
            "unversioned.json",
            r#"{"values": {}}"#,
            "missing `format_version`",
        ),
        (
            "state.json",
            r#"{"format_version": "1.0", "values": {}}"#,
            "a state, not a plan",
        ),
        (
            "failed.json",
            r#"{"format_version": "1.2", "errored": true, "planned_values": {}}"#,
            "a plan that failed",
        ),
        (
            "future.json",
            r#"{"format_version": "2.0", "planned_values": {}}"#,
            "format_version `2.0`",
        ),
        (
            "wrapper.json",
            "[command]/tmp/x/terraform-bin show -json plan.tfplan\n{}",
            "setup-terraform",
        ),
        (
            "bad.json",
            r#"{"format_version": "1.2", "resource_changes": [{"address": "x"}]}"#,
            "resource_changes[0]",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let out = Command::cargo_bin("tenantguard")
            .unwrap()
            .args(["plan", "--inventory"])
            .arg(common::fixture("demo/inventory.json"))
            .arg("--config")
            .arg(common::fixture("demo/tenantguard.toml"))
            .arg(&path)
            .assert()
            .code(3)
            .get_output()
            .clone();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(needle) && stderr.contains(name), "{stderr}");
    }
}

/// What the AWS provider really plans for a new role: `inline_policy`, `managed_policy_arns`,
/// `tags_all`, `arn` and `id` unknown. Unset in the configuration they are the provider's to
/// compute, and the trust policy is judged; written in it from something known only after
/// apply, the role is unverifiable.
#[test]
fn a_new_roles_computed_attributes_are_not_unknown_unless_configured() {
    let computed = json!({"arn": true, "id": true, "unique_id": true, "create_date": true, "inline_policy": true, "managed_policy_arns": true, "tags_all": true});
    let role = json!({"name": "reporting", "path": "/", "assume_role_policy": trust(UMBRELLA)});
    assert_eq!(
        introduced(&[(
            "aws_iam_role.r",
            "aws_iam_role",
            INITECH,
            CREATE,
            role.clone(),
            computed.clone(),
            json!({"name": {"constant_value": "reporting"}}),
        )]),
        set(&[("cross-tenant-trust", "aws_iam_role.r")])
    );
    assert_eq!(
        introduced(&[(
            "aws_iam_role.r",
            "aws_iam_role",
            INITECH,
            CREATE,
            role,
            computed,
            json!({"name": {"constant_value": "reporting"}, "inline_policy": [{"name": {"constant_value": "p"}, "policy": {"references": ["aws_s3_bucket.b.arn", "aws_s3_bucket.b"]}}]}),
        )]),
        set(&[("unverifiable-change", "aws_iam_role.r")])
    );
}

/// A role whose name AWS generates (`name_prefix`) is still judged, named by its address.
#[test]
fn a_generated_role_name_is_judged() {
    let got = introduced(&[(
        "aws_iam_role.r",
        "aws_iam_role",
        INITECH,
        CREATE,
        json!({"name_prefix": "ci-", "path": "/", "assume_role_policy": trust(UMBRELLA)}),
        json!({"name": true, "arn": true, "id": true, "inline_policy": true, "managed_policy_arns": true}),
        json!({"name_prefix": {"constant_value": "ci-"}}),
    )]);
    assert_eq!(got, set(&[("cross-tenant-trust", "aws_iam_role.r")]));
}

/// A Lambda permission whose `source_arn` is a rule created in the same plan: the rule's
/// account is the source, not "no source".
#[test]
fn a_lambda_source_known_after_apply_is_followed_to_its_rule() {
    let permission = |rule_account: &str| {
        introduced(&[
            (
                "aws_cloudwatch_event_rule.tick",
                "aws_cloudwatch_event_rule",
                rule_account,
                CREATE,
                json!({"name": "tick", "schedule_expression": "rate(5 minutes)"}),
                json!({"arn": true, "id": true}),
                json!({"name": {"constant_value": "tick"}}),
            ),
            (
                "aws_lambda_permission.p",
                "aws_lambda_permission",
                INITECH,
                CREATE,
                json!({"function_name": "initech-fn", "principal": "events.amazonaws.com", "action": "lambda:InvokeFunction", "statement_id": "tick"}),
                json!({"source_arn": true, "id": true}),
                json!({"source_arn": {"references": ["aws_cloudwatch_event_rule.tick.arn", "aws_cloudwatch_event_rule.tick"]}}),
            ),
        ])
    };
    assert!(permission(INITECH).is_empty());
    assert_eq!(
        permission(UMBRELLA),
        set(&[("cross-tenant-resource-access", "aws_lambda_permission.p")])
    );
}

/// A managed policy created in the same plan and attached to a role: its document is read
/// from the plan, though AWS assigns its ARN at apply time.
#[test]
fn a_policy_created_in_the_plan_is_read_through_its_attachment() {
    let allow_assume = |account: &str| {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": format!("arn:aws:iam::{account}:role/*")}]}).to_string()
    };
    let got = introduced(&[
        (
            "aws_iam_policy.p",
            "aws_iam_policy",
            INITECH,
            CREATE,
            json!({"name": "reach", "path": "/", "policy": allow_assume(UMBRELLA)}),
            json!({"arn": true, "id": true}),
            json!({"name": {"constant_value": "reach"}}),
        ),
        (
            "aws_iam_role_policy_attachment.a",
            "aws_iam_role_policy_attachment",
            INITECH,
            CREATE,
            json!({"role": "initech-old"}),
            json!({"policy_arn": true}),
            json!({"policy_arn": {"references": ["aws_iam_policy.p.arn", "aws_iam_policy.p"]}}),
        ),
    ]);
    assert!(
        got.iter()
            .any(|(rule, _)| rule == "cross-tenant-assume-permission"),
        "{got:?}"
    );
}

/// Two buckets made by `for_each` and two policies that reference `aws_s3_bucket.b` without
/// the instance key: which bucket each policy lands on is not in the plan, so neither is
/// placed on an arbitrary one (where the second would overwrite the first unjudged); both
/// are reported unverifiable.
#[test]
fn a_reference_to_one_of_several_instances_is_not_guessed() {
    let bucket = |key: &str| {
        (
            format!("aws_s3_bucket.b[\"{key}\"]"),
            json!({"bucket": format!("initech-{key}")}),
        )
    };
    let (a, a_after) = bucket("a");
    let (b, b_after) = bucket("b");
    let public = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}).to_string();
    let own = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": INITECH}, "Action": "s3:GetObject", "Resource": "*"}]}).to_string();
    let refs = json!({"bucket": {"references": ["aws_s3_bucket.b"]}});
    let got = introduced(&[
        (
            &a,
            "aws_s3_bucket",
            INITECH,
            CREATE,
            a_after,
            json!({"arn": true, "id": true}),
            json!({}),
        ),
        (
            &b,
            "aws_s3_bucket",
            INITECH,
            CREATE,
            b_after,
            json!({"arn": true, "id": true}),
            json!({}),
        ),
        (
            "aws_s3_bucket_policy.p[\"a\"]",
            "aws_s3_bucket_policy",
            INITECH,
            CREATE,
            json!({"policy": public}),
            json!({"bucket": true}),
            refs.clone(),
        ),
        (
            "aws_s3_bucket_policy.p[\"b\"]",
            "aws_s3_bucket_policy",
            INITECH,
            CREATE,
            json!({"policy": own}),
            json!({"bucket": true}),
            refs,
        ),
    ]);
    assert_eq!(
        got,
        set(&[
            ("unverifiable-change", "aws_s3_bucket_policy.p[\"a\"]"),
            ("unverifiable-change", "aws_s3_bucket_policy.p[\"b\"]"),
        ])
    );
}

/// A security group's inline rule that names another account's group is reported for
/// review; rules naming groups by id alone or of its own account change nothing between
/// accounts.
#[test]
fn an_inline_rule_naming_another_accounts_group_is_unverifiable() {
    let group = |groups: Value| {
        introduced(&[(
            "aws_security_group.g",
            "aws_security_group",
            INITECH,
            CREATE,
            json!({"name": "g", "ingress": [{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": [], "security_groups": groups}], "egress": []}),
            json!({"arn": true, "id": true}),
            json!({"name": {"constant_value": "g"}, "ingress": {"constant_value": []}, "egress": {"constant_value": []}}),
        )])
    };
    assert_eq!(
        group(json!([format!("{UMBRELLA}/sg-0abc")])),
        set(&[("unverifiable-change", "aws_security_group.g")])
    );
    assert!(group(json!([format!("{INITECH}/sg-0abc")])).is_empty());
    assert!(group(json!(["sg-0abc"])).is_empty());
}

/// S3 ACLs: the canned ACLs that keep a bucket to its owner change nothing; a public one is
/// public; explicit grants are tied to accounts by their canonical user ids; a grantee known
/// only after apply is unverifiable.
#[test]
fn bucket_acls_are_judged_as_the_collector_reads_them() {
    let acl = |after: Value| {
        introduced(&[(
            "aws_s3_bucket_acl.a",
            "aws_s3_bucket_acl",
            INITECH,
            CREATE,
            after,
            json!({"id": true}),
            json!({}),
        )])
    };
    assert_eq!(
        acl(json!({"bucket": "initech-data", "acl": "public-read"})),
        set(&[("public-resource-access", "aws_s3_bucket_acl.a")])
    );
    assert!(acl(json!({"bucket": "initech-data", "acl": "private"})).is_empty());
    assert!(acl(json!({"bucket": "initech-data", "acl": "log-delivery-write"})).is_empty());
    // The demo's accounts have canonical ids `c4<account>0...`.
    let canonical = |account: &str| format!("c4{account}{}", "0".repeat(50));
    let grant = |account: &str| {
        json!({"bucket": "initech-data", "access_control_policy": [{"grant": [
            {"grantee": [{"type": "CanonicalUser", "id": canonical(INITECH)}], "permission": "FULL_CONTROL"},
            {"grantee": [{"type": "CanonicalUser", "id": canonical(account)}], "permission": "READ"}
        ], "owner": [{"id": canonical(INITECH)}]}]})
    };
    assert_eq!(
        acl(grant(HOOLI)),
        set(&[("cross-tenant-resource-access", "aws_s3_bucket_acl.a")])
    );
    assert!(acl(grant(INITECH)).is_empty());
    assert_eq!(
        acl(json!({"bucket": "initech-data"})),
        set(&[("unverifiable-change", "aws_s3_bucket_acl.a")])
    );
}

const MANAGEMENT: &str = "100000000001";
const INSTANCE: &str = "arn:aws:sso:::instance/ssoins-d3m0d3m0d3m0d3m0";
const ADMIN_SET: &str = "arn:aws:sso:::permissionSet/ssoins-d3m0d3m0d3m0d3m0/ps-d3m0000000000001";

fn assignment(group: &str, account: &str) -> Value {
    json!({"instance_arn": INSTANCE, "permission_set_arn": ADMIN_SET, "principal_type": "GROUP",
           "principal_id": group, "target_id": account, "target_type": "AWS_ACCOUNT"})
}

#[test]
fn an_assignment_on_another_tenant_is_introduced_and_on_the_own_tenant_is_not() {
    let assign = |account: &str| {
        outcome(&[(
            "aws_ssoadmin_account_assignment.a",
            "aws_ssoadmin_account_assignment",
            MANAGEMENT,
            CREATE,
            assignment("g-acme-admins", account),
            json!({}),
            json!({}),
        )])
    };
    // acme-admins on wayne's account: the group spans two tenants; dana, in acme-admins and
    // wayne-readers, is now explained by the group, so her own finding goes.
    let (introduced, resolved) = assign("270000000001");
    assert_eq!(
        introduced,
        set(&[(
            "cross-tenant-human-access",
            "aws_ssoadmin_account_assignment.a"
        )])
    );
    assert!(
        resolved.contains("cross-tenant-human-access"),
        "{resolved:?}"
    );
    // On acme's own second account no group crosses tenants; but the assignment provisions
    // an AdministratorAccess role there, and initech's role trusting the whole enterprise OU
    // (acme included) can now be assumed from it: a path the change opens.
    let (introduced, resolved) = assign(ACME2);
    assert_eq!(
        introduced,
        set(&[(
            "cross-tenant-path",
            "aws/230000000001/global/iam/role/initech-enterprise-path"
        )])
    );
    assert!(resolved.is_empty(), "{resolved:?}");
}

#[test]
fn a_membership_that_makes_a_user_span_tenants_is_introduced() {
    let got = introduced(&[(
        "aws_identitystore_group_membership.m",
        "aws_identitystore_group_membership",
        MANAGEMENT,
        CREATE,
        json!({"identity_store_id": "d-d3m0d3m0d3", "group_id": "g-support-tier2", "member_id": "u-gita"}),
        json!({}),
        json!({}),
    )]);
    assert_eq!(
        got,
        set(&[(
            "cross-tenant-human-access",
            "aws_identitystore_group_membership.m"
        )])
    );
}

#[test]
fn a_permission_sets_new_inline_policy_reaches_its_provisioned_roles() {
    // TenantOperator is provisioned in globex. Letting it assume wayne's intake role (which
    // trusts only umbrella's user) replaces its policy: the path into initech closes, and the
    // provisioned role now names another tenant's role. Letting it assume any role keeps the
    // path.
    let policy = |resource: &str| {
        json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": resource}]}).to_string()
    };
    let change = |resource: &str| {
        outcome(&[(
            "aws_ssoadmin_permission_set_inline_policy.p",
            "aws_ssoadmin_permission_set_inline_policy",
            MANAGEMENT,
            &["update"],
            json!({"instance_arn": INSTANCE, "permission_set_arn": "arn:aws:sso:::permissionSet/ssoins-d3m0d3m0d3m0d3m0/ps-d3m0000000000003", "inline_policy": policy(resource)}),
            json!({}),
            json!({}),
        )])
    };
    let (introduced, resolved) = change("arn:aws:iam::270000000001:role/wayne-etl-intake");
    assert_eq!(
        introduced,
        set(&[(
            "cross-tenant-assume-permission",
            "aws_ssoadmin_permission_set_inline_policy.p"
        )])
    );
    assert!(
        resolved.contains("cross-tenant-path"),
        "the path through the reserved role closes: {resolved:?}"
    );
    let (introduced, resolved) = change("arn:aws:iam::*:role/*");
    assert!(introduced.is_empty(), "{introduced:?}");
    assert!(!resolved.contains("cross-tenant-path"), "{resolved:?}");
}

#[test]
fn iam_user_and_group_policies_and_memberships_are_overlaid() {
    let intake =
        json!({"name": "umbrella-intake", "path": "/", "assume_role_policy": trust(UMBRELLA)});
    let role = (
        "aws_iam_role.intake",
        "aws_iam_role",
        HOOLI,
        CREATE,
        intake,
        json!({}),
        json!({}),
    );
    let allow = json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": format!("arn:aws:iam::{HOOLI}:role/umbrella-intake")}]}).to_string();
    // The role alone: a trust, no caller allowed yet.
    assert_eq!(
        introduced(std::slice::from_ref(&role)),
        set(&[("cross-tenant-trust", "aws_iam_role.intake")])
    );
    // A user policy allowing it: a path.
    let user_policy = (
        "aws_iam_user_policy.p",
        "aws_iam_user_policy",
        UMBRELLA,
        CREATE,
        json!({"user": "umbrella-ops", "name": "p", "policy": allow}),
        json!({}),
        json!({}),
    );
    assert_eq!(
        introduced(&[role.clone(), user_policy]),
        set(&[
            ("cross-tenant-trust", "aws_iam_role.intake"),
            ("cross-tenant-path", "aws_iam_role.intake")
        ])
    );
    // A group policy, reaching the user through a membership made in the same plan.
    let group_policy = (
        "aws_iam_group_policy.p",
        "aws_iam_group_policy",
        UMBRELLA,
        CREATE,
        json!({"group": "umbrella-operators", "name": "p", "policy": allow}),
        json!({}),
        json!({}),
    );
    assert!(
        introduced(&[role.clone(), group_policy.clone()]).contains(&(
            "cross-tenant-path".to_owned(),
            "aws_iam_role.intake".to_owned()
        ))
    );
    let membership = (
        "aws_iam_user_group_membership.m",
        "aws_iam_user_group_membership",
        UMBRELLA,
        CREATE,
        json!({"user": "umbrella-etl", "groups": ["umbrella-data"]}),
        json!({}),
        json!({}),
    );
    assert_eq!(
        introduced(&[role, membership]),
        set(&[("cross-tenant-trust", "aws_iam_role.intake")]),
        "umbrella-etl's groups do not allow the new role"
    );
}

#[test]
fn people_the_inventory_does_not_know_are_unverifiable() {
    let got = introduced(&[
        (
            "aws_ssoadmin_account_assignment.new_group",
            "aws_ssoadmin_account_assignment",
            MANAGEMENT,
            CREATE,
            json!({"instance_arn": INSTANCE, "permission_set_arn": ADMIN_SET, "principal_type": "GROUP", "target_id": ACME, "target_type": "AWS_ACCOUNT"}),
            json!({"principal_id": true}),
            json!({"principal_id": {"references": ["aws_identitystore_group.new.group_id", "aws_identitystore_group.new"]}}),
        ),
        (
            "aws_iam_user_policy.stranger",
            "aws_iam_user_policy",
            UMBRELLA,
            CREATE,
            json!({"user": "not-a-user", "name": "p", "policy": "{}"}),
            json!({}),
            json!({}),
        ),
    ]);
    assert_eq!(
        got,
        set(&[
            (
                "unverifiable-change",
                "aws_ssoadmin_account_assignment.new_group"
            ),
            ("unverifiable-change", "aws_iam_user_policy.stranger")
        ])
    );
}

#[test]
fn sharing_a_snapshot_or_an_image_is_judged_before_it_happens() {
    let snapshot = |to: &str| {
        introduced(&[(
            "aws_ebs_snapshot_create_volume_permission.p",
            "aws_ebs_snapshot_create_volume_permission",
            ACME,
            CREATE,
            json!({"snapshot_id": "snap-0123456789abcdef0", "account_id": to}),
            json!({}),
            json!({}),
        )])
    };
    assert_eq!(
        snapshot(HOOLI),
        set(&[(
            "cross-tenant-resource-access",
            "aws_ebs_snapshot_create_volume_permission.p"
        )])
    );
    assert!(snapshot(ACME2).is_empty());
    let image = |after: Value| {
        introduced(&[(
            "aws_ami_launch_permission.p",
            "aws_ami_launch_permission",
            ACME,
            CREATE,
            after,
            json!({}),
            json!({}),
        )])
    };
    assert_eq!(
        image(json!({"image_id": "ami-0123456789abcdef0", "group": "all"})),
        set(&[("public-resource-access", "aws_ami_launch_permission.p")])
    );
    assert_eq!(
        image(
            json!({"image_id": "ami-0123456789abcdef0", "organization_arn": "arn:aws:organizations::100000000001:organization/o-d3m0tenants"})
        ),
        set(&[(
            "organization-wide-resource-access",
            "aws_ami_launch_permission.p"
        )])
    );
    assert!(image(json!({"image_id": "ami-0123456789abcdef0", "account_id": ACME2})).is_empty());
}

#[test]
fn the_rest_of_the_data_plane_is_judged_before_it_exists() {
    let to = |account: &str, action: &str| {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{account}:root")}, "Action": action, "Resource": "*"}]}).to_string()
    };
    let one = |kind: &str, after: Value| {
        let address = format!("{kind}.p");
        introduced(&[(&address, kind, INITECH, CREATE, after, json!({}), json!({}))])
    };
    let cases: Vec<(&str, Value, Value)> = vec![
        (
            "aws_dynamodb_resource_policy",
            json!({"resource_arn": "arn:aws:dynamodb:eu-west-1:230000000001:table/t", "policy": to(HOOLI, "dynamodb:GetItem")}),
            json!({"resource_arn": "arn:aws:dynamodb:eu-west-1:230000000001:table/t", "policy": to(INITECH, "dynamodb:GetItem")}),
        ),
        (
            "aws_efs_file_system_policy",
            json!({"file_system_id": "fs-1", "policy": to(HOOLI, "elasticfilesystem:ClientMount")}),
            json!({"file_system_id": "fs-1", "policy": to(INITECH, "elasticfilesystem:ClientMount")}),
        ),
        (
            "aws_api_gateway_rest_api_policy",
            json!({"rest_api_id": "abc123", "policy": to(HOOLI, "execute-api:Invoke")}),
            json!({"rest_api_id": "abc123", "policy": to(INITECH, "execute-api:Invoke")}),
        ),
        (
            "aws_cloudwatch_log_resource_policy",
            json!({"policy_name": "p", "policy_document": to(HOOLI, "logs:PutLogEvents")}),
            json!({"policy_name": "p", "policy_document": to(INITECH, "logs:PutLogEvents")}),
        ),
        (
            "aws_cloudwatch_event_bus_policy",
            json!({"event_bus_name": "orders", "policy": to(HOOLI, "events:PutEvents")}),
            json!({"event_bus_name": "orders", "policy": to(INITECH, "events:PutEvents")}),
        ),
        (
            "aws_cloudwatch_event_permission",
            json!({"principal": HOOLI, "statement_id": "hooli"}),
            json!({"principal": "*", "statement_id": "own", "condition": [{"key": "aws:PrincipalAccount", "type": "StringEquals", "value": INITECH}]}),
        ),
        (
            "aws_db_snapshot",
            json!({"db_snapshot_identifier": "s", "shared_accounts": [HOOLI]}),
            json!({"db_snapshot_identifier": "s", "shared_accounts": []}),
        ),
    ];
    for (kind, open, closed) in cases {
        assert_eq!(
            one(kind, open),
            set(&[("cross-tenant-resource-access", &format!("{kind}.p"))]),
            "{kind}"
        );
        assert!(one(kind, closed).is_empty(), "{kind}");
    }
}

#[test]
fn turning_block_public_access_off_reopens_what_it_closed() {
    // hooli's account block closes its public press-kit bucket: deleting it is introduced
    // (the finding returns at its full severity); turning it on elsewhere introduces nothing.
    let change = |actions: &'static [&'static str], after: Value| {
        let address = "aws_s3_account_public_access_block.b";
        let kind = "aws_s3_account_public_access_block";
        let (inv, cfg) = demo();
        let mut p = plan(&[(address, kind, HOOLI, actions, after, json!({}), json!({}))]);
        if actions == ["delete"] {
            p.changes[0].before = json!({"account_id": HOOLI, "block_public_policy": true, "restrict_public_buckets": true, "ignore_public_acls": true, "block_public_acls": true});
        }
        gate(&p, &inv, &cfg, &BTreeMap::new())
            .evaluation
            .findings
            .iter()
            .map(|f| (f.rule.clone(), f.resource.clone(), f.severity.to_string()))
            .collect::<Vec<_>>()
    };
    let reopened = change(&["delete"], Value::Null);
    assert_eq!(
        reopened,
        [(
            "public-resource-access".to_owned(),
            "arn:aws:s3:::hooli-press-kit".to_owned(),
            "critical".to_owned()
        )]
    );
    assert!(
        change(
            CREATE,
            json!({"block_public_policy": true, "restrict_public_buckets": true, "ignore_public_acls": true, "block_public_acls": true})
        )
        .is_empty()
    );
}
