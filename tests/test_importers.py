"""Tests of the pure importers (annotator.importers): every format, good and bad input."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from annotator.domain.errors import ImportProblem, Msg
from annotator.domain.model import ArticleInput
from annotator.domain.text import normalise_text
from annotator.importers import (
    MAX_CHARS,
    SUPPORTED_SUFFIXES,
    CsvOptions,
    decode_bytes,
    discover,
    read_file,
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = ROOT / "tests" / "data" / "import"
FNC1 = Path("/work/shared/corpora/fnc-1")


def read(path: Path | str, **kwargs) -> tuple[list[ArticleInput], list[ImportProblem]]:
    articles: list[ArticleInput] = []
    problems: list[ImportProblem] = []
    for item in read_file(path, **kwargs):
        if isinstance(item, ImportProblem):
            problems.append(item)
        else:
            assert isinstance(item, ArticleInput)
            assert item.text and item.text == normalise_text(item.text)
            articles.append(item)
    for problem in problems:
        assert "unexpected error" not in problem.message
    return articles, problems


def one(path: Path | str, **kwargs) -> ArticleInput:
    articles, problems = read(path, **kwargs)
    assert not problems, [p.message for p in problems]
    assert len(articles) == 1
    return articles[0]


def only_problem(path: Path | str, **kwargs) -> ImportProblem:
    articles, problems = read(path, **kwargs)
    assert not articles
    assert len(problems) == 1, [p.message for p in problems]
    return problems[0]


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


# --------------------------------------------------------------------------------------------------
# .txt: the five seeds


def seed(prefix: str) -> Path:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path


def test_seed_texts_are_the_whole_normalised_files():
    for path in sorted(SEEDS.glob("*.txt")):
        article = one(path)
        assert article.text == normalise_text(path.read_text(encoding="utf-8"))
        assert article.source_file == str(path)


def test_seed_rt_style_has_no_title_and_no_invented_outlet():
    article = one(seed("000"))
    assert article.title == ""
    assert article.outlet == ""  # the text says "as cited by TASS": that is not the outlet
    assert article.date == ""
    assert article.meta["display_title"].startswith("The US is enabling former Al-Nusra jihadists")
    assert len(article.meta["display_title"]) <= 101
    assert article.meta["read_more"][0] == "Russia warns US it will strike back if militia attacks in Syria don’t end"
    assert "dateline" not in article.meta


def test_seed_tass_november():
    article = one(seed("001"))
    assert article.title == "Russia, US discuss de-escalation zone in Syria’s southwest — Lavrov"
    assert article.outlet == "TASS"
    assert article.date == ""  # "November 14" has no year: kept in meta, not guessed
    assert article.meta["dateline"] == "MOSCOW, November 14. /TASS/."
    assert article.meta["dateline_place"] == "MOSCOW"
    assert article.meta["dateline_date"] == "November 14"
    assert article.meta["subtitle"] == (
        "Moscow and Washington held consultations on the de-escalation zone in Syria’s southwest"
    )
    assert article.text.startswith("All news\n\nRussia, US discuss")  # banners stay in the text


def test_seed_press_tv():
    article = one(seed("002"))
    assert article.title == "US should meet obligation to separate Syria militants: Russia"
    assert article.outlet == "Press TV"
    assert article.date == ""  # the only dates are in photo captions
    assert article.meta["breadcrumb"] == "News / Russia / News"
    assert all(c.endswith("(Photo by AFP)") for c in article.meta["captions"])
    assert "subtitle" not in article.meta


def test_seed_tass_astana():
    article = one(seed("003"))
    assert article.title == "Moscow urges West to focus on fight against Jabhat al-Nusra in Syria"
    assert article.outlet == "TASS"
    assert article.meta["dateline_place"] == "ASTANA"
    assert article.meta["dateline_date"] == "April 21"
    assert article.meta["subtitle"].startswith("The Russian top diplomat calls for expanding")


def test_seed_asharq_al_awsat():
    article = one(seed("004"))
    assert article.title == "Moscow Resorts to Iran’s Military Choice following Clash with Washington"
    assert article.outlet == "Asharq Al-Awsat"
    assert article.date == ""
    assert article.meta["media_id"] == "55359139"
    assert article.meta["dateline_place"] == "Moscow"
    assert article.text.startswith("Middle-east Arab News Opinion | Asharq Al-awsat\n")


def test_txt_general_rules(tmp_path):
    text = (
        "Syria talks stall again — RT World News\n\n"
        "WASHINGTON, March 3, 2018 (Reuters) - The talks stalled, officials said.\n\n"
        "More text.\n"
    )
    article = one(write(tmp_path, "wire.txt", text))
    assert article.title == "Syria talks stall again"
    assert article.outlet == "RT"  # the site suffix beats the wire agency of the dateline
    assert article.date == "2018-03-03"
    assert article.meta["dateline_outlet"] == "Reuters"
    # a year in a TASS-style dateline gives an ISO date
    article = one(write(tmp_path, "y.txt", "A headline of some words\n\nMOSCOW, May 9, 2019. /TASS/. Body.\n"))
    assert (article.outlet, article.date, article.title) == ("TASS", "2019-05-09", "A headline of some words")
    # a single line is not a title; a sentence is not a title
    assert one(write(tmp_path, "s.txt", "Just one line without a period")).title == ""
    assert one(write(tmp_path, "p.txt", "This is a sentence.\n\nAnd another one.")).title == ""
    # copyright footer of a known outlet
    article = one(
        write(tmp_path, "c.txt", "Some body text here.\n\nMore.\n\n© 2017 Sputnik International. All rights reserved")
    )
    assert article.outlet == "Sputnik"
    # an unknown outlet in a copyright line is not taken
    assert one(write(tmp_path, "u.txt", "Body text.\n\n© 2017 Some Blog")).outlet == ""


# --------------------------------------------------------------------------------------------------
# encodings and binary files


def test_utf16_with_bom():
    for name in ("utf16le_bom.txt", "utf16be_bom.txt"):
        article = one(DATA / name)
        assert article.text == "Erdoğan said: “No.” 👩\u200d👩\u200d👧\nSecond line"
        assert article.meta["encoding"].startswith("utf-16")


def test_utf8_bom_and_cp1252():
    assert one(DATA / "utf8_bom.txt").text == "Café owners said prices rose."
    article = one(DATA / "cp1252.txt")
    assert article.text == "café “quoted” – dash"
    assert article.meta["encoding"] == "cp1252"
    assert decode_bytes(b"caf\xe9 \x93quoted\x94", "x.txt") == "café “quoted”"


def test_crlf_and_cr_line_endings():
    expected = "Title line here now\n\nBody one.\nBody two."
    for name in ("crlf.txt", "cr_only.txt"):
        article = one(DATA / name)
        assert article.text == expected
        assert article.title == "Title line here now"


@pytest.mark.parametrize(
    ("name", "code_prefix"),
    [
        ("empty.txt", "the file is empty"),
        ("whitespace.txt", "the file is empty"),
        ("png_header.txt", "this looks like a binary file (a PNG image)"),
        ("pdf.txt", "this looks like a binary file (a PDF document)"),
        ("nul_bytes.txt", "this looks like a binary file (it contains NUL bytes"),
        ("undecodable.txt", "cannot decode the text"),
    ],
)
def test_bad_txt_files(name, code_prefix):
    problem = only_problem(DATA / name)
    assert problem.message.startswith(f"{DATA / name}: {code_prefix}")
    assert problem.file == str(DATA / name)


def test_decode_bytes_rules():
    assert decode_bytes(codecs.BOM_UTF16_LE + "x".encode("utf-16-le"), "f") == "x"
    assert decode_bytes(codecs.BOM_UTF32_LE + "y".encode("utf-32-le"), "f") == "y"
    assert decode_bytes(codecs.BOM_UTF8 + b"z", "f") == "z"
    with pytest.raises(ImportProblem, match="empty"):
        decode_bytes(b"", "f")
    with pytest.raises(ImportProblem, match="empty"):
        decode_bytes(codecs.BOM_UTF8 + b" \n ", "f")
    for data, what in [
        (b"PK\x03\x04\x14\x00", "ZIP"),
        (b"SQLite format 3\x00\x10\x00", "SQLite"),
        (b"\x89PNG\r\n\x1a\n", "PNG"),
        (b"%PDF-1.7", "PDF"),
        (b"hello\x00world", "NUL"),
        (bytes(range(1, 9)) * 10 + b"abc", "control codes"),
    ]:
        with pytest.raises(ImportProblem, match=what):
            decode_bytes(data, "f")
    with pytest.raises(ImportProblem, match="cannot decode"):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8", "f")  # lone surrogate
    with pytest.raises(ImportProblem, match="cannot decode"):
        decode_bytes(b"\x81\x8d", "f")


def test_random_binary_with_nuls_is_refused(tmp_path):
    data = bytes((i * 97 + 13) % 256 for i in range(4096))
    problem = only_problem(write(tmp_path, "random.txt", data))
    assert "binary" in problem.message


def test_too_long_text(tmp_path):
    text = "a" * (MAX_CHARS + 1)
    problem = only_problem(write(tmp_path, "long.txt", text))
    assert problem.message == Msg.I004.format(file=str(tmp_path / "long.txt"), size=MAX_CHARS + 1, limit=MAX_CHARS)
    assert "1,000,001" in problem.message
    exactly = one(write(tmp_path, "max.txt", "b" * MAX_CHARS))
    assert len(exactly.text) == MAX_CHARS
    # a line of a JSONL file, with the rest going on
    path = write(tmp_path, "long.jsonl", json.dumps({"text": text}) + "\n" + json.dumps({"text": "short"}) + "\n")
    articles, problems = read(path)
    assert [a.text for a in articles] == ["short"]
    assert problems[0].line == 1 and "line 1: the text is 1,000,001 characters long" in problems[0].message
    # the limit is a parameter
    assert "limit is 5" in only_problem(write(tmp_path, "six.txt", "123456"), max_chars=5).message


def test_unsupported_and_unreadable(tmp_path):
    assert "unsupported file type '.md'" in only_problem(write(tmp_path, "x.md", "text")).message
    assert "cannot read the file" in only_problem(tmp_path / "missing.txt").message
    (tmp_path / "dir.txt").mkdir()
    assert "cannot read the file" in only_problem(tmp_path / "dir.txt").message


# --------------------------------------------------------------------------------------------------
# .jsonl / .json


def test_jsonl_good_and_bad_lines():
    path = DATA / "articles.jsonl"
    articles, problems = read(path)
    assert [a.text for a in articles] == ["First article text.", "Third with\nCRLF and\nLS.", "Last one."]
    first, third, last = articles
    assert (first.title, first.outlet, first.date, first.url, first.external_id) == (
        "First", "TASS", "2017-11-14", "https://tass.com/1", "a1"
    )  # fmt: skip
    assert first.meta["lang"] == "en" and first.meta["title"] == "First"  # meta kept as it is
    assert (third.title, third.external_id) == ("Top-level title", "7")
    assert (last.outlet, last.url) == ("Press TV", "https://presstv.ir/x")
    assert all(a.source_file == str(path) for a in articles)
    assert [p.line for p in problems] == [3, 5, 6, 7]
    assert problems[0].message.startswith(f"{path}: line 3: not valid JSON (")
    assert problems[1].message == Msg.I006.format(file=path, line=5)
    assert problems[3].message == f'{path}: line 7: the "text" string is empty'


def test_jsonl_annotations_are_carried_not_interpreted():
    articles, problems = read(DATA / "prodigy.jsonl")
    assert not problems
    prodigy, own = articles
    assert prodigy.annotator == "news-alice"
    assert prodigy.annotations == [
        {
            "spans": [{"start": 0, "end": 6, "label": "PERSON"}],
            "claims": [],
            "relations": [],
            "tokens": [{"text": "Lavrov", "start": 0, "end": 6, "id": 0}],
            "answer": "accept",
        }
    ]
    assert prodigy.outlet == "TASS"
    assert prodigy.meta == {"source": "TASS", "_input_hash": 123, "_task_hash": 456}
    assert own.annotator == "bob" and own.external_id == "x9"
    assert own.annotations == [{"spans": [], "claims": [{"start": 0, "end": 3}], "relations": []}]
    # plain lines have no annotations
    assert read(DATA / "articles.jsonl")[0][0].annotations == []


def test_jsonl_raw_text_kept_when_normalisation_changes_it(tmp_path):
    line = {"text": "  Lavrov\r\nsaid.", "spans": [{"start": 2, "end": 8}], "answer": "accept"}
    article = one(write(tmp_path, "a.jsonl", json.dumps(line)))
    assert article.text == "Lavrov\nsaid."
    assert article.annotations[0]["raw_text"] == "  Lavrov\r\nsaid."


def test_json_array_pretty_object_and_broken_array():
    path = DATA / "array.json"
    articles, problems = read(path)
    assert [(a.text, a.title, a.outlet) for a in articles] == [("Array one.", "A1", ""), ("Array two.", "", "RT")]
    lines = path.read_text().splitlines()
    assert problems[0].line == max(i for i, s in enumerate(lines, 1) if s.strip() == "{")
    assert one(DATA / "pretty.json").title == "Pretty"
    articles, problems = read(DATA / "array_broken.json")
    assert [a.text for a in articles] == ["Kept."]
    assert len(problems) == 1 and problems[0].line == 4 and "not valid JSON" in problems[0].message


def test_jsonl_odd_inputs_never_raise(tmp_path):
    path = write(tmp_path, "odd.jsonl", "[" * 100_000)
    articles, problems = read(path)
    assert not articles and problems
    path = write(tmp_path, "deep.jsonl", '{"text": "ok"}\n' + "[" * 100_000 + "\n" + '{"text": "ok2"}\n')
    articles, problems = read(path)
    assert [a.text for a in articles] == ["ok", "ok2"] and problems[0].line == 2
    path = write(tmp_path, "sur.jsonl", '{"text": "a\\ud800b", "title": "t\\udfff"}\n')
    article = one(path)
    assert article.text == "a\ufffdb" and article.title == "t\ufffd"
    path = write(tmp_path, "nul.jsonl", '{"text": "a\\u0000b"}\n')
    assert one(path).text == "a\ufffdb"


# --------------------------------------------------------------------------------------------------
# .csv


def test_csv_semicolon_with_quoted_newlines():
    articles, problems = read(DATA / "semicolon.csv", csv=CsvOptions(text_column="text", id_column="id"))
    assert not problems
    assert [(a.external_id, a.title, a.text, a.meta) for a in articles] == [
        ("1", "Headline one", "Body one; with semicolon\nand newline", {"section": "world"}),
        ("2", "Headline two", "Body two", {"section": "sport"}),
    ]
    assert one(DATA / "tab.csv", csv=CsvOptions(text_column="text")).meta == {"id": "1"}


def test_csv_bad_rows_are_reported_and_the_rest_goes_on():
    path = DATA / "bad_rows.csv"
    articles, problems = read(path, csv=CsvOptions(text_column="text", id_column="id"))
    assert [(a.external_id, a.text) for a in articles] == [
        ("1", "Good first"),
        ("4", "Good fourth"),
        ("6", "Good, sixth"),
    ]
    assert articles[1].meta == {"_extra_fields": ["extra"]}
    assert [(p.line, p.message) for p in problems] == [
        (3, Msg.I008.format(file=path, line=3, detail="the row contains a NUL character")),
        (4, Msg.I009.format(file=path, line=4)),
        (6, Msg.I009.format(file=path, line=6)),
    ]


def test_csv_unclosed_quote():
    path = DATA / "unclosed_quote.csv"
    articles, problems = read(path, csv=CsvOptions(text_column="text"))
    assert [a.text for a in articles] == ["fine"]
    assert problems[0].line == 3 and "never closed" in problems[0].message


def test_csv_columns_required_and_checked():
    path = DATA / "semicolon.csv"
    problem = only_problem(path)
    assert problem.message == Msg.I014.format(file=path, columns="'id', 'title', 'text', 'section'")
    problem = only_problem(path, csv=CsvOptions(text_column="body"))
    assert problem.message == Msg.I007.format(file=path, column="body", columns="'id', 'title', 'text', 'section'")
    problem = only_problem(path, csv=CsvOptions(text_column="text", id_column="ID_missing"))
    assert "no column 'ID_missing'" in problem.message
    # case and spaces are forgiven when unambiguous
    assert len(read(path, csv=CsvOptions(text_column=" TEXT "))[0]) == 2
    assert "delimiter" in only_problem(path, csv=CsvOptions(text_column="text", delimiter=";;")).message
    assert len(read(DATA / "tab.csv", csv=CsvOptions(text_column="text", delimiter="\\t"))[0]) == 1


def test_csv_huge_field_and_header_only(tmp_path):
    big = "x" * 300_000
    article = one(write(tmp_path, "big.csv", f'id,text\n1,"{big}"\n'), csv=CsvOptions(text_column="text"))
    assert article.text == big
    assert read(write(tmp_path, "h.csv", "id,text\n"), csv=CsvOptions(text_column="text")) == ([], [])
    assert (
        "no header row"
        in only_problem(write(tmp_path, "nh.csv", ",,\n1,2,3\n"), csv=CsvOptions(text_column="text")).message
    )


@pytest.mark.skipif(not FNC1.is_dir(), reason="FNC-1 corpus not available")
@pytest.mark.parametrize(("name", "count"), [("train_bodies.csv", 1683), ("competition_test_bodies.csv", 904)])
def test_fnc1_bodies(name, count):
    articles, problems = read(FNC1 / name, csv=CsvOptions(text_column="articleBody", id_column="Body ID"))
    assert not problems
    assert len(articles) == count
    assert len({a.external_id for a in articles}) == count
    assert all(a.meta == {} for a in articles)


# --------------------------------------------------------------------------------------------------
# .html


def test_html_page():
    article = one(DATA / "page.html")
    assert article.title == "Lavrov & Kerry meet in Geneva"
    assert article.outlet == "Example News"
    assert article.date == "2016-09-09T18:00:00Z"
    assert article.url == "https://example.com/lavrov-kerry"
    assert article.text == (
        "Lavrov & Kerry meet\n\n"
        "Russian Foreign Minister Sergei Lavrov said the talks were “constructive” and long.\n\n"
        "Kerry said: “We have a deal”.\nA second line.\n\n"
        "Point one\n\nPoint two"
    )
    for hidden in ("SECRET", "font-family", "Related", "Enable JavaScript", "Sport", "©", "<"):
        assert hidden not in article.text


def test_html_fallbacks_and_no_text(tmp_path):
    assert "no article text" in only_problem(DATA / "no_text.html").message
    page = "<html><head><title>Only &lt;title&gt;</title></head><body><h1>Heading</h1><p>x &amp; y</p></body></html>"
    article = one(write(tmp_path, "t.htm", page))
    assert (article.title, article.text) == ("Only <title>", "Heading\n\nx & y")
    page = '<body><h1>First h1</h1><time datetime="2020-01-02">Jan 2</time><p>Body</p><link rel="canonical" href="u">'
    article = one(write(tmp_path, "h.html", page))
    assert (article.title, article.date, article.url) == ("First h1", "2020-01-02", "u")
    # the longest <article> wins over teasers; an unclosed <head> does not hide the body
    page = "<head><title>T<p>intro</p><article><p>short</p></article><article><p>the long story</p></article>"
    assert one(write(tmp_path, "a.html", page)).text == "the long story"
    page = "<html><head><title>T</title><div>Body without a closed head</div>"
    assert one(write(tmp_path, "b.html", page)).text == "Body without a closed head"
    # a declared charset is used when UTF-8 fails
    page = b'<meta charset="windows-1251"><p>' + "Лавров".encode("cp1251") + b"</p>"
    assert one(write(tmp_path, "c.html", page)).text == "Лавров"


# --------------------------------------------------------------------------------------------------
# discover


def test_discover_mixed_folder():
    folder = DATA / "folder"
    files, problems = discover([folder, DATA / "nope", folder / "notes.md", DATA / "crlf.txt", folder / "a_good.txt"])
    assert [p.relative_to(DATA).as_posix() for p in files] == [
        "folder/a_good.txt",
        "folder/b_empty.txt",
        "folder/c_binary.txt",
        "folder/sub/d_lines.JSONL",
        "folder/sub/e_page.htm",
        "crlf.txt",
    ]
    assert [p.message for p in problems] == [
        Msg.I016.format(path=DATA / "nope"),
        Msg.I011.format(file=folder / "notes.md", suffix=".md"),
    ]
    assert all(p.suffix.lower() in SUPPORTED_SUFFIXES for p in files)
    # reading them all: good ones import, bad ones are problems, nothing raises
    results = {p.name: read(p) for p in files}
    assert results["a_good.txt"][0][0].title == "A good article title here"
    assert "empty" in results["b_empty.txt"][1][0].message
    assert "PNG" in results["c_binary.txt"][1][0].message
    assert results["d_lines.JSONL"][0][0].text == "From a subfolder."
    assert results["e_page.htm"][0][0].text == "Paragraph in an htm file."


def test_discover_hidden_file_given_explicitly_is_taken():
    files, problems = discover([str(DATA / "folder" / ".hidden.txt")])
    assert files == [DATA / "folder" / ".hidden.txt"] and not problems
