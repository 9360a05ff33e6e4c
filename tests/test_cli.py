"""The command line as a user runs it (in-process through ``main`` and once as a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from annotator.cli import main
from tests.conftest import ROOT, SEEDS, needs_model


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_help_and_version_as_a_subprocess():
    res = subprocess.run([sys.executable, "-m", "annotator", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0
    for cmd in ("import", "preannotate", "stats", "export", "gui"):
        assert cmd in res.stdout


def test_where_follows_db_env_and_flag(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_DB", str(tmp_path / "env.sqlite"))
    assert run(capsys, "where")[1].strip() == str(tmp_path / "env.sqlite")
    assert run(capsys, "where", "--db", str(tmp_path / "flag.sqlite"))[1].strip() == str(tmp_path / "flag.sqlite")
    monkeypatch.delenv("ANNOTATOR_DB")
    assert run(capsys, "where")[1].strip().endswith("default.annotator.sqlite")


def test_import_stats_and_reimport(capsys, tmp_path):
    db = str(tmp_path / "p.sqlite")
    code, out, err = run(capsys, "import", str(SEEDS), "--db", db, "--no-preannotate")
    assert code == 0 and "imported 5 article(s)" in out
    code, out, err = run(capsys, "import", str(SEEDS), "--db", db, "--no-preannotate")
    assert code == 0 and "5 duplicate(s)" in out and err.count("duplicate:") == 5
    code, out, _ = run(capsys, "stats", "--db", db, "--json")
    assert code == 0 and json.loads(out)["articles"] == 5


def test_import_exit_code_is_nonzero_only_when_nothing_imported(capsys, tmp_path):
    db = str(tmp_path / "p.sqlite")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    good = tmp_path / "good.txt"
    good.write_text("An article.", encoding="utf-8")
    code, out, err = run(capsys, "import", str(bad), "--db", db, "--no-preannotate")
    assert code == 1 and "bad.txt: the file is empty" in err
    code, out, err = run(capsys, "import", str(bad), str(good), "--db", db, "--no-preannotate")
    assert code == 0 and "imported 1 article(s)" in out and "bad.txt" in err


def test_errors_are_one_line_without_traceback(capsys, tmp_path):
    notdb = tmp_path / "notes.sqlite"
    notdb.write_text("hello")
    code, out, err = run(capsys, "stats", "--db", str(notdb))
    assert code == 2 and err.startswith("annotator: ") and "Traceback" not in err and str(notdb) in err


def test_export_refuses_to_overwrite_and_empty_selection(capsys, tmp_path):
    db = str(tmp_path / "p.sqlite")
    run(capsys, "import", str(SEEDS), "--db", db, "--no-preannotate")
    out = tmp_path / "out.jsonl"
    code, _, err = run(capsys, "export", "--db", db, "--format", "jsonl", "--out", str(out))
    assert code == 2 and "nothing to export" in err and not out.exists()
    code, _, err = run(capsys, "export", "--db", db, "--format", "jsonl", "--all", "--out", str(out))
    assert code == 0 and len(out.read_text(encoding="utf-8").splitlines()) == 5
    code, _, err = run(capsys, "export", "--db", db, "--format", "jsonl", "--all", "--out", str(out))
    assert code == 2 and "use --force" in err
    assert not list(tmp_path.glob(".out.jsonl.*"))  # no temporary files left behind


@needs_model
@pytest.mark.model
def test_seeds_end_to_end_with_the_trained_model(capsys, tmp_path):
    """The issue's acceptance check: import seeds/, export --all: every seed with entities and
    claims whose offsets slice the text exactly, speakers resolved to names."""
    db = str(tmp_path / "p.sqlite")
    code, out, err = run(capsys, "import", str(SEEDS), "--db", db)
    assert code == 0 and "pre-annotated 5 article(s)" in out
    code, out, err = run(capsys, "export", "--db", db, "--format", "jsonl", "--all")
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 5
    for rec in records:
        text = rec["text"]
        assert rec["spans"] and rec["claims"], rec["meta"]["source_file"]
        for s in rec["spans"] + rec["claims"]:
            assert text[s["start"] : s["end"]] == s["text"]
            assert s["status"] == "suggested"
        for c in rec["claims"]:
            for part in ("source", "cue"):
                if c[part] is not None:
                    assert text[c[part]["start"] : c[part]["end"]] == c[part]["text"]
    named = [c for r in records for c in r["claims"] if c["source"]]
    pronouns = {"he", "she", "they", "it", "him", "her", "them"}
    assert named and all(c["source"]["name"].lower() not in pronouns for c in named)
    # mentions like "he" / "the minister" were resolved to a name
    assert any(c["source"]["text"].lower() in pronouns | {"the minister"} and c["source"]["name"].lower() not in pronouns for c in named)
    # pre-annotation again does nothing
    code, out, err = run(capsys, "preannotate", "--db", db)
    assert "up to date" in out
