#!/usr/bin/env bash
# Installs what is missing, builds, and starts the console on the embedded default: a local SQLite
# database with demo tenants whose connections sync against the provider emulators (patchbay-sandbox, started by --demo).
# Extra arguments go to patchbay-console (see --help), e.g. --database /tmp/demo.db
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/installer/install-deps.sh"
"$root/installer/build.sh" patchbay-console patchbay patchbay-sandbox
exec "${PATCHBAY_BUILD_DIR:-$root/build}/app/console/patchbay-console" --demo "$@"
