"""The four layers hold (ARCHITECTURE.md): arrows point down ui -> app -> desktop -> core.

The rules are structural, with no hand list of modules: every file under a layer's folder is
held to that layer's rule, so a new module is checked the day it is added.
- core/ imports only core/ and pure standard-library modules (no clock, threads, sockets, SQL,
  subprocesses, GUI or OS), both at import time (a fresh interpreter's sys.modules) and in any
  import statement, lazy ones included.
- desktop/ (OS adapters) imports neither app/ nor ui/; app/ does not import ui/.
- Platform branches (`sys.platform`) live in desktop/.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "posture_guard"

#: Standard-library modules the core may load: values, text, dates, maths, TOML and JSON.
#: Anything else (sqlite3, socket, threading, subprocess, time, tkinter, ...) is the shell's.
CORE_STDLIB = frozenset(
    {
        "__future__",
        "_typing",
        "_weakrefset",
        "plistlib",
        "stat",
        "urllib",
        "weakref",
        "_ast",
        "_bisect",
        "_datetime",
        "_json",
        "_opcode",
        "_string",
        "abc",
        "ast",
        "bisect",
        "collections",
        "copy",
        "dataclasses",
        "datetime",
        "dis",
        "enum",
        "functools",
        "inspect",
        "itertools",
        "json",
        "linecache",
        "math",
        "opcode",
        "operator",
        "pathlib",
        "re",
        "string",
        "token",
        "tokenize",
        "tomllib",
        "types",
        "typing",
        "unicodedata",
    }
)

#: Who may not import whom: (layer, layers it must never import).
NEVER = (
    ("desktop", ("app", "ui")),
    ("app", ("ui",)),
)


def _modules(package: Path, layer: str) -> list[Path]:
    return sorted((package / layer).rglob("*.py"))


def _module_name(package: Path, path: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module an import statement in `path` names, lazy imports included."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # `from posture_guard.app import store` names the module posture_guard.app.store
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _layer_of(name: str) -> str | None:
    parts = name.split(".")
    if parts[0] != "posture_guard":
        return None
    return parts[1] if len(parts) > 1 else ""


def core_loads(package: Path) -> list[str]:
    """The top-level modules a fresh interpreter holds after importing every core module."""
    names = [_module_name(package, path) for path in _modules(package, "core")]
    script = (
        "import importlib, json, sys\n"
        "before = set(sys.modules)\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=package.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [str(name) for name in json.loads(out)]


def core_violations(package: Path) -> list[str]:
    """What the core loads or imports that is neither core/ nor an allowed stdlib module."""
    bad = [
        f"loaded at import: {name}"
        for name in core_loads(package)
        if name.split(".")[0] not in CORE_STDLIB
        and not (name == "posture_guard" or name.startswith(("posture_guard.core",)))
    ]
    for path in _modules(package, "core"):
        for name in sorted(_imports(path)):
            top = name.split(".")[0]
            layer = _layer_of(name)
            if layer is None and top in CORE_STDLIB:
                continue
            if layer == "core" or name in {"posture_guard", "posture_guard.core"}:
                continue
            if layer == "" and name == "posture_guard":
                continue
            # `from posture_guard.core.x import Name` adds "posture_guard.core.x.Name": core too
            bad.append(f"{path.relative_to(package)} imports {name}")
    return bad


def upward_imports(package: Path) -> list[str]:
    """Imports that run back up the layers (desktop -> app/ui, app -> ui)."""
    bad = []
    for layer, forbidden in NEVER:
        for path in _modules(package, layer):
            for name in sorted(_imports(path)):
                if _layer_of(name) in forbidden:
                    bad.append(f"{path.relative_to(package)} imports {name}")
    return bad


def platform_branches_outside_desktop(package: Path) -> list[str]:
    return sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if "sys.platform" in path.read_text(encoding="utf-8")
        and path.relative_to(package).parts[0] != "desktop"
    )


def test_layering_core_loads_and_imports_only_core_and_pure_stdlib() -> None:
    assert core_violations(PACKAGE) == []


def test_layering_no_import_runs_back_up_the_layers() -> None:
    assert upward_imports(PACKAGE) == []


def test_layering_platform_checks_live_in_desktop() -> None:
    assert platform_branches_outside_desktop(PACKAGE) == []


def test_layering_package_init_files_are_empty() -> None:
    # an import of posture_guard.core must cost nothing but the module asked for (bench/footprint.py)
    loaded = {
        str(path.relative_to(PACKAGE)): path.read_text(encoding="utf-8").strip()
        for path in PACKAGE.rglob("__init__.py")
        if path.parent != PACKAGE and path.parent.name in {"core", "app", "desktop", "ui"}
    }
    assert loaded == dict.fromkeys(loaded, "")


@pytest.fixture
def doctored(tmp_path: Path) -> Path:
    """A copy of the package to plant a wrong import in."""
    copy = tmp_path / "posture_guard"
    subprocess.run(["cp", "-r", str(PACKAGE), str(copy)], check=True)
    return copy


def test_layering_finds_sqlite3_imported_by_a_core_module(doctored: Path) -> None:
    units = doctored / "core" / "units.py"
    units.write_text(units.read_text(encoding="utf-8") + "\nimport sqlite3\n", encoding="utf-8")
    assert core_violations(doctored) == [
        "loaded at import: _sqlite3",
        "loaded at import: sqlite3",
        "loaded at import: sqlite3.dbapi2",
        "core/units.py imports sqlite3",
    ]


def test_layering_finds_a_desktop_module_importing_ui(doctored: Path) -> None:
    clock = doctored / "desktop" / "clock.py"
    clock.write_text(
        clock.read_text(encoding="utf-8") + "\nfrom posture_guard.ui import tray  # noqa\n",
        encoding="utf-8",
    )
    assert upward_imports(doctored) == [
        "desktop/clock.py imports posture_guard.ui",
        "desktop/clock.py imports posture_guard.ui.tray",
    ]
