#!/bin/sh
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring (a real Secret Service).
exec dbus-run-session -- sh -c 'echo -n patchbay-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec "$@"' sh "$@"
