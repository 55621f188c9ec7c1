#!/usr/bin/env bash
# Submits one nightly run: the organization read, the array of shards that depends on it,
# the merge that depends on the whole array (Batch starts it only once every child has
# succeeded), and the scan that depends on the merge. RUN names the run's S3 prefix.
#   deploy/aws-batch/submit.sh [RUN]      (default: today's date, UTC)
set -euo pipefail
cd "$(dirname "$0")"
run="${1:-$(date -u +%Y-%m-%d)}"
submit() { # FILE [DEPENDENCY]: the job's id
    local file=$1 depends=()
    [ $# -gt 1 ] && depends=(--depends-on "jobId=$2")
    sed "s|/runs/RUN/|/runs/${run}/|g" "${file}" >"${tmp}/${file}"
    aws batch submit-job --cli-input-json "file://${tmp}/${file}" ${depends[@]+"${depends[@]}"} --query jobId --output text
}
tmp=$(mktemp -d)
trap 'rm -rf "${tmp}"' EXIT
organization=$(submit submit-organization.json)
collect=$(submit submit-collect.json "${organization}")
merge=$(submit submit-merge.json "${collect}")
scan=$(submit submit-scan.json "${merge}")
echo "run ${run}: organization ${organization}, collect ${collect}, merge ${merge}, scan ${scan}"
