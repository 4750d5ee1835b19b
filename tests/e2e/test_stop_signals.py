"""Two stop signals back to back (TERM then HUP, as `timeout` and session managers send them)
stop the service, every time. The handlers once called into the service's queue: a second
handler, run inside the first, waited forever on the lock the first held ("shutting down"
for ever in 14 of 20 tries)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Final

import pytest

from tests.app import App, Output, _outputs, read_until

pytestmark = pytest.mark.e2e

#: 50 runs in all: 30 with HUP second, 10 each with INT and TERM.
RUNS: Final = {signal.SIGHUP: 30, signal.SIGINT: 10, signal.SIGTERM: 10}
BURST = 25


@pytest.mark.parametrize("second", [signal.SIGHUP, signal.SIGINT, signal.SIGTERM])
def test_a_second_stop_signal_right_after_the_first_still_stops_the_service(app: App, second):
    stuck = 0
    for _ in range(RUNS[second]):
        proc = app.start("--headless")
        read_until(proc, "Posture Guard is running", timeout=15)
        proc.send_signal(signal.SIGTERM)
        # the second signal must land while the first handler runs: a short burst of it
        # covers that moment (each one alone is as real as a session manager's)
        for _ in range(BURST):
            proc.send_signal(second)
            time.sleep(0.0002)
        try:
            # 0, or the burst's tail reached it once the service had put Python's own handlers
            # back: killed by it (-N), or for SIGINT a KeyboardInterrupt, which the command
            # line answers with 130 (128 + 2); either way it stopped
            stopped = {0, -second} | ({130} if second == signal.SIGINT else set())
            assert proc.wait(timeout=10) in stopped
        except subprocess.TimeoutExpired:
            stuck += 1
            proc.kill()
            proc.wait(timeout=5)
    assert stuck == 0, f"the service hung after two stop signals in {stuck} tries"


# The service, with the moment a stop holds the command queue's lock widened to half a second,
# so that a second signal surely lands inside the first one's handling: a handler that takes
# that lock would wait for itself for ever.
_SLOW_STOP = """
import sys, time
from posture_guard import cli
from posture_guard.app import service

close = service.Inbox.close

def slow_close(self):
    with self._queue.mutex:
        print("stopping: holding the queue", flush=True)
        time.sleep(0.5)
    close(self)

service.Inbox.close = slow_close
sys.exit(cli.main(sys.argv[1:]))
"""


def test_a_signal_during_the_stop_itself_does_not_deadlock(app: App):
    proc = subprocess.Popen(
        [sys.executable, "-u", "-c", _SLOW_STOP, "--config", str(app.config), "run",
         "--headless"],
        env=app.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    app.processes.append(proc)
    _outputs[proc.pid] = Output(proc)
    read_until(proc, "Posture Guard is running", timeout=15)
    proc.send_signal(signal.SIGTERM)
    read_until(proc, "stopping: holding the queue", timeout=5)
    proc.send_signal(signal.SIGHUP)
    try:
        code = proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
        raise AssertionError("a second signal during the stop deadlocked the service") from None
    assert code == 0
