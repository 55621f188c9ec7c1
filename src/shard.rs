//! Sharding a nightly scan: each shard collects a stable, hash-based share of the accounts,
//! and `merge` puts the shards' inventories back together, so rules that span accounts (a
//! peering seen from both sides) see the whole organization again.

use std::collections::{BTreeMap, BTreeSet};

use sha2::{Digest, Sha256};

use crate::inventory::Inventory;

/// Shard `index` (from 1) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// `K/N` with 1 <= K <= N.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` is not a shard: expected K/N with 1 <= K <= N, e.g. 2/8");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, count): (u32, u32) =
            (k.parse().map_err(|_| bad())?, n.parse().map_err(|_| bad())?);
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }

    /// An account's shard depends on its id alone, so adding accounts never moves others.
    pub fn contains(&self, account: &str) -> bool {
        let digest = Sha256::digest(account.as_bytes());
        let n = u64::from_be_bytes(digest[..8].try_into().expect("eight bytes"));
        n % u64::from(self.count) == u64::from(self.index - 1)
    }

    /// The inventory as this shard would have collected it: other accounts out of scope.
    pub fn restrict(&self, inventory: &Inventory) -> Inventory {
        let mut out = inventory.clone();
        let (mine, others): (Vec<_>, Vec<_>) = out
            .accounts
            .into_iter()
            .partition(|a| self.contains(&a.account_id));
        out.accounts = mine;
        out.out_of_scope
            .extend(others.into_iter().map(|a| a.account_id));
        out.out_of_scope.sort();
        out.out_of_scope.dedup();
        out
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    #[error("cannot merge `{path}`: it is of organization `{found}`, `{first}` is of `{expected}`")]
    Organization {
        path: String,
        found: String,
        first: String,
        expected: String,
    },
    #[error("cannot merge `{path}`: its regions {found:?} differ from `{first}`'s {expected:?}")]
    Regions {
        path: String,
        found: Vec<String>,
        first: String,
        expected: Vec<String>,
    },
    #[error(
        "cannot merge `{path}`: it read organization `{id}` differently from `{first}` (the tree, accounts, policies or Identity Center changed between their reads): collect the shards against one read (`tenantguard collect --organization-only`, then `--organization` in each shard)"
    )]
    OrganizationRead {
        path: String,
        id: String,
        first: String,
    },
    #[error("cannot merge: account {account} was collected by both `{a}` and `{b}`")]
    Overlap {
        account: String,
        a: String,
        b: String,
    },
}

/// Merges shard inventories. They must be of one organization, read the same (the shards
/// of one `collect --organization` read), and one region list, and no account may come from
/// two shards. An account is out of scope only if no shard collected it.
pub fn merge(inventories: Vec<Inventory>, shown: &[String]) -> Result<Inventory, MergeError> {
    let mut iter = inventories.into_iter().zip(shown);
    let (mut merged, first) = iter.next().expect("clap requires at least one");
    let mut owner: BTreeMap<String, &String> = merged
        .accounts
        .iter()
        .map(|a| (a.account_id.clone(), first))
        .collect();
    let mut out_of_scope: BTreeSet<String> = merged.out_of_scope.iter().cloned().collect();
    for (inv, path) in iter {
        if inv.organization.id != merged.organization.id {
            return Err(MergeError::Organization {
                path: path.clone(),
                found: inv.organization.id,
                first: first.clone(),
                expected: merged.organization.id,
            });
        }
        // Rules span accounts: shards that saw different trees (an account moved, an SCP
        // detached mid-run) would be judged against a tree no one read.
        if inv.organization != merged.organization {
            return Err(MergeError::OrganizationRead {
                path: path.clone(),
                id: inv.organization.id,
                first: first.clone(),
            });
        }
        if inv.regions != merged.regions {
            return Err(MergeError::Regions {
                path: path.clone(),
                found: inv.regions,
                first: first.clone(),
                expected: merged.regions,
            });
        }
        out_of_scope.extend(inv.out_of_scope);
        for account in inv.accounts {
            if let Some(a) = owner.get(&account.account_id) {
                return Err(MergeError::Overlap {
                    account: account.account_id,
                    a: (*a).clone(),
                    b: path.clone(),
                });
            }
            owner.insert(account.account_id.clone(), path);
            merged.accounts.push(account);
        }
    }
    merged
        .accounts
        .sort_by(|a, b| a.account_id.cmp(&b.account_id));
    merged.out_of_scope = out_of_scope
        .into_iter()
        .filter(|id| !owner.contains_key(id))
        .collect();
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_accounts_stably() {
        let ids: Vec<String> = (0..1000)
            .map(|i| format!("{:012}", 200_000_000_000u64 + i))
            .collect();
        let shards: Vec<Shard> = (1..=4).map(|k| Shard { index: k, count: 4 }).collect();
        for id in &ids {
            assert_eq!(
                shards.iter().filter(|s| s.contains(id)).count(),
                1,
                "{id} in exactly one shard"
            );
        }
        let sizes: Vec<usize> = shards
            .iter()
            .map(|s| ids.iter().filter(|id| s.contains(id)).count())
            .collect();
        assert!(
            sizes.iter().all(|n| (200..300).contains(n)),
            "balanced: {sizes:?}"
        );
        assert!(
            Shard::parse("0/3").is_err()
                && Shard::parse("4/3").is_err()
                && Shard::parse("x").is_err()
        );
        assert_eq!(Shard::parse("2/3"), Ok(Shard { index: 2, count: 3 }));
    }
}
