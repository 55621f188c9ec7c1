//! ECR repositories and their policies.

use std::sync::Arc;

use tokio::sync::Semaphore;

use super::{TypeRead, code, resource};
use crate::collect::bounded::bounded;
use crate::collect::session::{Session, sdk_error};
use crate::inventory::ResourceKind;

pub async fn ecr_repositories(session: &Session, region: &str, limit: &Arc<Semaphore>) -> TypeRead {
    let ecr = session.ecr(region);
    let read = async {
        let mut repos = Vec::new();
        let mut pages = ecr.describe_repositories().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("DescribeRepositories", &e))?;
            repos.extend(page.repositories().iter().filter_map(|r| {
                Some((
                    r.repository_name()?.to_owned(),
                    r.repository_arn()?.to_owned(),
                ))
            }));
        }
        Ok::<_, String>(repos)
    };
    let repos = match read.await {
        Ok(r) => r,
        Err(e) => return (ResourceKind::EcrRepository, Err(e)),
    };
    let found = bounded(limit, repos, |(name, arn)| {
        let ecr = ecr.clone();
        async move {
            let policy = match ecr
                .get_repository_policy()
                .repository_name(&name)
                .send()
                .await
            {
                Ok(p) => Ok(p.policy_text().map(str::to_owned)),
                Err(e) if code(&e) == Some("RepositoryPolicyNotFoundException") => Ok(None),
                Err(e) => Err(sdk_error(&format!("GetRepositoryPolicy {name}"), &e)),
            };
            resource(ResourceKind::EcrRepository, arn, policy)
        }
    })
    .await;
    (ResourceKind::EcrRepository, found)
}
