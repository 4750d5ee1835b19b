#!/usr/bin/env bash
# The whole test suite from a fresh clone on Debian: installs what the tests need (Debian packages
# when missing, Python packages into .venv), then runs ruff, mypy and every test, desktop ones too.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(xvfb xauth x11-utils x11-xserver-utils xdotool xprintidle dbus-daemon dbus-bin
              dunst libnotify-bin imagemagick openbox trayer prometheus-node-exporter
              desktop-file-utils
              libgirepository1.0-dev libcairo2-dev gir1.2-gtk-3.0 gir1.2-ayatanaappindicator3-0.1
              pkg-config gcc)
missing=()
for tool in Xvfb xauth xdpyinfo xset xdotool xprintidle dbus-daemon dbus-send dunst notify-send import openbox trayer \
            prometheus-node-exporter desktop-file-validate pkg-config gcc; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
apt_packages+=(chromium poppler-utils)  # the report's tests: a real browser, PDF pages to PNG
for tool in chromium pdftoppm pdftotext; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
# tests/e2e/test_deb.py: the .deb (dpkg-deb, in dpkg) installed into a clean Debian 12 root that
# debootstrap makes (debootstrap: 283 kB installed; the root it makes: 206 MB, once, cached in the
# temporary directory); appstreamcli validates the AppStream metainfo (appstream: 2.5 MB installed)
apt_packages+=(debootstrap appstream)
for tool in debootstrap appstreamcli; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
# tests/e2e/test_fleet_prometheus.py: a real Prometheus server evaluating the fleet recording rules,
# and promtool to check them (prometheus: both binaries, about 96 MB installed)
apt_packages+=(prometheus)
for tool in prometheus promtool; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
apt_packages+=(faketime)  # tests/e2e/test_seven_days.py: the date-sensitive tests on 7 dates
command -v faketime >/dev/null 2>&1 || missing+=(faketime)
# tests/desktop/test_wayland_idle.py: real headless compositors and their input tools: sway 1.7
# (org_kde_kwin_idle; wtype and swaymsg inject input), KWin 5.27 (ext-idle-notify-v1 too;
# about 27 MB to download, 184 MB installed, worth it: the only packaged ext-idle-notify-v1)
apt_packages+=(sway wtype kwin-wayland)
# a real StatusNotifierItem host for the sni tray (tests/desktop/test_tray_sni.py): waybar's tray
# in headless sway, screenshots with grim; 20 packages, about 6 MB installed with the libraries
apt_packages+=(waybar grim)
for tool in sway swaymsg wtype kwin_wayland setpriv waybar grim; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
# the break window's corner notice on Wayland is a layer-shell surface (tests/desktop/
# test_windows_wayland.py): gtk-layer-shell's typelib (waybar brings the library itself)
apt_packages+=(gir1.2-gtklayershell-0.1)
ls /usr/lib/*/girepository-1.0/GtkLayerShell-0.1.typelib >/dev/null 2>&1 || missing+=(GtkLayerShell)
# a second real StatusNotifierItem host, on X11 (tests/desktop/test_tray_xfce.py): xfce4-panel's
# Status Tray plugin draws our menu with libdbusmenu-gtk; xfconf's daemon holds the panel's
# settings (about 3 MB to download with their Xfce libraries on top of GTK 3)
apt_packages+=(xfce4-panel xfconf)
for tool in xfce4-panel xfconf-query; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
# tests/desktop/test_gnome_desktop.py: mutter 43 --headless, GNOME's compositor and its idle
# monitor (about 35 MB to download with its dependencies, most of it WebKit through zenity;
# mutter itself is small)
apt_packages+=(mutter)
command -v mutter >/dev/null 2>&1 || missing+=(mutter)
# tests/desktop/test_gnome_shell.py: GNOME Shell 43 itself (headless), whose banner is where GNOME
# users meet the break notice; gjs runs the shell's notification service (a desktop's bus would
# start it). About 80 packages on top of mutter (GTK 4, GJS, the shell's typelibs)
apt_packages+=(gnome-shell gjs)
for tool in gnome-shell gjs; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
# tests/desktop/test_sound.py: a private PulseAudio with a null sink, recorded with parecord; the
# freedesktop sound theme the break's sounds are looked up in
apt_packages+=(pulseaudio pulseaudio-utils sound-theme-freedesktop)
for tool in pulseaudio pactl paplay parecord; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
[ -f /usr/share/sounds/freedesktop/index.theme ] || missing+=(sound-theme-freedesktop)
# the tray tests' appindicator backend: PyGObject's build files and the typelibs it loads
pkg-config --exists gobject-introspection-1.0 cairo 2>/dev/null || missing+=(gi-build-files)
# the windows' accessibility tests: a real AT-SPI registry and libatspi's typelib to read it;
# a Devanagari font for the Hindi windows and the shaping test
apt_packages+=(at-spi2-core gir1.2-atspi-2.0 fonts-lohit-deva)
[ -x /usr/libexec/at-spi-bus-launcher ] || missing+=(at-spi-bus-launcher)
fc-list :lang=hi family 2>/dev/null | grep -q . || missing+=(devanagari-font)
# a Chinese font for the PDF report's test of notes in scripts its own fonts lack (1.6 MB)
apt_packages+=(fonts-wqy-microhei)
fc-list :lang=zh-cn family 2>/dev/null | grep -q . || missing+=(chinese-font)
for typelib in Gtk-3.0 AyatanaAppIndicator3-0.1 Atspi-2.0; do
    ls /usr/lib/*/girepository-1.0/"$typelib".typelib >/dev/null 2>&1 || missing+=("$typelib")
done
python3 -c 'import sysconfig, os, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
    || { missing+=(Python.h); apt_packages+=(python3-dev); }
python3 -c 'import ensurepip' >/dev/null 2>&1 || { missing+=(ensurepip); apt_packages+=(python3-venv); }
python3 -c 'import tkinter' >/dev/null 2>&1 || { missing+=(tkinter); apt_packages+=(python3-tk); }
if [ ${#missing[@]} -gt 0 ]; then
    echo "tests/run.sh: installing Debian packages for: ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,tray]'

echo "== ruff"
.venv/bin/ruff check posture_guard tests bench
.venv/bin/ruff format --check posture_guard tests bench
echo "== mypy --strict (linux, darwin, win32)"
for platform in linux darwin win32; do
    .venv/bin/mypy --strict --platform "$platform" posture_guard
done
echo "== pytest"
.venv/bin/pytest "$@"
