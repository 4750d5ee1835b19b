"""A clinic's pack on the desktop (issue 17, acceptance 3): the sample pack imported, the real
service picks the programme's exercise for the phase in force, and the real break window shows
it with the clinic's own picture; the break's record names the exercise it offered."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import Image

from posture_guard.app.control import encode_result
from posture_guard.app.pack import import_pack, installed_or_none
from posture_guard.app.service import Inbox, Service
from posture_guard.app.store import Store
from posture_guard.core import config
from posture_guard.core.commands import Skip, Status
from posture_guard.core.exercises import Catalogue, load_catalogue
from posture_guard.core.timer import State
from posture_guard.desktop.paths import default_paths
from posture_guard.testing import FakeClock, RecordingNotifier, ScriptedIdleSource
from posture_guard.ui.presenter import BreakPresenter
from tests.desktop.conftest import save_screenshot, wait_until
from tests.desktop.test_break_flow import START, SUFFIX
from tests.desktop.wm import desk

__all__ = ["desk"]

pytestmark = pytest.mark.desktop
SAMPLE = Path(__file__).parents[1] / "data" / "clinic-pack"
#: The band along the bottom of the sample pack's pictures (tests/data/make_sample_pack.py).
CLINIC_BAND = (0, 128, 96)


def stretch_only() -> config.Settings:
    """The defaults with the stretch break alone, due after 20 minutes, 90 seconds long."""
    base = config.defaults()
    breaks = tuple(
        dataclasses.replace(b, every_s=20 * 60, length_s=90)
        for b in base.timer.breaks
        if b.kind == "stretch"
    )
    return dataclasses.replace(base, timer=dataclasses.replace(base.timer, breaks=breaks))


@pytest.mark.parametrize("toolkit", ["gtk", "tk"])
def test_a_break_shows_the_packs_exercise_with_the_clinics_picture(
    desk, tmp_path, monkeypatch, toolkit
):
    # Protects: a break offers the programme's exercise for the phase in force, the window
    # shows the clinic's own picture, and the break's record names that exercise (adherence).
    for name, value in desk.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("POSTURE_GUARD_TOOLKIT", toolkit)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    paths = default_paths({"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")})
    catalogue = load_catalogue()
    store = Store.open(paths.database)
    import_pack(store, paths, SAMPLE, catalogue, START)

    def programme() -> Catalogue | None:
        found = installed_or_none(store, paths, catalogue)
        return None if found is None else found.catalogue(catalogue)

    clock = FakeClock(START)
    notifier = RecordingNotifier()
    inbox = Inbox()
    presenter = BreakPresenter(
        notifier, inbox.submit, extra_args=("--focus-after-idle", "0.3", "--single-monitor")
    )
    service = Service(
        stretch_only(),
        clock,
        ScriptedIdleSource([0.0]),
        notifier,
        store=store,
        on_events=presenter,
        inbox=inbox,
        on_desktop=True,
        programme=programme,
    )
    thread = threading.Thread(target=service.run, daemon=True)
    thread.start()
    try:
        service.submit(Status())  # the service has looked at START before the time runs
        for _ in range(21):
            clock.advance(60)
            service.submit(Status())
        wait_until(lambda: desk.windows_named(SUFFIX), "the break window", 10)

        def on_break() -> bool:
            snap = service.snapshot
            return snap is not None and snap.status.state is State.ON_BREAK

        wait_until(on_break, "start-break from the window", 10)
        snapshot = service.snapshot
        assert snapshot is not None
        assert snapshot.exercise is not None
        assert snapshot.exercise.id == "riverside-supported-chin-nod"
        time.sleep(0.8)
        path = save_screenshot(desk.display, f"break-pack-{toolkit}")
        with Image.open(path) as shot:
            colours = {c for _n, c in shot.convert("RGB").getcolors(1 << 20)}
        assert CLINIC_BAND in colours  # the clinic's picture, not our drawing
        assert encode_result(service.submit(Skip()))["ok"]
        wait_until(lambda: not desk.windows_named(SUFFIX), "the window to close", 10)
    finally:
        service.stop()
        thread.join(10)
        presenter.close()
    records = store.breaks_between(START, START + timedelta(hours=1))
    store.close()
    assert [(r.kind, r.exercise) for r in records] == [("stretch", "riverside-supported-chin-nod")]
