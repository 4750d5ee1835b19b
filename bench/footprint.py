"""What does the running tray app cost while idle? Per tray backend, beside a bare python3.

How it is measured (one run, everything private and torn down at the end):
- a desktop as in tests/desktop: Xvfb (-displayfd), a private session dbus-daemon, openbox,
  trayer and dunst; then a GTK3 client (a small Gtk.Window in another process) opens the display
  first, as the panel and apps on a real desktop do, so shared GTK pages are shared as there;
- for each backend (sni, xorg, appindicator): `posture-guard run` with POSTURE_GUARD_TRAY
  pinned, the X11 idle source and the default break plan (20 min is never reached), until its
  icon is docked (sni: registered with a stand-in StatusNotifierWatcher that reads its
  properties and menu as a host does, tests/desktop/sniwatcher.py, started for that row only)
  and it has settled (--settle, default 10 s); and a bare `python3 -c 'time.sleep(...)'`
  started at the same time; then, on its own, the toolkit alone (FLOOR: the same tray backend
  with a menu and nothing else, docked and settled the same way);
- then Workrave (Debian's package, where installed) on the same desktop, measured the same way
  (its whole process tree's PSS): the peer the issue compares against, in the same run;
- over the idle window (--seconds, default 120): CPU seconds (schedstat of every thread, ns),
  context switches (voluntary + involuntary, summed over the threads alive at the end; GLib's
  pool threads come and go), PSS at the end
  (/proc/PID/smaps_rollup), and the set of child processes, polled every second (any new one
  counts as spawned while idle).
Prints the figures, the per-2-minute / per-minute rates, and the ratios to the targets: PSS under
31 MiB with appindicator, under 20 MiB on xorg and sni (and sni at or below Workrave's), under
0.02 s CPU per idle 2 minutes, under 60 context switches a minute, no child processes while
idle.

Run: `.venv/bin/python bench/footprint.py [--seconds S] [--settle S] [--backend NAME]
[--detail N]` (needs Xvfb, dbus-daemon, openbox, trayer, dunst and xprop on the PATH).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(Path(__file__).resolve().parent), str(ROOT)]

from idle import pss_kib, start_xvfb  # noqa: E402

from tests.desktop.traydesk import tray_icons  # noqa: E402

TARGET_PSS_MIB = {"sni": 20.0, "appindicator": 31.0, "xorg": 20.0}
BACKENDS = ("sni", "xorg", "appindicator")
WATCHER = "org.kde.StatusNotifierWatcher"
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
    "sni": (
        "import jeepney, os, signal; from jeepney.io.threading import open_dbus_connection;"
        " from jeepney import message_bus; c = open_dbus_connection(bus='SESSION');"
        " n = f'org.kde.StatusNotifierItem-{os.getpid()}-1';"
        " c.send(message_bus.RequestName(n)); a = jeepney.DBusAddress('/StatusNotifierWatcher',"
        " 'org.kde.StatusNotifierWatcher', 'org.kde.StatusNotifierWatcher');"
        " c.send(jeepney.new_method_call(a, 'RegisterStatusNotifierItem', 's', (n,)));"
        " signal.pause()"
    ),
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
        "POSTURE_GUARD_TRAY": backend,
    }
    host = (
        quiet([sys.executable, "-m", "tests.desktop.sniwatcher"], env) if backend == "sni" else None
    )
    if host is not None:
        wait_for(lambda: owned(env, WATCHER), "the stand-in StatusNotifierWatcher")
    app = quiet([sys.executable, "-m", "posture_guard", "run"], env)
    bare = quiet([sys.executable, "-c", BARE], env)
    try:
        wait_for(lambda: ok(env, sys.executable, "-m", "posture_guard", "status"), "status")
        wait_for(lambda: docked(backend, env), f"the {backend} icon to dock")
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
    try:
        wait_for(lambda: not docked(backend, env), "the icon to go")
        result["floor_pss"] = measure_floor(backend, args, env)
    finally:
        if host is not None:
            host.terminate()
            host.wait(timeout=15)
    return result


def owned(env: dict[str, str], name: str) -> bool:
    done = subprocess.run(
        ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
         "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", f"string:{name}"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    return "boolean true" in done.stdout


def docked(backend: str, env: dict[str, str]) -> bool:
    """The icon is shown: docked in trayer (XEmbed) or, for sni, an item registered with the
    watcher whose owner is alive."""
    if backend != "sni":
        return bool(tray_icons(env["DISPLAY"]))
    done = subprocess.run(
        ["dbus-send", "--session", "--print-reply", f"--dest={WATCHER}", "/StatusNotifierWatcher",
         "org.freedesktop.DBus.Properties.Get", f"string:{WATCHER}",
         "string:RegisteredStatusNotifierItems"],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    names = [w.strip('"') for w in done.stdout.split() if "StatusNotifierItem-" in w]
    return any(owned(env, n) for n in names)


def tree(pid: int) -> list[int]:
    """`pid` and its descendants."""
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += sorted(children(p))
    return found


def measure_workrave(args: argparse.Namespace, desk_env: dict[str, str], tmp: Path) -> dict | None:
    """Workrave on the same desktop, measured as the app was (its process tree); None when it
    is not installed."""
    if shutil.which("workrave") is None:
        return None
    home = tmp / "workrave"
    (home / "run").mkdir(parents=True, mode=0o700)
    env = {**desk_env, "HOME": str(home), "XDG_RUNTIME_DIR": str(home / "run"),
           "XDG_CONFIG_HOME": str(home / "cfg")}  # fmt: skip
    proc = quiet(["workrave"], env)
    try:
        time.sleep(args.settle + 5)  # no status to ask: a fixed start-up allowance
        if proc.poll() is not None:
            raise SystemExit("workrave exited early")
        pids = tree(proc.pid)
        before = {p: per_thread(p) for p in pids}
        time.sleep(args.seconds)
        cpu = sw = 0.0
        for p in pids:
            c, w = growth(before[p], per_thread(p))
            cpu, sw = cpu + c, sw + w
        return {"pss": sum(pss_kib(p) for p in tree(proc.pid)) / 1024, "cpu": cpu, "sw": sw,
                "processes": len(pids)}  # fmt: skip
    finally:
        for p in reversed(tree(proc.pid)):
            with contextlib.suppress(ProcessLookupError):
                os.kill(p, 15)
        proc.wait(timeout=15)


#: Starts of the floor before giving up. Bare pystray (xorg) sends its one XEmbed dock request
#: when the icon is shown and never again, so a request the tray drops (trayer still busy
#: removing the app's icon) leaves it undocked for ever; the app re-sends, the floor cannot.
FLOOR_TRIES = 3


def measure_floor(backend: str, args: argparse.Namespace, env: dict[str, str]) -> float:
    """PSS (MiB) of the toolkit alone (FLOOR), docked and settled as the app was, on its own."""
    attempt = 0
    while True:
        attempt += 1
        wait_for(lambda: not docked(backend, env), "the last icon to go")
        floor = quiet([sys.executable, "-c", FLOOR[backend]], env)
        try:
            deadline = time.monotonic() + 15.0
            while not docked(backend, env) and time.monotonic() < deadline:
                time.sleep(0.05)
            if docked(backend, env):
                time.sleep(args.settle)
                return pss_kib(floor.pid) / 1024
            if attempt == FLOOR_TRIES:
                raise SystemExit(
                    f"bench/footprint.py: the {backend} floor icon did not dock in {attempt} starts"
                )
        finally:
            floor.terminate()
            floor.wait(timeout=15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="idle window per backend")
    parser.add_argument("--settle", type=float, default=10.0, help="wait after the icon docked")
    parser.add_argument("--backend", action="append", choices=BACKENDS, help="default: all three")
    parser.add_argument("--no-workrave", action="store_true", help="skip Workrave's row")
    parser.add_argument(
        "--detail", type=int, default=0, metavar="N", help="also print the N largest mappings"
    )
    args = parser.parse_args()
    backends = args.backend or list(BACKENDS)
    workrave = None
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
                if k
                not in (
                    "WAYLAND_DISPLAY",
                    "POSTURE_GUARD_IDLE",
                    "PYSTRAY_BACKEND",
                    "POSTURE_GUARD_TRAY",
                )
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
            if not args.no_workrave:
                workrave = measure_workrave(args, env, tmp)
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
    if workrave is not None:
        cpu2, swm = workrave["cpu"] * per2, workrave["sw"] * 60 / args.seconds
        print(
            f"\n  workrave (Debian's, {workrave['processes']} processes, same desktop and window)"
        )
        print(f"  {'PSS MiB':30}{workrave['pss']:>16.1f}")
        print(f"  {'CPU s per idle 2 minutes':30}{cpu2:>16.4f}")
        print(f"  {'context switches / minute':30}{swm:>16.1f}")
        if "sni" in results:
            sni = results["sni"]["pss"]
            verdict = "at or below" if sni <= workrave["pss"] else "ABOVE"
            print(f"  sni tray: {sni:.1f} MiB PSS, {verdict} Workrave's {workrave['pss']:.1f} MiB")
    elif not args.no_workrave:
        print("\n  workrave: not installed (apt-get install workrave), no row")


if __name__ == "__main__":
    main()
