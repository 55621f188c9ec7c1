//! The resource family: what resource policies let other tenants, the organization, anyone
//! or outsiders do.

use super::*;

/// The resource-policy rules on inventory fixtures: violations and the look-alikes that must
/// stay clean (own tenant, platform, a vendor, a service pinned to the own account, a Deny
/// that removes the grant, KMS's default statement).
mod resource_rules {
    use super::*;

    fn bucket(name: &str, statements: Value) -> ResourcePolicy {
        ResourcePolicy {
            kind: ResourceKind::S3Bucket,
            arn: format!("arn:aws:s3:::{name}"),
            status: CollectionStatus::Collected,
            policy: Some(PolicyDocument::Json(
                json!({"Version": "2012-10-17", "Statement": statements}),
            )),
            grants: vec![],
            public_access_block: None,
            shares: Vec::new(),
            acl: Vec::new(),
        }
    }

    fn allow(principal: Value, action: &str) -> Value {
        json!({"Effect": "Allow", "Principal": principal, "Action": action, "Resource": "*"})
    }

    fn with(resources: Vec<ResourcePolicy>) -> Org {
        let mut org = org();
        org.account(ACME).regions[0].resources = resources;
        org
    }

    /// (resource name, counterpart) of every finding of `rule`.
    fn found(org: &Org, rule: &str) -> Vec<(String, Option<String>)> {
        org.findings(rule)
            .into_iter()
            .map(|(r, c)| (r.rsplit([':', '/']).next().unwrap().to_owned(), c))
            .collect()
    }

    #[test]
    fn another_tenant_is_reported_and_own_and_platform_accounts_are_not() {
        let org = with(vec![
            bucket(
                "to-beta",
                json!([allow(json!({"AWS": BETA}), "s3:GetObject")]),
            ),
            bucket(
                "to-own",
                json!([allow(
                    json!({"AWS": format!("arn:aws:iam::{ACME2}:root")}),
                    "s3:GetObject"
                )]),
            ),
            bucket(
                "to-platform",
                json!([allow(json!({"AWS": SHARED}), "s3:*")]),
            ),
            bucket(
                "denied",
                json!([allow(json!({"AWS": BETA}), "s3:GetObject"), {"Effect": "Deny", "Principal": {"AWS": BETA}, "Action": "s3:*", "Resource": "*"}]),
            ),
        ]);
        assert_eq!(
            found(&org, "cross-tenant-resource-access"),
            [("to-beta".to_owned(), Some(BETA.to_owned()))]
        );
    }

    #[test]
    fn statements_to_one_counterpart_merge_into_one_finding_with_every_access() {
        let org = with(vec![bucket(
            "two",
            json!([
                allow(json!({"AWS": BETA}), "s3:GetObject"),
                allow(json!({"AWS": BETA}), "s3:PutObject")
            ]),
        )]);
        let config = Config::parse(&org.config, "t.toml", &tenantguard::rules::ids()).unwrap();
        let f: Vec<_> = evaluate(&org.inventory, &config)
            .findings
            .into_iter()
            .filter(|f| f.rule == "cross-tenant-resource-access")
            .collect();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].evidence[0]["access"], json!(["read", "write"]));
        assert_eq!(f[0].evidence[0]["grants"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn the_organization_anyone_and_outsiders_are_reported() {
        let org = with(vec![
            bucket(
                "orgwide",
                json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-test000001"}}}]),
            ),
            bucket("public", json!([allow(json!("*"), "s3:GetObject")])),
            bucket(
                "vpce",
                json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}]),
            ),
            bucket(
                "stranger",
                json!([allow(json!({"AWS": STRANGER}), "s3:GetObject")]),
            ),
            bucket(
                "vendor",
                json!([allow(json!({"AWS": VENDOR}), "s3:GetObject")]),
            ),
            bucket(
                "narrowed",
                json!([{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipalAccount": ACME}}}]),
            ),
        ]);
        assert_eq!(found(&org, "organization-wide-resource-access").len(), 1);
        let public: Vec<String> = found(&org, "public-resource-access")
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(
            public,
            ["public", "vpce"],
            "a VPC endpoint condition is the path, not the caller"
        );
        assert_eq!(
            found(&org, "external-resource-access"),
            [
                ("stranger".to_owned(), Some(STRANGER.to_owned())),
                ("vendor".to_owned(), Some(VENDOR.to_owned()))
            ],
            "a vendor that must bring `sts:ExternalId` is admitted without it by a resource \
             policy, which cannot require it: the confused deputy the requirement prevents"
        );
    }

    #[test]
    fn a_vendor_must_meet_its_other_requirements() {
        let mut org = with(vec![
            bucket(
                "bare",
                json!([allow(json!({"AWS": VENDOR}), "s3:GetObject")]),
            ),
            bucket(
                "conditioned",
                json!([{"Effect": "Allow", "Principal": {"AWS": VENDOR}, "Action": "s3:GetObject", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]),
            ),
        ]);
        org.config = org.config.replace(
            "accounts = [\"999900000001\"]",
            "accounts = [\"999900000001\"]\nrequire_conditions = [\"aws:SourceIp\"]",
        );
        assert_eq!(
            found(&org, "external-resource-access"),
            [("bare".to_owned(), Some(VENDOR.to_owned()))]
        );
    }

    #[test]
    fn a_service_without_a_source_is_a_confused_deputy() {
        let sns = |condition: Value| json!([{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "sqs:SendMessage", "Resource": "*", "Condition": condition}]);
        let org = with(vec![
            bucket("open", sns(json!({}))),
            bucket(
                "own",
                sns(json!({"StringEquals": {"aws:SourceAccount": ACME}})),
            ),
            bucket(
                "beta",
                sns(
                    json!({"ArnLike": {"aws:SourceArn": format!("arn:aws:sns:eu-west-1:{BETA}:t")}}),
                ),
            ),
            bucket(
                "s3-arn",
                sns(json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::some-bucket"}})),
            ),
        ]);
        let open: Vec<String> = found(&org, "service-principal-without-source")
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(
            open,
            ["open", "s3-arn"],
            "an S3 source ARN names no account"
        );
        assert_eq!(
            found(&org, "cross-tenant-resource-access"),
            [("beta".to_owned(), Some(BETA.to_owned()))]
        );
    }

    #[test]
    fn kms_default_statement_is_clean_and_grants_to_other_tenants_are_not() {
        let key = ResourcePolicy {
            kind: ResourceKind::KmsKey,
            arn: format!("arn:aws:kms:eu-west-1:{ACME}:key/k1"),
            status: CollectionStatus::Collected,
            policy: Some(PolicyDocument::Json(
                json!({"Statement": [allow(json!({"AWS": format!("arn:aws:iam::{ACME}:root")}), "kms:*")]}),
            )),
            grants: vec![KmsGrant {
                id: "g1".into(),
                grantee_principal: format!("arn:aws:iam::{BETA}:role/batch"),
                operations: vec!["Decrypt".into()],
            }],
            public_access_block: None,
            shares: Vec::new(),
            acl: Vec::new(),
        };
        let org = with(vec![key]);
        assert_eq!(
            found(&org, "cross-tenant-resource-access"),
            [("k1".to_owned(), Some(BETA.to_owned()))]
        );
    }

    #[test]
    fn what_cannot_be_read_or_resolved_is_reported() {
        let mut unread = bucket("unread", json!([]));
        unread.status = CollectionStatus::Failed {
            error: "GetBucketPolicy: AccessDenied".into(),
        };
        unread.policy = None;
        let mut broken = bucket("broken", json!([]));
        broken.policy = Some(PolicyDocument::Text("{not json".into()));
        let mut org = with(vec![
            bucket(
                "odd",
                json!([allow(json!({"AWS": "not-an-arn"}), "s3:GetObject")]),
            ),
            broken,
            unread,
        ]);
        let unresolved: Vec<String> = found(&org, "unresolved-resource-policy")
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(unresolved, ["broken", "odd"]);
        let not_scanned: Vec<String> = org
            .findings("not-scanned")
            .into_iter()
            .map(|f| f.0)
            .collect();
        assert_eq!(not_scanned, ["arn:aws:s3:::unread"]);
        // A region whose S3 listing failed, and one without any record of resource types.
        org.account(ACME).regions[0].resource_types[0].status = CollectionStatus::Failed {
            error: "ListBuckets: AccessDenied".into(),
        };
        org.account(BETA).regions[0].resource_types.clear();
        let config = Config::parse(&org.config, "t.toml", &tenantguard::rules::ids()).unwrap();
        let messages: Vec<String> = evaluate(&org.inventory, &config)
            .findings
            .into_iter()
            .filter(|f| f.rule == "not-scanned")
            .map(|f| f.message)
            .collect();
        assert_eq!(messages.len(), 3, "{messages:#?}");
        assert!(
            messages
                .iter()
                .any(|m| m.contains("S3 bucket policies: ListBuckets"))
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains(BETA) && m.contains("no collection record"))
        );
    }
}

/// What a tenant shares by attribute: EBS snapshots (`createVolumePermission`) and AMIs
/// (`launchPermission`), judged as grants to accounts, the organization, OUs or everyone.
mod shares {
    use super::*;

    fn shared(kind: ResourceKind, id: &str, shares: Vec<SharedWith>) -> ResourcePolicy {
        let noun = match kind {
            ResourceKind::EbsSnapshot => "snapshot",
            _ => "image",
        };
        ResourcePolicy {
            kind,
            arn: format!("arn:aws:ec2:eu-west-1::{noun}/{id}"),
            status: CollectionStatus::Collected,
            policy: None,
            grants: vec![],
            public_access_block: None,
            shares,
            acl: vec![],
        }
    }

    fn account(id: &str) -> SharedWith {
        SharedWith::Account { id: id.into() }
    }

    fn org_with(resources: Vec<ResourcePolicy>) -> Org {
        let mut org = org();
        org.account(ACME).regions[0].resources = resources;
        org
    }

    fn names(org: &Org, rule: &str) -> Vec<String> {
        let mut got: Vec<String> = org
            .findings(rule)
            .into_iter()
            .map(|(r, _)| r.rsplit('/').next().unwrap().to_owned())
            .collect();
        got.sort();
        got
    }

    #[test]
    fn a_snapshot_or_image_shared_with_another_tenant_is_reported_and_with_its_own_is_not() {
        let org = org_with(vec![
            shared(ResourceKind::EbsSnapshot, "snap-beta", vec![account(BETA)]),
            shared(ResourceKind::EbsSnapshot, "snap-own", vec![account(ACME2)]),
            shared(
                ResourceKind::EbsSnapshot,
                "snap-platform",
                vec![account(SHARED)],
            ),
            shared(ResourceKind::MachineImage, "ami-beta", vec![account(BETA)]),
            // An OU ARN: every account below it; the tenants' OU holds every tenant, so it is
            // as wide as the organization.
            shared(
                ResourceKind::MachineImage,
                "ami-tenants-ou",
                vec![SharedWith::OrganizationalUnit {
                    arn: format!("arn:aws:organizations::{MGMT}:ou/o-test000001/ou-t1-tenants"),
                }],
            ),
            // acme's own OU holds only acme's accounts.
            shared(
                ResourceKind::MachineImage,
                "ami-acme-ou",
                vec![SharedWith::OrganizationalUnit {
                    arn: format!("arn:aws:organizations::{MGMT}:ou/o-test000001/ou-t1-acme"),
                }],
            ),
        ]);
        assert_eq!(
            names(&org, "cross-tenant-resource-access"),
            ["ami-beta", "snap-beta"]
        );
        assert_eq!(
            names(&org, "organization-wide-resource-access"),
            ["ami-tenants-ou"]
        );
    }

    #[test]
    fn everyone_the_organization_and_outsiders_fall_to_their_rules() {
        let org = org_with(vec![
            shared(
                ResourceKind::EbsSnapshot,
                "snap-public",
                vec![SharedWith::Everyone],
            ),
            shared(
                ResourceKind::MachineImage,
                "ami-org",
                vec![SharedWith::Organization {
                    arn: format!("arn:aws:organizations::{MGMT}:organization/o-test000001"),
                }],
            ),
            shared(
                ResourceKind::EbsSnapshot,
                "snap-stranger",
                vec![account(STRANGER)],
            ),
            shared(
                ResourceKind::MachineImage,
                "ami-garbled",
                vec![SharedWith::Organization {
                    arn: "not-an-arn".into(),
                }],
            ),
        ]);
        assert_eq!(names(&org, "public-resource-access"), ["snap-public"]);
        assert_eq!(
            names(&org, "organization-wide-resource-access"),
            ["ami-org"]
        );
        assert_eq!(names(&org, "external-resource-access"), ["snap-stranger"]);
        assert_eq!(names(&org, "unresolved-resource-policy"), ["ami-garbled"]);
    }
}

/// S3 ACLs: grants to another account by its canonical user id, to everyone, to log
/// delivery; `IgnorePublicAcls` closing the public ones.
mod acls {
    use super::*;

    fn canonical(account: &str) -> String {
        format!("{account}c0ffee")
    }

    fn bucket(
        name: &str,
        grants: Vec<(AclGrantee, &str)>,
        ignore_public_acls: bool,
    ) -> ResourcePolicy {
        let mut acl = vec![AclGrant {
            grantee: AclGrantee::CanonicalUser {
                id: canonical(ACME),
            },
            permission: "FULL_CONTROL".into(),
        }];
        acl.extend(grants.into_iter().map(|(grantee, permission)| AclGrant {
            grantee,
            permission: permission.into(),
        }));
        ResourcePolicy {
            kind: ResourceKind::S3Bucket,
            arn: format!("arn:aws:s3:::{name}"),
            status: CollectionStatus::Collected,
            policy: None,
            grants: vec![],
            public_access_block: Some(PublicAccessBlock {
                block_public_policy: false,
                restrict_public_buckets: false,
                ignore_public_acls,
            }),
            shares: vec![],
            acl,
        }
    }

    fn user(account: &str) -> AclGrantee {
        AclGrantee::CanonicalUser {
            id: canonical(account),
        }
    }

    fn group(name: &str) -> AclGrantee {
        AclGrantee::Group {
            uri: format!("http://acs.amazonaws.com/groups/{name}"),
        }
    }

    fn org_with(buckets: Vec<ResourcePolicy>) -> Org {
        let mut org = org();
        for account in [ACME, ACME2, BETA, SHARED] {
            org.account(account).canonical_user_id = Some(canonical(account));
        }
        org.account(ACME).regions[0].resources = buckets;
        org
    }

    #[test]
    fn grants_are_tied_to_accounts_by_canonical_id_and_the_owner_and_log_delivery_are_not_findings()
    {
        let org = org_with(vec![
            bucket("to-beta", vec![(user(BETA), "READ")], false),
            bucket("to-own", vec![(user(ACME2), "WRITE")], false),
            bucket("logs", vec![(group("s3/LogDelivery"), "WRITE")], false),
            bucket("to-stranger", vec![(user(STRANGER), "READ")], false),
        ]);
        assert_eq!(
            org.findings("cross-tenant-resource-access"),
            vec![("arn:aws:s3:::to-beta".to_owned(), Some(BETA.into()))]
        );
        let unresolved: Vec<String> = org
            .findings("unresolved-resource-policy")
            .into_iter()
            .map(|(r, _)| r)
            .collect();
        assert_eq!(
            unresolved,
            ["arn:aws:s3:::to-stranger"],
            "a canonical id of no account read"
        );
    }

    #[test]
    fn a_public_acl_is_public_unless_ignore_public_acls_closes_it() {
        let org = org_with(vec![
            bucket("open", vec![(group("global/AllUsers"), "READ")], false),
            bucket(
                "closed",
                vec![(group("global/AuthenticatedUsers"), "READ")],
                true,
            ),
        ]);
        let config = Config::parse(&org.config, "t.toml", &tenantguard::rules::ids()).unwrap();
        let evaluation = evaluate(&org.inventory, &config);
        let public: Vec<(&str, String)> = evaluation
            .findings
            .iter()
            .filter(|f| f.rule == "public-resource-access")
            .map(|f| (f.resource.as_str(), f.severity.to_string()))
            .collect();
        assert_eq!(public.len(), 2, "{public:?}");
        let closed = evaluation
            .findings
            .iter()
            .find(|f| f.resource == "arn:aws:s3:::closed")
            .unwrap();
        assert!(
            closed.message.contains("IgnorePublicAcls"),
            "{}",
            closed.message
        );
        assert_ne!(
            closed.severity,
            evaluation
                .findings
                .iter()
                .find(|f| f.resource == "arn:aws:s3:::open")
                .unwrap()
                .severity
        );
    }

    /// The account's Block Public Access applies on top of the bucket's: it closes a public
    /// policy of a bucket with no setting of its own; an open bucket says what is off.
    #[test]
    fn the_accounts_block_public_access_closes_what_the_bucket_leaves_open() {
        let public = |name: &str| ResourcePolicy {
            kind: ResourceKind::S3Bucket,
            arn: format!("arn:aws:s3:::{name}"),
            status: CollectionStatus::Collected,
            policy: Some(PolicyDocument::Json(
                json!({"Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}),
            )),
            grants: vec![],
            public_access_block: None,
            shares: vec![],
            acl: vec![],
        };
        let message = |block: Option<AccountBlockRead>| {
            let mut org = org_with(vec![public("site")]);
            org.account(ACME).s3_account_block = block;
            let config = Config::parse(&org.config, "t.toml", &tenantguard::rules::ids()).unwrap();
            let f = evaluate(&org.inventory, &config)
                .findings
                .into_iter()
                .find(|f| f.rule == "public-resource-access")
                .unwrap();
            (f.severity.to_string(), f.message)
        };
        let on = PublicAccessBlock {
            block_public_policy: true,
            restrict_public_buckets: true,
            ignore_public_acls: true,
        };
        let (closed, text) = message(Some(AccountBlockRead {
            status: CollectionStatus::Collected,
            block: Some(on),
        }));
        assert!(
            text.contains("the account's Block Public Access `RestrictPublicBuckets`"),
            "{text}"
        );
        let (open, text) = message(Some(AccountBlockRead {
            status: CollectionStatus::Collected,
            block: None,
        }));
        assert!(
            text.contains("is off for the bucket and for the account"),
            "{text}"
        );
        assert_ne!(closed, open);
        let (_, text) = message(None);
        assert!(text.contains("the account's was not read"), "{text}");
    }
}
