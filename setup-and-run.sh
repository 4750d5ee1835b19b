#!/usr/bin/env bash
# Set up Posture Guard in .venv and run it: the README's one command from a fresh clone.
# On Linux it also installs what the full tray menu needs (pystray's appindicator backend), when
# it can: the Debian build packages (as root, or with passwordless sudo) and the [tray] extra
# (PyGObject). When it cannot, it says so and runs all the same: with the basic tray (a left click
# opens our own menu window), or headless with no display. Arguments go to `posture-guard run`.
set -euo pipefail
cd "$(dirname "$0")"

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e .

if [ "$(uname -s)" = Linux ] && ! .venv/bin/python -c 'import gi' >/dev/null 2>&1; then
    debs=(libgirepository1.0-dev libcairo2-dev gir1.2-gtk-3.0 gir1.2-ayatanaappindicator3-0.1
          pkg-config gcc)
    .venv/bin/python -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
        || debs+=(python3-dev)
    missing=()
    if command -v dpkg >/dev/null 2>&1; then
        for deb in "${debs[@]}"; do
            dpkg -s "$deb" >/dev/null 2>&1 || missing+=("$deb")
        done
    fi
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo -n)
    if [ ${#missing[@]} -gt 0 ]; then
        if command -v apt-get >/dev/null 2>&1 && "${sudo_cmd[@]}" true >/dev/null 2>&1; then
            echo "setup: installing Debian packages for the full tray menu: ${missing[*]}"
            "${sudo_cmd[@]}" apt-get update -qq || true
            DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
                --no-install-recommends "${missing[@]}" >/dev/null || true
        else
            echo "setup: for the full tray menu, install as root: apt-get install ${missing[*]}"
        fi
    fi
    .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[tray]' >/dev/null 2>&1 \
        || echo "setup: PyGObject did not build; running with the basic tray menu instead."
fi

exec .venv/bin/posture-guard run "$@"
