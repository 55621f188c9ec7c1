//! CloudWatch Logs resource policies: account-wide in each region (they say which services,
//! accounts or organizations may write into the account's log groups), one paginated
//! `DescribeResourcePolicies` per region. Each policy is named by an ARN made of its name.

use super::{TypeRead, resource};
use crate::collect::session::{Session, sdk_error};
use crate::inventory::ResourceKind;

pub async fn logs_policies(session: &Session, region: &str) -> TypeRead {
    let kind = ResourceKind::LogsResourcePolicy;
    let logs = session.logs(region);
    let account = session.account().to_owned();
    let read = async {
        let mut found = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = logs
                .describe_resource_policies()
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| sdk_error("DescribeResourcePolicies", &e))?;
            found.extend(page.resource_policies().iter().map(|p| {
                let name = p.policy_name().unwrap_or_default();
                resource(
                    kind,
                    format!("arn:aws:logs:{region}:{account}:resource-policy/{name}"),
                    Ok(p.policy_document().map(str::to_owned)),
                )
            }));
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_owned()),
                _ => break,
            }
        }
        Ok::<_, String>(found)
    };
    (kind, read.await)
}
