//! `GetAccountAuthorizationDetails` pages through `Marker`, and real AWS returns its policy
//! documents URL-encoded; moto does neither, so a small fake IAM endpoint serves two pages of
//! AWS-shaped XML to the real SDK client here.

use aws_config::{BehaviorVersion, Region};
use aws_sdk_sts::config::Credentials;
use tenantguard::inventory::PolicyDocument;
use tenantguard::policy::{Scope, Trustee, analyse};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn encoded(doc: &str) -> String {
    doc.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn page(role: &str, trusted: &str, marker: Option<&str>) -> String {
    let doc = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{trusted}:root"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let truncation = match marker {
        Some(m) => format!("<IsTruncated>true</IsTruncated><Marker>{m}</Marker>"),
        None => "<IsTruncated>false</IsTruncated>".to_owned(),
    };
    format!(
        r#"<GetAccountAuthorizationDetailsResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetAccountAuthorizationDetailsResult>{truncation}<RoleDetailList><member><Path>/</Path><RoleName>{role}</RoleName><RoleId>AROAEXAMPLE{role}</RoleId><Arn>arn:aws:iam::111111111111:role/{role}</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>{}</AssumeRolePolicyDocument><InstanceProfileList/><RolePolicyList/><AttachedManagedPolicies/><Tags/></member></RoleDetailList><UserDetailList/><GroupDetailList/><Policies/></GetAccountAuthorizationDetailsResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></GetAccountAuthorizationDetailsResponse>"#,
        encoded(&doc)
    )
}

/// Answers every request with page 1, or page 2 when the request carries the marker.
async fn fake_iam() -> (String, tokio::task::JoinHandle<usize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let mut served = 0;
        while served < 2 {
            let (mut conn, _) = listener.accept().await.unwrap();
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            // The request is small: read until the form body has arrived.
            loop {
                let n = conn.read(&mut chunk).await.unwrap();
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf);
                if n == 0 || text.contains("Version=2010-05-08") {
                    break;
                }
            }
            let request = String::from_utf8_lossy(&buf).to_string();
            assert!(
                request.contains("Action=GetAccountAuthorizationDetails"),
                "{request}"
            );
            let body = if request.contains("Marker=page-2") {
                page("second", "333333333333", None)
            } else {
                page("first", "222222222222", Some("page-2"))
            };
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            conn.write_all(response.as_bytes()).await.unwrap();
            conn.shutdown().await.unwrap();
            served += 1;
        }
        served
    });
    (url, server)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_is_read_and_encoded_documents_are_decoded() {
    let (url, server) = fake_iam().await;
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .load()
        .await;
    let roles = tenantguard::collect::read_roles(&aws_sdk_iam::Client::new(&config))
        .await
        .unwrap();
    assert_eq!(server.await.unwrap(), 2, "two pages requested");
    let names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["first", "second"]);
    for (role, trusted) in roles.iter().zip(["222222222222", "333333333333"]) {
        let PolicyDocument::Text(text) = &role.trust_policy else {
            panic!("stored as returned")
        };
        assert!(
            text.starts_with("%7B"),
            "stored URL-encoded, as AWS returned it: {text}"
        );
        let scope = Scope::of_arn(&role.arn, "111111111111", "o-test", None);
        let analysis = analyse(&role.trust_policy, &scope).unwrap();
        assert_eq!(
            analysis.grants[0].trustee,
            Trustee::account(trusted, "root")
        );
    }
}
