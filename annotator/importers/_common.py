"""Helpers shared by the format readers (internal).

* :func:`finish_text` is the one way a reader turns raw text into stored text: lone UTF-16
  surrogates (possible after ``json.loads`` of ``"\\ud800"``; they cannot be written as UTF-8)
  become U+FFFD, then :func:`annotator.domain.text.normalise_text` runs.
* :func:`clean_field` makes a one-line metadata value (title, outlet, ...) from any value.
* :func:`size_problem` is the size rule: a stored text longer than ``max_chars`` is refused.
"""

from __future__ import annotations

import re
from typing import Any

from annotator.domain.errors import ImportProblem, Msg
from annotator.domain.text import normalise_text

MAX_CHARS = 1_000_000  # spaCy's default nlp.max_length; longer texts are refused (Msg.I004)

_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def finish_text(raw: str) -> str:
    """Stored form of an article text (surrogates replaced, then ``normalise_text``)."""
    if not raw.isascii():
        raw = _SURROGATE_RE.sub("\ufffd", raw)
    return normalise_text(raw)


def clean_field(value: Any) -> str:
    """One-line normalised string for a metadata field; "" for None, containers and blanks.

    Numbers are accepted (an ``id`` of ``17`` becomes ``"17"``); booleans, lists and dicts are
    not metadata strings and give "".
    """
    if value is None or isinstance(value, (bool, list, dict, tuple, set)):
        return ""
    if not isinstance(value, str):
        if isinstance(value, (int, float)):
            value = str(value)
        else:
            return ""
    return " ".join(finish_text(value).split())


def size_problem(text: str, where: str, max_chars: int, file: str, line: int | None = None) -> ImportProblem | None:
    """ImportProblem I004 when ``text`` is longer than ``max_chars``; ``where`` names file or line."""
    if len(text) > max_chars:
        return ImportProblem(Msg.I004.format(file=where, size=len(text), limit=max_chars), file=file, line=line)
    return None
