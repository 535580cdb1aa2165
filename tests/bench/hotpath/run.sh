#!/bin/sh
# The hot path, measured: one run prints
#   1. parse MB/s of the same ~50 MB document by the engine's readers and by node's JSON.parse;
#   2. `patchbay jsonata` as a whole process against jsonata-js on node over the same 200,000-record file
#      (mapping, filter+aggregate, group-by);
#   3. a sync of the same HubSpot emulator pages through the engine (`patchbay dryrun`, mapping off and on) and
#      through a bare node fetch: records/s, CPU seconds and peak RSS, at 10,000 and at a larger count;
#   4. requests/s on one kept-alive connection to the server adapter (engine/server/HttpService), small and large;
#   5. what the records change log adds to a page commit (RecordStore::commitPage against its statements without
#      the log), for created, unchanged and updated records.
# Machines are noisy: read the ratios, not the absolute numbers.
# Usage: tests/bench/hotpath/run.sh [LARGE_SYNC_COUNT]          (default 100000)
# Environment: PATCHBAY_BUILD_DIR (default <repo>/build), PATCHBAY_BENCH_CACHE (npm jsonata and generated data,
#              default <build>/bench-cache)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
large=${1:-100000}
build=${PATCHBAY_BUILD_DIR:-$repo/build}
cache=${PATCHBAY_BENCH_CACHE:-$build/bench-cache}
export PATCHBAY_BUILD_DIR="$build"

"$repo/installer/build.sh" patchbay patchbay-sandbox hotpath_http_bench hotpath_parse_bench hotpath_store_bench >/dev/null
mkdir -p "$cache"
if [ ! -d "$cache/node_modules/jsonata" ]; then
    echo "installing jsonata@2 into $cache"
    (cd "$cache" && npm install --no-audit --no-fund --silent jsonata@2 >/dev/null)
fi
echo "jsonata-js $(node -p "require('$cache/node_modules/jsonata/package.json').version"), node $(node --version)"
for records in 110000 200000; do
    [ -f "$cache/records-$records.json" ] || node "$here/../jsonata/generate-data.js" "$records" "$cache/records-$records.json"
done

# /usr/bin/time's elapsed, user+system CPU seconds and peak RSS (MB) of one command; its output is discarded, its
# standard error kept in the cache directory (stderr.txt).
measure() {
    /usr/bin/time -f '%e %U %S %M' -o "$cache/time.txt" "$@" >/dev/null 2>"$cache/stderr.txt"
    awk '{ printf "%.2f %.2f %.0f\n", $1, $2 + $3, $4 / 1024 }' "$cache/time.txt"
}

echo
echo "== 1. JSON parse, $(du -m "$cache/records-110000.json" | cut -f1) MB document"
"$build/tests/bench/hotpath/hotpath_parse_bench" "$cache/records-110000.json"
node "$here/parse.js" "$cache/records-110000.json"

echo
echo "== 2. patchbay jsonata against jsonata-js, whole process, 200,000 records"
# CPU seconds (user and system) decide the ratio: on a busy machine the elapsed time mostly measures the others.
printf '%-18s %22s %22s %8s\n' workload "patchbay CPU (elapsed)" "jsonata-js CPU (elapsed)" "CPU ratio"
data="$cache/records-200000.json"
for workload in mapping filter-aggregate group-by; do
    case $workload in
    mapping) expr='$.{ "id": id, "email": $lowercase(properties.email), "name": properties.firstname & " " & properties.lastname }' ;;
    filter-aggregate) expr='{ "customers": $count($[properties.score > 50]), "revenue": $sum($[properties.score > 50 and properties.country in ["DE", "FR"]].lineItems[category = "hardware"].(qty * price)) }' ;;
    # jsonata-js appends each record to its group by copying the group (quadratic): over all 200,000 records it
    # runs for many minutes, so both group the first 20,000.
    group-by) expr='$[$number(id) < 120000]{ properties.country: { "customers": $count(id), "score": $average(properties.score), "items": $sum(lineItems.qty) } }' ;;
    esac
    native=$(measure "$build/app/cli/patchbay" jsonata --compact --timeout 600000 --max-memory 16000 --data "$data" "$expr")
    js=$(NODE_PATH="$cache/node_modules" measure node "$here/evaluate.js" "$data" "$expr")
    echo "$workload $native $js" | awk '{ printf "%-18s %13.2f s (%5.2f) %13.2f s (%5.2f) %7.1fx\n", $1, $3, $2, $6, $5, $6 / $3 }'
done

echo
echo "== 3. sync of HubSpot emulator contacts (100 a page): engine (patchbay dryrun) against a bare node fetch"
# The definition's client-side request budgets would make this a measurement of HubSpot's rate limits: the bench
# reads with a copy of the definition without them (the emulator does not enforce limits unless asked to).
awk '/^  (budgets|windows):/ { skip = 1; next } skip && /^    / { next } { skip = 0; print }' \
    "$repo/resources/providers/hubspot.yaml" > "$cache/hubspot-unthrottled.yaml"
printf '%-9s %-16s %10s %10s %8s %12s %8s\n' records reader "records/s" "elapsed s" "CPU s" "CPU us/rec" "RSS MB"
for count in 10000 "$large"; do
    "$build/app/sandbox/patchbay-sandbox" --provider hubspot --port 0 --records "$count" --tenants 1 \
        > "$cache/sandbox.txt" 2>&1 &
    sandbox=$!
    while ! grep -q 'Ctrl-C stops' "$cache/sandbox.txt" 2>/dev/null; do sleep 0.2; done
    base=$(sed -n 's/^hubspot on \([^ ]*\) .*/\1/p' "$cache/sandbox.txt")
    token=$(sed -n 's/.*accessToken=\([^ ]*\).*/\1/p' "$cache/sandbox.txt" | head -n 1)
    printf '{"access_token": "%s", "expires_at": %s}\n' "$token" "$(($(date +%s) + 1800))" > "$cache/creds.json"
    # One line of the table: the reader's name and measure's "elapsed CPU RSS".
    row() {
        echo "$count $2" | awk -v reader="$1" '{ printf "%-9s %-16s %10.0f %10.2f %8.2f %12.1f %8s\n",
                                                  $1, reader, $1 / $2, $2, $3, $3 * 1e6 / $1, $4 }'
    }
    dryrun="$build/app/cli/patchbay dryrun --provider $cache/hubspot-unthrottled.yaml --object contacts
            --base-url $base --credentials $cache/creds.json"
    # shellcheck disable=SC2086
    row "engine" "$(measure $dryrun)"
    # shellcheck disable=SC2086
    row "engine, mapped" "$(measure $dryrun --integration "$repo/resources/integrations/crm.yaml" --name crm-contacts)"
    row "bare fetch" "$(measure node "$here/fetch.js" "$base" "$token")"
    kill "$sandbox"
    wait "$sandbox" 2>/dev/null || true
done

echo
echo "== 4. server adapter: requests/s on one kept-alive connection"
for bytes in 2000 16000 37000 200000; do
    "$build/tests/bench/hotpath/hotpath_http_bench" "$bytes" 2
done

echo
echo "== 5. commitPage with the change log against the same pages without it, 100 records a page"
"$build/tests/bench/hotpath/hotpath_store_bench" 200
