//! Checks of a configuration against an inventory: what it names that is not there. These
//! are warnings, not errors: the scan still reports what they cause (unmapped accounts,
//! missing SCPs), but the author likely meant something else.

use crate::config::Config;
use crate::inventory::Inventory;
use crate::orgtree::OrgTree;

pub fn against_inventory(config: &Config, inventory: &Inventory) -> Vec<String> {
    let org = &inventory.organization;
    let tree = OrgTree::new(org);
    let mut warnings = Vec::new();
    for id in config.tenants.accounts.keys() {
        if !tree.is_member(id) {
            warnings.push(format!(
                "tenants.accounts.\"{id}\": account is not in organization `{}`",
                org.id
            ));
        }
    }
    for id in config.platform.keys() {
        if !tree.is_member(id) {
            warnings.push(format!(
                "platform.accounts.\"{id}\": account is not in organization `{}`",
                org.id
            ));
        }
    }
    for ou in config.tenants.ous.keys() {
        let found = org
            .organizational_units
            .iter()
            .any(|u| u.id == *ou || tree.name_path(&u.id) == *ou);
        if !found {
            warnings.push(format!("tenants.ous.\"{ou}\": no OU has this id or path"));
        }
    }
    for (i, scp) in config.required_scps.iter().enumerate() {
        if !org.policies.iter().any(|p| p.id == *scp || p.name == *scp) {
            warnings.push(format!(
                "required_scps[{i}]: no SCP named `{scp}` in the organization"
            ));
        }
    }
    warnings
}
