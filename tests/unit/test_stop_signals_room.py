"""StopSignals: real signals to this process become one `on_stop` call on the signals thread;
closing puts the previous handlers back (a late signal must never write into a reused fd)."""

from __future__ import annotations

import os
import signal
import threading

from posture_guard.desktop.signals import StopSignals


def test_two_signals_give_one_stop_and_close_restores_the_handlers():
    before = {n: signal.getsignal(n) for n in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)}
    stopped: list[int] = []
    called = threading.Event()

    def on_stop(signum: int) -> None:
        stopped.append(signum)
        called.set()

    signals = StopSignals(on_stop)
    signals.install()
    try:
        os.kill(os.getpid(), signal.SIGHUP)
        os.kill(os.getpid(), signal.SIGTERM)
        assert called.wait(5)
    finally:
        signals.close()
    assert stopped == [signal.SIGHUP]
    assert {n: signal.getsignal(n) for n in before} == before


def test_a_handler_run_after_close_writes_nothing():
    signals = StopSignals(lambda _signum: None)
    signals.install()
    handler = signal.getsignal(signal.SIGTERM)
    signals.close()
    read_fd, write_fd = os.pipe()  # likely takes the numbers the closed pipe had
    try:
        assert callable(handler)
        handler(signal.SIGTERM, None)  # a signal that was already on its way
        os.set_blocking(read_fd, False)
        try:
            leaked = os.read(read_fd, 1)
        except BlockingIOError:
            leaked = b""
        assert leaked == b""
    finally:
        os.close(read_fd)
        os.close(write_fd)
