//! Choosing accounts to scan by id, tenant or OU, from the command line.

use std::collections::BTreeSet;

use crate::config::Config;
use crate::inventory::Organization;
use crate::orgtree::OrgTree;
use crate::tenants::{Owner, TenantMap};

/// The accounts of `org` named by any of the filters: an account id, a tenant, or an OU (by
/// id or path of names) the account sits under.
pub fn accounts(
    org: &Organization,
    config: &Config,
    ids: &[String],
    tenants: &[String],
    ous: &[String],
) -> BTreeSet<String> {
    let map = TenantMap::new(org, config);
    let tree = OrgTree::new(org);
    org.accounts
        .iter()
        .filter(|a| {
            ids.contains(&a.id)
                || matches!(map.owner(&a.id), Owner::Tenant(t) if tenants.contains(&t))
                || tree
                    .ancestors(&a.id)
                    .iter()
                    .any(|ou| ous.iter().any(|o| o == ou || *o == tree.name_path(ou)))
        })
        .map(|a| a.id.clone())
        .collect()
}
