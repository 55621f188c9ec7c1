//! The account-level S3 Block Public Access (`s3control:GetPublicAccessBlock`, one call per
//! account): S3 applies it to every bucket on top of the bucket's own settings. None set
//! (`NoSuchPublicAccessBlockConfiguration`) is every setting off.

use crate::collect::session::{Session, sdk_error};
use crate::inventory::{AccountBlockRead, CollectionStatus, PublicAccessBlock};

pub async fn account_block(session: &Session) -> AccountBlockRead {
    let read = session
        .s3control(None)
        .get_public_access_block()
        .account_id(session.account())
        .send()
        .await;
    match read {
        Ok(out) => AccountBlockRead {
            status: CollectionStatus::Collected,
            block: out
                .public_access_block_configuration()
                .map(|c| PublicAccessBlock {
                    block_public_policy: c.block_public_policy().unwrap_or(false),
                    restrict_public_buckets: c.restrict_public_buckets().unwrap_or(false),
                    ignore_public_acls: c.ignore_public_acls().unwrap_or(false),
                }),
        },
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_no_such_public_access_block_configuration()) =>
        {
            AccountBlockRead {
                status: CollectionStatus::Collected,
                block: None,
            }
        }
        Err(e) => AccountBlockRead {
            status: CollectionStatus::Failed {
                error: sdk_error("GetPublicAccessBlock (account)", &e),
            },
            block: None,
        },
    }
}
