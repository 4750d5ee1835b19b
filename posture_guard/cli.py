"""The command-line front end: parses, calls one function, prints. It decides nothing itself."""

from __future__ import annotations

import argparse
import functools
import os
import sys
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from posture_guard import __version__, report
from posture_guard.app import control
from posture_guard.app.managed import load_effective, policy_sources
from posture_guard.app.store import Store
from posture_guard.core import config, policy
from posture_guard.core.commands import BreakNow, Command, Pause, Quit, Resume, Skip, Snooze, Status
from posture_guard.core.episodes import CHECK_IN_FLAGS
from posture_guard.core.errors import (
    ClinicError,
    ControlError,
    DiaryValueError,
    PostureGuardError,
    format_key,
    format_value,
    terminal_safe,
)
from posture_guard.core.i18n import N_, _
from posture_guard.core.settings import BREAK_KINDS, Settings
from posture_guard.core.timer import State
from posture_guard.core.units import format_duration, parse_duration
from posture_guard.core.wording import (
    IDLE_UNSEEN,
    RECORD_A_BREAK,
    day_and_time,
    kind_word,
    snoozed_until_words,
    state_words,
)
from posture_guard.desktop import language
from posture_guard.desktop.clock import local_zone
from posture_guard.desktop.paths import Paths, default_paths
from posture_guard.report.columns import columns_text

if TYPE_CHECKING:
    from posture_guard.app import diary

# The diary, stats and report modules are imported by the commands that use them: `run` builds
# this parser too, and the service lives for days (each module is code it would keep in memory).

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2

_CONTROL_HELP: Final[Mapping[str, str]] = {
    "status": N_("show the next break, the state and today's figures"),
    "skip": N_("skip the break that is due"),
    "resume": N_("end a pause"),
    "break-now": N_("take a break now (the one due, else the next one)"),
    "quit": N_("stop the running service"),
}


class _Parser(argparse.ArgumentParser):
    """argparse, told the help's width when each parser is made, so that it never asks shutil
    (a formatter made without a width imports it for the terminal size, and with it bz2 and
    lzma: 0.5 MiB kept for the service's life; every add_argument makes one). Only the
    constructor is extended, through its formatter_class parameter: the formatter gets
    `width`, as HelpFormatter's own constructor takes it. Subcommand parsers are made of this
    class too (add_subparsers' parser_class defaults to the parent's class)."""

    def __init__(
        self,
        *,
        formatter_class: type[argparse.HelpFormatter] = argparse.HelpFormatter,
        **kwargs: Any,
    ) -> None:
        sized = functools.partial(formatter_class, width=_help_width())
        super().__init__(formatter_class=sized, **kwargs)


def _help_width() -> int:
    """$COLUMNS, else the terminal's width, else 80; less 2, as argparse does."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
    return columns - 2


def _parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = _Parser(
        prog="posture-guard",
        description=_("Breaks earned by active screen time, with one concrete exercise each."),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"posture-guard {__version__}",
        help=_("show program's version number and exit"),  # argparse's words, ours to translate
    )
    parser.add_argument(
        "--config",
        type=Path,
        # Translators: a placeholder in the usage line, in capitals: one word, no spaces
        metavar=_("FILE"),
        help=_("user config file (default: the per-user one)"),
    )
    parser.add_argument("-v", "--verbose", action="store_true", help=_("log to the terminal too"))
    # Translators: a placeholder in the usage line, in capitals: one word, no spaces
    commands = parser.add_subparsers(dest="verb", metavar=_("COMMAND"))
    run = commands.add_parser("run", help=_("start the service"))
    run.add_argument(
        "--headless", action="store_true", help=_("no tray or windows; prompts in the terminal")
    )
    run.add_argument(
        "--menu-if-running",
        action="store_true",
        help=_("when it is running already, open its menu (the applications menu's entry does)"),
    )
    for name, text in _CONTROL_HELP.items():
        commands.add_parser(name, help=_(text))
    snooze = commands.add_parser(
        "snooze", help=_("put the due break off (default: the configured snooze)")
    )
    # Translators: "duration" is a placeholder in the usage line (one word); keep "10m" as written
    snooze.add_argument("duration", nargs="?", metavar=_("duration"), help=_('e.g. "10m"'))
    pause = commands.add_parser(
        # Translators: keep "1h", "30m" and "until-tomorrow" as written: they are typed
        "pause",
        help=_('no breaks for a while: "1h" (default), "30m" or "until-tomorrow"'),
    )
    pause.add_argument("duration", nargs="?", default="1h", metavar=_("duration"))
    cfg = commands.add_parser("config", help=_("show or check the configuration"))
    cfg_commands = cfg.add_subparsers(dest="config_command", metavar=_("ACTION"), required=True)
    cfg_commands.add_parser("show", help=_("each effective value and where it came from"))
    check = cfg_commands.add_parser(
        "check", help=_("validate a config file; non-zero exit on problems")
    )
    check.add_argument("file", nargs="?", type=Path, metavar=_("file"))
    pol = commands.add_parser("policy", help=_("for IT: validate an organisation's policy"))
    pol_commands = pol.add_subparsers(dest="policy_command", metavar=_("ACTION"), required=True)
    pol_check = pol_commands.add_parser(
        "check",
        help=_("validate a policy file (.toml, .reg, .plist, .mobileconfig); exit 1 on problems"),
    )
    pol_check.add_argument("file", type=Path, metavar=_("file"))
    _diary_parsers(commands)
    summary = commands.add_parser("stats", help=_("active time and breaks of the last days"))
    summary.add_argument(
        "--days", type=_days, default=7, metavar="N", help=_("how many working days (default: 7)")
    )
    summary.add_argument(
        "--window",
        action="store_true",
        help=_(
            "show today, the last 7 and the last 30 days in a window (as the tray's Statistics…)"
        ),
    )
    _report_parser(commands)
    login = commands.add_parser("autostart", help=_("start Posture Guard at login (or not)"))
    login.add_argument("action", choices=("enable", "disable", "status"))
    place = commands.add_parser(
        "launcher", help=_("put Posture Guard and its icon in the applications menu (or not)")
    )
    place.add_argument("action", choices=("install", "remove"))
    commands.add_parser("doctor", help=_("which desktop backends work here, and why not"))
    commands.add_parser(
        "menu", help=_("open Posture Guard's menu in a window (where no tray icon shows)")
    )
    window = commands.add_parser(
        "settings", help=_("change the settings in a window (applied at once, no restart)")
    )
    window.add_argument(
        "--clinic", action="store_true", help=_("start at the clinic (the advice's Add my clinic)")
    )
    return parser


def _days(text: str) -> int:
    """`--days N`: a whole number 1..3650; anything else is a usage error that says so."""
    try:
        count = int(text)
    except ValueError:
        count = 0
    from posture_guard.core import summary  # noqa: PLC0415 - see the imports

    if not 1 <= count <= summary.MAX_DAYS:
        raise argparse.ArgumentTypeError(
            _("expected a whole number of days from 1 to {max}, got {text}").format(
                max=summary.MAX_DAYS, text=repr(text)
            )
        )
    return count


def _diary_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    episode = commands.add_parser("episode", help=_("the diary of neck-pain episodes"))
    actions = episode.add_subparsers(dest="episode_command", metavar=_("ACTION"), required=True)
    start = actions.add_parser("start", help=_("start an episode (only when none is open)"))
    update = actions.add_parser("update", help=_("add a timed update to the open episode"))
    for sub in (start, update):
        sub.add_argument("--pain", metavar="N", help=_("pain now, 0 (none) to 10 (worst)"))
        # Translators: keep none, mild, moderate and severe as written: they are the words typed
        sub.add_argument("--stiffness", metavar="S", help=_("none, mild, moderate or severe"))
        sub.add_argument("--symptom", metavar="S,..", help=_("symptoms, comma-separated"))
        sub.add_argument("--helped", metavar="H,..", help=_("what helped, comma-separated"))
        sub.add_argument("--notes", metavar=_("TEXT"))
        # the example stays ISO in every language: it is typed (dates people only read are in
        # the language's form, core/wording.py Rule 3)
        sub.add_argument(
            "--at", metavar="ISO", help=_("when (default: now), e.g. 2026-03-02T09:00")
        )
    # Translators: keep the words as written: they are typed (only the punctuation may change)
    start.add_argument("--where", metavar="A,..", help=_("neck-left, neck-right, shoulder..."))
    # Translators: keep the words as written: they are typed (only the punctuation may change)
    start.add_argument("--trigger", metavar="T,..", help=_("posture, stress, sleep-position..."))
    end = actions.add_parser("end", help=_("end the open episode"))
    end.add_argument("--at", metavar="ISO", help=_("when (default: now)"))
    actions.add_parser("list", help=_("every episode, oldest first"))
    show = actions.add_parser("show", help=_("one episode in full (default: open, else latest)"))
    show.add_argument("id", nargs="?", type=int)

    check_in = commands.add_parser(
        "check-in", help=_("answer the check-in questions and get advice")
    )
    for flag in CHECK_IN_FLAGS:
        # Translators: a placeholder in the usage line, in capitals: one word, no spaces
        check_in.add_argument(f"--{flag}", metavar=_("ANSWER"))
    check_in.add_argument(
        "--yes",
        action="store_true",
        # Translators: keep "same" and "no" as written: they are the answers filled in
        help=_(
            "ask nothing: answers not given are taken from your last check-in (age band, risk "
            'history, days of home care) and the open episode (pain, stiffness), else "same" or "no"'
        ),
    )
    advice = commands.add_parser("advice", help=_("the latest advice, read against the diary now"))
    advice.add_argument("--open", action="store_true", help=_("open the booking link, if any"))

    clinic = commands.add_parser("clinic", help=_("your clinic, for the advice's booking link"))
    clinic_actions = clinic.add_subparsers(
        dest="clinic_command", metavar=_("ACTION"), required=True
    )
    clinic_set = clinic_actions.add_parser("set", help=_("set your clinic"))
    clinic_set.add_argument("--name", required=True, metavar=_("NAME"))
    clinic_set.add_argument("--booking-url", metavar="URL")
    clinic_set.add_argument("--phone", metavar=_("PHONE"))
    clinic_set.add_argument(
        "--hours", metavar=_("HOURS"), help=_('opening hours, e.g. "Mon-Fri 08:00-18:00"')
    )
    clinic_import = clinic_actions.add_parser(
        "import", help=_("read a clinic file, or a clinic's pack (a folder or a zip)")
    )
    clinic_import.add_argument("file", type=Path, metavar=_("file"))
    clinic_actions.add_parser("show", help=_("the clinic set now, and its programme"))
    clinic_phase = clinic_actions.add_parser(
        "phase", help=_("choose the phase of the clinic's programme you are in")
    )
    clinic_phase.add_argument("phase", metavar=_("PHASE"))

    exercises = commands.add_parser("exercises", help=_("the exercise catalogue"))
    exercises.add_argument(
        "--for-break", choices=BREAK_KINDS, help=_("what a break of this kind would offer now")
    )


def _parse(argv: Sequence[str] | None) -> argparse.Namespace | None:
    """The parsed command line, or None once the help is printed (no command given).

    The parser is dropped on return: it holds every subcommand's parser, and `run` keeps the
    caller's frame alive as long as the service runs.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    if args.verb is None:
        parser.print_help()
        return None
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code. User mistakes print a message, never a traceback."""
    language.install(_language_setting(argv))
    args = _parse(argv)
    if args is None:
        return EXIT_USAGE
    if args.config is not None and not args.config.is_file():
        print(
            "posture-guard: "
            + _("{file}: no such file (given with --config)").format(file=args.config),
            file=sys.stderr,
        )
        return EXIT_USAGE
    paths = default_paths(config_file=args.config)
    try:
        if args.verb == "run":
            from posture_guard.runner import run_service  # noqa: PLC0415 - only `run` needs the shell

            return run_service(
                paths,
                headless=args.headless,
                verbose=args.verbose,
                menu_if_running=args.menu_if_running,
            )
        if args.verb == "config":
            return _config(args, paths)
        if args.verb == "policy":
            return _policy_check(args.file)
        if args.verb in _DIARY_COMMANDS:
            return _diary(args, paths)
        if args.verb == "stats":
            return _stats(args, paths)
        if args.verb == "report":
            return _report(args, paths)
        if args.verb == "menu":
            from posture_guard.ui import menu_window  # noqa: PLC0415 - a window on demand

            config_args = ["--config", str(args.config)] if args.config is not None else []
            return menu_window.main(config_args)
        if args.verb == "settings":
            from posture_guard.ui import settings_window  # noqa: PLC0415 - a window on demand

            config_args = ["--config", str(args.config)] if args.config is not None else []
            return settings_window.main(config_args + (["--clinic"] if args.clinic else []))
        if args.verb in ("autostart", "launcher", "doctor"):
            from posture_guard.ui import setup  # noqa: PLC0415 - desktop probing on demand

            if args.verb == "autostart":
                return setup.autostart(args.action)
            return setup.launcher(args.action) if args.verb == "launcher" else setup.doctor()
        return _control(args, paths)
    except PostureGuardError as exc:
        print(f"posture-guard: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `posture-guard config show | head`
        sys.stderr.close()
        return EXIT_OK


def _language_setting(argv: Sequence[str] | None) -> str | None:
    """`general.language` from the settings, read before the arguments are parsed so that the
    help speaks it too; None for "auto" or when the settings cannot be read (their problems are
    reported by the command that needs them)."""
    early = _Parser(add_help=False, exit_on_error=False)  # sized: argparse's own asks shutil
    early.add_argument("--config", type=Path)
    try:
        known, _rest = early.parse_known_args(argv)
    except argparse.ArgumentError:  # `--config` without a path: the real parser says so
        return None
    try:
        loaded = load_effective(default_paths(config_file=known.config))
    except (PostureGuardError, OSError):
        return None
    return loaded.settings.language


# --- config ------------------------------------------------------------------------------------


#: Where a value came from, as `config show` says it (the layers' names in English).
_LAYER_WORDS: Final[Mapping[config.Layer, str]] = {
    config.Layer.BUILT_IN: N_("built-in"),
    config.Layer.POLICY: N_("policy"),
    config.Layer.USER: N_("user"),
}


def _config(args: argparse.Namespace, paths: Paths) -> int:
    if args.config_command == "check":
        target = args.file or paths.user_config
        if args.file is not None and not args.file.is_file():
            print(_("{file}: no such file").format(file=args.file), file=sys.stderr)
            return EXIT_FAILED
        loaded = config.load(target, policies=policy_sources(paths))
        for problem in loaded.problems:
            print(problem.message, file=sys.stderr)
        if loaded.problems:
            return EXIT_FAILED
        print(_("{file}: OK").format(file=target))
        return EXIT_OK
    loaded = load_effective(paths)
    for problem in loaded.problems:
        print(problem.message, file=sys.stderr)
    if any(p.layer is config.Layer.USER for p in loaded.errors):
        _running_with_last_good(paths)
    user_line = (
        _("# user file:   {path}")
        if paths.user_config.exists()
        else _("# user file:   {path} (none)")
    )
    print(user_line.format(path=paths.user_config))
    policy_line = (
        _("# policy file: {path}")
        if paths.policy and paths.policy.exists()
        else _("# policy file: {path} (none)")
    )
    print(policy_line.format(path=paths.policy or "-"))
    if paths.policy_override is not None:
        print(f"# {paths.policy_override}")
    for source in sorted(
        {o.file for o in loaded.origins.values() if o.layer is config.Layer.POLICY}
    ):
        print(_("# policy from: {path}").format(path=source))
    width = max(len(f"{format_key(k)} = {format_value(loaded.values[k])}") for k in config.KEYS)
    for key in config.KEYS:
        origin = loaded.origins[key]
        layer = _(_LAYER_WORDS[origin.layer])
        where = (
            layer
            if origin.layer is config.Layer.BUILT_IN
            else _("{layer}: {file}").format(layer=layer, file=origin.file)
        )
        lock = ""
        if origin.locked:
            by = loaded.locked_by.get(key, origin.file)
            lock = _(", locked") if by == origin.file else _(", locked by {file}").format(file=by)
        line = f"{format_key(key)} = {format_value(loaded.values[key])}"
        print(f"{line:<{width}}  # {where}{lock}")
    return EXIT_FAILED if loaded.errors else EXIT_OK


def _running_with_last_good(paths: Paths) -> None:
    """Under the file's problems, what a running service does about them: it keeps its last
    good settings (its status says so). Nothing when no service answers at once."""
    try:
        reply = control.request(paths.socket, Status(), timeout=2)
    except ControlError:
        return
    status = reply.get("status")
    if isinstance(status, dict) and status.get("settings_problem"):
        print(
            _(
                "posture-guard: the running service keeps its last good settings until the "
                "file is fixed; the values below are what the file gives now."
            ),
            file=sys.stderr,
        )


def _policy_check(file: Path) -> int:
    """`posture-guard policy check FILE`: every problem on stderr, exit 1; else "FILE: OK"."""
    problems = policy.check_policy_file(file)
    for message in problems:
        print(message, file=sys.stderr)
    if problems:
        return EXIT_FAILED
    print(_("{file}: OK").format(file=file))
    return EXIT_OK


# --- diary -------------------------------------------------------------------------------------

_DIARY_COMMANDS: Final = frozenset({"episode", "check-in", "advice", "clinic", "exercises"})


def _diary(args: argparse.Namespace, paths: Paths) -> int:
    """The diary commands: bad input exits 2, a refused change 1; neither changes anything."""
    action = getattr(args, "episode_command", None) or getattr(args, "clinic_command", None)
    name = f"posture-guard {args.verb}" + (f" {action}" if action else "")
    from posture_guard.app import diary  # noqa: PLC0415 - see the imports

    try:
        with diary.open_store(paths) as store:
            return _diary_command(args, paths, store)
    except DiaryValueError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ClinicError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return EXIT_USAGE if args.verb == "clinic" and action == "set" else EXIT_FAILED
    except EOFError:
        print(
            "\n"
            + _("{command}: cancelled at the end of the input; nothing was saved").format(
                command=name
            ),
            file=sys.stderr,
        )
        return EXIT_FAILED
    except PostureGuardError as exc:
        print(f"{name}: {exc}", file=sys.stderr)
        return EXIT_FAILED


def _org_clinic(settings: Settings) -> diary.OrgClinic | None:
    from posture_guard.app import diary  # noqa: PLC0415 - see the imports

    return diary.org_clinic(settings)


def _diary_command(args: argparse.Namespace, paths: Paths, store: Store) -> int:
    from posture_guard.app import diary  # noqa: PLC0415 - see the imports

    now = datetime.now().astimezone().replace(microsecond=0)
    settings = load_effective(paths).settings
    if args.verb == "episode":
        if args.episode_command in ("start", "update"):
            answers = diary.EpisodeAnswers(
                at=args.at,
                pain=args.pain,
                stiffness=args.stiffness,
                where=getattr(args, "where", None),
                trigger=getattr(args, "trigger", None),
                symptom=args.symptom,
                helped=args.helped,
                notes=args.notes,
            )
            do = diary.start_episode if args.episode_command == "start" else diary.update_episode
            print(do(store, answers, now))
        elif args.episode_command == "end":
            print(diary.end_episode(store, args.at, now))
        elif args.episode_command == "list":
            print(diary.list_episodes(store, now))
        else:
            print(diary.show_episode(store, args.id))
    elif args.verb == "check-in":
        given = {flag: getattr(args, flag.replace("-", "_")) for flag in CHECK_IN_FLAGS}
        advice = diary.check_in(
            store,
            given,
            now,
            ask=None if args.yes else input,
            say=print,
            fallback=_org_clinic(settings),
        )
        print()
        print(diary.advice_text(advice))
        if report.offers_report(advice.tier):
            print()
            print(_(report.REPORT_OFFER))
    elif args.verb == "advice":
        found = diary.current_advice(store, now, fallback=_org_clinic(settings))
        if found is None:
            print(_("No check-in yet: run `posture-guard check-in` first."), file=sys.stderr)
            return EXIT_FAILED
        stored, advice = found
        print(diary.advice_text(advice, stored))
        for line in diary.clock_ahead_lines(store, now, stored):
            print(line)
        if args.open:
            opened = diary.open_booking(advice)
            if opened is None:
                print("posture-guard advice: " + _("no booking link to open"), file=sys.stderr)
                return EXIT_FAILED
            handed, line = opened
            if not handed:
                print("posture-guard advice: " + line, file=sys.stderr)
                return EXIT_FAILED
            print("\n" + line)
    elif args.verb == "clinic":
        refusal = policy.clinic_change_refusal(settings)
        if refusal is not None and args.clinic_command in ("set", "import"):
            print(f"posture-guard clinic {args.clinic_command}: {refusal}", file=sys.stderr)
            return EXIT_FAILED
        if args.clinic_command == "set":
            print(
                diary.set_clinic(
                    store,
                    name=args.name,
                    booking_url=args.booking_url,
                    phone=args.phone,
                    hours=args.hours,
                )
            )
        elif args.clinic_command == "import":
            print(diary.import_clinic(store, args.file, paths))
        elif args.clinic_command == "phase":
            print(diary.set_phase(store, paths, args.phase))
        else:
            org = _org_clinic(settings)
            if store.clinic() is None and org is not None:
                print(_("Your organisation ({name}) offers this clinic:").format(name=org.owner))
                print(diary.describe_clinic(org.profile))
            else:
                print(diary.show_clinic(store, paths))
    else:
        print(diary.exercises_text(store, paths, args.for_break, now))
    return EXIT_OK


# --- stats -------------------------------------------------------------------------------------


def _stats(args: argparse.Namespace, paths: Paths) -> int:
    from posture_guard.app import diary, stats  # noqa: PLC0415 - see the imports

    if args.window:  # the tray's window, in this process (it reads the same figures)
        from posture_guard.ui import statistics  # noqa: PLC0415

        return statistics.main(["--config", str(paths.user_config)])

    day_starts_at = load_effective(paths).settings.timer.day_starts_at
    zone = local_zone() or datetime.now().astimezone().tzinfo
    now = datetime.now(zone).replace(microsecond=0)
    with diary.open_store(paths) as store:
        print(stats.stats_text(store, now, day_starts_at, args.days))
    return EXIT_OK


# --- report ------------------------------------------------------------------------------------


def _report_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "report",
        help=_("a report for your clinician (html, pdf) or your records (csv, json)"),
        description=_(
            "Write a report of your diary and screen work to a private file (mode 0600). html and"
            " pdf are the clinician report; csv (a zip of one CSV file per table) and json hold"
            " every record of the period. The file contains health information."
        ),
        epilog=columns_text(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--since",
        type=_since,
        default=report.FITTED,
        metavar=_("AGE"),
        # Translators: keep "90d", "12w", "1y" and "all" as written: they are typed
        help=_(
            'how far back: "90d", "12w", "1y", or "all" (default: 90 days, or from your first'
            " record when that is later)"
        ),
    )
    parser.add_argument(
        "--out",
        type=Path,
        # Translators: a placeholder in the usage line, in capitals: one word, no spaces
        metavar=_("FILE"),
        help=_(
            "the file to write (replaced if it exists); default:"
            " posture-guard-report-YYYY-MM-DD.EXT here, never replacing a file"
        ),
    )
    parser.add_argument(
        "--format",
        choices=report.FORMATS,
        default="html",
        # Translators: keep html, pdf, csv and json as written: they are the formats typed
        help=_("html (default) or pdf: the clinician report; csv (a zip) or json: every record"),
    )
    parser.add_argument(
        "--open",
        action="store_true",
        help=_(
            "open it in your browser or viewer (without --out: one private copy in your data"
            " folder, replaced each time)"
        ),
    )


def _since(text: str) -> int | None:
    try:
        return report.parse_since(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc}, got {text!r}") from None


def _report(args: argparse.Namespace, paths: Paths) -> int:
    from posture_guard.report import write  # noqa: PLC0415 - the service never needs it (report Rule 4)

    out = args.out
    if out is None and args.open:  # to look at, not to keep: one private copy, reused
        out = write.viewing_copy(paths, args.format)
    try:
        written = write.write_report(paths, args.format, out, args.since)
    except OSError as exc:
        # the name given, never a temporary one
        where = args.out or exc.filename or _("the report")
        print(
            "posture-guard report: "
            + _("{file}: can't write it: {reason}").format(file=where, reason=exc.strerror),
            file=sys.stderr,
        )
        return EXIT_FAILED
    print(write.written_text(written))
    if args.open and not write.open_report(written.path):
        print(
            "posture-guard report: "
            + _("can't open it here (no browser or viewer found); open the file yourself"),
            file=sys.stderr,
        )
        return EXIT_FAILED
    return EXIT_OK


# --- control -----------------------------------------------------------------------------------

#: The control verbs without arguments, and their commands.
_CONTROL_COMMANDS: Final[Mapping[str, Command]] = {
    c.VERB: c() for c in (Status, Skip, Resume, BreakNow, Quit)
}


def _control(args: argparse.Namespace, paths: Paths) -> int:
    refusal = policy.command_refusal(load_effective(paths).settings, args.verb)
    if refusal is not None:
        print(f"posture-guard {args.verb}: {refusal}", file=sys.stderr)
        return EXIT_FAILED
    try:
        command = _command(args)
    except ValueError as exc:
        # a duration's message (units.DURATION_EXPECTED) is marked for the catalogues
        print(f"posture-guard {args.verb}: {args.duration!r}: {_(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    reply = control.request(paths.socket, command)
    if not reply.get("ok"):
        error = reply["error"] if "error" in reply else _("the service refused")
        print(f"posture-guard: {error}", file=sys.stderr)
        return EXIT_FAILED
    status = reply.get("status")
    if args.verb == "status" and isinstance(status, dict):
        print(format_status(status))
    else:
        print(reply["message"] if "message" in reply else _("OK."))
    return EXIT_OK


def _command(args: argparse.Namespace) -> Command:
    """The command a control verb's arguments stand for.

    Raises:
        ValueError: the duration is not one (`parse_duration`'s message).
    """
    if args.verb == "snooze":
        return Snooze(seconds=None if args.duration is None else parse_duration(args.duration))
    if args.verb == "pause":
        if args.duration in ("until-tomorrow", "tomorrow"):
            return Pause(tomorrow=True)
        return Pause(seconds=parse_duration(args.duration))
    return _CONTROL_COMMANDS[args.verb]


#: Status lines are "label value", the values lined up after the widest usual label (a longer
#: label, such as "Paused until:", pushes its value on).
_LABEL_WIDTH: Final = 12


def _status_line(label: str, value: str) -> str:
    return f"{label:<{_LABEL_WIDTH}} {value}"


def settings_problem_lines(status: Mapping[str, object]) -> list[str]:
    """What `status` and `config show` say while the service keeps its last good settings
    because the settings file has a problem (the status's "settings_problem"); [] when not."""
    trouble = status.get("settings_problem")
    if not isinstance(trouble, dict):
        return []
    problems = trouble.get("problems")
    lines = [
        _status_line(
            # Translators: a status label, like "State:"
            _("Settings:"),
            _("{file} has a problem; the last good settings are in use").format(
                file=trouble.get("file")
            ),
        )
    ]
    if isinstance(problems, list):
        lines += [_status_line("", terminal_safe(str(problem))) for problem in problems]
    return lines


def format_status(status: Mapping[str, object]) -> str:
    """The `status` command's text from the service's JSON status, in this process's language
    (the state from `state`; the service's own `state_text` only for a state it added since)."""
    state = str(status.get("state"))
    known = State.__members__.get(state.upper())
    state_text = state_words(known) if known else str(status.get("state_text", state))
    if status.get("current"):
        # Translators: the state, then the kind of break it is about: "a break is due, posture break"
        state_text = _("{state}, {kind} break").format(
            state=state_text, kind=kind_word(str(status["current"]))
        )
    lines = [
        _(
            "Posture Guard is running (pid {pid}; idle source: {idle_source}; "
            "notifications: {notifier})"
        ).format(
            pid=status.get("pid"),
            idle_source=status.get("idle_source"),
            notifier=status.get("notifier"),
        ),
        # Translators: status labels; values line up 13 characters in, a longer label is fine
        _status_line(_("State:"), state_text),
    ]
    if status.get("sees_idle") is False:
        # Translators: a status label, like "State:"
        lines.append(_status_line(_("Idle time:"), _(IDLE_UNSEEN)))
        # Translators: a status label, like "State:"; what follows says how to record a break
        lines.append(_status_line(_("Breaks:"), _(RECORD_A_BREAK)))
    if status.get("waiting_for"):
        lines.append(
            _status_line(
                _("Waiting:"),
                _("until the desktop is free ({reason})").format(reason=status["waiting_for"]),
            )
        )
    if state == "paused":
        until = status.get("paused_until")
        if isinstance(until, str):
            moment = datetime.fromisoformat(until)
            # Translators: the end of a pause: a weekday (Mon) and a time (14:30)
            when = _("{day} {time}").format(**day_and_time(moment))
        else:
            # Translators: after "Paused until:", when the pause has no end time
            when = _("you resume")
        lines.append(_status_line(_("Paused until:"), when))
    until = status.get("snoozed_until")
    at = status.get("at")
    if state == "snoozed" and isinstance(until, str) and isinstance(at, str):
        # the snooze runs in real time: say when it ends, not the next break's active time
        ends = datetime.fromisoformat(until)
        left = (ends - datetime.fromisoformat(at)).total_seconds()
        lines.append(
            _status_line(
                # Translators: a status label, like "State:"
                _("Snoozed until:"),
                snoozed_until_words(ends, left, str(status.get("current"))),
            )
        )
    next_in = status.get("next_in_s")
    if status.get("next_kind") and isinstance(next_in, int | float) and state == "working":
        lines.append(
            _status_line(
                _("Next break:"),
                _("{kind} in {duration} of active time").format(
                    kind=kind_word(str(status["next_kind"])), duration=format_duration(next_in)
                ),
            )
        )
    lines += settings_problem_lines(status)
    active = status.get("active_today_s")
    outcomes = status.get("outcomes_today")
    totals: dict[str, int] = {}
    if isinstance(outcomes, dict):
        for per_kind in outcomes.values():
            for outcome, count in per_kind.items():
                totals[outcome] = totals.get(outcome, 0) + int(count)
    active_text = format_duration(active) if isinstance(active, int | float) else "?"
    lines.append(
        _status_line(
            _("Today:"),
            _("{active} active; breaks {taken} taken, {natural} natural, {skipped} skipped").format(
                active=active_text,
                taken=totals.get("taken", 0),
                natural=totals.get("natural", 0),
                skipped=totals.get("skipped", 0),
            ),
        )
    )
    return "\n".join(lines)
