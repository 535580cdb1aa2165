#!/bin/sh
# The console's Runs query (ExecutionStore::findExecutions, OpsApi::findExecutions) across tenants at the issue's
# scale: seeds a SQLite file with EXECUTIONS executions (and EVENTS_PER_EXECUTION events each) in one transaction,
# then prints the first page's and a far page's latency of each filter, against the same SQL run bare by the sqlite3
# shell on the same file (the ratio is what to read).
# Usage: tests/bench/runs/run.sh [EXECUTIONS] [EVENTS_PER_EXECUTION] [DATABASE]     (default 1000000 1, a temp file)
# A DATABASE that exists is used as it is (seed once with 10 events each for the 10,000,000-event target, then
# measure again without waiting for the seeding).
# Environment: PATCHBAY_BUILD_DIR (default <repo>/build)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
build=${PATCHBAY_BUILD_DIR:-$repo/build}
export PATCHBAY_BUILD_DIR="$build"
command -v sqlite3 >/dev/null || { echo "run.sh: the sqlite3 shell is needed (apt-get install sqlite3)" >&2; exit 1; }
"$repo/installer/build.sh" runs_bench >/dev/null
exec "$build/tests/bench/runs/runs_bench" "$@"
