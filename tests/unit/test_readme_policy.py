"""The README's example policy for IT administrators stays valid and complete."""

from __future__ import annotations

import re
from pathlib import Path

from PIL import Image

from posture_guard.core import config, policy

README = Path(__file__).resolve().parents[2] / "README.md"


def _example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text.split("## For IT administrators", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```toml\n(.*?)```", section, re.DOTALL)
    assert blocks, "no ```toml block in the README's For IT administrators section"
    return blocks[0]


def test_readme_example_policy_is_valid(tmp_path: Path) -> None:
    example = _example()
    logo = re.search(r'^logo = "([^"]+)"', example, re.MULTILINE)
    assert logo is not None
    png = tmp_path / "acme-logo.png"
    Image.new("RGB", (8, 8), "#1a73e8").save(png)
    # the one value that names a file on the admin's machine points at a real PNG here
    file = tmp_path / "policy.toml"
    file.write_text(example.replace(logo.group(1), str(png)))
    assert policy.check_policy_file(file) == []


def test_readme_example_policy_shows_every_section_and_every_organisation_setting() -> None:
    loaded = config.load(None, policies=[config.PolicySource(name="README", text=_example())])
    set_keys = {k for k, o in loaded.origins.items() if o.layer is config.Layer.POLICY}
    sections = {k.rpartition(".")[0] for k in config.KEYS}
    assert sections <= {k.rpartition(".")[0] for k in set_keys}
    organisation_only = {k for k in config.KEYS if k.split(".")[0] in config.POLICY_ONLY}
    assert organisation_only - set_keys <= {"branding.logo"}  # the logo is not on this machine
    assert loaded.settings.locked >= organisation_only
