"""`posture-guard run`: wires the service to the real clock, idle source, notifier and control
channel."""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable, Mapping
from datetime import time
from typing import TYPE_CHECKING, Final

from posture_guard.app import fleet
from posture_guard.app.control import ControlServer
from posture_guard.app.logs import setup_logging
from posture_guard.app.managed import Poller, SettingsWatch, load_effective
from posture_guard.app.pack import programme_now
from posture_guard.app.service import Inbox, Service
from posture_guard.app.store import Store, open_or_read
from posture_guard.core import config, policy
from posture_guard.core.commands import Command, Result, SettingsTrouble
from posture_guard.core.errors import PostureGuardError, StoreError, terminal_safe
from posture_guard.core.exercises import Catalogue, load_catalogue
from posture_guard.core.first_run import FirstRun, first_run_step
from posture_guard.core.i18n import N_, _
from posture_guard.core.ports import Clock, Notifier
from posture_guard.core.settings import Settings
from posture_guard.core.units import format_duration
from posture_guard.core.wording import IDLE_UNSEEN
from posture_guard.desktop.busy import select_busy_source
from posture_guard.desktop.clock import SystemClock
from posture_guard.desktop.display import display_available
from posture_guard.desktop.idle import select_idle_source
from posture_guard.desktop.instance import InstanceLock
from posture_guard.desktop.ipc import select_channel
from posture_guard.desktop.notify import FallbackNotifier, select_notifier
from posture_guard.desktop.paths import Paths, ensure_private_dir
from posture_guard.desktop.signals import StopSignals
from posture_guard.desktop.sound import select_chime
from posture_guard.desktop.xconn import limit_extensions
from posture_guard.ui.presenter import BreakPresenter

if TYPE_CHECKING:
    from posture_guard.ui.launch import Launcher
    from posture_guard.ui.trayview import TrayView

log = logging.getLogger(__name__)


def _launcher(paths: Paths, settings: Settings, *, headless: bool) -> Launcher | None:
    """What starts our windows (the tray's and the welcome), or None when headless."""
    if headless:
        return None
    from posture_guard.ui.launch import Launcher  # noqa: PLC0415 - not for headless runs

    return Launcher(
        config_file=paths.user_config, log_file=paths.log_file, branding=settings.branding
    )


def _open_tray(
    settings: Settings, submit: Callable[[Command], Result], launcher: Launcher | None
) -> tuple[TrayView | None, list[str]]:
    """The tray for this run, or None (headless, no display, no tray possible) and why."""
    if launcher is None:
        return None, ["tray: --headless"]
    # only here: the tray's modules bring Pillow (1.7 MiB) into a process that may run without
    from posture_guard.core.traymodel import policy_locks  # noqa: PLC0415 - the tray's model
    from posture_guard.ui.tray import open_tray  # noqa: PLC0415

    every = [b.every_s for b in settings.timer.breaks]
    return open_tray(
        submit, launcher, rhythm_s=min(every) if every else None, locked=policy_locks(settings)
    )


def _tray_jobs(tray: TrayView | None, notifier: Notifier) -> tuple[Callable[[], None], ...]:
    """The tray's minute job: a minute in, say once when nothing here shows tray icons."""
    if tray is None:
        return ()
    from posture_guard.ui.tray import MissingHostNotice  # noqa: PLC0415 - with the tray only

    return (MissingHostNotice(tray.backend, notifier),)


def run_service(
    paths: Paths, *, headless: bool, verbose: bool, menu_if_running: bool = False
) -> int:
    """Start the service and block until it stops; returns the exit code. `menu_if_running`:
    when it runs already, open its menu (`_already_running`).

    Raises:
        PostureGuardError: a setup problem a person can act on (a file or folder in the way).
    """
    loaded = load_effective(paths)
    # The organisation's mistakes never stop the service: their values fall back to the
    # defaults. The user's own mistakes do, as they always did (they can fix them).
    policy_errors = {p.message for p in loaded.errors if p.layer is config.Layer.POLICY}
    for problem in loaded.problems:
        print(problem.message, file=sys.stderr)
    if any(p.layer is not config.Layer.POLICY for p in loaded.errors):
        print(
            _("posture-guard: not started; fix the settings above (`posture-guard config check`)."),
            file=sys.stderr,
        )
        return 2
    try:
        ensure_private_dir(paths.runtime_dir)
        lock = InstanceLock(paths.instance_lock)
        if not lock.acquire():
            pid = lock.holder_pid()
            show_menu = menu_if_running and not headless
            return _already_running(paths, loaded.settings, pid, show_menu=show_menu)
        try:
            setup_logging(paths.log_file, verbose=verbose)
            if paths.policy_override is not None:
                log.warning("%s", paths.policy_override)
            for message in sorted(policy_errors):
                log.error("policy problem (that value falls back to the default): %s", message)
            try:  # on read-only or full storage, read-only: reminders go on, nothing is saved
                store = open_or_read(paths.database, told=_say_read_only)
            except StoreError as exc:  # e.g. a database from a newer version: one line, no trace
                log.error("not started: %s", exc)
                print(f"posture-guard: {exc}", file=sys.stderr)
                return 1
            with store:
                return _serve(paths, loaded, store, headless=headless)
        finally:
            lock.release()
    except OSError as exc:  # a file or folder in the way: say which, without a traceback
        where = exc.filename or paths.runtime_dir
        raise PostureGuardError(f"{where}: {exc.strerror or exc}") from None


def _say_read_only(why: StoreError) -> None:
    print(
        "posture-guard: " + _("{why}. Reminders go on meanwhile.").format(why=why),
        file=sys.stderr,
        flush=True,
    )


def _already_running(paths: Paths, settings: Settings, pid: int | None, *, show_menu: bool) -> int:
    """A second start while the service runs. With `show_menu` (the applications menu's entry
    asks for it: `run --menu-if-running`; GNOME Shell starts that entry when one of our
    notifications is clicked) and a display, the running one's menu window opens, as a
    desktop app's second launch shows the first: 0. Else, as for autostart at a new login or a
    `run` typed again, it says so: 1."""
    running = (
        _("Posture Guard is already running (pid {pid}).").format(pid=pid)
        if pid
        else _("Posture Guard is already running.")
    )
    launcher = (
        _launcher(paths, settings, headless=False) if show_menu and display_available() else None
    )
    if launcher is not None:
        problem = launcher.launch("menu")
        if problem is None:
            print(running, _("Its menu is opening."), file=sys.stderr)
            return 0
        print(running, problem, file=sys.stderr)
        return 1
    print(running, file=sys.stderr)
    return 1


def _first_run_notice(paths: Paths, loaded: config.Loaded, desktop: Launcher | None) -> None:
    """Once per user: what the employer can and cannot see, in the terminal and the log; on a
    desktop (`desktop`: what starts our windows there) with no policy, the welcome window too
    (core/first_run.py Rule 1). Under a policy it asks nothing (a managed rollout must start
    without questions). The marker is written once the notice is out and the window started
    (or failed to start), so neither comes again."""
    if paths.first_run_marker.exists():
        return  # `first_run_step` says DONE
    managed = policy.has_policy(loaded)
    step = first_run_step(shown=False, managed=managed, desktop=desktop is not None)
    # the policy's branding may hold escape sequences or bidi overrides: spelled out, never raw
    notice = terminal_safe(
        policy.first_run_notice(loaded.settings, managed=managed), keep_newlines=True
    )
    print(notice + "\n", flush=True)
    log.info("first run: told the user: %s", notice.replace("\n", " "))
    if step is FirstRun.WELCOME and desktop is not None:
        problem = desktop.launch("welcome")
        if problem is not None:
            log.warning("first run: no welcome window: %s", problem)
    try:
        paths.first_run_marker.touch(mode=0o600)
    except OSError as exc:
        log.warning("cannot note that the first-run notice was shown: %s", exc)


def _serve(paths: Paths, loaded: config.Loaded, store: Store, *, headless: bool) -> int:
    settings = loaded.settings
    on_desktop = not headless and display_available()
    if not headless and not on_desktop:
        print(_("No display found: running headless. Break prompts appear here in the terminal."))
    launcher = _launcher(paths, settings, headless=headless)
    _first_run_notice(paths, loaded, launcher if on_desktop else None)
    limit_extensions()  # before any X connection; the break window is another process
    idle, idle_reasons = select_idle_source()
    notifier, notify_reasons = select_notifier()
    # The tray and the break presenter hand commands to the service built after them (it takes
    # the tray's notices and reports to the presenter): they are given its inbox's submit.
    inbox = Inbox()
    tray, tray_reasons = _open_tray(settings, inbox.submit, launcher)
    if tray is not None:
        from posture_guard.ui.tray import with_tray_fallback  # noqa: PLC0415

        notifier = with_tray_fallback(notifier, tray)
    busy, busy_reasons = select_busy_source()
    chime, chime_reasons = select_chime(paths.sounds_dir)
    for reason in idle_reasons + notify_reasons + busy_reasons + chime_reasons + tray_reasons:
        log.info("not used: %s", reason)
    if not idle.HAS_IDLE_TIME:
        log.warning("%s (idle sources: %s)", IDLE_UNSEEN, "; ".join(idle_reasons) or "none asked")
    log.info("busy sources: %s", busy.name)
    log.info("break sounds: %s", chime.name)
    clock = SystemClock()
    service: Service | None = None

    def apply(new: config.Loaded) -> bool:
        return service is not None and service.apply_settings(new.settings)

    def report(trouble: SettingsTrouble | None) -> None:
        if service is not None:
            service.settings_trouble(trouble)

    write_fleet = fleet.FleetWriter(
        store,
        paths.device_id_file,
        clock.now,
        lambda: service.settings if service is not None else settings,
    )

    watch = SettingsWatch(paths, apply, report, loaded)
    presenter = BreakPresenter(notifier, inbox.submit) if on_desktop else None
    service = Service(
        settings,
        clock,
        idle,
        notifier,
        store=store,
        busy=busy,
        chime=chime,
        minute_jobs=(watch.check, write_fleet, *_tray_jobs(tray, notifier)),
        on_events=presenter,
        on_snapshot=tray.on_snapshot if tray is not None else None,
        inbox=inbox,
        on_desktop=presenter is not None,
        programme=_programme(
            store,
            paths,
            clock,
            lambda: (service.settings if service is not None else settings).timer.day_starts_at,
        ),
    )
    write_fleet()  # at once too, before the worker starts (it owns the store from then on)
    if isinstance(notifier, FallbackNotifier):  # `[notifications] enabled`, as it is now
        notifier.use_primary = lambda: service.settings.notifications

    signals = StopSignals(lambda _signum: service.stop())

    def work() -> None:
        try:
            service.run()
        finally:
            if tray is not None:
                tray.stop()

    signals.install()
    server = ControlServer(select_channel(paths.socket), service.submit)  # a pipe on Windows
    worker = threading.Thread(target=work, name="posture-guard-service")
    poller = Poller(watch, paths, service.post)  # an edit by hand applies within seconds
    server.start()
    poller.start()
    try:
        print(_running_banner(settings, idle.name, notifier.name, tray), flush=True)
        if tray is None:
            worker.start()
        else:  # the tray owns the main thread; the service starts once the icon is up
            tray.run(on_ready=worker.start, on_main_thread=signals.install)
            service.stop()
            if not worker.is_alive() and worker.ident is None:
                worker.start()  # the tray loop ended before its setup ran: still stop cleanly
        worker.join()
    finally:
        poller.close()
        server.close()
        signals.close()
        if presenter is not None:
            presenter.close()
    if not service.stopped_cleanly:
        print(
            _("posture-guard: the service stopped on an internal error; see the log file."),
            file=sys.stderr,
        )
        return 1
    return 0


#: Each break kind's part of the start banner's plan (English; shown through `_`).
_PLAN_WORDS: Final[Mapping[str, str]] = {
    "posture": N_("posture and eyes check every {duration}"),
    "stretch": N_("stretch break every {duration}"),
    "movement": N_("movement break every {duration}"),
}


def _programme(
    store: Store, paths: Paths, clock: Clock, day_starts_at: Callable[[], time]
) -> Callable[[], Catalogue | None]:
    """The clinic programme's exercises for the phase in force that are short of today's dose
    (core/pack.py Rule 8), read from the kept pack and the day's taken breaks each time a
    break's exercise is picked (the CLI may import a pack or change the phase)."""
    catalogue = load_catalogue()

    def programme() -> Catalogue | None:
        return programme_now(store, paths, catalogue, clock.now(), day_starts_at())

    return programme


def _running_banner(settings: Settings, idle: str, notifier: str, tray: TrayView | None) -> str:
    """What `run` prints once it is up: the adapters it chose, the break plan, the commands.
    The adapters' and the tray backend's names are names, not words."""
    plan = ", ".join(
        _(_PLAN_WORDS[b.kind]).format(duration=format_duration(b.every_s))
        if b.kind in _PLAN_WORDS
        else f"{b.title.lower()} every {format_duration(b.every_s)}"
        for b in settings.timer.breaks
    )
    words = {
        "pid": os.getpid(),
        "idle": idle,
        "notifier": notifier,
        "plan": plan or _("all turned off"),
    }
    if tray is not None:
        # Translators: keep the names in {} and the commands in `` as they are
        return _(
            "Posture Guard is running (pid {pid}; idle source: {idle}; notifications: "
            "{notifier}; tray: {tray}).\nBreaks: {plan}.\nControl it with `posture-guard "
            "status | snooze | skip | pause | resume | break-now | quit`."
        ).format(tray=tray.backend, **words)
    # Translators: keep the names in {} and the commands in `` as they are
    return _(
        "Posture Guard is running (pid {pid}; idle source: {idle}; notifications: "
        "{notifier}).\nBreaks: {plan}.\nControl it with `posture-guard status | snooze | "
        "skip | pause | resume | break-now | quit`."
    ).format(**words)
