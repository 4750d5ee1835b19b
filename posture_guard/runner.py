"""`posture-guard run`: wires the service to the real clock, idle source, notifier and socket."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from types import FrameType

from posture_guard import config
from posture_guard.control import ControlServer
from posture_guard.desktop.busy import select_busy_source
from posture_guard.desktop.clock import SystemClock
from posture_guard.desktop.display import display_available
from posture_guard.desktop.idle import select_idle_source
from posture_guard.desktop.instance import InstanceLock
from posture_guard.desktop.notify import select_notifier
from posture_guard.errors import PostureGuardError, StoreError
from posture_guard.logs import setup_logging
from posture_guard.paths import Paths, ensure_private_dir
from posture_guard.service import Service
from posture_guard.store import Store
from posture_guard.units import format_duration

log = logging.getLogger(__name__)

_STOP_SIGNALS = ("SIGTERM", "SIGINT", "SIGHUP")


def run_service(paths: Paths, *, headless: bool, verbose: bool) -> int:
    """Start the service and block until it stops; returns the exit code.

    Raises:
        PostureGuardError: a setup problem a person can act on (a file or folder in the way).
    """
    loaded = config.load(paths.user_config, paths.policy)
    for problem in loaded.problems:
        print(problem.message, file=sys.stderr)
    if loaded.errors:
        print(
            "posture-guard: not started; fix the settings above (`posture-guard config check`).",
            file=sys.stderr,
        )
        return 2
    try:
        ensure_private_dir(paths.runtime_dir)
        lock = InstanceLock(paths.instance_lock)
        if not lock.acquire():
            pid = lock.holder_pid()
            print(
                f"Posture Guard is already running{f' (pid {pid})' if pid else ''}.",
                file=sys.stderr,
            )
            return 1
        try:
            setup_logging(paths.log_file, verbose=verbose)
            try:
                store = Store.open(paths.database)
            except StoreError as exc:  # e.g. a database from a newer version: one line, no trace
                log.error("not started: %s", exc)
                print(f"posture-guard: {exc}", file=sys.stderr)
                return 1
            with store:
                return _serve(paths, loaded.settings, store, headless=headless)
        finally:
            lock.release()
    except OSError as exc:  # a file or folder in the way: say which, without a traceback
        where = exc.filename or paths.runtime_dir
        raise PostureGuardError(f"{where}: {exc.strerror or exc}") from None


def _serve(paths: Paths, settings: config.Settings, store: Store, *, headless: bool) -> int:
    if not headless and not display_available():
        print("No display found: running headless. Break prompts appear here in the terminal.")
    idle, idle_reasons = select_idle_source()
    notifier, notify_reasons = select_notifier()
    busy, busy_reasons = select_busy_source()
    for reason in idle_reasons + notify_reasons + busy_reasons:
        log.info("not used: %s", reason)
    log.info("busy sources: %s", busy.name)
    service = Service(settings, SystemClock(), idle, notifier, store=store, busy=busy)

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: stopping", signum)
        service.stop()

    for name in _STOP_SIGNALS:
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), on_signal)
    server = ControlServer(paths.socket, service.submit)
    worker = threading.Thread(target=service.run, name="posture-guard-service")
    server.start()
    try:
        worker.start()
        plan = ", ".join(
            f"{b.title.lower()} every {format_duration(b.every_s)}" for b in settings.timer.breaks
        )
        print(
            f"Posture Guard is running (pid {os.getpid()}; idle source: {idle.name}; "
            f"notifications: {notifier.name}).\nBreaks: {plan or 'all turned off'}.\n"
            "Control it with `posture-guard status | snooze | skip | pause | resume | break-now | quit`.",
            flush=True,
        )
        worker.join()
    finally:
        server.close()
    if not service.stopped_cleanly:
        print(
            "posture-guard: the service stopped on an internal error; see the log file.",
            file=sys.stderr,
        )
        return 1
    return 0
