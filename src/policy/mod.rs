//! IAM policy documents: reading them, and resolving who they trust.
//!
//! This module knows IAM and nothing of tenants: it turns a document into grants to
//! [`Trustee`]s. Whether a trustee is another tenant is decided in `tenants` and the rules.

pub mod aws_managed;
pub mod condition;
pub mod control;
pub mod document;
pub mod fence;
pub mod grant;
pub mod identity;
pub mod impossible;
pub mod pattern;
pub mod principal;
pub mod request;
pub mod resource;
pub mod source;
pub mod trust;
pub mod variables;

pub use document::PolicyError;
pub use grant::Grant;
pub use principal::{Trustee, Unresolved};
pub use trust::{TrustAnalysis, analyse};
pub use variables::Scope;
