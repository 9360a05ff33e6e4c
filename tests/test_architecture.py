"""The layer rules in pyproject.toml ([tool.importlinter]) hold: only ui imports Qt, only nlp
imports spaCy, only store imports peewee directly, and lower layers never import higher ones."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold():
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.skip("import-linter is not installed (pip install '.[test]')")
    res = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]
    assert "KEPT" in res.stdout


def test_code_passes_pyflakes():
    """No undefined names, unused imports or unused variables (ruff's F rules, configured in
    pyproject.toml): a name error in a rarely run branch (a benchmark's fallback corpus) slipped
    through once."""
    exe = shutil.which("ruff")
    if exe is None:
        pytest.skip("ruff is not installed (pip install '.[test]')")
    res = subprocess.run([exe, "check", "annotator", "tests", "benchmarks"], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout[-4000:] + res.stderr[-2000:]


def test_headless_layers_import_without_qt():
    """The CLI and services load without importing PySide6 (fast start, headless servers)."""
    code = (
        "import sys, annotator.cli, annotator.services.annotate, annotator.services.importing, "
        "annotator.services.export; print('PySide6' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
