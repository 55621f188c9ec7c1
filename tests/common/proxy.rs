//! A small fault-injecting HTTP proxy in front of moto: it denies `sts:AssumeRole` into chosen
//! accounts and throttles a share of all other requests, the way AWS would, so that tests can
//! show failures become data and throttling only slows a scan down.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Default)]
pub struct Faults {
    /// Accounts whose audit role cannot be assumed.
    pub deny_assume_role: Vec<String>,
    /// Throttle one request in this many (0: never).
    pub throttle_every: usize,
    /// Accounts whose AssumeRole is quietly answered with credentials of the management
    /// account (123456789012), as a misconfigured role chain or an emulator might.
    pub misroute_assume_role: Vec<String>,
    /// Throttle this share of requests, at random (a seeded generator: runs repeat).
    pub throttle_percent: u32,
    /// Close this share of connections without an answer, as a reset would.
    pub reset_percent: u32,
    /// Added before every answer, as a real endpoint's distance would.
    pub latency: std::time::Duration,
    /// Every EC2 request in this region fails with a 503, however often it is retried.
    pub fail_region: Option<String>,
    /// Throttle like AWS: a token bucket per caller (access key), region and action, of
    /// `(requests per second, burst)`.
    pub bucket: Option<(f64, f64)>,
    /// Apply `bucket` to this service alone, one bucket for all its callers and actions: an
    /// organization-wide quota such as Organizations'.
    pub bucket_service: Option<String>,
}

/// Token buckets by (access key, region, action): (tokens, last refill).
type Buckets = std::sync::Mutex<std::collections::HashMap<String, (f64, std::time::Instant)>>;

/// Shared state of the proxy's connections.
struct State {
    faults: Faults,
    counter: AtomicUsize,
    throttled: Arc<AtomicUsize>,
    denied: Arc<AtomicUsize>,
    reset: Arc<AtomicUsize>,
    buckets: Buckets,
}

pub struct Proxy {
    pub url: String,
    pub throttled: Arc<AtomicUsize>,
    pub denied: Arc<AtomicUsize>,
    pub reset: Arc<AtomicUsize>,
}

/// Starts the proxy on a free loopback port; it runs until the test's runtime ends.
pub async fn start(upstream: &str, faults: Faults) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let upstream = upstream.trim_start_matches("http://").to_owned();
    let state = Arc::new(State {
        faults,
        counter: AtomicUsize::new(0),
        throttled: Arc::default(),
        denied: Arc::default(),
        reset: Arc::default(),
        buckets: Default::default(),
    });
    let proxy = Proxy {
        url,
        throttled: state.throttled.clone(),
        denied: state.denied.clone(),
        reset: state.reset.clone(),
    };
    tokio::spawn(async move {
        loop {
            let Ok((client, _)) = listener.accept().await else {
                return;
            };
            let (upstream, state) = (upstream.clone(), state.clone());
            tokio::spawn(async move {
                let _ = handle(client, &upstream, &state).await;
            });
        }
    });
    proxy
}

/// A number in 0..100 drawn from request `n` (splitmix64): random-looking, repeatable.
fn percentile(n: usize, salt: u64) -> u32 {
    let mut z = (n as u64)
        .wrapping_add(salt)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) % 100) as u32
}

/// Takes a token from the bucket of this caller, region and action; `false` when it is empty.
fn take_token(buckets: &Buckets, key: String, (rate, burst): (f64, f64)) -> bool {
    let now = std::time::Instant::now();
    let mut map = buckets.lock().unwrap();
    let (tokens, last) = map.entry(key).or_insert((burst, now));
    *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * rate).min(burst);
    *last = now;
    if *tokens >= 1.0 {
        *tokens -= 1.0;
        true
    } else {
        false
    }
}

/// One request per connection: read it, decide, answer or forward, close.
async fn handle(mut client: TcpStream, upstream: &str, state: &State) -> std::io::Result<()> {
    let (faults, counter, throttled, denied) = (
        &state.faults,
        &state.counter,
        &*state.throttled,
        &*state.denied,
    );
    let mut buf = Vec::new();
    let head_end = loop {
        let mut chunk = [0u8; 8192];
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap_or(0))
        })
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let mut chunk = [0u8; 8192];
        let n = client.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buf[head_end..]).to_string();
    let json_protocol = head.to_ascii_lowercase().contains("x-amz-target:");
    let is_ec2 = body.contains("Version=2016-11-15");

    if body.contains("Action=AssumeRole")
        && let Some(acct) = faults
            .deny_assume_role
            .iter()
            .find(|a| body.contains(&format!("iam%3A%3A{a}%3A")))
    {
        denied.fetch_add(1, Ordering::SeqCst);
        let xml = format!(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::{acct}:role/tenantguard/tenantguard-audit</Message></Error><RequestId>proxy</RequestId></ErrorResponse>"
        );
        return respond(&mut client, "403 Forbidden", "text/xml", &xml).await;
    }
    if body.contains("Action=AssumeRole") {
        for acct in &faults.misroute_assume_role {
            let from = format!("iam%3A%3A{acct}%3A");
            if let Some(at) = String::from_utf8_lossy(&buf[head_end..]).find(&from) {
                // Same length: the Content-Length stays right.
                let start = head_end + at + "iam%3A%3A".len();
                buf[start..start + 12].copy_from_slice(b"123456789012");
            }
        }
    }
    let n = counter.fetch_add(1, Ordering::SeqCst);
    if !faults.latency.is_zero() {
        tokio::time::sleep(faults.latency).await;
    }
    if faults.reset_percent > 0 && percentile(n, 1) < faults.reset_percent {
        // Read, then hang up without a word: the client sees the connection closed.
        state.reset.fetch_add(1, Ordering::SeqCst);
        return Ok(());
    }
    // `Credential=<key>/<date>/<region>/<service>/aws4_request`
    let scope: Vec<&str> = head
        .split("Credential=")
        .nth(1)
        .and_then(|c| c.split([',', ' ']).next())
        .map(|c| c.split('/').collect())
        .unwrap_or_default();
    let region = scope.get(2).copied().unwrap_or("");
    if is_ec2 && faults.fail_region.as_deref() == Some(region) {
        return respond(&mut client, "503 Service Unavailable", "text/xml",
            "<Response><Errors><Error><Code>Unavailable</Code><Message>The service is unavailable.</Message></Error></Errors><RequestID>proxy</RequestID></Response>").await;
    }
    let action = body
        .split('&')
        .find_map(|kv| kv.strip_prefix("Action="))
        .map(str::to_owned)
        .or_else(|| {
            head.lines().find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("x-amz-target:")
                    .map(|t| t.trim().to_owned())
            })
        })
        .unwrap_or_default();
    let service = scope.get(3).copied().unwrap_or("");
    let over_budget = faults.bucket.is_some_and(|bucket| {
        let key = match faults.bucket_service.as_deref() {
            None => format!("{}/{region}/{action}", scope.first().copied().unwrap_or("")),
            Some(s) if s == service => s.to_owned(),
            Some(_) => return false,
        };
        !take_token(&state.buckets, key, bucket)
    });
    let every = faults.throttle_every > 0 && n % faults.throttle_every == faults.throttle_every - 1;
    let random = faults.throttle_percent > 0 && percentile(n, 2) < faults.throttle_percent;
    if every || random || over_budget {
        throttled.fetch_add(1, Ordering::SeqCst);
        return if service == "s3" {
            // S3 is REST-XML: it throttles with `SlowDown` on a 503.
            respond(&mut client, "503 Slow Down", "application/xml",
                "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>proxy</RequestId></Error>").await
        } else if json_protocol {
            respond(
                &mut client,
                "400 Bad Request",
                "application/x-amz-json-1.1",
                r#"{"__type":"TooManyRequestsException","Message":"Rate exceeded"}"#,
            )
            .await
        } else if !body.contains("Action=") {
            // REST-JSON services (RAM, Lambda) name the error in a header, on a 429.
            respond_with(
                &mut client,
                "429 Too Many Requests",
                "application/json",
                "x-amzn-ErrorType: ThrottlingException\r\n",
                r#"{"message":"Rate exceeded"}"#,
            )
            .await
        } else if is_ec2 {
            respond(&mut client, "503 Service Unavailable", "text/xml",
                "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message></Error></Errors><RequestID>proxy</RequestID></Response>").await
        } else {
            respond(&mut client, "400 Bad Request", "text/xml",
                "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>proxy</RequestId></ErrorResponse>").await
        };
    }
    // Forward, asking both sides to close after one exchange.
    let mut request: Vec<u8> = head
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:") && !l.is_empty())
        .map(|l| format!("{l}\r\n"))
        .collect::<String>()
        .into_bytes();
    request.extend_from_slice(b"Connection: close\r\n\r\n");
    request.extend_from_slice(&buf[head_end..]);
    let mut server = TcpStream::connect(upstream).await?;
    server.write_all(&request).await?;
    let mut response = Vec::new();
    server.read_to_end(&mut response).await?;
    client.write_all(&response).await?;
    client.shutdown().await
}

async fn respond(
    client: &mut TcpStream,
    status: &str,
    content_type: &str,
    body: &str,
) -> std::io::Result<()> {
    respond_with(client, status, content_type, "", body).await
}

/// An answer with extra header lines (each ending in `\r\n`).
async fn respond_with(
    client: &mut TcpStream,
    status: &str,
    content_type: &str,
    headers: &str,
    body: &str,
) -> std::io::Result<()> {
    let text = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    client.write_all(text.as_bytes()).await?;
    client.shutdown().await
}
