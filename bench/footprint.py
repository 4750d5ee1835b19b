"""What does the running tray app cost while idle? Per tray backend, beside a bare python3.

How it is measured (one run, everything private and torn down at the end):
- a desktop as in tests/desktop: Xvfb (-displayfd), a private session dbus-daemon, openbox,
  trayer and dunst; then a GTK3 client (a small Gtk.Window in another process) opens the display
  first, as the panel and apps on a real desktop do, so shared GTK pages are shared as there;
- for each backend (appindicator, xorg): `posture-guard run` with PYSTRAY_BACKEND pinned, the
  X11 idle source and the default break plan (20 min is never reached), until its icon is docked
  and it has settled (--settle, default 10 s); and a bare `python3 -c 'time.sleep(...)'` started
  at the same time; then, on its own, the toolkit alone (FLOOR: the same tray backend with a
  menu and nothing else, docked and settled the same way);
- over the idle window (--seconds, default 120): CPU seconds (schedstat of every thread, ns),
  context switches (voluntary + involuntary, summed over the threads alive at the end; GLib's
  pool threads come and go), PSS at the end
  (/proc/PID/smaps_rollup), and the set of child processes, polled every second (any new one
  counts as spawned while idle).
Prints the figures, the per-2-minute / per-minute rates, and the ratios to the targets: PSS under
31 MiB with appindicator and under 20 MiB on xorg, under 0.02 s CPU per idle 2 minutes, under 60
context switches a minute, no child processes while idle.

Run: `.venv/bin/python bench/footprint.py [--seconds S] [--settle S] [--backend NAME]
[--detail N]` (needs Xvfb, dbus-daemon, openbox, trayer, dunst and xprop on the PATH).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(Path(__file__).resolve().parent), str(ROOT)]

from idle import pss_kib, start_xvfb  # noqa: E402

from tests.desktop.traydesk import tray_icons  # noqa: E402

TARGET_PSS_MIB = {"appindicator": 31.0, "xorg": 20.0}
TARGET_CPU_PER_2MIN = 0.02
TARGET_SWITCHES_PER_MIN = 60
TRAYER = (
    "trayer", "--edge", "top", "--align", "right", "--widthtype", "request", "--height", "24",
    "--SetDockType", "true", "--transparent", "false", "--tint", "0x888888", "--expand", "true",
)  # fmt: skip
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path={socket}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/>
<allow eavesdrop="true"/><allow own="*"/></policy></busconfig>
"""
GTK_CLIENT = (
    "import gi; gi.require_version('Gtk', '3.0'); from gi.repository import Gtk; "
    "w = Gtk.Window(title='a GTK3 app'); w.show_all(); Gtk.main()"
)
BARE = "import time; time.sleep(10**6)"
#: The toolkit alone, per backend, docked in the same tray: what no app on that toolkit can go
#: under. appindicator: PyGObject's GTK 3 and AyatanaAppIndicator3 with a 14-item menu;
#: xorg: pystray's xorg backend with a Pillow icon, plyer and schedule imported (as the issue's
#: "python3 with pystray, pillow, plyer and schedule imported" reference).
FLOOR = {
    "appindicator": (
        "import gi; gi.require_version('Gtk', '3.0');"
        " gi.require_version('AyatanaAppIndicator3', '0.1');"
        " from gi.repository import Gtk, AyatanaAppIndicator3 as A;"
        " i = A.Indicator.new('floor', 'dialog-information', A.IndicatorCategory.APPLICATION_STATUS);"
        " m = Gtk.Menu(); [m.append(Gtk.MenuItem(label=f'item {n}')) for n in range(14)];"
        " m.show_all(); i.set_menu(m); i.set_status(A.IndicatorStatus.ACTIVE); Gtk.main()"
    ),
    "xorg": (
        "import os; os.environ['PYSTRAY_BACKEND'] = 'xorg'; import plyer, schedule, pystray;"
        " from PIL import Image; pystray.Icon('floor', Image.new('RGB', (64, 64), (38, 50, 56)),"
        " menu=pystray.Menu(pystray.MenuItem('item', None))).run()"
    ),
}


def wait_for(predicate, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench/footprint.py: timed out waiting for {what}")
        time.sleep(0.05)


def quiet(cmd: list[str] | tuple[str, ...], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        list(cmd), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def per_thread(pid: int) -> dict[int, tuple[float, int]]:
    """CPU seconds (schedstat, ns) and context switches (voluntary + involuntary) per thread."""
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            cpu = int((task / "schedstat").read_text().split()[0]) / 1e9
            switches = sum(
                int(line.split()[1])
                for line in (task / "status").read_text().splitlines()
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches"))
            )
        except OSError:  # the thread ended meanwhile
            continue
        found[int(task.name)] = (cpu, switches)
    return found


def growth(
    before: dict[int, tuple[float, int]], after: dict[int, tuple[float, int]]
) -> tuple[float, int]:
    """What the threads alive at the end used in between (a thread that ended is not counted:
    the kernel keeps no per-thread figures for it; new threads count from zero)."""
    cpu, switches = 0.0, 0
    for tid, (c, s) in after.items():
        c0, s0 = before.get(tid, (0.0, 0))
        cpu, switches = cpu + c - c0, switches + s - s0
    return cpu, switches


def children(pid: int) -> set[int]:
    """Processes whose parent is `pid` (from /proc/*/stat; zombies too)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def pss_by_mapping(pid: int) -> list[tuple[float, str]]:
    """PSS (MiB) per mapped file or kind ([heap], [anon], [stack]...), largest first."""
    totals: dict[str, float] = {}
    name = "?"
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        head = line.split()
        if not head:
            continue
        if "-" in head[0] and not head[0].endswith(":"):  # a mapping's header line
            name = head[5] if len(head) > 5 else "[anon]"
        elif head[0] == "Pss:":
            totals[name] = totals.get(name, 0.0) + int(head[1]) / 1024
    return sorted(((v, k) for k, v in totals.items()), reverse=True)


def rollup(pid: int) -> dict[str, float]:
    """smaps_rollup's Pss_* lines in MiB."""
    found = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss"):
            key, value = line.split()[:2]
            found[key.rstrip(":")] = int(value) / 1024
    return found


def ok(env: dict[str, str], *cmd: str) -> bool:
    return subprocess.run(cmd, env=env, capture_output=True, check=False).returncode == 0


def measure(backend: str, args: argparse.Namespace, desk_env: dict[str, str], tmp: Path) -> dict:
    home = tmp / backend
    (home / "run").mkdir(parents=True, mode=0o700)
    env = {
        **desk_env,
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(home / "run"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CONFIG_HOME": str(home / "cfg"),
        "XDG_DATA_HOME": str(home / "data"),
        "POSTURE_GUARD_POLICY": "",
        "PYTHONPATH": str(ROOT),
        "PYSTRAY_BACKEND": backend,
    }
    app = quiet([sys.executable, "-m", "posture_guard", "run"], env)
    bare = quiet([sys.executable, "-c", BARE], env)
    try:
        wait_for(lambda: ok(env, sys.executable, "-m", "posture_guard", "status"), "status")
        wait_for(lambda: bool(tray_icons(env["DISPLAY"])), f"the {backend} icon to dock")
        time.sleep(args.settle)
        if app.poll() is not None:
            raise SystemExit(f"posture-guard ({backend}) exited early")
        known = children(app.pid)
        a0, b0 = per_thread(app.pid), per_thread(bare.pid)
        spawned: set[int] = set()
        deadline = time.monotonic() + args.seconds
        while time.monotonic() < deadline:
            time.sleep(1.0)
            spawned |= children(app.pid) - known
        (a_cpu, a_sw), (b_cpu, b_sw) = (
            growth(a0, per_thread(app.pid)),
            growth(b0, per_thread(bare.pid)),
        )
        threads = len(list(Path(f"/proc/{app.pid}/task").iterdir()))
        result = {
            "pss": pss_kib(app.pid) / 1024,
            "bare_pss": pss_kib(bare.pid) / 1024,
            "cpu": a_cpu,
            "bare_cpu": b_cpu,
            "sw": a_sw,
            "bare_sw": b_sw,
            "spawned": len(spawned),
            "threads": threads,
            "rollup": rollup(app.pid),
            "mappings": pss_by_mapping(app.pid)[: args.detail],
        }
    finally:
        for proc in (app, bare):
            proc.terminate()
            proc.wait(timeout=15)
    wait_for(lambda: not tray_icons(env["DISPLAY"]), "the icon to go")
    result["floor_pss"] = measure_floor(backend, args, env)
    return result


def measure_floor(backend: str, args: argparse.Namespace, env: dict[str, str]) -> float:
    """PSS (MiB) of the toolkit alone (FLOOR), docked and settled as the app was, on its own."""
    floor = quiet([sys.executable, "-c", FLOOR[backend]], env)
    try:
        wait_for(lambda: bool(tray_icons(env["DISPLAY"])), f"the {backend} floor icon to dock")
        time.sleep(args.settle)
        return pss_kib(floor.pid) / 1024
    finally:
        floor.terminate()
        floor.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="idle window per backend")
    parser.add_argument("--settle", type=float, default=10.0, help="wait after the icon docked")
    parser.add_argument(
        "--backend", action="append", choices=("appindicator", "xorg"), help="default: both"
    )
    parser.add_argument(
        "--detail", type=int, default=0, metavar="N", help="also print the N largest mappings"
    )
    args = parser.parse_args()
    backends = args.backend or ["appindicator", "xorg"]
    display, xvfb = start_xvfb()
    procs: list[subprocess.Popen[bytes]] = []
    results = {}
    try:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            (tmp / "home").mkdir()
            bus = tmp / "bus"
            (tmp / "bus.conf").write_text(BUS_CONFIG.format(socket=bus))
            env = {
                k: v
                for k, v in os.environ.items()
                if k not in ("WAYLAND_DISPLAY", "POSTURE_GUARD_IDLE", "PYSTRAY_BACKEND")
            }
            env.update(
                DISPLAY=display,
                DBUS_SESSION_BUS_ADDRESS=f"unix:path={bus}",
                NO_AT_BRIDGE="1",
                HOME=str(tmp / "home"),
            )
            procs.append(
                quiet(["dbus-daemon", "--nofork", f"--config-file={tmp / 'bus.conf'}"], env)
            )
            wait_for(lambda: ok(env, "dbus-send", "--session", "--dest=org.freedesktop.DBus",
                                "/org/freedesktop/DBus", "org.freedesktop.DBus.GetId"), "dbus")  # fmt: skip
            procs.append(quiet(["openbox"], env))
            procs.append(quiet(TRAYER, env))
            wait_for(lambda: ok(env, "xprop", "-root", "_NET_SUPPORTING_WM_CHECK"), "openbox")
            procs.append(quiet(["dunst"], env))
            procs.append(quiet([sys.executable, "-c", GTK_CLIENT], env))
            time.sleep(2)
            for backend in backends:
                results[backend] = measure(backend, args, env, tmp)
    finally:
        for proc in reversed(procs):
            proc.terminate()
            proc.wait(timeout=10)
        xvfb.terminate()
        xvfb.wait(timeout=10)

    per2 = 120.0 / args.seconds
    print(f"bench/footprint.py: `posture-guard run` idle for {args.seconds:.0f} s per tray backend")
    print(
        "  under Xvfb + dbus-daemon + openbox + trayer + dunst, a GTK3 client on the display first,"
    )
    print("  beside a bare sleeping python3 started with it (same interpreter, same window).")
    print("  CPU: schedstat of every thread (ns); switches: voluntary + involuntary over threads;")
    print("  PSS: /proc/PID/smaps_rollup at the end; children: /proc polled every second.")
    for backend, r in results.items():
        cpu2, bare2 = r["cpu"] * per2, r["bare_cpu"] * per2
        swm, bare_swm = r["sw"] * 60 / args.seconds, r["bare_sw"] * 60 / args.seconds
        print(f"\n  {backend}{'':22}{'posture-guard':>16}{'bare python3':>16}{'target':>12}")
        print(
            f"  {'PSS MiB':30}{r['pss']:>16.1f}{r['bare_pss']:>16.1f}{TARGET_PSS_MIB[backend]:>12.0f}"
        )
        print(
            f"  {'CPU s per idle 2 minutes':30}{cpu2:>16.4f}{bare2:>16.4f}{TARGET_CPU_PER_2MIN:>12.2f}"
        )
        print(
            f"  {'context switches / minute':30}{swm:>16.1f}{bare_swm:>16.1f}{TARGET_SWITCHES_PER_MIN:>12}"
        )
        print(f"  {'children spawned while idle':30}{r['spawned']:>16}{'':>16}{0:>12}")
        print(f"  {'threads':30}{r['threads']:>16}")
        print(
            f"  ratios to target: PSS {r['pss'] / TARGET_PSS_MIB[backend]:.2f}x, "
            f"CPU {cpu2 / TARGET_CPU_PER_2MIN:.2f}x, switches {swm / TARGET_SWITCHES_PER_MIN:.2f}x; "
            f"PSS {r['pss'] / r['bare_pss']:.1f}x a bare python3"
        )
        print(
            f"  the toolkit alone ({backend}, FLOOR): {r['floor_pss']:.1f} MiB PSS;"
            f" the app is {r['pss'] - r['floor_pss']:.1f} MiB above it"
        )
        print("  PSS parts (MiB): " + ", ".join(f"{k} {v:.1f}" for k, v in r["rollup"].items()))
        for mib, name in r["mappings"]:
            print(f"    {mib:6.2f}  {name}")


if __name__ == "__main__":
    main()
