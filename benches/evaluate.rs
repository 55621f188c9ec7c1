//! Evaluation alone, on a synthetic organization held in memory (see `bench/evaluate.sh`).

use std::time::{Duration, Instant};

use tenantguard::config::Config;
use tenantguard::evaluate::evaluate;

fn size(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let (accounts, roles, regions) = (
        size("ACCOUNTS", 10_000),
        size("ROLES", 50),
        size("REGIONS", 2),
    );
    let (inventory, config) = tenantguard::synthetic::organization(accounts, roles, regions);
    let config = Config::parse(&config, "synthetic.toml", &tenantguard::rules::ids()).unwrap();
    let mut best = Duration::MAX;
    let mut findings = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let evaluation = evaluate(&inventory, &config);
        best = best.min(start.elapsed());
        findings = evaluation.findings.len();
    }
    println!(
        "evaluate: {accounts} accounts x {roles} roles x {regions} regions ({} roles): best of 5 {:.3} s, {findings} findings, {} threads",
        accounts * roles,
        best.as_secs_f64(),
        rayon::current_num_threads()
    );
}
