//! The guardrail rules: the organization's own controls (SCPs) a tenant account must have in
//! effect.

pub mod required_scp_missing;
