"""Span highlighting of the article text, one paragraph (QTextBlock) at a time.

The :class:`ArticleDocument` keeps an index of the spans touching each paragraph, so formatting a
paragraph costs only its own spans, and after an edit only the touched paragraphs are redone
(:meth:`SpanHighlighter.rehighlight_ranges`). Overlapping spans are merged into one format per
segment: entities colour the background (a lighter fill while suggested), claims underline
(dashed while suggested, solid once decided) and emphasise their source (bold) and cue (italic).
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtGui import (
    QColor,
    QFont,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)

from annotator.domain.model import Kind
from annotator.domain.scheme import LabelScheme
from annotator.ui import colours
from annotator.ui.document import ArticleDocument

SUGGESTION_FILL = 0.38  # share of the label colour in a suggestion's fill
CLAIM_TINT = 0.12  # share of the claim colour behind a decided claim

_Underline = QTextCharFormat.UnderlineStyle
# (entity label or None, entity decided, claim state: None | "suggested" | "decided", source, cue)
FormatKey = tuple[str | None, bool, str | None, bool, bool]


class SpanHighlighter(QSyntaxHighlighter):
    """Formats a QTextDocument from an :class:`ArticleDocument` and a label scheme."""

    def __init__(self, document: QTextDocument, scheme: LabelScheme, base: str, text: str) -> None:
        super().__init__(document)
        self._model: ArticleDocument | None = None
        self._scheme = scheme
        self._base = base
        self._text = text
        self._formats: dict[FormatKey, QTextCharFormat] = {}

    # ---- configuration ------------------------------------------------------------------------
    @property
    def scheme(self) -> LabelScheme:
        return self._scheme

    def set_model(self, model: ArticleDocument | None) -> None:
        """Use ``model``'s spans; the caller then loads its text (which formats every paragraph)."""
        self._model = model

    def set_style(self, scheme: LabelScheme, base: str, text: str) -> None:
        """New scheme or palette: drop cached formats and redo the whole document."""
        self._scheme, self._base, self._text = scheme, base, text
        self._formats.clear()
        self.rehighlight()

    def colours_for(self, label: str, decided: bool) -> tuple[str, str]:
        """(background, text) colours of an entity label, as drawn."""
        colour = self._scheme.colour(label)
        fill = colour if decided else colours.blend(colour, self._base, SUGGESTION_FILL)
        return fill, colours.text_on(fill)

    def rehighlight_ranges(self, ranges: list[tuple[int, int]]) -> None:
        """Re-format only the paragraphs that ``ranges`` (Python offsets) touch."""
        model = self._model
        if model is None:
            return
        blocks: set[int] = set()
        for start, end in ranges:
            blocks.update(model.blocks_for(start, end))
        qdoc = self.document()
        for b in sorted(blocks):
            block = qdoc.findBlockByNumber(b)
            if block.isValid():
                self.rehighlightBlock(block)

    # ---- formatting ---------------------------------------------------------------------------
    def _format(self, key: FormatKey) -> QTextCharFormat:
        fmt = self._formats.get(key)
        if fmt is not None:
            return fmt
        label, decided, claim, source, cue = key
        fmt = QTextCharFormat()
        claim_colour = QColor(colours.claim_colour(self._base))
        if claim == "decided" and label is None:
            tint = colours.blend(colours.claim_colour(self._base), self._base, CLAIM_TINT)
            fmt.setBackground(QColor(tint))
        if label is not None:
            fill, ink = self.colours_for(label, decided)
            fmt.setBackground(QColor(fill))
            fmt.setForeground(QColor(ink))
            if not decided and claim is None:
                fmt.setUnderlineStyle(_Underline.DotLine)
                fmt.setUnderlineColor(QColor(colours.blend(self._scheme.colour(label), self._text, 0.35)))
        if claim is not None:
            fmt.setUnderlineStyle(_Underline.SingleUnderline if claim == "decided" else _Underline.DashUnderline)
            fmt.setUnderlineColor(claim_colour)
        if source:
            fmt.setFontWeight(QFont.Weight.Bold)
            fmt.setUnderlineStyle(_Underline.SingleUnderline)
            fmt.setUnderlineColor(claim_colour)
        if cue:
            fmt.setFontItalic(True)
            if claim is None:
                fmt.setUnderlineStyle(_Underline.DotLine)
                fmt.setUnderlineColor(claim_colour)
        self._formats[key] = fmt
        return fmt

    def highlightBlock(self, text: str) -> None:
        model = self._model
        if model is None:
            return
        number = self.currentBlock().blockNumber()
        keys = model.keys_in_block(number)
        if not keys or number >= len(model.block_starts):
            return
        b_start = model.block_starts[number]
        b_end = model.block_starts[number + 1] - 1 if number + 1 < len(model.block_starts) else len(model.text)
        # (start, end, role, label, decided) clipped to this paragraph
        parts: list[tuple[int, int, str, str, bool]] = []
        cuts = {b_start, b_end}
        for key in keys:
            item = model.get(key)
            if item is None:
                continue
            roles = [(item.start, item.end, "claim" if item.kind == Kind.CLAIM.value else "entity")]
            if item.source:
                roles.append((item.source[0], item.source[1], "source"))
            if item.cue:
                roles.append((item.cue[0], item.cue[1], "cue"))
            for s, e, role in roles:
                s, e = max(s, b_start), min(e, b_end)
                if s < e:
                    parts.append((s, e, role, item.label, item.decided))
                    cuts.add(s)
                    cuts.add(e)
        if not parts:
            return
        to_qt = model.offsets.to_qt
        q_base = to_qt(b_start)
        bounds = sorted(cuts)
        for a, b in pairwise(bounds):
            entity: tuple[int, str, bool] | None = None
            claim: str | None = None
            source = cue = False
            for s, e, role, label, decided in parts:
                if s > a or e < b:
                    continue
                if role == "entity":
                    if entity is None or e - s < entity[0]:
                        entity = (e - s, label, decided)
                elif role == "claim":
                    claim = "decided" if decided or claim == "decided" else "suggested"
                elif role == "source":
                    source = True
                else:
                    cue = True
            if entity is None and claim is None and not source and not cue:
                continue
            key: FormatKey = (
                entity[1] if entity else None,
                entity[2] if entity else False,
                claim,
                source,
                cue,
            )
            qa = to_qt(a) - q_base
            self.setFormat(qa, to_qt(b) - q_base - qa, self._format(key))
