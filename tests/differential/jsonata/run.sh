#!/bin/sh
# Differential test of patchbay's JSONata engine against jsonata-js (npm jsonata@2.2.2): random documents and
# expressions from a seed, evaluated by both, disagreements shrunk to small reproducers. See README.md.
# Usage: tests/differential/jsonata/run.sh [--seed N] [--count N] [--show N] [--cases-out FILE]
# Environment: PATCHBAY_DIFF_CACHE (npm install, default ~/.cache/patchbay-jsonata-differential),
#              PATCHBAY_DIFF_BUILD (build directory, default <repo>/build-jsonata-differential),
#              PATCHBAY_DIFF_DRIVER (an already built jsonata_differential_driver; skips the build).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
cache=${PATCHBAY_DIFF_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/patchbay-jsonata-differential}
build=${PATCHBAY_DIFF_BUILD:-$repo/build-jsonata-differential}
version=2.2.2

mkdir -p "$cache"
installed=$(node -p "try { require('$cache/node_modules/jsonata/package.json').version } catch (e) { '' }")
if [ "$installed" != "$version" ]; then
    echo "installing jsonata@$version into $cache" >&2
    (cd "$cache" && npm install --no-audit --no-fund --silent "jsonata@$version" >/dev/null)
fi

driver=${PATCHBAY_DIFF_DRIVER:-}
if [ -z "$driver" ]; then
    cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$build" --target jsonata_differential_driver -j2 >/dev/null
    driver=$build/jsonata_differential_driver
fi

echo "jsonata-js $version, node $(node --version)"
NODE_PATH="$cache/node_modules" exec node "$here/differential.js" --driver "$driver" "$@"
