"""Saved web pages (``.html``/``.htm``): one article per page, reduced to its text.

Uses only the standard library's :mod:`html.parser` (tolerant of broken markup).

* Dropped with their content: ``head`` (apart from the metadata below), ``script``, ``style``,
  ``noscript``, ``template``, ``svg``, ``math``, ``nav``, ``aside``, ``form``, ``iframe``,
  ``object``, ``canvas``, ``select``, ``button``, ``dialog``, ``footer``, and ``header`` - except a
  ``header`` inside the ``<article>``/``<main>``, which holds the article's own headline and byline.
  Comments, processing instructions and doctype are ignored.
* Region: the ``<article>`` with the most text when there is one (nested articles, e.g. comments,
  belong to the outer one), else the first ``<main>``, else the whole body.
* Layout: block elements (p, div, h1-h6, li, blockquote, section, article, table rows, figure,
  figcaption, ul/ol, pre, hr, ...) end paragraphs (a blank line, ``\\n\\n``); ``<br>`` is a line
  break (``\\n``, so ``<br><br>`` is a paragraph break); table cells are separated by a space.
  Runs of HTML whitespace (space, TAB, LF, FF, CR) in text collapse to one space, except inside
  ``<pre>``/``<textarea>``; a no-break space is kept. Character references (``&amp;``,
  ``&#8220;``) are decoded. The result goes through ``normalise_text``.
* Fields: title from ``<meta property="og:title">`` (or ``twitter:title``), else ``<title>``,
  else the first ``<h1>`` of the region (or page); outlet from ``og:site_name``; date (as
  written) from ``article:published_time``, ``itemprop="datePublished"``, ``<meta name="date">``
  and similar, else the first ``<time datetime>`` of the region (or page); url from ``og:url``,
  else ``<link rel="canonical">``. ``meta`` gets ``description`` (og/meta description) and
  ``author`` when present, and ``encoding``.
* No text left -> ``Msg.I012``; longer than ``max_chars`` -> ``Msg.I004``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from annotator.domain.errors import ImportProblem, Msg
from annotator.domain.model import ArticleInput
from annotator.importers._common import clean_field, finish_text, size_problem

_SKIP = frozenset(
    "script style noscript template svg math nav aside form iframe object canvas select button dialog "
    "footer header head".split()
)
_BLOCK = frozenset(
    "address article blockquote body caption center dd details dir div dl dt fieldset figcaption figure "
    "h1 h2 h3 h4 h5 h6 hr html legend li main menu ol p pre section summary table tbody tfoot thead tr ul "
    "header footer nav form aside".split()
)
_CELLS = frozenset({"td", "th"})
_PRE = frozenset({"pre", "textarea", "listing", "plaintext", "xmp"})
_REGIONS = ("article", "main")
_WS_RE = re.compile(r"[ \t\n\r\f]+")
_DATE_META = (
    "article:published_time", "og:article:published_time", "datepublished", "date", "pubdate",
    "publishdate", "publish-date", "publish_date", "dc.date", "dc.date.issued", "dcterms.created",
    "sailthru.date", "parsely-pub-date", "article.published",
)  # fmt: skip


class _Pre(str):
    """Text from inside <pre>: its whitespace is kept."""


# Pieces of output: text (str or _Pre), or one of these break markers.
_BR = object()
_PARA = object()
# Tags a browser keeps in <head>; any other start tag there ends an unclosed head.
_HEAD_TAGS = frozenset("meta link title script style noscript template base".split())
_VOID = frozenset("area base br col embed hr img input link meta source track wbr param".split())


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[object] = []
        self.skip: list[str] = []  # open elements whose content is dropped
        self.pre = 0
        self.open_regions: list[list[Any]] = []  # [tag, start, end, nested]
        self.regions: list[list[Any]] = []
        self.meta: dict[str, str] = {}
        self.canonical = ""
        self.title_parts: list[str] | None = None
        self.title = ""
        self.h1_parts: list[str] | None = None
        self.h1s: list[tuple[int, str]] = []
        self.times: list[tuple[int, str]] = []

    # -- helpers ---------------------------------------------------------------------------------
    def _in_region(self) -> bool:
        return bool(self.open_regions)

    def _emit(self, piece: object) -> None:
        self.pieces.append(piece)

    # -- parser callbacks --------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if self.title_parts is not None:  # a tag inside <title>: the title was never closed
            self.title = "".join(self.title_parts)
            self.title_parts = None
        if tag == "meta":
            key = (a.get("property") or a.get("name") or a.get("itemprop") or "").strip().lower()
            if key and "content" in a:
                self.meta.setdefault(key, a["content"])
            return
        if tag == "link":
            if "canonical" in a.get("rel", "").lower().split() and not self.canonical:
                self.canonical = a.get("href", "")
            return
        if self.skip == ["head"] and tag not in _HEAD_TAGS:
            self.skip = []  # <head> never closed: the body has started
        if tag == "title":
            if self.title_parts is None and not self.title and self.skip in ([], ["head"]):
                self.title_parts = []
            return
        if tag == "time" and a.get("datetime") and not self.skip:
            self.times.append((len(self.pieces), a["datetime"]))
        if self.skip:
            if tag in _SKIP:
                self.skip.append(tag)
            return
        if tag in _SKIP and not (tag == "header" and self._in_region()):
            self.skip.append(tag)
            return
        if tag in _REGIONS:
            nested = any(region[0] == tag for region in self.open_regions)
            self.open_regions.append([tag, len(self.pieces), None, nested])
        if tag in _PRE:
            self.pre += 1
        if tag == "h1" and self.h1_parts is None:
            self.h1_parts = []
        if tag == "br":
            self._emit(_BR)
        elif tag in _BLOCK:
            self._emit(_PARA)
        elif tag in _CELLS:
            self._emit(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <br/>, <meta .../>, <svg/>: a start without content.
        if tag == "title":
            return
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            if self.title_parts is not None:
                self.title = "".join(self.title_parts)
                self.title_parts = None
            return
        if self.skip:
            if tag in self.skip:
                while self.skip and self.skip.pop() != tag:
                    pass
            return
        if tag == "br":  # </br> is a line break in browsers too
            self._emit(_BR)
            return
        if tag == "h1" and self.h1_parts is not None:
            self.h1s.append((len(self.pieces), "".join(self.h1_parts)))
            self.h1_parts = None
        if tag in _PRE and self.pre:
            self.pre -= 1
        if tag in _BLOCK:
            self._emit(_PARA)
        elif tag in _CELLS:
            self._emit(" ")
        if tag in _REGIONS:
            for k in range(len(self.open_regions) - 1, -1, -1):
                if self.open_regions[k][0] == tag:
                    closed = self.open_regions[k:]
                    del self.open_regions[k:]
                    for region in closed:
                        region[2] = len(self.pieces)
                        self.regions.append(region)
                    break

    def handle_data(self, data: str) -> None:
        if self.title_parts is not None:
            self.title_parts.append(data)
            return
        if self.skip:
            return
        if self.h1_parts is not None:
            self.h1_parts.append(data)
        self._emit(_Pre(data) if self.pre else _WS_RE.sub(" ", data))

    def finish(self) -> None:
        if self.rawdata.lstrip().startswith("<"):
            # Markup left unfinished at the end of the page (an unclosed comment, tag or CDATA
            # section): html.parser would return it as text; a browser shows nothing.
            self.rawdata = ""
        try:
            self.close()
        except AssertionError:  # html.parser asserts on a few malformed declarations
            pass
        if self.title_parts is not None:
            self.title = "".join(self.title_parts)
            self.title_parts = None
        if self.h1_parts is not None:
            self.h1s.append((len(self.pieces), "".join(self.h1_parts)))
        for region in self.open_regions:
            region[2] = len(self.pieces)
            self.regions.append(region)
        self.open_regions = []


def _assemble(pieces: list[object]) -> str:
    out: list[str] = []
    for piece in pieces:
        if piece is _PARA:
            out.append("\n\n")
        elif piece is _BR:
            out.append("\n")
        elif isinstance(piece, _Pre):
            out.append(str(piece))
        else:
            text = str(piece)
            # Collapse across text nodes ("a " + " b"), as a browser does.
            if text.startswith(" ") and (not out or out[-1].endswith((" ", "\n"))):
                text = text[1:]
            if text:
                out.append(text)
    text = "".join(out)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text


def _region_text(pieces: list[object], start: int, end: int) -> str:
    return finish_text(_assemble(pieces[start:end]))


def extract(html_text: str) -> tuple[str, dict[str, str]]:
    """(article text, fields) of a page; fields: title, outlet, date, url, description, author."""
    parser = _PageParser()
    try:
        parser.feed(html_text)
    except AssertionError:  # html.parser asserts on a few malformed declarations ("<![if")
        pass
    parser.finish()
    pieces = parser.pieces
    start, end = 0, len(pieces)
    text = ""
    articles = [r for r in parser.regions if r[0] == "article" and not r[3]]
    mains = [r for r in parser.regions if r[0] == "main" and not r[3]]
    if articles:
        best = max(articles, key=lambda r: (len(_region_text(pieces, r[1], r[2])), -r[1]))
        start, end = best[1], best[2]
    elif mains:
        start, end = mains[0][1], mains[0][2]
    text = _region_text(pieces, start, end)
    if not text and (start, end) != (0, len(pieces)):
        start, end = 0, len(pieces)
        text = _region_text(pieces, start, end)

    meta = parser.meta
    fields: dict[str, str] = {}
    h1 = next((t for pos, t in parser.h1s if start <= pos <= end and clean_field(t)), "")
    h1 = h1 or next((t for _, t in parser.h1s if clean_field(t)), "")
    fields["title"] = next(
        (v for v in (clean_field(meta.get("og:title")), clean_field(meta.get("twitter:title")),
                     clean_field(parser.title), clean_field(h1)) if v),
        "",
    )  # fmt: skip
    fields["outlet"] = clean_field(meta.get("og:site_name"))
    date = next((clean_field(meta[k]) for k in _DATE_META if clean_field(meta.get(k))), "")
    if not date:
        date = next((clean_field(v) for pos, v in parser.times if start <= pos <= end and clean_field(v)), "")
        date = date or next((clean_field(v) for _, v in parser.times if clean_field(v)), "")
    fields["date"] = date
    fields["url"] = clean_field(meta.get("og:url")) or clean_field(parser.canonical)
    fields["description"] = clean_field(meta.get("og:description")) or clean_field(meta.get("description"))
    fields["author"] = clean_field(meta.get("author")) or clean_field(meta.get("article:author"))
    return text, fields


def read_html(text: str, file: str, max_chars: int, encoding: str = "") -> Iterator[ArticleInput | ImportProblem]:
    """One ArticleInput for a decoded ``.html``/``.htm`` page, or one ImportProblem."""
    if text.startswith("\ufeff"):
        text = text[1:]
    body, fields = extract(text)
    if not body:
        yield ImportProblem(Msg.I012.format(file=file), file=file)
        return
    problem = size_problem(body, file, max_chars, file)
    if problem is not None:
        yield problem
        return
    meta: dict[str, Any] = {k: fields[k] for k in ("description", "author") if fields[k]}
    if encoding:
        meta["encoding"] = encoding
    yield ArticleInput(
        text=body,
        title=fields["title"],
        outlet=fields["outlet"],
        date=fields["date"],
        url=fields["url"],
        source_file=file,
        meta=meta,
    )
