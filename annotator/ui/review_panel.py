"""The review panel: the open article's review items with each annotator's version side by side.

One row per item (overlapping spans of one kind from all annotators), one column per annotator
who touched the article, headed with the key that accepts that annotator's version ("1 · ana"),
and a Gold column with the reviewer's decision. A cell says what that annotator said (label; for
a claim stance · source · source type; the span's text when the boundaries differ), "— no span"
when they marked nothing there, or "✗ rejected" when they rejected a suggestion there. The version
the gold layer took is marked ✓. Text and symbols carry the meaning (never colour alone).

Clicking a row selects the item; double-clicking an annotator's cell accepts that version. The
buttons below are the review actions (same keys as the menu).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.model import Kind
from annotator.services.review import ArticleReview, ReviewItem
from annotator.ui.colours import claim_colour
from annotator.ui.icons import swatch_icon
from annotator.ui.review_view import claim_fields, clip, version_summary

KEY_ROLE = Qt.ItemDataRole.UserRole
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
EDIT_HINT = (
    "Edit the gold span of an accepted item in the inspector (label, boundaries B, stance Q–R, source S); "
    "Delete removes a gold decision."
)


def gold_text(item: ReviewItem) -> str:
    """The reviewer's decision on an item, as shown in the Gold column."""
    if item.state == "open":
        return "open"
    if item.state == "rejected":
        return "✗ not a span"
    decided = [g for g in item.gold if g.status != "rejected"]
    what = " + ".join(claim_fields(g) if g.kind == Kind.CLAIM.value else g.label for g in decided)
    who = ", ".join(item.chosen) if item.chosen else "edited"
    return f"✓ {what} ({who})"


DIFFERENCES = {
    "missing": "not marked by all",
    "count": "number of spans",
    "span": "boundaries",
    "label": "label",
    "stance": "stance",
    "source_type": "source type",
    "source": "source",
}


def agreement_text(item: ReviewItem) -> str:
    """"= agreed", or "≠" and what differs between the annotators' versions."""
    if item.agreed:
        return "= agreed"
    if not item.differences:
        return "≠ versions differ"
    return "≠ " + ", ".join(DIFFERENCES.get(d, d.replace("_", " ")) for d in item.differences)


class ReviewPanel(QWidget):
    """Bottom panel of the review mode (see the module docstring)."""

    itemSelected = Signal(str)  # review item key
    versionChosen = Signal(str, str)  # item key, annotator

    def __init__(self, actions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review_panel")
        self.actions = actions
        self.review: ArticleReview | None = None
        self.numbers: dict[str, int] = {}
        self.scheme = None  # the project's LabelScheme (entity swatches), set by the review mode
        self._keys: list[str] = []
        self._names: list[str] = []
        self._syncing = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(4)
        top = QHBoxLayout()
        self.header = QLabel(self)
        self.header.setObjectName("review_header")
        self.header.setTextFormat(Qt.TextFormat.PlainText)
        self.header.setWordWrap(True)
        top.addWidget(self.header, 1)
        for name in ("review_accept_agreed", "review_mark_next"):
            top.addWidget(self._button(actions[name]))
        layout.addLayout(top)

        self.table = QTableWidget(0, 0, self)
        self.table.setObjectName("review_items")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setHighlightSections(False)
        self.table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.table.cellDoubleClicked.connect(self._on_double_click)
        layout.addWidget(self.table, 1)

        bottom = QHBoxLayout()
        self.current_label = QLabel(self)
        self.current_label.setObjectName("review_current")
        self.current_label.setTextFormat(Qt.TextFormat.PlainText)
        bottom.addWidget(self.current_label)
        self.accept_buttons = [self._button(actions[f"review_accept_{n}"]) for n in range(1, 10)]
        for b in self.accept_buttons:
            bottom.addWidget(b)
        bottom.addWidget(self._button(actions["review_reject"]))
        bottom.addStretch(1)
        self.hint = QLabel(EDIT_HINT, self)
        self.hint.setObjectName("review_hint")
        self.hint.setWordWrap(True)
        pal = self.hint.palette()
        pal.setColor(QPalette.ColorRole.WindowText, pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        self.hint.setPalette(pal)
        layout.addLayout(bottom)
        layout.addWidget(self.hint)
        self.show_review(None, None, {}, "")

    def _button(self, action: QAction) -> QToolButton:
        b = QToolButton(self)
        b.setDefaultAction(action)
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return b

    # ---- content ------------------------------------------------------------------------------
    def show_review(self, review: ArticleReview | None, current: str | None, numbers: dict[str, int], reviewer: str,
                    empty: str = "") -> None:
        """Show ``review``'s items (``numbers``: annotator -> key number)."""
        self.review, self.numbers = review, numbers
        names = sorted(review.annotators, key=lambda n: (numbers.get(n, 99), n)) if review else []
        self._names = names
        table = self.table
        scroll = table.verticalScrollBar().value()
        self._syncing = True
        table.clear()
        table.setColumnCount(3 + len(names))
        table.setHorizontalHeaderLabels(["Item", "Agreement"] + [f"{numbers.get(n, '')} · {n}" for n in names] + ["Gold"])
        for c, n in enumerate(names, start=2):
            head = table.horizontalHeaderItem(c)
            key = numbers.get(n)
            head.setToolTip(f"{n}'s version" + (f" — press {key} to accept it" if key and key <= 9 else ""))
        items = review.items if review else []
        table.setRowCount(len(items))
        self._keys = [i.key for i in items]
        for row, item in enumerate(items):
            self._fill_row(row, item, names)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 240)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        for c in range(2, 2 + len(names)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2 + len(names), QHeaderView.ResizeMode.Stretch)
        table.verticalScrollBar().setValue(scroll)
        self._syncing = False
        if review is None:
            self.header.setText(empty or "No article.")
        else:
            who = ", ".join(f"{numbers.get(n, '?')} {n}" for n in names) or "nobody"
            status = "reviewed" if review.status == "done" else "not reviewed yet"
            self.header.setText(
                f"Reviewing as {reviewer} · annotators {who} · {len(items)} item(s): {review.agreed} agreed, "
                f"{review.disagreements} disagreement(s), {review.open} open · article {status}"
            )
            if not items:
                self.header.setText(self.header.text() + " — the annotators marked nothing in this article")
        self.select(current)

    def _fill_row(self, row: int, item: ReviewItem, names: list[str]) -> None:
        review = self.review
        assert review is not None
        text = review.text
        with_span = "span" in item.differences or "count" in item.differences
        claim = item.kind == Kind.CLAIM.value
        first = item.versions[0].spans[0] if item.versions and item.versions[0].spans else None
        base = self.palette().color(QPalette.ColorRole.Base).name()
        if claim:
            icon = swatch_icon(claim_colour(base), item.state == "accepted", True)
        else:
            scheme_colour = self._label_colour(first.label if first else "")
            icon = swatch_icon(scheme_colour, item.state == "accepted")
        span_text = clip(text[item.start:item.end], 70)
        cell = QTableWidgetItem(icon, f"“{span_text}”" if claim else span_text)
        cell.setData(KEY_ROLE, item.key)
        cell.setToolTip(f"{'Claim' if claim else 'Entity'}: {clip(text[item.start:item.end], 400)}")
        self.table.setItem(row, 0, cell)
        agree = QTableWidgetItem(agreement_text(item))
        if not item.agreed:
            agree.setFont(_bold())
        self.table.setItem(row, 1, agree)
        for c, n in enumerate(names, start=2):
            version = item.version_of(n)
            if version is None:
                said = "✗ rejected it" if n in item.rejected_by else "— no span"
                tip = f"{n} {'rejected the suggestion here' if n in item.rejected_by else 'marked nothing here'}"
            else:
                said = version_summary(item, version.annotations.get(n, version.spans), text, with_span)
                tip = f"{n}: {said}"
            chosen = n in item.chosen or (item.state == "rejected" and version is None)
            key = self.numbers.get(n)
            if key and key <= 9:
                tip += f"\nPress {key} (or double-click) to accept this version"
            if chosen:
                tip += "\nThe gold layer took this version"
            cell = QTableWidgetItem(("✓ " if chosen and version is not None else "") + said)
            cell.setData(NAME_ROLE, n)
            cell.setToolTip(tip)
            if chosen:
                cell.setFont(_bold())
            self.table.setItem(row, c, cell)
        gold = QTableWidgetItem(gold_text(item))
        if item.state == "open":
            font = QFont()
            font.setItalic(True)
            gold.setFont(font)
            gold.setForeground(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
        self.table.setItem(row, 2 + len(names), gold)

    def _label_colour(self, label: str) -> str:
        return self.scheme.colour(label) if self.scheme is not None else "#999999"

    # ---- selection ----------------------------------------------------------------------------
    def current_key(self) -> str | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self._keys[rows[0].row()] if rows and rows[0].row() < len(self._keys) else None

    def select(self, key: str | None) -> None:
        """Show ``key`` as the current row (without emitting :attr:`itemSelected`)."""
        self._syncing = True
        try:
            if key in self._keys:
                row = self._keys.index(key)
                self.table.selectRow(row)
                self.table.scrollToItem(self.table.item(row, 0))
            else:
                self.table.clearSelection()
        finally:
            self._syncing = False
        self._show_current(key)

    def _show_current(self, key: str | None) -> None:
        item = self.review.item(key) if self.review and key else None
        if item is None:
            self.current_label.setText("No item selected:")
        else:
            text = clip(self.review.text[item.start:item.end], 40)
            self.current_label.setText(f"{'Claim' if item.kind == Kind.CLAIM.value else 'Entity'} “{text}”:")
        names = set(self._names)
        for n, b in enumerate(self.accept_buttons, start=1):
            action = b.defaultAction()
            who = action.data()
            b.setVisible(bool(who) and who in names)

    def _on_selection(self) -> None:
        if self._syncing:
            return
        key = self.current_key()
        if key is not None:
            self._show_current(key)
            self.itemSelected.emit(key)

    def _on_double_click(self, row: int, column: int) -> None:
        cell = self.table.item(row, column)
        name = cell.data(NAME_ROLE) if cell is not None else None
        if name and row < len(self._keys):
            self.versionChosen.emit(self._keys[row], name)


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font
