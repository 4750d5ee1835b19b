"""The clinic's pack on disk: read one for import (a folder or a zip), keep it, read it back.

Rule 1: nothing changes until the whole pack has been read into memory and checked
        (core/pack.py); a refused pack leaves the data folder and the store as they were.
Rule 2: reading is bounded and never follows the pack's names onto the disk: at most
        MAX_FILES files of MAX_FILE_BYTES each and MAX_PACK_BYTES in all (a zip's sizes are
        checked as read, not trusted from its directory); no symlink, no encrypted member, no
        name outside the pack (core/pack.py `name_problem`).
Rule 3: a kept pack lives in its own folder, named by its digest, under `clinic-packs` in the
        private data folder (0700; files 0600). It is written under a temporary name and put in
        place by one rename; the store (clinic, pack, first phase) is written after it, in one
        transaction; only then are older packs' folders removed.
Rule 4: the running service reads the kept pack (never a zip: `zipfile` is imported only by
        `read_source` when the source is one) and checks it again, so a pack damaged on disk is
        not used; the reason is logged. `hashlib` (OpenSSL) is imported only to check a pack:
        a service with no pack in use never loads it.

Threads: the CLI, the settings window's process, and the service's worker (`installed`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from typing import Final

from posture_guard.app.store import Store
from posture_guard.core.errors import MISSING, PackError, PostureGuardError, StoreError
from posture_guard.core.exercises import Catalogue
from posture_guard.core.i18n import N_, _
from posture_guard.core.pack import (
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_PACK_BYTES,
    PACK_FILE,
    Pack,
    programme_catalogue,
    read_pack,
)
from posture_guard.core.records import PhaseChange, StoredPack
from posture_guard.core.timer import Outcome, day_of, day_window
from posture_guard.desktop.files import write_file
from posture_guard.desktop.paths import Paths, ensure_private_dir

log = logging.getLogger(__name__)

PACKS_DIR: Final = "clinic-packs"
_ZIP_MAGIC: Final = b"PK\x03\x04"
_INCOMING: Final = ".incoming-"

TOO_MANY: Final = N_("expected at most {count} files in a pack")
TOO_BIG: Final = N_("expected a file of at most {size} KiB")
PACK_TOO_BIG: Final = N_("expected a pack of at most {size} KiB in all")
NOT_REGULAR: Final = N_("expected a plain file (no link, device or folder link)")
UNREADABLE: Final = N_("cannot be read: {reason}")
NOT_A_ZIP: Final = N_("expected a zip file of a pack")
ENCRYPTED: Final = N_("expected a file without a password")
TWICE: Final = N_("expected each file once")


@dataclass(frozen=True, slots=True, kw_only=True)
class Installed:
    """The pack in use: as checked from its kept files, where they are, and the phase in force."""

    pack: Pack
    stored: StoredPack
    folder: Path
    phase: str
    changes: tuple[PhaseChange, ...]

    def catalogue(
        self, catalogue: Catalogue, done_today: Mapping[str, int] | None = None
    ) -> Catalogue:
        """The exercises of the phase in force, for the picker (their pictures in `folder`);
        with `done_today`, those short of their dose (core/pack.py Rule 8)."""
        return programme_catalogue(
            self.pack,
            catalogue,
            self.phase,
            picture_folder=self.folder.as_posix(),
            done_today=done_today,
        )


def sums_of(files: Mapping[str, bytes]) -> dict[str, str]:
    """Each file's SHA-256, hex, by name (for core/pack.py's manifest check)."""
    import hashlib  # noqa: PLC0415 - OpenSSL, only with a pack to check (Rule 4)

    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


def check(files: Mapping[str, bytes], *, where: str, catalogue: Catalogue) -> Pack:
    """core/pack.py `read_pack` with the files' sums worked out here. Raises PackError."""
    return read_pack(files, sums_of(files), where=where, catalogue=catalogue)


def is_pack(path: Path) -> bool:
    """A folder, or a zip file: a pack; anything else is read as a single clinic file."""
    try:
        if path.is_dir():
            return True
        with path.open("rb") as handle:
            return handle.read(len(_ZIP_MAGIC)) == _ZIP_MAGIC
    except OSError:
        return False


def read_source(path: Path) -> dict[str, bytes]:
    """Every file of the pack at `path` (a folder or a zip), by name inside it (Rule 2).

    Raises:
        PackError: too many or too big files, a link, an unreadable or encrypted member.
    """
    if path.is_dir():
        return _read_folder(path)
    return _read_zip(path)


def _limit_error(file: str, total: int, count: int) -> None:
    if count > MAX_FILES:
        raise PackError(file, "", _(TOO_MANY).format(count=MAX_FILES))
    if total > MAX_PACK_BYTES:
        raise PackError(file, "", _(PACK_TOO_BIG).format(size=MAX_PACK_BYTES // 1024))


def _read_folder(root: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = 0
    where = str(root)
    for folder, dirs, names in os.walk(root, followlinks=False):
        for name in sorted(dirs):
            if (Path(folder) / name).is_symlink():
                raise PackError(f"{folder}/{name}", "", NOT_REGULAR)
        for name in sorted(names):
            full = Path(folder) / name
            relative = full.relative_to(root).as_posix()
            try:
                info = full.lstat()
                if not stat.S_ISREG(info.st_mode):
                    raise PackError(_join(where, relative), "", NOT_REGULAR)
                if info.st_size > MAX_FILE_BYTES:
                    raise PackError(
                        _join(where, relative), "", _(TOO_BIG).format(size=MAX_FILE_BYTES // 1024)
                    )
                with full.open("rb") as handle:
                    data = handle.read(MAX_FILE_BYTES + 1)
            except OSError as exc:
                raise PackError(
                    _join(where, relative), "", _(UNREADABLE).format(reason=exc.strerror or exc)
                ) from None
            if len(data) > MAX_FILE_BYTES:
                raise PackError(
                    _join(where, relative), "", _(TOO_BIG).format(size=MAX_FILE_BYTES // 1024)
                )
            files[relative] = data
            total += len(data)
            _limit_error(where, total, len(files))
    return files


def _read_zip(path: Path) -> dict[str, bytes]:
    import zipfile  # noqa: PLC0415 - only an import reads a zip (Rule 4)

    where = str(path)
    files: dict[str, bytes] = {}
    total = 0
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            if len(members) > MAX_FILES:
                raise PackError(where, "", _(TOO_MANY).format(count=MAX_FILES))
            prefix = _common_folder([m.filename for m in members])
            for member in members:
                name = member.filename[len(prefix) :]
                shown = _join(where, member.filename)
                if member.flag_bits & 0x1:
                    raise PackError(shown, "", ENCRYPTED)
                if stat.S_ISLNK(member.external_attr >> 16):
                    raise PackError(shown, "", NOT_REGULAR)
                if name in files:
                    raise PackError(where, member.filename, TWICE, name)
                if member.file_size > MAX_FILE_BYTES:
                    raise PackError(shown, "", _(TOO_BIG).format(size=MAX_FILE_BYTES // 1024))
                with archive.open(member) as handle:
                    data = handle.read(MAX_FILE_BYTES + 1)  # the directory's size may lie
                if len(data) > MAX_FILE_BYTES:
                    raise PackError(shown, "", _(TOO_BIG).format(size=MAX_FILE_BYTES // 1024))
                files[name] = data
                total += len(data)
                _limit_error(where, total, len(files))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise PackError(where, "", NOT_A_ZIP, str(exc)) from None
    except OSError as exc:
        raise PackError(where, "", _(UNREADABLE).format(reason=exc.strerror or exc)) from None
    return files


def _common_folder(names: list[str]) -> str:
    """ "folder/" when every member is inside one top folder and pack.toml is not at the top
    (a zip made of the pack's folder); else ""."""
    if PACK_FILE in names or not names:
        return ""
    tops = {name.partition("/")[0] for name in names}
    if len(tops) == 1 and all("/" in name for name in names):
        return next(iter(tops)) + "/"
    return ""


def _join(where: str, name: str) -> str:
    return f"{where}/{name}"


# --- keeping a pack ------------------------------------------------------------------------------


def packs_dir(paths: Paths) -> Path:
    return paths.data_dir / PACKS_DIR


def import_pack(
    store: Store, paths: Paths, source: Path, catalogue: Catalogue, now: datetime
) -> Pack:
    """Check the pack at `source`, keep its files and make it the pack in use (Rules 1 and 3).

    Raises:
        PackError: the pack is refused (nothing changed).
        StoreError, PostureGuardError: it could not be kept (nothing changed either).
    """
    files = read_source(source)
    pack = check(files, where=str(source), catalogue=catalogue)  # the bytes kept below
    base = ensure_private_dir(ensure_private_dir(paths.data_dir) / PACKS_DIR)
    folder = base / pack.digest[:32]
    created = False
    if folder.is_dir() and not _holds(folder, pack, catalogue):
        _remove(folder)  # the same pack kept before, damaged since: keep it again
    if not folder.is_dir():
        _write_folder(base, folder, files)
        created = True
    stored = StoredPack(
        id=pack.id,
        version=pack.version,
        digest=pack.digest,
        folder=folder.name,
        imported=now,
        phases=pack.phases,
    )
    try:
        store.set_pack(stored, pack.clinic)
    except BaseException:
        if created:
            _remove(folder)
        raise
    for other in base.iterdir():
        if other.name != folder.name:
            _remove(other)
    return pack


def _holds(folder: Path, pack: Pack, catalogue: Catalogue) -> bool:
    """Whether `folder` still holds `pack`, whole and unchanged."""
    try:
        return check(_read_folder(folder), where=str(folder), catalogue=catalogue) == pack
    except PostureGuardError:
        return False


def _write_folder(base: Path, folder: Path, files: dict[str, bytes]) -> None:
    import secrets  # noqa: PLC0415 - only an import writes a pack (hmac brings libcrypto)

    temp = base / f"{_INCOMING}{secrets.token_hex(8)}"
    temp.mkdir(mode=0o700)
    try:
        for name, data in sorted(files.items()):
            target = temp / name
            for parent in reversed(target.relative_to(temp).parents[:-1]):
                with contextlib.suppress(FileExistsError):
                    (temp / parent).mkdir(mode=0o700)
            write_file(target, data, mode=0o600)
        os.replace(temp, folder)
    except BaseException:
        _remove(temp)
        raise


def _remove(folder: Path) -> None:
    import shutil  # noqa: PLC0415 - only an import removes packs

    shutil.rmtree(folder, ignore_errors=True)


# --- reading the pack in use ---------------------------------------------------------------------


def phase_in_force(stored: StoredPack, changes: list[PhaseChange] | tuple[PhaseChange, ...]) -> str:
    """The phase of the change set last (`changes` in the order set, as the store gives them),
    if it is one of the pack's; else the programme's first."""
    for change in reversed(changes):
        if change.phase in stored.phases:
            return change.phase
    return stored.phases[0]


def installed(store: Store, paths: Paths, catalogue: Catalogue) -> Installed | None:
    """The pack in use, read and checked from its kept files (Rule 4); None without one.

    Raises:
        StoreError: the store cannot be read.
        PackError: the kept files are missing or damaged.
    """
    stored = store.pack()
    if stored is None:
        return None
    folder = packs_dir(paths) / stored.folder
    try:
        files = _read_folder(folder) if folder.is_dir() else None
    except PackError:
        files = None
    if files is None:
        raise PackError(str(folder), "", N_("expected the kept pack's files"), MISSING)
    pack = check(files, where=str(folder), catalogue=catalogue)
    if pack.digest != stored.digest:
        raise PackError(str(folder), "", N_("expected the pack that was imported"), pack.digest)
    changes = tuple(store.phase_changes())
    return Installed(
        pack=pack,
        stored=stored,
        folder=folder,
        phase=phase_in_force(stored, changes),
        changes=changes,
    )


def installed_or_none(store: Store, paths: Paths, catalogue: Catalogue) -> Installed | None:
    """`installed`, or None (logged) when it cannot be read: breaks go on with the catalogue."""
    try:
        return installed(store, paths, catalogue)
    except (StoreError, PostureGuardError) as exc:
        log.warning("the clinic's pack is not used: %s", exc)
        return None


def programme_now(
    store: Store, paths: Paths, catalogue: Catalogue, now: datetime, day_starts_at: time
) -> Catalogue | None:
    """The programme's exercises a break may offer `now`: the phase in force, each short of
    today's dose (core/pack.py Rule 8: breaks taken with it since the working day began);
    None without a pack in use."""
    found = installed_or_none(store, paths, catalogue)
    if found is None:
        return None
    day = day_of(now, day_starts_at)
    done = Counter(
        record.exercise
        for record in store.breaks_between(*day_window(day, day_starts_at, now.tzinfo))
        if record.outcome is Outcome.TAKEN and record.exercise
    )
    return found.catalogue(catalogue, done_today=done)


def set_phase(
    store: Store, paths: Paths, catalogue: Catalogue, phase: str, now: datetime
) -> Installed:
    """Put `phase` of the pack in use in force from `now`.

    Raises:
        PackError: no pack is in use, or it has no such phase (nothing changed).
    """
    found = installed(store, paths, catalogue)
    if found is None:
        raise PackError(
            "",
            "",
            N_("no clinic pack is in use: import one with `posture-guard clinic import PACK`"),
        )
    if phase not in found.pack.phases:
        spelled = ", ".join(f'"{p}"' for p in found.pack.phases)
        raise PackError(
            "",
            "phase",
            _("expected one of the programme's phases: {phases}").format(phases=spelled),
            phase,
        )
    store.set_phase(phase, now)
    return installed(store, paths, catalogue) or found
