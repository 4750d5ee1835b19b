"""POSTURE_GUARD_POLICY and POSTURE_GUARD_ROOT over a system policy (issue 18): they let an
ordinary user drop every lock the organisation set, silently. Now over a present system policy
they apply only when it sets `[policy] allow_override = true`, and either way `config show`
says so in one line (desktop/paths.py).

The system policy is put at its real place, /etc/posture-guard/policy.toml, in a private mount
namespace (an overlay over /etc that only the child sees), so the machine's /etc is untouched
and nothing the user could set points Posture Guard at it."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.app import App

SYSTEM_POLICY = '[breaks.posture]\nevery = "17m"\n\n[policy]\nlock = ["breaks.posture"]\n'


def with_system_policy(app: App, tmp_path: Path, policy: str, *args: str) -> str:
    """`posture-guard ARGS` (with the app's env, which sets POSTURE_GUARD_POLICY="") where
    /etc/posture-guard/policy.toml holds `policy`, in a mount namespace of its own."""
    upper = tmp_path / "ns"
    upper.mkdir()
    command = shlex.join(
        [sys.executable, "-m", "posture_guard", "--config", str(app.config), *args]
    )
    script = (
        f"set -e; mount -t tmpfs tmpfs {upper}; mkdir -p {upper}/u/posture-guard {upper}/w;"
        f" cat > {upper}/u/posture-guard/policy.toml;"
        f" mount -t overlay overlay -o lowerdir=/etc,upperdir={upper}/u,workdir={upper}/w /etc;"
        f" exec {command}"
    )
    done = subprocess.run(
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
        input=policy, env=app.env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        os.geteuid() != 0 or shutil.which("unshare") is None,
        reason="needs root and unshare for a private mount namespace",
    ),
]


def test_policy_override_is_ignored_over_a_system_policy_that_does_not_allow_it(
    app: App, tmp_path: Path
) -> None:
    # Protects: POSTURE_GUARD_POLICY="" no longer drops the organisation's policy and locks;
    # `config show` names the system policy and says the override was ignored
    assert app.env["POSTURE_GUARD_POLICY"] == ""
    out = with_system_policy(app, tmp_path, SYSTEM_POLICY, "config", "show")
    assert "# policy override ignored: POSTURE_GUARD_POLICY=''; the system policy" in out, out
    assert "/etc/posture-guard/policy.toml" in out
    assert "17m" in out, out


def test_policy_override_applies_when_the_system_policy_allows_it(app: App, tmp_path: Path) -> None:
    # Protects: a policy with `[policy] allow_override = true` lets the override replace it,
    # and `config show` says so in one line
    allowing = SYSTEM_POLICY.replace("[policy]\n", "[policy]\nallow_override = true\n")
    out = with_system_policy(app, tmp_path, allowing, "config", "show")
    lines = [line for line in out.splitlines() if "policy override" in line]
    assert lines == [
        "# policy override in effect: POSTURE_GUARD_POLICY='' replaces the system policy"
        " /etc/posture-guard/policy.toml, which allows it"
    ], out
    assert "17m" not in out
