"""A clinic's pack: its details and the exercise programme it prescribes, checked whole.

Rule 1: pure. A pack arrives as its files' bytes by name (`files`); reading a folder or a zip,
        and keeping the pack, are the shell's (app/pack.py). Nothing here touches the disk.
Rule 2: a pack is checked whole before anything is kept, and the first problem raises one
        ClinicError naming the file, the key, what was expected and what was got. The order:
        the file names, the manifest (every file listed, every listed file there, every sum
        right), then pack.toml: [pack], [clinic], [[exercise]] (each picture a PNG),
        [programme] and its exercises.
Rule 3: the manifest (MANIFEST.sha256, the format `sha256sum` writes) lists the SHA-256 of every
        other file. A file it does not list, a file it lists that is not there, or a sum that
        does not match refuses the pack: a damaged or altered pack is never half used.
Rule 4: a pack's exercises are the catalogue's schema (core/exercises.py), their pictures
        `pictures/<id>.png` in the pack, PNG files (checked by their signature, not their name).
        Their ids differ from the catalogue's. The programme may also prescribe catalogue
        exercises by id.
Rule 5: the programme is phases in order (e.g. acute -> recovery -> maintenance), each with the
        exercises it prescribes and how many times a day. The first phase is the one in force
        until the person chooses another; a phase a prescription names must be one of them.
Rule 6: the booking link of a pack must be https://, as every clinic's (core/clinic.py Rule 2a).
Rule 7: the advice still wins: the programme only says which exercises the picker may offer
        (`programme_catalogue`); the picker's cautions and neck limit (exercises.py Rules 4-9)
        apply to them as to the catalogue's.
Rule 8: the dose: a break offers the programme's exercises that were done fewer times today
        than prescribed (`per_day`); once each has had its dose, the day's programme is done
        and breaks offer the catalogue's exercises again.

A pack (a folder, or a zip of one):

    pack.toml           [pack] id, version; [clinic] as a clinic file; [[exercise]] ...;
                        [programme] phases = [...]; [[programme.exercise]] phase, exercise, per_day
    pictures/<id>.png   the pictures of the pack's own exercises
    MANIFEST.sha256     "<sha256>  <file>" for every other file
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

from posture_guard.core.clinic import ClinicProfile, parse_clinic_table
from posture_guard.core.content import ID_RE, Invalid, Refusal, parse_toml
from posture_guard.core.errors import MISSING, ContentError, PackError, PostureGuardError
from posture_guard.core.exercises import Catalogue, Exercise, parse_exercise
from posture_guard.core.i18n import N_, _

PACK_FILE: Final = "pack.toml"
MANIFEST_FILE: Final = "MANIFEST.sha256"
PICTURE_DIR: Final = "pictures"
PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"

#: Limits that keep a pack small and a zip bomb out (the shell enforces them while reading).
MAX_FILES: Final = 64
MAX_FILE_BYTES: Final = 2 * 1024 * 1024
MAX_PACK_BYTES: Final = 8 * 1024 * 1024
MAX_PER_DAY: Final = 12
_MAX_VERSION_CHARS: Final = 40
_MAX_NAME_CHARS: Final = 100

_NAME_RE: Final = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*(/[A-Za-z0-9_][A-Za-z0-9._-]*)*$")
_MANIFEST_LINE: Final = re.compile(r"^([0-9a-fA-F]{64}) [ *](.+)$")
_TOP_KEYS: Final = ("pack", "clinic", "exercise", "programme")

NAME_EXPECTED: Final = N_(
    "expected a file name inside the pack: letters, digits, ., _ and -, folders joined by /"
    " (no .., no absolute path)"
)
#: How a file's name is named in a message about it.
FILE_NAME: Final = "file name"
PACK_MISSING: Final = N_("expected the pack's details and programme")
MANIFEST_MISSING: Final = N_("expected a manifest of every file's SHA-256 sum")
MANIFEST_LINE_EXPECTED: Final = N_(
    'expected a line "<64 hex digits>  <file>", as sha256sum writes it'
)
NOT_LISTED: Final = N_("expected a line for every file of the pack; this file has none")
LISTED_MISSING: Final = N_("expected the file this line lists; it is not in the pack")
SUM_EXPECTED: Final = N_("expected SHA-256 {sum}: the file was changed or damaged")
UTF8_EXPECTED: Final = N_("expected UTF-8 text")
PACK_ID_EXPECTED: Final = N_("expected an id of lower-case words joined by -")
VERSION_EXPECTED: Final = N_('expected a version: one short line of text, like "1.2"')
PNG_EXPECTED: Final = N_("expected a PNG picture (a file that starts with the PNG signature)")
PICTURE_MISSING: Final = N_("expected a picture file in the pack; it is not there")
OWN_ID_EXPECTED: Final = N_("expected an id the built-in exercises do not use")
PHASES_EXPECTED: Final = N_(
    "expected a list of phase ids (lower-case words joined by -), each once"
)
PER_DAY_EXPECTED: Final = N_("expected a whole number of times a day from 1 to {high}")
EXERCISE_REF_EXPECTED: Final = N_("expected the id of an exercise of the pack or of the catalogue")
PHASE_EMPTY: Final = N_("expected at least one exercise for each phase; none for {phase}")
UNKNOWN_KEY: Final = N_("unknown key (expected one of: {keys})")


@dataclass(frozen=True, slots=True, kw_only=True)
class Prescription:
    """One exercise of a phase, and how many times a day."""

    phase: str
    exercise: str
    per_day: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Pack:
    """A checked pack (Rule 2). `exercises` are its own, in file order; `digest` is the
    manifest's SHA-256, which names this exact pack."""

    id: str
    version: str
    clinic: ClinicProfile
    phases: tuple[str, ...]
    prescriptions: tuple[Prescription, ...]
    exercises: tuple[Exercise, ...]
    digest: str

    def in_phase(self, phase: str) -> tuple[Prescription, ...]:
        """The prescriptions of `phase`, in file order (none for a phase the pack lacks)."""
        return tuple(p for p in self.prescriptions if p.phase == phase)


def name_problem(name: str) -> str | None:
    """None when `name` is a safe relative name inside a pack, else the "expected ..." text."""
    if (
        len(name) > _MAX_NAME_CHARS
        or not _NAME_RE.fullmatch(name)
        or any(part in (".", "..") for part in name.split("/"))
    ):
        return NAME_EXPECTED
    return None


def is_png(data: bytes) -> bool:
    return data.startswith(PNG_SIGNATURE)


def _join(where: str, name: str) -> str:
    return f"{where}/{name}" if where else name


def parse_manifest(text: str, *, file: str) -> dict[str, str]:
    """The manifest's sums by file name (lower-case hex).

    Raises:
        PackError: a line that is not "<sum>  <file>", an unsafe or repeated name.
    """
    sums: dict[str, str] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if not line:
            continue
        match = _MANIFEST_LINE.fullmatch(line)
        if match is None:
            raise PackError(file, f"line {number}", MANIFEST_LINE_EXPECTED, line)
        digest, name = match.group(1).lower(), match.group(2)
        if name_problem(name) is not None or name == MANIFEST_FILE or name in sums:
            raise PackError(file, f"line {number}", NAME_EXPECTED, name)
        sums[name] = digest
    return sums


def manifest_text(sums: Mapping[str, str]) -> str:
    """The manifest of files whose SHA-256 sums are `sums` (the manifest left out), by name."""
    return "".join(
        f"{digest}  {name}\n" for name, digest in sorted(sums.items()) if name != MANIFEST_FILE
    )


def check_manifest(files: Mapping[str, bytes], sums: Mapping[str, str], *, where: str) -> str:
    """Rule 3; returns the manifest's own SHA-256 (the pack's digest). `sums`: each file's
    SHA-256 (hex), worked out by the shell (hashing is not the core's: test_layering).

    Raises:
        PackError: no manifest, a bad line, a file not listed, a listed file missing, a sum
            that does not match.
    """
    for name in sorted(files):
        if name_problem(name) is not None:
            raise PackError(where, FILE_NAME, NAME_EXPECTED, name)
    raw = files.get(MANIFEST_FILE)
    if raw is None:
        raise PackError(where, MANIFEST_FILE, MANIFEST_MISSING)
    file = _join(where, MANIFEST_FILE)
    listed = parse_manifest(_utf8(raw, file), file=file)
    for name in sorted(files):
        if name != MANIFEST_FILE and name not in listed:
            raise PackError(file, name, NOT_LISTED)
    for name, digest in listed.items():
        if name not in files:
            raise PackError(file, name, LISTED_MISSING, digest)
        if sums[name] != digest:
            raise PackError(file, name, _(SUM_EXPECTED).format(sum=digest), sums[name])
    return sums[MANIFEST_FILE]


def _utf8(data: bytes, file: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise PackError(file, "", UTF8_EXPECTED) from None


def read_pack(
    files: Mapping[str, bytes], sums: Mapping[str, str], *, where: str, catalogue: Catalogue
) -> Pack:
    """Check a whole pack (Rule 2) and read it.

    Args:
        files: every file of the pack by its name inside the pack ("pictures/a.png"), the
            manifest included.
        sums: the SHA-256 (hex) of each of `files`, by name.
        where: the pack as the person named it (a folder or a zip), for messages.
        catalogue: the built-in exercises (a prescription may name one; an own id may not).

    Raises:
        PackError: the first problem, one line: "<where>/<file>: <key> = <got>: <expected>".
    """
    digest = check_manifest(files, sums, where=where)
    file = _join(where, PACK_FILE)
    raw = files.get(PACK_FILE)
    if raw is None:
        raise PackError(where, PACK_FILE, PACK_MISSING)
    try:
        document = parse_toml(_utf8(raw, file))
    except Invalid as exc:
        raise PackError(file, "", exc.expected) from None
    for key, value in document.items():
        if key not in _TOP_KEYS:
            raise PackError(file, key, _unknown(_TOP_KEYS), value)
    pack_id, version = _pack_table(document.get("pack", MISSING), file)
    clinic = parse_clinic_table(document.get("clinic", MISSING), file=file)
    exercises = _exercises(document.get("exercise", []), files, file, catalogue)
    phases, prescriptions = _programme(
        document.get("programme", MISSING), file, {e.id for e in exercises}, catalogue
    )
    return Pack(
        id=pack_id,
        version=version,
        clinic=clinic,
        phases=phases,
        prescriptions=prescriptions,
        exercises=exercises,
        digest=digest,
    )


def _unknown(keys: Sequence[str]) -> str:
    return _(UNKNOWN_KEY).format(keys=", ".join(keys))


def _table(value: object, file: str, name: str, keys: Sequence[str]) -> dict[str, object]:
    if value is MISSING:
        raise PackError(file, f"[{name}]", _("expected a [{name}] table").format(name=name))
    if not isinstance(value, dict):
        raise PackError(file, name, _("expected a [{name}] table").format(name=name), value)
    for key, item in value.items():
        if key not in keys:
            raise PackError(file, f"[{name}] {key}", _unknown(keys), item)
    return value


def _pack_table(value: object, file: str) -> tuple[str, str]:
    table = _table(value, file, "pack", ("id", "version"))
    pack_id = table.get("id", MISSING)
    if not isinstance(pack_id, str) or not ID_RE.fullmatch(pack_id):
        raise PackError(file, "[pack] id", PACK_ID_EXPECTED, pack_id)
    version = table.get("version", MISSING)
    if (
        not isinstance(version, str)
        or not version.strip()
        or len(version) > _MAX_VERSION_CHARS
        or not version.isprintable()
    ):
        raise PackError(file, "[pack] version", VERSION_EXPECTED, version)
    return pack_id, version


def _exercises(
    value: object, files: Mapping[str, bytes], file: str, catalogue: Catalogue
) -> tuple[Exercise, ...]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise PackError(file, "exercise", _("expected [[exercise]] tables"), value)
    builtin = {e.id for e in catalogue.exercises}
    seen: set[str] = set()
    found: list[Exercise] = []
    for number, values in enumerate(value, start=1):

        def refuse(refusal: Refusal, number: int = number) -> PostureGuardError:
            return ContentError(
                file, f"exercise #{number}", refusal.key, refusal.expected, refusal.got
            )

        try:
            exercise = parse_exercise(
                file, values, refuse, catalogue.sources, picture_dir=PICTURE_DIR
            )
        except ContentError as exc:
            raise PackError(file, _entry_key(exc.entry, exc.key), exc.expected, exc.got) from None
        entry = f'exercise "{exercise.id}"'
        if exercise.id in builtin or exercise.id in seen:
            raise PackError(file, f"[{entry}] id", OWN_ID_EXPECTED, exercise.id)
        seen.add(exercise.id)
        picture = files.get(exercise.picture)
        if picture is None:
            raise PackError(file, f"[{entry}] picture", PICTURE_MISSING, exercise.picture)
        if not is_png(picture):
            raise PackError(file, f"[{entry}] picture", PNG_EXPECTED, exercise.picture)
        found.append(exercise)
    return tuple(found)


def _entry_key(entry: str, key: str) -> str:
    return f"[{entry}] {key}" if entry and key else entry or key


def _programme(
    value: object, file: str, own: set[str], catalogue: Catalogue
) -> tuple[tuple[str, ...], tuple[Prescription, ...]]:
    table = _table(value, file, "programme", ("phases", "exercise"))
    phases = table.get("phases", MISSING)
    if (
        not isinstance(phases, list)
        or not phases
        or not all(isinstance(p, str) and ID_RE.fullmatch(p) for p in phases)
        or len(set(phases)) != len(phases)
    ):
        raise PackError(file, "[programme] phases", PHASES_EXPECTED, phases)
    items = table.get("exercise", MISSING)
    if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
        raise PackError(
            file, "[programme] exercise", _("expected [[programme.exercise]] tables"), items
        )
    known = own | {e.id for e in catalogue.exercises}
    spelled = ", ".join(f'"{p}"' for p in phases)
    prescriptions: list[Prescription] = []
    for number, item in enumerate(items, start=1):
        name = f"[programme.exercise #{number}]"
        keys = ("phase", "exercise", "per_day")
        for key, got in item.items():
            if key not in keys:
                raise PackError(file, f"{name} {key}", _unknown(keys), got)
        phase = item.get("phase", MISSING)
        if phase not in phases:
            raise PackError(
                file,
                f"{name} phase",
                _("expected one of the programme's phases: {phases}").format(phases=spelled),
                phase,
            )
        exercise = item.get("exercise", MISSING)
        if not isinstance(exercise, str) or exercise not in known:
            raise PackError(file, f"{name} exercise", EXERCISE_REF_EXPECTED, exercise)
        per_day = item.get("per_day", MISSING)
        if (
            isinstance(per_day, bool)
            or not isinstance(per_day, int)
            or not 1 <= per_day <= MAX_PER_DAY
        ):
            raise PackError(
                file, f"{name} per_day", _(PER_DAY_EXPECTED).format(high=MAX_PER_DAY), per_day
            )
        assert isinstance(phase, str)
        prescriptions.append(Prescription(phase=phase, exercise=exercise, per_day=per_day))
    for phase in phases:
        if not any(p.phase == phase for p in prescriptions):
            raise PackError(file, "[programme] exercise", _(PHASE_EMPTY).format(phase=f'"{phase}"'))
    return tuple(phases), tuple(prescriptions)


def programme_catalogue(
    pack: Pack,
    catalogue: Catalogue,
    phase: str,
    *,
    picture_folder: str = "",
    done_today: Mapping[str, int] | None = None,
) -> Catalogue:
    """The exercises the programme prescribes in `phase`, as a catalogue for the picker
    (Rule 7), in the pack's order; each own exercise's `picture_file` is its picture inside
    `picture_folder` (the pack's folder), so the break window shows the clinic's picture.
    A phase the pack does not have gives none. With `done_today` (exercise id -> breaks taken
    with it today), only those short of their dose (Rule 8)."""
    own = {e.id: e for e in pack.exercises}
    chosen: list[Exercise] = []
    for prescription in pack.in_phase(phase):
        if done_today is not None and done_today.get(prescription.exercise, 0) >= (
            prescription.per_day
        ):
            continue
        exercise = own.get(prescription.exercise)
        if exercise is not None:
            if picture_folder:
                exercise = replace(exercise, picture_file=f"{picture_folder}/{exercise.picture}")
        else:
            try:
                exercise = catalogue.exercise(prescription.exercise)
            except KeyError:
                continue
        if all(e.id != exercise.id for e in chosen):
            chosen.append(exercise)
    return Catalogue(exercises=tuple(chosen), sources=catalogue.sources)


def exercise_names(pack: Pack, catalogue: Catalogue) -> dict[str, str]:
    """Every prescribed exercise's id -> its name (the pack's words, or the catalogue's
    translated)."""
    names = {e.id: e.name for e in pack.exercises}
    for prescription in pack.prescriptions:
        if prescription.exercise not in names:
            try:
                names[prescription.exercise] = _(catalogue.exercise(prescription.exercise).name)
            except KeyError:
                names[prescription.exercise] = prescription.exercise
    return names
