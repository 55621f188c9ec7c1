//! An account's IAM, read in one paginated `GetAccountAuthorizationDetails` (roles, users,
//! groups and the account's own managed policies, with every document), and the credential
//! report, which says in one call which users have a password or an active access key
//! (per user, that would be two calls each).
//!
//! Documents come back URL-encoded from AWS (plain from moto); they are stored as returned
//! and decoded by the policy parser.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_iam::types::{AttachedPolicy as SdkAttached, EntityType, PolicyDetail};

use super::session::sdk_error;
use crate::inventory::{
    AttachedPolicy, CollectionStatus, Credentials, Group, IamUsers, InlinePolicy, PolicyDocument,
    Role, User,
};

/// All roles with their trust and identity policies.
pub async fn read_roles(client: &aws_sdk_iam::Client) -> Result<Vec<Role>, String> {
    read(client).await.map(|(roles, _)| roles)
}

/// Roles, users and groups, each attached managed policy filled with its document where the
/// account holds it (AWS-managed policies are AWS's and not read per account).
pub async fn read(client: &aws_sdk_iam::Client) -> Result<(Vec<Role>, IamUsers), String> {
    let mut roles = Vec::new();
    let mut users = Vec::new();
    let mut groups = Vec::new();
    let mut documents = HashMap::new();
    let mut pages = client
        .get_account_authorization_details()
        .filter(EntityType::Role)
        .filter(EntityType::User)
        .filter(EntityType::Group)
        .filter(EntityType::LocalManagedPolicy)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| sdk_error("GetAccountAuthorizationDetails", &e))?;
        for policy in page.policies() {
            let default = policy
                .policy_version_list()
                .iter()
                .find(|v| v.is_default_version())
                .and_then(|v| v.document());
            if let (Some(arn), Some(doc)) = (policy.arn(), default) {
                documents.insert(arn.to_owned(), doc.to_owned());
            }
        }
        for r in page.role_detail_list() {
            roles.push(Role {
                name: r.role_name().unwrap_or_default().to_owned(),
                arn: r.arn().unwrap_or_default().to_owned(),
                path: r.path().unwrap_or("/").to_owned(),
                trust_policy: PolicyDocument::Text(
                    r.assume_role_policy_document()
                        .unwrap_or_default()
                        .to_owned(),
                ),
                attached_policies: attached(r.attached_managed_policies()),
                inline_policies: inline(r.role_policy_list()),
            });
        }
        for u in page.user_detail_list() {
            users.push(User {
                name: u.user_name().unwrap_or_default().to_owned(),
                arn: u.arn().unwrap_or_default().to_owned(),
                path: u.path().unwrap_or("/").to_owned(),
                groups: u.group_list().to_vec(),
                attached_policies: attached(u.attached_managed_policies()),
                inline_policies: inline(u.user_policy_list()),
                credentials: None,
            });
        }
        for g in page.group_detail_list() {
            groups.push(Group {
                name: g.group_name().unwrap_or_default().to_owned(),
                arn: g.arn().unwrap_or_default().to_owned(),
                attached_policies: attached(g.attached_managed_policies()),
                inline_policies: inline(g.group_policy_list()),
            });
        }
    }
    let fill = |policies: &mut Vec<AttachedPolicy>| {
        for p in policies {
            p.document = documents
                .get(&p.arn)
                .map(|d| PolicyDocument::Text(d.clone()));
        }
    };
    roles
        .iter_mut()
        .for_each(|r| fill(&mut r.attached_policies));
    users
        .iter_mut()
        .for_each(|u| fill(&mut u.attached_policies));
    groups
        .iter_mut()
        .for_each(|g| fill(&mut g.attached_policies));
    roles.sort_by(|a, b| a.arn.cmp(&b.arn));
    users.sort_by(|a, b| a.arn.cmp(&b.arn));
    groups.sort_by(|a, b| a.arn.cmp(&b.arn));
    let credentials = if users.is_empty() {
        CollectionStatus::Collected
    } else {
        match credential_report(client).await {
            Ok(report) => {
                for user in &mut users {
                    user.credentials = Some(report.get(&user.arn).copied().unwrap_or_default());
                }
                CollectionStatus::Collected
            }
            Err(error) => CollectionStatus::Failed { error },
        }
    };
    Ok((
        roles,
        IamUsers {
            users,
            groups,
            credentials,
        },
    ))
}

fn attached(policies: &[SdkAttached]) -> Vec<AttachedPolicy> {
    policies
        .iter()
        .map(|p| AttachedPolicy {
            arn: p.policy_arn().unwrap_or_default().to_owned(),
            name: p.policy_name().unwrap_or_default().to_owned(),
            document: None,
        })
        .collect()
}

fn inline(policies: &[PolicyDetail]) -> Vec<InlinePolicy> {
    policies
        .iter()
        .map(|p| InlinePolicy {
            name: p.policy_name().unwrap_or_default().to_owned(),
            document: PolicyDocument::Text(p.policy_document().unwrap_or_default().to_owned()),
        })
        .collect()
}

/// The credential report by user ARN. Generating it takes seconds (AWS reuses a report up to
/// four hours old), so generation is polled a few times before giving up.
async fn credential_report(
    client: &aws_sdk_iam::Client,
) -> Result<HashMap<String, Credentials>, String> {
    for attempt in 0..10 {
        let state = client
            .generate_credential_report()
            .send()
            .await
            .map_err(|e| sdk_error("GenerateCredentialReport", &e))?;
        if state.state() == Some(&aws_sdk_iam::types::ReportStateType::Complete) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500 * (attempt + 1))).await;
    }
    let report = client
        .get_credential_report()
        .send()
        .await
        .map_err(|e| sdk_error("GetCredentialReport", &e))?;
    let content = report
        .content()
        .map(|b| String::from_utf8_lossy(b.as_ref()).into_owned())
        .unwrap_or_default();
    parse_credential_report(&content)
}

/// Parses the report's CSV. User names may hold commas and are not quoted, so each row is read
/// from the right: every column after `arn` is fixed, and the ARN is what follows `,arn:`.
pub fn parse_credential_report(csv: &str) -> Result<HashMap<String, Credentials>, String> {
    let mut lines = csv.lines();
    let header: Vec<&str> = lines
        .next()
        .ok_or("the credential report is empty")?
        .split(',')
        .collect();
    let column = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or_else(|| format!("the credential report has no `{name}` column"))
    };
    let (arn, password, key1, key2) = (
        column("arn")?,
        column("password_enabled")?,
        column("access_key_1_active")?,
        column("access_key_2_active")?,
    );
    if arn != 1 {
        return Err("the credential report's second column is not `arn`".to_owned());
    }
    let fixed = header.len() - 2;
    let mut out = HashMap::new();
    for line in lines.filter(|l| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split(',').collect();
        if fields.len() < header.len() {
            return Err(format!(
                "a credential report row has {} columns",
                fields.len()
            ));
        }
        let tail = &fields[fields.len() - fixed..];
        let head = fields[..fields.len() - fixed].join(",");
        let Some(at) = head.find(",arn:") else {
            continue;
        };
        let at_column = |i: usize| tail[i - 2] == "true";
        out.insert(
            head[at + 1..].to_owned(),
            Credentials {
                password: at_column(password),
                active_access_keys: u8::from(at_column(key1)) + u8::from(at_column(key2)),
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

    #[test]
    fn reads_passwords_and_active_keys_by_arn_even_with_commas_in_names() {
        let csv = format!(
            "{HEADER}\n<root_account>,arn:aws:iam::111111111111:root,2020-01-01T00:00:00+00:00,not_supported,N/A,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n\
             ops,admin,arn:aws:iam::111111111111:user/ops,admin,2020-01-01T00:00:00+00:00,false,N/A,N/A,N/A,false,true,2020-01-01T00:00:00+00:00,N/A,N/A,N/A,true,2020-01-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A\n\
             alice,arn:aws:iam::111111111111:user/alice,2020-01-01T00:00:00+00:00,true,N/A,N/A,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
        );
        let report = parse_credential_report(&csv).unwrap();
        assert_eq!(
            report["arn:aws:iam::111111111111:user/ops,admin"],
            Credentials {
                password: false,
                active_access_keys: 2
            }
        );
        assert_eq!(
            report["arn:aws:iam::111111111111:user/alice"],
            Credentials {
                password: true,
                active_access_keys: 0
            }
        );
    }

    #[test]
    fn a_report_without_the_columns_is_an_error_not_an_empty_answer() {
        assert!(parse_credential_report("user,arn\nx,arn:aws:iam::1:user/x\n").is_err());
        assert!(parse_credential_report("").is_err());
    }
}
