#!/usr/bin/env bash
# Collection benchmark against moto: seeds N accounts (20 roles each, 2 regions, planted
# violations), runs `tenantguard scan` on a release build, and prints wall time, accounts per
# second, peak memory, CPU used by tenantguard and by the emulator, and API calls per account
# and per account-region from the emulator's request recording.
#   bench/collect.sh 200 1000      (default: 200)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-200}")
ROLES=${ROLES:-20}
REGIONS=${REGIONS:-eu-west-1,us-east-1}
CONCURRENCY=${CONCURRENCY:-16}

cargo build --release --quiet
eval "$(scripts/moto start)"
trap 'scripts/moto stop' EXIT
venv="${TENANTGUARD_VENV:-$PWD/.venv}"
moto_pid="$(cat target/moto/pid)"
cpu() { awk '{print ($14 + $15) / 100}' "/proc/$1/stat"; }
dir=$(mktemp -d)

for n in "${sizes[@]}"; do
    curl -fsS -X POST "$TENANTGUARD_MOTO_URL/moto-api/reset" >/dev/null
    start=$(date +%s)
    "$venv/bin/python" bench/seed.py "$TENANTGUARD_MOTO_URL" "$n" "$ROLES" "$REGIONS" "$dir/tenantguard.toml" >/dev/null
    echo "== $n accounts: seeded in $(( $(date +%s) - start )) s"
    curl -fsS -X POST "$TENANTGUARD_MOTO_URL/moto-api/recorder/reset-recording" >/dev/null
    curl -fsS -X POST "$TENANTGUARD_MOTO_URL/moto-api/recorder/start-recording" >/dev/null
    moto_before=$(cpu "$moto_pid")
    set +e
    AWS_ENDPOINT_URL="$TENANTGUARD_MOTO_URL" AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing \
    AWS_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true \
        /usr/bin/time -f "%e %U %S %M" -o "$dir/time" \
        target/release/tenantguard -q scan --config "$dir/tenantguard.toml" --concurrency "$CONCURRENCY" \
        --format json --output "$dir/report.json"
    code=$?
    set -e
    moto_after=$(cpu "$moto_pid")
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
    target = h.get("x-amz-target")
    if target:
        calls["organizations:" + target.rsplit(".", 1)[-1]] += 1
    else:
        body = v.get("body") or ""
        if v.get("body_encoded"):
            body = base64.b64decode(body).decode("utf-8", "replace")
        action = next((kv[7:] for kv in body.split("&") if kv.startswith("Action=")), "?")
        scope = h.get("authorization", "").split("Credential=")[-1].split("/")
        calls[(scope[3] if len(scope) > 3 else "?") + ":" + action] += 1
org = sum(c for a, c in calls.items() if a.startswith("organizations:"))
ec2 = sum(c for a, c in calls.items() if a.startswith("ec2:"))
account = sum(calls.values()) - org - ec2
r = json.load(open(report))
print(f"exit {code}; findings {len(r['findings'])}; complete {r['complete']}")
print(f"wall {wall:.1f} s; {members / wall:.1f} accounts/s; peak RSS {int(rss) / 1024:.0f} MB")
print(f"tenantguard CPU {cpu:.1f} s ({cpu / wall:.2f} cores); moto CPU {moto_cpu:.1f} s ({moto_cpu / wall:.2f} cores)")
print(f"calls: {sum(calls.values())} in all; organization phase {org}; per account {account / members:.2f} (sts, iam); per account-region {ec2 / (members * regions):.2f} (ec2)")
for a, c in sorted(calls.items()):
    print(f"  {a}: {c}")
PY
done
