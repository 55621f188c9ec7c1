//! Networks and sharing: VPC peering, transit-gateway attachments, route tables and routes,
//! AWS RAM shares and their associations.

use super::*;

impl Overlay<'_> {
    pub(super) fn peering(&mut self, c: &Change) -> Result<(), String> {
        let (account, region) = self.account(c)?;
        let id = self
            .ids
            .get(&c.address)
            .cloned()
            .unwrap_or_else(|| format!("pcx-planned-{}", c.name));
        for a in self.inventory.accounts.iter_mut() {
            for r in &mut a.regions {
                r.peering_connections.retain(|p| p.id != id);
            }
        }
        if c.deletes() {
            return Ok(());
        }
        let peer = c
            .text("peer_owner_id")
            .map(str::to_owned)
            .unwrap_or_else(|| account.clone());
        let peer_region = c.text("peer_region").unwrap_or(&region).to_owned();
        let pcx = PeeringConnection {
            id: id.clone(),
            status: if c.after.get("auto_accept") == Some(&Value::Bool(true)) {
                "active"
            } else {
                "pending-acceptance"
            }
            .into(),
            requester: PeeringSide {
                account_id: account.clone(),
                vpc_id: self
                    .attr(c, "vpc_id")
                    .unwrap_or_else(|_| "vpc-planned".into()),
                region: region.clone(),
                cidr_block: None,
            },
            accepter: PeeringSide {
                account_id: peer.clone(),
                vpc_id: self
                    .attr(c, "peer_vpc_id")
                    .unwrap_or_else(|_| "vpc-planned".into()),
                region: peer_region.clone(),
                cidr_block: None,
            },
        };
        self.region_mut(&account, &region)
            .peering_connections
            .push(pcx.clone());
        if peer != account && self.inventory.accounts.iter().any(|a| a.account_id == peer) {
            self.region_mut(&peer, &peer_region)
                .peering_connections
                .push(pcx);
        }
        let arn = format!("arn:aws:ec2:{region}:{account}:vpc-peering-connection/{id}");
        self.addresses.insert(arn, c.address.clone());
        self.made(c, id);
        Ok(())
    }

    pub(super) fn accepter(&mut self, c: &Change) -> Result<(), String> {
        let id = self.attr(c, "vpc_peering_connection_id")?;
        let mut found = false;
        for a in self.inventory.accounts.iter_mut() {
            for r in &mut a.regions {
                for p in r.peering_connections.iter_mut().filter(|p| p.id == id) {
                    p.status = if c.deletes() { "deleted" } else { "active" }.into();
                    found = true;
                }
            }
        }
        if !found {
            return Err(format!(
                "peering connection `{id}` is neither in the inventory nor in the plan"
            ));
        }
        Ok(())
    }

    pub(super) fn tgw_attachment(&mut self, c: &Change) -> Result<(), String> {
        let (account, region) = self.account(c)?;
        let id = self
            .ids
            .get(&c.address)
            .cloned()
            .unwrap_or_else(|| format!("tgw-attach-planned-{}", c.name));
        let tgw = self.attr(c, "transit_gateway_id")?;
        let owner = self
            .inventory
            .accounts
            .iter()
            .find(|a| {
                a.regions
                    .iter()
                    .any(|r| r.transit_gateways.iter().any(|t| t.id == tgw))
            })
            .map(|a| a.account_id.clone())
            .ok_or_else(|| format!("transit gateway `{tgw}` is not in the inventory"))?;
        if c.deletes() {
            for a in self.inventory.accounts.iter_mut() {
                for r in &mut a.regions {
                    r.transit_gateway_attachments.retain(|t| t.id != id);
                    for g in &mut r.transit_gateways {
                        for t in &mut g.route_tables {
                            t.associations.retain(|x| *x != id);
                            t.propagations.retain(|x| *x != id);
                        }
                    }
                }
            }
            return Ok(());
        }
        let attachment = TransitGatewayAttachment {
            id: id.clone(),
            transit_gateway_id: tgw.clone(),
            transit_gateway_owner_id: owner.clone(),
            resource_owner_id: account.clone(),
            resource_type: "vpc".into(),
            resource_id: self.attr(c, "vpc_id").unwrap_or_default(),
            state: "available".into(),
        };
        self.region_mut(&account, &region)
            .transit_gateway_attachments
            .push(attachment.clone());
        // The gateway's defaults: associated with and propagating into its default tables,
        // unless the attachment turns them off (both default to true).
        let associate = c
            .after
            .get("transit_gateway_default_route_table_association")
            != Some(&Value::Bool(false));
        let propagate = c
            .after
            .get("transit_gateway_default_route_table_propagation")
            != Some(&Value::Bool(false));
        let gw_region = self.region_mut(&owner, &region);
        if owner != account {
            gw_region.transit_gateway_attachments.push(attachment);
        }
        for g in gw_region
            .transit_gateways
            .iter_mut()
            .filter(|g| g.id == tgw)
        {
            let (assoc, prop) = (
                g.association_default_route_table_id.clone(),
                g.propagation_default_route_table_id.clone(),
            );
            for t in &mut g.route_tables {
                if associate && g.default_association && assoc.as_deref() == Some(t.id.as_str()) {
                    t.associations.push(id.clone());
                }
                if propagate && g.default_propagation && prop.as_deref() == Some(t.id.as_str()) {
                    t.propagations.push(id.clone());
                }
            }
        }
        self.made(c, id);
        Ok(())
    }

    pub(super) fn tgw_table(&mut self, c: &Change) -> Result<(), String> {
        let table = self.attr(c, "transit_gateway_route_table_id")?;
        let attachment = match c.kind.as_str() {
            "aws_ec2_transit_gateway_route"
                if c.after.get("blackhole") == Some(&Value::Bool(true)) =>
            {
                String::new()
            }
            _ => self.attr(c, "transit_gateway_attachment_id")?,
        };
        let deletes = c.deletes();
        let mut found = None;
        'find: for a in self.inventory.accounts.iter_mut() {
            for r in &mut a.regions {
                for g in &mut r.transit_gateways {
                    if let Some(t) = g.route_tables.iter_mut().find(|t| t.id == table) {
                        match c.kind.as_str() {
                            "aws_ec2_transit_gateway_route_table_association" => {
                                t.associations.retain(|x| *x != attachment);
                                if !deletes {
                                    t.associations.push(attachment.clone());
                                }
                            }
                            "aws_ec2_transit_gateway_route_table_propagation" => {
                                t.propagations.retain(|x| *x != attachment);
                                if !deletes {
                                    t.propagations.push(attachment.clone());
                                }
                            }
                            _ => {
                                let destination = c
                                    .text("destination_cidr_block")
                                    .unwrap_or("0.0.0.0/0")
                                    .to_owned();
                                t.routes.retain(|x| {
                                    !(x.destination == destination && x.route_type == "static")
                                });
                                if !deletes {
                                    t.routes.push(TransitGatewayRoute {
                                        destination,
                                        route_type: "static".into(),
                                        state: if attachment.is_empty() {
                                            "blackhole"
                                        } else {
                                            "active"
                                        }
                                        .into(),
                                        attachments: if attachment.is_empty() {
                                            vec![]
                                        } else {
                                            vec![attachment.clone()]
                                        },
                                    });
                                }
                            }
                        }
                        found = Some(format!(
                            "arn:aws:ec2:{}:{}:transit-gateway-route-table/{table}",
                            r.region, a.account_id
                        ));
                        break 'find;
                    }
                }
            }
        }
        let arn = found.ok_or_else(|| {
            format!("transit-gateway route table `{table}` is not in the inventory")
        })?;
        self.addresses
            .entry(arn)
            .or_insert_with(|| c.address.clone());
        Ok(())
    }

    pub(super) fn share(&mut self, c: &Change) -> Result<(), String> {
        let (account, region) = self.account(c)?;
        let arn = self.ids.get(&c.address).cloned().unwrap_or_else(|| {
            format!(
                "arn:aws:ram:{region}:{account}:resource-share/planned-{}",
                c.name
            )
        });
        self.region_mut(&account, &region)
            .resource_shares
            .retain(|s| s.arn != arn);
        if c.deletes() {
            return Ok(());
        }
        let share = ResourceShare {
            arn: arn.clone(),
            name: c.text("name").unwrap_or(&c.name).to_owned(),
            owner_id: account.clone(),
            status: "ACTIVE".into(),
            allow_external_principals: c.after.get("allow_external_principals")
                != Some(&Value::Bool(false)),
            principals: Vec::new(),
            resources: Vec::new(),
        };
        self.region_mut(&account, &region)
            .resource_shares
            .push(share);
        self.made(c, arn);
        Ok(())
    }

    pub(super) fn share_association(&mut self, c: &Change) -> Result<(), String> {
        let share_arn = self.attr(c, "resource_share_arn")?;
        let value = match c.kind.as_str() {
            "aws_ram_principal_association" => self.attr(c, "principal")?,
            _ => self.attr(c, "resource_arn")?,
        };
        let deletes = c.deletes();
        let share = self
            .inventory
            .accounts
            .iter_mut()
            .flat_map(|a| a.regions.iter_mut())
            .flat_map(|r| r.resource_shares.iter_mut())
            .find(|s| s.arn == share_arn)
            .ok_or_else(|| {
                format!("resource share `{share_arn}` is neither in the inventory nor in the plan")
            })?;
        if c.kind == "aws_ram_principal_association" {
            share.principals.retain(|p| *p != value);
            if !deletes {
                share.principals.push(value);
            }
        } else {
            share.resources.retain(|r| r.arn != value);
            if !deletes {
                share.resources.push(SharedResource {
                    resource_type: SharedResource::type_of(&value),
                    arn: value,
                });
            }
        }
        self.addresses
            .entry(share_arn)
            .or_insert_with(|| c.address.clone());
        Ok(())
    }
}
