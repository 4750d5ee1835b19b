"""Busy during a meeting: a camera or microphone is in use (Linux).

Two ways to see it:
1. a process holds a capture device open: a camera (`<dev>/video*`) or an ALSA capture PCM
   (`<dev>/snd/pcmC*D*c`), found by reading the links in `<proc>/*/fd`. Only processes we may
   inspect are seen (our own user's, which is where a video call runs);
2. where PulseAudio or PipeWire's pulse server runs and `pactl` is installed, a recording
   stream (`pactl list short source-outputs`), which also covers apps that reach the
   microphone through the sound server rather than the device. A stream that records a sink's
   monitor (`pactl list short sources`: its name ends in ".monitor") is desktop audio, as a
   screen recorder or a volume meter takes it, not a microphone: it does not count.

The roots are parameters so tests can pass a fake /dev with a real process holding a file.
The service asks busy sources only while a break is due, so the scan and `pactl` run then,
not every few seconds of a working day.

Threading: used only by the service's worker thread.
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
from pathlib import Path
from typing import Final

from posture_guard.core.errors import BusySourceUnavailable
from posture_guard.core.i18n import _

#: How long `pactl` may take before the answer counts as "cannot tell".
PACTL_TIMEOUT_S: Final = 1.0


def capture_kind(target: str, dev_root: str) -> str | None:
    """ "camera" or "microphone" when a file descriptor's link target is a capture device.

    Args:
        target: what `<proc>/<pid>/fd/<n>` points to, e.g. "/dev/video0".
        dev_root: the device directory, normally "/dev".
    """
    root = dev_root.rstrip("/") + "/"
    if not target.startswith(root):
        return None
    rest = target[len(root) :]
    if fnmatch.fnmatchcase(rest, "video[0-9]*"):
        return "camera"
    if fnmatch.fnmatchcase(rest, "snd/pcmC[0-9]*D[0-9]*c"):
        return "microphone"
    return None


def recording_streams(source_outputs: str, sources: str = "") -> int:
    """How many recording streams `pactl list short source-outputs` lists that record from a
    source other than a monitor (`sources`: what `pactl list short sources` lists)."""
    monitors = {
        columns[0].strip()
        for columns in (line.split("\t") for line in sources.splitlines())
        if len(columns) > 1 and columns[1].strip().endswith(".monitor")
    }
    return sum(
        1
        for columns in (line.split("\t") for line in source_outputs.splitlines() if line.strip())
        if len(columns) < 2 or columns[1].strip() not in monitors
    )


class CaptureDeviceSource:
    """Says "camera in use (zoom)" / "microphone in use (...)" while one is being captured."""

    #: A short name for logs and `doctor`.
    name: str = "camera-microphone"

    def __init__(
        self,
        proc_root: Path = Path("/proc"),
        dev_root: Path = Path("/dev"),
        pactl: str | None = None,
    ) -> None:
        """Check that `proc_root` can be read.

        Args:
            pactl: the path of `pactl` to ask for recording streams, or None not to ask.

        Raises:
            BusySourceUnavailable: `proc_root` is not a readable process table.
        """
        if not (proc_root / "self" / "fd").is_dir():
            # Translators: {path} is a folder ("/proc")
            raise BusySourceUnavailable(
                _("{path} has no process table to look at").format(path=proc_root)
            )
        self._proc = proc_root
        self._dev = str(dev_root)
        self._pactl = pactl
        #: How it tells, for `doctor`.
        self.via = f"{proc_root}/*/fd" + (" + pactl" if pactl else "")

    def busy_reason(self) -> str | None:
        """The first capture in use, e.g. "camera in use (zoom)", or None. Never raises."""
        found = self._scan()
        if found is not None:
            kind, program = found
            return f"{kind} in use ({program})"
        if self._pactl is not None and self._pactl_recording():
            return "microphone in use"
        return None

    def close(self) -> None:
        """Nothing to release."""

    def _scan(self) -> tuple[str, str] | None:
        me = str(os.getpid())
        try:
            entries = list(os.scandir(self._proc))
        except OSError:
            return None
        for entry in entries:
            if not entry.name.isdigit() or entry.name == me:
                continue
            fd_dir = os.path.join(entry.path, "fd")
            try:
                fds = os.listdir(fd_dir)
            except OSError:  # gone, or not ours to read
                continue
            for fd in fds:
                try:
                    target = os.readlink(os.path.join(fd_dir, fd))
                except OSError:
                    continue
                kind = capture_kind(target, self._dev)
                if kind is not None:
                    return kind, _program(entry.path)
        return None

    def _pactl_recording(self) -> bool:
        streams = self._pactl_list("source-outputs")
        if not streams.strip():
            return False
        return recording_streams(streams, self._pactl_list("sources")) > 0

    def _pactl_list(self, what: str) -> str:
        """`pactl list short WHAT`'s output; "" when it failed or took too long."""
        assert self._pactl is not None
        try:
            done = subprocess.run(
                [self._pactl, "list", "short", what],
                capture_output=True,
                text=True,
                timeout=PACTL_TIMEOUT_S,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout if done.returncode == 0 else ""


def _program(proc_dir: str) -> str:
    try:
        with open(os.path.join(proc_dir, "comm"), encoding="utf-8", errors="replace") as file:
            return file.read().strip() or "?"
    except OSError:
        return "?"
