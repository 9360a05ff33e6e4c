"""The import use case over real files: batches, duplicates, bad files, interruption."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest

from annotator.domain.text import content_hash
from annotator.importers import CsvOptions
from annotator.services.importing import import_paths
from annotator.store import open_project
from annotator.store import models as m
from tests.conftest import FNC1, ROOT, SEEDS


def test_seeds_import_once_then_duplicates(project):
    rep = import_paths(project, [SEEDS])
    assert len(rep.imported) == 5 and not rep.problems
    rep2 = import_paths(project, [SEEDS])
    assert rep2.imported == [] and len(rep2.duplicates) == 5
    assert all("duplicate of an article already in the project" in d for d in rep2.duplicates)
    assert m.Article.select().count() == 5


def test_bad_files_are_reported_and_the_rest_continues(project, tmp_path):
    (tmp_path / "good.txt").write_text("A perfectly fine article about the harbour.\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (tmp_path / "lines.jsonl").write_text(
        json.dumps({"text": "First good line."}) + "\n{broken\n" + json.dumps({"text": "Third line."}) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    rep = import_paths(project, [tmp_path])
    texts = sorted(a.text for a in m.Article.select())
    assert texts == ["A perfectly fine article about the harbour.", "First good line.", "Third line."]
    msgs = [p.message for p in rep.problems]
    assert any("empty.txt" in x and "empty" in x for x in msgs)
    assert any("binary.txt" in x and "binary" in x for x in msgs)
    assert any("lines.jsonl" in x and "line 2" in x for x in msgs)


def test_duplicates_inside_one_batch(project, tmp_path):
    f = tmp_path / "dupes.jsonl"
    f.write_text("\n".join(json.dumps({"text": t}) for t in ["Same.", "Other.", "Same.", "Same.\r\n"]), encoding="utf-8")
    rep = import_paths(project, [f])
    assert len(rep.imported) == 2 and len(rep.duplicates) == 2


@pytest.mark.skipif(not (FNC1 / "train_bodies.csv").exists(), reason="../shared/corpora/fnc-1 is not present")
def test_fnc1_bodies_import(project):
    rep = import_paths(project, [FNC1 / "train_bodies.csv"], csv=CsvOptions(text_column="articleBody", id_column="Body ID"))
    assert not rep.problems
    assert len(rep.imported) + len(rep.duplicates) == 1683
    a = m.Article.get(m.Article.external_id == "0")
    assert a.text.startswith("A small meteorite crashed into a wooded area in Nicaragua")


def _committed_articles(db) -> int:
    """Articles committed so far in ``db``, read by a separate connection (0 while it has none)."""
    import sqlite3

    if not db.exists():
        return 0
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=0.1)
        try:
            return con.execute("SELECT count(*) FROM article").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:  # not created yet, or locked for a moment
        return 0


def test_killed_import_leaves_only_whole_articles(tmp_path):
    """SIGKILL in the middle of a large import: the database is consistent and a re-run
    completes it without duplicates."""
    src = tmp_path / "big.jsonl"
    with open(src, "w", encoding="utf-8") as fh:
        for i in range(6000):
            fh.write(json.dumps({"text": f"Article {i}. " + "Words of the article body. " * 60, "meta": {"n": i}}) + "\n")
    db = tmp_path / "p.sqlite"
    cmd = [sys.executable, "-m", "annotator", "import", str(src), "--db", str(db), "--no-preannotate"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    # wait until some batches are committed (a reader sees committed rows only; the file size
    # alone is not enough: a batch in progress spills pages to the WAL before it commits), then
    # kill without warning
    while time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
        if _committed_articles(db) > 0:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    p = open_project(db)
    assert p.integrity_check() == "ok"
    n = m.Article.select().count()
    assert 0 < n < 6000, f"kill came too late or too early ({n} articles)"
    for a in m.Article.select():
        assert content_hash(a.text) == a.content_hash and a.char_count == len(a.text)
    p.close()
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    p = open_project(db)
    assert m.Article.select().count() == 6000
    p.close()


def test_untitled_articles_are_listed_by_their_first_sentence(project, tmp_path):
    from annotator.domain.text import lead_title
    from annotator.services.articles import ArticleQuery

    long_first = "The harbour authority said on Monday that " + "very " * 40 + "long sentences happen. Next one."
    (tmp_path / "bodies.csv").write_text(
        "Body ID,articleBody\n7,\"Ships were seen near the coast. Officials said little.\"\n"
        f"8,\"\n\n{long_first}\"\n",
        encoding="utf-8",
    )
    (tmp_path / "titled.jsonl").write_text(json.dumps({"text": "Body text here.", "meta": {"title": "A real title"}}) + "\n")
    rep = import_paths(project, [tmp_path], csv=CsvOptions(text_column="articleBody", id_column="Body ID"))
    assert len(rep.imported) == 3, rep.problems
    q = ArticleQuery("alice")
    by_ext = {s.external_id or s.title: s for s in q.summaries(q.ids())}
    assert by_ext["7"].lead == "Ships were seen near the coast."
    assert by_ext["8"].lead == lead_title(long_first) and by_ext["8"].lead.endswith("…")
    assert len(by_ext["8"].lead) <= 101 and long_first.startswith(by_ext["8"].lead[:-1])
    assert by_ext["A real title"].lead == ""  # a title needs no stand-in


def test_lead_title_takes_the_first_sentence_of_the_first_line():
    from annotator.domain.text import lead_title

    assert lead_title("\n\n  Short one. Second sentence.\nNext line.") == "Short one. Second sentence."  # under 20 chars: not cut
    assert lead_title("The minister arrived in Paris. He said more.") == "The minister arrived in Paris."
    assert lead_title("") == ""
    assert lead_title("No full stop at all") == "No full stop at all"
