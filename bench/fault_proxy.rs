//! The live tests' fault-injecting proxy as a program, for the collection benchmark: it sits
//! between tenantguard and the emulator and adds latency, throttling (at random, or per
//! caller, region and action like AWS's token buckets) and connection resets.
//!
//! cargo run --release --example fault-proxy -- UPSTREAM [--latency-ms N] [--throttle-percent N]
//!     [--reset-percent N] [--bucket RATE,BURST] [--bucket-service SERVICE]
//!
//! `--bucket-service organizations` applies the bucket to that service alone, one bucket for
//! every caller and action: Organizations' quota is the whole organization's.
//!
//! Prints its URL on the first line, then runs until killed; on SIGTERM or Ctrl-C it prints
//! how many requests it throttled and reset.

#[path = "../tests/common/proxy.rs"]
mod proxy;

use std::time::Duration;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(upstream) = args.first().cloned() else {
        eprintln!(
            "usage: fault-proxy UPSTREAM [--latency-ms N] [--throttle-percent N] [--reset-percent N] [--bucket RATE,BURST] [--bucket-service SERVICE]"
        );
        std::process::exit(3);
    };
    let mut faults = proxy::Faults::default();
    let mut rest = args[1..].iter();
    while let Some(flag) = rest.next() {
        let value = rest.next().unwrap_or_else(|| {
            eprintln!("fault-proxy: `{flag}` needs a value");
            std::process::exit(3);
        });
        let number = |v: &str| -> f64 {
            v.parse().unwrap_or_else(|_| {
                eprintln!("fault-proxy: `{flag} {v}`: not a number");
                std::process::exit(3)
            })
        };
        match flag.as_str() {
            "--latency-ms" => faults.latency = Duration::from_millis(number(value) as u64),
            "--throttle-percent" => faults.throttle_percent = number(value) as u32,
            "--reset-percent" => faults.reset_percent = number(value) as u32,
            "--bucket" => {
                let (rate, burst) = value.split_once(',').unwrap_or((value, value));
                faults.bucket = Some((number(rate), number(burst)));
            }
            "--bucket-service" => faults.bucket_service = Some(value.clone()),
            other => {
                eprintln!("fault-proxy: unknown flag `{other}`");
                std::process::exit(3);
            }
        }
    }
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    runtime.block_on(async {
        let p = proxy::start(&upstream, faults).await;
        println!("{}", p.url);
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("a SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
        let get = |c: &std::sync::atomic::AtomicUsize| c.load(std::sync::atomic::Ordering::SeqCst);
        eprintln!(
            "fault-proxy: throttled {}, reset {}",
            get(&p.throttled),
            get(&p.reset)
        );
    });
}
