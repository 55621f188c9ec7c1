//! `tenantguard.toml`: who the tenants are, which accounts the business runs, whom it
//! trusts on purpose, and which findings it has accepted.
//!
//! The file is parsed into [`RawConfig`] (shape), then validated into [`Config`] (meaning);
//! every error names the file and the field.

use std::collections::BTreeMap;
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::policy::pattern;
use crate::policy::principal::is_account_id;
use crate::severity::Severity;

/// A configuration that could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration `{path}`: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid configuration `{path}`{}: {message}", line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Parse {
        path: String,
        line: Option<usize>,
        message: String,
    },
    #[error("invalid configuration `{path}`: `{field}`: {message}")]
    Field {
        path: String,
        field: String,
        message: String,
    },
}

/// The file as written.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    #[serde(default)]
    pub organization: OrganizationSection,
    #[serde(default)]
    pub tenants: TenantsSection,
    #[serde(default)]
    pub platform: PlatformSection,
    /// Vendors allowed to assume roles, and the conditions they must carry.
    #[serde(default)]
    pub third_parties: Vec<ThirdParty>,
    /// SCPs (by name or `p-...` id) that must be in effect for every tenant account.
    #[serde(default)]
    pub required_scps: Vec<String>,
    /// Guardrails judged by effect: actions the SCPs in effect must deny to (or leave allowed
    /// for) every tenant account. They come on top of the defaults ([`default_guardrails`]);
    /// one with a default's name replaces it.
    #[serde(default)]
    pub guardrails: Vec<Guardrail>,
    /// Whether the default guardrails of tenant isolation apply (default: yes).
    #[serde(default = "yes")]
    pub default_guardrails: bool,
    /// Approved design exceptions: findings they match are kept but marked and not counted.
    #[serde(default)]
    pub exceptions: Vec<Exception>,
    #[serde(default)]
    pub rules: RulesSection,
    /// How `collect` reads the organization.
    #[serde(default)]
    pub collect: CollectSection,
}

/// Live collection settings; the command line can override the regions.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CollectSection {
    /// The read-only role deployed in every account (`deploy/audit-role/`).
    #[serde(default = "default_role_name")]
    pub role_name: String,
    #[serde(default = "default_role_path")]
    pub role_path: String,
    /// `sts:ExternalId` to present when assuming the audit role.
    #[serde(default)]
    pub external_id: Option<String>,
    /// Regions to read; absent means every region each account has enabled.
    #[serde(default)]
    pub regions: Option<Vec<String>>,
    /// A role to assume for the Organizations reads (a delegated administrator's).
    #[serde(default)]
    pub organization_role_arn: Option<String>,
    /// Where IAM Identity Center is read.
    #[serde(default)]
    pub identity_center: IdentityCenterSection,
}

/// Where IAM Identity Center lives: AWS lists an instance only in its home Region.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityCenterSection {
    /// The instance's home Region (default: the Region the scan's credentials are configured
    /// for). An instance not found there is reported not scanned, never taken for none.
    #[serde(default)]
    pub region: Option<String>,
    /// A role to assume for the Identity Center reads (its delegated administrator's);
    /// default: the credentials the organization is read with.
    #[serde(default)]
    pub role_arn: Option<String>,
    /// `false` declares that the organization does not use Identity Center: nothing is read,
    /// and reports say it was declared unused.
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl Default for IdentityCenterSection {
    fn default() -> Self {
        IdentityCenterSection {
            region: None,
            role_arn: None,
            enabled: true,
        }
    }
}

impl Default for CollectSection {
    fn default() -> Self {
        CollectSection {
            role_name: default_role_name(),
            role_path: default_role_path(),
            external_id: None,
            regions: None,
            organization_role_arn: None,
            identity_center: IdentityCenterSection::default(),
        }
    }
}

fn default_role_name() -> String {
    "tenantguard-audit".to_owned()
}

fn default_role_path() -> String {
    "/tenantguard/".to_owned()
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationSection {
    /// The expected organization id (`o-...`); an inventory of another organization is refused.
    #[serde(default)]
    pub id: Option<String>,
}

/// How accounts map to tenants. Precedence: `accounts` over `ous` over `tag_key`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TenantsSection {
    /// An account tag whose value is the tenant's name.
    #[serde(default)]
    pub tag_key: Option<String>,
    /// OU → tenant, the OU named by id (`ou-...`) or by its path of names from the root
    /// (`Tenants/Acme`). Every account under the OU belongs to the tenant; the deepest
    /// mapped OU on an account's path wins.
    #[serde(default)]
    pub ous: BTreeMap<String, String>,
    /// Account id → tenant.
    #[serde(default)]
    pub accounts: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlatformSection {
    /// Account id → what it does for the platform. The organization's management account
    /// is always a platform account.
    #[serde(default)]
    pub accounts: BTreeMap<String, PlatformRole>,
    /// Identity Center groups the business runs (operators, on-call, support): their
    /// assignments may span tenants on purpose. A declared group that spans no two tenants is
    /// reported, as an unused exception is.
    #[serde(default)]
    pub groups: Vec<OperatorGroup>,
}

/// An Identity Center group whose members work across tenants for the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OperatorGroup {
    /// The group's display name in the identity store, or its id.
    pub name: String,
    pub owner: String,
    pub reason: String,
}

impl OperatorGroup {
    /// Whether this declaration names `group`.
    pub fn names(&self, group: &crate::inventory::IdentityGroup) -> bool {
        self.name == group.display_name || self.name == group.id
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum PlatformRole {
    Management,
    SharedServices,
    Security,
    Logging,
    Network,
    Other,
}

impl PlatformRole {
    pub fn as_str(self) -> &'static str {
        match self {
            PlatformRole::Management => "management",
            PlatformRole::SharedServices => "shared-services",
            PlatformRole::Security => "security",
            PlatformRole::Logging => "logging",
            PlatformRole::Network => "network",
            PlatformRole::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThirdParty {
    pub name: String,
    pub accounts: Vec<String>,
    /// Condition keys every trust statement admitting this vendor must require.
    #[serde(default = "default_required_conditions")]
    pub require_conditions: Vec<String>,
}

fn default_required_conditions() -> Vec<String> {
    vec!["sts:ExternalId".to_owned()]
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    /// The rule id it applies to.
    pub rule: String,
    /// The finding's resource: its ARN or id (the part after the last `/`); `*` and `?`
    /// are wildcards.
    pub resource: String,
    /// Only findings whose counterpart is this account id or tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterpart: Option<String>,
    /// Only findings of this tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    pub owner: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    /// Rule ids not to report.
    #[serde(default)]
    pub disabled: Vec<String>,
    /// Rule id → severity, replacing the rule's default.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
}

/// A configuration whose every field was checked.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub organization_id: Option<String>,
    pub tenants: TenantsSection,
    pub platform: BTreeMap<String, PlatformRole>,
    /// Identity Center groups that work across tenants for the platform.
    pub operator_groups: Vec<OperatorGroup>,
    pub third_parties: Vec<ThirdParty>,
    pub required_scps: Vec<String>,
    pub guardrails: Vec<Guardrail>,
    pub exceptions: Vec<Exception>,
    pub disabled: Vec<String>,
    pub severity: BTreeMap<String, Severity>,
    pub collect: CollectSection,
}

impl Config {
    pub fn load(path: &Path, known_rules: &[&str]) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: shown.clone(),
            source,
        })?;
        Self::parse(&text, &shown, known_rules)
    }

    pub fn parse(text: &str, shown: &str, known_rules: &[&str]) -> Result<Config, ConfigError> {
        let raw: RawConfig = parse_toml(text, shown)?;
        validate(raw, shown, known_rules)
    }
}

/// Parses a TOML file into `T`; an error names the file and the line.
pub(crate) fn parse_toml<T: serde::de::DeserializeOwned>(
    text: &str,
    shown: &str,
) -> Result<T, ConfigError> {
    toml::from_str(text).map_err(|e: toml::de::Error| ConfigError::Parse {
        path: shown.to_owned(),
        line: e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1),
        message: e.message().trim().replace('\n', " "),
    })
}

fn validate(raw: RawConfig, shown: &str, known_rules: &[&str]) -> Result<Config, ConfigError> {
    let error = |field: String, message: String| ConfigError::Field {
        path: shown.to_owned(),
        field,
        message,
    };
    let account = |field: String, id: &str| {
        if is_account_id(id) {
            Ok(())
        } else {
            Err(error(
                field,
                format!("`{id}` is not a 12-digit account id (write it as a quoted string)"),
            ))
        }
    };
    let named = |field: String, name: &str| {
        if name.trim().is_empty() {
            Err(error(field, "must not be empty".to_owned()))
        } else {
            Ok(())
        }
    };
    let rule = |field: String, id: &str| {
        if known_rules.contains(&id) {
            Ok(())
        } else {
            Err(error(
                field,
                format!("unknown rule `{id}` (`tenantguard rules` lists them)"),
            ))
        }
    };

    if let Some(id) = &raw.organization.id
        && !(id.starts_with("o-") && id.len() > 2)
    {
        return Err(error(
            "organization.id".into(),
            format!("`{id}` is not an organization id (`o-...`)"),
        ));
    }
    if let Some(key) = &raw.tenants.tag_key {
        named("tenants.tag_key".into(), key)?;
    }
    for (ou, tenant) in &raw.tenants.ous {
        named(format!("tenants.ous.\"{ou}\""), tenant)?;
        named(format!("tenants.ous.\"{ou}\""), ou)?;
    }
    for (id, tenant) in &raw.tenants.accounts {
        account(format!("tenants.accounts.\"{id}\""), id)?;
        named(format!("tenants.accounts.\"{id}\""), tenant)?;
    }
    for id in raw.platform.accounts.keys() {
        account(format!("platform.accounts.\"{id}\""), id)?;
        if let Some(tenant) = raw.tenants.accounts.get(id) {
            return Err(error(
                format!("platform.accounts.\"{id}\""),
                format!("account is also mapped to tenant `{tenant}` in `tenants.accounts`"),
            ));
        }
    }
    for (i, vendor) in raw.third_parties.iter().enumerate() {
        named(format!("third_parties[{i}].name"), &vendor.name)?;
        if vendor.accounts.is_empty() {
            return Err(error(
                format!("third_parties[{i}].accounts"),
                "must list at least one account".into(),
            ));
        }
        for id in &vendor.accounts {
            account(format!("third_parties[{i}].accounts"), id)?;
            if raw.tenants.accounts.contains_key(id) || raw.platform.accounts.contains_key(id) {
                return Err(error(
                    format!("third_parties[{i}].accounts"),
                    format!("`{id}` is also a tenant or platform account"),
                ));
            }
        }
    }
    for (i, scp) in raw.required_scps.iter().enumerate() {
        named(format!("required_scps[{i}]"), scp)?;
    }
    for (i, g) in raw.guardrails.iter().enumerate() {
        named(format!("guardrails[{i}].name"), &g.name)?;
        if raw.guardrails[..i].iter().any(|h| h.name == g.name) {
            return Err(error(
                format!("guardrails[{i}].name"),
                format!("`{}` is declared twice", g.name),
            ));
        }
        if g.deny.is_empty() && g.allow.is_empty() {
            return Err(error(
                format!("guardrails[{i}]"),
                "must list actions in `deny` or `allow`".into(),
            ));
        }
        for (field, list) in [("deny", &g.deny), ("allow", &g.allow)] {
            for action in list {
                let ok = action.split_once(':').is_some_and(|(service, name)| {
                    !service.is_empty()
                        && !name.is_empty()
                        && !pattern::has_wildcard(action)
                        && !action.contains(char::is_whitespace)
                });
                if !ok {
                    return Err(error(
                        format!("guardrails[{i}].{field}"),
                        format!("`{action}` is not one action (`service:Action`, no wildcards)"),
                    ));
                }
            }
        }
        if g.resource != "*" && !g.resource.starts_with("arn:") {
            return Err(error(
                format!("guardrails[{i}].resource"),
                format!("`{}` is neither `*` nor an ARN", g.resource),
            ));
        }
    }
    let mut guardrails = Vec::new();
    if raw.default_guardrails {
        guardrails.extend(
            default_guardrails(&raw.collect)
                .into_iter()
                .filter(|d| !raw.guardrails.iter().any(|g| g.name == d.name)),
        );
    }
    guardrails.extend(raw.guardrails);
    for (i, e) in raw.exceptions.iter().enumerate() {
        rule(format!("exceptions[{i}].rule"), &e.rule)?;
        named(format!("exceptions[{i}].resource"), &e.resource)?;
        named(format!("exceptions[{i}].owner"), &e.owner)?;
        named(format!("exceptions[{i}].reason"), &e.reason)?;
        if e.rule == NEVER_SILENCED {
            return Err(error(
                format!("exceptions[{i}].rule"),
                format!(
                    "`{NEVER_SILENCED}` cannot be excepted: an account that was not read is never clean"
                ),
            ));
        }
    }
    for (i, id) in raw.rules.disabled.iter().enumerate() {
        rule(format!("rules.disabled[{i}]"), id)?;
        if id == NEVER_SILENCED {
            return Err(error(
                format!("rules.disabled[{i}]"),
                format!(
                    "`{NEVER_SILENCED}` cannot be disabled: an account that was not read is never clean"
                ),
            ));
        }
    }
    if let Some(regions) = &raw.collect.regions
        && regions.is_empty()
    {
        return Err(error(
            "collect.regions".into(),
            "must list at least one region, or be left out to read every enabled region".into(),
        ));
    }
    named("collect.role_name".into(), &raw.collect.role_name)?;
    for (i, g) in raw.platform.groups.iter().enumerate() {
        named(format!("platform.groups[{i}].name"), &g.name)?;
        named(format!("platform.groups[{i}].owner"), &g.owner)?;
        named(format!("platform.groups[{i}].reason"), &g.reason)?;
        if raw.platform.groups[..i].iter().any(|h| h.name == g.name) {
            return Err(error(
                format!("platform.groups[{i}].name"),
                format!("`{}` is declared twice", g.name),
            ));
        }
    }
    for id in raw.rules.severity.keys() {
        rule(format!("rules.severity.\"{id}\""), id)?;
    }
    Ok(Config {
        organization_id: raw.organization.id,
        tenants: raw.tenants,
        platform: raw.platform.accounts,
        operator_groups: raw.platform.groups,
        third_parties: raw.third_parties,
        required_scps: raw.required_scps,
        guardrails,
        exceptions: raw.exceptions,
        disabled: raw.rules.disabled,
        severity: raw.rules.severity,
        collect: raw.collect,
    })
}

/// A guardrail declared by effect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Guardrail {
    pub name: String,
    /// Why it matters, shown in findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Actions the SCPs in effect must deny to every principal of a tenant account.
    #[serde(default)]
    pub deny: Vec<String>,
    /// Actions tenant accounts must keep: an SCP path that allows none of them is reported
    /// (information: the guardrails block the tenant's own work).
    #[serde(default)]
    pub allow: Vec<String>,
    /// The resource the actions are asked for: `*` (any resource, so a Deny must cover every
    /// resource) or an ARN, in which `{account}` stands for the account judged.
    #[serde(default = "any_resource")]
    pub resource: String,
}

fn yes() -> bool {
    true
}

fn any_resource() -> String {
    "*".to_owned()
}

/// The guardrails of tenant isolation that apply when the configuration declares none: no
/// network links a tenant can make on its own (peering, transit-gateway attachments), no
/// sharing of its resources through RAM, no leaving the organization (and its SCPs), and no
/// changing the audit role tenantguard reads with (a tenant could blind the scan).
pub fn default_guardrails(collect: &CollectSection) -> Vec<Guardrail> {
    let list = |actions: &[&str]| actions.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    let guardrail = |name: &str, description: &str, deny: &[&str], resource: String| Guardrail {
        name: name.to_owned(),
        description: Some(description.to_owned()),
        deny: list(deny),
        allow: Vec::new(),
        resource,
    };
    vec![
        guardrail(
            "no-network-links",
            "a tenant account must not link its networks to another account's on its own",
            &[
                "ec2:CreateVpcPeeringConnection",
                "ec2:AcceptVpcPeeringConnection",
                "ec2:CreateTransitGatewayVpcAttachment",
                "ec2:AcceptTransitGatewayVpcAttachment",
            ],
            any_resource(),
        ),
        guardrail(
            "no-resource-sharing",
            "a tenant account must not share its resources, or accept shares, through AWS RAM",
            &[
                "ram:CreateResourceShare",
                "ram:AssociateResourceShare",
                "ram:AcceptResourceShareInvitation",
            ],
            any_resource(),
        ),
        guardrail(
            "stay-in-organization",
            "a tenant account must not leave the organization and its guardrails",
            &["organizations:LeaveOrganization"],
            any_resource(),
        ),
        guardrail(
            "protect-audit-role",
            "a tenant account must not change or delete the role tenantguard reads it with",
            &[
                "iam:DeleteRole",
                "iam:UpdateAssumeRolePolicy",
                "iam:PutRolePolicy",
                "iam:DeleteRolePolicy",
                "iam:AttachRolePolicy",
                "iam:DetachRolePolicy",
                "iam:PutRolePermissionsBoundary",
            ],
            format!(
                "arn:aws:iam::{{account}}:role{}{}",
                collect.role_path, collect.role_name
            ),
        ),
    ]
}

/// The rule that reports unread accounts: no configuration may hide it.
const NEVER_SILENCED: &str = "not-scanned";

/// Whether an entry's resource pattern names a finding's resource: its whole ARN, or its id
/// (the part after the last `/`, such as `pcx-...`), with `*` and `?` as wildcards.
pub(crate) fn matches_resource(pattern: &str, resource: &str) -> bool {
    let id = resource.rsplit('/').next().unwrap_or(resource);
    pattern::matches(pattern, resource) || pattern::matches(pattern, id)
}

impl Exception {
    /// Whether the exception covers a finding of `rule` on `resource`.
    pub fn matches(
        &self,
        rule: &str,
        resource: &str,
        tenant: Option<&str>,
        counterparts: &[&str],
    ) -> bool {
        self.rule == rule
            && matches_resource(&self.resource, resource)
            && self.tenant.as_deref().is_none_or(|t| Some(t) == tenant)
            && self
                .counterpart
                .as_deref()
                .is_none_or(|c| counterparts.contains(&c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &[&str] = &["cross-tenant-trust", "not-scanned"];

    fn err(text: &str) -> String {
        Config::parse(text, "t.toml", RULES)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn errors_name_file_and_field() {
        assert_eq!(
            err("[tenants.accounts]\n\"12345\" = \"acme\"\n"),
            "invalid configuration `t.toml`: `tenants.accounts.\"12345\"`: `12345` is not a 12-digit account id (write it as a quoted string)"
        );
        assert!(
            err("[tenants]\ntag = \"x\"\n")
                .starts_with("invalid configuration `t.toml` line 2: unknown field `tag`")
        );
        assert_eq!(
            err("[rules]\ndisabled = [\"nope\"]\n"),
            "invalid configuration `t.toml`: `rules.disabled[0]`: unknown rule `nope` (`tenantguard rules` lists them)"
        );
        assert!(err("[rules]\ndisabled = [\"not-scanned\"]\n").contains("cannot be disabled"));
        assert!(
            err("[[exceptions]]\nrule = \"cross-tenant-trust\"\nresource = \"x\"\nowner = \"\"\nreason = \"r\"\n")
                .contains("`exceptions[0].owner`: must not be empty")
        );
        assert!(
            err("[platform.accounts]\n\"111111111111\" = \"security\"\n[tenants.accounts]\n\"111111111111\" = \"acme\"\n")
                .contains("also mapped to tenant `acme`")
        );
        assert!(err("[rules.severity]\n\"cross-tenant-trust\" = \"urgent\"\n").contains("line 2"));
    }

    #[test]
    fn defaults_and_exception_matching() {
        let c = Config::parse(
            "[[third_parties]]\nname = \"v\"\naccounts = [\"999999999999\"]\n[[exceptions]]\nrule = \"cross-tenant-trust\"\nresource = \"pcx-1*\"\ncounterpart = \"beta\"\nowner = \"o\"\nreason = \"r\"\n",
            "t.toml",
            RULES,
        )
        .unwrap();
        assert_eq!(c.third_parties[0].require_conditions, ["sts:ExternalId"]);
        let e = &c.exceptions[0];
        assert!(e.matches(
            "cross-tenant-trust",
            "arn:aws:ec2:eu-west-1:111111111111:vpc-peering-connection/pcx-12",
            None,
            &["beta"]
        ));
        assert!(!e.matches(
            "cross-tenant-trust",
            "arn:aws:ec2:eu-west-1:111111111111:vpc-peering-connection/pcx-12",
            None,
            &["gamma"]
        ));
        assert!(!e.matches("not-scanned", "pcx-12", None, &["beta"]));
    }
}
