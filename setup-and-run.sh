#!/usr/bin/env bash
# Set up Posture Guard in .venv and run it: the README's one command from a fresh clone.
# - The command: `posture-guard` is linked into ~/.local/bin, as pipx does, so a new terminal
#   finds it; when that folder is not on PATH, it says so and prints the line to add.
# - The tray needs neither root nor a compiler: where the panel shows StatusNotifierItems the full
#   menu is Posture Guard's own (pure Python), elsewhere a left click opens our menu window.
# - On Linux the windows are GTK 3 (shaped text in every script, screen readers) where PyGObject
#   can be had: the system's (python3-gi, as desktops ship it) is used when the python3 running
#   this has it, with nothing to build; else pip builds it from source, and the script says which
#   Debian packages that takes (and how many with their dependencies) before installing them as
#   root or with passwordless sudo; POSTURE_GUARD_NO_APT=1 skips them, and without root it prints
#   the apt-get line instead. Without PyGObject the windows are Tk's; headless with no display.
# - POSTURE_GUARD_SETUP_ONLY=1 sets up and stops before running. Other arguments go to
#   `posture-guard run`.
set -euo pipefail
cd "$(dirname "$0")"

venv_args=()
if [ "$(uname -s)" = Linux ] \
        && python3 -c 'import gi; gi.require_version("Gtk", "3.0")' >/dev/null 2>&1; then
    venv_args=(--system-site-packages)  # the system's PyGObject: nothing to build, no root
fi
[ -x .venv/bin/python ] || python3 -m venv "${venv_args[@]}" .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e .

if [ "$(uname -s)" = Linux ] && ! .venv/bin/python -c 'import gi' >/dev/null 2>&1; then
    debs=(libgirepository1.0-dev libcairo2-dev gir1.2-gtk-3.0 gir1.2-ayatanaappindicator3-0.1
          gir1.2-gtklayershell-0.1 pkg-config gcc)
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
        if [ "${POSTURE_GUARD_NO_APT:-}" = 1 ]; then
            echo "setup: POSTURE_GUARD_NO_APT=1: not installing ${missing[*]}"
        elif command -v apt-get >/dev/null 2>&1 && "${sudo_cmd[@]}" true >/dev/null 2>&1; then
            "${sudo_cmd[@]}" apt-get update -qq || true
            count=$(LC_ALL=C apt-get -s install --no-install-recommends "${missing[@]}" 2>/dev/null \
                    | grep -c '^Inst ' || true)
            echo "setup: the accessible GTK windows need PyGObject, which pip builds from source"
            echo "       (the tray does not). Installing its Debian build packages: ${missing[*]}"
            echo "       (${count} packages with their dependencies). To skip: POSTURE_GUARD_NO_APT=1"
            echo "       bash setup-and-run.sh (then the windows are Tk's)."
            DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq \
                --no-install-recommends "${missing[@]}" >/dev/null || true
        else
            echo "setup: the tray is complete; for accessible GTK windows, install as root:"
            echo "       apt-get install ${missing[*]}   then run this script again."
        fi
    fi
    .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[tray]' >/dev/null 2>&1 \
        || echo "setup: PyGObject did not build; the windows are Tk's (the tray is complete)."
fi

# the command, where a new terminal finds it (as pipx does)
bin_dir="$HOME/.local/bin"
target="$PWD/.venv/bin/posture-guard"
mkdir -p "$bin_dir"
link="$bin_dir/posture-guard"
ours=yes  # nothing there, or a link made by this setup (from this clone or another one)
if [ -L "$link" ]; then
    case "$(readlink "$link")" in */.venv/bin/posture-guard) ;; *) ours=no ;; esac
elif [ -e "$link" ]; then
    ours=no
fi
if [ "$ours" = no ]; then
    echo "setup: $link exists and is not ours: left as it is; use $target"
else
    ln -sfn "$target" "$bin_dir/posture-guard"
    case ":$PATH:" in
        *":$bin_dir:"*) echo "setup: the posture-guard command is in $bin_dir" ;;
        *) echo "setup: the posture-guard command is in $bin_dir, which is not on your PATH."
           echo "       Add this line to ~/.bashrc (or your shell's file), then open a new terminal:"
           echo "       export PATH=\"\$HOME/.local/bin:\$PATH\""
           echo "       Meanwhile: $bin_dir/posture-guard status" ;;
    esac
fi

# the applications menu entry and the app icon (XDG desktops)
if [ "$(uname -s)" = Linux ]; then
    .venv/bin/posture-guard launcher install 2>&1 | sed 's/^/setup: /' || true
fi

[ "${POSTURE_GUARD_SETUP_ONLY:-}" = 1 ] && exit 0
exec .venv/bin/posture-guard run "$@"
