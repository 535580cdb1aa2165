#!/bin/sh
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring (a real Secret Service),
# keeping the keyring in a throw-away home so parallel runs never share one.
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
HOME="$home" XDG_DATA_HOME="$home/.local/share" XDG_RUNTIME_DIR="$home/run" \
dbus-run-session -- sh -c '
    mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
    echo -n patchbay-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
    # The daemon registers on the bus asynchronously; wait until the Secret Service answers.
    for _ in $(seq 50); do
        dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true" && break
        sleep 0.1
    done
    exec "$@"' sh "$@"
