//! The isolation rules: one file each, an explicit registry, and their documentation.
//!
//! Rules come in families, each a folder of one-file rules with the helpers they share:
//! `trust/` (who can assume a role), `human/` (how people cross tenants), `network/` (how
//! networks reach each other), `resource/` (who reaches a tenant's data), `guardrail/` (the
//! organization's controls) and `coverage/` (what the scan could not judge).
//!
//! A rule's documentation lives in `rules/<id>.toml` at the repository root, written once and
//! read by `explain`, by the SARIF rule `help`, and by the README's rule table. A rule reads
//! the inventory through [`Context`] and reports through [`Finding::new`]; it never does I/O
//! and never sees command-line flags.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use crate::config::Config;
use crate::finding::Finding;
use crate::inventory::{AccountInventory, Inventory, PolicyDocument, Role};
use crate::policy::{self, PolicyError, Scope, TrustAnalysis};
use crate::tenants::{Owner, TenantMap};

pub mod coverage;
pub mod guardrail;
pub mod human;
pub mod network;
pub mod resource;
pub mod trust;

pub use coverage::expired_suppression::ExpiredSuppression;
pub use coverage::unused_exception::UnusedException;

/// The id of the rule that reports what could not be read; it makes a scan incomplete.
pub const NOT_SCANNED: &str = "not-scanned";

pub use crate::rule_doc::RuleDoc;

/// Declares a rule's documentation, read from `rules/<id>.toml`.
macro_rules! rule_doc {
    ($id:literal) => {{
        static DOC: std::sync::LazyLock<$crate::rules::RuleDoc> = std::sync::LazyLock::new(|| {
            $crate::rules::RuleDoc::parse(include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/rules/",
                $id,
                ".toml"
            )))
        });
        &DOC
    }};
}
pub(crate) use rule_doc;

/// What every rule sees of the scan.
pub struct Context<'a> {
    pub inventory: &'a Inventory,
    pub tenants: &'a TenantMap<'a>,
    pub config: &'a Config,
    /// The collected accounts by id, for rules that follow a path into another account.
    pub accounts: HashMap<&'a str, &'a AccountInventory>,
    /// The organization's SCPs and RCPs, parsed once.
    pub controls: guardrail::Controls<'a>,
    /// Guardrail verdicts, judged once per class of accounts for both guardrail rules.
    pub guardrail_memo: guardrail::Memo,
    /// Canonical user id → account id, for the accounts whose id was read: S3 ACLs name
    /// accounts this way.
    pub canonical: HashMap<&'a str, &'a str>,
}

impl<'a> Context<'a> {
    pub fn new(inventory: &'a Inventory, tenants: &'a TenantMap<'a>, config: &'a Config) -> Self {
        let accounts = inventory
            .accounts
            .iter()
            .map(|a| (a.account_id.as_str(), a))
            .collect();
        let canonical = inventory
            .accounts
            .iter()
            .filter_map(|a| Some((a.canonical_user_id.as_deref()?, a.account_id.as_str())))
            .collect();
        Context {
            inventory,
            tenants,
            config,
            accounts,
            controls: guardrail::Controls::new(&inventory.organization),
            guardrail_memo: guardrail::Memo::default(),
            canonical,
        }
    }
}

/// One account, with its trust and resource policies analysed once for all rules.
pub struct AccountView<'a> {
    pub inventory: &'a AccountInventory,
    pub owner: Owner,
    pub roles: Vec<(&'a Role, Analysis)>,
    /// Every resource read with a policy or grants, in collected regions.
    pub resources: Vec<ResourceView<'a>>,
    /// Each trust grant of `roles` (role index, grant index) and whom it reaches, resolved once
    /// for the trust rules that each read one kind of it.
    pub trust_reach: std::sync::OnceLock<Vec<(usize, usize, crate::tenants::Reach)>>,
}

/// A resource and its policy's analysis (`None`: it has no policy, only grants or shares).
pub struct ResourceView<'a> {
    pub region: &'a str,
    pub resource: &'a crate::inventory::ResourcePolicy,
    pub analysis: Option<Result<crate::policy::resource::ResourceAnalysis, PolicyError>>,
    /// Whom it grants what, resolved to tenants once for the six resource rules that each
    /// report one class of it.
    pub reached: std::sync::OnceLock<Vec<resource::Reached>>,
}

/// A trust policy's analysis, shared by every role whose document is the same.
pub type Analysis = Arc<Result<TrustAnalysis, PolicyError>>;

/// Distinct trust-policy texts that repeat across the inventory, each analysed once (in
/// parallel), keyed by partition and text. Trust policies repeat across accounts (a platform
/// deployer's role, service trusts, a vendor's), and a document without policy variables
/// means the same in every account of a partition: only the variables read the account.
pub struct SharedAnalyses<'a> {
    analyses: HashMap<(&'a str, &'a str), Analysis>,
    /// When the inventory was collected: the time policies are judged at.
    collected_at: Option<&'a str>,
    /// The organization's accounts.
    members: std::collections::BTreeSet<&'a str>,
}

impl<'a> SharedAnalyses<'a> {
    pub fn new(inventory: &'a Inventory) -> SharedAnalyses<'a> {
        use rayon::prelude::*;
        let counts: HashMap<(&str, &str), u32> = inventory
            .accounts
            .par_iter()
            .fold(HashMap::new, |mut counts, account| {
                for role in &account.roles {
                    if let PolicyDocument::Text(text) = &role.trust_policy
                        && !text.contains("${")
                    {
                        let partition = Scope::of_arn(&role.arn, "", "", None).partition;
                        *counts.entry((partition, text.as_str())).or_default() += 1;
                    }
                }
                counts
            })
            .reduce(HashMap::new, |mut a, b| {
                for (key, n) in b {
                    *a.entry(key).or_default() += n;
                }
                a
            });
        let repeated: Vec<(&str, &str)> = counts
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(key, _)| key)
            .collect();
        let collected_at = inventory.collected_at.as_deref();
        let members: std::collections::BTreeSet<&str> = inventory
            .organization
            .accounts
            .iter()
            .map(|a| a.id.as_str())
            .collect();
        let analyses = repeated
            .into_par_iter()
            .map(|(partition, text)| {
                let scope = Scope {
                    partition,
                    account: "",
                    organization_id: &inventory.organization.id,
                    org_path: None,
                    collected_at,
                    members: Some(&members),
                };
                let document = PolicyDocument::Text(text.to_owned());
                (
                    (partition, text),
                    Arc::new(policy::analyse(&document, &scope)),
                )
            })
            .collect();
        SharedAnalyses {
            analyses,
            collected_at,
            members,
        }
    }

    /// None: every document is analysed where it is found.
    pub fn none() -> SharedAnalyses<'a> {
        SharedAnalyses {
            analyses: HashMap::new(),
            collected_at: None,
            members: Default::default(),
        }
    }

    /// The organization's accounts, when this analysis knows them.
    fn members(&self) -> Option<&std::collections::BTreeSet<&'a str>> {
        (!self.members.is_empty()).then_some(&self.members)
    }

    fn get(&self, role: &Role) -> Option<Analysis> {
        let PolicyDocument::Text(text) = &role.trust_policy else {
            return None;
        };
        let partition = Scope::of_arn(&role.arn, "", "", None).partition;
        self.analyses.get(&(partition, text.as_str())).cloned()
    }
}

impl<'a> AccountView<'a> {
    /// The account with each role's trust policy analysed in the role's own scope: its
    /// partition, account, organization and OU path fill in policy variables and tell
    /// which account ids are the organization's.
    pub fn new(
        inventory: &'a AccountInventory,
        tenants: &TenantMap<'_>,
        shared: &SharedAnalyses<'_>,
    ) -> AccountView<'a> {
        let id = inventory.account_id.as_str();
        let organization = tenants.tree.organization();
        let org_path = tenants
            .tree
            .is_member(id)
            .then(|| tenants.tree.org_path(id));
        let roles = inventory
            .roles
            .iter()
            .map(|role| {
                let analysis = shared.get(role).unwrap_or_else(|| {
                    let scope = Scope::of_arn(&role.arn, id, &organization.id, org_path.as_deref())
                        .at(shared.collected_at)
                        .within(shared.members());
                    Arc::new(policy::analyse(&role.trust_policy, &scope))
                });
                (role, analysis)
            })
            .collect();
        let resources = inventory
            .regions
            .iter()
            .filter(|r| r.status.failure().is_none())
            .flat_map(|r| r.resources.iter().map(move |res| (r.region.as_str(), res)))
            .filter(|(_, res)| res.status.failure().is_none())
            .filter(|(_, res)| {
                res.policy.is_some()
                    || !res.grants.is_empty()
                    || !res.shares.is_empty()
                    || !res.acl.is_empty()
            })
            .map(|(region, resource)| {
                let scope = Scope::of_arn(&resource.arn, id, &organization.id, org_path.as_deref())
                    .at(shared.collected_at)
                    .within(shared.members());
                ResourceView {
                    region,
                    resource,
                    analysis: resource
                        .policy
                        .as_ref()
                        .map(|p| crate::policy::resource::analyse(p, &scope)),
                    reached: std::sync::OnceLock::new(),
                }
            })
            .collect();
        AccountView {
            inventory,
            owner: tenants.owner(id),
            roles,
            resources,
            trust_reach: std::sync::OnceLock::new(),
        }
    }
}

pub trait Rule: Send + Sync {
    fn doc(&self) -> &'static RuleDoc;

    /// Checks one account. Rules that look at one account at a time override this; it runs
    /// in parallel across accounts.
    fn check_account(
        &self,
        _cx: &Context<'_>,
        _account: &AccountView<'_>,
        _out: &mut Vec<Finding>,
    ) {
    }

    /// Checks what spans accounts (peering seen from both sides, the organization itself).
    fn check_organization(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

/// Every rule, in the order `tenantguard rules` lists them.
pub static REGISTRY: LazyLock<Vec<Box<dyn Rule>>> = LazyLock::new(|| {
    use coverage::*;
    use guardrail::*;
    use network::*;
    use resource::*;
    use trust::*;
    vec![
        Box::new(cross_tenant_trust::CrossTenantTrust),
        Box::new(cross_tenant_assume_permission::CrossTenantAssumePermission),
        Box::new(cross_tenant_path::CrossTenantPath),
        Box::new(platform_trusts_tenant::PlatformTrustsTenant),
        Box::new(wildcard_trust::WildcardTrust),
        Box::new(organization_wide_trust::OrganizationWideTrust),
        Box::new(external_trust::ExternalTrust),
        Box::new(unresolved_principal::UnresolvedPrincipal),
        Box::new(unreadable_policy::UnreadablePolicy),
        Box::new(human::cross_tenant_human_access::CrossTenantHumanAccess),
        Box::new(cross_tenant_peering::CrossTenantPeering),
        Box::new(external_peering::ExternalPeering),
        Box::new(cross_tenant_subnet_share::CrossTenantSubnetShare),
        Box::new(cross_tenant_tgw_route::CrossTenantTgwRoute),
        Box::new(cross_tenant_ram_share::CrossTenantRamShare),
        Box::new(external_ram_share::ExternalRamShare),
        Box::new(cross_tenant_privatelink::CrossTenantPrivateLink),
        Box::new(cross_tenant_sg_reference::CrossTenantSgReference),
        Box::new(cross_tenant_resource_access::CrossTenantResourceAccess),
        Box::new(organization_wide_resource_access::OrganizationWideResourceAccess),
        Box::new(public_resource_access::PublicResourceAccess),
        Box::new(external_resource_access::ExternalResourceAccess),
        Box::new(service_without_source::ServiceWithoutSource),
        Box::new(unresolved_resource_policy::UnresolvedResourcePolicy),
        Box::new(required_scp_missing::RequiredScpMissing),
        Box::new(required_scp_weakened::RequiredScpWeakened),
        Box::new(not_enforced::GuardrailNotEnforced),
        Box::new(blocks_action::GuardrailBlocksAction),
        Box::new(unmapped_account::UnmappedAccount),
        Box::new(not_scanned::NotScanned),
        Box::new(unverifiable_change::UnverifiableChange),
        Box::new(UnusedException),
        Box::new(ExpiredSuppression),
    ]
});

/// The documentation of every rule, in registry order.
pub fn docs() -> Vec<&'static RuleDoc> {
    REGISTRY.iter().map(|r| r.doc()).collect()
}

pub fn ids() -> Vec<&'static str> {
    REGISTRY.iter().map(|r| r.doc().id.as_str()).collect()
}

pub fn find(id: &str) -> Option<&'static RuleDoc> {
    REGISTRY.iter().map(|r| r.doc()).find(|d| d.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rule ids are public contract (configuration, exceptions, baselines): they never
    /// change by accident.
    #[test]
    fn rule_ids_are_frozen() {
        assert_eq!(
            ids(),
            [
                "cross-tenant-trust",
                "cross-tenant-assume-permission",
                "cross-tenant-path",
                "platform-trusts-tenant",
                "wildcard-trust",
                "organization-wide-trust",
                "external-trust",
                "unresolved-principal",
                "unreadable-policy",
                "cross-tenant-human-access",
                "cross-tenant-peering",
                "external-peering",
                "cross-tenant-subnet-share",
                "cross-tenant-tgw-route",
                "cross-tenant-ram-share",
                "external-ram-share",
                "cross-tenant-privatelink",
                "cross-tenant-sg-reference",
                "cross-tenant-resource-access",
                "organization-wide-resource-access",
                "public-resource-access",
                "external-resource-access",
                "service-principal-without-source",
                "unresolved-resource-policy",
                "required-scp-missing",
                "required-scp-weakened",
                "guardrail-not-enforced",
                "guardrail-blocks-action",
                "unmapped-account",
                "not-scanned",
                "unverifiable-change",
                "unused-exception",
                "expired-suppression",
            ]
        );
    }

    #[test]
    fn every_rule_is_documented() {
        for doc in docs() {
            assert!(
                !doc.title.is_empty() && doc.title.len() <= 100,
                "{}",
                doc.id
            );
            assert!(
                doc.summary.len() <= 1024,
                "{}: summary is SARIF shortDescription",
                doc.id
            );
            assert!(doc.rationale.len() > 80, "{}: rationale too thin", doc.id);
            assert!(
                doc.remediation.len() > 40,
                "{}: remediation too thin",
                doc.id
            );
            assert!(!doc.references.is_empty(), "{}", doc.id);
            assert!(
                doc.references.iter().all(|r| r.starts_with("https://")),
                "{}",
                doc.id
            );
        }
    }
}
