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
            "required_scps = [\"DenyLeaveOrganization\"]\n# Trust and network scenarios: the guardrail scenario covers the defaults.\ndefault_guardrails = false\n\n[organization]\nid = \"{}\"\n\n[tenants]\ntag_key = \"tenant\"\n\n[platform.accounts]\n\"{}\" = \"shared-services\"\n\n[[third_parties]]\nname = \"vendor\"\naccounts = [\"{VENDOR}\"]\n",
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
    attach_policy(
        &orgs,
        PolicyType::ServiceControlPolicy,
        "DenyLeaveOrganization",
        &serde_json::json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}]}),
        &tenants_ou,
    )
    .await;

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

/// `n` more tenant accounts (`t1`...), each in the root, with a VPC and a role trusting the
/// previous one: enough accounts and findings for the fault tests to have something to lose.
pub async fn more_tenants(endpoint: &str, n: usize) -> Vec<String> {
    let mgmt = moto::config(endpoint).await;
    let orgs = aws_sdk_organizations::Client::new(&mgmt);
    let mut ids: Vec<String> = Vec::new();
    for i in 1..=n {
        let id = tagged_account(&orgs, &format!("t{i}-prod"), Some(&format!("t{i}"))).await;
        let config = moto::in_account(&mgmt, &id).await;
        if let Some(previous) = ids.last() {
            role(
                &config,
                "to-previous",
                trust(
                    serde_json::json!({"AWS": format!("arn:aws:iam::{previous}:root")}),
                    None,
                ),
            )
            .await;
        }
        role(
            &config,
            "own",
            trust(serde_json::json!({"AWS": id.clone()}), None),
        )
        .await;
        vpc(&config, "eu-west-1", "10.9.0.0/16").await;
        ids.push(id);
    }
    ids
}

/// The network scenario of the live network test: a platform `network` account owning two
/// transit gateways, tenants meshed on one, tenants on isolated spokes of the other (one with
/// a static route into another tenant, one with a blackhole route), RAM shares from a tenant
/// (to another tenant, to its own second account, outside), and an endpoint service.
pub struct NetworkSeeded {
    pub org_id: String,
    pub network: String,
    pub mesh_a: String,
    pub mesh_b: String,
    pub spoke_a: String,
    pub spoke_a2: String,
    pub spoke_b: String,
    pub mesh_table: String,
    pub spoke_b_table: String,
    pub spoke_a_table: String,
    pub hub_table: String,
    pub share_to_spoke_b: String,
    pub share_outside: String,
    pub service: String,
}

pub const OUTSIDER: &str = "888800000001";

impl NetworkSeeded {
    pub fn config(&self) -> String {
        format!(
            "default_guardrails = false\n\n[organization]\nid = \"{}\"\n\n[tenants]\ntag_key = \"tenant\"\n\n[platform.accounts]\n\"{}\" = \"network\"\n\n[collect]\nregions = [\"eu-west-1\"]\n",
            self.org_id, self.network
        )
    }
}

async fn tagged_account(
    orgs: &aws_sdk_organizations::Client,
    name: &str,
    tenant: Option<&str>,
) -> String {
    let id = orgs
        .create_account()
        .account_name(name)
        .email(format!("{name}@example.com"))
        .send()
        .await
        .unwrap()
        .create_account_status()
        .unwrap()
        .account_id()
        .unwrap()
        .to_owned();
    if let Some(t) = tenant {
        orgs.tag_resource()
            .resource_id(&id)
            .tags(Tag::builder().key("tenant").value(t).build().unwrap())
            .send()
            .await
            .unwrap();
    }
    id
}

async fn subnet(config: &SdkConfig, vpc: &str, cidr: &str) -> String {
    ec2(config, "eu-west-1")
        .create_subnet()
        .vpc_id(vpc)
        .cidr_block(cidr)
        .send()
        .await
        .unwrap()
        .subnet()
        .unwrap()
        .subnet_id()
        .unwrap()
        .to_owned()
}

async fn attach(config: &SdkConfig, tgw: &str, vpc: &str, subnet: &str) -> String {
    ec2(config, "eu-west-1")
        .create_transit_gateway_vpc_attachment()
        .transit_gateway_id(tgw)
        .vpc_id(vpc)
        .subnet_ids(subnet)
        .send()
        .await
        .unwrap()
        .transit_gateway_vpc_attachment()
        .unwrap()
        .transit_gateway_attachment_id()
        .unwrap()
        .to_owned()
}

async fn table(config: &SdkConfig, tgw: &str) -> String {
    ec2(config, "eu-west-1")
        .create_transit_gateway_route_table()
        .transit_gateway_id(tgw)
        .send()
        .await
        .unwrap()
        .transit_gateway_route_table()
        .unwrap()
        .transit_gateway_route_table_id()
        .unwrap()
        .to_owned()
}

async fn associate(config: &SdkConfig, table: &str, attachment: &str) {
    ec2(config, "eu-west-1")
        .associate_transit_gateway_route_table()
        .transit_gateway_route_table_id(table)
        .transit_gateway_attachment_id(attachment)
        .send()
        .await
        .unwrap();
}

async fn propagate(config: &SdkConfig, table: &str, attachment: &str) {
    ec2(config, "eu-west-1")
        .enable_transit_gateway_route_table_propagation()
        .transit_gateway_route_table_id(table)
        .transit_gateway_attachment_id(attachment)
        .send()
        .await
        .unwrap();
}

async fn share(
    config: &SdkConfig,
    name: &str,
    principal: &str,
    resource: &str,
    external: bool,
) -> String {
    aws_sdk_ram::Client::from_conf(
        aws_sdk_ram::config::Builder::from(config)
            .region(Region::new("eu-west-1"))
            .build(),
    )
    .create_resource_share()
    .name(name)
    .principals(principal)
    .resource_arns(resource)
    .allow_external_principals(external)
    .send()
    .await
    .unwrap()
    .resource_share()
    .unwrap()
    .resource_share_arn()
    .unwrap()
    .to_owned()
}

/// A network load balancer (an endpoint service needs one). There is no ELBv2 client among
/// the project's crates, so this one call is made as the query-protocol request it is; moto
/// reads the account from the access key and does not check the signature.
async fn network_load_balancer(config: &SdkConfig, subnet: &str) -> String {
    use aws_credential_types::provider::ProvideCredentials;
    let key = config
        .credentials_provider()
        .unwrap()
        .provide_credentials()
        .await
        .unwrap()
        .access_key_id()
        .to_owned();
    let out = std::process::Command::new("curl")
        .args(["-fsS", "-X", "POST", "-H"])
        .arg(format!(
            "Authorization: AWS4-HMAC-SHA256 Credential={key}/20261201/eu-west-1/elasticloadbalancing/aws4_request, SignedHeaders=host, Signature=0"
        ))
        .args(["-H", "Content-Type: application/x-www-form-urlencoded", "--data"])
        .arg(format!(
            "Action=CreateLoadBalancer&Version=2015-12-01&Name=svc-nlb&Type=network&Scheme=internal&Subnets.member.1={subnet}"
        ))
        .arg(moto::url())
        .output()
        .unwrap();
    let body = String::from_utf8(out.stdout).unwrap();
    body.split("<LoadBalancerArn>")
        .nth(1)
        .and_then(|r| r.split("</LoadBalancerArn>").next())
        .unwrap_or_else(|| panic!("no load balancer: {body}"))
        .to_owned()
}

pub async fn network_organization(endpoint: &str) -> NetworkSeeded {
    let mgmt = moto::config(endpoint).await;
    let orgs = aws_sdk_organizations::Client::new(&mgmt);
    let org_id = orgs
        .create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .unwrap()
        .organization()
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    let network = tagged_account(&orgs, "network", None).await;
    let mesh_a = tagged_account(&orgs, "mesh-a", Some("mesha")).await;
    let mesh_b = tagged_account(&orgs, "mesh-b", Some("meshb")).await;
    let spoke_a = tagged_account(&orgs, "spoke-a", Some("spokea")).await;
    let spoke_a2 = tagged_account(&orgs, "spoke-a2", Some("spokea")).await;
    let spoke_b = tagged_account(&orgs, "spoke-b", Some("spokeb")).await;
    let c = |id: String| {
        let mgmt = mgmt.clone();
        async move { moto::in_account(&mgmt, &id).await }
    };
    let (c_net, c_ma, c_mb, c_sa, c_sb) = (
        c(network.clone()).await,
        c(mesh_a.clone()).await,
        c(mesh_b.clone()).await,
        c(spoke_a.clone()).await,
        c(spoke_b.clone()).await,
    );
    let gateway = |defaults: bool| {
        let c_net = c_net.clone();
        async move {
            let value = if defaults { "enable" } else { "disable" };
            let tgw = ec2(&c_net, "eu-west-1")
                .create_transit_gateway()
                .options(
                    aws_sdk_ec2::types::TransitGatewayRequestOptions::builder()
                        .default_route_table_association(value.into())
                        .default_route_table_propagation(value.into())
                        .build(),
                )
                .send()
                .await
                .unwrap();
            let tgw = tgw.transit_gateway().unwrap();
            (
                tgw.transit_gateway_id().unwrap().to_owned(),
                tgw.options()
                    .and_then(|o| o.association_default_route_table_id())
                    .unwrap_or_default()
                    .to_owned(),
            )
        }
    };
    // A gateway on its defaults: both tenants associated with, and propagating into, one table.
    let (mesh, mesh_table) = gateway(true).await;
    for (config, cidr) in [(&c_ma, "10.11.0.0/16"), (&c_mb, "10.12.0.0/16")] {
        let v = vpc(config, "eu-west-1", cidr).await;
        let s = subnet(config, &v, &cidr.replace("/16", "/24")).await;
        attach(config, &mesh, &v, &s).await;
    }
    // The isolated design: a spoke table per tenant, a hub table for the platform.
    let (hub, _) = gateway(false).await;
    let net_vpc = vpc(&c_net, "eu-west-1", "10.0.0.0/16").await;
    let net_subnet = subnet(&c_net, &net_vpc, "10.0.0.0/24").await;
    let platform = attach(&c_net, &hub, &net_vpc, &net_subnet).await;
    let sa_vpc = vpc(&c_sa, "eu-west-1", "10.21.0.0/16").await;
    let sa_subnet = subnet(&c_sa, &sa_vpc, "10.21.0.0/24").await;
    let sa = attach(&c_sa, &hub, &sa_vpc, &sa_subnet).await;
    let sb_vpc = vpc(&c_sb, "eu-west-1", "10.22.0.0/16").await;
    let sb_subnet = subnet(&c_sb, &sb_vpc, "10.22.0.0/24").await;
    let sb = attach(&c_sb, &hub, &sb_vpc, &sb_subnet).await;
    let (spoke_a_table, spoke_b_table, hub_table) = (
        table(&c_net, &hub).await,
        table(&c_net, &hub).await,
        table(&c_net, &hub).await,
    );
    associate(&c_net, &spoke_a_table, &sa).await;
    associate(&c_net, &spoke_b_table, &sb).await;
    associate(&c_net, &hub_table, &platform).await;
    propagate(&c_net, &spoke_a_table, &platform).await;
    propagate(&c_net, &spoke_b_table, &platform).await;
    propagate(&c_net, &hub_table, &sa).await;
    propagate(&c_net, &hub_table, &sb).await;
    let route = |table: String, cidr: &'static str, attachment: Option<String>| {
        let c_net = c_net.clone();
        async move {
            ec2(&c_net, "eu-west-1")
                .create_transit_gateway_route()
                .transit_gateway_route_table_id(table)
                .destination_cidr_block(cidr)
                .set_transit_gateway_attachment_id(attachment.clone())
                .blackhole(attachment.is_none())
                .send()
                .await
                .unwrap();
        }
    };
    // A blackhole in spoke a (clean); a static route from spoke b into spoke a (a finding).
    route(spoke_a_table.clone(), "10.99.0.0/16", None).await;
    route(spoke_b_table.clone(), "10.21.0.0/16", Some(sa.clone())).await;

    let sa_subnet_arn = format!("arn:aws:ec2:eu-west-1:{spoke_a}:subnet/{sa_subnet}");
    let share_to_spoke_b = share(&c_sa, "to-spoke-b", &spoke_b, &sa_subnet_arn, false).await;
    share(&c_sa, "to-own", &spoke_a2, &sa_subnet_arn, false).await;
    let share_outside = share(&c_sa, "to-outside", OUTSIDER, &sa_subnet_arn, true).await;

    let nlb = network_load_balancer(&c_sa, &sa_subnet).await;
    let ec2_sa = ec2(&c_sa, "eu-west-1");
    let service = ec2_sa
        .create_vpc_endpoint_service_configuration()
        .network_load_balancer_arns(nlb)
        .acceptance_required(false)
        .send()
        .await
        .unwrap()
        .service_configuration()
        .unwrap()
        .service_id()
        .unwrap()
        .to_owned();
    ec2_sa
        .modify_vpc_endpoint_service_permissions()
        .service_id(&service)
        .add_allowed_principals(format!("arn:aws:iam::{spoke_b}:root"))
        .add_allowed_principals(format!("arn:aws:iam::{spoke_a2}:root"))
        .send()
        .await
        .unwrap();
    NetworkSeeded {
        org_id,
        network,
        mesh_a,
        mesh_b,
        spoke_a,
        spoke_a2,
        spoke_b,
        mesh_table,
        spoke_b_table,
        spoke_a_table,
        hub_table,
        share_to_spoke_b,
        share_outside,
        service,
    }
}

/// The guardrail organization: SCPs and RCPs attached at different levels.
///
/// - `Tenants` (under the root) carries `TenantIsolation`: a Deny of every default
///   guardrail's actions that exempts one named pipeline role. `acme` sits two levels below
///   it, in `Tenants/Gold`; `beta` directly in `Tenants`: both hold.
/// - `Sandbox` (under the root) carries `SandboxLinks`, a network Deny that exempts every
///   role: tenant `gamma` there holds none of the defaults, and lacks the required SCP.
/// - RCPs are enabled; `GoldPerimeter` on `Tenants/Gold` denies `sts:AssumeRole` to every
///   principal outside the resource's own account and the platform account, so beta's trust
///   into acme is closed by policy, while acme's trust into beta stays open.
pub struct GuardrailSeeded {
    pub org_id: String,
    pub shared: String,
    pub acme: String,
    pub beta: String,
    pub gamma: String,
}

impl GuardrailSeeded {
    pub fn config(&self) -> String {
        format!(
            "required_scps = [\"TenantIsolation\"]\n\n[organization]\nid = \"{}\"\n\n[tenants]\ntag_key = \"tenant\"\n\n[platform.accounts]\n\"{}\" = \"shared-services\"\n\n[collect]\nregions = [\"eu-west-1\"]\n",
            self.org_id, self.shared
        )
    }
}

/// Creates the bucket `name` in eu-west-1.
async fn eu_west_1_bucket(s3: &aws_sdk_s3::Client, name: &str) {
    s3.create_bucket()
        .bucket(name)
        .create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .unwrap();
}

/// Creates an SCP or RCP named `name` and attaches it to `target`; returns its id.
pub async fn attach_policy(
    orgs: &aws_sdk_organizations::Client,
    kind: aws_sdk_organizations::types::PolicyType,
    name: &str,
    content: &serde_json::Value,
    target: &str,
) -> String {
    let id = orgs
        .create_policy()
        .name(name)
        .description(name)
        .r#type(kind)
        .content(content.to_string())
        .send()
        .await
        .unwrap()
        .policy()
        .unwrap()
        .policy_summary()
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    orgs.attach_policy()
        .policy_id(&id)
        .target_id(target)
        .send()
        .await
        .unwrap();
    id
}

pub async fn guardrail_organization(endpoint: &str) -> GuardrailSeeded {
    use aws_sdk_organizations::types::PolicyType as Kind;
    let mgmt = moto::config(endpoint).await;
    let orgs = aws_sdk_organizations::Client::new(&mgmt);
    let org_id = orgs
        .create_organization()
        .feature_set(OrganizationFeatureSet::All)
        .send()
        .await
        .unwrap()
        .organization()
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    let root = orgs.list_roots().send().await.unwrap().roots()[0]
        .id()
        .unwrap()
        .to_owned();
    // As in AWS, an organization made through the API enables each policy type before it
    // attaches policies of that type (moto lets SCPs be attached without it; AWS does not).
    for kind in [Kind::ServiceControlPolicy, Kind::ResourceControlPolicy] {
        orgs.enable_policy_type()
            .root_id(&root)
            .policy_type(kind)
            .send()
            .await
            .unwrap();
    }
    let ou = |name: &'static str, parent: String| {
        let orgs = orgs.clone();
        async move {
            orgs.create_organizational_unit()
                .parent_id(parent)
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
    let tenants = ou("Tenants", root.clone()).await;
    let gold = ou("Gold", tenants.clone()).await;
    let sandbox = ou("Sandbox", root.clone()).await;
    let shared = tagged_account(&orgs, "shared-services", None).await;
    let acme = tagged_account(&orgs, "acme-prod", Some("acme")).await;
    let beta = tagged_account(&orgs, "beta-prod", Some("beta")).await;
    let gamma = tagged_account(&orgs, "gamma-prod", Some("gamma")).await;
    for (account, parent) in [(&acme, &gold), (&beta, &tenants), (&gamma, &sandbox)] {
        orgs.move_account()
            .account_id(account)
            .source_parent_id(&root)
            .destination_parent_id(parent)
            .send()
            .await
            .unwrap();
    }
    let attach = |kind: Kind, name: &'static str, content: serde_json::Value, target: String| {
        let orgs = orgs.clone();
        async move {
            attach_policy(&orgs, kind, name, &content, &target).await;
        }
    };
    use serde_json::json;
    let every_default = json!([
        "ec2:CreateVpcPeeringConnection",
        "ec2:AcceptVpcPeeringConnection",
        "ec2:CreateTransitGatewayVpcAttachment",
        "ec2:AcceptTransitGatewayVpcAttachment",
        "ram:CreateResourceShare",
        "ram:AssociateResourceShare",
        "ram:AcceptResourceShareInvitation",
        "organizations:LeaveOrganization",
        "iam:DeleteRole",
        "iam:UpdateAssumeRolePolicy",
        "iam:PutRolePolicy",
        "iam:DeleteRolePolicy",
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
        "iam:PutRolePermissionsBoundary"
    ]);
    let network = json!([
        "ec2:CreateVpcPeeringConnection",
        "ec2:AcceptVpcPeeringConnection",
        "ec2:CreateTransitGatewayVpcAttachment",
        "ec2:AcceptTransitGatewayVpcAttachment"
    ]);
    let deny_except = |actions: serde_json::Value, exempt: &str| {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": actions, "Resource": "*",
            "Condition": {"ArnNotLike": {"aws:PrincipalArn": exempt}}}]})
    };
    attach(
        Kind::ServiceControlPolicy,
        "TenantIsolation",
        deny_except(every_default, "arn:aws:iam::*:role/platform-pipeline"),
        tenants.clone(),
    )
    .await;
    attach(
        Kind::ServiceControlPolicy,
        "SandboxLinks",
        deny_except(network, "arn:aws:iam::*:role/*"),
        sandbox.clone(),
    )
    .await;
    attach(
        Kind::ResourceControlPolicy,
        "GoldPerimeter",
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*",
            "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalAccount": ["${aws:ResourceAccount}", shared.clone()]}}}]}),
        gold.clone(),
    )
    .await;
    let c_acme = moto::in_account(&mgmt, &acme).await;
    let c_beta = moto::in_account(&mgmt, &beta).await;
    role(
        &c_acme,
        "acme-trusts-beta",
        trust(json!({"AWS": format!("arn:aws:iam::{beta}:root")}), None),
    )
    .await;
    role(
        &c_beta,
        "beta-trusts-acme",
        trust(json!({"AWS": format!("arn:aws:iam::{acme}:root")}), None),
    )
    .await;
    GuardrailSeeded {
        org_id,
        shared,
        acme,
        beta,
        gamma,
    }
}

/// Who the resource seeds are about: the owning tenant's account, another tenant's, a
/// platform account, and the organization.
pub struct Parties<'a> {
    pub org_id: &'a str,
    pub owner: &'a str,
    pub beta: &'a str,
    pub shared: &'a str,
}

/// One violating and one clean resource of every type with a resource policy, in `owner`'s
/// account (a tenant of the seeded organization), in eu-west-1. Returns the exact findings
/// a scan must give for them: (rule, resource ARN, counterpart account or description).
pub async fn resource_policies(
    endpoint: &str,
    s: &Parties<'_>,
) -> Vec<(&'static str, String, String)> {
    use serde_json::json;
    let mgmt = moto::config(endpoint).await;
    let owner = &s.owner.to_owned();
    let cfg = moto::in_account(&mgmt, owner).await;
    let cfg = cfg.to_builder().region(Region::new("eu-west-1")).build();
    let region = "eu-west-1";
    let doc = |statements: serde_json::Value| {
        json!({"Version": "2012-10-17", "Statement": statements}).to_string()
    };
    let allow = |principal: serde_json::Value, action: &str, resource: &str| json!({"Effect": "Allow", "Principal": principal, "Action": action, "Resource": resource});
    let root = |a: &str| json!({"AWS": format!("arn:aws:iam::{a}:root")});
    let suffix = &owner[8..];

    // S3: one bucket another tenant reads, one the platform reads.
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&cfg)
            .force_path_style(true)
            .build(),
    );
    let bucket = |name: String, policy: String| {
        let s3 = s3.clone();
        async move {
            eu_west_1_bucket(&s3, &name).await;
            s3.put_bucket_policy()
                .bucket(&name)
                .policy(policy)
                .send()
                .await
                .unwrap();
        }
    };
    let leak = format!("acme-leak-{suffix}");
    bucket(
        leak.clone(),
        doc(json!([allow(
            root(s.beta),
            "s3:GetObject",
            &format!("arn:aws:s3:::{leak}/*")
        )])),
    )
    .await;
    let own = format!("acme-own-{suffix}");
    bucket(
        own.clone(),
        doc(json!([allow(
            root(s.shared),
            "s3:GetObject",
            &format!("arn:aws:s3:::{own}/*")
        )])),
    )
    .await;

    // KMS: a key beta may decrypt with (by policy and by grant: one finding), and the default.
    let kms = aws_sdk_kms::Client::new(&cfg);
    let key = |policy: String| {
        let kms = kms.clone();
        async move {
            kms.create_key()
                .policy(policy)
                .send()
                .await
                .unwrap()
                .key_metadata()
                .unwrap()
                .key_id()
                .to_owned()
        }
    };
    let default = allow(root(owner), "kms:*", "*");
    let shared_key = key(doc(json!([
        default.clone(),
        allow(root(s.beta), "kms:Decrypt", "*")
    ])))
    .await;
    kms.create_grant()
        .key_id(&shared_key)
        .grantee_principal(format!("arn:aws:iam::{}:role/beta-batch", s.beta))
        .operations(aws_sdk_kms::types::GrantOperation::Decrypt)
        .send()
        .await
        .unwrap();
    key(doc(json!([default]))).await;

    // SQS: a queue the whole organization may write to; one only SNS topics of this account may.
    let sqs = aws_sdk_sqs::Client::new(&cfg);
    let queue = |name: &'static str, policy: String| {
        let sqs = sqs.clone();
        async move {
            sqs.create_queue()
                .queue_name(name)
                .attributes(aws_sdk_sqs::types::QueueAttributeName::Policy, policy)
                .send()
                .await
                .unwrap();
        }
    };
    let queue_arn = |name: &str| format!("arn:aws:sqs:{region}:{owner}:{name}");
    queue("acme-orgwide", doc(json!([{"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": queue_arn("acme-orgwide"), "Condition": {"StringEquals": {"aws:PrincipalOrgID": s.org_id}}}]))).await;
    queue("acme-notified", doc(json!([{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": queue_arn("acme-notified"), "Condition": {"StringEquals": {"aws:SourceAccount": owner}}}]))).await;

    // SNS: a topic anyone may publish to; one only the account may.
    let sns = aws_sdk_sns::Client::new(&cfg);
    for (name, principal) in [
        ("acme-public", json!({"AWS": "*"})),
        ("acme-private", root(owner)),
    ] {
        let arn = sns
            .create_topic()
            .name(name)
            .send()
            .await
            .unwrap()
            .topic_arn()
            .unwrap()
            .to_owned();
        sns.set_topic_attributes()
            .topic_arn(&arn)
            .attribute_name("Policy")
            .attribute_value(doc(json!([allow(principal, "sns:Publish", &arn)])))
            .send()
            .await
            .unwrap();
    }

    // Secrets Manager: a secret an outside account may read; one the allowed vendor may, which
    // a resource policy cannot make it do with the `sts:ExternalId` it must bring.
    let sm = aws_sdk_secretsmanager::Client::new(&cfg);
    let mut secret_arns = Vec::new();
    for (name, reader) in [("acme-external", OUTSIDER), ("acme-vendor", VENDOR)] {
        let arn = sm
            .create_secret()
            .name(name)
            .secret_string("x")
            .send()
            .await
            .unwrap()
            .arn()
            .unwrap()
            .to_owned();
        sm.put_resource_policy()
            .secret_id(&arn)
            .resource_policy(doc(json!([allow(
                root(reader),
                "secretsmanager:GetSecretValue",
                "*"
            )])))
            .send()
            .await
            .unwrap();
        secret_arns.push(arn);
    }

    // Lambda: a function any account's SNS topic may invoke; one only this account's S3 may.
    role(
        &cfg,
        "acme-lambda",
        trust(json!({"Service": "lambda.amazonaws.com"}), None),
    )
    .await;
    let lambda = aws_sdk_lambda::Client::new(&cfg);
    for (name, service, condition) in [
        ("acme-fn-open", "sns.amazonaws.com", None),
        ("acme-fn-own", "s3.amazonaws.com", Some(owner.clone())),
    ] {
        lambda
            .create_function()
            .function_name(name)
            .runtime(aws_sdk_lambda::types::Runtime::Python312)
            .role(format!("arn:aws:iam::{owner}:role/acme-lambda"))
            .handler("index.handler")
            .code(
                aws_sdk_lambda::types::FunctionCode::builder()
                    .zip_file(aws_smithy_types::Blob::new(empty_zip()))
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let mut permission = lambda
            .add_permission()
            .function_name(name)
            .statement_id("invoke")
            .action("lambda:InvokeFunction")
            .principal(service);
        if let Some(account) = condition {
            permission = permission.source_account(account);
        }
        permission.send().await.unwrap();
    }

    // ECR: a repository beta may pull from; one the owner's own account may.
    let ecr = aws_sdk_ecr::Client::new(&cfg);
    for (name, reader) in [
        ("acme-repo-shared", s.beta),
        ("acme-repo-own", owner.as_str()),
    ] {
        ecr.create_repository()
            .repository_name(name)
            .send()
            .await
            .unwrap();
        ecr.set_repository_policy()
            .repository_name(name)
            .policy_text(
                json!({"Version": "2012-10-17", "Statement": [{"Sid": "pull", "Effect": "Allow", "Principal": root(reader), "Action": ["ecr:BatchGetImage"]}]}).to_string(),
            )
            .send()
            .await
            .unwrap();
    }

    // S3 ACLs: one bucket granting beta read by beta's canonical user id (read as beta sees
    // it, from its own ListBuckets), one granting S3 log delivery write (not a finding).
    let beta_s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&moto::in_account(&mgmt, s.beta).await)
            .region(Region::new("eu-west-1"))
            .force_path_style(true)
            .build(),
    );
    let beta_canonical = beta_s3
        .list_buckets()
        .send()
        .await
        .unwrap()
        .owner()
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    let own_canonical = s3
        .list_buckets()
        .send()
        .await
        .unwrap()
        .owner()
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    let acl_bucket = format!("acme-acl-{suffix}");
    for (name, grant) in [
        (acl_bucket.clone(), format!("id={beta_canonical}")),
        (
            format!("acme-logs-{suffix}"),
            "uri=http://acs.amazonaws.com/groups/s3/LogDelivery".to_owned(),
        ),
    ] {
        eu_west_1_bucket(&s3, &name).await;
        let put = s3
            .put_bucket_acl()
            .bucket(&name)
            .grant_full_control(format!("id={own_canonical}"));
        let put = if grant.starts_with("uri=") {
            put.grant_write(grant)
        } else {
            put.grant_read(grant)
        };
        put.send().await.unwrap();
    }

    // An S3 access point on the leaking bucket whose policy grants beta, and one granting the
    // owner's own account (a look-alike).
    let mut points = Vec::new();
    for (name, grantee) in [("acme-ap-beta", s.beta), ("acme-ap-own", owner.as_str())] {
        let arn = format!("arn:aws:s3:{region}:{owner}:accesspoint/{name}");
        moto::s3control_put(
            endpoint,
            &cfg,
            owner,
            &format!("/v20180820/accesspoint/{name}"),
            &format!(r#"<CreateAccessPointRequest xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><Bucket>{leak}</Bucket></CreateAccessPointRequest>"#),
        )
        .await;
        let policy = doc(json!([allow(
            root(grantee),
            "s3:GetObject",
            &format!("{arn}/object/*")
        )]));
        let escaped = policy
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;");
        moto::s3control_put(
            endpoint,
            &cfg,
            owner,
            &format!("/v20180820/accesspoint/{name}/policy"),
            &format!(r#"<PutAccessPointPolicyRequest xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><Policy>{escaped}</Policy></PutAccessPointPolicyRequest>"#),
        )
        .await;
        points.push(arn);
    }

    // EC2 sharing by attribute: a snapshot shared with beta (and one with the platform, a
    // look-alike), an AMI public and one shared with the whole organization.
    let ec2 = aws_sdk_ec2::Client::new(&cfg);
    let mut snapshots = Vec::new();
    for to in [s.beta, s.shared] {
        let volume = ec2
            .create_volume()
            .availability_zone("eu-west-1a")
            .size(1)
            .send()
            .await
            .unwrap()
            .volume_id()
            .unwrap()
            .to_owned();
        let snapshot = ec2
            .create_snapshot()
            .volume_id(volume)
            .send()
            .await
            .unwrap()
            .snapshot_id()
            .unwrap()
            .to_owned();
        ec2.modify_snapshot_attribute()
            .snapshot_id(&snapshot)
            .attribute(aws_sdk_ec2::types::SnapshotAttributeName::CreateVolumePermission)
            .operation_type(aws_sdk_ec2::types::OperationType::Add)
            .user_ids(to)
            .send()
            .await
            .unwrap();
        snapshots.push(snapshot);
    }
    let mut images = Vec::new();
    for (name, permission) in [
        (
            "acme-public",
            aws_sdk_ec2::types::LaunchPermission::builder()
                .group(aws_sdk_ec2::types::PermissionGroup::All)
                .build(),
        ),
        (
            "acme-orgwide",
            aws_sdk_ec2::types::LaunchPermission::builder()
                .organization_arn(format!(
                    "arn:aws:organizations::{MANAGEMENT}:organization/{}",
                    s.org_id
                ))
                .build(),
        ),
    ] {
        let image = ec2
            .register_image()
            .name(name)
            .root_device_name("/dev/xvda")
            .send()
            .await
            .unwrap()
            .image_id()
            .unwrap()
            .to_owned();
        ec2.modify_image_attribute()
            .image_id(&image)
            .launch_permission(
                aws_sdk_ec2::types::LaunchPermissionModifications::builder()
                    .add(permission)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        images.push(image);
    }

    // The rest of the data plane: an RDS snapshot shared with beta, a cluster snapshot kept
    // to itself, an event bus and a REST API and a DynamoDB table beta may use, an EFS file
    // system open to the organization, and a Logs policy for a service with no source.
    let rds = aws_sdk_rds::Client::new(&cfg);
    rds.create_db_instance()
        .db_instance_identifier("acme-db")
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .allocated_storage(20)
        .master_username("acme")
        .master_user_password("not-a-secret-1")
        .send()
        .await
        .unwrap();
    let db_snapshot = rds
        .create_db_snapshot()
        .db_instance_identifier("acme-db")
        .db_snapshot_identifier("acme-db-export")
        .send()
        .await
        .unwrap()
        .db_snapshot()
        .unwrap()
        .db_snapshot_arn()
        .unwrap()
        .to_owned();
    rds.modify_db_snapshot_attribute()
        .db_snapshot_identifier("acme-db-export")
        .attribute_name("restore")
        .values_to_add(s.beta)
        .send()
        .await
        .unwrap();
    rds.create_db_cluster()
        .db_cluster_identifier("acme-aurora")
        .engine("aurora-postgresql")
        .master_username("acme")
        .master_user_password("not-a-secret-1")
        .send()
        .await
        .unwrap();
    rds.create_db_cluster_snapshot()
        .db_cluster_identifier("acme-aurora")
        .db_cluster_snapshot_identifier("acme-aurora-private")
        .send()
        .await
        .unwrap();
    let events = aws_sdk_eventbridge::Client::new(&cfg);
    let bus = events
        .create_event_bus()
        .name("acme-orders")
        .send()
        .await
        .unwrap()
        .event_bus_arn()
        .unwrap()
        .to_owned();
    events
        .put_permission()
        .event_bus_name("acme-orders")
        .action("events:PutEvents")
        .principal(s.beta)
        .statement_id("beta")
        .send()
        .await
        .unwrap();
    let api = aws_sdk_apigateway::Client::new(&cfg)
        .create_rest_api()
        .name("acme-api")
        .policy(doc(json!([allow(
            root(s.beta),
            "execute-api:Invoke",
            "execute-api:/*"
        )])))
        .send()
        .await
        .unwrap()
        .id()
        .unwrap()
        .to_owned();
    let ddb = aws_sdk_dynamodb::Client::new(&cfg);
    let table = ddb
        .create_table()
        .table_name("acme-ledger")
        .attribute_definitions(
            aws_sdk_dynamodb::types::AttributeDefinition::builder()
                .attribute_name("pk")
                .attribute_type(aws_sdk_dynamodb::types::ScalarAttributeType::S)
                .build()
                .unwrap(),
        )
        .key_schema(
            aws_sdk_dynamodb::types::KeySchemaElement::builder()
                .attribute_name("pk")
                .key_type(aws_sdk_dynamodb::types::KeyType::Hash)
                .build()
                .unwrap(),
        )
        .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
        .send()
        .await
        .unwrap()
        .table_description()
        .unwrap()
        .table_arn()
        .unwrap()
        .to_owned();
    ddb.put_resource_policy()
        .resource_arn(&table)
        .policy(doc(json!([allow(
            root(s.beta),
            "dynamodb:GetItem",
            &table
        )])))
        .send()
        .await
        .unwrap();
    let efs = aws_sdk_efs::Client::new(&cfg);
    let fs = efs
        .create_file_system()
        .creation_token("acme-shared-fs")
        .send()
        .await
        .unwrap();
    let (fs_id, fs_arn) = (
        fs.file_system_id().to_owned(),
        fs.file_system_arn().unwrap().to_owned(),
    );
    efs.put_file_system_policy()
        .file_system_id(&fs_id)
        .policy(doc(json!([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "elasticfilesystem:ClientMount", "Resource": fs_arn, "Condition": {"StringEquals": {"aws:PrincipalOrgID": s.org_id}}}])))
        .send()
        .await
        .unwrap();
    aws_sdk_cloudwatchlogs::Client::new(&cfg)
        .put_resource_policy()
        .policy_name("acme-opensearch")
        .policy_document(doc(json!([{"Effect": "Allow", "Principal": {"Service": "es.amazonaws.com"}, "Action": "logs:PutLogEvents", "Resource": "*"}])))
        .send()
        .await
        .unwrap();

    vec![
        (
            "cross-tenant-resource-access",
            points[0].clone(),
            s.beta.to_owned(),
        ),
        (
            "cross-tenant-resource-access",
            format!("arn:aws:s3:::{acl_bucket}"),
            s.beta.to_owned(),
        ),
        (
            "cross-tenant-resource-access",
            db_snapshot,
            s.beta.to_owned(),
        ),
        ("cross-tenant-resource-access", bus, s.beta.to_owned()),
        (
            "cross-tenant-resource-access",
            format!("arn:aws:execute-api:{region}:{owner}:{api}"),
            s.beta.to_owned(),
        ),
        ("cross-tenant-resource-access", table, s.beta.to_owned()),
        (
            "organization-wide-resource-access",
            fs_arn,
            format!(
                "every account of organization `{}`, every tenant included",
                s.org_id
            ),
        ),
        (
            "service-principal-without-source",
            format!("arn:aws:logs:{region}:{owner}:resource-policy/acme-opensearch"),
            "any account's use of `es.amazonaws.com` (no source condition)".to_owned(),
        ),
        (
            "cross-tenant-resource-access",
            format!("arn:aws:ec2:{region}::snapshot/{}", snapshots[0]),
            s.beta.to_owned(),
        ),
        (
            "public-resource-access",
            format!("arn:aws:ec2:{region}::image/{}", images[0]),
            "any AWS account".to_owned(),
        ),
        (
            "organization-wide-resource-access",
            format!("arn:aws:ec2:{region}::image/{}", images[1]),
            format!(
                "every account of organization `{}`, every tenant included",
                s.org_id
            ),
        ),
        (
            "cross-tenant-resource-access",
            format!("arn:aws:s3:::{leak}"),
            s.beta.to_owned(),
        ),
        (
            "cross-tenant-resource-access",
            format!("arn:aws:kms:{region}:{owner}:key/{shared_key}"),
            s.beta.to_owned(),
        ),
        (
            "organization-wide-resource-access",
            queue_arn("acme-orgwide"),
            format!(
                "every account of organization `{}`, every tenant included",
                s.org_id
            ),
        ),
        (
            "public-resource-access",
            format!("arn:aws:sns:{region}:{owner}:acme-public"),
            "any AWS account".to_owned(),
        ),
        (
            "external-resource-access",
            secret_arns[0].clone(),
            OUTSIDER.to_owned(),
        ),
        (
            "external-resource-access",
            secret_arns[1].clone(),
            VENDOR.to_owned(),
        ),
        (
            "service-principal-without-source",
            format!("arn:aws:lambda:{region}:{owner}:function:acme-fn-open"),
            "any account's use of `sns.amazonaws.com` (no source condition)".to_owned(),
        ),
        (
            "cross-tenant-resource-access",
            format!("arn:aws:ecr:{region}:{owner}:repository/acme-repo-shared"),
            s.beta.to_owned(),
        ),
    ]
}

/// A zip archive with no entries: all a function needs when it is never invoked.
fn empty_zip() -> Vec<u8> {
    // The end-of-central-directory record alone is a valid, empty archive.
    let mut zip = vec![0x50, 0x4b, 0x05, 0x06];
    zip.extend([0u8; 18]);
    zip
}

/// What [`people`] planted: the ids the expected findings name.
pub struct People {
    pub support: String,
    pub dana: String,
}

/// The human path, on top of an organization (`owner` is tenant acme, `beta` another
/// tenant, `shared` a platform account): Identity Center (in the emulator's home
/// Region, us-east-1) with groups inside one tenant, a platform on-call group, a support
/// group assigned on two tenants, a user reaching two tenants through two groups, a
/// permission set used by different groups in different tenants, and a permission set whose
/// provisioned role may assume any role; and IAM users in `beta`: one whose group lets it
/// assume acme's role trusting beta (a path), one limited to beta's own roles.
pub async fn people(endpoint: &str, s: &Parties<'_>) -> People {
    use aws_sdk_identitystore::types::MemberId;
    use aws_sdk_ssoadmin::types::{PermissionsBoundary, PrincipalType, TargetType};
    let mgmt = moto::config(endpoint).await;
    let admin = aws_sdk_ssoadmin::Client::new(&mgmt);
    let instance = admin.list_instances().send().await.unwrap().instances()[0].clone();
    let (arn, store_id) = (
        instance.instance_arn().unwrap().to_owned(),
        instance.identity_store_id().unwrap().to_owned(),
    );
    let set = |name: &'static str| {
        let (admin, arn) = (admin.clone(), arn.clone());
        async move {
            admin
                .create_permission_set()
                .instance_arn(arn)
                .name(name)
                .send()
                .await
                .unwrap()
                .permission_set()
                .unwrap()
                .permission_set_arn()
                .unwrap()
                .to_owned()
        }
    };
    let operator = set("Operator").await;
    admin
        .put_inline_policy_to_permission_set()
        .instance_arn(&arn)
        .permission_set_arn(&operator)
        .inline_policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::*:role/*"}]}"#)
        .send()
        .await
        .unwrap();
    let reader = set("Reader").await;
    admin
        .put_inline_policy_to_permission_set()
        .instance_arn(&arn)
        .permission_set_arn(&reader)
        .inline_policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#)
        .send()
        .await
        .unwrap();
    admin
        .put_permissions_boundary_to_permission_set()
        .instance_arn(&arn)
        .permission_set_arn(&reader)
        .permissions_boundary(
            PermissionsBoundary::builder()
                .managed_policy_arn("arn:aws:iam::aws:policy/ReadOnlyAccess")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let store = aws_sdk_identitystore::Client::new(&mgmt);
    let group = |name: &'static str| {
        let (store, id) = (store.clone(), store_id.clone());
        async move {
            store
                .create_group()
                .identity_store_id(id)
                .display_name(name)
                .send()
                .await
                .unwrap()
                .group_id()
                .to_owned()
        }
    };
    let user = |name: &'static str| {
        let (store, id) = (store.clone(), store_id.clone());
        async move {
            store
                .create_user()
                .identity_store_id(id)
                .user_name(name)
                .display_name(name)
                .name(
                    aws_sdk_identitystore::types::Name::builder()
                        .given_name(name)
                        .family_name("Example")
                        .build(),
                )
                .send()
                .await
                .unwrap()
                .user_id()
                .to_owned()
        }
    };
    let (acme_admins, beta_readers, acme_readers, oncall, support) = (
        group("acme-admins").await,
        group("beta-readers").await,
        group("acme-readers").await,
        group("oncall").await,
        group("support").await,
    );
    let (dana, erin, frank) = (user("dana").await, user("erin").await, user("frank").await);
    for (group, member) in [
        (&acme_admins, &dana),
        (&beta_readers, &dana),
        (&acme_admins, &erin),
        (&oncall, &erin),
        (&support, &frank),
    ] {
        store
            .create_group_membership()
            .identity_store_id(&store_id)
            .group_id(group)
            .member_id(MemberId::UserId(member.clone()))
            .send()
            .await
            .unwrap();
    }
    for (group, set, account) in [
        (&acme_admins, &operator, s.owner),
        (&acme_readers, &reader, s.owner),
        (&beta_readers, &reader, s.beta),
        (&oncall, &operator, s.owner),
        (&oncall, &operator, s.beta),
        (&oncall, &operator, s.shared),
        (&support, &reader, s.owner),
        (&support, &reader, s.beta),
    ] {
        admin
            .create_account_assignment()
            .instance_arn(&arn)
            .target_id(account)
            .target_type(TargetType::AwsAccount)
            .permission_set_arn(set)
            .principal_type(PrincipalType::Group)
            .principal_id(group)
            .send()
            .await
            .unwrap();
    }

    let iam = aws_sdk_iam::Client::new(&moto::in_account(&mgmt, s.beta).await);
    let policy = |resource: String| {
        serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": resource}]})
        .to_string()
    };
    for (user, group, resource) in [
        (
            "beta-etl",
            "etl",
            format!("arn:aws:iam::{}:role/acme-to-beta", s.owner),
        ),
        (
            "beta-local",
            "local",
            format!("arn:aws:iam::{}:role/*", s.beta),
        ),
    ] {
        iam.create_user().user_name(user).send().await.unwrap();
        iam.create_group().group_name(group).send().await.unwrap();
        iam.add_user_to_group()
            .group_name(group)
            .user_name(user)
            .send()
            .await
            .unwrap();
        iam.put_group_policy()
            .group_name(group)
            .policy_name("assume")
            .policy_document(policy(resource))
            .send()
            .await
            .unwrap();
        iam.create_access_key()
            .user_name(user)
            .send()
            .await
            .unwrap();
    }
    People { support, dana }
}
