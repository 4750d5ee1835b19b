"""POSTURE_GUARD_POLICY and POSTURE_GUARD_ROOT over the organisation's own policy (issue 18), on
every OS by one rule (`policy.override_verdict`): the system policy keeps its locks unless it
allows the override, as `[policy] allow_override = true` in a TOML file or managed plist, or as
`AllowOverride` = 1 in the Windows registry key.

Windows cannot run here: its registry values are fed to the real parser as `reg export` writes
them, and `default_paths` is run with the platform set to win32 and the registry seam
(`desktop/policy_stores.registry_policy`) answering from such an export. The Linux side, with a
real /etc in a private mount namespace, is tests/e2e/test_policy_override.py."""

from __future__ import annotations

import plistlib
import sys
from pathlib import Path

import platformdirs  # noqa: F401 - imported before the platform is set to win32 below
import pytest

from posture_guard.app import managed
from posture_guard.app.managed import load_effective
from posture_guard.core import config, policy
from posture_guard.core.config import PolicySource
from posture_guard.core.content import MAX_DEPTH
from posture_guard.desktop import paths as paths_module
from posture_guard.desktop import policy_stores

HKLM = policy.REGISTRY_SOURCE_NAME
ROOT_KEY = r"[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\PostureGuard]"
POLICY_ENV = (("POSTURE_GUARD_POLICY", ""),)


def reg_export(*lines: str) -> bytes:
    """A `reg export` file as Windows writes it (UTF-16LE with a BOM, CRLF) of the
    PostureGuard key: a posture break every 17m, locked, plus `lines` in the key itself."""
    text = "\r\n".join(
        [
            "Windows Registry Editor Version 5.00",
            "",
            ROOT_KEY,
            *lines,
            "",
            r"[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\PostureGuard\breaks\posture]",
            '"every"="17m"',
            "",
            r"[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\PostureGuard\Locks]",
            '"breaks.posture"=dword:00000001',
            "",
        ]
    )
    return b"\xff\xfe" + text.encode("utf-16-le")


def registry_source(data: bytes) -> PolicySource:
    """What `desktop/registry.py` makes of the key that `data` is an export of."""
    values = policy.parse_reg_export(data, file="policy.reg")
    return PolicySource(name=HKLM, document=policy.registry_document(values))


# --- the registry value: AllowOverride is [policy] allow_override --------------------------------


def test_policy_override_registry_allow_override_value_is_the_policy_key() -> None:
    # Protects: AllowOverride (REG_DWORD) in the PostureGuard key itself reads as
    # `[policy] allow_override`, next to the locks, and validates with no problem
    values = policy.parse_reg_export(reg_export('"AllowOverride"=dword:00000001'), file="p.reg")
    assert values[""] == {"AllowOverride": 1}
    document = policy.registry_document(values)
    assert document["policy"] == {"allow_override": True, "lock": ["breaks.posture"]}
    loaded = config.load(None, policies=[PolicySource(name=HKLM, document=document)])
    assert loaded.problems == ()
    assert "breaks.posture.every" in loaded.settings.locked
    off = policy.registry_document(policy.parse_reg_export(reg_export(
        '"AllowOverride"=dword:00000000'), file="p.reg"))  # fmt: skip
    assert off["policy"] == {"allow_override": False, "lock": ["breaks.posture"]}


def test_policy_override_registry_allow_override_of_another_value_is_one_clear_problem(
    tmp_path: Path,
) -> None:
    # Protects: a hand-made AllowOverride that is not 0 or 1 (a 2, a text) is named by
    # `policy check` in one line, and it allows nothing
    for line, got in (('"AllowOverride"=dword:00000002', "2"), ('"AllowOverride"="yes"', '"yes"')):
        file = tmp_path / "p.reg"
        file.write_bytes(reg_export(line))
        assert policy.check_policy_file(file) == [
            f"{file}: [policy] allow_override = {got}: expected true or false"
        ]
        assert not policy.allows_override(registry_source(file.read_bytes()))


# --- the one decision, for every OS ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "allows"),
    [
        (registry_source(reg_export('"AllowOverride"=dword:00000001')), True),
        (registry_source(reg_export('"AllowOverride"=dword:00000000')), False),
        (registry_source(reg_export()), False),
        (PolicySource(name=HKLM, error=f"{HKLM}: cannot be read: access denied"), False),
        (PolicySource(name="p.toml", text="[policy]\nallow_override = true\n"), True),
        (PolicySource(name="p.toml", text="[policy]\nallow_override = 1\n"), False),
        (PolicySource(name="p.toml", text='[policy]\nallow_override = "true"\n'), False),
        (PolicySource(name="p.toml", text="[policy]\nallow_override = true\n[["), False),
        (PolicySource(name="p.toml", text="a = " + "[" * (MAX_DEPTH + 50)), False),
        (PolicySource(name="p.toml", text='[policy]\nlock = ["breaks"]\n'), False),
        (
            policy.source_from_bytes(
                plistlib.dumps({"policy": {"allow_override": True}}), file="p.plist"
            ),
            True,
        ),
        (policy.source_from_bytes(b"<not a plist", file="p.plist"), False),
    ],
)
def test_policy_override_allowed_only_in_so_many_words(source: PolicySource, allows: bool) -> None:
    # Protects: only `allow_override = true` (AllowOverride = 1) gives the locks up; a source
    # that is unreadable, malformed, nested too deep or says anything else keeps them
    assert policy.allows_override(source) is allows


def test_policy_override_verdict_over_the_registry_says_which_value_allows_it() -> None:
    # Protects: over a registry policy without AllowOverride the override is ignored and the
    # note names the key and the value to set; with AllowOverride = 1 it applies
    refused = policy.override_verdict(POLICY_ENV, [registry_source(reg_export())])
    assert refused == policy.OverrideVerdict(
        applies=False,
        note=f"policy override ignored: POSTURE_GUARD_POLICY=''; the system policy {HKLM}"
        " applies (it does not set AllowOverride = 1)",
    )
    allowing = registry_source(reg_export('"AllowOverride"=dword:00000001'))
    assert policy.override_verdict(POLICY_ENV, [allowing]) == policy.OverrideVerdict(
        applies=True,
        note=f"policy override in effect: POSTURE_GUARD_POLICY='' replaces the system policy"
        f" {HKLM}, which allows it",
    )


def test_policy_override_verdict_needs_every_system_policy_to_allow_it() -> None:
    # Protects: the override replaces every source at once, so one policy in place that does
    # not allow it keeps them all (the note names that one); none in place: no note at all
    allowing = PolicySource(name="/etc/posture-guard/policy.toml", text=(
        "[policy]\nallow_override = true\n"))  # fmt: skip
    locking = PolicySource(name="/etc/xdg/posture-guard/policy.toml", text=(
        '[policy]\nlock = ["breaks"]\n'))  # fmt: skip
    both = [("POSTURE_GUARD_POLICY", "/tmp/x.toml"), ("POSTURE_GUARD_ROOT", "/img")]
    verdict = policy.override_verdict(both, [allowing, locking])
    assert verdict == policy.OverrideVerdict(
        applies=False,
        note="policy override ignored: POSTURE_GUARD_POLICY='/tmp/x.toml',"
        " POSTURE_GUARD_ROOT='/img'; the system policy /etc/xdg/posture-guard/policy.toml"
        " applies (it does not set [policy] allow_override = true)",
    )
    assert policy.override_verdict(both, [allowing]).applies
    assert policy.override_verdict(both, []) == policy.OverrideVerdict(applies=True, note=None)
    assert policy.override_verdict([], [locking]) == policy.OverrideVerdict(applies=True, note=None)


# --- the wiring on Windows: default_paths with the registry seam answering -----------------------


@pytest.fixture
def on_windows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """The platform set to win32 (the paths' own branches) and an environment whose runtime
    folder exists, so nothing is looked up outside `tmp_path`."""
    monkeypatch.setattr(sys, "platform", "win32")
    (tmp_path / "run").mkdir()
    return {"XDG_RUNTIME_DIR": str(tmp_path / "run")}


def set_registry(monkeypatch: pytest.MonkeyPatch, source: PolicySource) -> None:
    """The registry seam answers with `source` (what registry.py read from the key), for the
    paths and for the policy sources alike."""
    monkeypatch.setattr(policy_stores, "registry_policy", lambda: source)
    monkeypatch.setattr(managed, "registry_policy", lambda: source)


def test_policy_override_on_windows_is_ignored_over_a_registry_policy(
    on_windows: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Protects: on Windows POSTURE_GUARD_POLICY no longer replaces the registry policy and
    # its locks unless the key sets AllowOverride; the note says so (config show, doctor, log)
    set_registry(monkeypatch, registry_source(reg_export()))
    mine = tmp_path / "mine.toml"
    mine.write_text('[breaks.posture]\nevery = "90m"\n')
    paths = paths_module.default_paths({**on_windows, "POSTURE_GUARD_POLICY": str(mine)})
    assert (paths.policy_files, paths.policy_registry) == ((), True)
    assert paths.policy_override == (
        f"policy override ignored: POSTURE_GUARD_POLICY={str(mine)!r}; the system policy {HKLM}"
        " applies (it does not set AllowOverride = 1)"
    )
    loaded = load_effective(paths, user_file=tmp_path / "none.toml")
    assert loaded.values["breaks.posture.every"] == "17m"
    assert "breaks.posture.every" in loaded.settings.locked


def test_policy_override_on_windows_applies_when_the_registry_allows_it(
    on_windows: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Protects: AllowOverride = 1 lets the override replace the registry policy, said in one line
    set_registry(monkeypatch, registry_source(reg_export('"AllowOverride"=dword:00000001')))
    mine = tmp_path / "mine.toml"
    mine.write_text('[breaks.posture]\nevery = "90m"\n')
    paths = paths_module.default_paths({**on_windows, "POSTURE_GUARD_POLICY": str(mine)})
    assert (paths.policy_files, paths.policy_registry) == ((mine,), False)
    assert paths.policy_override == (
        f"policy override in effect: POSTURE_GUARD_POLICY={str(mine)!r} replaces the system"
        f" policy {HKLM}, which allows it"
    )
    loaded = load_effective(paths, user_file=tmp_path / "none.toml")
    assert loaded.values["breaks.posture.every"] == "90m"
    assert "breaks.posture.every" not in loaded.settings.locked


def test_policy_override_on_windows_without_a_registry_policy_applies_silently(
    on_windows: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: no policy key (or an empty one): tests and image builds still use the override,
    # with no note; POSTURE_GUARD_ROOT, which moves nothing on Windows, is never "in effect"
    set_registry(monkeypatch, PolicySource(name=HKLM, document={}))
    paths = paths_module.default_paths({**on_windows, "POSTURE_GUARD_POLICY": ""})
    assert (paths.policy_files, paths.policy_registry, paths.policy_override) == ((), False, None)
    set_registry(monkeypatch, registry_source(reg_export('"AllowOverride"=dword:00000001')))
    paths = paths_module.default_paths({**on_windows, "POSTURE_GUARD_ROOT": "/img"})
    assert (paths.policy_registry, paths.policy_override) == (True, None)


def test_policy_override_on_windows_over_an_unreadable_registry_key_is_ignored(
    on_windows: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Protects: a key that is there but cannot be read keeps its place (it allows nothing)
    set_registry(monkeypatch, PolicySource(name=HKLM, error=f"{HKLM}: cannot be read: denied"))
    paths = paths_module.default_paths({**on_windows, "POSTURE_GUARD_POLICY": ""})
    assert (paths.policy_files, paths.policy_registry) == ((), True)
    assert paths.policy_override is not None
    assert paths.policy_override.startswith("policy override ignored: POSTURE_GUARD_POLICY=''")


def test_policy_override_an_empty_locks_key_is_no_registry_policy() -> None:
    # Protects: a PostureGuard key holding only an empty Locks subkey (a removed GPO leaves
    # it) sets and locks nothing: it is no policy, so it neither refuses the override nor
    # is named as "the system policy" in the note
    assert policy.registry_document({"": {}, "Locks": {}}) == {}
    assert policy.registry_document({"Locks": {"breaks.posture": 0}}) == {}
