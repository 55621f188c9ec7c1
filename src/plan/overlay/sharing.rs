//! What a plan shares by attribute: `aws_ebs_snapshot_create_volume_permission` (a snapshot to
//! an account) and `aws_ami_launch_permission` (an AMI to an account, everyone, the
//! organization or an OU), written as the collector records shares.

use super::*;
use crate::inventory::SharedWith;

impl Overlay<'_> {
    /// `aws_db_snapshot` and `aws_db_cluster_snapshot`: their `shared_accounts` (account ids,
    /// or `all`) are the snapshot's `restore` attribute.
    pub(super) fn db_snapshot(&mut self, c: &Change) -> Result<(), String> {
        let (account, region) = self.account(c)?;
        let cluster = c.kind == "aws_db_cluster_snapshot";
        let (kind, id_attr, noun) = if cluster {
            (
                ResourceKind::DbClusterSnapshot,
                "db_cluster_snapshot_identifier",
                "cluster-snapshot",
            )
        } else {
            (
                ResourceKind::DbSnapshot,
                "db_snapshot_identifier",
                "snapshot",
            )
        };
        let state = if c.deletes() { &c.before } else { &c.after };
        let id = state
            .get(id_attr)
            .and_then(Value::as_str)
            .ok_or_else(|| format!("`{id_attr}` is not known"))?;
        if !c.deletes() && c.unknown("shared_accounts") {
            return Err("`shared_accounts` is known only after apply".to_owned());
        }
        let shares: Vec<SharedWith> = if c.deletes() {
            Vec::new()
        } else {
            state
                .get("shared_accounts")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(|v| match v {
                    "all" => SharedWith::Everyone,
                    id => SharedWith::Account { id: id.to_owned() },
                })
                .collect()
        };
        let arn = format!("arn:aws:rds:{region}:{account}:{noun}:{id}");
        let r = self.region_mut(&account, &region);
        r.resources.retain(|x| x.arn != arn);
        if !shares.is_empty() {
            r.resources.push(ResourcePolicy {
                kind,
                arn: arn.clone(),
                status: CollectionStatus::Collected,
                policy: None,
                grants: Vec::new(),
                public_access_block: None,
                shares,
                acl: Vec::new(),
            });
        }
        self.addresses.insert(arn, c.address.clone());
        Ok(())
    }

    pub(super) fn share_permission(&mut self, c: &Change) -> Result<(), String> {
        let (account, region) = self.account(c)?;
        let value = |name: &str| -> Result<Option<String>, String> {
            let state = if c.deletes() { &c.before } else { &c.after };
            match state.get(name).and_then(Value::as_str) {
                Some(v) if !v.is_empty() => Ok(Some(v.to_owned())),
                _ if !c.deletes() && c.unknown(name) => self.attr(c, name).map(Some),
                _ => Ok(None),
            }
        };
        let (kind, noun, id) = match c.kind.as_str() {
            "aws_ebs_snapshot_create_volume_permission" => {
                (ResourceKind::EbsSnapshot, "snapshot", value("snapshot_id")?)
            }
            _ => (ResourceKind::MachineImage, "image", value("image_id")?),
        };
        let id = id.ok_or("the snapshot or image id is not known")?;
        let share = if let Some(a) = value("account_id")? {
            SharedWith::Account { id: a }
        } else if value("group")?.as_deref() == Some("all") {
            SharedWith::Everyone
        } else if let Some(arn) = value("organization_arn")? {
            SharedWith::Organization { arn }
        } else if let Some(arn) = value("organizational_unit_arn")? {
            SharedWith::OrganizationalUnit { arn }
        } else {
            return Err("it names no account, group, organization or OU".to_owned());
        };
        let arn = format!("arn:aws:ec2:{region}::{noun}/{id}");
        let deletes = c.deletes();
        let r = self.region_mut(&account, &region);
        let at = match r.resources.iter().position(|x| x.arn == arn) {
            Some(i) => i,
            None => {
                r.resources.push(ResourcePolicy {
                    kind,
                    arn: arn.clone(),
                    status: CollectionStatus::Collected,
                    policy: None,
                    grants: Vec::new(),
                    public_access_block: None,
                    shares: Vec::new(),
                    acl: Vec::new(),
                });
                r.resources.len() - 1
            }
        };
        let shares = &mut r.resources[at].shares;
        shares.retain(|s| *s != share);
        if !deletes {
            shares.push(share);
        }
        self.addresses.insert(arn, c.address.clone());
        Ok(())
    }
}

impl Overlay<'_> {
    /// `aws_s3_bucket_public_access_block` and `aws_s3_account_public_access_block`: what they
    /// close is applied as the collector records it (a deletion turns every setting off).
    pub(super) fn public_access_block(&mut self, c: &Change) -> Result<(), String> {
        let (account, region) = self.account(c)?;
        let flag = |name: &str| -> Result<bool, String> {
            if c.deletes() {
                return Ok(false);
            }
            match c.after.get(name) {
                Some(Value::Bool(b)) => Ok(*b),
                None | Some(Value::Null) if !c.unknown(name) => Ok(false),
                _ => Err(format!("`{name}` is known only after apply")),
            }
        };
        let block = crate::inventory::PublicAccessBlock {
            block_public_policy: flag("block_public_policy")?,
            restrict_public_buckets: flag("restrict_public_buckets")?,
            ignore_public_acls: flag("ignore_public_acls")?,
        };
        if c.kind == "aws_s3_account_public_access_block" {
            let target = match c.text("account_id") {
                Some(id) => id.to_owned(),
                None => account,
            };
            let inventory = self
                .inventory
                .accounts
                .iter_mut()
                .find(|a| a.account_id == target)
                .ok_or_else(|| format!("account {target} is not in the inventory"))?;
            inventory.s3_account_block = Some(crate::inventory::AccountBlockRead {
                status: CollectionStatus::Collected,
                block: Some(block),
            });
            return Ok(());
        }
        let bucket = self.attr(c, "bucket")?;
        let arn = format!("arn:aws:s3:::{bucket}");
        // The bucket's own region is where the collector filed it; a new one lands in the
        // change's.
        let filed = self.bucket_region(&account, &arn);
        let r = self.region_mut(&account, &filed.unwrap_or(region));
        match r.resources.iter_mut().find(|x| x.arn == arn) {
            Some(x) => x.public_access_block = Some(block),
            None => r.resources.push(ResourcePolicy {
                kind: ResourceKind::S3Bucket,
                arn: arn.clone(),
                status: CollectionStatus::Collected,
                policy: None,
                grants: Vec::new(),
                public_access_block: Some(block),
                shares: Vec::new(),
                acl: Vec::new(),
            }),
        }
        self.addresses
            .entry(arn)
            .or_insert_with(|| c.address.clone());
        Ok(())
    }
}
