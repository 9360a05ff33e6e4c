"""Dialogs: the annotator's name, the import report, the keyboard shortcuts, and errors.

Errors always appear as a dialog with the message from :mod:`annotator.domain.errors`; an
unexpected exception shows a short message with the traceback under "Show Details…", never a
crash or a console trace only.
"""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import AnnotatorError
from annotator.services.importing import ImportReport


class NameDialog(QDialog):
    """Asks who is annotating; the name is stored with every decision."""

    def __init__(self, current: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("name_dialog")
        self.setWindowTitle("Who is annotating?")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Your name is saved with every decision you make, so that several analysts can label "
            "the same project and their work can be compared.",
            self,
        )
        intro.setWordWrap(True)
        self.edit = QLineEdit(current, self)
        self.edit.setObjectName("annotator_name")
        self.edit.setPlaceholderText("Your name or initials")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.edit.textChanged.connect(self._validate)
        layout.addWidget(intro)
        layout.addWidget(self.edit)
        layout.addWidget(self.buttons)
        self._validate(current)
        self.resize(420, self.sizeHint().height())

    def _validate(self, text: str) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(text.strip()))

    def name(self) -> str:
        return self.edit.text().strip()

    @staticmethod
    def ask(current: str = "", parent: QWidget | None = None) -> str | None:
        dialog = NameDialog(current, parent)
        return dialog.name() if dialog.exec() == QDialog.DialogCode.Accepted and dialog.name() else None


class ImportReportDialog(QDialog):
    """What an import did: articles added, duplicates and every skipped file with the reason."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("import_report")
        self.setWindowTitle("Import finished" if not report.cancelled else "Import cancelled")
        layout = QVBoxLayout(self)
        summary = (
            f"Imported {len(report.imported)} article(s) from {report.files} file(s). "
            f"{len(report.duplicates)} duplicate(s) skipped, {len(report.problems)} file(s) or record(s) could not be read."
        )
        if report.cancelled:
            summary = "Cancelled. " + summary
        self.summary = QLabel(summary, self)
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        rows = [("skipped", p.message) for p in report.problems] + [("duplicate", d) for d in report.duplicates]
        self.table = QTableWidget(len(rows), 2, self)
        self.table.setObjectName("import_problems")
        self.table.setHorizontalHeaderLabels(["", "File and reason"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        for r, (kind, message) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(kind))
            item = QTableWidgetItem(message)
            item.setToolTip(message)
            self.table.setItem(r, 1, item)
        self.table.resizeColumnToContents(0)
        self.table.setVisible(bool(rows))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.accept)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(720, 380 if rows else 140)

    def messages(self) -> list[str]:
        return [self.table.item(r, 1).text() for r in range(self.table.rowCount())]


class ShortcutsDialog(QDialog):
    """Help › Keyboard shortcuts: every key, read from the actions themselves."""

    def __init__(self, rows: list[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts_dialog")
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        self.table = QTableWidget(len(rows), 3, self)
        self.table.setObjectName("shortcuts_table")
        self.table.setHorizontalHeaderLabels(["Section", "Action", "Keys"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(2)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.accept)
        layout.addWidget(buttons)
        self.resize(620, 560)


def error_box(parent: QWidget | None, message: str, details: str = "", title: str = "annotator") -> QMessageBox:
    """A non-blocking error dialog (shown with ``open()``; tests find it by object name)."""
    box = QMessageBox(QMessageBox.Icon.Critical, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("error_dialog")
    box.setTextFormat(Qt.TextFormat.PlainText)
    if details:
        box.setDetailedText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def show_error(parent: QWidget | None, message: str, details: str = "") -> QMessageBox:
    """Show an error message; the main text is the first paragraph, the rest goes to details."""
    head, _, rest = message.partition("\n\n")
    return error_box(parent, head, (rest + "\n" + details).strip())


def install_excepthook() -> None:
    """Show unexpected exceptions (and AnnotatorErrors that escaped) as dialogs."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        trace = "".join(traceback.format_exception(exc_type, exc, tb))
        sys.stderr.write(trace)
        if isinstance(exc, AnnotatorError):
            message, details = exc.message, ""
        else:
            message = (
                f"Something went wrong: {exc_type.__name__}: {exc}.\n"
                "Your work up to the last change is saved. Please report this with the details below."
            )
            details = trace
        if QApplication.instance() is not None:
            error_box(QApplication.activeWindow(), message, details)

    sys.excepthook = hook
