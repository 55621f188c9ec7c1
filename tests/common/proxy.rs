//! A small fault-injecting HTTP proxy in front of moto: it denies `sts:AssumeRole` into chosen
//! accounts and throttles a share of all other requests, the way AWS would, so that tests can
//! show failures become data and throttling only slows a scan down.
#![allow(dead_code)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub struct Faults {
    /// Accounts whose audit role cannot be assumed.
    pub deny_assume_role: Vec<String>,
    /// Throttle one request in this many (0: never).
    pub throttle_every: usize,
    /// Accounts whose AssumeRole is quietly answered with credentials of the management
    /// account (123456789012), as a misconfigured role chain or an emulator might.
    pub misroute_assume_role: Vec<String>,
}

pub struct Proxy {
    pub url: String,
    pub throttled: Arc<AtomicUsize>,
    pub denied: Arc<AtomicUsize>,
}

/// Starts the proxy on a free loopback port; it runs until the test's runtime ends.
pub async fn start(upstream: &str, faults: Faults) -> Proxy {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let upstream = upstream.trim_start_matches("http://").to_owned();
    let faults = Arc::new(faults);
    let (throttled, denied) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let counter = Arc::new(AtomicUsize::new(0));
    let (t, d) = (throttled.clone(), denied.clone());
    tokio::spawn(async move {
        loop {
            let Ok((client, _)) = listener.accept().await else {
                return;
            };
            let (upstream, faults, counter, t, d) = (
                upstream.clone(),
                faults.clone(),
                counter.clone(),
                t.clone(),
                d.clone(),
            );
            tokio::spawn(async move {
                let _ = handle(client, &upstream, &faults, &counter, &t, &d).await;
            });
        }
    });
    Proxy {
        url,
        throttled,
        denied,
    }
}

/// One request per connection: read it, decide, answer or forward, close.
async fn handle(
    mut client: TcpStream,
    upstream: &str,
    faults: &Faults,
    counter: &AtomicUsize,
    throttled: &AtomicUsize,
    denied: &AtomicUsize,
) -> std::io::Result<()> {
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

    if body.contains("Action=AssumeRole") {
        if let Some(acct) = faults
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
    if faults.throttle_every > 0 && n % faults.throttle_every == faults.throttle_every - 1 {
        throttled.fetch_add(1, Ordering::SeqCst);
        return if json_protocol {
            respond(
                &mut client,
                "400 Bad Request",
                "application/x-amz-json-1.1",
                r#"{"__type":"TooManyRequestsException","Message":"Rate exceeded"}"#,
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
    let text = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    client.write_all(text.as_bytes()).await?;
    client.shutdown().await
}
