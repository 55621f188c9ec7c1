//! The organization the live tests seed into moto: a shared-services platform account, tenants
//! `acme` and `beta` under the Tenants OU, tenant `gamma` left in the root (outside the
//! guardrail SCP), planted violations and clean look-alikes.
#![allow(dead_code)]

use aws_config::{Region, SdkConfig};
use aws_sdk_organizations::types::{OrganizationFeatureSet, PolicyType, Tag};

use super::moto;

pub const MANAGEMENT: &str = "123456789012";
pub const VENDOR: &str = "999900000001";

pub struct Seeded {
    pub org_id: String,
    pub shared: String,
    pub acme: String,
    pub beta: String,
    pub gamma: String,
    /// pcx ids: acme↔beta (active, cross-region), gamma→acme (pending), acme→gamma (rejected).
    pub pcx_active: String,
    pub pcx_pending: String,
    pub pcx_rejected: String,
}

impl Seeded {
    /// The configuration for this organization, as a user would write it.
    pub fn config(&self) -> String {
        format!(
            "required_scps = [\"DenyLeaveOrganization\"]\n\n[organization]\nid = \"{}\"\n\n[tenants]\ntag_key = \"tenant\"\n\n[platform.accounts]\n\"{}\" = \"shared-services\"\n\n[[third_parties]]\nname = \"vendor\"\naccounts = [\"{VENDOR}\"]\n",
            self.org_id, self.shared
        )
    }
}

fn trust(principal: serde_json::Value, condition: Option<serde_json::Value>) -> String {
    let mut s =
        serde_json::json!({"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"});
    if let Some(c) = condition {
        s["Condition"] = c;
    }
    serde_json::json!({"Version": "2012-10-17", "Statement": [s]}).to_string()
}

async fn role(config: &SdkConfig, name: &str, document: String) {
    aws_sdk_iam::Client::new(config)
        .create_role()
        .role_name(name)
        .assume_role_policy_document(document)
        .send()
        .await
        .unwrap();
}

fn ec2(config: &SdkConfig, region: &str) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::from_conf(
        aws_sdk_ec2::config::Builder::from(config)
            .region(Region::new(region.to_owned()))
            .build(),
    )
}

async fn vpc(config: &SdkConfig, region: &str, cidr: &str) -> String {
    ec2(config, region)
        .create_vpc()
        .cidr_block(cidr)
        .send()
        .await
        .unwrap()
        .vpc()
        .unwrap()
        .vpc_id()
        .unwrap()
        .to_owned()
}

async fn peer(
    config: &SdkConfig,
    region: &str,
    vpc: &str,
    peer_account: &str,
    peer_vpc: &str,
    peer_region: &str,
) -> String {
    ec2(config, region)
        .create_vpc_peering_connection()
        .vpc_id(vpc)
        .peer_owner_id(peer_account)
        .peer_vpc_id(peer_vpc)
        .peer_region(peer_region)
        .send()
        .await
        .unwrap()
        .vpc_peering_connection()
        .unwrap()
        .vpc_peering_connection_id()
        .unwrap()
        .to_owned()
}

pub async fn organization(endpoint: &str) -> Seeded {
    let mgmt = moto::config(endpoint).await;
    let orgs = aws_sdk_organizations::Client::new(&mgmt);
    let org = orgs
        .create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .unwrap();
    let org_id = org.organization().unwrap().id().unwrap().to_owned();
    let root = orgs.list_roots().send().await.unwrap().roots()[0]
        .id()
        .unwrap()
        .to_owned();
    let ou = |name: &'static str| {
        let (orgs, root) = (orgs.clone(), root.clone());
        async move {
            orgs.create_organizational_unit()
                .parent_id(root)
                .name(name)
                .send()
                .await
                .unwrap()
                .organizational_unit()
                .unwrap()
                .id()
                .unwrap()
                .to_owned()
        }
    };
    let platform_ou = ou("Platform").await;
    let tenants_ou = ou("Tenants").await;
    let mut ids = Vec::new();
    for (name, tenant, parent) in [
        ("shared-services", None, &platform_ou),
        ("acme-prod", Some("acme"), &tenants_ou),
        ("beta-prod", Some("beta"), &tenants_ou),
        ("gamma-prod", Some("gamma"), &root),
    ] {
        let created = orgs
            .create_account()
            .account_name(name)
            .email(format!("{name}@example.com"))
            .send()
            .await
            .unwrap();
        let id = created
            .create_account_status()
            .unwrap()
            .account_id()
            .unwrap()
            .to_owned();
        if parent != &root {
            orgs.move_account()
                .account_id(&id)
                .source_parent_id(&root)
                .destination_parent_id(parent)
                .send()
                .await
                .unwrap();
        }
        if let Some(t) = tenant {
            orgs.tag_resource()
                .resource_id(&id)
                .tags(Tag::builder().key("tenant").value(t).build().unwrap())
                .send()
                .await
                .unwrap();
        }
        ids.push(id);
    }
    let [shared, acme, beta, gamma] = <[String; 4]>::try_from(ids).unwrap();
    let scp = orgs
        .create_policy()
        .name("DenyLeaveOrganization")
        .description("guardrail")
        .r#type(PolicyType::ServiceControlPolicy)
        .content(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}"#)
        .send()
        .await
        .unwrap();
    let scp_id = scp
        .policy()
        .unwrap()
        .policy_summary()
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    orgs.attach_policy()
        .policy_id(scp_id)
        .target_id(&tenants_ou)
        .send()
        .await
        .unwrap();

    let (c_shared, c_acme, c_beta, c_gamma) = (
        moto::in_account(&mgmt, &shared).await,
        moto::in_account(&mgmt, &acme).await,
        moto::in_account(&mgmt, &beta).await,
        moto::in_account(&mgmt, &gamma).await,
    );
    use serde_json::json;
    role(
        &c_acme,
        "acme-own",
        trust(json!({"AWS": format!("arn:aws:iam::{acme}:root")}), None),
    )
    .await;
    role(
        &c_acme,
        "acme-to-beta",
        trust(json!({"AWS": format!("arn:aws:iam::{beta}:root")}), None),
    )
    .await;
    role(
        &c_acme,
        "acme-vendor",
        trust(
            json!({"AWS": VENDOR}),
            Some(json!({"StringEquals": {"sts:ExternalId": "acme-1"}})),
        ),
    )
    .await;
    role(&c_beta, "beta-public", trust(json!({"AWS": "*"}), None)).await;
    role(
        &c_beta,
        "beta-narrowed",
        trust(
            json!({"AWS": "*"}),
            Some(json!({"StringEquals": {"aws:PrincipalAccount": beta}})),
        ),
    )
    .await;
    role(&c_shared, "shared-read", trust(json!({"AWS": gamma}), None)).await;

    let acme_eu = vpc(&c_acme, "eu-west-1", "10.1.0.0/16").await;
    let acme_us = vpc(&c_acme, "us-east-1", "10.2.0.0/16").await;
    let beta_us = vpc(&c_beta, "us-east-1", "10.3.0.0/16").await;
    let gamma_eu = vpc(&c_gamma, "eu-west-1", "10.4.0.0/16").await;
    let pcx_active = peer(&c_acme, "eu-west-1", &acme_eu, &beta, &beta_us, "us-east-1").await;
    ec2(&c_beta, "us-east-1")
        .accept_vpc_peering_connection()
        .vpc_peering_connection_id(&pcx_active)
        .send()
        .await
        .unwrap();
    let pcx_pending = peer(
        &c_gamma,
        "eu-west-1",
        &gamma_eu,
        &acme,
        &acme_eu,
        "eu-west-1",
    )
    .await;
    let pcx_rejected = peer(
        &c_acme,
        "us-east-1",
        &acme_us,
        &gamma,
        &gamma_eu,
        "eu-west-1",
    )
    .await;
    ec2(&c_gamma, "eu-west-1")
        .reject_vpc_peering_connection()
        .vpc_peering_connection_id(&pcx_rejected)
        .send()
        .await
        .unwrap();
    Seeded {
        org_id,
        shared,
        acme,
        beta,
        gamma,
        pcx_active,
        pcx_pending,
        pcx_rejected,
    }
}
