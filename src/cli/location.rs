//! Where the command line reads and writes its files: a local path, or an S3 object
//! (`s3://bucket/key`). Runners without a shared disk (AWS Batch array jobs, Kubernetes pods
//! on different nodes) pass the configuration, the organization read, the shards'
//! inventories, the merged inventory and the reports through S3, with the image's one binary
//! and no shell or AWS CLI beside it.
//!
//! S3 is reached with the standard credential chain in the credentials' Region (set
//! `AWS_REGION` to the bucket's); what is written is checked by S3's own integrity check.

use std::path::Path;

use super::CliError;

/// An S3 object named by `s3://bucket/key`, or `None` for a local path.
fn s3(path: &Path) -> Option<(&str, &str)> {
    let rest = path.to_str()?.strip_prefix("s3://")?;
    rest.split_once('/')
        .filter(|(bucket, key)| !bucket.is_empty() && !key.is_empty())
}

/// Whether `path` names an S3 object (well formed or not): such a path is never read from
/// the local disk.
fn is_s3(path: &Path) -> bool {
    path.to_str().is_some_and(|p| p.starts_with("s3://"))
}

/// The text at `path`. A local file's errors are left to the caller's own reader (which names
/// the file and its kind); only an S3 object is read here.
pub fn read(path: &Path) -> Result<Option<String>, CliError> {
    if !is_s3(path) {
        return Ok(None);
    }
    let (bucket, key) = s3(path).ok_or_else(|| malformed(path))?;
    let shown = path.display().to_string();
    let bytes = on_s3(|client| async move {
        let object = client
            .get_object()
            .bucket(bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| crate::collect::sdk_error("GetObject", &e))?;
        let body = object
            .body
            .collect()
            .await
            .map_err(|e| format!("reading the object's body: {e}"))?;
        Ok(body.into_bytes().to_vec())
    })
    .map_err(|error| CliError::Remote {
        path: shown.clone(),
        error,
    })?;
    String::from_utf8(bytes)
        .map(Some)
        .map_err(|_| CliError::Remote {
            path: shown,
            error: "the object is not UTF-8 text".to_owned(),
        })
}

/// Writes `bytes` to `path`: a local file, or an S3 object.
pub fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    if !is_s3(path) {
        return std::fs::write(path, bytes).map_err(|source| CliError::Write {
            path: path.display().to_string(),
            source,
        });
    }
    let (bucket, key) = s3(path).ok_or_else(|| malformed(path))?;
    let body = bytes.to_vec();
    on_s3(|client| async move {
        client
            .put_object()
            .bucket(bucket)
            .key(key)
            .body(body.into())
            .checksum_algorithm(aws_sdk_s3::types::ChecksumAlgorithm::Sha256)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| crate::collect::sdk_error("PutObject", &e))
    })
    .map_err(|error| CliError::Remote {
        path: path.display().to_string(),
        error,
    })
}

fn malformed(path: &Path) -> CliError {
    CliError::Remote {
        path: path.display().to_string(),
        error: "not an S3 object: expected s3://bucket/key".to_owned(),
    }
}

/// Runs one S3 request on a runtime of its own (the command line is synchronous there).
fn on_s3<F, Fut, T>(request: F) -> Result<T, String>
where
    F: FnOnce(aws_sdk_s3::Client) -> Fut,
    Fut: std::future::Future<Output = Result<T, String>>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async {
        let base = crate::collect::base_config(None, 5).await;
        // An endpoint of one's own (an emulator, a gateway) serves buckets by path.
        let path_style = base.endpoint_url().is_some();
        let client = aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&base)
                .force_path_style(path_style)
                .build(),
        );
        request(client).await
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_paths_are_told_from_local_ones() {
        assert_eq!(
            s3(Path::new("s3://reports/nightly/shard-1.json")),
            Some(("reports", "nightly/shard-1.json"))
        );
        assert_eq!(s3(Path::new("s3://reports")), None);
        assert_eq!(s3(Path::new("s3:///key")), None);
        assert!(is_s3(Path::new("s3://reports")));
        assert!(!is_s3(Path::new("./s3:/x")) && s3(Path::new("inventory.json")).is_none());
    }
}
