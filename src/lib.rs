//! tenantguard: proves, or disproves, that the tenants of an account-per-tenant AWS
//! Organization stay isolated from one another.
//!
//! The flow is one-way: `inventory` (what was collected) and `policy` (IAM semantics) know
//! nothing of tenants; `tenants` maps accounts to owners; `rules` judge; `evaluate` runs them;
//! `report` renders findings; `cli` ties it together and maps outcomes to exit codes.

pub mod baseline;
pub mod cli;
pub mod collect;
pub mod config;
pub mod controls;
pub mod date;
pub mod diff;
pub mod evaluate;
pub mod evaluation;
pub mod finding;
pub mod inventory;
pub mod orgtree;
pub mod plan;
pub mod policy;
pub mod report;
pub mod rule_doc;
pub mod rules;
pub mod select;
pub mod severity;
pub mod shard;
pub mod suppressions;
pub mod synthetic;
pub mod tenants;
pub mod triage;
pub mod validate;
