"""Property tests of the importers: random Unicode through every format, random garbage.

The contract checked everywhere: ``read_file`` never raises, yields only ArticleInput and
ImportProblem, and every ArticleInput text is non-empty and normalised. For txt, JSON lines and
CSV the text is exactly ``normalise_text`` of what was written; for HTML the text is the
whitespace-collapsed paragraph, without markup or script content.
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.domain.errors import ImportProblem
from annotator.domain.model import ArticleInput
from annotator.domain.text import normalise_text
from annotator.importers import CsvOptions, decode_bytes, read_file

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

SPECIAL = [
    "👩\u200d👩\u200d👧",  # ZWJ family
    "🏳️\u200d🌈",
    "e\u0301",  # combining acute
    "a\u0308\u0323",
    "שלום עולם",  # RTL
    "مرحبا بكم",
    "\u202e",  # RTL override
    "\u200f",
    "\u2028",
    "\u2029",
    "\x00",
    "\ufeff",
    "\r\n",
    "\r",
    "\n",
    "\n\n",
    " ",
    "\t",
    "\x0b",
    "\x0c",
    "\x85",
    "\xa0",
    "\ufdd0",
    "\ufffc",
    "\x7f",
    '"',
    "'",
    ",",
    ";",
    "<p>",
    "&amp;",
    "{",
    "}",
    "\\",
    "Lavrov said.",
]
_fragment = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.text(alphabet="abc XYZ.,", min_size=1, max_size=30),
)
texts = st.lists(_fragment, max_size=25).map("".join)
eols = st.sampled_from(["\n", "\r\n", "\r"])
CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")  # what the binary check counts


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def items_of(path: Path, **kwargs) -> tuple[list[ArticleInput], list[ImportProblem]]:
    articles, problems = [], []
    for item in read_file(path, **kwargs):
        if isinstance(item, ImportProblem):
            assert item.message.startswith(str(path))
            assert "unexpected error" not in item.message, item.message
            problems.append(item)
        else:
            assert isinstance(item, ArticleInput)
            assert item.text and item.text == normalise_text(item.text)
            assert item.source_file == str(path)
            for value in (item.title, item.outlet, item.date, item.url, item.external_id):
                assert "\n" not in value
            articles.append(item)
    return articles, problems


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-le-bom":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    if encoding == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(encoding)  # "utf-16" writes a BOM


# --------------------------------------------------------------------------------------------------
# round trips


@SETTINGS
@given(
    text=texts, eol=eols, encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom"])
)
def test_txt_round_trip(workdir, text, eol, encoding):
    raw = text.replace("\n", eol)
    path = workdir / "prop.txt"
    path.write_bytes(encode(raw, encoding))
    articles, problems = items_of(path)
    assert len(articles) + len(problems) == 1
    expected = normalise_text(raw)
    if articles:
        assert articles[0].text == expected
    elif not CONTROL.search(raw):
        # only an empty text may fail when there is nothing binary-looking in it
        assert not expected and "empty" in problems[0].message


@SETTINGS
@given(
    rows=st.lists(st.tuples(texts, texts), max_size=6),
    eol=eols,
    ensure_ascii=st.booleans(),
    blank_lines=st.booleans(),
)
def test_jsonl_round_trip(workdir, rows, eol, ensure_ascii, blank_lines):
    lines: list[str] = []
    numbers: list[int] = []
    for text, other in rows:
        if blank_lines:
            lines.append("")
        lines.append(json.dumps({"text": text, "meta": {"note": other}, "title": other}, ensure_ascii=ensure_ascii))
        numbers.append(len(lines))
    path = workdir / "prop.jsonl"
    path.write_bytes((eol.join(lines) + eol).encode("utf-8"))
    articles, problems = items_of(path)
    if not rows:
        assert not articles and problems and "empty" in problems[0].message
        return
    if problems and problems[0].line is None:  # a file-level refusal: only for raw DEL (not escaped)
        assert "\x7f" in "".join(lines) and not articles
        return
    expected = [(n, normalise_text(t), o) for n, (t, o) in zip(numbers, rows, strict=True)]
    assert [a.text for a in articles] == [t for _, t, _ in expected if t]
    assert [a.meta["note"] for a in articles] == [o for _, t, o in expected if t]
    assert [a.title for a in articles] == [" ".join(normalise_text(o).split()) for _, t, o in expected if t]
    assert [p.line for p in problems] == [n for n, t, _ in expected if not t]


@SETTINGS
@given(
    rows=st.lists(texts, max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
    eol=eols,
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    bom=st.booleans(),
)
def test_csv_round_trip(workdir, rows, delimiter, eol, quoting, bom):
    if any(c in text for text in rows for c in "\r\n"):
        quoting = csv.QUOTE_ALL  # Python 3.11's writer leaves a CR unquoted when the line ends in LF
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=eol, quoting=quoting)
    writer.writerow(["id", "text", "extra"])
    for k, text in enumerate(rows):
        writer.writerow([f"r{k}", text, "x"])
    data = out.getvalue().encode("utf-8-sig" if bom else "utf-8")
    path = workdir / "prop.csv"
    path.write_bytes(data)
    articles, problems = items_of(path, csv=CsvOptions(text_column="text", id_column="id"))
    if problems and problems[0].line is None:  # a file-level refusal: binary-looking content
        assert CONTROL.search("".join(rows)) and not articles
        return
    good = [(k, normalise_text(t)) for k, t in enumerate(rows) if "\x00" not in t and normalise_text(t)]
    assert [(a.external_id, a.text) for a in articles] == [(f"r{k}", t) for k, t in good]
    assert all(a.meta == {"extra": "x"} for a in articles)
    assert [p.line for p in problems] == [k + 2 for k, t in enumerate(rows) if "\x00" in t or not normalise_text(t)]


_HTML_WS = re.compile(r"[ \t\n\r\f]+")


@SETTINGS
@given(text=texts)
def test_html_paragraph(workdir, text):
    page = (
        "<!doctype html><html><head><title>T</title><style>p { color: red }</style>"
        '<script>var SECRET_MARKER = "<p>x</p>";</script></head><body>'
        f"<p>{html.escape(text)}</p><script>SECRET_MARKER()</script></body></html>"
    )
    path = workdir / "prop.html"
    path.write_bytes(page.encode("utf-8"))
    articles, problems = items_of(path)
    assert len(articles) + len(problems) == 1
    expected = normalise_text(_HTML_WS.sub(" ", text))
    if articles:
        got = articles[0].text
        assert "SECRET_MARKER" not in got and "color: red" not in got
        assert got == expected
    elif not CONTROL.search(text):
        assert not expected and "no article text" in problems[0].message


# --------------------------------------------------------------------------------------------------
# garbage never raises


@SETTINGS
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".jsonl", ".json", ".csv", ".html", ".htm"]))
def test_random_bytes_never_raise(workdir, data, suffix):
    path = workdir / f"garbage{suffix}"
    path.write_bytes(data)
    items_of(path, csv=CsvOptions(text_column="text"))
    try:
        decode_bytes(data, "x")
    except ImportProblem:
        pass


_csv_chars = st.text(alphabet='"",,;\t\r\n abtex\x00\\', max_size=300)


@SETTINGS
@given(body=_csv_chars, header=st.sampled_from(["text", "id,text", "text;id", '"text"\t"id"', ""]))
def test_malformed_csv_never_raises(workdir, body, header):
    path = workdir / "bad.csv"
    path.write_bytes((header + "\n" + body).encode("utf-8"))
    items_of(path, csv=CsvOptions(text_column="text", id_column="id"))


_json_bits = st.lists(
    st.sampled_from(
        [
            '{"text": ',
            '"a"',
            '"\\u',
            "\\",
            "}",
            "{",
            "[",
            "]",
            ",",
            ":",
            "\n",
            "\r",
            " ",
            "null",
            '"meta"',
            '"spans"',
            "1e999",
            "\x00",
            '"\\ud800"',
        ]
    ),
    max_size=40,
).map("".join)


@SETTINGS
@given(body=_json_bits, suffix=st.sampled_from([".jsonl", ".json"]))
def test_malformed_json_never_raises(workdir, body, suffix):
    path = workdir / f"bad{suffix}"
    path.write_bytes(body.encode("utf-8"))
    items_of(path)


_HTML_BITS = (
    "<p> </p> <script> </script> <article> </article> <main> <header> </header> <br/> <svg/> <!-- --> "
    '<![CDATA[ ]]> <! <? & &# &#x110000; &amp <title> </title> <pre> </pre> <h1> </h1> < > " <head> '
    "<body> </head> text"
).split(" ")
_HTML_BITS += [" ", "\n", '<meta property="og:title" content="x">', "<time datetime='2020'>"]
_html_bits = st.lists(st.sampled_from(_HTML_BITS), max_size=40).map("".join)


@SETTINGS
@given(body=_html_bits)
def test_malformed_html_never_raises(workdir, body):
    path = workdir / "bad.html"
    path.write_bytes(body.encode("utf-8"))
    articles, _ = items_of(path)
    for article in articles:
        assert "<script>" not in article.text and "<p>" not in article.text
