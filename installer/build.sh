#!/usr/bin/env bash
# Configures and builds Patchbay into build/ (Release, warnings as errors). Usage: installer/build.sh [targets...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="${PATCHBAY_BUILD_DIR:-$root/build}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${PATCHBAY_BUILD_TYPE:-RelWithDebInfo}" \
      -DPATCHBAY_WERROR=ON > "$build.configure.log" 2>&1 || { cat "$build.configure.log"; exit 1; }
if [ $# -gt 0 ]; then
    cmake --build "$build" -j2 --target "$@"
else
    cmake --build "$build" -j2
fi
