"""The break's sounds played: the desktop's sound theme, else our own soft tone; `select_chime()`.

Rules:

1. `play()` never waits for the sound: the player is a child process (Linux, macOS) or an
   asynchronous `PlaySound` (Windows). Children that finished are reaped at the next `play()`
   and at `close()`. Nothing here raises into the caller: a failure is False (or None).
2. Linux: a cue's sound is looked up by the freedesktop sound theme spec: for each name the cue
   lists (core/cues.py `THEME_NAMES`), then that name with its last "-part" taken off
   ("message-new-instant", "message-new", "message"), in the desktop's theme, the themes it
   `Inherits`, and "freedesktop", in each XDG data folder:
   `<data>/sounds/<theme>/<dir>/<name>.{oga,ogg,wav}` (`<dir>` from the theme's
   `Directories`, else "stereo"). No theme file: our own tone (rule 4). It plays with the
   first player installed of paplay, pw-play, canberra-gtk-play and aplay (aplay reads WAV
   only, so it always gets our tone). "Muted" is the default sink's mute as `pactl` (or
   PipeWire's `wpctl`) reports it.
3. Windows: `winsound.PlaySound` with the system's event sounds by alias (asynchronous, no
   default beep when an alias is missing; then our tone). macOS: `afplay` with a system
   sound; muted as AppleScript's volume settings say. Windows cannot tell muted (None).
4. Our own tone: a short, quiet sine chime per cue (rising at the start, falling at the
   end), written once as a WAV file into our data folder's `sounds` (desktop/paths.py).

Threading: used by the service's worker thread only. The service imports this module: it
imports nothing it does not run (winsound only on Windows, no shutil, no wave).
"""

from __future__ import annotations

import contextlib
import math
import os
import struct
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Final

from posture_guard.core.cues import THEME_NAMES, Cue
from posture_guard.core.errors import PostureGuardError
from posture_guard.core.i18n import N_, _
from posture_guard.core.ports import Chime
from posture_guard.desktop.files import write_file
from posture_guard.desktop.paths import ensure_private_dir, xdg_data_dirs
from posture_guard.desktop.programs import which

#: Linux players, in the order they are tried (rule 2).
LINUX_PLAYERS: Final = ("paplay", "pw-play", "canberra-gtk-play", "aplay")
#: The theme every other inherits last (the spec's fallback).
FALLBACK_THEME: Final = "freedesktop"
_EXTENSIONS: Final = (".oga", ".ogg", ".wav")
#: How long a mixer query (`pactl`, `wpctl`, `osascript`) may take before muted is "cannot tell".
MIXER_TIMEOUT_S: Final = 1.0
#: Windows event-sound aliases per cue (the registry's AppEvents labels), best first.
WINDOWS_ALIASES: Final[Mapping[Cue, tuple[str, ...]]] = {
    Cue.BREAK_START: ("Notification.Default", "SystemNotification"),
    Cue.BREAK_END: ("Notification.Reminder", "SystemAsterisk"),
}
#: macOS system sounds per cue.
MAC_SOUNDS: Final[Mapping[Cue, str]] = {
    Cue.BREAK_START: "/System/Library/Sounds/Tink.aiff",
    Cue.BREAK_END: "/System/Library/Sounds/Glass.aiff",
}

# --- the freedesktop sound theme (rule 2) -------------------------------------------------------


def name_fallbacks(name: str) -> Iterator[str]:
    """The spec's fallbacks of a sound name: "a-b-c", "a-b", "a"."""
    while name:
        yield name
        name = name.rpartition("-")[0]


def _theme_index(theme: str, data_dirs: Sequence[Path]) -> dict[str, str]:
    """The `[Sound Theme]` keys of the theme's index.theme (the first found), or {}."""
    for folder in data_dirs:
        try:
            text = (folder / "sounds" / theme / "index.theme").read_text(
                encoding="utf-8", errors="replace"
            )
        except OSError:
            continue
        keys: dict[str, str] = {}
        section = ""
        for raw in text.splitlines():
            line = raw.strip()
            if line.startswith("[") and line.endswith("]"):
                section = line[1:-1]
            elif section == "Sound Theme" and "=" in line:
                key, _sep, value = line.partition("=")
                keys[key.strip()] = value.strip()
        return keys
    return {}


def theme_chain(theme: str, data_dirs: Sequence[Path]) -> list[tuple[str, tuple[str, ...]]]:
    """(theme, its sound folders) for `theme`, what it inherits (depth first) and
    "freedesktop" last, each once."""
    chain: list[tuple[str, tuple[str, ...]]] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen or not name or "/" in name:
            return
        seen.add(name)
        index = _theme_index(name, data_dirs)
        dirs = tuple(d.strip() for d in index.get("Directories", "").split(",") if d.strip())
        chain.append((name, dirs or ("stereo",)))
        for parent in index.get("Inherits", "").split(","):
            visit(parent.strip())

    visit(theme)
    visit(FALLBACK_THEME)
    return chain


def theme_sound(names: Sequence[str], theme: str, data_dirs: Sequence[Path]) -> Path | None:
    """The file the sound theme has for the first of `names` it knows (rule 2), or None."""
    chain = theme_chain(theme, data_dirs)
    for wanted in names:
        for name in name_fallbacks(wanted):
            for theme_name, dirs in chain:
                for folder in data_dirs:
                    for sub in dirs:
                        for ext in _EXTENSIONS:
                            candidate = folder / "sounds" / theme_name / sub / f"{name}{ext}"
                            if candidate.is_file():
                                return candidate
    return None


def desktop_sound_theme() -> str:
    """The desktop's sound theme name (GNOME's setting, which GTK desktops share), else
    "freedesktop". Runs `gsettings` once, at start."""
    gsettings = which("gsettings")
    if gsettings is None:
        return FALLBACK_THEME
    try:
        done = subprocess.run(
            [gsettings, "get", "org.gnome.desktop.sound", "theme-name"],
            capture_output=True,
            text=True,
            timeout=MIXER_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return FALLBACK_THEME
    name = done.stdout.strip().strip("'\"") if done.returncode == 0 else ""
    return name or FALLBACK_THEME


# --- muted (rules 2 and 3) ------------------------------------------------------------------------


def pactl_muted(output: str) -> bool | None:
    """`pactl get-sink-mute @DEFAULT_SINK@` in the C locale ("Mute: yes") read, or None."""
    for line in output.splitlines():
        key, _sep, value = line.partition(":")
        if key.strip() == "Mute":
            answer = value.strip().lower()
            if answer in ("yes", "no"):
                return answer == "yes"
    return None


def wpctl_muted(output: str) -> bool | None:
    """`wpctl get-volume @DEFAULT_AUDIO_SINK@` ("Volume: 0.40 [MUTED]") read, or None."""
    text = output.strip()
    if not text.startswith("Volume:"):
        return None
    return "[MUTED]" in text


def osascript_muted(output: str) -> bool | None:
    """AppleScript's `output muted of (get volume settings)` ("true", "false",
    "missing value" for an output that cannot be muted) read, or None."""
    answer = output.strip()
    return {"true": True, "false": False}.get(answer)


def _ask(command: Sequence[str]) -> str | None:
    """A short query's output in the C locale, or None when it failed or took too long."""
    try:
        done = subprocess.run(
            list(command),
            capture_output=True,
            text=True,
            timeout=MIXER_TIMEOUT_S,
            check=False,
            env={**os.environ, "LC_ALL": "C"},
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


# --- our own tone (rule 4) ------------------------------------------------------------------------

_RATE: Final = 22050
#: (frequency in Hz, start in seconds) of each note: rising at the start, falling at the end.
_NOTES: Final[Mapping[Cue, tuple[tuple[float, float], ...]]] = {
    Cue.BREAK_START: ((587.33, 0.0), (880.0, 0.16)),
    Cue.BREAK_END: ((880.0, 0.0), (659.25, 0.18), (587.33, 0.36)),
}
_NOTE_S: Final = 0.7
#: Peak loudness, a fraction of full scale: soft.
_PEAK: Final = 0.22
#: Bumped when the tones change, so a new version writes new files.
_TONE_VERSION: Final = 1


def tone_wav(cue: Cue) -> bytes:
    """Our own soft chime for `cue` as a mono 16-bit WAV file's bytes."""
    notes = _NOTES[cue]
    length = max(start for _f, start in notes) + _NOTE_S
    count = int(length * _RATE)
    samples = bytearray()
    for i in range(count):
        t = i / _RATE
        value = 0.0
        for frequency, start in notes:
            local = t - start
            if 0 <= local < _NOTE_S:
                attack = min(1.0, local / 0.01)
                value += attack * math.exp(-local * 6.0) * math.sin(2 * math.pi * frequency * local)
        fade = min(1.0, (length - t) / 0.02)  # no click at the end
        samples += struct.pack("<h", int(max(-1.0, min(1.0, value * _PEAK * fade)) * 32767))
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + len(samples),
        b"WAVE",
        b"fmt ",
        16,
        1,  # PCM
        1,  # mono
        _RATE,
        _RATE * 2,
        2,
        16,
        b"data",
        len(samples),
    )
    return header + bytes(samples)


def own_tone(cue: Cue, folder: Path) -> Path | None:
    """Our tone's WAV file for `cue` in `folder`, written there first if missing; None when
    it cannot be written."""
    path = folder / f"{cue.value}-{_TONE_VERSION}.wav"
    if path.is_file():
        return path
    try:
        ensure_private_dir(folder)
        write_file(path, tone_wav(cue), exclusive=True)
    except FileExistsError:  # written meanwhile by another process of ours
        pass
    except (OSError, PostureGuardError):
        return None
    return path if path.is_file() else None


# --- the players ---------------------------------------------------------------------------------


class _Children:
    """Player processes started and not yet reaped (rule 1)."""

    def __init__(self) -> None:
        self._running: list[subprocess.Popen[bytes]] = []

    def start(self, command: Sequence[str]) -> bool:
        self.reap()
        try:
            process = subprocess.Popen(
                list(command),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError:
            return False
        self._running.append(process)
        return True

    def reap(self) -> None:
        self._running = [p for p in self._running if p.poll() is None]

    def wait(self, timeout: float) -> None:
        """Wait up to `timeout` seconds for each child (tests; `close` does not wait)."""
        for process in self._running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout)
        self.reap()


def player_command(player: str, path: Path) -> list[str]:
    """How `player` (a full path to one of LINUX_PLAYERS) plays the file `path`."""
    base = os.path.basename(player)
    if base == "paplay":  # the desktop's event-sound volume applies to an "event" stream
        return [player, "--client-name=Posture Guard", "--property=media.role=event", str(path)]
    if base == "canberra-gtk-play":
        return [player, "-f", str(path)]
    if base == "aplay":
        return [player, "-q", str(path)]
    return [player, str(path)]


class PlayerChime:
    """Linux: the sound theme's file (else our tone) played by a sound player (rule 2)."""

    def __init__(
        self,
        player: str,
        *,
        sounds_dir: Path,
        theme: str = FALLBACK_THEME,
        data_dirs: Sequence[Path] | None = None,
        pactl: str | None = None,
        wpctl: str | None = None,
    ) -> None:
        """Args:
        player: the full path of one of LINUX_PLAYERS.
        sounds_dir: where our own tone is written (desktop/paths.py `Paths.sounds_dir`).
        theme: the desktop's sound theme name.
        data_dirs: the XDG data folders to look in (default: `xdg_data_dirs()`).
        pactl, wpctl: the mixer tools' paths to ask for muted, or None not to ask.
        """
        self._player = player
        #: A short name for logs and `doctor`.
        self.name = os.path.basename(player)
        self._sounds_dir = sounds_dir
        self.theme = theme
        self._data_dirs = tuple(data_dirs) if data_dirs is not None else xdg_data_dirs()
        self._pactl = pactl
        self._wpctl = wpctl
        self._children = _Children()

    def theme_file(self, cue: Cue) -> Path | None:
        """The sound theme's file for `cue` that this player can play, or None (our tone)."""
        if self.name == "aplay":  # WAV only: the themes ship Ogg Vorbis
            return None
        return theme_sound(THEME_NAMES[cue], self.theme, self._data_dirs)

    def sound_for(self, cue: Cue) -> Path | None:
        """The file `cue` plays here: the theme's, else our tone (written now if missing)."""
        return self.theme_file(cue) or own_tone(cue, self._sounds_dir)

    def muted(self) -> bool | None:
        if self._pactl is not None:
            output = _ask([self._pactl, "get-sink-mute", "@DEFAULT_SINK@"])
            if output is not None:
                return pactl_muted(output)
        if self._wpctl is not None:
            output = _ask([self._wpctl, "get-volume", "@DEFAULT_AUDIO_SINK@"])
            if output is not None:
                return wpctl_muted(output)
        return None

    def play(self, cue: Cue) -> bool:
        try:
            path = self.sound_for(cue)
        except OSError:
            return False
        return path is not None and self._children.start(player_command(self._player, path))

    def wait(self, timeout: float) -> None:
        """Wait for the sounds started to finish (tests)."""
        self._children.wait(timeout)

    def close(self) -> None:
        self._children.reap()


class MacChime:
    """macOS: a system sound played by `afplay`; muted from AppleScript (rule 3)."""

    #: A short name for logs and `doctor`.
    name: str = "afplay"

    def __init__(self, afplay: str, osascript: str | None = None) -> None:
        self._afplay = afplay
        self._osascript = osascript
        self._children = _Children()

    def muted(self) -> bool | None:
        if self._osascript is None:
            return None
        output = _ask([self._osascript, "-e", "output muted of (get volume settings)"])
        return None if output is None else osascript_muted(output)

    def play(self, cue: Cue) -> bool:
        return self._children.start([self._afplay, MAC_SOUNDS[cue]])

    def close(self) -> None:
        self._children.reap()


class WindowsChime:
    """Windows: the system's event sound by alias, else our tone, through winsound (rule 3)."""

    #: A short name for logs and `doctor`.
    name: str = "winsound"

    def __init__(self, sounds_dir: Path) -> None:
        self._sounds_dir = sounds_dir

    def muted(self) -> bool | None:
        return None  # the endpoint's mute is behind COM; not worth it for a soft sound

    def play(self, cue: Cue) -> bool:
        if sys.platform == "win32":
            import winsound  # noqa: PLC0415 - Windows only

            flags = winsound.SND_ASYNC | winsound.SND_NODEFAULT
            for alias in WINDOWS_ALIASES[cue]:
                try:
                    winsound.PlaySound(alias, flags | winsound.SND_ALIAS)
                except RuntimeError:  # no such alias here
                    continue
                return True
            path = own_tone(cue, self._sounds_dir)
            if path is None:
                return False
            try:
                winsound.PlaySound(str(path), flags | winsound.SND_FILENAME)
            except RuntimeError:
                return False
            return True
        else:
            return False

    def close(self) -> None:
        """Nothing to reap: PlaySound plays in the system's own thread."""


class SilentChime:
    """No player here: every cue stays silent."""

    #: A short name for logs and `doctor`.
    name: str = "none"

    def muted(self) -> bool | None:
        return None

    def play(self, cue: Cue) -> bool:
        return False

    def close(self) -> None:
        """Nothing to release."""


NO_LINUX_PLAYER: Final = N_(
    "no sound player found (paplay, pw-play, canberra-gtk-play or aplay): breaks are silent"
)
NO_AFPLAY: Final = N_("afplay was not found: breaks are silent")


def describe(chime: Chime) -> str:
    """Where the break's sounds come from and whether the desktop is muted now, in the
    language in use (for `doctor`). May run a mixer query."""
    if isinstance(chime, PlayerChime):
        found = chime.theme_file(Cue.BREAK_END)
        # Translators: {theme} is a sound theme's name ("freedesktop"), {file} a file's path
        source = (
            _('the "{theme}" sound theme ({file})').format(theme=chime.theme, file=found)
            if found is not None
            else _("our own short tone (no sound theme has one)")
        )
    elif isinstance(chime, WindowsChime):
        source = _("the system's event sounds")
    elif isinstance(chime, MacChime):
        source = _("the system's sounds")
    else:
        return _("breaks are silent")
    muted = chime.muted()
    if muted is None:
        state = _("cannot tell whether the sound is muted")
    elif muted:
        state = _("muted now: breaks stay silent")
    else:
        state = _("not muted")
    return f"{source}; {state}"


def select_chime(sounds_dir: Path) -> tuple[Chime, list[str]]:
    """The player for the break's sounds here, and why there is none (in the language in use).

    Called once at service start (it may run `gsettings` once on Linux).
    """
    if sys.platform == "win32":
        return WindowsChime(sounds_dir), []
    elif sys.platform == "darwin":
        afplay = which("afplay")
        if afplay is None:
            return SilentChime(), [_(NO_AFPLAY)]
        return MacChime(afplay, which("osascript")), []
    else:
        for name in LINUX_PLAYERS:
            player = which(name)
            if player is not None:
                return (
                    PlayerChime(
                        player,
                        sounds_dir=sounds_dir,
                        theme=desktop_sound_theme(),
                        pactl=which("pactl"),
                        wpctl=which("wpctl"),
                    ),
                    [],
                )
        return SilentChime(), [_(NO_LINUX_PLAYER)]
