"""Seeded, bounded fuzzing of everything a person or an organisation types or ships (issue 18,
acceptance 2): the config and policy files (.toml, .reg, .plist, .mobileconfig), CLI dates and
notes. 2,300 cases in all, the same on every run (derandomized): no case may raise anything but
the reader's own error, and every problem is one line.

The files are mutated from real, good samples (bytes flipped, inserted, cut, repeated), so the
cases stay near what a reader meets; the TOML also gets random keys and values under the real
sections, and the dates random near-ISO text at the calendar's edges."""

from __future__ import annotations

import plistlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posture_guard.app.diary import parse_at
from posture_guard.core import config
from posture_guard.core.episodes import NOTES_MAX, check_text, mend_text
from posture_guard.core.errors import DiaryValueError, terminal_safe
from posture_guard.core.policy import source_from_bytes
from posture_guard.core.units import parse_duration

ROOT: Final = Path(__file__).resolve().parents[2]
REG: Final = (ROOT / "tests" / "unit" / "data" / "policy.reg").read_bytes()
MOBILECONFIG: Final = (ROOT / "packaging" / "macos" / "com.posture-guard.mobileconfig").read_bytes()
PLIST: Final = plistlib.dumps(
    {
        "breaks": {"movement": {"every": "50m", "length": "5m"}},
        "controls": {"quit": False},
        "branding": {"organisation": "Acme Ltd"},
        "policy": {"lock": ["controls.quit", "breaks.movement"]},
    }
)
TOML: Final = (ROOT / "posture_guard" / "content" / "defaults.toml").read_bytes()

NOW: Final = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _fuzz(cases: int) -> settings:
    """`cases` examples, derandomized (the same ones each run), no deadline: CI-safe."""
    return settings(
        max_examples=cases,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


@st.composite
def mutated(draw: st.DrawFn, seed: bytes) -> bytes:
    """`seed` with 1-8 edits: a byte changed, bytes inserted, a span cut or repeated, or the
    whole cut short (an odd byte count for UTF-16)."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        edit = draw(st.sampled_from(("set", "insert", "cut", "repeat", "truncate")))
        if edit == "set" and data:
            data[at] = draw(st.integers(0, 255))
        elif edit == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif edit == "cut":
            del data[at : at + draw(st.integers(1, 64))]
        elif edit == "repeat":
            span = bytes(data[at : at + draw(st.integers(1, 64))])
            data[at:at] = span * draw(st.integers(1, 4))
        else:
            del data[at:]
    return bytes(data)


def _one_line(message: str) -> None:
    assert isinstance(message, str)
    assert message.strip()
    assert "\n" not in message
    assert "Traceback" not in message


def _load_policy(data: bytes, name: str) -> None:
    """The policy as `policy check` and the service read it: never raises; one line a problem."""
    loaded = config.load(None, policies=[source_from_bytes(data, file=name)])
    for problem in loaded.problems:
        _one_line(problem.message)


@_fuzz(500)
@given(mutated(TOML))
def test_fuzz_toml_policy_and_config(data: bytes) -> None:
    _load_policy(data, "policy.toml")
    loaded = config.load(None, user_text=data.decode("utf-8", errors="replace"))
    for problem in loaded.problems:
        _one_line(problem.message)


_SECTIONS: Final = ("general", "breaks.movement", "controls", "branding", "policy", "fleet", "x")
_VALUES: Final = st.one_of(
    st.sampled_from(('"50m"', "true", "-1", "1e309", '"\\u202e"', "[]", "{}", '"0s"', "nan")),
    st.integers().map(str),
    st.text(max_size=20).map(lambda t: '"' + t.replace("\\", "").replace('"', "") + '"'),
)


@_fuzz(300)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(_SECTIONS), st.from_regex(r"[a-z_]{1,12}", fullmatch=True), _VALUES
        ),
        max_size=6,
    )
)
def test_fuzz_toml_random_keys_under_real_sections(entries: list[tuple[str, str, str]]) -> None:
    text = "".join(f"[{section}]\n{key} = {value}\n" for section, key, value in entries)
    _load_policy(text.encode(), "policy.toml")


@_fuzz(400)
@given(mutated(REG))
def test_fuzz_reg_export(data: bytes) -> None:
    _load_policy(data, "policy.reg")


@_fuzz(300)
@given(mutated(PLIST))
def test_fuzz_managed_plist(data: bytes) -> None:
    _load_policy(data, "com.posture-guard.plist")


@_fuzz(300)
@given(mutated(MOBILECONFIG))
def test_fuzz_mobileconfig(data: bytes) -> None:
    _load_policy(data, "policy.mobileconfig")


_NEAR_ISO: Final = st.builds(
    lambda y, mo, d, h, mi, off: f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}{off}",
    st.integers(0, 9999),
    st.integers(0, 13),
    st.integers(0, 32),
    st.integers(0, 25),
    st.integers(0, 61),
    st.sampled_from(("", "Z", "+00:00", "+14:00", "-14:00", "+23:59", "+24:00", ":60")),
)


@_fuzz(500)
@given(st.one_of(_NEAR_ISO, st.text(max_size=30)))
def test_fuzz_cli_dates(text: str) -> None:
    """`--at` never raises but DiaryValueError, whose text is one line; an accepted time is
    within the diary's bounds and not in the future. Durations likewise."""
    try:
        moment = parse_at(text, NOW)
    except DiaryValueError as exc:
        _one_line(str(exc))
    else:
        assert datetime(2000, 1, 1, tzinfo=UTC) <= moment.astimezone(UTC)
        assert moment.timestamp() <= NOW.timestamp() + 300
    try:
        parse_duration(text)
    except ValueError as exc:
        _one_line(str(exc))


@_fuzz(300)
@given(st.text(max_size=NOTES_MAX // 4))
def test_fuzz_cli_notes(text: str) -> None:
    """Any note is kept storable in every format (UTF-8) and shown on one terminal line."""
    kept = mend_text(check_text(text, "notes", NOTES_MAX))
    kept.encode("utf-8")
    shown = terminal_safe(kept)
    assert "\n" not in shown
    assert not any(ch in shown for ch in "\x1b\x9b\u202e")
