"""The pre-commit hook manifest (.pre-commit-hooks.yaml) is one pre-commit accepts."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"


def test_pre_commit_validates_the_manifest():
    pytest.importorskip("pre_commit", reason="pre-commit is in the test extra: pip install -e '.[test]'")
    done = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", str(MANIFEST)],
                          capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_hook_checks_a_staged_readme_offline():
    hooks = {hook["id"]: hook for hook in yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))}
    hook = hooks["openness-check"]
    assert hook["entry"] == "openness check --offline" and hook["language"] == "python"
    assert hook["pass_filenames"] is True
    files = re.compile(hook["files"])
    assert files.search("README.md") and files.search("models/small/README.md")
    assert not files.search("docs/NOT_README.md") and not files.search("README.md.bak")
