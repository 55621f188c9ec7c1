#!/usr/bin/env bash
# Evaluation speed on a synthetic organization, release build.
#   1. `cargo bench --bench evaluate`: evaluation alone (in memory), best of several runs.
#   2. The whole CLI (`tenantguard scan`: load the inventory JSON, evaluate, write the JSON
#      report): wall time and peak memory, measured by /usr/bin/time.
#   The scan runs with -v, whose log gives each phase's time (inventory read, evaluated,
#   report written).
# ACCOUNTS, ROLES and REGIONS override the size (default 10,000 x 50 x 2); NO_CARGO_BENCH=1
# skips step 1 (its build compiles the dev-dependencies in release).
set -euo pipefail
cd "$(dirname "$0")/.."
ACCOUNTS=${ACCOUNTS:-10000}
ROLES=${ROLES:-50}
REGIONS=${REGIONS:-2}

if [ -z "${NO_CARGO_BENCH:-}" ]; then
    ACCOUNTS=$ACCOUNTS ROLES=$ROLES REGIONS=$REGIONS cargo bench --quiet --bench evaluate
fi

cargo build --release --quiet
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
target/release/tenantguard synthesize --accounts "$ACCOUNTS" --roles "$ROLES" --regions "$REGIONS" \
    --inventory "$dir/inventory.json" --config "$dir/tenantguard.toml"
echo "inventory: $(du -h "$dir/inventory.json" | cut -f1)"
/usr/bin/time -o "$dir/time" -f "cli scan: %e s wall, %U s user, %M KB peak RSS" \
    target/release/tenantguard -v --log-format json scan --inventory "$dir/inventory.json" --config "$dir/tenantguard.toml" \
    --format json --output "$dir/report.json" --fail-on none 2>"$dir/log" || true
cat "$dir/time"
grep '"seconds"' "$dir/log" || cat "$dir/log"
echo "findings: $(grep -c '"fingerprint"' "$dir/report.json")"
