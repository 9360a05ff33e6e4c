"""CSV articles (``.csv``): one article per row.

* The first non-blank row is the header. Column names are matched exactly, then ignoring case
  and surrounding spaces when that is unambiguous.
* ``CsvOptions.text_column`` is required: without it -> ``Msg.I014`` listing the columns; a named
  column (text, id or title) that does not exist -> ``Msg.I007`` listing the columns. Both are
  one problem for the file and nothing is imported from it.
* ``id_column`` -> ``external_id``; ``title_column`` -> ``title`` (without it, a column named
  "title" or "headline" is used). Columns named like the JSON keys fill the other fields:
  ``outlet``/``source``/``publisher``, ``date``/``published``, ``url``/``link``.
* Every column other than the text, id and title columns goes into ``meta`` under its header
  name (duplicate or empty names get " (2)" / "column N"); fields beyond the header are kept in
  ``meta["_extra_fields"]``; a short row simply lacks the missing columns.
* Delimiter: ``CsvOptions.delimiter`` ("\\t" and "tab" mean TAB), else sniffed from the header
  line: the most frequent of comma, semicolon and TAB outside quotes, comma when there is none.
* Fields of any size are accepted (``csv.field_size_limit`` is raised process-wide); a text
  longer than ``max_chars`` -> ``Msg.I004`` for that row.
* Rows are numbered as in a spreadsheet: the header is row 1 (blank lines count as rows; a quoted
  field spanning lines is still one row). Per-row problems, the rest of the file goes on: a NUL
  character or a csv parser error -> ``Msg.I008``; an empty text -> ``Msg.I009``. Rows whose
  fields are all blank are skipped silently. A quote that is never closed (the last field runs to
  the end of the file) -> ``Msg.I008`` for that last row.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from annotator.domain.errors import ImportProblem, Msg
from annotator.domain.model import ArticleInput
from annotator.importers._common import clean_field, finish_text, size_problem

_CANDIDATES = (",", ";", "\t")
_AUTO_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "outlet": ("outlet", "source", "publisher"),
    "date": ("date", "published"),
    "url": ("url", "link"),
}
_FIELD_LIMIT = min(sys.maxsize, 2**31 - 1)


@dataclass
class CsvOptions:
    """How to read CSV files; names refer to header cells."""

    text_column: str | None = None
    id_column: str | None = None
    title_column: str | None = None
    delimiter: str | None = None  # sniffed when None


def _allow_huge_fields() -> None:
    if csv.field_size_limit() < _FIELD_LIMIT:
        csv.field_size_limit(_FIELD_LIMIT)


def sniff_delimiter(text: str) -> str:
    """Delimiter of the header line: the most frequent of , ; TAB outside quotes ("," if none)."""
    counts = dict.fromkeys(_CANDIDATES, 0)
    in_quotes = False
    seen = False
    for ch in text[:1_000_000]:
        if ch == '"':
            in_quotes = not in_quotes
        elif in_quotes:
            continue
        elif ch in "\r\n":
            if seen:
                break
        else:
            if ch in counts:
                counts[ch] += 1
            if not ch.isspace():
                seen = True
    best = max(_CANDIDATES, key=lambda d: counts[d])  # ties: the earlier candidate
    return best if counts[best] else ","


def _columns(header: list[str]) -> str:
    return ", ".join(repr(name) for name in header)


def _find(header: list[str], name: str) -> int | None:
    if name in header:
        return header.index(name)
    folded = [i for i, h in enumerate(header) if h.strip().casefold() == name.strip().casefold()]
    return folded[0] if len(folded) == 1 else None


def _meta_names(header: list[str]) -> list[str]:
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(header, start=1):
        name = raw.strip() or f"column {i}"
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return names


def read_csv(
    text: str, file: str, options: CsvOptions | None, max_chars: int
) -> Iterator[ArticleInput | ImportProblem]:
    """Articles and problems of a decoded ``.csv`` file (see the module docstring)."""
    options = options or CsvOptions()
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = options.delimiter
    if delimiter is not None:
        delimiter = {"\\t": "\t", "tab": "\t", "TAB": "\t"}.get(delimiter, delimiter)
        if len(delimiter) != 1 or delimiter in '"\r\n':
            yield ImportProblem(Msg.I019.format(file=file, delimiter=options.delimiter), file=file)
            return
    else:
        delimiter = sniff_delimiter(text)
    _allow_huge_fields()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # An unclosed quote makes the last field run to the end of the file; a closed one ends it.
    odd_quotes = text.count('"') % 2 == 1 and not text.rstrip("\r\n").endswith('"')

    row_number = 0
    header: list[str] | None = None
    while header is None:
        try:
            record = next(reader)
        except StopIteration:
            yield ImportProblem(Msg.I013.format(file=file), file=file)
            return
        except csv.Error as exc:
            yield ImportProblem(
                Msg.I008.format(file=file, line=row_number + 1, detail=exc), file=file, line=row_number + 1
            )
            return
        row_number += 1
        if record and any(cell.strip() for cell in record):
            header = record
        elif record:
            yield ImportProblem(Msg.I013.format(file=file), file=file)
            return
    header = [finish_text(h) for h in header]

    if options.text_column is None:
        yield ImportProblem(Msg.I014.format(file=file, columns=_columns(header)), file=file)
        return
    picked: dict[str, int | None] = {"text": None, "external_id": None, "title": None}
    for role, name in (
        ("text", options.text_column),
        ("external_id", options.id_column),
        ("title", options.title_column),
    ):
        if name is None:
            continue
        index = _find(header, name)
        if index is None:
            yield ImportProblem(Msg.I007.format(file=file, column=name, columns=_columns(header)), file=file)
            return
        picked[role] = index
    auto: dict[str, int] = {}
    for role, names in _AUTO_FIELDS.items():
        if role == "title" and options.title_column is not None:
            continue
        for name in names:
            index = _find(header, name)
            if index is not None and index not in picked.values():
                auto[role] = index
                break
    if "title" in auto:
        picked["title"] = auto.pop("title")
    text_index = picked["text"]
    assert text_index is not None
    consumed = {i for i in picked.values() if i is not None}
    meta_names = _meta_names(header)

    items = _records(reader)
    current = next(items, None)
    while current is not None:
        following = next(items, None)
        row_number += 1
        record = current
        current = following
        if isinstance(record, csv.Error):
            yield ImportProblem(Msg.I008.format(file=file, line=row_number, detail=record), file=file, line=row_number)
            continue
        if not record or not any(cell.strip() for cell in record):
            continue
        if any("\x00" in cell for cell in record):
            detail = "the row contains a NUL character"
            yield ImportProblem(Msg.I008.format(file=file, line=row_number, detail=detail), file=file, line=row_number)
            continue
        if following is None and odd_quotes and ("\n" in record[-1] or "\r" in record[-1]):
            detail = "a quoted field is never closed; it runs to the end of the file"
            yield ImportProblem(Msg.I008.format(file=file, line=row_number, detail=detail), file=file, line=row_number)
            return
        raw = record[text_index] if text_index < len(record) else ""
        body = finish_text(raw)
        if not body:
            yield ImportProblem(Msg.I009.format(file=file, line=row_number), file=file, line=row_number)
            continue
        problem = size_problem(body, f"{file}: row {row_number}", max_chars, file, row_number)
        if problem is not None:
            yield problem
            continue
        meta: dict[str, Any] = {}
        for i, value in enumerate(record[: len(header)]):
            if i not in consumed:
                meta[meta_names[i]] = value
        if len(record) > len(header):
            meta["_extra_fields"] = record[len(header) :]

        def field_of(index: int | None, record: list[str] = record) -> str:
            return clean_field(record[index]) if index is not None and index < len(record) else ""

        yield ArticleInput(
            text=body,
            title=field_of(picked["title"]),
            outlet=field_of(auto.get("outlet")),
            date=field_of(auto.get("date")),
            url=field_of(auto.get("url")),
            external_id=field_of(picked["external_id"]),
            source_file=file,
            meta=meta,
        )


def _records(reader: Any) -> Iterator[list[str] | csv.Error]:
    """The reader's records, with a parser error as an item instead of an exception."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield exc
