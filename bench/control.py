"""How long does `status` take on the control channel, alone, beside idle clients and under load?

Starts the real service (a fake clock and idle source: nothing falls due) behind the real control
server in a private folder, and measures the round trip of `control.request(Status())` (connect,
ask, answer, close) in three settings: no other client; 20 idle clients connected that send
nothing (a hung client, a port scanner); 200 clients asking at once from 200 threads. Beside each
it measures, in the same process and the same way, a reference: a trivial echo server on a Unix
socket (one thread per connection, reads a line and writes it back), so the figures say what the
service adds over the bare socket round trip on this machine. Prints p50 and p99 in ms for both,
and how many calls failed (must be 0; the echo's in brackets).

Run: `.venv/bin/python bench/control.py [--calls N] [--parallel N] [--idle N]`
(defaults: 300 sequential calls, 200 parallel, 20 idle).
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from posture_guard.app import control
from posture_guard.app.service import Service
from posture_guard.core import config
from posture_guard.core.commands import Status
from posture_guard.core.errors import ControlError
from posture_guard.testing import FakeClock, RecordingNotifier, ScriptedIdleSource

Call = Callable[[], bool]


@contextlib.contextmanager
def served(folder: Path) -> Iterator[Path]:
    """The real service behind the real control socket in `folder`; yields the socket's path."""
    clock = FakeClock(datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin")))
    service = Service(config.defaults(), clock, ScriptedIdleSource([0.0]), RecordingNotifier())
    server = control.ControlServer(folder / "control.sock", service.submit)
    worker = threading.Thread(target=service.run, daemon=True)
    server.start()
    worker.start()
    try:
        yield server.path
    finally:
        service.stop()
        worker.join(5)
        server.close()


@contextlib.contextmanager
def echo_served(folder: Path) -> Iterator[Path]:
    """The reference: a Unix-socket server that writes back the line it reads, one thread per
    connection (as the control server answers)."""
    path = folder / "echo.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(256)
    closing = threading.Event()

    def answer(conn: socket.socket) -> None:
        with conn:
            conn.settimeout(2.0)
            data = b""
            with contextlib.suppress(OSError):
                while not data.endswith(b"\n"):
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                conn.sendall(data)

    def accept() -> None:
        while not closing.is_set():
            try:
                conn, _address = listener.accept()
            except OSError:
                return
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield path
    finally:
        closing.set()
        listener.shutdown(socket.SHUT_RDWR)
        listener.close()
        thread.join(2)


def status_call(path: Path) -> Call:
    def call() -> bool:
        try:
            return control.request(path, Status(), timeout=30)["ok"] is True
        except ControlError:
            return False

    return call


def echo_call(path: Path) -> Call:
    line = b'{"command": "status"}\n'

    def call() -> bool:
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                sock.settimeout(30)
                sock.connect(str(path))
                sock.sendall(line)
                data = b""
                while not data.endswith(b"\n"):
                    chunk = sock.recv(65536)
                    if not chunk:
                        return False
                    data += chunk
                return data == line
        except OSError:
            return False

    return call


def timed(call: Call) -> tuple[float, bool]:
    started = time.perf_counter()
    ok = call()
    return (time.perf_counter() - started) * 1000, ok


def sequential(call: Call, count: int) -> tuple[list[float], int]:
    results = [timed(call) for _ in range(count)]
    return [ms for ms, _ok in results], sum(not ok for _ms, ok in results)


def parallel(call: Call, count: int) -> tuple[list[float], int]:
    """`count` calls at once, each from its own thread, released together."""
    start = threading.Barrier(count)

    def one(_: int) -> tuple[float, bool]:
        start.wait()
        return timed(call)

    with ThreadPoolExecutor(max_workers=count) as pool:
        results = list(pool.map(one, range(count)))
    return [ms for ms, _ok in results], sum(not ok for _ms, ok in results)


@contextlib.contextmanager
def idle_clients(path: Path, count: int) -> Iterator[None]:
    """`count` connections that send nothing while the block runs."""
    idle = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(str(path))
            idle.append(sock)
        yield
    finally:
        for sock in idle:
            sock.close()


def percentile(values: list[float], p: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def line(label: str, measured: tuple[list[float], int], reference: tuple[list[float], int]) -> str:
    (ms, failed), (ref, ref_failed) = measured, reference
    return (
        f"{label:<22} status p50 {percentile(ms, 50):7.2f} ms  p99 {percentile(ms, 99):7.2f} ms"
        f"   echo p50 {percentile(ref, 50):7.2f} ms  p99 {percentile(ref, 99):7.2f} ms"
        f"   failed {failed} (echo {ref_failed})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="sequential calls per setting")
    parser.add_argument("--parallel", type=int, default=200, help="clients asking at once")
    parser.add_argument("--idle", type=int, default=20, help="idle clients connected")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pg-control-bench-") as tmp:
        folder = Path(tmp)
        folder.chmod(0o700)
        with served(folder) as path, echo_served(folder) as echo:
            status, reference = status_call(path), echo_call(echo)
            for warm in (status, reference):  # imports, first thread starts
                sequential(warm, 5)
            print(f"control channel round trips on this machine ({sys.platform}):")
            print(line("0 other clients", sequential(status, args.calls),
                       sequential(reference, args.calls)))  # fmt: skip
            with idle_clients(path, args.idle), idle_clients(echo, args.idle):
                label = f"{args.idle} idle clients"
                print(line(label, sequential(status, args.calls),
                           sequential(reference, args.calls)))  # fmt: skip
            print(line(f"{args.parallel} parallel clients", parallel(status, args.parallel),
                       parallel(reference, args.parallel)))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
