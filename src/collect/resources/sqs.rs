//! SQS queues and their policies.

use std::sync::Arc;

use tokio::sync::Semaphore;

use super::{TypeRead, resource};
use crate::collect::bounded::bounded;
use crate::collect::session::{Session, sdk_error};
use crate::inventory::ResourceKind;

pub async fn sqs_queues(session: &Session, region: &str, limit: &Arc<Semaphore>) -> TypeRead {
    use aws_sdk_sqs::types::QueueAttributeName;
    let sqs = session.sqs(region);
    let read = async {
        let mut urls = Vec::new();
        let mut pages = sqs.list_queues().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("ListQueues", &e))?;
            urls.extend(page.queue_urls().iter().cloned());
        }
        Ok::<_, String>(urls)
    };
    let urls = match read.await {
        Ok(u) => u,
        Err(e) => return (ResourceKind::SqsQueue, Err(e)),
    };
    let found = bounded(limit, urls, |url| {
        let sqs = sqs.clone();
        async move {
            let read = sqs
                .get_queue_attributes()
                .queue_url(&url)
                .attribute_names(QueueAttributeName::Policy)
                .attribute_names(QueueAttributeName::QueueArn)
                .send()
                .await;
            match read {
                Ok(a) => {
                    let attrs = a.attributes();
                    let arn = attrs
                        .and_then(|m| m.get(&QueueAttributeName::QueueArn))
                        .cloned()
                        .unwrap_or_else(|| url.clone());
                    let policy = attrs
                        .and_then(|m| m.get(&QueueAttributeName::Policy))
                        .cloned();
                    resource(ResourceKind::SqsQueue, arn, Ok(policy))
                }
                Err(e) => resource(
                    ResourceKind::SqsQueue,
                    url.clone(),
                    Err(sdk_error(&format!("GetQueueAttributes {url}"), &e)),
                ),
            }
        }
    })
    .await;
    (ResourceKind::SqsQueue, found)
}
