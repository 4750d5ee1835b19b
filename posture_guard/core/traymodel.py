"""What the tray shows, decided from the service's status: icon state, title and menu. Pure.

Rules:

1. Everything here reads a `TrayStatus`: the tray (in the service's process) makes it from the
   service's Snapshot (`TrayStatus.of`), the xorg fallback's menu window (another process)
   from the status the control socket sends (`TrayStatus.from_json`); both decide from the
   same values with the same functions.
2. The icon is redrawn only when its `IconState` changes: progress is quantised to
   `PROGRESS_STEPS` steps and nothing else about the icon depends on time.
3. The menu is rebuilt only when the tuple of `MenuEntry` values changes: the "next break"
   label is rounded (to the minute under 10 minutes, to 5 minutes above), so it changes at most
   once a minute of active time.
4. An item is enabled only when the status allows its command now (Skip also only while the
   timer would take a skip: `skip_allowed`, false once a skip limit is reached); an item the
   organisation's policy locks is disabled and says so (`locked`: item id -> reason, default
   none).
   What the tray takes from the settings (`TraySettings`) follows the service's current
   settings: a policy the running service re-applied changes the menu without a restart.
5. Nothing here runs anything: an entry carries an `Action` (a request for the service, or the
   name of a window to launch); `ui/tray.py` and `ui/menu_window.py` carry it out.
6. Every label is English in the code and translated when the menu, title or status line is
   made (i18n.py Rule 1); the tables hold `N_` strings. State names, kinds and item ids are
   protocol words and stay as they are; `APP_TITLE` is the product's name.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import Enum
from typing import Final

from posture_guard.core.commands import (
    BreakNow,
    Command,
    Pause,
    Quit,
    Resume,
    Skip,
    Snapshot,
    Snooze,
)
from posture_guard.core.i18n import N_, _, ngettext
from posture_guard.core.policy import SET_BY_ORGANISATION, menu_locks
from posture_guard.core.settings import Branding, Settings
from posture_guard.core.units import format_duration
from posture_guard.core.wording import day_and_time, kind_word, state_words

#: How many steps the progress ring has; the icon changes at most this often per break rhythm.
PROGRESS_STEPS: Final = 12
#: How long a notice stays in the tray title (and menu) when no notification service showed it.
NOTICE_TTL_S: Final = 10 * 60
#: How to get the full tray (the StatusNotifierItem's menu) on Linux when only an XEmbed tray
#: runs; `run` logs it (English), `doctor` prints it in the reader's language.
HOW_TO_GET_THE_FULL_TRAY: Final = N_(
    "for the full tray menu on Linux the panel must show StatusNotifierItems (KDE, XFCE,"
    " Cinnamon, LXQt and waybar do; on GNOME install the AppIndicator extension); nothing"
    " more to install for Posture Guard"
)

#: What a locked item says when the lock gives no reason of its own.
LOCKED_REASON: Final = SET_BY_ORGANISATION
APP_TITLE: Final = "Posture Guard"


class IconMode(Enum):
    """What the icon shows at a glance (one colour and glyph each)."""

    ACTIVE = "active"  # working: a ring fills toward the next break
    SNOOZED = "snoozed"  # a break was put off
    DUE = "due"  # a break is due now
    ON_BREAK = "on-break"
    PAUSED = "paused"
    OFF_HOURS = "off-hours"


@dataclass(frozen=True, slots=True, kw_only=True)
class IconState:
    """Everything the icon's pixels depend on; equal states draw equal images."""

    mode: IconMode
    #: 0..PROGRESS_STEPS filled steps of the ring (ACTIVE only; 0 otherwise).
    step: int = 0
    #: A spasm episode is open: a small badge.
    badge: bool = False

    def __post_init__(self) -> None:
        if not 0 <= self.step <= PROGRESS_STEPS:
            raise ValueError(f"step must be 0..{PROGRESS_STEPS}, got {self.step}")


_MODES: Final[Mapping[str, IconMode]] = {
    "working": IconMode.ACTIVE,
    "snoozed": IconMode.SNOOZED,
    "break_due": IconMode.DUE,
    "on_break": IconMode.ON_BREAK,
    "paused": IconMode.PAUSED,
    "off_hours": IconMode.OFF_HOURS,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class TrayStatus:
    """The parts of the service's JSON status the tray reads; missing or odd values are None."""

    state: str | None = None
    state_text: str | None = None
    allowed: frozenset[str] = frozenset()
    current: str | None = None
    next_kind: str | None = None
    next_in_s: float | None = None
    paused_until: datetime | None = None
    snoozes_left: int | None = None
    #: The timer would take a skip now (False: a skip limit is reached, or nothing to skip).
    skip_allowed: bool = False
    episode_open: bool = False

    @classmethod
    def of(cls, snapshot: Snapshot) -> TrayStatus:
        """The tray's part of the service's snapshot (the same values `from_json` reads from
        the control socket's status)."""
        s = snapshot.status
        return cls(
            state=s.state.name.lower(),
            state_text=state_words(s.state),
            allowed=frozenset(c.value for c in s.allowed),
            current=s.current or None,
            next_kind=s.next_kind or None,
            next_in_s=None if s.next_in_s is None else float(s.next_in_s),
            paused_until=s.paused_until,
            snoozes_left=s.snoozes_left,
            skip_allowed=s.skip_allowed,
            episode_open=snapshot.episode_open,
        )

    @classmethod
    def from_json(cls, status: Mapping[str, object]) -> TrayStatus:
        """Read the control socket's "status" object; never raises (a bad value reads as
        unknown)."""
        allowed = status.get("allowed")
        next_in = status.get("next_in_s")
        snoozes = status.get("snoozes_left")
        until = status.get("paused_until")
        paused_until = None
        if isinstance(until, str):
            try:
                paused_until = datetime.fromisoformat(until)
            except ValueError:
                paused_until = None
        return cls(
            state=_text(status.get("state")),
            state_text=_text(status.get("state_text")),
            allowed=frozenset(a for a in allowed if isinstance(a, str))
            if isinstance(allowed, list | tuple | frozenset | set)
            else frozenset(),
            current=_text(status.get("current")),
            next_kind=_text(status.get("next_kind")),
            next_in_s=float(next_in)
            if isinstance(next_in, int | float) and not isinstance(next_in, bool)
            else None,
            paused_until=paused_until,
            snoozes_left=snoozes
            if isinstance(snoozes, int) and not isinstance(snoozes, bool)
            else None,
            skip_allowed=status.get("skip_allowed") is True,
            episode_open=status.get("episode_open") is True,
        )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


# --- icon ----------------------------------------------------------------------------------------


def icon_state(status: TrayStatus, rhythm_s: float | None) -> IconState:
    """The icon for this status.

    Args:
        rhythm_s: the shortest enabled break interval; the ring fills over the last `rhythm_s`
            active seconds before the next break (None: no breaks, the ring stays empty).
    """
    mode = _MODES.get(status.state or "", IconMode.ACTIVE)
    step = 0
    if mode is IconMode.ACTIVE and rhythm_s and status.next_in_s is not None:
        # the twelfth of the rhythm that has passed, counted as a person reads a clock face:
        # step n from n twelfths done until the next; 12 only when the break is due
        elapsed = rhythm_s - min(max(status.next_in_s, 0.0), rhythm_s)
        step = min(math.floor(elapsed / (rhythm_s / PROGRESS_STEPS)), PROGRESS_STEPS)
    return IconState(mode=mode, step=step, badge=status.episode_open)


# --- words ---------------------------------------------------------------------------------------


def _rounded(seconds: float) -> tuple[int | None, int | None]:
    """(whole minutes, or None) and (whole seconds of an hour or more, or None) of a time to go,
    rounded up as `in_words` says; both None under a minute."""
    if seconds < 60:
        return None, None
    if seconds <= 600:
        return math.ceil(seconds / 60), None
    rounded = math.ceil(seconds / 300) * 300
    return (rounded // 60, None) if rounded < 3600 else (None, rounded)


def in_words(seconds: float) -> str:
    """A rounded-up time to go: "under a minute", "7 min", "25 min", "1h15m" (5-minute steps
    from 10 minutes on), so a label changes at most once a minute."""
    minutes, long = _rounded(seconds)
    if minutes is not None:
        # Translators: a time to go, in whole minutes
        return ngettext("{minutes} min", "{minutes} min", minutes).format(minutes=minutes)
    if long is not None:
        return format_duration(long)
    return _("under a minute")


def _next_break(seconds: float, kind: str) -> str:
    """ "Next break in 10 min (posture)", said whole for each rounding of `in_words`."""
    minutes, long = _rounded(seconds)
    if minutes is not None:
        # Translators: {kind} is a break kind's word ("posture", "stretch", "movement")
        return ngettext(
            "Next break in {minutes} min ({kind})", "Next break in {minutes} min ({kind})", minutes
        ).format(minutes=minutes, kind=kind_word(kind))
    if long is not None:
        # Translators: {duration} is an hour or more, written as 1h15m
        return _("Next break in {duration} ({kind})").format(
            duration=format_duration(long), kind=kind_word(kind)
        )
    return _("Next break in under a minute ({kind})").format(kind=kind_word(kind))


def status_line(status: TrayStatus) -> str:
    """One line saying where things stand: the first (disabled) menu item and the title."""
    kind = kind_word(status.current or status.next_kind or "next")
    state = status.state
    if state == "working":
        if status.next_kind is None or status.next_in_s is None:
            return _("No breaks planned")
        return _next_break(status.next_in_s, status.next_kind)
    if state == "break_due":
        return _("A {kind} break is due now").format(kind=kind)
    if state == "snoozed":
        return _("The {kind} break is snoozed").format(kind=kind)
    if state == "on_break":
        return _("On a {kind} break").format(kind=kind)
    if state == "paused":
        if status.paused_until is None:
            return _("Paused until you resume")
        # Translators: {day} is the weekday's short name and {time} the clock time (24 h)
        return _("Paused until {day} {time}").format(**day_and_time(status.paused_until))
    if state == "off_hours":
        return _("Outside working hours")
    return _("Starting…")


@dataclass(frozen=True, slots=True, kw_only=True)
class Notice:
    """A notice no notification service showed, kept for the tray title and menu."""

    title: str
    message: str
    at: datetime
    #: The service state it belongs to: it goes when the state changes. None until the first
    #: status after posting (a break's notice is posted in the step that makes it due).
    state: str | None = None


def notice_shown(notice: Notice | None, status: TrayStatus, now: datetime) -> Notice | None:
    """The notice still worth showing with this status, bound to its state; None once the state
    changed from the one it was bound to, or NOTICE_TTL_S after it was posted."""
    if notice is None:
        return None
    # negative ages are normal: a step's notices are posted after the step read its clock
    if (now - notice.at).total_seconds() >= NOTICE_TTL_S:
        return None
    if notice.state is None:
        return replace(notice, state=status.state)
    return notice if notice.state == status.state else None


def tray_title(status: TrayStatus, notice: Notice | None = None) -> str:
    """The icon's title (tooltip): the notice when there is one, else the status line."""
    if notice is not None:
        # Translators: the tray icon's tooltip: the product's name, then a notice or the status
        return _("{app}: {text}").format(app=APP_TITLE, text=_notice_words(notice))
    return _("{app}: {text}").format(app=APP_TITLE, text=status_line(status))


def _notice_words(notice: Notice) -> str:
    """A notice on one line: "Stretch break (2m): Roll your shoulders." (both already said in
    the language in use by whoever posted it)."""
    # Translators: a notice's title, then its message, on one line (the tray's title and menu)
    return _("{title}: {message}").format(title=notice.title, message=notice.message)


# --- menu ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Submit:
    """Send this command to the service."""

    command: Command


@dataclass(frozen=True, slots=True)
class Launch:
    """Open a window of ours in its own process; `target` is a key of `LAUNCHES`."""

    target: str


Action = Submit | Launch

#: What each launchable window runs, after `sys.executable` (the one place these live). A
#: window that fails to start says why in the log; the tray and the service go on.
LAUNCHES: Final[Mapping[str, tuple[str, ...]]] = {
    "episode": ("-m", "posture_guard.ui.forms", "episode"),
    "check-in": ("-m", "posture_guard.ui.forms", "check-in"),
    "report": ("-m", "posture_guard", "report", "--open"),
    "advice": ("-m", "posture_guard.ui.info_window", "advice"),
    "settings": ("-m", "posture_guard.ui.settings_window"),
    "about": ("-m", "posture_guard.ui.info_window", "about"),
    "statistics": ("-m", "posture_guard.ui.statistics"),
    "menu": ("-m", "posture_guard.ui.menu_window"),
    "welcome": ("-m", "posture_guard.ui.welcome"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class MenuEntry:
    """One menu line; `action` None is a label (or a submenu holder with `children`)."""

    id: str
    text: str
    enabled: bool = True
    action: Action | None = None
    children: tuple[MenuEntry, ...] = field(default=())

    @property
    def is_separator(self) -> bool:
        return self.id == SEPARATOR.id


SEPARATOR: Final = MenuEntry(id="-", text="", enabled=False)

#: The Pause submenu: (item id, label in English (shown through `_`), command).
PAUSE_CHOICES: Final[tuple[tuple[str, str, Pause], ...]] = (
    ("pause-30m", N_("For 30 minutes"), Pause(seconds=1800)),
    ("pause-1h", N_("For 1 hour"), Pause(seconds=3600)),
    ("pause-tomorrow", N_("Until tomorrow"), Pause(tomorrow=True)),
)


#: The policy's names for tray actions where the tray's item id differs.
_POLICY_ACTION_ITEM: Final[Mapping[str, str]] = {"break-now": "take-break"}


def policy_locks(settings: Settings) -> dict[str, str]:
    """Tray item id -> why it is off whatever the state: the organisation locked it ("set by
    your organisation") or the person's own settings turned it off; `tray_menu`'s `locked`."""
    return {
        _POLICY_ACTION_ITEM.get(action, action): lock.reason or LOCKED_REASON
        for action, lock in menu_locks(settings).items()
        if not lock.enabled
    }


@dataclass(frozen=True, slots=True, kw_only=True)
class TraySettings:
    """What the tray and its launcher take from the settings; equal values redraw nothing."""

    locked: Mapping[str, str]
    #: The shortest enabled break interval (`icon_state`'s `rhythm_s`).
    rhythm_s: float | None
    branding: Branding

    @classmethod
    def of(cls, settings: Settings) -> TraySettings:
        every = [b.every_s for b in settings.timer.breaks]
        return cls(
            locked=policy_locks(settings),
            rhythm_s=min(every) if every else None,
            branding=settings.branding,
        )


def tray_menu(
    status: TrayStatus,
    *,
    notice: Notice | None = None,
    locked: Mapping[str, str] | None = None,
) -> tuple[MenuEntry, ...]:
    """The tray menu for this status.

    Args:
        notice: a notice no notification service showed; it is listed under the status line.
        locked: item id -> why the user cannot use it (empty reason: LOCKED_REASON). A locked
            "pause" locks its choices too.
    """
    locks = locked or {}
    allowed = status.allowed

    def item(id_: str, text: str, action: Action | None, *, allowed_now: bool = True) -> MenuEntry:
        reason = locks.get(id_)
        if reason is not None:
            # Translators: a menu item that cannot be used, and why ("set by your organisation")
            text = _("{item} ({reason})").format(item=text, reason=_(reason or LOCKED_REASON))
            return MenuEntry(id=id_, text=text, enabled=False)
        return MenuEntry(id=id_, text=text, enabled=allowed_now, action=action)

    entries: list[MenuEntry] = [MenuEntry(id="status", text=status_line(status), enabled=False)]
    if notice is not None:
        entries.append(MenuEntry(id="notice", text=_shorten(_notice_words(notice)), enabled=False))
    entries += [
        SEPARATOR,
        item(
            "take-break",
            _("Take a break now"),
            Submit(BreakNow()),
            allowed_now="take_now" in allowed,
        ),
        item(
            "snooze",
            _("Snooze"),
            Submit(Snooze()),
            allowed_now="snooze" in allowed and status.snoozes_left != 0,
        ),
        item(
            "skip",
            _("Skip this break"),
            Submit(Skip()),
            allowed_now="skip" in allowed and status.skip_allowed,
        ),
    ]
    pause_locked = "pause" in locks
    pause = item("pause", _("Pause"), None, allowed_now="pause" in allowed)
    entries.append(
        MenuEntry(
            id=pause.id,
            text=pause.text,
            enabled=pause.enabled,
            children=tuple(
                MenuEntry(
                    id=id_,
                    text=_(text),
                    enabled=pause.enabled and not pause_locked,
                    action=None if pause_locked else Submit(command),
                )
                for id_, text, command in PAUSE_CHOICES
            ),
        )
    )
    episode_text = _("Update the open episode…") if status.episode_open else _("Log an episode…")
    entries += [
        item("resume", _("Resume"), Submit(Resume()), allowed_now="resume" in allowed),
        SEPARATOR,
        item("episode", episode_text, Launch("episode")),
        item("check-in", _("Check-in…"), Launch("check-in")),
        item("advice", _("Advice and booking…"), Launch("advice")),
        item("report", _("Open report"), Launch("report")),
        item("statistics", _("Statistics…"), Launch("statistics")),
        SEPARATOR,
        item("settings", _("Settings…"), Launch("settings")),
        item("about", _("About Posture Guard"), Launch("about")),
        item("quit", _("Quit"), Submit(Quit())),
    ]
    return tuple(entries)


def _shorten(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def find_entry(entries: tuple[MenuEntry, ...], id_: str) -> MenuEntry | None:
    """The entry with this id, looking into submenus too."""
    for entry in entries:
        if entry.id == id_:
            return entry
        found = find_entry(entry.children, id_)
        if found is not None:
            return found
    return None
