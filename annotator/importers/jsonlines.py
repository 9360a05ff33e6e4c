"""JSON lines (``.jsonl``) and JSON (``.json``) articles, Prodigy/doccano style.

Layouts accepted (the same rules for both suffixes):

* one JSON object per line: ``{"text": "...", "meta": {...}, ...}``. Blank lines are skipped.
  Lines are split at LF, CRLF and CR only (a raw U+2028 inside a JSON string is legal JSON);
* a single JSON array of such objects (the file starts with ``[``); elements are numbered by
  the line they start on;
* a single (pretty-printed) object spanning several lines.

Each object needs a ``"text"`` string. Problems are per line (per element) and the rest of the
file goes on: invalid JSON -> ``Msg.I005`` with the line number; valid JSON that is not an
object with a ``"text"`` string -> ``Msg.I006``; a text that is empty after normalisation ->
``Msg.I017``; a text longer than ``max_chars`` -> ``Msg.I004``. In an array a syntax error
stops the reading (the parser cannot find the next element), earlier elements are kept.

Fields, from the top level first, then from ``meta``: ``title``; ``outlet``/``source``/
``publisher`` -> outlet; ``date``/``published`` -> date (kept as written); ``url``/``link``;
``id`` -> external_id. Strings and numbers only.

``ArticleInput.meta`` is a copy of the object's ``meta`` (a non-object ``meta`` is kept as
``meta["meta"]``) plus the object's other top-level keys (e.g. Prodigy's ``_input_hash``,
doccano's ``label``) that are not already in it. Not copied: ``text``, ``meta``, the fields taken
above, and the annotation keys below.

Annotations: when the object has ``spans``, ``claims``, ``answer`` or ``_annotator_id`` (the
tool's own export, or Prodigy output), ``ArticleInput.annotations`` is a one-element list
holding ``{"spans": [...], "claims": [...], "relations": [...]}`` (each ``[]`` when absent) plus
``"tokens"`` and ``"answer"`` when present, copied as they are. ``_annotator_id`` (or
``annotator``) goes to ``ArticleInput.annotator``. Nothing is interpreted here. Span offsets in
such files refer to the *raw* ``"text"``; when normalisation changed it (CRLF, leading blanks,
a BOM, NUL, U+2028 ...) the dict also has ``"raw_text"`` so that the caller can map or refuse
the offsets.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from annotator.domain.errors import ImportProblem, Msg
from annotator.domain.model import ArticleInput
from annotator.importers._common import clean_field, finish_text, size_problem

_LINE_RE = re.compile(r"\r\n|\r|\n")
_FIELD_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "outlet": ("outlet", "source", "publisher"),
    "date": ("date", "published"),
    "url": ("url", "link"),
    "external_id": ("id",),
}
_MARKERS = ("spans", "claims", "answer", "_annotator_id")
_ANNOTATION_KEYS = ("spans", "claims", "relations", "tokens", "answer")
_ANNOTATOR_KEYS = ("_annotator_id", "annotator")


def _json_error(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at column {exc.colno}"
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return str(exc)


def article_from_object(obj: Any, file: str, line: int, max_chars: int) -> ArticleInput | ImportProblem:
    """ArticleInput for one decoded JSON value, or the ImportProblem for its line."""
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        return ImportProblem(Msg.I006.format(file=file, line=line), file=file, line=line)
    raw = obj["text"]
    text = finish_text(raw)
    if not text:
        detail = 'the "text" string is empty'
        return ImportProblem(Msg.I017.format(file=file, line=line, detail=detail), file=file, line=line)
    problem = size_problem(text, f"{file}: line {line}", max_chars, file, line)
    if problem is not None:
        return problem
    raw_meta = obj.get("meta")
    meta: dict[str, Any] = dict(raw_meta) if isinstance(raw_meta, dict) else {}
    if raw_meta is not None and not isinstance(raw_meta, dict):
        meta["meta"] = raw_meta
    fields: dict[str, str] = {}
    used: set[str] = set()
    for name, keys in _FIELD_KEYS.items():
        for source in (obj, meta if isinstance(raw_meta, dict) else {}):
            for key in keys:
                value = clean_field(source.get(key))
                if value:
                    fields[name] = value
                    if source is obj:
                        used.add(key)
                    break
            if name in fields:
                break
    annotations: list[dict[str, Any]] = []
    annotator = ""
    has_annotations = any(key in obj for key in _MARKERS)
    if has_annotations:
        entry: dict[str, Any] = {}
        for key in _ANNOTATION_KEYS:
            if key in obj:
                entry[key] = obj[key]
            elif key in ("spans", "claims", "relations"):
                entry[key] = []
        if text != raw:
            entry["raw_text"] = raw
        annotations.append(entry)
        for key in _ANNOTATOR_KEYS:
            annotator = clean_field(obj.get(key))
            if annotator:
                break
    skip = {"text", "meta", *used}
    if has_annotations:
        skip.update(_ANNOTATION_KEYS, _ANNOTATOR_KEYS)
    for key, value in obj.items():
        if key not in skip and key not in meta:
            meta[key] = value
    return ArticleInput(
        text=text,
        title=fields.get("title", ""),
        outlet=fields.get("outlet", ""),
        date=fields.get("date", ""),
        url=fields.get("url", ""),
        external_id=fields.get("external_id", ""),
        source_file=file,
        meta=meta,
        annotations=annotations,
        annotator=annotator,
    )


def _read_array(text: str, file: str, max_chars: int) -> Iterator[ArticleInput | ImportProblem]:
    decoder = json.JSONDecoder()
    pos = text.index("[") + 1
    n = len(text)
    expect_value = True
    line, counted = 1, 0  # line number of position `counted`
    while True:
        while pos < n and text[pos] in " \t\r\n":
            pos += 1
        line += len(_LINE_RE.findall(text, counted, pos))
        counted = pos
        if pos >= n:
            detail = "the array is not closed with ]"
            yield ImportProblem(Msg.I005.format(file=file, line=line, detail=detail), file=file, line=line)
            return
        if text[pos] == "]":
            rest = text[pos + 1 :].strip()
            if rest:
                detail = "extra text after the closing ]"
                yield ImportProblem(Msg.I005.format(file=file, line=line, detail=detail), file=file, line=line)
            return
        if not expect_value:
            if text[pos] != ",":
                detail = f"expected , or ] but found {text[pos]!r}"
                yield ImportProblem(Msg.I005.format(file=file, line=line, detail=detail), file=file, line=line)
                return
            pos += 1
            expect_value = True
            continue
        try:
            obj, end = decoder.raw_decode(text, pos)
        except (json.JSONDecodeError, RecursionError) as exc:
            if isinstance(exc, json.JSONDecodeError):
                line += len(_LINE_RE.findall(text, counted, exc.pos))
            yield ImportProblem(Msg.I005.format(file=file, line=line, detail=_json_error(exc)), file=file, line=line)
            return
        yield article_from_object(obj, file, line, max_chars)
        pos = end
        expect_value = False


def read_json(text: str, file: str, max_chars: int) -> Iterator[ArticleInput | ImportProblem]:
    """Articles and problems of a decoded ``.jsonl``/``.json`` file (see the module docstring)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    stripped = text.lstrip()
    if stripped.startswith("["):
        yield from _read_array(text, file, max_chars)
        return
    lines = _LINE_RE.split(text)
    first_bad = True
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as exc:
            if first_bad:
                # A single object pretty-printed over several lines?
                first_bad = False
                try:
                    whole = json.loads(text)
                except (json.JSONDecodeError, RecursionError):
                    pass
                else:
                    yield article_from_object(whole, file, number, max_chars)
                    return
            yield ImportProblem(
                Msg.I005.format(file=file, line=number, detail=_json_error(exc)), file=file, line=number
            )
            continue
        first_bad = False
        yield article_from_object(obj, file, number, max_chars)
