"""The Debian package: packaging/build-deb.sh makes a .deb whose files pass the desktop's own
validators, and which installs with apt into a clean Debian 12 root made by debootstrap and runs
there (`--version`, `doctor`, a PDF report drawn with the libraries it carries).

The clean root is slow to make (about 75 s and 206 MB here): it is made once with debootstrap
from the mirror this machine's apt uses, kept under the temporary directory behind a lock, and
copied afresh for each run; the packages apt fetches into it are kept beside it too. A run after
the first takes about two minutes, most of it building the .deb (PyPI downloads, xz).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app import ROOT

pytestmark = [pytest.mark.e2e, pytest.mark.debootstrap]

SUITE = "bookworm"
CACHE = Path(tempfile.gettempdir()) / "posture-guard-debootstrap"
CHROOT_ENV = {
    "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
    "HOME": "/root",
    "LANG": "C.UTF-8",
    "DEBIAN_FRONTEND": "noninteractive",
}


def _run(*args: str | Path, timeout: float = 600, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        check=False,
    )
    assert result.returncode == 0, f"{args}: {result.stdout[-2000:]}{result.stderr[-3000:]}"
    return result.stdout


def debian_mirror() -> str:
    """The Debian mirror this machine's apt fetches the suite from (deb822 .sources files and
    one-line .list files); POSTURE_GUARD_DEBIAN_MIRROR overrides it."""
    if os.environ.get("POSTURE_GUARD_DEBIAN_MIRROR"):
        return os.environ["POSTURE_GUARD_DEBIAN_MIRROR"]
    sources = [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]
    for path in sources:
        if not path.is_file():
            continue
        text = path.read_text(errors="replace")
        if path.suffix == ".sources":
            for stanza in re.split(r"\n\s*\n", text):
                fields = dict(
                    (k.strip().lower(), v.split())
                    for k, _, v in (
                        line.partition(":")
                        for line in stanza.splitlines()
                        if ":" in line and not line.lstrip().startswith("#")
                    )
                )
                if SUITE in fields.get("suites", []) and "main" in fields.get("components", []):
                    return fields["uris"][0]
        else:
            for line in text.splitlines():
                words = line.split("#", 1)[0].split()
                if len(words) >= 4 and words[0] == "deb" and SUITE in words and "main" in words:
                    return next(w for w in words[1:] if "://" in w)
    pytest.fail(f"no Debian {SUITE} mirror with main in {[str(p) for p in sources]}")


def clean_root() -> Path:
    """The cached minimal Debian root, made the first time (under an exclusive lock, so two runs
    at once make it once); apt's package lists inside are fetched at that time."""
    CACHE.mkdir(exist_ok=True)
    done = CACHE / f"{SUITE}-minbase"
    with (CACHE / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (done / "etc" / "debian_version").is_file():
            return done
        partial = CACHE / f"{SUITE}-minbase.partial"
        shutil.rmtree(partial, ignore_errors=True)
        _run("debootstrap", "--variant=minbase", SUITE, partial, debian_mirror(), timeout=1200)
        _run("chroot", partial, "apt-get", "update", "-qq", env=CHROOT_ENV)
        partial.rename(done)
    return done


@pytest.fixture(scope="module")
def deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("dpkg-deb") is None:
        pytest.fail("dpkg-deb is missing (Debian's dpkg)")
    out = tmp_path_factory.mktemp("deb")
    return Path(_run("bash", ROOT / "packaging" / "build-deb.sh", out).strip())


@pytest.fixture
def debian(tmp_path: Path) -> Iterator[Path]:
    """A fresh copy of the clean root with /proc mounted and apt's downloads kept in the cache."""
    if os.geteuid() != 0:
        pytest.skip("chroot and mount need root (CI runs as root)")
    if shutil.which("debootstrap") is None:
        pytest.fail("debootstrap is missing: tests/run.sh installs it")
    root = tmp_path / "root"
    _run("cp", "-a", clean_root(), root)
    archives = CACHE / "archives"
    archives.mkdir(exist_ok=True)
    mounts = [root / "proc", root / "var" / "cache" / "apt" / "archives"]
    _run("mount", "-t", "proc", "proc", mounts[0])
    try:
        _run("mount", "--bind", archives, mounts[1])
        yield root
    finally:
        for mount in reversed(mounts):
            subprocess.run(["umount", "-l", mount], capture_output=True, check=False)


def test_deb_files_pass_the_desktops_validators(deb: Path, tmp_path: Path) -> None:
    # Protects: the package carries the app, its icon in every hicolor size, the menu launcher,
    # the autostart entry (a conffile) and valid AppStream metainfo
    tree = tmp_path / "tree"
    _run("dpkg-deb", "-x", deb, tree)
    control = _run("dpkg-deb", "-f", deb, "Package", "Depends", "Architecture")
    assert "Package: posture-guard" in control
    assert "python3.11" in control
    assert _run("dpkg-deb", "-I", deb, "conffiles").split() == [
        "/etc/xdg/autostart/posture-guard.desktop"
    ]
    for size in (16, 24, 32, 48, 64, 128, 256):
        assert (tree / f"usr/share/icons/hicolor/{size}x{size}/apps/posture-guard.png").is_file()
    assert (tree / "usr/share/icons/hicolor/symbolic/apps/posture-guard-symbolic.svg").is_file()
    menu = tree / "usr/share/applications/posture-guard.desktop"
    autostart = tree / "etc/xdg/autostart/posture-guard.desktop"
    _run("desktop-file-validate", menu, autostart)
    assert "Exec=/usr/lib/posture-guard/bin/python3 -m posture_guard run" in menu.read_text()
    assert "Name[de]=" in menu.read_text()
    metainfo = tree / "usr/share/metainfo/com.posture_guard.PostureGuard.metainfo.xml"
    if shutil.which("appstreamcli") is None:
        pytest.fail("appstreamcli is missing: tests/run.sh installs appstream")
    _run("appstreamcli", "validate", "--no-net", "--pedantic", metainfo)
    assert (
        (tree / "usr/bin/posture-guard")
        .read_text()
        .startswith("#!/usr/lib/posture-guard/bin/python3\n")
    )


def test_deb_installs_and_runs_in_a_clean_debian_root(deb: Path, debian: Path) -> None:
    # Protects: a clean Debian 12 with only the package's declared dependencies runs the app:
    # --version, doctor, and a PDF report through matplotlib, fpdf2 and HarfBuzz it carries
    shutil.copy(deb, debian / "tmp" / deb.name)

    def chroot(*args: str, timeout: float = 600) -> str:
        return _run("chroot", debian, *args, timeout=timeout, env=CHROOT_ENV)

    assert not (debian / "usr/bin/python3.11").exists()  # clean: apt brings Python itself
    chroot("apt-get", "update", "-qq")  # the cached lists may have aged since the root was made
    chroot("apt-get", "install", "-y", "-qq", "--no-install-recommends", f"/tmp/{deb.name}")
    assert chroot("posture-guard", "--version").strip() == "posture-guard 0.1.0"
    # the windows' fallback toolkit comes with the package's own dependencies
    chroot("/usr/lib/posture-guard/bin/python3", "-c", "import tkinter")
    doctor = chroot("posture-guard", "doctor", timeout=120)
    assert "Traceback" not in doctor
    assert doctor.strip()
    # postinst byte-compiled the carried libraries once, as root
    assert list((debian / "usr/lib/posture-guard").rglob("cli.cpython-311.pyc"))
    installed = chroot("dpkg", "-L", "posture-guard").split()
    for path in (
        "/usr/share/applications/posture-guard.desktop",
        "/etc/xdg/autostart/posture-guard.desktop",
        "/usr/share/icons/hicolor/48x48/apps/posture-guard.png",
        "/usr/share/metainfo/com.posture_guard.PostureGuard.metainfo.xml",
    ):
        assert path in installed
    chroot("mkdir", "-p", "/tmp/home")
    home = {"HOME": "/tmp/home", "XDG_RUNTIME_DIR": "/tmp/home"}
    pdf = _run(
        "chroot",
        debian,
        "posture-guard",
        "report",
        "--format",
        "pdf",
        "--out",
        "/tmp/report.pdf",
        env={**CHROOT_ENV, **home},
        timeout=300,
    )
    assert "Traceback" not in pdf
    assert (debian / "tmp" / "report.pdf").read_bytes().startswith(b"%PDF-")
    chroot("apt-get", "remove", "-y", "-qq", "posture-guard")
    assert not (debian / "usr/lib/posture-guard").exists()  # prerm took the .pyc files too
