"""Helpers shared by the UI tests: a fake pre-annotation engine, a database reader, mouse drags."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QTextCursor
from PySide6.QtWidgets import QApplication

from annotator.domain.model import ClaimSuggestion, EntitySuggestion, ModelInfo, QuoteType
from annotator.nlp.engine import DocSuggestions

# name -> label; found wherever they occur as whole words
NAMES = {
    "Sergey Lavrov": "PERSON",
    "Walid Muallem": "PERSON",
    "Muallem": "PERSON",
    "Lavrov": "PERSON",
    "TASS": "ORG",
    "UN": "ORG",
    "Russia": "GPE",
    "Syria": "GPE",
    "Moscow": "GPE",
    "Washington": "GPE",
    "US": "GPE",
    "Iran": "GPE",
    "Turkey": "GPE",
    "Friday": "DATE",
}
_NAME_RE = re.compile(r"\b(" + "|".join(sorted(map(re.escape, NAMES), key=len, reverse=True)) + r")\b")
_QUOTE_RE = re.compile(r"[“\"]([^”\"\n]{20,400}?)[,.]?[”\"]")
_CUE_RE = re.compile(r"\b(said|told|pointed out)\b")


class FakeEngine:
    """Deterministic pre-annotation: listed names are entities, quotations are claims."""

    info = ModelInfo("fake_engine", "1.0", spacy_version="", rules_version="fake-1")
    max_length = 1_000_000

    def annotate(self, texts: Iterable[str], jobs: int = 1) -> Iterator[DocSuggestions]:
        for text in texts:
            yield self.suggest(text)

    @staticmethod
    def suggest(text: str) -> DocSuggestions:
        ents = [EntitySuggestion(mt.start(), mt.end(), NAMES[mt.group(1)]) for mt in _NAME_RE.finditer(text)]
        claims = []
        for q in _QUOTE_RE.finditer(text):
            after = text[q.end() : q.end() + 80]
            cue = _CUE_RE.search(after)
            src = next((e for e in ents if e.label == "PERSON" and q.end() <= e.start < q.end() + 80), None)
            claims.append(
                ClaimSuggestion(
                    q.start(1),
                    q.end(1),
                    QuoteType.DIRECT,
                    source_start=src.start if src else None,
                    source_end=src.end if src else None,
                    source_name=text[src.start : src.end] if src else None,
                    cue_start=q.end() + cue.start() if cue else None,
                    cue_end=q.end() + cue.end() if cue else None,
                )
            )
        return DocSuggestions(ents, claims)


class Db:
    """Reads the project file through its own connection, as a second program would."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def rows(self, sql: str, *params) -> list[tuple]:
        con = sqlite3.connect(self.path)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def annotations(self, article_id: int | None = None) -> list[dict]:
        sql = "SELECT id, article_id, kind, start, end, label, status, suggestion_id, stance, source_start, source_end, source_name, source_type, note FROM annotation"
        cols = [c.strip() for c in sql[len("SELECT ") : sql.index(" FROM")].split(",")]
        rows = self.rows(sql + (" WHERE article_id = ?" if article_id else "") + " ORDER BY id", *([article_id] if article_id else []))
        return [dict(zip(cols, r)) for r in rows]

    def status(self, article_id: int) -> str:
        rows = self.rows("SELECT status FROM article_status WHERE article_id = ?", article_id)
        return rows[0][0] if rows else "new"




def point_of(view, offset: int) -> QPoint:
    """Viewport point in the middle of the character at Python ``offset``."""
    q = view.model.offsets.to_qt(offset)
    cursor = QTextCursor(view.document())
    cursor.setPosition(q)
    rect = view.cursorRect(cursor)
    return QPoint(rect.x() + 2, rect.center().y())


def drag(view, start: int, end: int, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """Select ``[start, end)`` with a real press-move-release of the left mouse button."""
    vp = view.viewport()
    a = QPointF(point_of(view, start))
    b_cursor = QTextCursor(view.document())
    b_cursor.setPosition(view.model.offsets.to_qt(end))
    rect = view.cursorRect(b_cursor)
    b = QPointF(rect.x(), rect.center().y())
    left = Qt.MouseButton.LeftButton
    for kind, pos, buttons in (
        (QMouseEvent.Type.MouseButtonPress, a, left),
        (QMouseEvent.Type.MouseMove, (a + b) / 2, left),
        (QMouseEvent.Type.MouseMove, b, left),
        (QMouseEvent.Type.MouseButtonRelease, b, Qt.MouseButton.NoButton),
    ):
        ev = QMouseEvent(kind, pos, vp.mapToGlobal(pos), left if kind != QMouseEvent.Type.MouseMove else Qt.MouseButton.NoButton, buttons, modifiers)
        QApplication.sendEvent(vp, ev)
