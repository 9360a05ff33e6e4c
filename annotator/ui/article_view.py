"""The article text: read-only plain text with highlighted spans, a focus frame and tooltips.

The stored text is loaded with ``setPlainText`` (never as HTML) and formatted by
:class:`SpanHighlighter`. Positions cross between the widget and the data only through the
document's :class:`OffsetMap`. A mouse selection snaps to whole words unless Alt is held.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QTextCursor,
)
from PySide6.QtWidgets import QMenu, QPlainTextEdit, QToolTip, QWidget

from annotator.domain.scheme import LabelScheme
from annotator.ui.document import ArticleDocument, DocChange, SpanItem, SpanKey
from annotator.ui.highlighter import SpanHighlighter
from annotator.ui.snap import snap_to_words

FOCUS_PEN = 2.5


def describe(item: SpanItem) -> str:
    """Tooltip of a span: label, status, who decided it; source and stance of a claim."""
    kind = "Claim" if item.is_claim else item.label
    if item.decided:
        status = f"{item.status} by {item.annotator}" if item.annotator else item.status
    else:
        status = "suggestion (not decided yet)"
    lines = [f"<b>{html.escape(kind)}</b> — {html.escape(status)}"]
    if item.is_claim:
        lines.append(f"Source: {html.escape(item.source_name or 'none')}")
        lines.append(f"Stance: {html.escape(item.stance or 'not set')}")
        if item.source_type:
            lines.append(f"Source type: {html.escape(item.source_type)}")
    if item.note:
        lines.append(f"Note: {html.escape(item.note)}")
    return "<br>".join(lines)


class ArticleView(QPlainTextEdit):
    """Shows one :class:`ArticleDocument`; emits what the analyst points at."""

    spanClicked = Signal(object)  # SpanKey
    tabPressed = Signal(bool)  # True = forward

    def __init__(self, scheme: LabelScheme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("article_view")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setMouseTracking(True)
        self.document().setDocumentMargin(14)
        self.setPlaceholderText(
            "No article to show.\n\nImport articles with File › Import articles… (Ctrl+I) or "
            "File › Import folder… (Ctrl+Shift+I): plain text, JSON Lines, JSON, CSV or HTML."
        )
        self._model: ArticleDocument | None = None
        self._focus: SpanKey | None = None
        self._base_point_size = self.font().pointSizeF() * 1.15
        self._menu_factory: Callable[[], QMenu] | None = None
        pal = self.palette()
        self.highlighter = SpanHighlighter(
            self.document(), scheme, pal.color(QPalette.ColorRole.Base).name(), pal.color(QPalette.ColorRole.Text).name()
        )
        self.set_zoom(0)

    # ---- content ------------------------------------------------------------------------------
    @property
    def model(self) -> ArticleDocument | None:
        return self._model

    def show_document(self, model: ArticleDocument | None, focus: SpanKey | None = None) -> None:
        """Load an article: one pass of formatting while the text is set."""
        self._model = model
        self._focus = focus
        self.highlighter.set_model(model)
        self.setPlainText(model.text if model is not None else "")
        if focus is not None:
            self.scroll_to(focus)

    def apply_change(self, change: DocChange) -> None:
        """Redraw only the paragraphs a change touched."""
        self.highlighter.rehighlight_ranges(change.ranges)
        self.viewport().update()

    def set_scheme(self, scheme: LabelScheme) -> None:
        pal = self.palette()
        self.highlighter.set_style(
            scheme, pal.color(QPalette.ColorRole.Base).name(), pal.color(QPalette.ColorRole.Text).name()
        )

    def set_menu_factory(self, factory: Callable[[], QMenu]) -> None:
        self._menu_factory = factory

    # ---- focus --------------------------------------------------------------------------------
    def set_focus_key(self, key: SpanKey | None, scroll: bool = True) -> None:
        self._focus = key
        if scroll and key is not None:
            self.scroll_to(key)
        self.viewport().update()

    def scroll_to(self, key: SpanKey) -> None:
        """Bring a span into view; the caret moves to its start unless text is selected."""
        item = self._model.get(key) if self._model else None
        if item is None:
            return
        cursor = self.textCursor()
        if cursor.hasSelection():
            return
        cursor.setPosition(self._model.offsets.to_qt(item.start))
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    # ---- selections ---------------------------------------------------------------------------
    def selection(self) -> tuple[int, int] | None:
        """The selected text as Python offsets ``(start, end)``, or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection() or self._model is None:
            return None
        if self._model is None:
            return []
        off = self._model.offsets
        start, end = off.from_qt(cursor.selectionStart()), off.from_qt(cursor.selectionEnd())
        if end <= start:
            return None
        return start, end

    def select_range(self, start: int, end: int) -> None:
        """Select Python offsets ``[start, end)`` in the widget."""
        if self._model is None:
            return
        if self._model is None:
            return []
        off = self._model.offsets
        cursor = self.textCursor()
        cursor.setPosition(off.to_qt(start))
        cursor.setPosition(off.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        if cursor.hasSelection():
            cursor.clearSelection()
            self.setTextCursor(cursor)

    def offset_at(self, point: QPoint) -> int | None:
        if self._model is None:
            return None
        pos = self.cursorForPosition(point).position()
        return self._model.offsets.from_qt(min(pos, self._model.offsets.qt_length))

    def span_at(self, point: QPoint) -> SpanItem | None:
        offset = self.offset_at(point)
        if offset is None:
            return None
        # the character under the pointer lies before the cursor position when past its middle
        rect = self.cursorRect(self.cursorForPosition(point))
        if point.x() < rect.x() and offset > 0:
            offset -= 1
        found = self._model.at(offset)
        return found[0] if found else None

    # ---- zoom ---------------------------------------------------------------------------------
    def set_zoom(self, steps: int) -> None:
        font = QFont(self.font())
        font.setPointSizeF(max(6.0, self._base_point_size + steps))
        self.setFont(font)

    # ---- events -------------------------------------------------------------------------------
    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self._model is None:
            return
        sel = self.selection()
        if sel is None:
            item = self.span_at(event.position().toPoint())
            if item is not None:
                self.spanClicked.emit(item.key)
            return
        if not event.modifiers() & Qt.KeyboardModifier.AltModifier:
            start, end = snap_to_words(self._model.text, *sel)
            if (start, end) != sel:
                self.select_range(start, end)

    def contextMenuEvent(self, event) -> None:
        item = self.span_at(event.pos())
        if item is not None and self.selection() is None:
            self.spanClicked.emit(item.key)
        if self._menu_factory is not None:
            self._menu_factory().exec(event.globalPos())

    def focusNextPrevChild(self, forward: bool) -> bool:
        """Tab and Shift+Tab move between spans instead of leaving the article."""
        self.tabPressed.emit(forward)
        return True

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            item = self.span_at(self.viewport().mapFromGlobal(event.globalPos()))
            if item is not None:
                QToolTip.showText(event.globalPos(), describe(item), self)
            else:
                QToolTip.hideText()
            return True
        if event.type() == QEvent.Type.PaletteChange and self._model is not None:
            self.set_scheme(self.highlighter.scheme)
        return super().event(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        item = self._model.get(self._focus) if self._model else None
        if item is None or not item.visible:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(QColor(self.palette().color(QPalette.ColorRole.Highlight)), FOCUS_PEN)
        painter.setPen(pen)
        for rect in self.span_rects(item.start, item.end):
            if rect.intersects(QRectF(event.rect())):
                painter.drawRoundedRect(rect.adjusted(-2, -1, 2, 1), 3, 3)
        painter.end()

    def span_rects(self, start: int, end: int) -> list[QRectF]:
        """Viewport rectangles covering ``[start, end)``, one per visual line (visible blocks)."""
        if self._model is None:
            return []
        off = self._model.offsets
        q_start, q_end = off.to_qt(start), off.to_qt(end)
        doc = self.document()
        block = doc.findBlock(q_start)
        offset = self.contentOffset()
        height = self.viewport().height()
        rects: list[QRectF] = []
        while block.isValid() and block.position() < q_end:
            geom = self.blockBoundingGeometry(block).translated(offset)
            if geom.top() > height:
                break
            if geom.bottom() >= 0 and block.isVisible():
                layout = block.layout()
                b_pos = block.position()
                for i in range(layout.lineCount()):
                    line = layout.lineAt(i)
                    a = max(q_start - b_pos, line.textStart())
                    b = min(q_end - b_pos, line.textStart() + line.textLength())
                    if a >= b:
                        continue
                    x1 = line.cursorToX(a)[0]
                    x2 = line.cursorToX(b)[0]
                    left, right = min(x1, x2), max(x1, x2)
                    rects.append(QRectF(left + geom.left(), line.y() + geom.top(), right - left, line.height()))
            block = block.next()
        return rects
