//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use tenantguard::config::Config;
use tenantguard::evaluate::{Evaluation, evaluate};
use tenantguard::inventory::Inventory;
use tenantguard::report::Emitter;

pub fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path)
}

pub fn demo_inventory() -> Inventory {
    Inventory::load(&fixture("demo/inventory.json")).expect("demo inventory loads")
}

pub fn demo_config() -> Config {
    Config::load(
        &fixture("demo/tenantguard.toml"),
        &tenantguard::rules::ids(),
    )
    .expect("demo config loads")
}

pub fn demo() -> Evaluation {
    evaluate(&demo_inventory(), &demo_config())
}

pub fn render(emitter: &dyn Emitter, evaluation: &Evaluation) -> String {
    let mut out = Vec::new();
    emitter.emit(evaluation, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

pub mod moto;
pub mod proxy;
pub mod seed;

/// `service:Action` of every request in a moto recording: query protocols carry `Action=` in
/// the form body, JSON protocols the `X-Amz-Target` header; the signing scope names the service.
pub fn recorded_actions(recording: &str) -> std::collections::BTreeSet<String> {
    recorded_calls(recording)
        .into_iter()
        .map(|(action, _)| action)
        .collect()
}

/// A REST-JSON read named by its path: a resource's policy, or the listing.
fn rest_json(v: &serde_json::Value, policy: (&str, &str), listing: (&str, &str)) -> String {
    let url = v["url"].as_str().unwrap_or_default();
    let path = url
        .split('?')
        .next()
        .unwrap_or_default()
        .trim_end_matches('/');
    match [policy, listing]
        .iter()
        .find(|(suffix, _)| path.ends_with(suffix))
    {
        Some((_, action)) => (*action).to_owned(),
        None => format!("?{path}"),
    }
}

/// Every call of the recording, in order: its IAM action (`ec2:DescribeVpcs`) and the Region
/// it was signed for.
pub fn recorded_calls(recording: &str) -> Vec<(String, String)> {
    let mut actions = Vec::new();
    for line in recording.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let headers = &v["headers"];
        let header = |name: &str| {
            headers.as_object().and_then(|h| {
                h.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .and_then(|(_, v)| v.as_str().map(str::to_owned))
            })
        };
        let Some(auth) = header("Authorization") else {
            continue;
        };
        let scope: Vec<&str> = auth
            .split("Credential=")
            .nth(1)
            .map(|c| c.split('/').collect())
            .unwrap_or_default();
        let service = scope.get(3).copied().unwrap_or("?").to_owned();
        let region = scope.get(2).copied().unwrap_or("?").to_owned();
        let action = match header("X-Amz-Target") {
            Some(target) => target.rsplit('.').next().unwrap().to_owned(),
            // REST-JSON services (RAM) name the action in the path: `POST /getresourceshares`.
            None if service == "ram" => {
                let url = v["url"].as_str().unwrap_or_default();
                let path = url.rsplit('/').next().unwrap_or_default();
                let path = path.split('?').next().unwrap_or_default();
                match path {
                    "getresourceshares" => "GetResourceShares".to_owned(),
                    "getresourceshareassociations" => "GetResourceShareAssociations".to_owned(),
                    "listprincipals" => "ListPrincipals".to_owned(),
                    "listresources" => "ListResources".to_owned(),
                    other => format!("?{other}"),
                }
            }
            // S3 is REST-XML: the action is the method, the path and the sub-resource; named
            // here by the IAM action that allows it.
            None if service == "s3" => {
                let url = v["url"].as_str().unwrap_or_default();
                let after_host = url.split("://").nth(1).unwrap_or(url);
                let path = after_host.split_once('/').map_or("", |(_, p)| p);
                let (path, query) = path.split_once('?').unwrap_or((path, ""));
                let sub = query
                    .split('&')
                    .next()
                    .unwrap_or("")
                    .split('=')
                    .next()
                    .unwrap_or("");
                match (
                    v["method"].as_str().unwrap_or(""),
                    path.trim_end_matches('/'),
                    sub,
                ) {
                    ("GET", "", _) => "ListAllMyBuckets".to_owned(),
                    ("GET", _, "location") => "GetBucketLocation".to_owned(),
                    ("GET", _, "policy") => "GetBucketPolicy".to_owned(),
                    ("GET", _, "acl") => "GetBucketAcl".to_owned(),
                    // S3 Control signs as `s3`: the account's Block Public Access.
                    ("GET", "v20180820/configuration/publicAccessBlock", _) => {
                        "GetAccountPublicAccessBlock".to_owned()
                    }
                    ("GET", "v20180820/accesspoint", _) => "ListAccessPoints".to_owned(),
                    ("GET", p, _)
                        if p.starts_with("v20180820/accesspoint/") && p.ends_with("/policy") =>
                    {
                        "GetAccessPointPolicy".to_owned()
                    }
                    ("GET", _, "publicAccessBlock") => "GetBucketPublicAccessBlock".to_owned(),
                    (method, path, sub) => format!("?{method} {path}?{sub}"),
                }
            }
            // Lambda is REST-JSON: `GET /2015-03-31/functions/` and `.../functions/{name}/policy`.
            None if service == "lambda" => rest_json(
                &v,
                ("/policy", "GetPolicy"),
                ("/functions", "ListFunctions"),
            ),
            // API Gateway's IAM actions are the HTTP methods: every read is `apigateway:GET`.
            None if service == "apigateway" => v["method"].as_str().unwrap_or("?").to_owned(),
            // EFS is REST-JSON: `GET /2015-02-01/file-systems` and `.../file-systems/{id}/policy`.
            None if service == "elasticfilesystem" => rest_json(
                &v,
                ("/policy", "DescribeFileSystemPolicy"),
                ("/file-systems", "DescribeFileSystems"),
            ),
            None => {
                let raw = v["body"].as_str().unwrap_or_default();
                // The recorder stores bodies base64-encoded when `body_encoded` is set.
                let body = if v["body_encoded"] == true {
                    use base64::Engine;
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(raw)
                        .unwrap_or_default();
                    String::from_utf8_lossy(&bytes).into_owned()
                } else {
                    raw.to_owned()
                };
                body.split('&')
                    .find_map(|kv| kv.strip_prefix("Action="))
                    .unwrap_or("?")
                    .to_owned()
            }
        };
        actions.push((format!("{service}:{action}"), region));
    }
    actions
}
