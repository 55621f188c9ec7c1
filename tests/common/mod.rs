//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

use tenantguard::config::Config;
use tenantguard::evaluate::{Evaluation, evaluate};
use tenantguard::inventory::Inventory;
use tenantguard::report::Emitter;

pub fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(path)
}

pub fn demo_inventory() -> Inventory {
    Inventory::load(&fixture("demo/inventory.json")).expect("demo inventory loads")
}

pub fn demo_config() -> Config {
    Config::load(
        &fixture("demo/tenantguard.toml"),
        &tenantguard::rules::ids(),
    )
    .expect("demo config loads")
}

pub fn demo() -> Evaluation {
    evaluate(&demo_inventory(), &demo_config())
}

pub fn render(emitter: &dyn Emitter, evaluation: &Evaluation) -> String {
    let mut out = Vec::new();
    emitter.emit(evaluation, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}
