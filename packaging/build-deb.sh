#!/usr/bin/env bash
# Build a Debian package for Debian 12 "bookworm" (whose Python is 3.11) into dist/ (or the
# directory given) with dpkg-deb. Prints the .deb's path. Needs Python 3.11 and dpkg here.
#   bash packaging/build-deb.sh [OUTDIR]
#
# Layout: the app and every library it needs from PyPI, as pip resolves them at build time, in a
# private environment under /usr/lib/posture-guard that runs on Debian's own python3.11 (a venv
# made by hand: bin/python3 is a link to /usr/bin/python3.11 beside a pyvenv.cfg). Debian 12
# packages too old a Pillow (9.4), matplotlib (3.6), tomlkit, schedule, plyer and pystray (0.19.4)
# for the app, and no fpdf2 or uharfbuzz, so they are carried here; the system's site-packages
# stay visible for PyGObject (python3-gi), which the appindicator tray uses when it is installed.
# Windows the app opens run `sys.executable -m ...`, which is this environment's python again;
# they are drawn with GTK 3 where python3-gi and its typelib are installed (recommended), else
# with Tk (python3-tk, a dependency: without either no window opens).
# Also installed: /usr/bin/posture-guard, the menu launcher (with its actions and translated
# names), the autostart entry for every user (/etc/xdg/autostart, a conffile an administrator
# may edit), the icon in the hicolor theme and the AppStream metainfo.
set -euo pipefail
cd "$(dirname "$0")/.."
outdir="$(mkdir -p "${1:-dist}" && cd "${1:-dist}" && pwd)"
python="${PYTHON:-.venv/bin/python}"
[ -x "$python" ] || python=python3
for tool in dpkg-deb dpkg; do
    command -v "$tool" >/dev/null || { echo "packaging/build-deb.sh: $tool is missing (Debian's dpkg)" >&2; exit 1; }
done
"$python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || {
    echo "packaging/build-deb.sh: needs Python 3.11 to pick the libraries' builds for Debian 12's python3.11; got $("$python" --version)" >&2
    exit 1
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
wheel="$(bash packaging/build.sh "$work/dist" | grep '\.whl$')"
version="$(basename "$wheel" | cut -d- -f2)"
arch="$(dpkg --print-architecture)"
stage="$work/root"
prefix=/usr/lib/posture-guard
lib="$stage$prefix"
site="$lib/lib/python3.11/site-packages"

mkdir -p "$lib/bin" "$site"
ln -s /usr/bin/python3.11 "$lib/bin/python3"
printf 'home = /usr/bin\ninclude-system-site-packages = true\nversion = 3.11\n' >"$lib/pyvenv.cfg"
# binary builds only: nothing compiled against this machine's Python; no .pyc (postinst makes them)
"$python" -m pip install -q --disable-pip-version-check --no-compile --only-binary=:all: \
    --target "$site" "$wheel"
rm -rf "$site/bin"  # console scripts with this machine's interpreter in their first line
find "$site" -name __pycache__ -type d -prune -exec rm -rf {} +

install -d "$stage/usr/bin"
cat >"$stage/usr/bin/posture-guard" <<EOF
#!$prefix/bin/python3
import sys

from posture_guard.cli import main

sys.exit(main())
EOF
chmod 0755 "$stage/usr/bin/posture-guard"

install -d "$stage/usr/share/applications" "$stage/etc/xdg/autostart" "$stage/usr/share/metainfo"
PYTHONPATH="$site" "$python" -c '
import sys
from posture_guard.desktop import language, launcher
sys.stdout.write(launcher.launcher_entry(sys.argv[1], language.translations()))
' "$prefix/bin/python3" >"$stage/usr/share/applications/posture-guard.desktop"
install -m 0644 packaging/linux/posture-guard.desktop "$stage/etc/xdg/autostart/posture-guard.desktop"
install -m 0644 packaging/linux/com.posture_guard.PostureGuard.metainfo.xml "$stage/usr/share/metainfo/"
for png in icons/posture-guard-*.png; do
    size="${png##*-}"; size="${size%.png}"
    install -D -m 0644 "$png" "$stage/usr/share/icons/hicolor/${size}x${size}/apps/posture-guard.png"
done
install -D -m 0644 icons/posture-guard-symbolic.svg \
    "$stage/usr/share/icons/hicolor/symbolic/apps/posture-guard-symbolic.svg"
install -d "$stage/usr/share/doc/posture-guard"
{
    printf 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n'
    printf 'Upstream-Name: posture-guard\n\nFiles: *\nCopyright: the Posture Guard authors\nLicense: MIT\n'
    sed -e 's/^$/./' -e 's/^/ /' LICENSE
    printf '\nFiles: usr/lib/posture-guard/lib/python3.11/site-packages/*\n'
    printf 'Copyright: each library'"'"'s authors\nLicense: each library'"'"'s own, in its *.dist-info directory\n'
} >"$stage/usr/share/doc/posture-guard/copyright"

install -d "$stage/DEBIAN"
cat >"$stage/DEBIAN/postinst" <<EOF
#!/bin/sh
set -e
# byte-compile once as root, so no user's start pays for it (the files are not theirs to write)
if [ "\$1" = configure ]; then
    $prefix/bin/python3 -m compileall -q -j 0 $prefix/lib >/dev/null || true
fi
EOF
cat >"$stage/DEBIAN/prerm" <<EOF
#!/bin/sh
set -e
find $prefix -name __pycache__ -type d -prune -exec rm -rf {} + 2>/dev/null || true
EOF
chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm"
echo /etc/xdg/autostart/posture-guard.desktop >"$stage/DEBIAN/conffiles"
size_kib="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
cat >"$stage/DEBIAN/control" <<EOF
Package: posture-guard
Version: $version
Architecture: $arch
Maintainer: Posture Guard developers <maintainers@posture-guard.invalid>
Installed-Size: $size_kib
Depends: python3.11, libc6 (>= 2.36), python3-tk
Recommends: python3-gi, gir1.2-gtk-3.0, gir1.2-ayatanaappindicator3-0.1, gir1.2-gtklayershell-0.1
Section: utils
Priority: optional
Description: break and posture companion for the desktop
 Posture Guard counts active screen time and asks for regular breaks, each
 with one concrete thing to do. It keeps a private diary of neck-spasm
 episodes and check-ins, reads it against the warning signs a clinician
 looks for, and writes a report for your clinician.
 .
 The libraries it needs from PyPI are carried in /usr/lib/posture-guard.
EOF
deb="$outdir/posture-guard_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz -z6 --build "$stage" "$deb" >/dev/null
echo "$deb"
