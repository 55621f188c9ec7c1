#!/usr/bin/env bash
# Collection benchmark against moto: seeds N accounts (20 roles each, 2 regions, planted
# violations), runs `tenantguard scan` on a release build, and prints wall time, accounts per
# second, peak memory, CPU used by tenantguard and by the emulator, and API calls per account
# and per account-region from the emulator's request recording.
#   bench/collect.sh 200 1000      (default: 200)
# RUNS lists the scans made of each seeded organization, `;`-separated, each
# `BINARY|CONCURRENCY|PROXY FLAGS|TENANTGUARD FLAGS` (default: the release build, 16, no
# proxy, no extra flags). The proxy flags
# ("--latency-ms 60", "--throttle-percent 20 --reset-percent 2", "--bucket 20,40") put the
# fault-injecting proxy between tenantguard and the emulator. Example:
#   RUNS="target/release/tenantguard|16|;target/release/tenantguard|64|--latency-ms 60" bench/collect.sh 200
# SHARD=1/100 scans one shard (the organization phase still reads
# the whole organization); ROLES=0 seeds accounts without roles.
# ORG_ONLY=1 runs the organization phase alone (`collect --organization-only`, the one read the
# shards of a run share): its time and calls. MAPPING=ou seeds an OU per tenant and maps
# tenants by OU (no tag reads); the default maps them by tag. The organization phase at AWS's
# organization-wide rate, e.g.:
#   ORG_ONLY=1 ROLES=0 RUNS="target/release/tenantguard|16|--bucket 5,20 --bucket-service organizations" bench/collect.sh 1000
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-200}")
ROLES=${ROLES:-20}
REGIONS=${REGIONS:-eu-west-1,us-east-1}
CONCURRENCY=${CONCURRENCY:-16}

RUNS=${RUNS:-target/release/tenantguard|$CONCURRENCY|}
if [ -n "${ORG_ONLY:-}" ]; then command=(collect --organization-only); else command=(scan --format json); fi
cargo build --release --quiet
# The proxy waits on sockets, not the CPU: a debug build serves, and spares a release build of
# the dev-dependencies it is compiled with.
cargo build --quiet --example fault-proxy
eval "$(scripts/moto start)"
proxy_pid=""
trap 'scripts/moto stop; [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null' EXIT
venv="${TENANTGUARD_VENV:-$PWD/.venv}"
moto_pid="$(cat target/moto/pid)"
cpu() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }
dir=$(mktemp -d)

for n in "${sizes[@]}"; do
    curl -fsS -X POST "$TENANTGUARD_MOTO_URL/moto-api/reset" >/dev/null
    start=$(date +%s)
    "$venv/bin/python" bench/seed.py "$TENANTGUARD_MOTO_URL" "$n" "$ROLES" "$REGIONS" "$dir/tenantguard.toml" "${MAPPING:-tag}" >/dev/null
    echo "== $n accounts: seeded in $(( $(date +%s) - start )) s"
  IFS=';' read -r -a runs <<<"$RUNS"
  for run in "${runs[@]}"; do
    IFS='|' read -r bin conc PROXY FLAGS <<<"$run"
    echo "-- $bin, --concurrency $conc${PROXY:+, proxy $PROXY}${FLAGS:+, $FLAGS}"
    curl -fsS -X POST "$TENANTGUARD_MOTO_URL/moto-api/recorder/reset-recording" >/dev/null
    curl -fsS -X POST "$TENANTGUARD_MOTO_URL/moto-api/recorder/start-recording" >/dev/null
    endpoint="$TENANTGUARD_MOTO_URL"
    if [ -n "$PROXY" ]; then
        # shellcheck disable=SC2086
        target/debug/examples/fault-proxy "$TENANTGUARD_MOTO_URL" $PROXY >"$dir/proxy.url" 2>"$dir/proxy.log" &
        proxy_pid=$!
        for _ in $(seq 1 50); do [ -s "$dir/proxy.url" ] && break; sleep 0.1; done
        endpoint=$(head -n 1 "$dir/proxy.url")
        echo "   through fault-proxy $PROXY at $endpoint"
    fi
    moto_before=$(cpu "$moto_pid")
    set +e
    AWS_ENDPOINT_URL="$endpoint" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
    AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true \
    HTTP_PROXY="$endpoint" NO_PROXY=127.0.0.1,localhost \
        /usr/bin/time -f "%e %U %S %M" -o "$dir/time" \
        "$bin" -q "${command[@]}" --config "$dir/tenantguard.toml" --concurrency "$conc" \
        ${SHARD:+--shard "$SHARD"} $FLAGS --output "$dir/report.json"
    code=$?
    set -e
    moto_after=$(cpu "$moto_pid")
    if [ -n "$proxy_pid" ]; then
        kill "$proxy_pid"; wait "$proxy_pid" 2>/dev/null || true; proxy_pid=""
        cat "$dir/proxy.log"
    fi
    curl -fsS -X POST "$TENANTGUARD_MOTO_URL/moto-api/recorder/stop-recording" >/dev/null
    curl -fsS "$TENANTGUARD_MOTO_URL/moto-api/recorder/download-recording" >"$dir/recording.jsonl"
    read -r wall user sys rss < <(tail -n 1 "$dir/time")
    members=$((n + 1))
    "$venv/bin/python" - "$dir/recording.jsonl" "$members" "$REGIONS" "$wall" "$user" "$sys" "$rss" "$moto_before" "$moto_after" "$code" "$dir/report.json" <<'PY'
import base64, json, sys, collections
rec, members, regions, wall, user, sys_, rss, mb, ma, code, report = sys.argv[1:]
members, wall, cpu, moto_cpu = int(members), float(wall), float(user) + float(sys_), float(ma) - float(mb)
regions = len(regions.split(","))
calls = collections.Counter()
for line in open(rec):
    if not line.strip():
        continue
    v = json.loads(line)
    h = {k.lower(): val for k, val in (v.get("headers") or {}).items()}
    scope = h.get("authorization", "").split("Credential=")[-1].split("/")
    service = scope[3] if len(scope) > 3 else "?"
    target = h.get("x-amz-target")
    if target:
        action = target.rsplit(".", 1)[-1]
    else:
        body = v.get("body") or ""
        if v.get("body_encoded"):
            body = base64.b64decode(body).decode("utf-8", "replace")
        action = next((kv[7:] for kv in body.split("&") if kv.startswith("Action=")), None)
        if action is None:  # REST (RAM, Lambda, S3): the method and the path's last segment
            url = (v.get("url") or "?").split("://")[-1]
            path, _, query = url.partition("?")
            action = v.get("method", "?") + " " + (path.rstrip("/").rsplit("/", 1)[-1] if "/" in path else "/") + ("?" + query.split("=")[0] if query else "")
    calls[service + ":" + action] += 1
org = sum(c for a, c in calls.items() if a.startswith("organizations:"))
account = sum(c for a, c in calls.items() if a.split(":")[0] in ("sts", "iam"))
regional = sum(calls.values()) - org - account
network = sum(c for a, c in calls.items() if a.split(":")[0] in ("ec2", "ram"))
r = json.load(open(report))
if "findings" in r:
    not_scanned = sum(1 for f in r["findings"] if f["rule"] == "not-scanned")
    print(f"exit {code}; findings {len(r['findings'])}; complete {r['complete']}; not-scanned {not_scanned}")
else:  # an organization read (ORG_ONLY)
    o = r["organization"]
    tagged = sum(1 for a in o["accounts"] if a.get("tags"))
    print(f"exit {code}; organization {o['status']['state']}: {len(o['accounts'])} accounts ({tagged} with tags read), {len(o['organizational_units'])} OUs, {len(o['policies'])} policies")
print(f"wall {wall:.1f} s; {members / wall:.1f} accounts/s; peak RSS {int(rss) / 1024:.0f} MB")
print(f"tenantguard CPU {cpu:.1f} s ({cpu / wall:.2f} cores); moto CPU {moto_cpu:.1f} s ({moto_cpu / wall:.2f} cores)")
print(f"calls: {sum(calls.values())} in all; organization phase {org}; per account {account / members:.2f} (sts, iam); per account-region {regional / (members * regions):.2f} (of which network {network / (members * regions):.2f}, resource policies {(regional - network) / (members * regions):.2f})")
for a, c in sorted(calls.items()):
    print(f"  {a}: {c}")
PY
  done
done
