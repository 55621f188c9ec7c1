//! SDK configuration: the caller's credentials from the standard chain, the retry policy,
//! timeouts, one assumed-role session per account that refreshes itself on long scans, and
//! the clients built from them.
//!
//! # Retries
//! AWS throttles per account, region and API. The SDK's default retry partition is one per
//! service and region, shared by every client of the process: one throttled account would
//! drain the retry quota of every other account's calls, and in adaptive mode its client-side
//! rate limiter (down to 0.5 requests a second) would pace all of them. So every client gets a
//! partition of its own (service, account, region) with its own retry quota, and the retry
//! mode is standard: exponential backoff with full jitter, no client-side rate limiting. See
//! [`RETRY_POLICY`].

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{self, ProvideCredentials, future};
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime::client::retries::{RetryPartition, TokenBucket};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// The retry policy, as the README states it.
pub const RETRY_POLICY: &str = "standard mode, at most 12 attempts per call (`--max-attempts`), exponential backoff with full jitter from 0.25 s doubling up to 20 s; retried: throttling errors, 5xx responses, connection errors and resets, attempt timeouts (30 s); not retried: access denied, validation and other client errors; each account, service and region has its own retry quota";

/// The SDK's standard quota (500 permits, 5 a retry, 10 a timeout retry), per partition.
const RETRY_QUOTA: usize = 500;

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

/// An SDK call's failure as a sentence: the service's own code and message where it answered
/// (`Throttling: Rate exceeded`), what went wrong on the way otherwise.
pub fn sdk_error<E, R>(what: &str, e: &SdkError<E, R>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    match e {
        SdkError::ServiceError(service) => {
            let err = service.err();
            match (err.code(), err.message()) {
                (Some(code), Some(message)) => format!("{what}: {code}: {message}"),
                (Some(code), None) => format!("{what}: {code}"),
                _ => describe(what, err),
            }
        }
        SdkError::TimeoutError(_) => {
            format!("{what}: timed out after every attempt the retry policy allows")
        }
        SdkError::DispatchFailure(_) => {
            describe(&format!("{what}: the request was not answered"), e)
        }
        _ => describe(what, e),
    }
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
/// honoured, the retry policy and timeouts.
pub async fn base_config(profile: Option<&str>, max_attempts: u32) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .identity_cache(patient_cache())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(max_attempts.max(1))
                .with_initial_backoff(Duration::from_millis(250))
                .with_max_backoff(Duration::from_secs(20)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(10))
                .operation_attempt_timeout(Duration::from_secs(30))
                // Long enough for every attempt and backoff: throttling slows a call, the
                // scan's deadline (not this) bounds the whole.
                .operation_timeout(Duration::from_secs(600))
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
        .load_timeout(Duration::from_secs(300))
        .build()
}

/// Calls that were retried, by service: what a throttled scan is waiting on.
#[derive(Debug, Clone, Default)]
pub struct Retries(Arc<Mutex<BTreeMap<&'static str, u64>>>);

impl Retries {
    fn count(&self, service: &'static str) {
        if let Ok(mut map) = self.0.lock() {
            *map.entry(service).or_default() += 1;
        }
    }

    /// Retries so far, by service.
    pub fn snapshot(&self) -> BTreeMap<&'static str, u64> {
        self.0.lock().map(|m| m.clone()).unwrap_or_default()
    }
}

/// Counts every attempt after a call's first: a retry of a throttled or failed request.
#[derive(Debug)]
struct CountRetries {
    service: &'static str,
    retries: Retries,
}

impl Intercept for CountRetries {
    fn name(&self) -> &'static str {
        "tenantguard::CountRetries"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if cfg
            .load::<RequestAttempts>()
            .is_some_and(|a| a.attempts() > 1)
        {
            self.retries.count(self.service);
        }
        Ok(())
    }
}

/// A retry partition (and quota) of one's own: `service` calls of `account` in `region`.
fn partition(service: &str, account: &str, region: &str) -> RetryPartition {
    RetryPartition::custom(format!("tenantguard-{service}-{account}-{region}"))
        .token_bucket(TokenBucket::new(RETRY_QUOTA))
        .build()
}

/// A client of one service in one region, on its own retry partition and counted.
macro_rules! regional {
    ($session:expr, $krate:ident, $service:literal, $region:expr) => {
        $krate::Client::from_conf(
            $krate::config::Builder::from(&$session.config)
                .region(Region::new($region.to_owned()))
                .retry_partition(partition($service, &$session.account, $region))
                .interceptor($session.counter($service))
                .build(),
        )
    };
}

/// Credentials of one account (the caller's own, or an assumed role's) and the clients made
/// from them, each with its own retry partition and the retry counter.
#[derive(Debug, Clone)]
pub struct Session {
    pub config: SdkConfig,
    account: String,
    retries: Retries,
}

impl Session {
    /// The caller's own credentials (the organization phase without a delegated role).
    pub fn caller(base: &SdkConfig, retries: &Retries) -> Session {
        Session {
            config: base.clone(),
            account: "caller".to_owned(),
            retries: retries.clone(),
        }
    }

    /// A session as `role` in `account` (`role.arn_in(account)`): AssumeRole once, again only
    /// when the credentials near their expiry. The cache is the session's own, so the
    /// credentials go when the session does: a scan holds as many as it reads accounts at once.
    pub fn assumed(
        base: &SdkConfig,
        role: &AuditRole,
        account: &str,
        retries: &Retries,
    ) -> Session {
        let region = base.region().map(|r| r.to_string()).unwrap_or_default();
        let sts = aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(base)
                .retry_partition(partition("sts-assume", account, &region))
                .interceptor(CountRetries {
                    service: "sts",
                    retries: retries.clone(),
                })
                .build(),
        );
        let provider = AssumedRole {
            sts,
            role_arn: role.arn_in(account),
            external_id: role.external_id.clone(),
        };
        Session {
            config: base
                .to_builder()
                .credentials_provider(aws_sdk_sts::config::SharedCredentialsProvider::new(
                    provider,
                ))
                .identity_cache(patient_cache())
                .build(),
            account: account.to_owned(),
            retries: retries.clone(),
        }
    }

    /// The account this session acts in (a label for the organization phase's).
    pub fn account(&self) -> &str {
        &self.account
    }

    pub fn region(&self) -> String {
        self.config
            .region()
            .map(|r| r.to_string())
            .unwrap_or_default()
    }

    fn counter(&self, service: &'static str) -> CountRetries {
        CountRetries {
            service,
            retries: self.retries.clone(),
        }
    }

    pub fn sts(&self) -> aws_sdk_sts::Client {
        aws_sdk_sts::Client::from_conf(
            aws_sdk_sts::config::Builder::from(&self.config)
                .retry_partition(partition("sts", &self.account, &self.region()))
                .interceptor(self.counter("sts"))
                .build(),
        )
    }

    pub fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::from_conf(
            aws_sdk_iam::config::Builder::from(&self.config)
                .retry_partition(partition("iam", &self.account, "global"))
                .interceptor(self.counter("iam"))
                .build(),
        )
    }

    /// EC2 in `region` (`None`: the configuration's own region).
    pub fn ec2(&self, region: Option<&str>) -> aws_sdk_ec2::Client {
        let region = region.map(str::to_owned).unwrap_or_else(|| self.region());
        aws_sdk_ec2::Client::from_conf(
            aws_sdk_ec2::config::Builder::from(&self.config)
                .region(Region::new(region.clone()))
                .retry_partition(partition("ec2", &self.account, &region))
                .interceptor(self.counter("ec2"))
                .build(),
        )
    }

    /// AWS RAM in `region` (shares are regional).
    pub fn ram(&self, region: &str) -> aws_sdk_ram::Client {
        regional!(self, aws_sdk_ram, "ram", region)
    }

    pub fn kms(&self, region: &str) -> aws_sdk_kms::Client {
        regional!(self, aws_sdk_kms, "kms", region)
    }

    pub fn sqs(&self, region: &str) -> aws_sdk_sqs::Client {
        regional!(self, aws_sdk_sqs, "sqs", region)
    }

    pub fn sns(&self, region: &str) -> aws_sdk_sns::Client {
        regional!(self, aws_sdk_sns, "sns", region)
    }

    pub fn secretsmanager(&self, region: &str) -> aws_sdk_secretsmanager::Client {
        regional!(self, aws_sdk_secretsmanager, "secretsmanager", region)
    }

    pub fn lambda(&self, region: &str) -> aws_sdk_lambda::Client {
        regional!(self, aws_sdk_lambda, "lambda", region)
    }

    pub fn ecr(&self, region: &str) -> aws_sdk_ecr::Client {
        regional!(self, aws_sdk_ecr, "ecr", region)
    }

    /// S3 Control in `region` (`None`: the configuration's own, for account-level settings).
    pub fn s3control(&self, region: Option<&str>) -> aws_sdk_s3control::Client {
        let region = region.map(str::to_owned).unwrap_or_else(|| self.region());
        regional!(self, aws_sdk_s3control, "s3control", &region)
    }

    pub fn rds(&self, region: &str) -> aws_sdk_rds::Client {
        regional!(self, aws_sdk_rds, "rds", region)
    }

    pub fn eventbridge(&self, region: &str) -> aws_sdk_eventbridge::Client {
        regional!(self, aws_sdk_eventbridge, "events", region)
    }

    pub fn apigateway(&self, region: &str) -> aws_sdk_apigateway::Client {
        regional!(self, aws_sdk_apigateway, "apigateway", region)
    }

    pub fn dynamodb(&self, region: &str) -> aws_sdk_dynamodb::Client {
        regional!(self, aws_sdk_dynamodb, "dynamodb", region)
    }

    pub fn efs(&self, region: &str) -> aws_sdk_efs::Client {
        regional!(self, aws_sdk_efs, "elasticfilesystem", region)
    }

    pub fn logs(&self, region: &str) -> aws_sdk_cloudwatchlogs::Client {
        regional!(self, aws_sdk_cloudwatchlogs, "logs", region)
    }

    /// IAM Identity Center's administration API, in the instance's home Region.
    pub fn ssoadmin(&self, region: &str) -> aws_sdk_ssoadmin::Client {
        regional!(self, aws_sdk_ssoadmin, "sso", region)
    }

    /// The identity store behind an Identity Center instance, in its home Region.
    pub fn identitystore(&self, region: &str) -> aws_sdk_identitystore::Client {
        regional!(self, aws_sdk_identitystore, "identitystore", region)
    }

    /// S3 in `region` (`None`: the configuration's own, for the global bucket list). Behind a
    /// custom endpoint (a VPC endpoint, an S3-compatible proxy, an emulator) bucket names
    /// cannot be host names, so requests are path-style there.
    pub fn s3(&self, region: Option<&str>) -> aws_sdk_s3::Client {
        let region = region.map(str::to_owned).unwrap_or_else(|| self.region());
        aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&self.config)
                .region(Region::new(region.clone()))
                .force_path_style(self.config.endpoint_url().is_some())
                .retry_partition(partition("s3", &self.account, &region))
                .interceptor(self.counter("s3"))
                .build(),
        )
    }

    /// Organizations: one client for the organization phase, whose limits are
    /// organization-wide.
    pub fn organizations(&self) -> aws_sdk_organizations::Client {
        aws_sdk_organizations::Client::from_conf(
            aws_sdk_organizations::config::Builder::from(&self.config)
                .retry_partition(partition("organizations", &self.account, "global"))
                .interceptor(self.counter("organizations"))
                .build(),
        )
    }
}

/// `sts:AssumeRole` into one account's audit role, on an STS client of that account's own
/// retry partition (the SDK's provider would share one partition across every account).
#[derive(Debug)]
struct AssumedRole {
    sts: aws_sdk_sts::Client,
    role_arn: String,
    external_id: Option<String>,
}

impl AssumedRole {
    async fn assume(&self) -> provider::Result {
        let out = self
            .sts
            .assume_role()
            .role_arn(&self.role_arn)
            .role_session_name("tenantguard")
            .duration_seconds(3600)
            .set_external_id(self.external_id.clone())
            .send()
            .await
            .map_err(|e| CredentialsError::provider_error(sdk_error("AssumeRole", &e)))?;
        let c = out
            .credentials()
            .ok_or_else(|| CredentialsError::unhandled("AssumeRole returned no credentials"))?;
        Ok(Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token().to_owned()),
            SystemTime::try_from(*c.expiration()).ok(),
            "tenantguard-assume-role",
        ))
    }
}

impl ProvideCredentials for AssumedRole {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(self.assume())
    }
}
