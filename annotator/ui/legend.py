"""The legend above the article: each entity label in its colour with its key, and how claims,
sources, cues and suggestions look."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QWidget

from annotator.domain.scheme import LabelScheme
from annotator.ui import colours
from annotator.ui.highlighter import SUGGESTION_FILL


def _chip(text: str, fill: str, extra: str = "") -> str:
    return (
        f'<span style="background-color:{fill}; color:{colours.text_on(fill)};{extra}">'
        f"&nbsp;{html.escape(text)}&nbsp;</span>"
    )


class Legend(QLabel):
    """One wrapped line of label chips (our own markup; article text is never shown as HTML)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("legend")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.setContentsMargins(6, 4, 6, 4)
        self._scheme: LabelScheme | None = None

    def set_scheme(self, scheme: LabelScheme) -> None:
        self._scheme = scheme
        base = self.palette().color(QPalette.ColorRole.Base).name()
        claim = colours.claim_colour(base)
        chips = [_chip(f"{e.key} {e.label}" if e.key else e.label, e.colour) for e in scheme.entities]
        sample = scheme.entities[0].colour
        stance = " ".join(f"{s.key} {html.escape(s.label)}" for s in scheme.stances if s.key)
        chips += [
            "&nbsp;&nbsp;" + _chip("suggested", colours.blend(sample, base, SUGGESTION_FILL), "text-decoration: underline;"),
            _chip("decided", sample),
            f'<span style="text-decoration: underline; color:{claim}">claim</span>',
            f'<b style="color:{claim}">source</b>',
            f'<i style="color:{claim}">cue</i>',
            f"&nbsp;&nbsp;stance: {stance}",
        ]
        self.setText(" ".join(chips))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange and self._scheme is not None:
            self.set_scheme(self._scheme)
