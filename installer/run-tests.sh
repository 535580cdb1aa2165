#!/usr/bin/env bash
# Installs what is missing, builds everything with warnings as errors, and runs the whole test suite.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/installer/install-deps.sh"
"$root/installer/build.sh"
cd "${PATCHBAY_BUILD_DIR:-$root/build}"
# GUI tests run offscreen; nothing here needs a display.
export QT_QPA_PLATFORM=offscreen
exec ctest --output-on-failure -j2 --timeout 600
