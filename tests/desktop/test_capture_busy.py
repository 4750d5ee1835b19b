"""Camera and microphone in use: real processes holding files under a fake /dev root.

The adapter reads the real /proc; the device root is passed in, so a process of ours that
opens `<tmp>/dev/video0` looks exactly like a video call holding the camera.
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
from tests.app import stop_process

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


def test_capture_source_asks_pactl_for_recording_streams(dev: Path, tmp_path: Path) -> None:
    # Protects: where a sound server runs, a recording stream counts as a microphone in use;
    # `pactl` is run only when it was found. (A stand-in script prints what pactl prints.)
    listing = tmp_path / "listing"
    pactl = tmp_path / "pactl"
    pactl.write_text(f'#!/bin/sh\n[ "$*" = "list short source-outputs" ] && cat {listing}\n')
    pactl.chmod(0o755)
    source = CaptureDeviceSource(Path("/proc"), dev, str(pactl))
    listing.write_text("")
    assert source.busy_reason() is None
    listing.write_text("42\t57\t91\tprotocol-native.c\tfloat32le 1ch 48000Hz\n")
    assert source.busy_reason() == "microphone in use"
    assert source.via == "/proc/*/fd + pactl"


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


def test_recording_streams_counts_listed_lines() -> None:
    assert recording_streams("") == 0
    assert recording_streams("\n") == 0
    assert recording_streams("1\t2\t3\tx\ty\n7\t2\t3\tx\ty\n") == 2
