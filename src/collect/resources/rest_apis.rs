//! API Gateway REST APIs and their resource policies: `GetRestApis` returns each API's policy
//! with it (500 a page), nothing per API.
//!
//! AWS returns the policy minified and JSON-escaped inside the string (`{\"Version\":...` with
//! forward slashes escaped too), a transport form of API Gateway's own: it is unescaped here
//! into the policy text every other reader records.

use super::{TypeRead, resource};
use crate::collect::session::{Session, sdk_error};
use crate::inventory::ResourceKind;

/// The policy as a JSON document: unescaped when API Gateway escaped it, as given otherwise.
pub fn unescape(policy: &str) -> Result<String, String> {
    let trimmed = policy.trim();
    if !trimmed.starts_with("{\\\"") {
        return Ok(policy.to_owned());
    }
    serde_json::from_str::<String>(&format!("\"{trimmed}\"")).map_err(|e| {
        format!("the REST API policy is escaped in a form tenantguard cannot read: {e}")
    })
}

pub async fn rest_apis(session: &Session, region: &str) -> TypeRead {
    let kind = ResourceKind::RestApi;
    let api = session.apigateway(region);
    let account = session.account().to_owned();
    let read = async {
        let mut found = Vec::new();
        let mut pages = api.get_rest_apis().limit(500).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| sdk_error("GetRestApis", &e))?;
            for item in page.items() {
                let Some(id) = item.id() else { continue };
                let arn = format!("arn:aws:execute-api:{region}:{account}:{id}");
                found.push(resource(kind, arn, item.policy().map(unescape).transpose()));
            }
        }
        Ok::<_, String>(found)
    };
    (kind, read.await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_gateways_escaping_is_undone_and_plain_text_kept() {
        let escaped = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"execute-api:Invoke\",\"Resource\":\"arn:aws:execute-api:eu-west-1:111111111111:abc\/*\"}]}"#;
        let plain = unescape(escaped).unwrap();
        let v: serde_json::Value = serde_json::from_str(&plain).unwrap();
        assert_eq!(
            v["Statement"][0]["Resource"],
            "arn:aws:execute-api:eu-west-1:111111111111:abc/*"
        );
        assert_eq!(
            unescape(r#"{"Version":"2012-10-17"}"#).unwrap(),
            r#"{"Version":"2012-10-17"}"#
        );
        // An escape JSON does not know is an error here; a document that unescapes but does
        // not parse is left to the policy parser, which reports it unreadable.
        assert!(unescape(r#"{\"a\":\"\q\"}"#).is_err());
    }
}
