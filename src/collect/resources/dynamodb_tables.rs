//! DynamoDB tables and their resource policies: `ListTables` (100 a page), then
//! `GetResourcePolicy` per table (`PolicyNotFoundException`: it has none).

use std::sync::Arc;

use tokio::sync::Semaphore;

use super::{TypeRead, code, resource};
use crate::collect::bounded::bounded;
use crate::collect::session::{Session, sdk_error};
use crate::inventory::ResourceKind;

pub async fn dynamodb_tables(session: &Session, region: &str, limit: &Arc<Semaphore>) -> TypeRead {
    let kind = ResourceKind::DynamodbTable;
    let ddb = session.dynamodb(region);
    let account = session.account().to_owned();
    let read = async {
        let mut names = Vec::new();
        let mut pages = ddb.list_tables().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("ListTables", &e))?;
            names.extend(page.table_names().iter().cloned());
        }
        Ok::<_, String>(names)
    };
    let names = match read.await {
        Ok(n) => n,
        Err(e) => return (kind, Err(e)),
    };
    let region = region.to_owned();
    let found = bounded(limit, names, |name| {
        let (ddb, arn) = (
            ddb.clone(),
            format!("arn:aws:dynamodb:{region}:{account}:table/{name}"),
        );
        async move {
            let policy = match ddb.get_resource_policy().resource_arn(&arn).send().await {
                Ok(p) => Ok(p.policy().map(str::to_owned)),
                Err(e) if code(&e) == Some("PolicyNotFoundException") => Ok(None),
                Err(e) => Err(sdk_error(&format!("GetResourcePolicy {name}"), &e)),
            };
            resource(kind, arn, policy)
        }
    })
    .await;
    (kind, found)
}
