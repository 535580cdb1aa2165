#!/bin/sh
# Benchmarks patchbay's native JSONata engine against jsonata-js (npm jsonata@2) on the same expressions and data.
# Usage: tests/bench/jsonata/run.sh [RECORDS]        (default 100000)
# Environment: PATCHBAY_BENCH_CACHE (npm install + data, default ~/.cache/patchbay-jsonata-bench),
#              PATCHBAY_BENCH_BUILD (build directory, default <repo>/build-jsonata-bench)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
records=${1:-100000}
cache=${PATCHBAY_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/patchbay-jsonata-bench}
build=${PATCHBAY_BENCH_BUILD:-$repo/build-jsonata-bench}

mkdir -p "$cache"
if [ ! -d "$cache/node_modules/jsonata" ]; then
    echo "installing jsonata@2 into $cache"
    (cd "$cache" && npm install --no-audit --no-fund --silent jsonata@2 >/dev/null)
fi
echo "jsonata-js $(node -p "require('$cache/node_modules/jsonata/package.json').version"), node $(node --version)"

data="$cache/records-$records.json"
if [ ! -f "$data" ]; then
    echo "generating $records records"
    node "$here/generate-data.js" "$records" "$data"
fi

cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target jsonata_bench -j2 >/dev/null

printf '%-18s %16s %16s %8s\n' workload "native rec/s" "jsonata-js rec/s" ratio
for workload in mapping filter-aggregate deep-transform; do
    native=$("$build/jsonata_bench" "$data" "$here/workloads.json" "$workload")
    js=$(NODE_PATH="$cache/node_modules" node "$here/bench.js" "$data" "$here/workloads.json" "$workload")
    n=$(echo "$native" | awk '{print $3}')
    j=$(echo "$js" | awk '{print $3}')
    printf '%-18s %16s %16s %7.1fx\n' "$workload" "$n" "$j" "$(echo "$n $j" | awk '{print $1 / $2}')"
done

# The same engine against the same reference for correctness: a fixed-seed differential run (see
# tests/differential/jsonata/README.md). PATCHBAY_BENCH_DIFFERENTIAL=0 skips it.
if [ "${PATCHBAY_BENCH_DIFFERENTIAL:-1}" != 0 ]; then
    echo
    "$repo/tests/differential/jsonata/run.sh" --seed 1 --count 5000 --show 10 ||
        echo "differential test: disagreements with jsonata-js (reproducers above)"
fi
