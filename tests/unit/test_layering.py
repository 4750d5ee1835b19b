"""The functional core imports nothing that touches the world (STYLE.md, "Rules first")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "posture_guard"
CORE = [
    "timer.py",
    "config.py",
    "units.py",
    "errors.py",
    "ports.py",
    "episodes.py",
    "triage.py",
    "policy.py",
    "brand_colours.py",
    "exercises.py",
]
FORBIDDEN = {
    "sqlite3",
    "time",
    "threading",
    "socket",
    "subprocess",
    "tkinter",
    "pystray",
    "plyer",
    "schedule",
    "Xlib",
    "jeepney",
    "posture_guard.desktop",
    "posture_guard.service",
    "posture_guard.store",
    "posture_guard.control",
    "posture_guard.cli",
    "posture_guard.runner",
}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("module", CORE)
def test_layering_core_module_imports_nothing_of_the_shell(module: str) -> None:
    bad = {
        name
        for name in _imports(PACKAGE / module)
        for forbidden in FORBIDDEN
        if name == forbidden or name.startswith(f"{forbidden}.")
    }
    assert bad == set(), f"{module} imports {sorted(bad)}"


def test_layering_platform_checks_live_in_desktop_or_paths() -> None:
    allowed = {"paths.py"}
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "sys.platform" in path.read_text()
        and "desktop" not in path.relative_to(PACKAGE).parts
        and path.name not in allowed
    ]
    assert offenders == []
