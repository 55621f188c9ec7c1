//! EFS file systems and their policies: `DescribeFileSystems` (100 a page), then
//! `DescribeFileSystemPolicy` per file system (`PolicyNotFound`: it has none).

use std::sync::Arc;

use tokio::sync::Semaphore;

use super::{TypeRead, code, resource};
use crate::collect::bounded::bounded;
use crate::collect::session::{Session, sdk_error};
use crate::inventory::ResourceKind;

pub async fn efs_file_systems(session: &Session, region: &str, limit: &Arc<Semaphore>) -> TypeRead {
    let kind = ResourceKind::EfsFileSystem;
    let efs = session.efs(region);
    let read = async {
        let mut found = Vec::new();
        let mut pages = efs.describe_file_systems().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("DescribeFileSystems", &e))?;
            found.extend(page.file_systems().iter().map(|f| {
                (
                    f.file_system_id().to_owned(),
                    f.file_system_arn().unwrap_or(f.file_system_id()).to_owned(),
                )
            }));
        }
        Ok::<_, String>(found)
    };
    let systems = match read.await {
        Ok(s) => s,
        Err(e) => return (kind, Err(e)),
    };
    let found = bounded(limit, systems, |(id, arn)| {
        let efs = efs.clone();
        async move {
            let policy = match efs
                .describe_file_system_policy()
                .file_system_id(&id)
                .send()
                .await
            {
                Ok(p) => Ok(p.policy().map(str::to_owned)),
                Err(e) if code(&e) == Some("PolicyNotFound") => Ok(None),
                Err(e) => Err(sdk_error(&format!("DescribeFileSystemPolicy {id}"), &e)),
            };
            resource(kind, arn, policy)
        }
    })
    .await;
    (kind, found)
}
