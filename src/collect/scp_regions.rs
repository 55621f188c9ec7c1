//! The regions an SCP denies the audit role. Most organizations deny the regions they do not
//! use ("deny everything outside eu-west-1 and us-east-1 except global services"); the audit
//! role's reads there only fail, one AccessDenied per account and region. The organization's
//! own SCPs, judged by the same policy engine the guardrail rules use, say so before any call:
//! such a region is not called, and is recorded [`CollectionStatus::Denied`] with the SCP, so
//! the report names the gap once per region and SCP, with its remedy.
//!
//! Only a certain denial skips a region: a Deny whose conditions may not hold for the audit
//! role (it names other roles, tests a tag) leaves the region to be read, and a failure there
//! is recorded as any other. A skipped region is never taken as empty: resources may predate
//! the SCP, and other accounts reach them through their policies.

use std::collections::HashMap;
use std::sync::Arc;

use crate::controls::{self, Controls};
use crate::inventory::{AccountStatus, CollectionStatus, Organization, PolicyKind};
use crate::orgtree::OrgTree;
use crate::policy::Scope;
use crate::policy::control::{self as control_policy, Level, Question, Verdict};
use crate::policy::request::Request;

/// The actions a region's read cannot do without: the first reads of the network part, whose
/// failure fails the whole region (`account::read_region`). Each is in the shipped member
/// policy (`deploy/audit-role/member-policy.json`; a live test holds them to it).
pub const REGION_READS: &[&str] = &[
    "ec2:DescribeVpcs",
    "ec2:DescribeVpcPeeringConnections",
    "ec2:DescribeTransitGatewayAttachments",
    "ec2:DescribeSubnets",
    "ec2:DescribeTransitGateways",
    "ram:GetResourceShares",
    "ec2:DescribeVpcEndpointServiceConfigurations",
    "ec2:DescribeSecurityGroups",
];

/// What collection knows of the organization's SCPs, shared by every account's task.
pub struct RegionGate {
    org: Arc<Organization>,
    /// Account id → its path from the root (root, OUs, the account) and its OU path.
    paths: HashMap<String, (Vec<String>, String)>,
    /// SCPs are enabled on every root (otherwise none applies).
    enabled: bool,
}

impl RegionGate {
    pub fn new(org: Arc<Organization>) -> RegionGate {
        let tree = OrgTree::new(&org);
        let paths = org
            .accounts
            .iter()
            .filter(|a| a.status == AccountStatus::Active && a.id != org.management_account_id)
            .map(|a| {
                let path = controls::path(&tree, &a.id)
                    .into_iter()
                    .map(str::to_owned)
                    .collect();
                (a.id.clone(), (path, tree.org_path(&a.id)))
            })
            .collect();
        let enabled = !org.roots.is_empty()
            && org
                .roots
                .iter()
                .all(|r| r.enables(PolicyKind::ServiceControlPolicy));
        RegionGate {
            paths,
            enabled,
            org,
        }
    }

    /// The regions of `regions` the audit role `role_arn` of `account` cannot read, each with
    /// why. The management account is never subject to SCPs.
    pub fn denied<'r>(
        &self,
        account: &str,
        role_arn: &str,
        regions: &'r [String],
    ) -> HashMap<&'r str, CollectionStatus> {
        let Some((path, org_path)) = self.paths.get(account).filter(|_| self.enabled) else {
            return HashMap::new();
        };
        // Parsed once per account: a few dozen small documents, against hours of reading.
        let controls = Controls::new(&self.org);
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        let levels = controls.levels(&path, PolicyKind::ServiceControlPolicy);
        let principal = controls::principal_of(&self.org.id, account, Some(org_path))
            .value("aws:PrincipalArn", role_arn)
            .value("aws:PrincipalType", "AssumedRole");
        let scope = Scope {
            partition: "aws",
            account,
            organization_id: &self.org.id,
            org_path: Some(org_path),
            collected_at: None,
            members: None,
        };
        regions
            .iter()
            .filter_map(|region| {
                let request = principal.clone().value("aws:RequestedRegion", region);
                denial(&levels, &request, &scope, region).map(|status| (region.as_str(), status))
            })
            .collect()
    }
}

/// The first of [`REGION_READS`] certainly denied in `region`, as a status.
fn denial(
    levels: &[Level<'_>],
    request: &Request,
    scope: &Scope<'_>,
    region: &str,
) -> Option<CollectionStatus> {
    REGION_READS.iter().find_map(|action| {
        let verdict = control_policy::judge(
            levels,
            &Question {
                action,
                resource: "*",
                request,
                scope,
            },
        );
        let (policy_id, policy, target) = match verdict {
            Verdict::Denied { by } => (Some(by.policy_id), Some(by.policy), by.target),
            Verdict::NotAllowed { target } => (None, None, target),
            Verdict::DeniedExcept { .. } | Verdict::NotDenied { .. } => return None,
        };
        let by = match &policy {
            Some(name) => format!("the SCP `{name}` attached to {target} denies"),
            None => format!("no SCP attached to {target} allows"),
        };
        Some(CollectionStatus::Denied {
            error: format!(
                "not read: {by} the audit role `{action}` in {region}, so every read there would fail"
            ),
            action: (*action).to_owned(),
            policy_id,
            policy,
            target,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{
        Account, OrganizationalUnit, PolicyDocument, Root, ServiceControlPolicy,
    };
    use serde_json::json;

    const ROLE: &str = "arn:aws:iam::111111111111:role/tenantguard-audit";

    impl RegionGate {
        fn one(&self, account: &str, region: &str) -> Option<CollectionStatus> {
            let regions = [region.to_owned()];
            self.denied(account, ROLE, &regions).into_values().next()
        }
    }

    fn org(scps: Vec<(&str, serde_json::Value, &str)>) -> Arc<Organization> {
        let full = (
            "p-FullAWSAccess",
            json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
            "everywhere",
        );
        let policies = std::iter::once(full)
            .chain(scps)
            .map(|(id, doc, target)| ServiceControlPolicy {
                id: id.into(),
                name: id.trim_start_matches("p-").into(),
                kind: PolicyKind::ServiceControlPolicy,
                aws_managed: id == "p-FullAWSAccess",
                document: PolicyDocument::Text(doc.to_string()),
                // FullAWSAccess must be attached at every level, as AWS attaches it.
                targets: match target {
                    "everywhere" => {
                        vec!["r-root".into(), "ou-tenants".into(), "111111111111".into()]
                    }
                    t => vec![t.into()],
                },
            })
            .collect();
        let account = |id: &str| Account {
            id: id.into(),
            name: id.into(),
            status: AccountStatus::Active,
            parent_id: "ou-tenants".into(),
            tags: Default::default(),
        };
        Arc::new(Organization {
            id: "o-example".into(),
            management_account_id: "999999999999".into(),
            status: CollectionStatus::Collected,
            roots: vec![Root {
                id: "r-root".into(),
                name: "Root".into(),
                policy_types: Some(vec!["SERVICE_CONTROL_POLICY".into()]),
            }],
            organizational_units: vec![OrganizationalUnit {
                id: "ou-tenants".into(),
                name: "Tenants".into(),
                parent_id: "r-root".into(),
            }],
            accounts: vec![account("111111111111"), account("999999999999")],
            policies,
            identity_center: None,
        })
    }

    /// AWS's example "deny access outside the requested regions" SCP, with the role exemption
    /// Control Tower writes for its own roles.
    fn region_deny(exempt: &[&str]) -> serde_json::Value {
        let mut condition =
            json!({"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1", "us-east-1"]}});
        if !exempt.is_empty() {
            condition["ArnNotLike"] = json!({"aws:PrincipalARN": exempt});
        }
        json!({"Version": "2012-10-17", "Statement": [{
            "Sid": "DenyAllOutsideRequestedRegions",
            "Effect": "Deny",
            "NotAction": ["iam:*", "organizations:*", "sts:*", "kms:*", "ec2:DescribeRegions", "ec2:DescribeTransitGateways", "s3:ListAllMyBuckets", "s3:GetAccountPublic*"],
            "Resource": "*",
            "Condition": condition,
        }]})
    }

    #[test]
    fn a_region_deny_scp_denies_the_audit_role_outside_its_regions() {
        let gate = RegionGate::new(org(vec![("p-regions", region_deny(&[]), "ou-tenants")]));
        assert_eq!(gate.one("111111111111", "eu-west-1"), None);
        let Some(CollectionStatus::Denied {
            policy_id,
            target,
            action,
            error,
            ..
        }) = gate.one("111111111111", "ap-south-1")
        else {
            panic!("ap-south-1 is denied");
        };
        assert_eq!(policy_id.as_deref(), Some("p-regions"));
        assert_eq!(target, "ou-tenants");
        assert_eq!(action, "ec2:DescribeVpcs");
        assert!(error.contains("ap-south-1"), "{error}");
        // SCPs never apply to the management account.
        assert_eq!(gate.one("999999999999", "ap-south-1"), None);
    }

    #[test]
    fn an_exempt_audit_role_or_an_uncertain_deny_reads_the_region() {
        let exempt = RegionGate::new(org(vec![(
            "p-regions",
            region_deny(&["arn:aws:iam::*:role/tenantguard-audit"]),
            "ou-tenants",
        )]));
        assert_eq!(exempt.one("111111111111", "ap-south-1"), None);
        // Another role exempt: the audit role is denied.
        let other = RegionGate::new(org(vec![(
            "p-regions",
            region_deny(&["arn:aws:iam::*:role/AWSControlTowerExecution"]),
            "ou-tenants",
        )]));
        assert!(other.one("111111111111", "ap-south-1").is_some());
        // A Deny that depends on a tag the role may carry is not certain: the region is read.
        let mut tagged = region_deny(&[]);
        tagged["Statement"][0]["Condition"]["StringNotEquals"]["aws:PrincipalTag/team"] =
            json!("platform");
        let tagged = RegionGate::new(org(vec![("p-regions", tagged, "ou-tenants")]));
        assert_eq!(tagged.one("111111111111", "ap-south-1"), None);
    }

    #[test]
    fn an_allow_list_without_the_reads_denies_by_omission() {
        let mut org = (*org(vec![])).clone();
        // Replace FullAWSAccess on the OU's level by an allow-list of S3 alone.
        org.policies[0].targets.retain(|t| t != "ou-tenants");
        org.policies.push(ServiceControlPolicy {
            id: "p-s3only".into(),
            name: "s3only".into(),
            kind: PolicyKind::ServiceControlPolicy,
            aws_managed: false,
            document: PolicyDocument::Text(
                json!({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
                    .to_string(),
            ),
            targets: vec!["ou-tenants".into()],
        });
        let gate = RegionGate::new(Arc::new(org));
        let Some(CollectionStatus::Denied {
            policy_id, target, ..
        }) = gate.one("111111111111", "eu-west-1")
        else {
            panic!("denied by omission");
        };
        assert_eq!((policy_id, target.as_str()), (None, "ou-tenants"));
    }
}
