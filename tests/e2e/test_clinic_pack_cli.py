"""A clinic's pack through the real CLI (a subprocess, a real SQLite file in a private HOME;
issue 17, acceptance 3): the sample pack imported from a folder and a zip and kept privately,
its phase chosen, the report's programme section with adherence per exercise; every broken pack
gives its one line and changes nothing, byte for byte."""

from __future__ import annotations

import re
import stat
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from posture_guard.app.store import Store
from posture_guard.core.pack import MAX_FILE_BYTES
from posture_guard.core.records import BreakRecord
from posture_guard.core.timer import Outcome
from tests import packs
from tests.app import App
from tests.packs import BROKEN_LINES

pytestmark = pytest.mark.e2e
NOD = "riverside-supported-chin-nod"


def data_dir(app: App) -> Path:
    return app.home / ".data" / "posture-guard"


def ok(app: App, *args: str) -> str:
    done = app.cli(*args)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    return done.stdout


def snapshot(app: App) -> dict[str, bytes]:
    """Every file under the data folder, byte for byte."""
    root = data_dir(app)
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_clinic_import_keeps_the_pack_privately_and_shows_its_programme(app: App) -> None:
    # Protects: a pack folder is imported: its clinic becomes the clinic, its files are kept
    # 0600 in 0700 folders, and `clinic show` lists the programme with the first phase in force.
    said = ok(app, "clinic", "import", str(packs.SAMPLE))
    assert said.startswith(f"Clinic pack imported from {packs.SAMPLE}.\nClinic: Riverside")
    assert "Programme: riverside-neck-programme version 1.2" in said
    assert "  Phase acute (now)\n    Supported chin nod: 3 times a day\n" in said
    kept = data_dir(app) / "clinic-packs"
    for path in [kept, *kept.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path
    (folder,) = kept.iterdir()
    assert {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} == set(
        packs.sample()
    )
    shown = ok(app, "clinic", "show")
    assert "Booking: https://riverside-physio.example/book" in shown
    assert "Phase acute (now)" in shown


def test_clinic_phase_moves_the_programme_on_and_refuses_an_unknown_one(app: App) -> None:
    # Protects: `clinic phase NAME` sets the phase in force; an unknown phase is one line and
    # changes nothing.
    ok(app, "clinic", "import", str(packs.SAMPLE))
    said = ok(app, "clinic", "phase", "recovery")
    assert said.startswith("The programme's phase is now recovery.\n")
    assert "  Phase recovery (now)\n    Supported chin nod: 2 times a day\n    Chin glide" in said
    before = snapshot(app)
    done = app.cli("clinic", "phase", "rehab")
    assert done.returncode == 1
    assert done.stderr == (
        'posture-guard clinic phase: phase = "rehab": expected one of the programme\'s phases:'
        ' "acute", "recovery", "maintenance"\n'
    )
    assert snapshot(app) == before


def test_clinic_phase_without_a_pack_says_how_to_import_one(app: App) -> None:
    # Protects: choosing a phase before any pack is one plain line.
    done = app.cli("clinic", "phase", "acute")
    assert done.returncode == 1
    assert done.stderr == (
        "posture-guard clinic phase: no clinic pack is in use: import one with"
        " `posture-guard clinic import PACK`\n"
    )


def test_clinic_import_reads_a_zip_of_the_pack_folder(app: App, tmp_path: Path) -> None:
    # Protects: a zip (made of the folder, so its names start with the folder) is a pack too.
    archive = packs.write_zip(packs.sample(), tmp_path / "riverside.zip", prefix="clinic-pack/")
    said = ok(app, "clinic", "import", str(archive))
    assert said.startswith(f"Clinic pack imported from {archive}.")
    assert "Phase acute (now)" in said


def test_clinic_import_still_reads_a_single_clinic_file(app: App, tmp_path: Path) -> None:
    # Protects: today's clinic file keeps working beside packs.
    file = tmp_path / "clinic.toml"
    file.write_text('[clinic]\nname = "Corner Clinic"\nphone = "+44 20 7946 0001"\n')
    said = ok(app, "clinic", "import", str(file))
    assert said.startswith(f"Clinic imported from {file}.\nClinic: Corner Clinic")


@pytest.mark.parametrize("broken", sorted(packs.BROKEN))
@pytest.mark.parametrize("form", ["folder", "zip"])
def test_clinic_import_refuses_a_broken_pack_with_one_line_and_changes_nothing(
    app: App, tmp_path: Path, broken: str, form: str
) -> None:
    # Protects: a broken pack, as a folder or a zip, is refused with one exact line naming the
    # file, key, expected and got, and the store and the kept files stay byte-identical.
    ok(app, "clinic", "import", str(packs.SAMPLE))
    before = snapshot(app)
    files = packs.BROKEN[broken](packs.sample())
    source = (
        packs.write_folder(files, tmp_path / "clinic-pack")
        if form == "folder"
        else packs.write_zip(files, tmp_path / "clinic-pack")
    )
    done = app.cli("clinic", "import", str(source))
    assert done.returncode == 1
    assert done.stdout == ""
    rest = BROKEN_LINES[broken].removeprefix("clinic-pack")  # a regex for the checksum's
    pattern = re.escape(str(source)) + (rest if broken == "wrong checksum" else re.escape(rest))
    assert re.fullmatch(f"posture-guard clinic import: {pattern}\n", done.stderr), done.stderr
    assert snapshot(app) == before


def test_clinic_import_refuses_unsafe_zips(app: App, tmp_path: Path) -> None:
    # Protects: a zip whose member climbs out of the pack, or one with a file too big, is
    # refused in one line before anything is kept.
    ok(app, "clinic", "import", str(packs.SAMPLE))
    before = snapshot(app)
    climbing = packs.write_zip(
        packs.signed({**packs.sample(), "../../evil.png": b"x"}), tmp_path / "climb.zip"
    )
    done = app.cli("clinic", "import", str(climbing))
    assert done.returncode == 1
    assert done.stderr == (
        f'posture-guard clinic import: {climbing}: file name = "../../evil.png": expected a file'
        " name inside the pack: letters, digits, ., _ and -, folders joined by / (no .., no"
        " absolute path)\n"
    )
    big = packs.write_zip(
        packs.signed({**packs.sample(), "big.txt": b"0" * (MAX_FILE_BYTES + 1)}),
        tmp_path / "big.zip",
    )
    done = app.cli("clinic", "import", str(big))
    assert done.returncode == 1
    assert done.stderr == (
        f"posture-guard clinic import: {big}/big.txt: expected a file of at most 2048 KiB\n"
    )
    assert snapshot(app) == before


def test_report_shows_the_programme_with_adherence_per_exercise(app: App) -> None:
    # Protects: the report names the pack and its version and shows, per prescribed exercise,
    # the breaks that offered it and those done, and pain per phase.
    ok(app, "clinic", "import", str(packs.SAMPLE))
    now = datetime.now().astimezone().replace(microsecond=0)
    with Store.open(data_dir(app) / "posture-guard.sqlite3") as store:
        for hours, outcome in ((3, Outcome.TAKEN), (2, Outcome.SKIPPED), (1, Outcome.TAKEN)):
            store.add_break(
                BreakRecord(
                    kind="stretch",
                    ended=now - timedelta(minutes=10 * hours),
                    outcome=outcome,
                    exercise=NOD,
                )
            )
    out = app.home / "report.html"
    ok(app, "report", "--since", "7d", "--out", str(out))
    html = out.read_text(encoding="utf-8")
    assert "The clinic&#x27;s programme" in html or "The clinic's programme" in html
    text = re.sub(r"<[^>]+>", "|", html)
    assert "riverside-neck-programme, version 1.2. Phase now: acute." in text
    row = re.search(r"Supported chin nod\|+acute, recovery\|+3\|+3\|+2\|+67\s?%", text)
    assert row is not None, text[text.find("Supported chin nod") - 200 :][:600]


def test_clinic_import_again_keeps_the_phase_and_mends_a_damaged_copy(app: App) -> None:
    # Protects: importing the same pack again keeps the phase chosen, and a kept copy damaged
    # since is written again (the service would not use a damaged one).
    ok(app, "clinic", "import", str(packs.SAMPLE))
    ok(app, "clinic", "phase", "maintenance")
    (folder,) = (data_dir(app) / "clinic-packs").iterdir()
    (folder / packs.NOD_PICTURE).write_bytes(b"damaged")
    shown = app.cli("clinic", "show")  # not used while damaged, and said so in one line
    assert shown.returncode == 0
    assert "Phase maintenance" not in shown.stdout
    assert shown.stderr.startswith("the clinic's pack is not used: ")
    assert shown.stderr.endswith(": the file was changed or damaged\n")
    assert shown.stderr.count("\n") == 1
    said = ok(app, "clinic", "import", str(packs.SAMPLE))
    assert "Phase maintenance (now)" in said
    assert (folder / packs.NOD_PICTURE).read_bytes() == packs.sample()[packs.NOD_PICTURE]
