#!/usr/bin/env bash
# Installs what is missing, builds everything with warnings as errors, runs each libFuzzer target briefly over its
# seed corpus (installer/fuzz.sh; skipped when clang is missing), then the whole test suite. Either failing fails
# the command; the suite runs last so that its summary closes the output.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/installer/install-deps.sh"
"$root/installer/build.sh"
# GUI tests run offscreen; nothing here needs a display.
export QT_QPA_PLATFORM=offscreen
status=0
"$root/installer/fuzz.sh" "${PATCHBAY_FUZZ_SECONDS:-5}" || status=1
(cd "${PATCHBAY_BUILD_DIR:-$root/build}" && ctest --output-on-failure -j2 --timeout 600) || status=$?
exit "$status"
