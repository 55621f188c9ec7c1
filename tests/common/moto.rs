//! The moto AWS emulator as the tests' AWS: seeding an organization through the real Rust
//! SDK, and the environment that points `tenantguard` at it.
#![allow(dead_code)]

use std::sync::LazyLock;

use tokio::sync::{Mutex, MutexGuard};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::Credentials;

/// The URL `scripts/moto start` exported. Live tests need it: run them with `./scripts/test`.
pub fn url() -> String {
    std::env::var("TENANTGUARD_MOTO_URL").expect(
        "TENANTGUARD_MOTO_URL is not set: run the tests with ./scripts/test, which starts moto",
    )
}

/// moto is one shared server: tests of one binary take turns, each starting from a reset.
static TURN: LazyLock<Mutex<()>> = LazyLock::new(|| Mutex::new(()));

pub async fn exclusive() -> MutexGuard<'static, ()> {
    let guard = TURN.lock().await;
    post(&format!("{}/moto-api/reset", url()), "");
    guard
}

/// A plain HTTP POST to moto's control API, without pulling in an HTTP client crate.
pub fn post(url: &str, body: &str) -> String {
    let out = std::process::Command::new("curl")
        .args([
            "-fsS",
            "-X",
            "POST",
            "-H",
            "Content-Type: text/plain",
            "--data",
            body,
            url,
        ])
        .output()
        .expect("curl runs");
    assert!(
        out.status.success(),
        "POST {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn get(url: &str) -> String {
    let out = std::process::Command::new("curl")
        .args(["-fsS", url])
        .output()
        .expect("curl runs");
    assert!(out.status.success(), "GET {url}");
    String::from_utf8(out.stdout).unwrap()
}

/// The management account's configuration (moto's default caller, 123456789012).
pub async fn config(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
        .load()
        .await
}

/// A configuration acting in `account`, through moto's OrganizationAccountAccessRole.
pub async fn in_account(base: &SdkConfig, account: &str) -> SdkConfig {
    let out = aws_sdk_sts::Client::new(base)
        .assume_role()
        .role_arn(format!(
            "arn:aws:iam::{account}:role/OrganizationAccountAccessRole"
        ))
        .role_session_name("seed")
        .send()
        .await
        .unwrap();
    let c = out.credentials().unwrap();
    base.to_builder()
        .credentials_provider(aws_sdk_sts::config::SharedCredentialsProvider::new(
            Credentials::new(
                c.access_key_id(),
                c.secret_access_key(),
                Some(c.session_token().to_owned()),
                None,
                "seed",
            ),
        ))
        .build()
}

/// The environment `tenantguard` runs in: the emulator's endpoint, dummy credentials, and
/// no profile or instance metadata that could leak a real identity in.
pub fn env(cmd: &mut assert_cmd::Command, endpoint: &str) {
    cmd.env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        // S3 Control sends every request to `{AccountId}.<endpoint host>` (the endpoint rules
        // all AWS SDKs share), a name no resolver knows for a local emulator. With the
        // emulator as HTTP proxy the request reaches it anyway (it routes `/v20180820/` to S3
        // Control), as boto3 does with `proxies`; everything addressed to 127.0.0.1 goes
        // there directly.
        .env("HTTP_PROXY", endpoint)
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN");
}

/// An S3 Control `PUT` as `config`'s account, sent as the AWS SDKs send it: to
/// `{AccountId}.<endpoint host>`, through the emulator as HTTP proxy (no resolver knows that
/// name). The emulator reads the account from the access key; it does not check signatures.
pub async fn s3control_put(
    endpoint: &str,
    config: &SdkConfig,
    account: &str,
    path: &str,
    body: &str,
) {
    use aws_credential_types::provider::ProvideCredentials;
    let key = config
        .credentials_provider()
        .unwrap()
        .provide_credentials()
        .await
        .unwrap();
    let host = endpoint.trim_start_matches("http://");
    let url = format!("http://{account}.{host}{path}");
    let auth = format!(
        "Authorization: AWS4-HMAC-SHA256 Credential={}/20260101/eu-west-1/s3/aws4_request, SignedHeaders=host, Signature=0",
        key.access_key_id()
    );
    let mut args = vec![
        "-fsS".to_owned(),
        "-x".to_owned(),
        endpoint.to_owned(),
        "-X".to_owned(),
        "PUT".to_owned(),
        "-H".to_owned(),
        auth,
        "-H".to_owned(),
        format!("x-amz-account-id: {account}"),
        "-H".to_owned(),
        "Content-Type: application/xml".to_owned(),
        "--data".to_owned(),
        body.to_owned(),
        url.clone(),
    ];
    if let Some(token) = key.session_token() {
        args.splice(
            5..5,
            ["-H".to_owned(), format!("x-amz-security-token: {token}")],
        );
    }
    let out = std::process::Command::new("curl")
        .args(&args)
        .output()
        .expect("curl runs");
    assert!(
        out.status.success(),
        "PUT {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
