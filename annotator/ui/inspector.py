"""The inspector: the open article (metadata, status, notes), its entities and claims, and the
focused span's details (label; for a claim its content, source, source type, stance and note).

Every control either triggers one of the window's actions (buttons show the action's text and
keys) or calls one workbench edit, so mouse and keyboard do exactly the same thing.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFocusEvent, QIcon, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QTabWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.model import Kind
from annotator.ui.actions import Actions
from annotator.ui.article_view import describe
from annotator.ui.colours import claim_colour
from annotator.ui.document import ArticleDocument, DocChange, SpanItem
from annotator.ui.icons import status_icon, swatch_icon
from annotator.ui.models import STATUS_TEXT, SpanListModel, display_title
from annotator.ui.workbench import Workbench

NONE = "(none)"


class NoteEdit(QPlainTextEdit):
    """A multi-line note that is saved when the analyst leaves it."""

    committed = Signal(str)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.committed.emit(self.toPlainText())


def _button(action, parent: QWidget) -> QToolButton:
    b = QToolButton(parent)
    b.setDefaultAction(action)
    b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    return b



class LazyComboBox(QComboBox):
    """A combo box whose full item list is built only when the user opens or focuses it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._filler: Callable[[], None] | None = None

    def set_filler(self, filler: Callable[[], None] | None) -> None:
        self._filler = filler

    def fill_now(self) -> None:
        filler, self._filler = self._filler, None
        if filler is not None:
            filler()

    def showPopup(self) -> None:  # noqa: N802 - Qt override
        self.fill_now()
        super().showPopup()

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.fill_now()
        super().focusInEvent(event)

class Inspector(QWidget):
    """Right-hand panel of the main window."""

    def __init__(self, bench: Workbench, actions: Actions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inspector")
        self.bench = bench
        self.actions = actions
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self._article_box())
        layout.addWidget(self._span_lists(), 2)
        layout.addWidget(self._details_box(), 3)
        self._sources_signature: tuple | None = None
        bench.documentOpened.connect(self._on_opened)
        bench.documentChanged.connect(self._on_changed)
        bench.focusChanged.connect(self._on_focus)

    # ---- construction -------------------------------------------------------------------------
    def _article_box(self) -> QGroupBox:
        box = QGroupBox("Article", self)
        form = QVBoxLayout(box)
        self.title = QLabel(box)
        self.title.setObjectName("article_title")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.meta = QLabel(box)
        self.meta.setObjectName("article_meta")
        self.meta.setWordWrap(True)
        self.meta.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        status_row = QHBoxLayout()
        self.status_icon = QLabel(box)
        self.status = QLabel(box)
        self.status.setObjectName("article_status")
        status_row.addWidget(self.status_icon)
        status_row.addWidget(self.status, 1)
        buttons_row = QHBoxLayout()
        self.article_buttons = [_button(self.actions[name], box) for name in ("mark_done", "mark_skipped", "reopen")]
        for b in self.article_buttons:
            buttons_row.addWidget(b)
        buttons_row.addStretch(1)
        self.article_note = NoteEdit(box)
        self.article_note.setObjectName("article_note")
        self.article_note.setPlaceholderText("Notes on this article (saved when you leave the field)")
        self.article_note.setMaximumHeight(64)
        self.article_note.setTabChangesFocus(True)
        self.article_note.committed.connect(self.bench.set_article_note)
        form.addWidget(self.title)
        form.addWidget(self.meta)
        form.addLayout(status_row)
        form.addLayout(buttons_row)
        form.addWidget(self.article_note)
        return box

    def _span_lists(self) -> QWidget:
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("span_tabs")
        self.entity_model = SpanListModel(Kind.ENTITY.value, self._swatch, describe, self)
        self.claim_model = SpanListModel(Kind.CLAIM.value, self._swatch, describe, self)
        self.entity_list = self._list(self.entity_model, "entity_list")
        self.claim_list = self._list(self.claim_model, "claim_list")
        self.tabs.addTab(self.entity_list, "Entities")
        self.tabs.addTab(self.claim_list, "Claims")
        corner = _button(self.actions["accept_all"], self.tabs)
        self.tabs.setCornerWidget(corner, Qt.Corner.TopRightCorner)
        for model in (self.entity_model, self.claim_model):
            model.modelReset.connect(self._update_tab_titles)
            model.rowsInserted.connect(self._update_tab_titles)
            model.rowsRemoved.connect(self._update_tab_titles)
        return self.tabs

    def _list(self, model: SpanListModel, name: str) -> QTreeView:
        # a flat QTreeView: with uniform row heights, inserts and scrollTo stay O(1) for
        # thousands of rows (QListView re-lays out every item)
        view = QTreeView(self)
        view.setObjectName(name)
        view.setModel(model)
        view.setRootIsDecorated(False)
        view.setUniformRowHeights(True)
        view.setHeaderHidden(True)
        view.setItemsExpandable(False)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.clicked.connect(self._on_row_clicked)
        view.activated.connect(self._on_row_clicked)
        return view

    def _details_box(self) -> QGroupBox:
        box = QGroupBox("Selected span", self)
        self.details = box
        outer = QVBoxLayout(box)
        self.span_header = QLabel(box)
        self.span_header.setObjectName("span_header")
        self.span_header.setTextFormat(Qt.TextFormat.PlainText)
        self.span_text = QLabel(box)
        self.span_text.setObjectName("span_text")
        self.span_text.setWordWrap(True)
        self.span_text.setTextFormat(Qt.TextFormat.PlainText)
        self.span_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        for name in ("accept", "reject", "delete_span"):
            buttons.addWidget(_button(self.actions[name], box))
        buttons.addStretch(1)
        outer.addWidget(self.span_header)
        outer.addWidget(self.span_text)
        outer.addLayout(buttons)

        # entity section: the label
        self.entity_form = QWidget(box)
        entity_layout = QFormLayout(self.entity_form)
        entity_layout.setContentsMargins(0, 0, 0, 0)
        self.label_combo = QComboBox(self.entity_form)
        self.label_combo.setObjectName("label_combo")
        self.label_combo.activated.connect(self._on_label_chosen)
        entity_layout.addRow("Label", self.label_combo)

        # claim section: source, source type, stance
        self.claim_form = QWidget(box)
        claim_layout = QFormLayout(self.claim_form)
        claim_layout.setContentsMargins(0, 0, 0, 0)
        self.source_combo = LazyComboBox(self.claim_form)
        self.source_combo.setObjectName("source_combo")
        self.source_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.source_combo.setMinimumContentsLength(12)
        self.source_combo.activated.connect(self._on_source_chosen)
        claim_layout.addRow("Source", self.source_combo)
        claim_layout.addRow("", _button(self.actions["set_source"], self.claim_form))
        self.source_type_combo = QComboBox(self.claim_form)
        self.source_type_combo.setObjectName("source_type_combo")
        self.source_type_combo.activated.connect(self._on_source_type_chosen)
        claim_layout.addRow("Source type", self.source_type_combo)
        self.stance_grid = QGridLayout()
        claim_layout.addRow("Stance", self.stance_grid)

        form = QFormLayout()
        outer.addWidget(self.entity_form)
        outer.addWidget(self.claim_form)
        self.note = QLineEdit(box)
        self.note.setObjectName("span_note")
        self.note.setPlaceholderText("Note on this span (Enter to save)")
        self.note.editingFinished.connect(lambda: self.bench.set_note(self.note.text()))
        form.addRow("Note", self.note)
        outer.addLayout(form)
        outer.addStretch(1)
        return box

    def set_scheme_controls(self) -> None:
        """Fill the label, source-type and stance controls from the project's scheme."""
        scheme = self.bench.scheme
        if scheme is None:
            return
        self.label_combo.clear()
        for e in scheme.entities:
            self.label_combo.addItem(swatch_icon(e.colour, True), f"{e.label}  ({e.key})" if e.key else e.label, e.label)
        self.source_type_combo.clear()
        self.source_type_combo.addItem(NONE, None)
        for t in scheme.source_types:
            self.source_type_combo.addItem(t.label, t.label)
        while self.stance_grid.count():
            w = self.stance_grid.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        for n, a in enumerate(self.actions.stance_actions):
            b = _button(a, self.claim_form)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self.stance_grid.addWidget(b, n // 2, n % 2)

    # ---- helpers ------------------------------------------------------------------------------
    def _swatch(self, item: SpanItem) -> QIcon:
        scheme = self.bench.scheme
        if item.is_claim:
            return swatch_icon(claim_colour(self.palette().color(QPalette.ColorRole.Base).name()), item.decided, True)
        return swatch_icon(scheme.colour(item.label) if scheme else "#999999", item.decided)

    def _update_tab_titles(self) -> None:
        self.tabs.setTabText(0, f"Entities ({self.entity_model.rowCount()})")
        self.tabs.setTabText(1, f"Claims ({self.claim_model.rowCount()})")

    # ---- reactions to the workbench -----------------------------------------------------------
    def _on_opened(self, doc: ArticleDocument | None) -> None:
        self.entity_model.set_document(doc)
        self.claim_model.set_document(doc)
        self._show_article()

    def _show_article(self) -> None:
        s = self.bench.summary()
        if s is None:
            self.title.setText("No article")
            self.meta.setText("Import articles with File › Import articles…")
            self.status.setText("")
            self.status_icon.clear()
            self.article_note.setPlainText("")
            self.article_note.setEnabled(False)
            for b in self.article_buttons:
                b.setEnabled(False)
            return
        for b in self.article_buttons:
            b.setEnabled(True)
        self.title.setText(display_title(s))
        bits = [b for b in (s.outlet, s.date[:10], f"{s.word_count:,} words", s.external_id and f"id {s.external_id}") if b]
        self.meta.setText(" · ".join(bits))
        self.article_note.setEnabled(True)
        self.refresh_status()

    def refresh_status(self) -> None:
        """Status, open count and note of the open article (after edits, coalesced)."""
        doc = self.bench.doc
        if doc is None:
            return
        status = self.bench.article_status()
        ink = self.palette().color(QPalette.ColorRole.Text).name()
        self.status_icon.setPixmap(status_icon(status, ink).pixmap(16, 16))
        self.status.setText(f"{STATUS_TEXT.get(status, status)} · {doc.open_count()} open suggestion(s)")
        note = self.bench.article_note()
        if self.article_note.toPlainText() != note and not self.article_note.hasFocus():
            self.article_note.setPlainText(note)

    def _on_changed(self, change: DocChange) -> None:
        self.entity_model.apply(change)
        self.claim_model.apply(change)
        # the details follow in _on_focus: every edit ends with a focusChanged

    def _on_focus(self, key) -> None:
        item = self.bench.focused()
        self._select_row(item)
        self._show_details(item)

    def _select_row(self, item: SpanItem | None) -> None:
        if item is None:
            return
        model, view = (self.claim_model, self.claim_list) if item.is_claim else (self.entity_model, self.entity_list)
        row = model.row_of(item.key)
        if row is None:
            return
        self.tabs.setCurrentWidget(view)
        index = model.index(row, 0)
        view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        view.scrollTo(index)

    def _show_details(self, item: SpanItem | None) -> None:
        doc = self.bench.doc
        enabled = item is not None and doc is not None
        self.details.setEnabled(enabled)
        claim = bool(item and item.is_claim)
        self.claim_form.setVisible(claim)
        self.entity_form.setVisible(not claim)
        for a in self.actions.stance_actions:
            a.setEnabled(claim)
            a.setChecked(bool(item and item.stance == a.data()))
        if not enabled:
            self.span_header.setText("Nothing selected")
            self.span_text.setText("")
            self.note.setText("")
            return
        status = "suggestion" if not item.decided else f"{item.status} by {item.annotator}"
        self.span_header.setText(f"{'Claim' if claim else item.label} · {status}")
        text = " ".join(doc.text[item.start : item.end].split())
        self.span_text.setText(f"“{text}”" if claim else text)
        if not self.note.hasFocus():
            self.note.setText(item.note)
        if claim:
            self._fill_sources(doc, item)
            idx = self.source_type_combo.findData(item.source_type) if item.source_type else 0
            self.source_type_combo.setCurrentIndex(max(0, idx))
        else:
            self.label_combo.setCurrentIndex(max(0, self.label_combo.findData(item.label)))

    def _fill_sources(self, doc: ArticleDocument, claim: SpanItem) -> None:
        """Show the claim's current source at once; list the candidates when the analyst opens
        or focuses the box (building the list costs ~15 ms on a long article, too much for
        every move of the focus)."""
        signature = (id(doc), doc.span_count(), claim.key, claim.source)
        if signature == self._sources_signature:
            return
        self._sources_signature = signature
        combo = self.source_combo
        combo.clear()
        combo.addItem(NONE, None)
        if claim.source is not None:
            ent = next((e for e in doc.entities() if (e.start, e.end) == claim.source), None)
            if ent is not None:
                name = " ".join(doc.text[ent.start : ent.end].split())
                combo.addItem(self._swatch(ent), f"{name} — {ent.label}", ent.key)
            else:
                combo.addItem(f"{claim.source_name or doc.text[claim.source[0]:claim.source[1]]} (text)", "text")
            combo.setCurrentIndex(1)
        combo.set_filler(lambda: self._list_sources(doc, claim))

    def _list_sources(self, doc: ArticleDocument, claim: SpanItem) -> None:
        """Source candidates: each distinct entity name once, the occurrence nearest the claim
        first (a long article has thousands of entity spans but a few hundred names)."""
        nearest: dict[tuple[str, str], SpanItem] = {}
        for ent in doc.entities():
            name = " ".join(doc.text[ent.start : ent.end].split())
            key = (name, ent.label)
            old = nearest.get(key)
            if claim.source == (ent.start, ent.end) or old is None or (
                claim.source != (old.start, old.end) and abs(ent.start - claim.start) < abs(old.start - claim.start)
            ):
                nearest[key] = ent
        combo = self.source_combo
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(NONE, None)
        current = 0
        for (name, label), ent in sorted(nearest.items(), key=lambda kv: abs(kv[1].start - claim.start)):
            combo.addItem(self._swatch(ent), f"{name} — {label}", ent.key)
            if claim.source == (ent.start, ent.end):
                current = combo.count() - 1
        if claim.source is not None and current == 0:
            combo.addItem(f"{claim.source_name or doc.text[claim.source[0]:claim.source[1]]} (text)", "text")
            current = combo.count() - 1
        combo.setCurrentIndex(current)
        combo.blockSignals(False)

    # ---- user input ---------------------------------------------------------------------------
    def _on_row_clicked(self, index: QModelIndex) -> None:
        item = index.data(Qt.ItemDataRole.UserRole)
        if item is not None:
            self.bench.set_focus(item.key)

    def _on_label_chosen(self, row: int) -> None:
        label = self.label_combo.itemData(row)
        if label:
            self.bench.apply_label(label, None)

    def _on_source_chosen(self, row: int) -> None:
        data = self.source_combo.itemData(row)
        if data != "text":
            self.bench.set_source_entity(data)

    def _on_source_type_chosen(self, row: int) -> None:
        self.bench.set_source_type(self.source_type_combo.itemData(row))
