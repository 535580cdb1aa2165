#!/usr/bin/env bash
# Installs the Debian 12 packages Patchbay needs to build, test and run.
# Idempotent and quick when everything is present: it asks apt only for what is missing.
set -euo pipefail

packages=(
    cmake ninja-build g++ ccache pkg-config clang libclang-rt-14-dev
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-httpserver-dev qt6-websockets-dev
    libqt6opengl6-dev qtkeychain-qt6-dev libssl-dev libsqlite3-dev libyaml-cpp-dev libgl-dev
    qt6-qpa-plugins libxkbcommon-x11-0 fonts-dejavu-core
    xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
