"""Fuzzing what the existing property tests do not reach.

Already covered elsewhere (not repeated here): every importer through ``read_file`` with
random Unicode and line endings, random bytes and malformed CSV/JSON/HTML
(``test_importers_props.py``); normalisation and ``OffsetMap`` (``test_text.py``); highlights and
selections in the real view for texts built from a list of tricky pieces (``ui/test_offsets.py``).

Here:

* the IMPORT SERVICE, end to end into a project: folders of random files of every type
  (random bytes, random Unicode in random encodings and line endings, malformed CSV, JSON lines,
  JSON and HTML). No exception escapes ``import_paths``; the report accounts for every article;
  every stored text is normalised and its hash, length and word count agree with it; the file
  passes ``PRAGMA integrity_check``; importing the same files again adds nothing.
* JSON-array files (``.json``) with random Unicode: the one format without a round-trip test.
* every Unicode code point through Qt: after ``normalise_text``, a ``QTextDocument`` holds exactly
  the stored text and its UTF-16 length is ``OffsetMap.qt_length`` -- checked exhaustively, not
  sampled (the whole range takes about a second).
* the real ``ArticleView`` with arbitrary code points from every plane (not just a list of pieces).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.domain.errors import ImportProblem
from annotator.domain.text import OffsetMap, content_hash, normalise_text
from annotator.importers import CsvOptions, read_file
from annotator.services.importing import import_paths
from annotator.store import models as m
from annotator.store import open_project

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

SPECIAL = [
    "👩\u200d👩\u200d👧", "🏳️\u200d🌈", "e\u0301", "a\u0308\u0323", "שלום עולם", "مرحبا بكم", "\u202e", "\u200f",
    "\u2028", "\u2029", "\x00", "\ufeff", "\r\n", "\r", "\n", "\n\n", " ", "\t", "\x0b", "\x0c", "\x85", "\xa0",
    "\ufdd0", "\ufffc", "\x7f", '"', ",", ";", "<p>", "&amp;", "{", "}", "\\", "𝔘", "😀", "Lavrov said.",
]
_fragment = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.text(alphabet="abc XYZ.,", min_size=1, max_size=30),
)
texts = st.lists(_fragment, max_size=20).map("".join)
eols = st.sampled_from(["\n", "\r\n", "\r"])
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "cp1252"]


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-le-bom":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if encoding == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(encoding, errors="replace")


@st.composite
def random_file(draw) -> tuple[str, bytes]:
    """(suffix, content) of one random file: well-formed, malformed or garbage."""
    kind = draw(st.sampled_from(["bytes", "txt", "jsonl", "json", "csv", "html", "broken"]))
    eol = draw(eols)
    if kind == "bytes":
        return draw(st.sampled_from([".txt", ".jsonl", ".json", ".csv", ".html"])), draw(st.binary(max_size=2000))
    if kind == "txt":
        return ".txt", encode(draw(texts).replace("\n", eol), draw(st.sampled_from(ENCODINGS)))
    if kind == "jsonl":
        rows = draw(st.lists(st.tuples(texts, texts), max_size=5))
        lines = [json.dumps({"text": t, "title": o, "meta": {"x": o}}, ensure_ascii=draw(st.booleans())) for t, o in rows]
        return ".jsonl", (eol.join(lines) + eol).encode("utf-8")
    if kind == "json":
        rows = draw(st.lists(texts, max_size=5))
        return ".json", json.dumps([{"text": t} for t in rows], ensure_ascii=draw(st.booleans())).encode("utf-8")
    if kind == "csv":
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator=eol, quoting=csv.QUOTE_ALL)
        writer.writerow(["id", "text"])
        for k, t in enumerate(draw(st.lists(texts, max_size=5))):
            writer.writerow([f"r{k}", t])
        return ".csv", out.getvalue().encode(draw(st.sampled_from(["utf-8", "utf-8-sig"])))
    if kind == "html":
        body = draw(texts)
        page = f"<html><head><title>{draw(texts)[:20]}</title></head><body><article><p>{body}</p></article></body>"
        return draw(st.sampled_from([".html", ".htm"])), page.encode("utf-8")
    # malformed text of a random format
    junk = draw(st.lists(st.sampled_from(['{"text": ', '"a"', "}", "[", ",", '"', "\n", "\r", "<p>", "</p>",
                                          "<script>", "\x00", "text", "id,text", "\\", "😀", "\u2028"]), max_size=40))
    return draw(st.sampled_from([".jsonl", ".json", ".csv", ".html", ".txt"])), "".join(junk).encode("utf-8")


@pytest.fixture(scope="module")
def shared_project():
    """One project for every example (imports accumulate; duplicates are part of the test)."""
    with tempfile.TemporaryDirectory() as name:
        project = open_project(Path(name) / "fuzz.sqlite")
        yield project, Path(name)
        project.close()


def _check_articles(project) -> None:
    assert project.integrity_check() == "ok"
    for a in m.Article.select():
        assert a.text and a.text == normalise_text(a.text)
        assert a.content_hash == content_hash(a.text)
        assert a.char_count == len(a.text) and a.word_count == len(a.text.split())
        assert a.uid == "a-" + a.content_hash[:20]


_counter = [0]


@SETTINGS
@given(files=st.lists(random_file(), min_size=1, max_size=4))
def test_import_service_takes_any_folder(shared_project, files):
    project, root = shared_project
    _counter[0] += 1
    folder = root / f"batch{_counter[0]}"
    (folder / "sub").mkdir(parents=True)
    for k, (suffix, data) in enumerate(files):
        (folder / ("sub" if k % 2 else "") / f"f{k}{suffix}").write_bytes(data)
    before = m.Article.select().count()
    csv_opts = CsvOptions(text_column="text", id_column="id")
    report = import_paths(project, [folder], csv=csv_opts)
    after = m.Article.select().count()
    assert after - before == len(report.imported) == len(set(report.imported))
    assert report.files == len(files)
    for p in report.problems:
        assert isinstance(p, ImportProblem) and "unexpected error" not in p.message, p.message
    # every article the files hold was either imported or reported as a duplicate
    readable = sum(1 for f in sorted(folder.rglob("*")) if f.is_file()
                   for item in read_file(f, csv=csv_opts) if not isinstance(item, ImportProblem))
    assert len(report.imported) + len(report.duplicates) == readable
    _check_articles(project)
    again = import_paths(project, [folder], csv=csv_opts)
    assert again.imported == [] and len(again.duplicates) == readable
    assert m.Article.select().count() == after


@pytest.mark.slow
@settings(max_examples=1500, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(files=st.lists(random_file(), min_size=1, max_size=6))
def test_import_service_takes_any_folder_long(shared_project, files):
    """The same with 25 times the examples (about a minute)."""
    test_import_service_takes_any_folder.hypothesis.inner_test(shared_project, files)


@SETTINGS
@given(rows=st.lists(st.tuples(texts, texts), max_size=6), ensure_ascii=st.booleans(), indent=st.sampled_from([None, 2]))
def test_json_array_round_trip(tmp_path_factory, rows, ensure_ascii, indent):
    path = tmp_path_factory.mktemp("json") / "array.json"
    data = [{"text": t, "title": o, "meta": {"note": o}} for t, o in rows]
    path.write_bytes(json.dumps(data, ensure_ascii=ensure_ascii, indent=indent).encode("utf-8"))
    items = list(read_file(path))
    articles = [i for i in items if not isinstance(i, ImportProblem)]
    expected = [(normalise_text(t), o) for t, o in rows if normalise_text(t)]
    if "\x7f" in path.read_text("utf-8") and not articles:  # a raw DEL makes the file look binary
        return
    assert [(a.text, a.meta["note"]) for a in articles] == expected
    assert all(a.text == normalise_text(a.text) for a in articles)


def test_every_code_point_reaches_qt_unchanged(qtbot):
    """Exhaustive: for every code point c (but lone surrogates), ``normalise_text`` of a text
    containing it loads into a QTextDocument as exactly that text, with the UTF-16 length
    OffsetMap predicts. (QTextDocument.toPlainText() shows U+00A0 as a space; the document itself
    keeps it, so the raw text is compared.)"""
    from PySide6.QtGui import QTextDocument

    step = 0x2000
    bad = []
    for base in range(0, 0x110000, step):
        chars = [chr(c) for c in range(base, min(base + step, 0x110000)) if not 0xD800 <= c <= 0xDFFF]
        if not chars:
            continue
        text = normalise_text("x" + "x".join(chars) + "x")
        doc = QTextDocument()
        doc.setPlainText(text)
        raw = doc.toRawText().replace("\u2029", "\n")
        if raw != text or doc.characterCount() - 1 != OffsetMap(text).qt_length:
            for ch in chars:  # narrow it down
                t = normalise_text("x" + ch + "x")
                d = QTextDocument()
                d.setPlainText(t)
                if d.toRawText().replace("\u2029", "\n") != t:
                    bad.append(f"U+{ord(ch):04X}")
    assert not bad, f"Qt changes these characters after normalisation: {bad[:20]}"


ANY_TEXT = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)
    .map(normalise_text)
    .filter(bool)
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=ANY_TEXT, data=st.data())
def test_view_offsets_for_any_code_points(qtbot, text, data):
    """The same contract as ui/test_offsets.py, for text drawn from the whole code space."""
    from annotator.domain.model import AnnotationRecord
    from annotator.ui.article_view import ArticleView
    from annotator.ui.document import ArticleDocument

    n = len(text)
    start = data.draw(st.integers(0, n - 1))
    end = data.draw(st.integers(start + 1, n))
    record = AnnotationRecord(1, "u1", 1, "t", "work", "entity", start, end, "PERSON", "added")
    doc = ArticleDocument(1, text, [], [record])
    view = ArticleView(_scheme())
    try:
        _check_view(view, doc, text, start, end)
    finally:
        view.close()
        view.deleteLater()  # one view per example, not sixty kept until the test ends


def _scheme():
    from annotator.domain.scheme import load_scheme
    from annotator.resources import default_scheme_path

    return load_scheme(default_scheme_path())


def _check_view(view, doc, text: str, start: int, end: int) -> None:
    from PySide6.QtGui import QTextCursor

    view.show_document(doc)
    assert view.document().toRawText().replace("\u2029", "\n") == text
    off = doc.offsets
    assert view.document().characterCount() - 1 == off.qt_length
    covered: set[int] = set()
    block = view.document().firstBlock()
    while block.isValid():
        for fr in block.layout().formats():
            covered.update(range(block.position() + fr.start, block.position() + fr.start + fr.length))
        block = block.next()
    separators = {off.to_qt(i) for i, ch in enumerate(text) if ch == "\n"}
    assert covered == set(range(off.to_qt(start), off.to_qt(end))) - separators
    cursor = view.textCursor()
    cursor.setPosition(off.to_qt(start))
    cursor.setPosition(off.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    assert view.selection() == (start, end)
