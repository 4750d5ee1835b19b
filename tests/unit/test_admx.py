"""The Group Policy template: well-formed ADMX/ADML, every setting mapped, every reference resolved."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from posture_guard.core import config, policy

WINDOWS = Path(__file__).resolve().parents[2] / "packaging" / "windows"
NS = {"p": "http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions"}
BASE = r"Software\Policies\PostureGuard"


def _trees() -> tuple[ET.Element, ET.Element]:
    admx = ET.parse(WINDOWS / "PostureGuard.admx").getroot()
    adml = ET.parse(WINDOWS / "en-US" / "PostureGuard.adml").getroot()
    return admx, adml


def _switches(admx: ET.Element) -> list[ET.Element]:
    """The on/off policies: a value of their own (`valueName`), no elements."""
    return [p for p in admx.iterfind("p:policies/p:policy", NS) if "valueName" in p.attrib]


def test_admx_every_setting_is_one_policy_writing_the_registry_layout_the_reader_reads() -> None:
    admx, _ = _trees()
    assert admx.tag == f"{{{NS['p']}}}policyDefinitions"
    mapped: dict[str, str] = {}
    locks: set[str] = set()
    for element in admx.iterfind("p:policies/p:policy", NS):
        if element in _switches(admx):
            continue
        key = element.attrib["key"]
        assert element.attrib["class"] == "Machine"
        assert key.startswith(BASE + "\\")
        section = key[len(BASE) + 1 :].replace("\\", ".")
        elements = element.find("p:elements", NS)
        assert elements is not None
        value = [e for e in elements if e.attrib["id"] == "value"]
        lock = [e for e in elements if e.attrib["id"] == "lock"]
        assert (len(value), len(lock)) == (1, 1), element.attrib["name"]
        mapped[f"{section}.{value[0].attrib['valueName']}"] = value[0].tag.split("}")[1]
        assert lock[0].attrib["key"] == f"{BASE}\\{policy.LOCKS_SUBKEY}"
        locks.add(lock[0].attrib["valueName"])
    assert sorted(mapped) == sorted(config.KEYS)
    assert locks == set(config.KEYS)
    defaults = config.load(None, None).values
    for key, kind in mapped.items():  # true/false settings are DWORD checkboxes, the rest text
        assert kind == ("boolean" if isinstance(defaults[key], bool) else "text"), key


def test_admx_every_reference_resolves_in_the_admx_or_the_adml() -> None:
    admx, adml = _trees()
    strings = {s.attrib["id"] for s in adml.iterfind("p:resources/p:stringTable/p:string", NS)}
    presentations = {
        p.attrib["id"]: p
        for p in adml.iterfind("p:resources/p:presentationTable/p:presentation", NS)
    }
    categories = {c.attrib["name"] for c in admx.iterfind("p:categories/p:category", NS)}
    supported = {
        d.attrib["name"] for d in admx.iterfind("p:supportedOn/p:definitions/p:definition", NS)
    }

    def string_ref(value: str) -> str:
        found = re.fullmatch(r"\$\(string\.(\w+)\)", value)
        assert found is not None, value
        return found.group(1)

    for element in admx.iter():
        for attribute in ("displayName", "explainText"):
            if attribute in element.attrib:
                assert string_ref(element.attrib[attribute]) in strings
    for category in admx.iterfind("p:categories/p:category", NS):
        for parent in category.iterfind("p:parentCategory", NS):
            assert parent.attrib["ref"] in categories
    for element in admx.iterfind("p:policies/p:policy", NS):
        # every policy has its name and its explanation in the ADML
        assert string_ref(element.attrib["displayName"]) in strings
        assert string_ref(element.attrib["explainText"]) in strings
        parent = element.find("p:parentCategory", NS)
        support = element.find("p:supportedOn", NS)
        assert parent is not None
        assert parent.attrib["ref"] in categories
        assert support is not None
        assert support.attrib["ref"] in supported
        if element.find("p:elements", NS) is None:
            assert "presentation" not in element.attrib, element.attrib["name"]
            continue
        ref = element.attrib["presentation"]
        assert ref.startswith("$(presentation.")
        presentation = presentations[ref[len("$(presentation.") : -1]]
        ids = {e.attrib["id"] for e in element.iterfind("p:elements/*", NS)}
        refs = {e.attrib["refId"] for e in presentation}
        assert refs == ids, element.attrib["name"]


def test_admx_files_are_what_the_generator_makes_now() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate_admx", WINDOWS / "generate_admx.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    admx, adml = module.generate()
    assert (WINDOWS / "PostureGuard.admx").read_text(encoding="utf-8") == admx
    assert (WINDOWS / "en-US" / "PostureGuard.adml").read_text(encoding="utf-8") == adml


def test_admx_values_as_group_policy_writes_them_read_back_as_a_valid_locked_policy() -> None:
    # Group Policy writes a text box as REG_SZ and a checkbox as REG_DWORD 1/0 into the
    # policy's key, and the Lock box as REG_DWORD 1 under Locks: feed exactly that to the reader.
    admx, _ = _trees()
    defaults = config.load(None, None).values
    values: dict[str, dict[str, object]] = {policy.LOCKS_SUBKEY: {}}
    for element in admx.iterfind("p:policies/p:policy", NS):
        if element in _switches(admx):  # allow_override: the test below
            continue
        sub = element.attrib["key"][len(BASE) + 1 :]
        value = element.find("p:elements/*[@id='value']", NS)
        assert value is not None
        key = f"{sub.replace(chr(92), '.')}.{value.attrib['valueName']}"
        default = defaults[key]
        if value.tag.endswith("boolean"):
            written: object = int(bool(default))
        else:
            written = ", ".join(default) if isinstance(default, list) else str(default)
        values.setdefault(sub, {})[value.attrib["valueName"]] = written
        values[policy.LOCKS_SUBKEY][key] = 1
    loaded = config.load(
        None,
        policies=[config.PolicySource(name="HKLM", document=policy.registry_document(values))],
    )
    assert loaded.problems == ()
    # the built-in values, every one locked
    assert loaded.settings == config.Settings(
        timer=config.defaults().timer, locked=frozenset(config.KEYS)
    )


def test_admx_allow_override_writes_the_value_the_registry_reader_takes_as_the_policy_key() -> None:
    # Protects: the ADMX's allow_override policy writes exactly the registry value the reader
    # reads as `[policy] allow_override` (AllowOverride in the PostureGuard key, 1 or 0), so
    # enabling it in Group Policy lets the overrides through and disabling it does not; and
    # the ADML explains it (what it allows, where it is said, what to leave it at)
    admx, adml = _trees()
    (switch,) = _switches(admx)
    assert switch.attrib["class"] == "Machine"
    assert switch.attrib["key"] == BASE
    assert switch.attrib["valueName"] == policy.ALLOW_OVERRIDE_VALUE
    written = {}
    for state in ("enabledValue", "disabledValue"):
        decimal = switch.find(f"p:{state}/p:decimal", NS)
        assert decimal is not None, state
        written[state] = int(decimal.attrib["value"])
    for state, allows in (("enabledValue", True), ("disabledValue", False)):
        # Group Policy writes the DWORD into the key itself: "" below PostureGuard
        values = {"": {switch.attrib["valueName"]: written[state]}}
        document = policy.registry_document(values)
        assert document == {"policy": {"allow_override": allows}}
        loaded = config.load(None, policies=[config.PolicySource(name="HKLM", document=document)])
        assert loaded.problems == ()
        source = config.PolicySource(name=policy.REGISTRY_SOURCE_NAME, document=document)
        assert policy.allows_override(source) is allows
        verdict = policy.override_verdict([("POSTURE_GUARD_POLICY", "")], [source])
        assert verdict.applies is allows
    explain = adml.find(
        f"p:resources/p:stringTable/p:string[@id='{switch.attrib['name']}_Help']", NS
    )
    assert explain is not None
    assert explain.text is not None
    for words in ("POSTURE_GUARD_POLICY", "POSTURE_GUARD_ROOT", "config show", "not configured"):
        assert words in explain.text, words
