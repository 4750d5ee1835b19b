"""The organisation's policy: sources and their precedence, locks at each entry point, branding,
malformed policies, and the Windows and macOS readers on sample exported data."""

from __future__ import annotations

import plistlib
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from posture_guard.core import config, policy
from posture_guard.core.config import Layer, PolicySource
from posture_guard.core.errors import format_value
from posture_guard.desktop.paths import policy_locations

DATA = Path(__file__).resolve().parent / "data"
REPO = Path(__file__).resolve().parents[2]


def _doc(text: str, name: str = "policy.toml") -> PolicySource:
    return PolicySource(name=name, text=text)


def _load(policy_text: str, user_text: str | None, tmp_path: Path) -> config.Loaded:
    user = None
    if user_text is not None:
        user = tmp_path / "config.toml"
        user.write_text(user_text)
    return config.load(user, policies=[_doc(policy_text)])


# --- policy + user config -> effective settings ---------------------------------------------------

# Each case: policy text, user text -> {key: (raw effective value, layer, locked)}
EFFECTIVE = [
    pytest.param(
        '[breaks.movement]\nevery = "50m"\n',
        '[breaks.movement]\nevery = "2h"\n',
        {"breaks.movement.every": ("2h", Layer.USER, False)},
        id="user-overrides-an-unlocked-policy-value",
    ),
    pytest.param(
        '[breaks.movement]\nevery = "50m"\n[policy]\nlock = ["breaks.movement.every"]\n',
        '[breaks.movement]\nevery = "2h"\n',
        {"breaks.movement.every": ("50m", Layer.POLICY, True)},
        id="a-locked-policy-value-wins",
    ),
    pytest.param(
        '[policy]\nlock = ["general.snooze"]\n',
        '[general]\nsnooze = "10m"\n',
        {"general.snooze": ("5m", Layer.BUILT_IN, True)},
        id="locking-without-a-value-locks-the-built-in-value",
    ),
    pytest.param(
        '[controls]\npause = false\n[policy]\nlock = ["controls"]\n',
        "[controls]\npause = true\nskip = false\n",
        {
            "controls.pause": (False, Layer.POLICY, True),
            "controls.skip": (True, Layer.BUILT_IN, True),
        },
        id="a-locked-section-locks-every-key-in-it",
    ),
    pytest.param(
        '[branding]\norganisation = "Acme Ltd"\naccent_colour = "#1A73E8"\n',
        "",
        {
            "branding.organisation": ("Acme Ltd", Layer.POLICY, False),
            "branding.accent_colour": ("#1A73E8", Layer.POLICY, False),
        },
        id="branding-from-the-policy",
    ),
    pytest.param(
        "",
        '[general]\nmax_snoozes = 1\n[working_hours]\nstart = "09:00"\n',
        {
            "general.max_snoozes": (1, Layer.USER, False),
            "working_hours.start": ("09:00", Layer.USER, False),
        },
        id="an-empty-policy-changes-nothing",
    ),
]


@pytest.mark.parametrize(("policy_text", "user_text", "expected"), EFFECTIVE)
def test_policy_and_user_file_give_the_effective_value_layer_and_lock(
    policy_text: str,
    user_text: str,
    expected: dict[str, tuple[object, Layer, bool]],
    tmp_path: Path,
) -> None:
    loaded = _load(policy_text, user_text, tmp_path)
    assert loaded.errors == ()
    for key, (value, layer, locked) in expected.items():
        assert (loaded.values[key], loaded.origins[key].layer, loaded.origins[key].locked) == (
            value,
            layer,
            locked,
        ), key


def test_policy_typed_settings_carry_controls_branding_fleet_and_locks(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    Image.new("RGB", (4, 4), "#1a73e8").save(logo)
    loaded = _load(
        f"""
[controls]
skip = false
[branding]
organisation = "Acme Ltd"
accent_colour = "#1A73E8"
logo = "{logo}"
support_contact = "IT desk, ext. 4357"
welcome = "Acme offers Posture Guard to everyone."
[branding.clinic]
name = "Acme Physio"
booking_url = "https://physio.acme.example/book"
phone = "+44 20 7946 0000"
[fleet]
enabled = true
directory = "{tmp_path}"
team = "finance"
[policy]
lock = ["controls.skip", "branding"]
""",
        None,
        tmp_path,
    )
    assert loaded.problems == ()
    s = loaded.settings
    assert (s.controls.skip, s.controls.snooze, s.controls.pause, s.controls.quit) == (
        False,
        True,
        True,
        True,
    )
    assert s.branding.organisation == "Acme Ltd"
    assert s.branding.accent_colour == "#1a73e8"  # lower case, ready for drawing
    assert s.branding.logo == logo
    assert s.branding.support_contact == "IT desk, ext. 4357"
    assert s.branding.welcome == "Acme offers Posture Guard to everyone."
    assert s.branding.clinic is not None
    assert (s.branding.clinic.name, s.branding.clinic.booking_url, s.branding.clinic.phone) == (
        "Acme Physio",
        "https://physio.acme.example/book",
        "+44 20 7946 0000",
    )
    assert (s.fleet.directory, s.fleet.team) == (tmp_path, "finance")
    assert "controls.skip" in s.locked
    assert "branding.clinic.booking_url" in s.locked


def test_policy_defaults_have_no_branding_and_fleet_off() -> None:
    s = config.defaults()
    assert s.branding == config.Branding(
        organisation=None,
        accent_colour=None,
        logo=None,
        support_contact=None,
        welcome=None,
        clinic=None,
    )
    assert s.fleet.directory is None
    assert s.locked == frozenset()


# --- several sources --------------------------------------------------------------------------------


def test_policy_first_source_wins_per_key_and_every_source_locks(tmp_path: Path) -> None:
    high = _doc(
        '[breaks.movement]\nevery = "50m"\n[policy]\nlock = ["breaks.movement.every"]\n', "etc"
    )
    low = _doc(
        '[breaks.movement]\nevery = "45m"\n[general]\nsnooze = "2m"\n'
        '[policy]\nlock = ["general.snooze"]\n',
        "xdg",
    )
    user = tmp_path / "config.toml"
    user.write_text('[general]\nsnooze = "10m"\n')
    loaded = config.load(user, policies=[high, low])
    assert loaded.values["breaks.movement.every"] == "50m"
    assert loaded.origins["breaks.movement.every"].file == "etc"
    assert loaded.values["general.snooze"] == "2m"
    assert loaded.origins["general.snooze"] == config.Origin(
        layer=Layer.POLICY, file="xdg", locked=True
    )
    assert [p.message for p in loaded.problems] == [
        f"{user}: [general] snooze: ignored, because it is set by your organisation (xdg) and is locked"
    ]
    assert loaded.locked_by["breaks.movement.every"] == "etc"


def test_policy_locations_linux_order_and_relocatable_root(tmp_path: Path) -> None:
    if policy_locations({"POSTURE_GUARD_ROOT": "/r"})[2]:
        pytest.skip("Windows reads the registry")  # pragma: no cover - the suite runs on Linux
    files, plists, registry = policy_locations(
        {"POSTURE_GUARD_ROOT": str(tmp_path), "XDG_CONFIG_DIRS": "/a:/b"}
    )
    assert files == (
        tmp_path / "etc/posture-guard/policy.toml",
        Path("/a/posture-guard/policy.toml"),
        Path("/b/posture-guard/policy.toml"),
    )
    assert (plists, registry) == ((), False)
    files, _, _ = policy_locations({"POSTURE_GUARD_ROOT": str(tmp_path)})
    assert files == (
        tmp_path / "etc/posture-guard/policy.toml",
        tmp_path / "etc/xdg/posture-guard/policy.toml",
    )
    assert policy_locations({})[0][0] == Path("/etc/posture-guard/policy.toml")
    assert policy_locations({"POSTURE_GUARD_POLICY": "/p.toml"}) == (
        (Path("/p.toml"),),
        (),
        False,
    )
    assert policy_locations({"POSTURE_GUARD_POLICY": ""}) == ((), (), False)


# --- malformed policies: clear errors, safe defaults ---------------------------------------------------

# Each case: policy text -> the exact problems (F = the policy's name)
MALFORMED = [
    ("[breaks.movement\n", None),  # not TOML: one line starting "F: not valid TOML"
    (
        '[branding]\naccent_colour = "blue"\n',
        [
            'F: [branding] accent_colour = "blue": expected a colour like "#1a73e8" (# and six hex digits), or "" for none'
        ],
    ),
    (
        '[branding]\nlogo = "relative.png"\n',
        [
            'F: [branding] logo = "relative.png": expected the absolute path of a PNG file, or "" for none'
        ],
    ),
    (
        '[branding.clinic]\nname = "Acme"\nbooking_url = "http://acme.example/book"\n',
        [
            'F: [branding.clinic] booking_url = "http://acme.example/book": expected a web address starting with https:// (a secure link), like "https://clinic.example/book"',
            'F: [branding.clinic] name = "Acme": expected [branding.clinic] booking_url or phone with the name',
        ],
    ),
    (
        '[branding.clinic]\nphone = "+44 20 7946 0000"\n',
        ['F: [branding.clinic] phone = "+44 20 7946 0000": expected [branding.clinic] name too'],
    ),
    (
        '[branding.clinic]\nname = "Acme"\nphone = "call us"\n',
        [
            'F: [branding.clinic] phone = "call us": expected a phone number of digits, spaces, - and a leading +, like "+44 20 7946 0000"',
            'F: [branding.clinic] name = "Acme": expected [branding.clinic] booking_url or phone with the name',
        ],
    ),
    (
        "[fleet]\nenabled = true\n",
        [
            "F: [fleet] enabled = true: expected [fleet] directory to be set too (fleet figures stay off)"
        ],
    ),
    (
        '[fleet]\nteam = "the finance team"\n',
        [
            'F: [fleet] team = "the finance team": expected a group name of 1-64 letters, digits, "_", "-" or ".", or "" for none'
        ],
    ),
    (
        '[controls]\npause = "no"\n',
        ['F: [controls] pause = "no": expected true or false'],
    ),
    (
        '[policy]\nlock = ["breaks.nap"]\n',
        ["F: [policy] lock = [\"breaks.nap\"]: 'breaks.nap' is not a setting or section"],
    ),
    (
        '[policy]\nlock = "breaks"\nunlock = 1\n[general]\ncolour = 1\n',
        [
            'F: [policy] lock = "breaks": expected a list of setting names like ["breaks.movement", "general.max_skips_in_row"]',
            "F: [policy] unlock = 1: only the organisation's policy file can lock settings",
            "F: [general] colour = 1: unknown setting (see `posture-guard config show` for the known ones)",
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), MALFORMED)
def test_policy_malformed_gives_clear_errors_and_safe_defaults(
    text: str, expected: list[str] | None
) -> None:
    loaded = config.load(None, policies=[_doc(text, "F")])
    messages = [p.message for p in loaded.problems]
    if expected is None:
        assert len(messages) == 1
        assert messages[0].startswith("F: not valid TOML: ")
    else:
        assert messages == expected
    defaults = config.defaults()
    s = loaded.settings
    # the bad values fell back to the built-in ones: no branding, fleet off, controls on
    assert (s.timer, s.controls, s.branding, s.fleet) == (
        defaults.timer,
        defaults.controls,
        defaults.branding,
        defaults.fleet,
    )


def test_policy_logo_must_be_a_readable_png(tmp_path: Path) -> None:
    fake = tmp_path / "logo.png"
    fake.write_text("not a picture")
    loaded = config.load(None, policies=[_doc(f'[branding]\nlogo = "{fake}"\n', "F")])
    assert [p.message for p in loaded.problems] == [
        f'F: [branding] logo = "{fake}": expected the absolute path of a PNG file, or "" for none; this file is not a PNG image'
    ]
    missing = tmp_path / "none.png"
    loaded = config.load(None, policies=[_doc(f'[branding]\nlogo = "{missing}"\n', "F")])
    assert [p.message for p in loaded.problems] == [
        f'F: [branding] logo = "{missing}": expected the absolute path of a PNG file, or "" for none; it cannot be read: No such file or directory'
    ]


def test_policy_only_sections_are_refused_in_the_user_file(tmp_path: Path) -> None:
    user = tmp_path / "config.toml"
    user.write_text(f'[branding]\norganisation = "Me"\n[fleet]\ndirectory = "{tmp_path}"\n')
    loaded = config.load(user, None)
    assert [p.message for p in loaded.problems] == [
        f'{user}: [branding] organisation = "Me": only the organisation\'s policy can set this',
        f'{user}: [fleet] directory = "{tmp_path}": only the organisation\'s policy can set this',
    ]
    assert loaded.settings.branding.organisation is None
    assert loaded.settings.fleet.directory is None


def test_policy_unreadable_source_is_one_problem_and_the_rest_applies() -> None:
    broken = PolicySource(name="plist", error="plist: expected a property list (bad)")
    good = _doc('[breaks.movement]\nevery = "50m"\n', "etc")
    loaded = config.load(None, policies=[broken, good])
    assert [p.message for p in loaded.problems] == ["plist: expected a property list (bad)"]
    assert loaded.values["breaks.movement.every"] == "50m"


# Each case: policy text, user text -> [(layer, part of the message)] of the load's problems
PROBLEM_LAYERS = [
    pytest.param(
        '[breaks.movement]\nevery = "50x"\n',
        '[breaks.stretch]\nevery = "9q"\n',
        [
            (Layer.POLICY, "policy.toml: [breaks.movement] every"),
            (Layer.USER, "config.toml: [breaks.stretch] every"),
        ],
        id="a-bad-value-in-each",
    ),
    pytest.param(
        "[breaks\n",
        "[general\n",
        [
            (Layer.POLICY, "policy.toml: not valid TOML"),
            (Layer.USER, "config.toml: not valid TOML"),
        ],
        id="not-toml-in-each",
    ),
    pytest.param(
        '[policy]\nlock = ["nonsense"]\n',
        "",
        [(Layer.POLICY, "policy.toml: [policy] lock")],
        id="a-bad-lock",
    ),
    pytest.param(
        '[breaks.posture]\nevery = "10m"\nlength = "15m"\n',
        "",
        [(Layer.POLICY, "policy.toml: [breaks.posture] length")],
        id="the-policy-breaks-a-rule-between-its-own-keys",
    ),
    pytest.param(
        '[breaks.posture]\nlength = "5m"\n',
        '[breaks.posture]\nevery = "4m"\n',
        [(Layer.USER, "config.toml: [breaks.posture] every")],
        id="the-users-value-breaks-a-rule-with-the-policys",
    ),
    pytest.param(
        '[general]\nsnooze = "5m"\n[policy]\nlock = ["general.snooze"]\n',
        '[general]\nsnooze = "10m"\n',
        [(Layer.USER, "config.toml: [general] snooze: ignored")],
        id="a-warning-for-a-locked-key-is-the-users",
    ),
]


@pytest.mark.parametrize(("policy_text", "user_text", "expected"), PROBLEM_LAYERS)
def test_policy_each_problem_knows_whose_file_it_is_in(
    policy_text: str, user_text: str, expected: list[tuple[Layer, str]], tmp_path: Path
) -> None:
    # Protects: the service tells the organisation's mistakes (fall back, keep running) from
    # the person's (not started) from one load (issue 7 review: it loaded the policy twice).
    problems = _load(policy_text, user_text, tmp_path).problems
    assert len(problems) == len(expected), problems
    for problem, (layer, start) in zip(problems, expected, strict=True):
        assert problem.layer is layer, problem
        assert start in problem.message, problem


def test_policy_an_unreadable_source_is_the_policys_problem() -> None:
    broken = PolicySource(name="plist", error="plist: expected a property list (bad)")
    assert [p.layer for p in config.load(None, policies=[broken]).problems] == [Layer.POLICY]


# --- locks at the entry points: the control commands, the tray menu, the clinic ---------------------

_POLICY_LOCKS = {
    "pause-off-and-locked": (
        '[controls]\npause = false\n[policy]\nlock = ["controls.pause"]\n',
        {"pause": "Can't pause: set by your organisation."},
    ),
    "skips-locked-at-zero": (
        '[general]\nmax_skips_in_row = 0\n[policy]\nlock = ["general.max_skips_in_row"]\n',
        {"skip": "Can't skip: set by your organisation."},
    ),
    "daily-skips-locked-at-zero": (
        '[general]\nmax_skips_per_day = 0\n[policy]\nlock = ["general.max_skips_per_day"]\n',
        {"skip": "Can't skip: set by your organisation."},
    ),
    "quit-and-snooze-off-locked": (
        '[controls]\nquit = false\nsnooze = false\n[policy]\nlock = ["controls"]\n',
        {
            "quit": "Can't quit: set by your organisation.",
            "snooze": "Can't snooze: set by your organisation.",
        },
    ),
    "off-but-not-locked-is-the-users-own-choice": (
        "[controls]\npause = false\n",
        {"pause": "Can't pause: turned off in your settings ([controls] pause)."},
    ),
    "nothing-locked": ("", {}),
}


@pytest.mark.parametrize("case", list(_POLICY_LOCKS))
def test_policy_command_refusal_per_command(case: str) -> None:
    text, refused = _POLICY_LOCKS[case]
    settings = config.load(None, policies=[_doc(text)]).settings
    for command in ("status", "snooze", "skip", "pause", "resume", "break-now", "quit"):
        assert policy.command_refusal(settings, command) == refused.get(command), command


def test_policy_menu_locks_say_set_by_your_organisation_whatever_the_state() -> None:
    settings = config.load(
        None,
        policies=[
            _doc('[controls]\npause = false\nskip = false\n[policy]\nlock = ["controls.pause"]\n')
        ],
    ).settings
    locks = policy.menu_locks(settings, allowed={"snooze", "skip", "pause", "take_now"})
    assert locks == {
        "break-now": policy.MenuLock(enabled=True, reason=None),
        "snooze": policy.MenuLock(enabled=True, reason=None),
        "skip": policy.MenuLock(enabled=False, reason="turned off in your settings"),
        "pause": policy.MenuLock(enabled=False, reason="set by your organisation"),
        "resume": policy.MenuLock(enabled=False, reason="not now"),
        "quit": policy.MenuLock(enabled=True, reason=None),
    }
    # without a snapshot, only the policy greys things out
    assert policy.menu_locks(settings)["resume"] == policy.MenuLock(enabled=True, reason=None)


def test_policy_locked_clinic_refuses_a_clinic_change() -> None:
    locked = config.load(
        None,
        policies=[
            _doc(
                '[branding.clinic]\nname = "Acme"\nphone = "+44 20 7946 0000"\n'
                '[policy]\nlock = ["branding.clinic"]\n'
            )
        ],
    ).settings
    assert (
        policy.clinic_change_refusal(locked) == "Can't change the clinic: set by your organisation."
    )
    assert policy.clinic_change_refusal(config.defaults()) is None


# --- Windows: reg export and the registry layout --------------------------------------------------


def test_policy_reg_export_sample_reads_into_the_policy() -> None:
    data = (DATA / "policy.reg").read_bytes()
    assert data.startswith(b"\xff\xfe")  # as `reg export` writes it
    values = policy.parse_reg_export(data, file="policy.reg")
    assert values["breaks\\movement"] == {"every": "50m", "enabled": 1}
    assert values["working_hours"]["days"] == ["mon", "tue", "wed", "thu", "fri"]
    loaded = config.load(
        None, policies=[PolicySource(name="HKLM", document=policy.registry_document(values))]
    )
    assert loaded.problems == ()
    s = loaded.settings
    assert s.timer.max_skips_in_row == 2
    assert s.timer.max_snoozes is None
    assert s.timer.working_hours.days == frozenset(range(5))
    assert s.controls.pause is False
    assert s.branding.organisation == 'Acme "North" Ltd'
    assert s.branding.clinic is not None
    assert s.branding.clinic.name == "Acme Physio"
    assert loaded.origins["breaks.movement.every"] == config.Origin(
        layer=Layer.POLICY, file="HKLM", locked=True
    )
    assert "controls.pause" in s.locked
    assert not any(k.startswith("branding.clinic") for k in s.locked)  # its lock value is 0


def test_policy_registry_values_take_the_settings_types() -> None:
    document = policy.registry_document(
        {
            "breaks\\posture": {"enabled": 0},
            "working_hours": {"days": "mon, wed"},
            "general": {"max_snoozes": "2", "max_skips_in_row": "1", "snooze": "5m"},
            "branding": {"support_contact": "4357"},
        }
    )
    assert document == {
        "breaks": {"posture": {"enabled": False}},
        "working_hours": {"days": ["mon", "wed"]},
        "general": {"max_snoozes": 2, "max_skips_in_row": 1, "snooze": "5m"},
        "branding": {"support_contact": "4357"},  # text stays text
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"hello",
            'x.reg: expected a `reg export` file starting "Windows Registry Editor Version 5.00"',
        ),
        (
            "Windows Registry Editor Version 5.00\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\PostureGuard]\r\nevery 50m\r\n".encode(
                "utf-16-le"
            ),
            None,
        ),
        (
            b"\xff\xfe"
            + 'Windows Registry Editor Version 5.00\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\PostureGuard]\r\n"x"=qword:01\r\n'.encode(
                "utf-16-le"
            ),
            "x.reg: line 3: expected a string, dword: or hex(7): (multi-string) value, got 'qword:01'",
        ),
        (
            b"\xff\xfe"
            + "Windows Registry Editor Version 5.00\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\PostureGuard]\r\nevery 50m\r\n".encode(
                "utf-16-le"
            ),
            "x.reg: line 3: expected \"name\"=value, got 'every 50m'",
        ),
    ],
)
def test_policy_reg_export_problems_name_the_file_and_line(
    data: bytes, message: str | None
) -> None:
    with pytest.raises(policy.PolicyFormatError) as caught:
        policy.parse_reg_export(data, file="x.reg")
    if message is not None:
        assert str(caught.value) == message
    else:  # UTF-16 without the BOM is not what reg export writes
        assert str(caught.value).startswith("x.reg: expected a `reg export` file")


def test_policy_check_reads_a_reg_export_with_bad_values(tmp_path: Path) -> None:
    text = (
        "Windows Registry Editor Version 5.00\r\n\r\n"
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\PostureGuard\\breaks\\movement]\r\n"
        '"every"="soon"\r\n'
    )
    file = tmp_path / "bad.reg"
    file.write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    assert policy.check_policy_file(file) == [
        f'{file}: [breaks.movement] every = "soon": expected a duration like "45m" or "1h30m"'
    ]


# --- macOS: managed preferences and the .mobileconfig example --------------------------------------


def test_policy_managed_plist_sample_reads_into_the_policy() -> None:
    data = plistlib.dumps(
        {
            "PayloadUUID": "ignored",
            "breaks": {"movement": {"every": "50m"}},
            "controls": {"snooze": False},
            "general": {"max_snoozes": 1},
            "branding": {"organisation": "Acme Ltd"},
            "policy": {"lock": ["controls.snooze"]},
        },
        fmt=plistlib.FMT_BINARY,  # what cfprefsd writes
    )
    document = policy.parse_managed_plist(data, file="com.posture-guard.plist")
    assert "PayloadUUID" not in document
    loaded = config.load(None, policies=[PolicySource(name="plist", document=document)])
    assert loaded.problems == ()
    assert loaded.settings.timer.max_snoozes == 1
    assert (
        policy.command_refusal(loaded.settings, "snooze")
        == "Can't snooze: set by your organisation."
    )


def test_policy_managed_plist_that_is_not_one_is_a_clear_error() -> None:
    with pytest.raises(policy.PolicyFormatError, match=r"^p\.plist: expected a property list \("):
        policy.parse_managed_plist(b"<nope", file="p.plist")
    with pytest.raises(
        policy.PolicyFormatError, match=r"^p\.plist: expected a dictionary at the top"
    ):
        policy.parse_managed_plist(plistlib.dumps(["a"]), file="p.plist")


def test_policy_mobileconfig_example_in_the_repo_is_a_valid_policy() -> None:
    path = REPO / "packaging/macos/com.posture-guard.mobileconfig"
    payloads = policy.mobileconfig_payloads(path.read_bytes(), file=str(path))
    assert len(payloads) == 1
    assert not any(k.startswith("Payload") for k in payloads[0])
    assert policy.check_policy_file(path) == []
    loaded = config.load(None, policies=[PolicySource(name="p", document=payloads[0])])
    assert loaded.settings.branding.organisation == "Acme Ltd"
    assert loaded.settings.controls.quit is False
    assert "fleet.enabled" in loaded.settings.locked
    # the example names allow_override, and leaves the locks in place
    assert payloads[0]["policy"] == {
        "lock": ["breaks.movement", "controls.quit", "branding", "fleet"],
        "allow_override": False,
    }
    assert not policy.allows_override(PolicySource(name="p", document=payloads[0]))


def test_policy_mobileconfig_with_two_payloads_keeps_both_settings_and_both_locks(
    tmp_path: Path,
) -> None:
    """A profile may split the policy over payloads; a second one must not wipe the first's
    [breaks] table or its locks (the merge was a shallow dict.update)."""
    payload = {"PayloadType": policy.PLIST_DOMAIN, "PayloadIdentifier": "x"}
    profile = {
        "PayloadType": "Configuration",
        "PayloadContent": [
            {**payload, "breaks": {"posture": {"every": "25m"}}, "policy": {"lock": ["breaks.posture.every"]}},
            {**payload, "breaks": {"stretch": {"every": "50m"}}, "policy": {"lock": ["breaks.stretch.every"]}},
        ],
    }  # fmt: skip
    path = tmp_path / "two.mobileconfig"
    path.write_bytes(plistlib.dumps(profile))
    assert policy.check_policy_file(path) == []
    source = policy.source_from_bytes(path.read_bytes(), file=str(path))
    loaded = config.load(None, policies=[source])
    every = {b.kind: b.every_s for b in loaded.settings.timer.breaks}
    assert (every["posture"], every["stretch"]) == (25 * 60, 50 * 60)
    assert {"breaks.posture.every", "breaks.stretch.every"} <= loaded.settings.locked


# --- branding and the first run ---------------------------------------------------------------------


def test_policy_first_run_notice_says_what_the_employer_can_and_cannot_see(tmp_path: Path) -> None:
    unmanaged = policy.first_run_notice(config.defaults(), managed=False)
    assert "No organisation manages this copy." in unmanaged
    assert "stay on this computer" in unmanaged
    assert "never sends them anywhere" in unmanaged

    no_fleet = config.load(None, policies=[_doc('[branding]\norganisation = "Acme Ltd"\n')])
    text = policy.first_run_notice(no_fleet.settings, managed=True)
    assert "Acme Ltd manages this copy of Posture Guard with a policy." in text
    assert "What Acme Ltd can see: nothing; no figures are shared." in text
    assert "Posture Guard never sends them anywhere, and Acme Ltd cannot see them." in text

    with_fleet = config.load(
        None,
        policies=[
            _doc(
                f'[fleet]\nenabled = true\ndirectory = "{tmp_path}"\n'
                '[branding]\nsupport_contact = "IT desk"\nwelcome = "Hello from IT."\n'
            )
        ],
    )
    text = policy.first_run_notice(with_fleet.settings, managed=True)
    assert text.splitlines()[1] == "Hello from IT."
    assert (
        "What your organisation can see: for each day, your active screen time rounded to 15 "
        "minutes and how many breaks were asked for, taken and skipped, under a random id for "
        "this install (never your name)." in text
    )
    assert text.endswith("Questions: IT desk")
    assert not re.search(r"\?\s*$", text, re.MULTILINE)  # it tells; it asks nothing


def test_policy_menu_locks_take_the_timers_own_allowed_commands() -> None:
    from posture_guard.core.timer import Command

    locks = policy.menu_locks(config.defaults(), allowed=frozenset({Command.RESUME}))
    assert locks["resume"] == policy.MenuLock(enabled=True, reason=None)
    assert locks["snooze"] == policy.MenuLock(enabled=False, reason="not now")


def test_policy_sources_read_managed_plists_before_files(tmp_path: Path) -> None:
    from posture_guard.app.managed import load_effective
    from posture_guard.desktop.paths import Paths

    user_plist = tmp_path / "user.plist"
    user_plist.write_bytes(plistlib.dumps({"general": {"snooze": "3m"}}))
    machine_plist = tmp_path / "machine.plist"
    machine_plist.write_bytes(
        plistlib.dumps(
            {"general": {"snooze": "4m", "max_snoozes": 1}, "policy": {"lock": ["general"]}}
        )
    )
    broken = tmp_path / "broken.plist"
    broken.write_bytes(b"not a plist")
    toml = tmp_path / "policy.toml"
    toml.write_text("[general]\nmax_snoozes = 2\nmax_skips_in_row = 4\n")
    paths = Paths(
        user_config=tmp_path / "config.toml",
        policy=toml,
        state_dir=tmp_path,
        data_dir=tmp_path,
        runtime_dir=tmp_path,
        policy_files=(toml,),
        managed_plists=(user_plist, tmp_path / "absent.plist", broken, machine_plist),
    )
    loaded = load_effective(paths)
    assert [p.message for p in loaded.problems] == [
        f"{broken}: expected a property list (Invalid file)"
    ]
    assert (loaded.values["general.snooze"], loaded.origins["general.snooze"].file) == (
        "3m",
        str(user_plist),
    )
    assert loaded.values["general.max_snoozes"] == 1
    assert loaded.values["general.max_skips_in_row"] == 4
    assert loaded.origins["general.max_skips_in_row"].locked


# --- a property: a lock is final, whatever the user file says ------------------------------------

_CHOICES: dict[str, list[object]] = {
    "general.snooze": ["2m", "7m", "15m"],
    "general.max_snoozes": [0, 2, "unlimited"],
    "controls.pause": [True, False],
    "controls.quit": [True, False],
    "breaks.stretch.enabled": [True, False],
    "working_hours.days": [["mon"], ["mon", "fri"]],
}


def _toml(values: dict[str, object], extra: str = "") -> str:
    """Dotted keys at the top (TOML's `controls.pause = false`), then `extra` tables."""
    return "".join(f"{key} = {format_value(value)}\n" for key, value in values.items()) + extra


@given(data=st.data())
def test_policy_property_lock_is_final_and_unlocked_user_values_win(data: st.DataObject) -> None:
    keys = sorted(_CHOICES)
    in_policy = data.draw(st.sets(st.sampled_from(keys)))
    in_user = data.draw(st.sets(st.sampled_from(keys)))
    locked = data.draw(st.sets(st.sampled_from(keys)))
    policy_values = {k: data.draw(st.sampled_from(_CHOICES[k])) for k in sorted(in_policy)}
    user_values = {k: data.draw(st.sampled_from(_CHOICES[k])) for k in sorted(in_user)}
    lock_line = "[policy]\nlock = [" + ", ".join(f'"{k}"' for k in sorted(locked)) + "]\n"
    with tempfile.TemporaryDirectory() as tmp:
        user_file = Path(tmp) / "config.toml"
        user_file.write_text(_toml(user_values))
        loaded = config.load(
            user_file, policies=[_doc(_toml(policy_values, lock_line if locked else ""))]
        )
    assert loaded.errors == ()
    for key in keys:
        origin = loaded.origins[key]
        assert origin.locked == (key in locked)
        if key in locked:
            assert origin.layer is not Layer.USER
            expected = policy_values.get(key, config.load(None, None).values[key])
        elif key in user_values:
            assert origin.layer is Layer.USER
            expected = user_values[key]
        else:
            expected = policy_values.get(key, config.load(None, None).values[key])
        assert loaded.values[key] == expected, key


# --- hostile files: one line each, never a traceback (issue 18) ----------------------------------

_NEST = 400


def _nested_dict(levels: int) -> dict[str, object]:
    top: dict[str, object] = {}
    inner = top
    for _ in range(levels):
        inner["k"] = inner = {}
    return top


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        # Protects: a .reg export with an odd byte count, or a lone surrogate after its BOM, is
        # refused as no export (it raised UnicodeDecodeError)
        ("odd.reg", b"\xff\xfeW\x00i\x00n\x00x", "expected a `reg export` file (UTF-16 with BOM)"),
        ("lone.reg", b"\xff\xfe\x00\xd8", "expected a `reg export` file (UTF-16 with BOM)"),
        # Protects: 400-deep nesting is refused before any recursive code meets it
        # (RecursionError in every command before)
        (
            "deep.toml",
            ("a = " + "[" * _NEST + "]" * _NEST).encode(),
            "nested deeper than 16 levels of tables and arrays",
        ),
        (
            "deep-tables.toml",
            ("[" + ".".join(["t"] * _NEST) + "]\nx = 1\n").encode(),
            "nested deeper than 16 levels of tables and arrays",
        ),
        (
            "deep.plist",
            plistlib.dumps(_nested_dict(_NEST)),
            "nested deeper than 16 levels of tables and arrays",
        ),
    ],
)
def test_policy_hostile_file_is_one_line(tmp_path: Path, name: str, data: bytes, problem: str):
    file = tmp_path / name
    file.write_bytes(data)
    problems = policy.check_policy_file(file)
    assert problems == [f"{file}: {problem}"]


def test_config_nested_too_deep_is_one_problem_and_keeps_defaults(tmp_path: Path) -> None:
    # Protects: a user config nested 400 deep is one problem, not a RecursionError
    loaded = _load("", "x = " + "[" * _NEST + "]" * _NEST, tmp_path)
    assert [p.message for p in loaded.problems] == [
        f"{tmp_path / 'config.toml'}: nested deeper than 16 levels of tables and arrays"
    ]
