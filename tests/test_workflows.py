"""The GitHub Actions workflows as a security reviewer reads them: zizmor's audits, and
the three rules this project holds them to (pinned actions, no stored credentials, least
permissions), checked on the YAML itself."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def _zizmor() -> str | None:
    beside = Path(sys.executable).with_name("zizmor")  # the test extra installs it in the venv
    return str(beside) if beside.exists() else shutil.which("zizmor")


def test_zizmor_finds_nothing_even_pedantic() -> None:
    zizmor = _zizmor()
    if zizmor is None:
        pytest.skip("zizmor is not installed (pip install -e '.[test]' installs it)")
    done = subprocess.run(
        [zizmor, "--offline", "--persona", "pedantic", "--no-progress", str(ROOT / ".github" / "workflows")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No findings to report" in done.stdout + done.stderr


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_actions_pinned_credentials_not_kept_permissions_least(path: Path) -> None:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert workflow["permissions"] == {"contents": "read"}  # jobs ask for more, each for itself
    for step in _steps(workflow):
        uses = step.get("uses")
        if uses:
            assert PINNED.match(uses), f"{path.name}: {uses} is not pinned to a commit"
        if uses and uses.startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines():
        if re.search(r"uses: \S+@[0-9a-f]{40}", line):
            assert re.search(r"# v\d", line), f"{path.name}: say which release: {line.strip()}"
