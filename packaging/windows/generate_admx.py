"""Write PostureGuard.admx and en-US/PostureGuard.adml from the settings the package knows.

Run after adding a setting: `python packaging/windows/generate_admx.py`. Every setting becomes
one Group Policy (Computer Configuration > Administrative Templates > Posture Guard > section)
with the value and a "Lock" checkbox; the registry layout is the one `posture_guard/core/policy.py`
reads (Rule 3 there). tests/unit/test_admx.py checks the files cover every setting.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from posture_guard.core import config, policy
from posture_guard.core.errors import format_value

HERE = Path(__file__).resolve().parent
BASE_KEY = r"Software\Policies\PostureGuard"
LOCKS_KEY = BASE_KEY + r"\Locks"


def _policy_name(key: str) -> str:
    return key.replace(".", "_")


def _category(section: str) -> str:
    return "cat_" + section.replace(".", "_")


def _allow_override() -> tuple[str, str, list[str]]:
    """`[policy] allow_override` as an on/off policy: the REG_DWORD `AllowOverride` in the
    PostureGuard key itself (1 enabled, 0 disabled, absent when not configured), which
    `policy.registry_document` reads as that key."""
    category = _category("policy")
    name = policy.ALLOW_OVERRIDE_VALUE
    admx = (
        f'    <policy name="{name}" class="Machine" displayName="$(string.{name})" '
        f'explainText="$(string.{name}_Help)" key="{BASE_KEY}" valueName="{name}">\n'
        f'      <parentCategory ref="{category}" />\n'
        '      <supportedOn ref="SUPPORTED_PostureGuard" />\n'
        '      <enabledValue><decimal value="1" /></enabledValue>\n'
        '      <disabledValue><decimal value="0" /></disabledValue>\n'
        "    </policy>"
    )
    strings = [
        f'      <string id="{category}">[policy]</string>',
        f'      <string id="{name}">[policy] allow_override: let POSTURE_GUARD_POLICY and '
        "POSTURE_GUARD_ROOT replace this policy</string>",
        f'      <string id="{name}_Help">Whether a user can replace this computer\'s Posture '
        "Guard policy, and with it every lock, by setting the environment variable "
        "POSTURE_GUARD_POLICY (a policy file of their own, or none) or POSTURE_GUARD_ROOT. "
        "Enabled: they can (for test machines and image builds); Posture Guard then says "
        "in its log, in `posture-guard config show` and in `posture-guard doctor` that the "
        "override is in effect. Disabled or not configured: while any Posture Guard policy is "
        "set on this computer the variables are ignored, every lock stays, and the same "
        "places say that the override was ignored. Leave it not configured on the computers people work on. "
        "Writes AllowOverride (REG_DWORD 1 or 0) in HKLM\\Software\\Policies\\PostureGuard, "
        "the [policy] allow_override = true or false of a policy file.</string>",
    ]
    heading = (
        f'    <category name="{category}" displayName="$(string.{category})">'
        '<parentCategory ref="PostureGuard" /></category>'
    )
    return heading, admx, strings


def generate() -> tuple[str, str]:
    loaded = config.load(None, None)
    sections = sorted({key.rpartition(".")[0] for key in config.KEYS})
    categories = ['    <category name="PostureGuard" displayName="$(string.PostureGuard)" />']
    strings = [
        '      <string id="PostureGuard">Posture Guard</string>',
        '      <string id="SUPPORTED_PostureGuard">Posture Guard 0.1 and later</string>',
    ]
    for section in sections:
        categories.append(
            f'    <category name="{_category(section)}" displayName="$(string.{_category(section)})">'
            '<parentCategory ref="PostureGuard" /></category>'
        )
        strings.append(f'      <string id="{_category(section)}">[{section}]</string>')
    policies, presentations = [], []
    for key in config.KEYS:
        section, _, leaf = key.rpartition(".")
        name = _policy_name(key)
        default = loaded.values[key]
        subkey = BASE_KEY + "\\" + section.replace(".", "\\")
        if isinstance(default, bool):
            value_element = (
                f'        <boolean id="value" valueName="{leaf}"><trueValue><decimal value="1" />'
                '</trueValue><falseValue><decimal value="0" /></falseValue></boolean>'
            )
            value_presentation = (
                f'        <checkBox refId="value" defaultChecked="{str(default).lower()}">'
                f"{escape(leaf)}</checkBox>"
            )
        else:
            value_element = f'        <text id="value" valueName="{leaf}" required="true" />'
            shown = ", ".join(default) if isinstance(default, list) else str(default)
            value_presentation = (
                f'        <textBox refId="value"><label>{escape(leaf)}</label>'
                f"<defaultValue>{escape(shown)}</defaultValue></textBox>"
            )
        policies.append(
            f'    <policy name="{name}" class="Machine" displayName="$(string.{name})" '
            f'explainText="$(string.{name}_Help)" presentation="$(presentation.{name})" '
            f'key="{subkey}">\n'
            f'      <parentCategory ref="{_category(section)}" />\n'
            '      <supportedOn ref="SUPPORTED_PostureGuard" />\n'
            "      <elements>\n"
            f"{value_element}\n"
            f'        <boolean id="lock" key="{LOCKS_KEY}" valueName="{key}"><trueValue>'
            '<decimal value="1" /></trueValue><falseValue><delete /></falseValue></boolean>\n'
            "      </elements>\n"
            "    </policy>"
        )
        strings.append(f'      <string id="{name}">[{section}] {leaf}</string>')
        strings.append(
            f'      <string id="{name}_Help">Sets [{section}] {leaf} for every user of this '
            f"computer (built-in: {escape(format_value(default))}). Tick Lock so that users "
            "cannot change it; the app then shows it as set by your organisation. Values are "
            "written as in the policy file (durations like 45m, lists comma-separated); see "
            "the README, For IT administrators.</string>"
        )
        presentations.append(
            f'      <presentation id="{name}">\n{value_presentation}\n'
            '        <checkBox refId="lock" defaultChecked="false">Lock: users cannot change '
            "it</checkBox>\n      </presentation>"
        )
    allow_category, allow_policy, allow_strings = _allow_override()
    categories.append(allow_category)
    policies.append(allow_policy)
    strings.extend(allow_strings)
    admx = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        "<!-- Generated by packaging/windows/generate_admx.py; do not edit by hand. -->\n"
        '<policyDefinitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" '
        'schemaVersion="1.0" '
        'xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">\n'
        "  <policyNamespaces>\n"
        '    <target prefix="postureguard" namespace="PostureGuard.Policies.PostureGuard" />\n'
        "  </policyNamespaces>\n"
        '  <resources minRequiredRevision="1.0" />\n'
        "  <supportedOn>\n    <definitions>\n"
        '      <definition name="SUPPORTED_PostureGuard" '
        'displayName="$(string.SUPPORTED_PostureGuard)" />\n'
        "    </definitions>\n  </supportedOn>\n"
        "  <categories>\n" + "\n".join(categories) + "\n  </categories>\n"
        "  <policies>\n" + "\n".join(policies) + "\n  </policies>\n"
        "</policyDefinitions>\n"
    )
    adml = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        "<!-- Generated by packaging/windows/generate_admx.py; do not edit by hand. -->\n"
        '<policyDefinitionResources xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" revision="1.0" '
        'schemaVersion="1.0" '
        'xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">\n'
        "  <displayName>Posture Guard</displayName>\n"
        "  <description>Break plan, controls, branding and fleet figures of Posture Guard"
        "</description>\n"
        "  <resources>\n    <stringTable>\n" + "\n".join(strings) + "\n    </stringTable>\n"
        "    <presentationTable>\n" + "\n".join(presentations) + "\n    </presentationTable>\n"
        "  </resources>\n</policyDefinitionResources>\n"
    )
    return admx, adml


def main() -> None:
    admx, adml = generate()
    (HERE / "PostureGuard.admx").write_text(admx, encoding="utf-8")
    (HERE / "en-US" / "PostureGuard.adml").write_text(adml, encoding="utf-8")


if __name__ == "__main__":
    main()
