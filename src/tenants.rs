//! Who owns each account: a tenant, the platform, an allowed vendor, nobody we know of
//! (unmapped), or someone outside the organization. This is where the zone of trust is drawn.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::config::{Config, PlatformRole, ThirdParty};
use crate::inventory::Organization;
use crate::orgtree::OrgTree;
use crate::policy::{Trustee, pattern};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "snake_case")]
pub enum Owner {
    Tenant(String),
    Platform(PlatformRole),
    /// An allowed third party, by index into the configuration's list.
    ThirdParty(usize),
    /// In the organization, but neither a tenant's nor the platform's.
    Unmapped,
    /// Outside the organization and not an allowed vendor.
    External,
}

impl Owner {
    pub fn tenant(&self) -> Option<&str> {
        match self {
            Owner::Tenant(t) => Some(t),
            _ => None,
        }
    }
}

/// Where a grant reaches, in terms of owners.
#[derive(Debug, Clone, PartialEq)]
pub enum Reach {
    /// These accounts (in the organization or not).
    Accounts(Vec<String>),
    /// Every account of this organization (`aws:PrincipalOrgID`, or an OU path covering
    /// every tenant).
    WholeOrganization,
    /// Every account of another organization.
    OtherOrganization(String),
    /// Any AWS account, or any account whose id matches a pattern (the known matches are
    /// listed, unknown outsiders may match too).
    Anyone {
        matching: Vec<String>,
    },
    /// An account of another partition: not the organization's, whatever its id.
    OtherPartition {
        partition: String,
        account: String,
    },
    /// Services and web identity providers: not an account.
    NotAnAccount,
    Unresolved,
}

pub struct TenantMap<'a> {
    pub tree: OrgTree<'a>,
    owners: HashMap<&'a str, Owner>,
    third_parties: &'a [ThirdParty],
    /// Accounts of each tenant, for deciding whether a path covers every tenant.
    tenant_accounts: BTreeSet<&'a str>,
}

/// The owner of `id` as everything but its tag decides it: the management account, the
/// explicit account table, the platform list, the deepest mapped OU.
fn untagged_owner(tree: &OrgTree<'_>, config: &Config, id: &str) -> Option<Owner> {
    if id == tree.organization().management_account_id {
        Some(Owner::Platform(PlatformRole::Management))
    } else if let Some(t) = config.tenants.accounts.get(id) {
        Some(Owner::Tenant(t.clone()))
    } else if let Some(role) = config.platform.get(id) {
        Some(Owner::Platform(*role))
    } else {
        ou_tenant(tree, id, config).map(Owner::Tenant)
    }
}

/// The accounts whose tenant only their tag can decide: the tags collection must read
/// (`ListTagsForResource`, one call per account at Organizations' organization-wide rate).
/// None when tenants are not mapped by tag; an account the table, the platform list or an OU
/// maps needs no tag, since those come first.
pub fn decided_by_tag(org: &Organization, config: &Config) -> Vec<String> {
    if config.tenants.tag_key.is_none() {
        return Vec::new();
    }
    let tree = OrgTree::new(org);
    org.accounts
        .iter()
        .filter(|a| untagged_owner(&tree, config, &a.id).is_none())
        .map(|a| a.id.clone())
        .collect()
}

impl<'a> TenantMap<'a> {
    /// Maps every account of the organization. Precedence: the explicit account table, then
    /// the platform list, then the deepest mapped OU on the account's path, then the tag.
    /// The management account is always the platform's.
    pub fn new(org: &'a Organization, config: &'a Config) -> TenantMap<'a> {
        let tree = OrgTree::new(org);
        let mut owners = HashMap::new();
        for account in &org.accounts {
            let id = account.id.as_str();
            let owner = untagged_owner(&tree, config, id)
                .or_else(|| {
                    config
                        .tenants
                        .tag_key
                        .as_ref()
                        .and_then(|k| account.tags.get(k))
                        .filter(|t| !t.is_empty())
                        .map(|t| Owner::Tenant(t.clone()))
                })
                .unwrap_or(Owner::Unmapped);
            owners.insert(id, owner);
        }
        let tenant_accounts = owners
            .iter()
            .filter(|(_, o)| matches!(o, Owner::Tenant(_)))
            .map(|(id, _)| *id)
            .collect();
        TenantMap {
            tree,
            owners,
            third_parties: &config.third_parties,
            tenant_accounts,
        }
    }

    pub fn owner(&self, account: &str) -> Owner {
        if let Some(o) = self.owners.get(account) {
            return o.clone();
        }
        match self
            .third_parties
            .iter()
            .position(|v| v.accounts.iter().any(|a| a == account))
        {
            Some(i) => Owner::ThirdParty(i),
            None => Owner::External,
        }
    }

    pub fn third_party(&self, index: usize) -> &ThirdParty {
        &self.third_parties[index]
    }

    /// A readable name for an account's owner, for messages.
    pub fn describe(&self, account: &str) -> String {
        match self.owner(account) {
            Owner::Tenant(t) => format!("tenant `{t}` ({account})"),
            Owner::Platform(r) => format!("platform account {account} ({})", r.as_str()),
            Owner::ThirdParty(i) => {
                format!("third party `{}` ({account})", self.third_parties[i].name)
            }
            Owner::Unmapped => format!("unmapped account {account}"),
            Owner::External => format!("external account {account}"),
        }
    }

    /// The accounts of the organization, sorted.
    pub fn accounts(&self) -> Vec<&'a str> {
        let mut ids: Vec<&str> = self.owners.keys().copied().collect();
        ids.sort_unstable();
        ids
    }

    /// Where a trustee reaches.
    pub fn reach(&self, trustee: &Trustee) -> Reach {
        let org = self.tree.organization();
        match trustee {
            Trustee::AnyAccount => Reach::Anyone {
                matching: Vec::new(),
            },
            Trustee::AccountPattern { pattern: p } => Reach::Anyone {
                matching: self
                    .accounts()
                    .into_iter()
                    .filter(|id| pattern::matches(p, id))
                    .map(str::to_owned)
                    .collect(),
            },
            Trustee::Account { id, .. } => Reach::Accounts(vec![id.clone()]),
            Trustee::Organization { id } if *id == org.id => Reach::WholeOrganization,
            Trustee::Organization { id } => Reach::OtherOrganization(id.clone()),
            Trustee::OrgPath {
                pattern: p,
                wildcard,
            } => self.org_path_reach(p, *wildcard),
            Trustee::Foreign { partition, id, .. } => Reach::OtherPartition {
                partition: partition.clone(),
                account: id.clone(),
            },
            Trustee::Federated {
                account: Some(account),
                ..
            } => Reach::Accounts(vec![account.clone()]),
            Trustee::Service { .. } | Trustee::Federated { account: None, .. } => {
                Reach::NotAnAccount
            }
            Trustee::Unresolved { .. } => Reach::Unresolved,
        }
    }

    /// Where an `aws:PrincipalOrgPaths` value reaches. A path's first segment is the
    /// organization: a path headed by another organization's id admits that organization's
    /// accounts (never ours, whatever OU ids follow), and a wildcard there admits accounts of
    /// any organization.
    fn org_path_reach(&self, p: &str, wildcard: bool) -> Reach {
        let org = self.tree.organization();
        let head = p.split('/').next().unwrap_or(p);
        let matches = |id: &&str| {
            let path = self.tree.org_path(id);
            if wildcard {
                pattern::matches(p, &path)
            } else {
                p == path
            }
        };
        if head != org.id {
            return if wildcard && pattern::has_wildcard(head) {
                let matching = self.accounts().into_iter().filter(matches);
                Reach::Anyone {
                    matching: matching.map(str::to_owned).collect(),
                }
            } else if head.starts_with("o-") && !pattern::has_wildcard(head) {
                Reach::OtherOrganization(head.to_owned())
            } else {
                Reach::Unresolved
            };
        }
        let covered: Vec<&str> = self.accounts().into_iter().filter(matches).collect();
        let tenants: BTreeSet<&str> = covered
            .iter()
            .filter_map(|id| self.owners[id].tenant())
            .collect();
        let all_tenants: BTreeSet<&str> = self
            .tenant_accounts
            .iter()
            .filter_map(|id| self.owners[id].tenant())
            .collect();
        if tenants.len() > 1 && tenants == all_tenants {
            Reach::WholeOrganization
        } else {
            Reach::Accounts(covered.into_iter().map(str::to_owned).collect())
        }
    }
}

/// The tenant of the deepest mapped OU on the account's path.
fn ou_tenant(tree: &OrgTree<'_>, account: &str, config: &Config) -> Option<String> {
    tree.ancestors(account).into_iter().rev().find_map(|ou| {
        config
            .tenants
            .ous
            .get(ou)
            .or_else(|| config.tenants.ous.get(&tree.name_path(ou)))
            .cloned()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Reading tags only where `decided_by_tag` says gives every account the owner it has
    /// with every tag read: the calls left out decide nothing.
    #[test]
    fn tags_are_needed_only_where_nothing_else_decides() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/demo");
        let inventory = crate::inventory::Inventory::load(&root.join("inventory.json")).unwrap();
        let config = Config::load(&root.join("tenantguard.toml"), &crate::rules::ids()).unwrap();
        let org = &inventory.organization;
        let needed = decided_by_tag(org, &config);
        for skipped in [org.management_account_id.as_str(), "220000000001"] {
            assert!(!needed.iter().any(|id| id == skipped), "{skipped}");
        }
        assert!(!needed.is_empty() && needed.len() < org.accounts.len());
        let mut pruned = org.clone();
        for account in &mut pruned.accounts {
            if !needed.contains(&account.id) {
                account.tags.clear();
            }
        }
        let (full, fewer) = (
            TenantMap::new(org, &config),
            TenantMap::new(&pruned, &config),
        );
        for account in &org.accounts {
            assert_eq!(
                full.owner(&account.id),
                fewer.owner(&account.id),
                "{}",
                account.id
            );
        }
        let untagged = Config {
            tenants: crate::config::TenantsSection {
                tag_key: None,
                ..config.tenants.clone()
            },
            ..config.clone()
        };
        assert!(decided_by_tag(org, &untagged).is_empty());
    }
}
