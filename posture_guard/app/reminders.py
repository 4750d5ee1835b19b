"""The service's reminders: the one exercise each break offers, and the check-in reminder.

Rule 1: a break offers one exercise from the moment it is first needed (its prompt, or its start
        when taken early) until it ends: the notice, the break window and the command's answer
        all name the same one. The picker rotates without repeats over the exercises shown by
        this run, and reads the diary for what fits (acute, symptoms).
Rule 2: the check-in reminder has no timer of its own: it is looked at when the service starts
        and with each break prompt (moments when the person is at the screen), and asks at most
        once a day while an episode is open.
Rule 3: the diary is read, never written; a diary that cannot be read is logged and the safe
        choice is made (gentle exercises that leave the neck still, no reminder).
Rule 4: a clinic's programme comes first: the pick is from the exercises its phase in force
        prescribes (core/pack.py), by the same picker and so under the same cautions and neck
        limit; only when none of them fits this break is it from the catalogue.

Threads: the service's worker thread only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Final

from posture_guard.app.store import Store
from posture_guard.core.episodes import check_in_due
from posture_guard.core.errors import StoreError
from posture_guard.core.exercises import (
    Catalogue,
    Exercise,
    NeckLimit,
    instructions,
    pick,
    picker_inputs,
)
from posture_guard.core.i18n import _
from posture_guard.core.wording import NO_EXERCISE_TEXT, check_in_notice

# The service's log: these lines keep the name they always had in the log file.
log = logging.getLogger("posture_guard.app.service")

#: How many exercises shown are remembered for the rotation.
HISTORY: Final = 100


class Reminders:
    """Picks each break's exercise and asks for check-ins (worker thread only)."""

    def __init__(
        self,
        catalogue: Catalogue,
        notify: Callable[[str, str], None],
        store: Store | None = None,
        *,
        on_desktop: bool = False,
        programme: Callable[[], Catalogue | None] | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        """Args:
        notify: shows a notice (title, message); must not raise.
        store: the diary to read; None: nothing is known (not acute, no symptoms, no episode).
        on_desktop: the person has the tray menu, so notices name its items, not commands.
        programme: the clinic programme's exercises for the phase in force (Rule 4), or None.
        now: the clock, for telling a diary date entered while it ran ahead; None trusts them.
        """
        self._now = now
        self._programme = programme
        self._on_desktop = on_desktop
        self._catalogue = catalogue
        self._notify = notify
        self._store = store
        #: Exercises shown, oldest first (the picker rotates without repeats over them).
        self._shown: list[str] = []
        #: The exercise of the break in progress, per kind (Rule 1).
        self._exercise: dict[str, Exercise | None] = {}
        #: When this run last asked for a check-in (once a day at most).
        self._check_in_asked: datetime | None = None

    def exercise_for(self, kind: str, length_s: int) -> Exercise | None:
        """The exercise of this kind's break in progress, picked now (to fit `length_s`) if none
        was yet; None when none fits."""
        if kind not in self._exercise:
            acute, symptoms, neck = self._diary_state()
            exercise = None
            for catalogue in (self._programme_now(), self._catalogue):
                if catalogue is None:
                    continue
                exercise = pick(
                    catalogue,
                    kind=kind,
                    history=self._shown[-HISTORY:],
                    acute=acute,
                    symptoms=symptoms,
                    length_s=length_s,
                    neck=neck,
                )
                if exercise is not None:
                    break
            self._exercise[kind] = exercise
            if exercise is not None:
                self._shown = [*self._shown[-(HISTORY - 1) :], exercise.id]
        return self._exercise[kind]

    def _programme_now(self) -> Catalogue | None:
        """The programme's exercises now (Rule 4); None without one, or when it fails (logged)."""
        if self._programme is None:
            return None
        try:
            return self._programme()
        except Exception:
            log.exception("cannot read the clinic's programme; the catalogue is used")
            return None

    def picked(self, kind: str) -> Exercise | None:
        """The exercise already picked for this kind's break in progress (None: none yet, or
        none fits); never picks."""
        return self._exercise.get(kind)

    def exercise_text(self, kind: str, length_s: int) -> str:
        """What to do in this break: the exercise's instructions, or plain words when none fits."""
        exercise = self.exercise_for(kind, length_s)
        return _(NO_EXERCISE_TEXT) if exercise is None else instructions(exercise)

    def break_over(self, kind: str) -> None:
        """This kind's break ended: its next one gets an exercise of its own."""
        self._exercise.pop(kind, None)

    def _diary_state(self) -> tuple[bool, frozenset[str], NeckLimit]:
        """Whether the diary says acute, its recorded symptoms, and how far the latest advice
        lets the neck be worked (exercises Rule 9), for the picker.

        Without a store nothing is known (not acute, no symptoms, no limit). When the diary
        cannot be read, the safe choice: gentle, and nothing that moves the neck.
        """
        if self._store is None:
            return False, frozenset(), NeckLimit.FREE
        try:
            now = None if self._now is None else self._now()
            diary = self._store.picker_diary(now=now)
            latest = diary.latest
            inputs = picker_inputs(
                diary.current,
                None if latest is None else latest.check_in,
                None if latest is None else latest.advice.tier,
                now=now,
                pains=diary.pains,
            )
        except StoreError as exc:
            log.warning("cannot read the diary for the exercise picker: %s", exc)
            return True, frozenset(), NeckLimit.HOLD
        return inputs.acute, inputs.symptoms, inputs.neck

    def maybe_ask_check_in(self, now: datetime) -> None:
        """Ask for a short check-in when an open episode is a day old (Rule 2)."""
        if self._store is None:
            return
        try:
            episode = self._store.open_episode()
            latest = self._store.latest_check_in()
        except StoreError as exc:
            log.warning("cannot read the diary for a check-in reminder: %s", exc)
            return
        last_check_in = latest.check_in.at if latest is not None else None
        if episode is None or not check_in_due(episode, last_check_in, self._check_in_asked, now):
            return
        self._check_in_asked = now
        days = int((now.timestamp() - episode.started.timestamp()) // 86400)
        self._notify(*check_in_notice(days, on_desktop=self._on_desktop))
