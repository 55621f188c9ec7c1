//! One member account: assume the audit role, check who we are, read IAM once and the network
//! of each region. Every failure is recorded against the account or region it happened in.

use std::sync::Arc;

use aws_config::SdkConfig;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tracing::Instrument;

use super::scp_regions::RegionGate;
use super::session::{Retries, Session, sdk_error};
use super::{Options, iam, network, resources};
use crate::inventory::{
    AccountInventory, CollectionStatus, PeeringConnection, PeeringSide, RegionInventory, Subnet,
    TransitGatewayAttachment, Vpc,
};

pub async fn read(
    base: &SdkConfig,
    options: &Options,
    account: &str,
    gate: &RegionGate,
    retries: &Retries,
) -> AccountInventory {
    // `instrument`, not `enter`: a span entered across awaits would tag other tasks' logs.
    read_account(base, options, account, gate, retries)
        .instrument(tracing::info_span!("account", account))
        .await
}

async fn read_account(
    base: &SdkConfig,
    options: &Options,
    account: &str,
    gate: &RegionGate,
    retries: &Retries,
) -> AccountInventory {
    let session = Session::assumed(base, &options.audit_role, account, retries);
    // Whatever credentials came back, make sure they act in the account we asked for: an
    // emulator (and a misconfigured role chain) can hand back another account's identity.
    let identity = session.sts().get_caller_identity().send().await;
    match identity {
        Err(e) => {
            let role = options.audit_role.arn_in(account);
            return AccountInventory::failed(account, sdk_error(&format!("assuming {role}"), &e));
        }
        Ok(who) if who.account() != Some(account) => {
            return AccountInventory::failed(
                account,
                format!(
                    "assumed credentials act in account {}, not {account}",
                    who.account().unwrap_or("(none)")
                ),
            );
        }
        Ok(_) => {}
    }
    let (roles, users) = match iam::read(&session.iam()).await {
        Ok(read) => read,
        Err(e) => return AccountInventory::failed(account, e),
    };
    let users = Some(users);
    let regions = match &options.regions {
        Some(list) => list.clone(),
        None => match enabled_regions(&session.ec2(None)).await {
            Ok(list) => list,
            Err(e) => {
                return AccountInventory {
                    roles,
                    users,
                    ..AccountInventory::failed(account, e)
                };
            }
        },
    };
    // Regions an SCP denies the audit role are not called: every read there would fail.
    let mut denied = gate.denied(account, &options.audit_role.arn_in(account), &regions);
    let mut read: Vec<RegionInventory> = Vec::new();
    let limit = Arc::new(Semaphore::new(options.region_concurrency.max(1)));
    let mut tasks = JoinSet::new();
    for region in regions.clone() {
        if let Some(status) = denied.remove(region.as_str()) {
            read.push(RegionInventory {
                region,
                status,
                ..RegionInventory::default()
            });
            continue;
        }
        let (clients, limit) = (RegionClients::new(&session, &region), limit.clone());
        let account = account.to_owned();
        tasks.spawn(async move {
            let _permit = limit
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            read_region(&clients, &region, &account).await
        });
    }
    while let Some(result) = tasks.join_next().await {
        match result {
            Ok(region) => read.push(region),
            Err(e) => tracing::error!(error = %e, "region task failed"),
        }
    }
    read.sort_by(|a, b| a.region.cmp(&b.region));
    let canonical_user_id = read_buckets(&session, &mut read).await;
    let s3_account_block = Some(resources::account_block(&session).await);
    AccountInventory {
        account_id: account.to_owned(),
        status: CollectionStatus::Collected,
        roles,
        s3_account_block,
        canonical_user_id,
        users,
        regions: read,
    }
}

/// S3 lists buckets once per account: each bucket's policy is read in its own region and
/// filed there, for the regions read (a failed region stays failed). A failed list makes S3
/// unread in every region. Returns the account's canonical user id, the owner `ListBuckets`
/// names, by which ACL grants name the account.
async fn read_buckets(session: &Session, regions: &mut [RegionInventory]) -> Option<String> {
    let listed = resources::s3_buckets(session).await;
    for region in regions.iter_mut().filter(|r| r.status.failure().is_none()) {
        let read = match &listed {
            Ok(listed) => {
                let here: Vec<String> = listed
                    .buckets
                    .iter()
                    .filter(|(_, r)| *r == region.region)
                    .map(|(name, _)| name.clone())
                    .collect();
                resources::s3_policies(session, &region.region.clone(), here).await
            }
            Err(e) => (crate::inventory::ResourceKind::S3Bucket, Err(e.clone())),
        };
        resources::record(region, read);
    }
    listed.ok().and_then(|l| l.owner)
}

/// The regions the account has enabled. The filter is applied to the answer too: an emulator
/// may ignore it and list every region.
async fn enabled_regions(client: &aws_sdk_ec2::Client) -> Result<Vec<String>, String> {
    let out = client
        .describe_regions()
        .all_regions(false)
        .send()
        .await
        .map_err(|e| sdk_error("DescribeRegions", &e))?;
    let mut regions: Vec<String> = out
        .regions()
        .iter()
        .filter(|r| r.opt_in_status().is_none_or(|s| s != "not-opted-in"))
        .filter_map(|r| r.region_name().map(str::to_owned))
        .collect();
    regions.sort();
    Ok(regions)
}

/// The clients one region is read with.
struct RegionClients {
    ec2: aws_sdk_ec2::Client,
    ram: aws_sdk_ram::Client,
    /// For the resource-policy readers, which make their clients as they need them.
    session: Session,
}

impl RegionClients {
    fn new(session: &Session, region: &str) -> RegionClients {
        RegionClients {
            ec2: session.ec2(Some(region)),
            ram: session.ram(region),
            session: session.clone(),
        }
    }
}

/// One region, whole or not at all: a region with any read failed is not scanned, with the
/// reason, rather than half-read and taken for clean.
async fn read_region(clients: &RegionClients, region: &str, account: &str) -> RegionInventory {
    let read = async {
        let mut inventory = read_network(&clients.ec2, region).await?;
        inventory.transit_gateways = network::transit_gateways(&clients.ec2, account).await?;
        inventory.resource_shares = network::resource_shares(&clients.ram).await?;
        inventory.endpoint_services = network::endpoint_services(&clients.ec2).await?;
        inventory.security_groups = network::security_groups(&clients.ec2, account).await?;
        Ok::<_, String>(inventory)
    };
    match read.await {
        Ok(mut inventory) => {
            // Resource types are read whole or not at all each, without failing the region.
            resources::read_region(&clients.session, region, &mut inventory).await;
            inventory
        }
        Err(error) => RegionInventory {
            region: region.to_owned(),
            status: CollectionStatus::Failed { error },
            ..RegionInventory::default()
        },
    }
}

fn text(s: Option<&str>) -> String {
    s.unwrap_or_default().to_owned()
}

async fn read_network(ec2: &aws_sdk_ec2::Client, region: &str) -> Result<RegionInventory, String> {
    let mut vpcs = Vec::new();
    let mut pages = ec2.describe_vpcs().into_paginator().send();
    while let Some(page) = pages.next().await {
        for v in page.map_err(|e| sdk_error("DescribeVpcs", &e))?.vpcs() {
            vpcs.push(Vpc {
                id: text(v.vpc_id()),
                owner_id: text(v.owner_id()),
                cidr_block: text(v.cidr_block()),
                is_default: v.is_default().unwrap_or(false),
            });
        }
    }
    let mut peering_connections = Vec::new();
    let mut pages = ec2
        .describe_vpc_peering_connections()
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        for p in page
            .map_err(|e| sdk_error("DescribeVpcPeeringConnections", &e))?
            .vpc_peering_connections()
        {
            let side =
                |info: Option<&aws_sdk_ec2::types::VpcPeeringConnectionVpcInfo>| PeeringSide {
                    account_id: text(info.and_then(|i| i.owner_id())),
                    vpc_id: text(info.and_then(|i| i.vpc_id())),
                    // Older records omit the region of a same-region connection.
                    region: info.and_then(|i| i.region()).unwrap_or(region).to_owned(),
                    cidr_block: info.and_then(|i| i.cidr_block()).map(str::to_owned),
                };
            peering_connections.push(PeeringConnection {
                id: text(p.vpc_peering_connection_id()),
                status: p
                    .status()
                    .and_then(|s| s.code())
                    .map(|c| c.as_str().to_owned())
                    .unwrap_or_else(|| "unknown".to_owned()),
                requester: side(p.requester_vpc_info()),
                accepter: side(p.accepter_vpc_info()),
            });
        }
    }
    let mut transit_gateway_attachments = Vec::new();
    let mut pages = ec2
        .describe_transit_gateway_attachments()
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        for a in page
            .map_err(|e| sdk_error("DescribeTransitGatewayAttachments", &e))?
            .transit_gateway_attachments()
        {
            transit_gateway_attachments.push(TransitGatewayAttachment {
                id: text(a.transit_gateway_attachment_id()),
                transit_gateway_id: text(a.transit_gateway_id()),
                transit_gateway_owner_id: text(a.transit_gateway_owner_id()),
                resource_owner_id: text(a.resource_owner_id()),
                resource_type: a
                    .resource_type()
                    .map(|t| t.as_str().to_owned())
                    .unwrap_or_default(),
                resource_id: text(a.resource_id()),
                state: a.state().map(|s| s.as_str().to_owned()).unwrap_or_default(),
            });
        }
    }
    let mut subnets = Vec::new();
    let mut pages = ec2.describe_subnets().into_paginator().send();
    while let Some(page) = pages.next().await {
        for s in page
            .map_err(|e| sdk_error("DescribeSubnets", &e))?
            .subnets()
        {
            subnets.push(Subnet {
                id: text(s.subnet_id()),
                vpc_id: text(s.vpc_id()),
                owner_id: text(s.owner_id()),
                cidr_block: text(s.cidr_block()),
                availability_zone: text(s.availability_zone()),
            });
        }
    }
    vpcs.sort_by(|a, b| a.id.cmp(&b.id));
    peering_connections.sort_by(|a, b| a.id.cmp(&b.id));
    transit_gateway_attachments.sort_by(|a, b| a.id.cmp(&b.id));
    subnets.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(RegionInventory {
        region: region.to_owned(),
        status: CollectionStatus::Collected,
        vpcs,
        peering_connections,
        transit_gateway_attachments,
        subnets,
        ..RegionInventory::default()
    })
}
