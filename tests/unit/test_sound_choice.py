"""desktop/sound.py's choices and readings, from plain values and real files: the sound theme
lookup, the mixers' answers, the players' command lines, our own tone."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import pytest

from posture_guard.core.cues import THEME_NAMES, Cue
from posture_guard.desktop.paths import xdg_data_dirs
from posture_guard.desktop.sound import (
    MAC_SOUNDS,
    WINDOWS_ALIASES,
    PlayerChime,
    name_fallbacks,
    osascript_muted,
    own_tone,
    pactl_muted,
    player_command,
    theme_chain,
    theme_sound,
    tone_wav,
    wpctl_muted,
)


def _sound(data: Path, theme: str, name: str, sub: str = "stereo") -> Path:
    path = data / "sounds" / theme / sub / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"OggS")
    return path


def _index(data: Path, theme: str, body: str) -> None:
    folder = data / "sounds" / theme
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.theme").write_text(body)


def test_name_fallbacks_strip_the_last_part_as_the_spec_says() -> None:
    # Protects: "message-new-instant" falls back to "message-new", then "message".
    assert list(name_fallbacks("message-new-instant")) == [
        "message-new-instant",
        "message-new",
        "message",
    ]
    assert list(name_fallbacks("complete")) == ["complete"]


def test_theme_sound_prefers_the_desktop_theme_then_what_it_inherits_then_freedesktop(
    tmp_path: Path,
) -> None:
    # Protects: the desktop's theme wins; a sound it lacks comes from the theme it inherits,
    # then from "freedesktop"; the user's data folder comes before the system's.
    home, system = tmp_path / "home", tmp_path / "system"
    _index(system, "ocean", "[Sound Theme]\nName=Ocean\nInherits=base\nDirectories=stereo\n")
    _index(system, "base", "[Sound Theme]\nName=Base\nDirectories=stereo\n")
    free_complete = _sound(system, "freedesktop", "complete.oga")
    free_bell = _sound(system, "freedesktop", "bell.oga")
    assert theme_chain("ocean", [home, system]) == [
        ("ocean", ("stereo",)),
        ("base", ("stereo",)),
        ("freedesktop", ("stereo",)),
    ]
    assert theme_sound(("complete",), "ocean", [home, system]) == free_complete
    base_complete = _sound(system, "base", "complete.ogg")
    assert theme_sound(("complete",), "ocean", [home, system]) == base_complete
    ocean_complete = _sound(system, "ocean", "complete.wav")
    assert theme_sound(("complete",), "ocean", [home, system]) == ocean_complete
    own = _sound(home, "ocean", "complete.oga")
    assert theme_sound(("complete",), "ocean", [home, system]) == own
    # a name the chain lacks falls back by the spec, then to the cue's next name
    assert theme_sound(("message-new-instant", "bell"), "ocean", [home, system]) == free_bell
    message = _sound(system, "freedesktop", "message.oga")
    assert theme_sound(("message-new-instant", "bell"), "ocean", [home, system]) == message


def test_theme_sound_reads_the_themes_directories_and_none_without_a_theme(tmp_path: Path) -> None:
    # Protects: a theme whose sounds are in another folder than "stereo" is found through its
    # index.theme; an inheritance loop ends; nothing anywhere is None.
    _index(tmp_path, "loop", "[Sound Theme]\nInherits=loop2\nDirectories=5.1, stereo\n")
    _index(tmp_path, "loop2", "[Sound Theme]\nInherits=loop\n")
    surround = _sound(tmp_path, "loop", "complete.oga", sub="5.1")
    assert [t for t, _dirs in theme_chain("loop", [tmp_path])] == ["loop", "loop2", "freedesktop"]
    assert theme_sound(("complete",), "loop", [tmp_path]) == surround
    assert theme_sound(("bell",), "loop", [tmp_path]) is None


def test_player_chime_uses_our_tone_where_no_theme_has_the_sound(tmp_path: Path) -> None:
    # Protects: without a theme sound (and always for aplay, which reads WAV only) the cue plays
    # our own tone, written once into our sounds folder.
    themed = _sound(tmp_path / "data", "freedesktop", "complete.oga")
    sounds = tmp_path / "own" / "sounds"
    chime = PlayerChime("/usr/bin/paplay", sounds_dir=sounds, data_dirs=[tmp_path / "data"])
    assert chime.sound_for(Cue.BREAK_END) == themed
    start = chime.sound_for(Cue.BREAK_START)
    assert start is not None
    assert start.parent == sounds
    assert start.suffix == ".wav"
    aplay = PlayerChime("/usr/bin/aplay", sounds_dir=sounds, data_dirs=[tmp_path / "data"])
    end = aplay.sound_for(Cue.BREAK_END)
    assert end is not None
    assert end.parent == sounds
    assert (sounds.stat().st_mode & 0o777) == 0o700


def test_own_tone_is_a_short_soft_wav_per_cue(tmp_path: Path) -> None:
    # Protects: our tone is a valid mono WAV under 1.5 s, quiet (peak well under full scale),
    # and the two cues differ.
    tones = {}
    for cue in Cue:
        data = tone_wav(cue)
        with wave.open(io.BytesIO(data)) as reader:
            assert (reader.getnchannels(), reader.getsampwidth()) == (1, 2)
            seconds = reader.getnframes() / reader.getframerate()
            frames = reader.readframes(reader.getnframes())
        assert 0.5 < seconds < 1.5
        peak = max(
            abs(int.from_bytes(frames[i : i + 2], "little", signed=True))
            for i in range(0, len(frames), 2)
        )
        assert 0.1 * 32767 < peak < 0.5 * 32767
        tones[cue] = data
    assert tones[Cue.BREAK_START] != tones[Cue.BREAK_END]
    path = own_tone(Cue.BREAK_END, tmp_path / "sounds")
    assert path is not None
    assert path.read_bytes() == tones[Cue.BREAK_END]
    assert own_tone(Cue.BREAK_END, tmp_path / "sounds") == path  # written once


def test_own_tone_is_none_when_the_folder_cannot_be_made(tmp_path: Path) -> None:
    # Protects: a data folder that cannot be written is "no sound", not an exception.
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert own_tone(Cue.BREAK_START, blocker / "sounds") is None


@pytest.mark.parametrize(
    ("output", "muted"),
    [("Mute: yes\n", True), ("Mute: no\n", False), ("", None), ("Stumm: ja\n", None)],
)
def test_pactl_muted_reads_the_c_locale_answer(output: str, muted: bool | None) -> None:
    # Protects: pactl's answer (asked in the C locale) is read; anything else is "cannot tell".
    assert pactl_muted(output) is muted


@pytest.mark.parametrize(
    ("output", "muted"),
    [("Volume: 0.40 [MUTED]\n", True), ("Volume: 0.40\n", False), ("Error\n", None)],
)
def test_wpctl_muted_reads_pipewire_answer(output: str, muted: bool | None) -> None:
    # Protects: PipeWire's wpctl is read where pactl is missing.
    assert wpctl_muted(output) is muted


@pytest.mark.parametrize(
    ("output", "muted"), [("true\n", True), ("false\n", False), ("missing value\n", None)]
)
def test_osascript_muted_reads_macos_volume_settings(output: str, muted: bool | None) -> None:
    # Protects: macOS' answer is read; an output that cannot be muted is "cannot tell".
    assert osascript_muted(output) is muted


def test_player_command_per_player(tmp_path: Path) -> None:
    # Protects: each player gets the arguments it understands; paplay's stream is an event
    # sound, so the desktop's event-sound volume applies.
    file = tmp_path / "complete.oga"
    assert player_command("/usr/bin/paplay", file) == [
        "/usr/bin/paplay",
        "--client-name=Posture Guard",
        "--property=media.role=event",
        str(file),
    ]
    assert player_command("/usr/bin/pw-play", file) == ["/usr/bin/pw-play", str(file)]
    assert player_command("/usr/bin/canberra-gtk-play", file)[1:] == ["-f", str(file)]
    assert player_command("/usr/bin/aplay", file)[1:] == ["-q", str(file)]


def test_windows_and_macos_have_a_sound_for_every_cue() -> None:
    # Protects: no cue is left without a native sound on Windows or macOS.
    assert set(WINDOWS_ALIASES) == set(MAC_SOUNDS) == set(THEME_NAMES)
    assert all(path.startswith("/System/Library/Sounds/") for path in MAC_SOUNDS.values())


def test_xdg_data_dirs_home_first_then_the_listed_ones() -> None:
    # Protects: the user's themes come first; relative entries are ignored; the spec's defaults.
    env = {"HOME": "/home/a", "XDG_DATA_HOME": "", "XDG_DATA_DIRS": "/opt/share:rel:/usr/share"}
    assert xdg_data_dirs(env) == (
        Path("/home/a/.local/share"),
        Path("/opt/share"),
        Path("/usr/share"),
    )
    assert xdg_data_dirs({"HOME": "/h", "XDG_DATA_HOME": "/d"}) == (
        Path("/d"),
        Path("/usr/local/share"),
        Path("/usr/share"),
    )
