"""The break's sounds on a real sound server: a private PulseAudio with a null sink, its
monitor recorded with parecord while the service plays a break's start and end."""

from __future__ import annotations

import array
import math
import subprocess
import threading
import time
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from posture_guard.app.service import Service
from posture_guard.core import config
from posture_guard.core.commands import BreakNow, Status
from posture_guard.core.cues import Cue
from posture_guard.desktop.programs import which
from posture_guard.desktop.sound import PlayerChime, select_chime
from posture_guard.testing import FakeClock, RecordingNotifier, ScriptedIdleSource
from tests.app import stop_process
from tests.desktop.conftest import SoundServer, wait_until

pytestmark = pytest.mark.desktop

START = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Europe/Berlin"))
#: RMS (of 16-bit samples) above which a recording is a sound, not silence. The null sink's
#: silence records as exact zeros; our soft tone and the theme's sounds are in the hundreds.
SILENCE_RMS = 20.0


def rms(path: Path) -> float:
    with wave.open(str(path)) as reader:
        assert reader.getsampwidth() == 2
        samples = array.array("h", reader.readframes(reader.getnframes()))
    return math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0


@contextmanager
def recording(server: SoundServer, path: Path) -> Iterator[None]:
    """Record the null sink's monitor into `path` (WAV, mono) while the block runs.

    A low latency: with parecord's default the server hands over audio in fragments of
    about 2 s, and what is still in a fragment when parecord stops is lost (a 1 s sound after
    a fresh start recorded as silence).
    """
    proc = subprocess.Popen(
        ["parecord", f"--device={server.monitor}", "--file-format=wav", "--channels=1",
         "--rate=22050", "--format=s16le", "--latency-msec=20", str(path)],
        env=server.env, stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until(
            lambda: server.pactl("list", "short", "source-outputs").strip(), "parecord to record"
        )
        yield
        time.sleep(0.2)  # the sound's last fragment reaches parecord
    finally:
        proc.send_signal(2)  # SIGINT: parecord finishes the WAV header
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            stop_process(proc)


class SinkInputs:
    """Counts the playback streams the server creates (`pactl subscribe`)."""

    def __init__(self, server: SoundServer) -> None:
        self.lines: list[str] = []
        self._proc = subprocess.Popen(
            ["pactl", "subscribe"], env=server.env, stdout=subprocess.PIPE, text=True
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        try:
            self._wait_live(server)
        except BaseException:
            self.close()
            raise

    def _wait_live(self, server: SoundServer) -> None:
        """Nudge the sink's volume until its change event arrives: from then on, nothing is
        missed (a subscription that has not connected yet would miss the test's first change)."""
        deadline = time.monotonic() + 10
        step = 0
        while not any("'change' on sink #" in line for line in self.lines):
            if time.monotonic() > deadline:
                pytest.fail("timed out after 10 s waiting for pactl subscribe")
            server.pactl("set-sink-volume", "@DEFAULT_SINK@", f"{99 + step % 2}%")
            step += 1
            time.sleep(0.1)
        server.pactl("set-sink-volume", "@DEFAULT_SINK@", "100%")

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            self.lines.append(line)

    @property
    def new(self) -> int:
        return sum("'new' on sink-input" in line for line in self.lines)

    def close(self) -> None:
        stop_process(self._proc)
        self._reader.join(5)
        assert self._proc.stdout is not None
        self._proc.stdout.close()


def service_with(chime: PlayerChime, clock: FakeClock) -> tuple[Service, threading.Thread]:
    service = Service(
        replace(config.defaults(), sound=True),
        clock,
        ScriptedIdleSource([0.0]),
        RecordingNotifier(),
        chime=chime,
    )
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    service.submit(Status())
    return service, thread


@pytest.fixture
def players() -> dict[str, str]:
    found = {name: which(name) for name in ("paplay", "parecord", "pactl")}
    missing = [name for name, path in found.items() if path is None]
    assert not missing, f"tests/run.sh installs pulseaudio-utils; missing: {missing}"
    return {name: path for name, path in found.items() if path is not None}


@pytest.mark.parametrize("themed", [True, False], ids=["sound-theme", "own-tone"])
def test_sound_break_start_and_end_are_heard_on_the_sound_server(
    sound_server: SoundServer, players: dict[str, str], tmp_path: Path, themed: bool
) -> None:
    # Protects: a break taken sounds at its start and when its time is up, on a real sound
    # server: both recordings from the sink's monitor are sound, not silence. With the
    # freedesktop theme installed its sounds play; without any theme, our own tone does.
    data_dirs = [Path("/usr/share")] if themed else [tmp_path / "no-themes"]
    chime = PlayerChime(
        players["paplay"], sounds_dir=tmp_path / "sounds", data_dirs=data_dirs,
        pactl=players["pactl"],
    )  # fmt: skip
    if themed:
        found = chime.theme_file(Cue.BREAK_END)
        assert found is not None
        assert found.name == "complete.oga"
    else:
        assert chime.theme_file(Cue.BREAK_END) is None
    assert chime.muted() is False
    clock = FakeClock(START)
    service, thread = service_with(chime, clock)
    start_wav, end_wav = tmp_path / "start.wav", tmp_path / "end.wav"
    try:
        with recording(sound_server, start_wav):
            service.submit(BreakNow(kind="posture"))
            chime.wait(10)
        with recording(sound_server, end_wav):
            for _ in range(21):  # the 20 s break's time runs out
                clock.advance(1)
                service.submit(Status())
            chime.wait(10)
    finally:
        service.stop()
        thread.join(5)
    assert rms(start_wav) > SILENCE_RMS, "the start sound was not heard"
    assert rms(end_wav) > SILENCE_RMS, "the end sound was not heard"


def test_sound_muted_sink_plays_nothing(
    sound_server: SoundServer, players: dict[str, str], tmp_path: Path
) -> None:
    # Protects: with the desktop's output muted the chime says so and the service starts no
    # playback stream at all (the server sees no new sink input); unmuted, the same break does.
    chime = PlayerChime(
        players["paplay"], sounds_dir=tmp_path / "sounds", data_dirs=[Path("/usr/share")],
        pactl=players["pactl"],
    )  # fmt: skip
    streams = SinkInputs(sound_server)  # live once it returns
    try:
        sound_server.pactl("set-sink-mute", "@DEFAULT_SINK@", "1")
        assert chime.muted() is True
    except BaseException:
        streams.close()
        raise
    clock = FakeClock(START)
    service, thread = service_with(chime, clock)
    try:
        service.submit(BreakNow(kind="posture"))
        for _ in range(21):
            clock.advance(1)
            service.submit(Status())
        chime.wait(10)
        assert streams.new == 0
        sound_server.pactl("set-sink-mute", "@DEFAULT_SINK@", "0")
        assert chime.muted() is False
        service.submit(BreakNow(kind="posture"))
        chime.wait(10)
        wait_until(lambda: streams.new == 1, "the start sound's stream once unmuted")
    finally:
        streams.close()
        service.stop()
        thread.join(5)


def test_sound_select_chime_picks_a_player_that_plays_here(
    sound_server: SoundServer, tmp_path: Path
) -> None:
    # Protects: on this Linux the selector picks the first installed player (paplay here) with
    # the mixer to ask, and says nothing is missing.
    chime, reasons = select_chime(tmp_path / "sounds")
    assert reasons == []
    assert isinstance(chime, PlayerChime)
    assert chime.name == "paplay"
    assert chime.muted() is False
