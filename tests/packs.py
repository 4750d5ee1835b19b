"""The sample clinic pack (tests/data/clinic-pack) and broken packs derived from it, for the
unit, e2e and report tests (issue 17). Each broken pack differs from the sample in one way;
its manifest is written again to match, except where the manifest is what is broken."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

from posture_guard.core.pack import MANIFEST_FILE, manifest_text

SAMPLE: Final = Path(__file__).parent / "data" / "clinic-pack"
PACK: Final = "pack.toml"
NOD_PICTURE: Final = "pictures/riverside-supported-chin-nod.png"
NOD: Final = "riverside-supported-chin-nod"
NOD_SUM = "5093ac22f37e5c620e0906c698c38717937d52b5f42c199de9ecd1d874d638a7"
HTTPS = (
    "expected a web address starting with https:// (a secure link), like"
    ' "https://clinic.example/book"'
)
BOOKING: Final = 'booking_url = "https://riverside-physio.example/book"'

Files = dict[str, bytes]


def sample() -> Files:
    """Every file of the sample pack by its name inside the pack."""
    return {
        path.relative_to(SAMPLE).as_posix(): path.read_bytes()
        for path in sorted(SAMPLE.rglob("*"))
        if path.is_file()
    }


def sums(files: Mapping[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}


def signed(files: Mapping[str, bytes]) -> Files:
    """`files` with a manifest that matches them."""
    out = {name: data for name, data in files.items() if name != MANIFEST_FILE}
    out[MANIFEST_FILE] = manifest_text(sums(out)).encode()
    return out


def edited(old: str, new: str) -> Callable[[Files], Files]:
    """A change of pack.toml's text (the old text must be there), signed again."""

    def change(files: Files) -> Files:
        text = files[PACK].decode()
        assert old in text, old
        return signed({**files, PACK: text.replace(old, new, 1).encode()})

    return change


def not_png(files: Files) -> Files:
    return signed({**files, NOD_PICTURE: b"GIF89a" + files[NOD_PICTURE][6:]})


def wrong_sum(files: Files) -> Files:
    """A picture changed after the manifest was made (the manifest is kept)."""
    data = bytearray(files[NOD_PICTURE])
    data[-20] ^= 0xFF
    return {**files, NOD_PICTURE: bytes(data)}


def unlisted(files: Files) -> Files:
    return {**files, "notes.txt": b"not in the manifest\n"}


def listed_missing(files: Files) -> Files:
    return {name: data for name, data in files.items() if name != NOD_PICTURE}


#: name -> how the sample is broken.
BROKEN: Final[Mapping[str, Callable[[Files], Files]]] = {
    "missing field": edited('name = "Riverside Physiotherapy"\n', ""),
    "http booking link": edited(BOOKING, BOOKING.replace("https:", "http:")),
    "javascript booking link": edited(BOOKING, 'booking_url = "javascript:alert(1)"'),
    "picture not a png": not_png,
    "unknown phase": edited('phase = "maintenance"\nexercise', 'phase = "rehab"\nexercise'),
    "wrong checksum": wrong_sum,
    "file not in the manifest": unlisted,
    "file missing from the pack": listed_missing,
}


def write_folder(files: Mapping[str, bytes], folder: Path) -> Path:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return folder


def write_zip(files: Mapping[str, bytes], path: Path, *, prefix: str = "") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(prefix + name, data)
    return path


#: name -> the one line read_pack gives for it, with the pack named "clinic-pack" (the
#: checksum's line is a regex: the changed file's sum).
BROKEN_LINES = {
    "missing field": "clinic-pack/pack.toml: [clinic] name is missing: expected the clinic's"
    " name: one line of text, not empty",
    "http booking link": "clinic-pack/pack.toml: [clinic] booking_url ="
    f' "http://riverside-physio.example/book": {HTTPS}',
    "javascript booking link": "clinic-pack/pack.toml: [clinic] booking_url ="
    ' "javascript:alert(1)": expected a web address starting with https:// and a host name,'
    ' like "https://clinic.example/book"',
    "picture not a png": f'clinic-pack/pack.toml: [exercise "{NOD}"] picture ='
    f' "pictures/{NOD}.png": expected a PNG picture (a file that starts with the PNG signature)',
    "unknown phase": 'clinic-pack/pack.toml: [programme.exercise #5] phase = "rehab": expected'
    ' one of the programme\'s phases: "acute", "recovery", "maintenance"',
    "wrong checksum": f'clinic-pack/MANIFEST.sha256: pictures/{NOD}.png = "[0-9a-f]{{64}}":'
    f" expected SHA-256 {NOD_SUM}: the file was changed or damaged",
    "file not in the manifest": "clinic-pack/MANIFEST.sha256: notes.txt is missing: expected"
    " a line for every file of the pack; this file has none",
    "file missing from the pack": f"clinic-pack/MANIFEST.sha256: pictures/{NOD}.png ="
    f' "{NOD_SUM}": expected the file this line lists; it is not in the pack',
}
