"""The review mode's marks on the article view: the annotators' items over the reviewer's gold.

In the review mode the article view's document holds the reviewer's gold decisions only (drawn by
the normal highlighter, so an accepted item looks like a decided span). :class:`ReviewMarks`
adds the items that are still open, as ``QTextEdit.ExtraSelection`` formats over that text, and
paints outlines on the view's viewport:

* an item the annotators **agree** on: the label colour as a lighter fill with a dotted underline
  (an entity) or a dashed underline (a claim), like a suggestion in the labelling mode;
* a **disagreement**: diagonal hatching (an entity) or a wavy underline (a claim) in a red that no
  label uses, inside a dashed red frame: shape and colour both say "decide this";
* a **rejected** item: struck through, in the disabled text colour;
* the **current** item (the review panel's row): a solid frame in the highlight colour.

Hovering an item shows who said what; clicking one selects it in the review panel. Nothing here
edits anything: the marks only read an :class:`~annotator.services.review.ArticleReview`.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QObject, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QTextEdit, QToolTip

from annotator.domain.model import AnnotationRecord, Kind
from annotator.services.review import ArticleReview, ReviewItem
from annotator.ui import colours
from annotator.ui.article_view import ArticleView
from annotator.ui.highlighter import SUGGESTION_FILL

# Not a label colour of the default scheme (whose reds are Okabe-Ito vermillion and pink).
DISAGREE_LIGHT = "#B3001B"
DISAGREE_DARK = "#FF7A85"
OUTLINE_PEN = 1.6
CURRENT_PEN = 2.5

_Underline = QTextCharFormat.UnderlineStyle


def disagree_colour(base: str) -> str:
    """Colour of disagreement marks that stays visible on the page background ``base``."""
    return DISAGREE_DARK if colours.is_dark(base) else DISAGREE_LIGHT


def clip(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def claim_fields(rec: AnnotationRecord) -> str:
    """Stance, source and source type of a claim, as one line."""
    source = rec.source_name or rec.source_text or "no source"
    return f"{rec.stance or 'no stance'} · {source} · {rec.source_type or 'no source type'}"


def version_summary(item: ReviewItem, spans: tuple[AnnotationRecord, ...], text: str, with_span: bool) -> str:
    """What one annotator said about an item: label (entities) or stance · source · type (claims),
    with the span's text when the versions differ in their boundaries."""
    parts = []
    for r in spans:
        what = claim_fields(r) if item.kind == Kind.CLAIM.value else r.label
        if with_span:
            what = f"“{clip(text[r.start:r.end], 40)}” {what}"
        parts.append(what)
    return " + ".join(parts) if parts else "—"


def item_tooltip(item: ReviewItem, text: str, numbers: dict[str, int]) -> str:
    """Who said what about ``item``, as rich text (every data string escaped)."""
    kind = "Claim" if item.kind == Kind.CLAIM.value else "Entity"
    head = "agreed" if item.agreed else "disagreement: " + ", ".join(item.differences or ("versions differ",))
    lines = [f"<b>{kind}</b> “{html.escape(clip(text[item.start:item.end], 80))}” — {html.escape(head)}"]
    with_span = "span" in item.differences or "count" in item.differences
    for v in item.versions:
        who = ", ".join(f"{numbers.get(n, '?')} {n}" for n in v.annotators)
        lines.append(f"{html.escape(who)}: {html.escape(version_summary(item, v.spans, text, with_span))}")
    for n in item.missing:
        said = "rejected the suggestion" if n in item.rejected_by else "marked nothing"
        lines.append(f"{html.escape(str(numbers.get(n, '?')))} {html.escape(n)}: {said}")
    state = {"open": "not decided yet", "accepted": "accepted into gold", "rejected": "rejected (not a span)"}[item.state]
    lines.append(f"<i>Gold: {state}</i>")
    return "<br>".join(lines)


def _chip(text: str, style: str) -> str:
    return f'<span style="{style}">&nbsp;{html.escape(text)}&nbsp;</span>'


def review_legend(scheme, base: str, grey: str) -> str:
    """The legend above the article in the review mode: how the marks read (rich text)."""
    sample = scheme.entities[0].colour if scheme.entities else "#999999"
    fill = colours.blend(sample, base, SUGGESTION_FILL)
    red = disagree_colour(base)
    claim = colours.claim_colour(base)
    return " ".join(
        [
            "<b>Review:</b>",
            _chip("agreed, open", f"background-color:{fill}; color:{colours.text_on(fill)}; text-decoration: underline;"),
            _chip("▨ disagreement (dashed red frame)", f"color:{red}; font-weight:bold;"),
            _chip("gold (accepted)", f"background-color:{sample}; color:{colours.text_on(sample)};"),
            _chip("rejected", f"color:{grey}; text-decoration: line-through;"),
            f'<span style="text-decoration: underline; color:{claim}">claim</span>',
            (
                "&nbsp;· keys: 1–9 accept an annotator's version, X reject, Shift+A accept all agreed, J/K items, "
                "Ctrl+Enter reviewed"
            ),
        ]
    )


class ReviewMarks(QObject):
    """Draws an :class:`ArticleReview` over an :class:`ArticleView` (see the module docstring)."""

    itemClicked = Signal(str)  # review item key

    def __init__(self, view: ArticleView) -> None:
        # No Qt parent: the owner keeps a reference and calls detach() before the window goes away.
        # The viewport still sends events through its filters while it is destroyed, when the Python
        # side of a filter that lives in the window is already gone (PySide then crashes).
        super().__init__(None)
        self.view = view
        self.review: ArticleReview | None = None
        self.current: str | None = None
        self.numbers: dict[str, int] = {}
        self.attached = False

    def attach(self) -> None:
        """Start drawing, explaining and reacting to clicks (the review mode starts)."""
        if not self.attached:
            self.view.viewport().installEventFilter(self)
            self.attached = True

    def detach(self) -> None:
        """Stop, and leave the view as it was (the review mode ends, or the window closes)."""
        if self.attached:
            self.attached = False
            self.view.viewport().removeEventFilter(self)
        self.clear()

    # ---- content ------------------------------------------------------------------------------
    def show_review(self, review: ArticleReview | None, current: str | None, numbers: dict[str, int]) -> None:
        """Mark ``review``'s items (the view must show the same article)."""
        model = self.view.model
        if review is not None and (model is None or model.article_id != review.article_id):
            review = None
        self.review, self.current, self.numbers = review, current, numbers
        self.view.setExtraSelections(self._selections())
        self.view.viewport().update()

    def set_current(self, key: str | None) -> None:
        if key != self.current:
            self.current = key
            self.view.viewport().update()

    def clear(self) -> None:
        self.review = None
        self.current = None
        self.view.setExtraSelections([])
        self.view.viewport().update()

    def item_at(self, offset: int | None) -> ReviewItem | None:
        """The innermost item containing ``offset`` (an entity before the claim around it)."""
        if self.review is None or offset is None:
            return None
        found = [i for i in self.review.items if i.start <= offset < i.end]
        found.sort(key=lambda i: (i.end - i.start, i.kind != Kind.ENTITY.value))
        return found[0] if found else None

    # ---- formats ------------------------------------------------------------------------------
    def _colours(self) -> tuple[str, str, str]:
        pal = self.view.palette()
        return pal.color(QPalette.ColorRole.Base).name(), pal.color(QPalette.ColorRole.Text).name(), pal.color(
            QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
        ).name()

    def _selections(self) -> list[QTextEdit.ExtraSelection]:
        review, model = self.review, self.view.model
        if review is None or model is None:
            return []
        base, _ink, grey = self._colours()
        scheme = self.view.highlighter.scheme
        red = QColor(disagree_colour(base))
        claim = QColor(colours.claim_colour(base))
        out: list[QTextEdit.ExtraSelection] = []
        # claims first: an entity's format inside a claim is applied after (on top of) the claim's
        for item in sorted(review.items, key=lambda i: (i.kind == Kind.ENTITY.value, i.start)):
            if item.state == "accepted":
                continue  # drawn by the highlighter as a gold decision
            fmt = QTextCharFormat()
            if item.state == "rejected":
                fmt.setFontStrikeOut(True)
                fmt.setForeground(QColor(grey))
            elif item.kind == Kind.CLAIM.value:
                fmt.setUnderlineStyle(_Underline.DashUnderline if item.agreed else _Underline.WaveUnderline)
                fmt.setUnderlineColor(claim if item.agreed else red)
            elif item.agreed:
                label = item.versions[0].spans[0].label if item.versions and item.versions[0].spans else ""
                colour = scheme.colour(label)
                fill = colours.blend(colour, base, SUGGESTION_FILL)
                fmt.setBackground(QColor(fill))
                fmt.setForeground(QColor(colours.text_on(fill)))
                fmt.setUnderlineStyle(_Underline.DotLine)
                fmt.setUnderlineColor(QColor(colour))
            else:
                hatch = QColor(red)
                hatch.setAlpha(150)
                fmt.setBackground(QBrush(hatch, Qt.BrushStyle.BDiagPattern))
            sel = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.view.document())
            cursor.setPosition(model.offsets.to_qt(item.start))
            cursor.setPosition(model.offsets.to_qt(item.end), QTextCursor.MoveMode.KeepAnchor)
            sel.cursor = cursor
            sel.format = fmt
            out.append(sel)
        return out

    # ---- geometry -----------------------------------------------------------------------------
    def span_rects(self, start: int, end: int) -> list[QRectF]:
        """Viewport rectangles covering ``[start, end)`` (the article view's own geometry)."""
        return self.view.span_rects(start, end)

    # ---- events -------------------------------------------------------------------------------
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if self.review is None or obj is not self.view.viewport():
            return False
        kind = event.type()
        if kind == QEvent.Type.Paint and isinstance(event, QPaintEvent):
            self.view.paintEvent(event)  # the text, the highlights and the focus frame
            self._paint(event)
            return True
        if kind == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            item = self.item_at(self.view.offset_at(event.pos()))
            if item is None:
                return False  # the view explains a gold span, or hides the tip
            QToolTip.showText(event.globalPos(), item_tooltip(item, self.review.text, self.numbers), self.view)
            return True
        if (
            kind == QEvent.Type.MouseButtonRelease
            and isinstance(event, QMouseEvent)
            and event.button() == Qt.MouseButton.LeftButton
            and self.view.selection() is None
        ):
            item = self.item_at(self.view.offset_at(event.position().toPoint()))
            if item is not None:
                self.itemClicked.emit(item.key)
        return False

    def _paint(self, event: QPaintEvent) -> None:
        review = self.review
        if review is None:
            return
        base = self._colours()[0]
        painter = QPainter(self.view.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = QRectF(event.rect())
        dashed = QPen(QColor(disagree_colour(base)), OUTLINE_PEN, Qt.PenStyle.DashLine)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for item in review.items:
            if item.agreed or item.state != "open":
                continue
            painter.setPen(dashed)
            for rect in self.span_rects(item.start, item.end):
                if rect.intersects(area):
                    painter.drawRoundedRect(rect.adjusted(-1.5, 0, 1.5, 0), 2, 2)
        current = review.item(self.current) if self.current else None
        if current is not None:
            painter.setPen(QPen(self.view.palette().color(QPalette.ColorRole.Highlight), CURRENT_PEN))
            for rect in self.span_rects(current.start, current.end):
                if rect.intersects(area):
                    painter.drawRoundedRect(rect.adjusted(-3, -1.5, 3, 1.5), 3, 3)
        painter.end()
