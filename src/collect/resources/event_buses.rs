//! EventBridge event buses and their resource policies: `ListEventBuses` returns each bus's
//! policy with it, one paginated call per region and nothing per bus.

use super::{TypeRead, resource};
use crate::collect::session::{Session, sdk_error};
use crate::inventory::ResourceKind;

pub async fn event_buses(session: &Session, region: &str) -> TypeRead {
    let kind = ResourceKind::EventBus;
    let events = session.eventbridge(region);
    let read = async {
        let mut found = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = events
                .list_event_buses()
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| sdk_error("ListEventBuses", &e))?;
            found.extend(page.event_buses().iter().filter_map(|b| {
                Some(resource(
                    kind,
                    b.arn()?.to_owned(),
                    Ok(b.policy().map(str::to_owned)),
                ))
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
