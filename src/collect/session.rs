//! SDK configuration: the caller's credentials from the standard chain, adaptive retries,
//! timeouts, and assumed-role sessions that refresh themselves on long scans.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};

/// An SDK error and its causes as one line: each cause's message once, joined by `: `.
pub fn describe(what: &str, e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![what.to_owned()];
    let mut current = Some(e);
    while let Some(err) = current {
        let text = err.to_string().replace('\n', " ");
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = err.source();
    }
    parts.join(": ")
}

/// The read-only role tenantguard assumes in every account.
#[derive(Debug, Clone)]
pub struct AuditRole {
    pub name: String,
    /// `/` or `/tenantguard/`.
    pub path: String,
    pub external_id: Option<String>,
    /// A full ARN, overriding name and path (for the organization role).
    arn: Option<String>,
}

impl AuditRole {
    pub fn new(name: &str, path: &str, external_id: Option<String>) -> AuditRole {
        let mut path = path.to_owned();
        if !path.starts_with('/') {
            path.insert(0, '/');
        }
        if !path.ends_with('/') {
            path.push('/');
        }
        AuditRole {
            name: name.to_owned(),
            path,
            external_id,
            arn: None,
        }
    }

    pub fn arn_only(arn: &str) -> AuditRole {
        AuditRole {
            name: String::new(),
            path: "/".into(),
            external_id: None,
            arn: Some(arn.to_owned()),
        }
    }

    pub fn arn_in(&self, account: &str) -> String {
        self.arn
            .clone()
            .unwrap_or_else(|| format!("arn:aws:iam::{account}:role{}{}", self.path, self.name))
    }
}

/// The caller's configuration: credentials from the standard chain (environment, profiles
/// including SSO, web identity for CI OIDC, container and instance roles), `AWS_ENDPOINT_URL`
/// honoured, adaptive retries so throttling slows the scan instead of failing it.
pub async fn base_config(profile: Option<&str>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .identity_cache(patient_cache())
        .retry_config(
            RetryConfig::adaptive()
                .with_max_attempts(10)
                .with_max_backoff(Duration::from_secs(20)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(10))
                .operation_attempt_timeout(Duration::from_secs(30))
                .operation_timeout(Duration::from_secs(180))
                .build(),
        );
    if let Some(p) = profile {
        loader = loader.profile_name(p);
    }
    let config = loader.load().await;
    if config.region().is_none() {
        // Organizations, IAM and STS are global; a region is needed only to sign. EC2 clients
        // get their region per call.
        return config
            .into_builder()
            .region(aws_config::Region::new("us-east-1"))
            .build();
    }
    config
}

/// The default 5 s for loading credentials is shorter than AssumeRole's own retries under
/// throttling: a throttled scan would give up on an account that only needed patience.
fn patient_cache() -> aws_sdk_sts::config::SharedIdentityCache {
    aws_config::identity::IdentityCache::lazy()
        .load_timeout(Duration::from_secs(120))
        .build()
}

/// A configuration whose credentials come from assuming `role` in `account`; the provider
/// caches them and assumes again before they expire.
pub async fn assumed(base: &SdkConfig, role: &AuditRole) -> SdkConfig {
    assumed_in(base, role, "").await
}

pub async fn assumed_in(base: &SdkConfig, role: &AuditRole, account: &str) -> SdkConfig {
    let mut builder = AssumeRoleProvider::builder(role.arn_in(account))
        .session_name("tenantguard")
        .session_length(Duration::from_secs(3600))
        .configure(base);
    if let Some(id) = &role.external_id {
        builder = builder.external_id(id.clone());
    }
    let provider = builder.build().await;
    base.to_builder()
        .credentials_provider(aws_sdk_sts::config::SharedCredentialsProvider::new(
            provider,
        ))
        .build()
}
