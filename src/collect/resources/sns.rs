//! SNS topics and their policies.

use std::sync::Arc;

use tokio::sync::Semaphore;

use super::{TypeRead, resource};
use crate::collect::bounded::bounded;
use crate::collect::session::{Session, sdk_error};
use crate::inventory::ResourceKind;

pub async fn sns_topics(session: &Session, region: &str, limit: &Arc<Semaphore>) -> TypeRead {
    let sns = session.sns(region);
    let read = async {
        let mut arns = Vec::new();
        let mut pages = sns.list_topics().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("ListTopics", &e))?;
            arns.extend(
                page.topics()
                    .iter()
                    .filter_map(|t| t.topic_arn().map(str::to_owned)),
            );
        }
        Ok::<_, String>(arns)
    };
    let arns = match read.await {
        Ok(a) => a,
        Err(e) => return (ResourceKind::SnsTopic, Err(e)),
    };
    let found = bounded(limit, arns, |arn| {
        let sns = sns.clone();
        async move {
            let policy = sns
                .get_topic_attributes()
                .topic_arn(&arn)
                .send()
                .await
                .map(|a| a.attributes().and_then(|m| m.get("Policy")).cloned())
                .map_err(|e| sdk_error(&format!("GetTopicAttributes {arn}"), &e));
            resource(ResourceKind::SnsTopic, arn, policy)
        }
    })
    .await;
    (ResourceKind::SnsTopic, found)
}
