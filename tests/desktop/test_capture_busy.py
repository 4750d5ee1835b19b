"""Camera and microphone in use: real processes holding files under a fake /dev root.

The adapter reads the real /proc; the device root is passed in, so a process of ours that
opens `<tmp>/dev/video0` looks exactly like a video call holding the camera. Recording streams
are asked of a real, private PulseAudio (the `sound_server` fixture).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from posture_guard.core.errors import BusySourceUnavailable
from posture_guard.desktop.busy.media import CaptureDeviceSource, capture_kind, recording_streams
from posture_guard.desktop.programs import which
from tests.app import stop_process
from tests.desktop.conftest import SoundServer, wait_until

HOLDER = (
    "import sys, time; f = open(sys.argv[1], 'rb'); print('HOLDING', flush=True); time.sleep(60)"
)


@pytest.fixture
def dev(tmp_path: Path) -> Path:
    root = tmp_path / "dev"
    (root / "snd").mkdir(parents=True)
    for name in ("video0", "snd/pcmC0D0c", "snd/pcmC0D0p", "null0"):
        (root / name).write_bytes(b"")
    return root


@contextmanager
def holding(path: Path) -> Iterator[subprocess.Popen[str]]:
    """A real process that keeps `path` open until the block ends."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "HOLDING"
        yield proc
    finally:
        stop_process(proc)
        assert proc.stdout is not None
        proc.stdout.close()


def comm(proc: subprocess.Popen[str]) -> str:
    return Path(f"/proc/{proc.pid}/comm").read_text().strip()


def test_camera_in_use_while_a_process_holds_a_video_device(dev: Path) -> None:
    source = CaptureDeviceSource(Path("/proc"), dev)
    assert source.busy_reason() is None
    with holding(dev / "video0") as proc:
        assert source.busy_reason() == f"camera in use ({comm(proc)})"
    assert source.busy_reason() is None  # the call ended


def test_microphone_in_use_only_for_a_capture_pcm(dev: Path) -> None:
    # Protects: ALSA capture devices (…c) count, playback (…p) and other files do not.
    source = CaptureDeviceSource(Path("/proc"), dev)
    with holding(dev / "snd" / "pcmC0D0p"), holding(dev / "null0"):
        assert source.busy_reason() is None
    with holding(dev / "snd" / "pcmC0D0c") as proc:
        assert source.busy_reason() == f"microphone in use ({comm(proc)})"


def test_capture_source_counts_a_microphone_stream_on_the_sound_server_not_a_monitor(
    dev: Path, sound_server: SoundServer, tmp_path: Path
) -> None:
    # Protects: on a real sound server a stream recording a microphone makes the desktop busy
    # ("microphone in use"), while one recording a sink's monitor (desktop audio: a screen
    # recorder, a volume meter) does not; `pactl` is asked only when it was found.
    pactl = which("pactl")
    assert pactl is not None, "tests/run.sh installs pulseaudio-utils"
    assert CaptureDeviceSource(Path("/proc"), dev).via == "/proc/*/fd"
    source = CaptureDeviceSource(Path("/proc"), dev, pactl)
    assert source.via == "/proc/*/fd + pactl"
    assert source.busy_reason() is None
    with recording_from(sound_server, sound_server.monitor, tmp_path / "desktop.wav"):
        assert source.busy_reason() is None
    sound_server.pactl("load-module", "module-null-source", "source_name=mic")
    with recording_from(sound_server, "mic", tmp_path / "mic.wav"):
        assert source.busy_reason() == "microphone in use"
    wait_until(lambda: source.busy_reason() is None, "the microphone stream to end")


@contextmanager
def recording_from(server: SoundServer, device: str, path: Path) -> Iterator[None]:
    """`parecord` from `device` on `server` while the block runs (once the server lists it)."""
    proc = subprocess.Popen(
        ["parecord", f"--device={device}", str(path)],
        env=server.env, stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until(
            lambda: server.pactl("list", "short", "source-outputs").strip(), "parecord to record"
        )
        yield
    finally:
        stop_process(proc)


def test_capture_source_without_a_process_table_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(
        BusySourceUnavailable, match=rf"^{tmp_path} has no process table to look at$"
    ):
        CaptureDeviceSource(tmp_path, tmp_path / "dev")


@pytest.mark.parametrize(
    ("target", "kind"),
    [
        ("/dev/video0", "camera"),
        ("/dev/video12", "camera"),
        ("/dev/snd/pcmC1D0c", "microphone"),
        ("/dev/snd/pcmC0D0p", None),
        ("/dev/snd/controlC0", None),
        ("/dev/videofoo", None),
        ("/home/me/video0", None),
        ("socket:[1234]", None),
    ],
)
def test_capture_kind_of_a_link_target(target: str, kind: str | None) -> None:
    assert capture_kind(target, "/dev") == kind


def test_recording_streams_counts_listed_lines_except_those_from_a_monitor() -> None:
    # Protects: every listed stream counts unless its source (2nd column) is a sink's monitor.
    assert recording_streams("") == 0
    assert recording_streams("\n") == 0
    assert recording_streams("1\t2\t3\tx\ty\n7\t2\t3\tx\ty\n") == 2
    sources = "0\tbreaks.monitor\tmodule-null-sink.c\ts16le\tIDLE\n2\tmic\tm.c\ts16le\tIDLE\n"
    assert recording_streams("1\t0\t3\tx\ty\n", sources) == 0
    assert recording_streams("1\t0\t3\tx\ty\n7\t2\t3\tx\ty\n", sources) == 1
