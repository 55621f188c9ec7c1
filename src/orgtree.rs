//! The organization's tree: where each account sits, for OU mappings, `aws:PrincipalOrgPaths`
//! and SCP inheritance.

use std::collections::HashMap;

use crate::inventory::Organization;

pub struct OrgTree<'a> {
    org: &'a Organization,
    /// Node id (root, OU or account) → parent id.
    parents: HashMap<&'a str, &'a str>,
    /// Root or OU id → name.
    names: HashMap<&'a str, &'a str>,
}

impl<'a> OrgTree<'a> {
    pub fn new(org: &'a Organization) -> OrgTree<'a> {
        let mut parents = HashMap::new();
        let mut names = HashMap::new();
        for r in &org.roots {
            names.insert(r.id.as_str(), r.name.as_str());
        }
        for ou in &org.organizational_units {
            parents.insert(ou.id.as_str(), ou.parent_id.as_str());
            names.insert(ou.id.as_str(), ou.name.as_str());
        }
        for a in &org.accounts {
            parents.insert(a.id.as_str(), a.parent_id.as_str());
        }
        OrgTree {
            org,
            parents,
            names,
        }
    }

    pub fn organization(&self) -> &'a Organization {
        self.org
    }

    /// The root, then each OU down to (not including) the node. A malformed tree (a cycle,
    /// a missing parent) ends the walk where it breaks rather than looping.
    pub fn ancestors(&self, node: &str) -> Vec<&'a str> {
        let mut chain = Vec::new();
        let mut current = node;
        while let Some(&parent) = self.parents.get(current) {
            if chain.contains(&parent) || chain.len() > 64 {
                break;
            }
            chain.push(parent);
            current = parent;
        }
        chain.reverse();
        chain
    }

    /// The OU path of names below the root, as configuration writes it: `Tenants/Acme`.
    pub fn name_path(&self, ou: &str) -> String {
        let mut parts: Vec<&str> = self
            .ancestors(ou)
            .into_iter()
            .skip(1)
            .map(|id| self.names.get(id).copied().unwrap_or(id))
            .collect();
        parts.push(self.names.get(ou).copied().unwrap_or(ou));
        parts.join("/")
    }

    /// The value `aws:PrincipalOrgPaths` has for a principal of the account:
    /// `o-id/r-id/ou-id/.../` (the account's own id is not part of it).
    pub fn org_path(&self, account: &str) -> String {
        let mut path = format!("{}/", self.org.id);
        for id in self.ancestors(account) {
            path.push_str(id);
            path.push('/');
        }
        path
    }

    pub fn is_member(&self, account: &str) -> bool {
        // Accounts and OUs are both children here; OU ids (`ou-...`) never look like accounts.
        !account.starts_with("ou-") && self.parents.contains_key(account)
    }
}
