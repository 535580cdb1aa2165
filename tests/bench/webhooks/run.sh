#!/bin/sh
# Provider webhooks on a real patchbayd: p50/p99 acknowledgement latency of signed calls under 8 and 32 concurrent
# senders, against /healthz under the same load as the reference (the ratio is what to read: how much storing a
# verified call adds to a bare round trip), and how long the inbox workers take to apply what was acknowledged.
# Usage: tests/bench/webhooks/run.sh [REQUESTS_PER_RUN] [CONCURRENCY...]     (default 2000 8 32)
# Environment: PATCHBAY_BUILD_DIR (default <repo>/build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
build=${PATCHBAY_BUILD_DIR:-$repo/build}
export PATCHBAY_BUILD_DIR="$build"
"$repo/installer/build.sh" patchbayd patchbay webhook_bench >/dev/null
requests=${1:-2000}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- 8 32
exec "$build/tests/bench/webhooks/webhook_bench" "$requests" "$@"
