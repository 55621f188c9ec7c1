//! Lambda functions and their resource policies.

use std::sync::Arc;

use tokio::sync::Semaphore;

use super::{TypeRead, code, resource};
use crate::collect::bounded::bounded;
use crate::collect::session::{Session, sdk_error};
use crate::inventory::ResourceKind;

pub async fn lambda_functions(session: &Session, region: &str, limit: &Arc<Semaphore>) -> TypeRead {
    let lambda = session.lambda(region);
    let read = async {
        let mut arns = Vec::new();
        let mut pages = lambda.list_functions().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("ListFunctions", &e))?;
            arns.extend(
                page.functions()
                    .iter()
                    .filter_map(|f| f.function_arn().map(str::to_owned)),
            );
        }
        Ok::<_, String>(arns)
    };
    let arns = match read.await {
        Ok(a) => a,
        Err(e) => return (ResourceKind::LambdaFunction, Err(e)),
    };
    let found = bounded(limit, arns, |arn| {
        let lambda = lambda.clone();
        async move {
            let policy = match lambda.get_policy().function_name(&arn).send().await {
                Ok(p) => Ok(p.policy().map(str::to_owned)),
                Err(e) if code(&e) == Some("ResourceNotFoundException") => Ok(None),
                Err(e) => Err(sdk_error(&format!("GetPolicy {arn}"), &e)),
            };
            resource(ResourceKind::LambdaFunction, arn, policy)
        }
    })
    .await;
    (ResourceKind::LambdaFunction, found)
}
