//! Resource policies: the types whose whole policy is one argument, and Lambda permissions,
//! which add one statement each to the function's policy.

use super::*;

/// An event bus's ARN (`default` is the account's default bus).
fn event_bus_arn(region: &str, account: &str, name: &str) -> String {
    if name.starts_with("arn:") {
        name.to_owned()
    } else {
        format!("arn:aws:events:{region}:{account}:event-bus/{name}")
    }
}

impl Overlay<'_> {
    /// Adds (or, for a deletion, removes) one statement, keyed by its `Sid`, to the policy of
    /// `arn`: the resources whose permissions are added one statement at a time (Lambda
    /// permissions, EventBridge permissions).
    fn put_statement(
        &mut self,
        c: &Change,
        (account, region): (&str, &str),
        kind: ResourceKind,
        arn: String,
        statement: Value,
    ) {
        let deletes = c.deletes();
        let r = self.region_mut(account, region);
        let existing = r.resources.iter_mut().find(|x| x.arn == arn);
        let mut doc: Value = existing
            .as_ref()
            .and_then(|x| x.policy.as_ref())
            .and_then(|p| match p {
                PolicyDocument::Text(t) => serde_json::from_str(t).ok(),
                PolicyDocument::Json(v) => Some(v.clone()),
            })
            .unwrap_or_else(|| json!({"Version": "2012-10-17", "Statement": []}));
        if let Some(list) = doc.get_mut("Statement").and_then(Value::as_array_mut) {
            list.retain(|s| s.get("Sid") != statement.get("Sid"));
            if !deletes {
                list.push(statement);
            }
        }
        let policy = Some(PolicyDocument::Text(doc.to_string()));
        match existing {
            Some(x) => x.policy = policy,
            None => r.resources.push(ResourcePolicy {
                kind,
                arn: arn.clone(),
                status: CollectionStatus::Collected,
                policy,
                grants: Vec::new(),
                public_access_block: None,
                shares: Vec::new(),
                acl: Vec::new(),
            }),
        }
        self.addresses.insert(arn, c.address.clone());
    }

    /// The region the collector filed bucket `arn` of `account` under, if it read it.
    pub(super) fn bucket_region(&self, account: &str, arn: &str) -> Option<String> {
        self.inventory
            .accounts
            .iter()
            .find(|a| a.account_id == account)
            .and_then(|a| {
                a.regions
                    .iter()
                    .find(|r| r.resources.iter().any(|x| x.arn == arn))
                    .map(|r| r.region.clone())
            })
    }

    /// `aws_cloudwatch_event_permission`: one statement added to a bus's policy, keyed by its
    /// `statement_id`. `principal` is an account id or `*` (then usually narrowed by a
    /// `condition` on `aws:PrincipalOrgID`).
    pub(super) fn event_permission(&mut self, c: &Change) -> Result<(), String> {
        let (account, region) = self.account(c)?;
        let state = if c.deletes() { &c.before } else { &c.after };
        let text = |name: &str| state.get(name).and_then(Value::as_str).map(str::to_owned);
        let arn = event_bus_arn(
            &region,
            &account,
            &text("event_bus_name").unwrap_or_else(|| "default".to_owned()),
        );
        let sid = text("statement_id").unwrap_or_else(|| c.name.clone());
        let principal = match text("principal") {
            Some(p) if p == "*" => json!("*"),
            Some(p) => json!({"AWS": format!("arn:aws:iam::{p}:root")}),
            None if !c.deletes() && c.unknown("principal") => {
                json!({"AWS": format!("arn:aws:iam::{}:root", self.attr(c, "principal")?)})
            }
            None => return Err("`principal` is not known".to_owned()),
        };
        let mut statement = json!({
            "Sid": sid,
            "Effect": "Allow",
            "Principal": principal,
            "Action": text("action").unwrap_or_else(|| "events:PutEvents".to_owned()),
            "Resource": arn,
        });
        if let Some(condition) = state
            .get("condition")
            .and_then(Value::as_array)
            .and_then(|c| c.first())
        {
            let field = |n: &str| condition.get(n).and_then(Value::as_str);
            match (field("key"), field("type"), field("value")) {
                (Some(key), Some(kind), Some(value)) => {
                    statement["Condition"] = json!({kind: {key: value}});
                }
                _ => return Err("its `condition` is known only after apply".to_owned()),
            }
        }
        self.put_statement(
            c,
            (&account, &region),
            ResourceKind::EventBus,
            arn,
            statement,
        );
        Ok(())
    }

    pub(super) fn lambda_permission(&mut self, c: &Change) -> Result<(), String> {
        let (account, region) = self.account(c)?;
        let function = self.attr(c, "function_name")?;
        let arn = if function.starts_with("arn:") {
            function.clone()
        } else {
            format!("arn:aws:lambda:{region}:{account}:function:{function}")
        };
        let principal = self.attr(c, "principal")?;
        let principal = if principal.ends_with(".amazonaws.com") {
            json!({"Service": principal})
        } else {
            json!({"AWS": principal})
        };
        let mut statement = json!({
            "Sid": c.text("statement_id").unwrap_or(&c.name),
            "Effect": "Allow",
            "Principal": principal,
            "Action": c.text("action").unwrap_or("lambda:InvokeFunction"),
            "Resource": arn,
        });
        let mut condition = serde_json::Map::new();
        // A source known only after apply (the usual `aws_cloudwatch_event_rule.x.arn`) is
        // read from the resource it references, never dropped: without it the permission
        // would be judged as having no source.
        let source = |name: &str| -> Result<Option<String>, String> {
            match c.text(name) {
                Some(v) => Ok(Some(v.to_owned())),
                None if c.unknown(name) => self.attr(c, name).map(Some),
                None => Ok(None),
            }
        };
        if let Some(a) = source("source_account")? {
            condition.insert("StringEquals".into(), json!({"AWS:SourceAccount": a}));
        }
        if let Some(s) = source("source_arn")? {
            condition.insert("ArnLike".into(), json!({"AWS:SourceArn": s}));
        }
        if !condition.is_empty() {
            statement["Condition"] = Value::Object(condition);
        }
        self.put_statement(
            c,
            (&account, &region),
            ResourceKind::LambdaFunction,
            arn,
            statement,
        );
        Ok(())
    }

    /// The resource types whose whole policy is one argument.
    pub(super) fn resource_policy(&mut self, c: &Change) -> Result<(), String> {
        let (account, region) = self.account(c)?;
        let (kind, arn) = match c.kind.as_str() {
            "aws_s3_bucket_policy" => (
                ResourceKind::S3Bucket,
                format!("arn:aws:s3:::{}", self.attr(c, "bucket")?),
            ),
            "aws_sqs_queue_policy" => {
                let url = self.attr(c, "queue_url")?;
                let name = url.rsplit('/').next().unwrap_or(&url).to_owned();
                (
                    ResourceKind::SqsQueue,
                    format!("arn:aws:sqs:{region}:{account}:{name}"),
                )
            }
            "aws_sns_topic_policy" => (ResourceKind::SnsTopic, self.attr(c, "arn")?),
            "aws_kms_key_policy" => {
                let id = self.attr(c, "key_id")?;
                (
                    ResourceKind::KmsKey,
                    if id.starts_with("arn:") {
                        id
                    } else {
                        format!("arn:aws:kms:{region}:{account}:key/{id}")
                    },
                )
            }
            "aws_kms_key" => (
                ResourceKind::KmsKey,
                self.ids.get(&c.address).cloned().unwrap_or_else(|| {
                    format!("arn:aws:kms:{region}:{account}:key/planned-{}", c.name)
                }),
            ),
            "aws_secretsmanager_secret_policy" => {
                (ResourceKind::Secret, self.attr(c, "secret_arn")?)
            }
            "aws_ecr_repository_policy" => (
                ResourceKind::EcrRepository,
                format!(
                    "arn:aws:ecr:{region}:{account}:repository/{}",
                    self.attr(c, "repository")?
                ),
            ),
            "aws_s3control_access_point_policy" => (
                ResourceKind::S3AccessPoint,
                self.attr(c, "access_point_arn")?,
            ),
            "aws_s3_access_point" => (
                ResourceKind::S3AccessPoint,
                format!(
                    "arn:aws:s3:{region}:{}:accesspoint/{}",
                    c.text("account_id").unwrap_or(&account),
                    self.attr(c, "name")?
                ),
            ),
            "aws_dynamodb_resource_policy" => {
                (ResourceKind::DynamodbTable, self.attr(c, "resource_arn")?)
            }
            "aws_efs_file_system_policy" => (
                ResourceKind::EfsFileSystem,
                format!(
                    "arn:aws:elasticfilesystem:{region}:{account}:file-system/{}",
                    self.attr(c, "file_system_id")?
                ),
            ),
            "aws_api_gateway_rest_api_policy" => (
                ResourceKind::RestApi,
                format!(
                    "arn:aws:execute-api:{region}:{account}:{}",
                    self.attr(c, "rest_api_id")?
                ),
            ),
            "aws_cloudwatch_log_resource_policy" => (
                ResourceKind::LogsResourcePolicy,
                format!(
                    "arn:aws:logs:{region}:{account}:resource-policy/{}",
                    self.attr(c, "policy_name")?
                ),
            ),
            "aws_cloudwatch_event_bus_policy" => (
                ResourceKind::EventBus,
                event_bus_arn(
                    &region,
                    &account,
                    c.text("event_bus_name").unwrap_or("default"),
                ),
            ),
            other => return Err(format!("`{other}` is not understood")),
        };
        let attribute = match c.kind.as_str() {
            "aws_cloudwatch_log_resource_policy" => "policy_document",
            _ => "policy",
        };
        let deletes = c.deletes();
        let policy = if deletes {
            None
        } else if c.kind == "aws_kms_key" && self.configured(c, "policy") == Some(false) {
            // A key created without a policy gets AWS's default key policy.
            Some(format!(
                r#"{{"Version":"2012-10-17","Id":"key-default-1","Statement":[{{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{account}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
            ))
        } else {
            self.policy(c, attribute)?
        };
        let r = self.region_mut(&account, &region);
        r.resources.retain(|x| x.arn != arn);
        if !deletes {
            r.resources.push(ResourcePolicy {
                kind,
                arn: arn.clone(),
                status: CollectionStatus::Collected,
                policy: policy.map(PolicyDocument::Text),
                grants: Vec::new(),
                public_access_block: None,
                shares: Vec::new(),
                acl: Vec::new(),
            });
        }
        self.made(c, arn);
        Ok(())
    }

    /// A policy written on the resource itself (`aws_s3_bucket.policy` in provider v3,
    /// `aws_sns_topic.policy`, `aws_sqs_queue.policy`, `aws_secretsmanager_secret.policy`),
    /// judged like the separate policy resource. A resource whose configuration writes no
    /// policy changes none.
    pub(super) fn inline_policy(&mut self, c: &Change) -> Result<(), String> {
        if c.kind == "aws_s3_bucket" && !c.deletes() {
            // Provider v3's inline `acl` and `grant` blocks.
            let granted = c
                .after
                .get("grant")
                .and_then(Value::as_array)
                .is_some_and(|g| !g.is_empty());
            let open = !matches!(
                c.text("acl"),
                None | Some("private" | "bucket-owner-full-control" | "log-delivery-write")
            );
            if granted || open {
                return Err("its inline `acl`/`grant` gives access beyond the bucket's owner, and tenantguard does not model S3 ACLs yet: review this change by hand".into());
            }
        }
        if self.configured(c, "policy") == Some(false) && c.text("policy").is_none_or(str::is_empty)
        {
            return Ok(());
        }
        let (account, region) = self.account(c)?;
        let kind = match c.kind.as_str() {
            "aws_s3_bucket" => ResourceKind::S3Bucket,
            "aws_sns_topic" => ResourceKind::SnsTopic,
            "aws_sqs_queue" => ResourceKind::SqsQueue,
            _ => ResourceKind::Secret,
        };
        let arn = match c.text("arn") {
            Some(arn) => arn.to_owned(),
            None => self
                .planned_attribute(c, "arn")
                .ok_or_else(|| "its ARN depends on a name known only after apply".to_owned())?,
        };
        let deletes = c.deletes();
        let policy = if deletes {
            None
        } else {
            self.policy(c, "policy")?
        };
        let r = self.region_mut(&account, &region);
        r.resources.retain(|x| x.arn != arn);
        if let Some(policy) = policy {
            r.resources.push(ResourcePolicy {
                kind,
                arn: arn.clone(),
                status: CollectionStatus::Collected,
                policy: Some(PolicyDocument::Text(policy)),
                grants: Vec::new(),
                public_access_block: None,
                shares: Vec::new(),
                acl: Vec::new(),
            });
        }
        self.made(c, arn);
        Ok(())
    }

    /// An S3 ACL: the canned ACLs that keep the bucket to its owner (and S3's log delivery)
    /// change nothing between tenants; any other grant is not modelled yet, so it is reported
    /// for review, never passed.
    /// `aws_s3_bucket_acl`: the bucket's ACL as it will be, from its canned `acl` or its
    /// `access_control_policy` grants, judged as the collector's `GetBucketAcl` would be. A
    /// deletion leaves the bucket's ACL as it is (Terraform only forgets it).
    pub(super) fn bucket_acl(&mut self, c: &Change) -> Result<(), String> {
        use crate::inventory::{AclGrant, AclGrantee};
        if c.deletes() {
            return Ok(());
        }
        let group = |name: &str, permission: &str| AclGrant {
            grantee: AclGrantee::Group {
                uri: format!("http://acs.amazonaws.com/groups/{name}"),
            },
            permission: permission.to_owned(),
        };
        let policy = c
            .after
            .get("access_control_policy")
            .and_then(Value::as_array)
            .filter(|a| !a.is_empty());
        let acl: Vec<AclGrant> = match (c.text("acl"), policy) {
            (_, Some(policy)) => {
                let mut out = Vec::new();
                for grant in policy
                    .iter()
                    .filter_map(|p| p.get("grant").and_then(Value::as_array))
                    .flatten()
                {
                    let grantee = grant
                        .get("grantee")
                        .and_then(Value::as_array)
                        .and_then(|g| g.first())
                        .ok_or("a grant of `access_control_policy` is known only after apply")?;
                    let field = |n: &str| {
                        grantee
                            .get(n)
                            .and_then(Value::as_str)
                            .filter(|v| !v.is_empty())
                    };
                    let grantee = match (field("type"), field("id"), field("uri")) {
                        (Some("CanonicalUser"), Some(id), _) => {
                            AclGrantee::CanonicalUser { id: id.to_owned() }
                        }
                        (Some("Group"), _, Some(uri)) => AclGrantee::Group {
                            uri: uri.to_owned(),
                        },
                        (Some("AmazonCustomerByEmail"), _, _) => AclGrantee::Email {
                            address: field("email_address").unwrap_or_default().to_owned(),
                        },
                        _ => {
                            return Err(
                                "a grantee of `access_control_policy` is known only after apply"
                                    .to_owned(),
                            );
                        }
                    };
                    let permission = grant
                        .get("permission")
                        .and_then(Value::as_str)
                        .ok_or("a grant's permission is known only after apply")?;
                    out.push(AclGrant {
                        grantee,
                        permission: permission.to_owned(),
                    });
                }
                out
            }
            (Some("private" | "bucket-owner-full-control" | "bucket-owner-read"), None) => {
                Vec::new()
            }
            (Some("log-delivery-write"), None) => vec![
                group("s3/LogDelivery", "WRITE"),
                group("s3/LogDelivery", "READ_ACP"),
            ],
            (Some("public-read"), None) => vec![group("global/AllUsers", "READ")],
            (Some("public-read-write"), None) => vec![
                group("global/AllUsers", "READ"),
                group("global/AllUsers", "WRITE"),
            ],
            (Some("authenticated-read"), None) => {
                vec![group("global/AuthenticatedUsers", "READ")]
            }
            (Some(other), None) => {
                return Err(format!(
                    "canned ACL `{other}` grants a grantee tenantguard cannot tie to an account: review this change by hand"
                ));
            }
            (None, None) => {
                return Err(
                    "its ACL (`acl` or `access_control_policy`) is known only after apply".into(),
                );
            }
        };
        let (account, region) = self.account(c)?;
        let bucket = self.attr(c, "bucket")?;
        let arn = format!("arn:aws:s3:::{bucket}");
        let filed = self.bucket_region(&account, &arn);
        let r = self.region_mut(&account, &filed.unwrap_or(region));
        match r.resources.iter_mut().find(|x| x.arn == arn) {
            Some(x) => x.acl = acl,
            None => r.resources.push(ResourcePolicy {
                kind: ResourceKind::S3Bucket,
                arn: arn.clone(),
                status: CollectionStatus::Collected,
                policy: None,
                grants: Vec::new(),
                public_access_block: None,
                shares: Vec::new(),
                acl,
            }),
        }
        self.addresses
            .entry(arn)
            .or_insert_with(|| c.address.clone());
        Ok(())
    }

    /// A security group's inline `ingress`/`egress` rules: a rule that names another
    /// account's group (`<account>/sg-...`) is a path the plan gate does not model yet.
    pub(super) fn security_group(&mut self, c: &Change) -> Result<(), String> {
        if c.deletes() {
            return Ok(());
        }
        if c.unknown("ingress") && self.configured(c, "ingress") != Some(false)
            || c.unknown("egress") && self.configured(c, "egress") != Some(false)
        {
            return Err("its inline rules are known only after apply and may name another account's security group: review this change by hand".into());
        }
        let named: Vec<&str> = ["ingress", "egress"]
            .iter()
            .flat_map(|d| {
                c.after
                    .get(*d)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
            })
            .flat_map(|rule| {
                rule.get("security_groups")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
            })
            .filter_map(Value::as_str)
            .filter(|g| g.contains('/'))
            .collect();
        // Only a group named with its owner (`<account>/sg-...`) can be another account's:
        // without one, where the group lands does not matter.
        if named.is_empty() {
            return Ok(());
        }
        let (account, _) = self.account(c)?;
        let foreign: Vec<String> = named
            .into_iter()
            .filter(|g| g.split_once('/').is_some_and(|(owner, _)| owner != account))
            .map(str::to_owned)
            .collect();
        if foreign.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "an inline rule names security group(s) of another account ({}), and tenantguard does not model planned security-group references yet: review this change by hand",
                foreign.join(", ")
            ))
        }
    }
}
