//! The coverage rules: what the scan could not judge (accounts and regions not read, accounts
//! no one owns) and configuration that judged nothing (exceptions and suppressions that
//! matched nothing, or expired). A clean report is only a promise where these are empty.

pub mod expired_suppression;
pub mod not_scanned;
pub mod unmapped_account;
pub mod unused_exception;
pub mod unverifiable_change;
