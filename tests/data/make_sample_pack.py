"""Writes tests/data/clinic-pack: the sample clinic pack the tests import (issue 17).

Run from the repository: `python tests/data/make_sample_pack.py`. The pictures are the
package's own drawings (posture_guard/art) with a band in the clinic's colour, small PNGs, so
a test can tell the clinic's picture from the catalogue's; the manifest is written last.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw

from posture_guard.app.pack import sums_of
from posture_guard.art.exercises import draw
from posture_guard.art.pose import CALM
from posture_guard.core.pack import MANIFEST_FILE, manifest_text

HERE = Path(__file__).parent / "clinic-pack"
WIDTH = 240
#: The clinic's colour: a band along the bottom of each of its pictures.
BAND = (0, 128, 96)

PACK_TOML = """\
# A physiotherapy clinic's programme for the Posture Guard tests (fictional clinic).
[pack]
id = "riverside-neck-programme"
version = "1.2"

[clinic]
name = "Riverside Physiotherapy"
booking_url = "https://riverside-physio.example/book"
phone = "+44 20 7946 0000"
opening_hours = "Mon-Fri 08:00-18:00"

[programme]
phases = ["acute", "recovery", "maintenance"]

[[programme.exercise]]
phase = "acute"
exercise = "riverside-supported-chin-nod"
per_day = 3

[[programme.exercise]]
phase = "acute"
exercise = "riverside-shoulder-circles"
per_day = 4

[[programme.exercise]]
phase = "recovery"
exercise = "riverside-supported-chin-nod"
per_day = 2

[[programme.exercise]]
phase = "recovery"
exercise = "chin-glide"
per_day = 3

[[programme.exercise]]
phase = "maintenance"
exercise = "shoulder-blade-squeeze"
per_day = 2

[[exercise]]
id = "riverside-supported-chin-nod"
name = "Supported chin nod"
area = "neck"
steps = [
    "Sit back in your chair with your head against a rolled towel.",
    "Nod your chin down a little, as if saying yes, without lifting your head.",
    "Let it come back slowly.",
]
hold_reps = "Hold for 5 seconds; 5 times."
duration_s = 60
phase = "acute-gentle"
breaks = ["stretch"]
cautions = ["arm-symptoms", "dizziness"]
caution_text = "Keep it small. Stop if it brings on pain, tingling or numbness in an arm, or if you feel dizzy."
picture = "pictures/riverside-supported-chin-nod.png"
sources = ["ccohs-stretching", "rehab-dizziness-weak", "judgement"]
judgement = "The clinic's variant of the chin glide; stopping at any arm symptom is the clinic's call."

[[exercise]]
id = "riverside-shoulder-circles"
name = "Slow shoulder circles"
area = "shoulders"
steps = [
    "Sit tall with your arms loose.",
    "Draw slow circles with both shoulders, backwards.",
    "Keep your neck still and breathe out as the shoulders drop.",
]
hold_reps = "5 slow circles, twice."
duration_s = 60
phase = "acute-gentle"
breaks = ["stretch"]
cautions = ["shoulder-instability"]
caution_text = "Leave it out if a shoulder has dislocated or feels unstable."
picture = "pictures/riverside-shoulder-circles.png"
sources = ["kaiser-neck-exercises", "judgement"]
judgement = "Circles instead of single rolls are the clinic's choice."
"""


def picture(drawing: str) -> bytes:
    image = draw(drawing, WIDTH, CALM).convert("RGB")
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, image.height - 16, image.width, image.height), fill=BAND)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def main() -> None:
    files = {
        "pack.toml": PACK_TOML.encode(),
        "pictures/riverside-supported-chin-nod.png": picture("chin-glide"),
        "pictures/riverside-shoulder-circles.png": picture("shoulder-rolls"),
    }
    for name, data in files.items():
        (HERE / name).parent.mkdir(parents=True, exist_ok=True)
        (HERE / name).write_bytes(data)
    (HERE / MANIFEST_FILE).write_text(manifest_text(sums_of(files)), encoding="utf-8")
    Image.open(HERE / "pictures/riverside-supported-chin-nod.png").verify()


if __name__ == "__main__":
    main()
