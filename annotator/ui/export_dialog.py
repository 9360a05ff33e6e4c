"""File > Export: a self-contained dialog that exports the project in a worker thread.

The dialog collects the same choices as ``annotator export`` (format, output, layer, annotator,
statuses, labels, untouched suggestions, train/dev/test split, replace existing files), runs
:func:`annotator.services.export.export_dataset` in a ``QThread`` with a progress bar and a Cancel
button, and shows a summary of what was written (files, counts, dropped spans, the manifest) or
the error message (``Msg.E0xx``), never a traceback.

Wiring (for the main window)::

    dlg = ExportDialog(project, annotator=current_annotator, model=model_name, parent=self)
    dlg.exec()

``exportFinished(report)`` and ``exportFailed(message)`` are emitted when the worker ends.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from PySide6.QtCore import Qt

from annotator.domain.errors import AnnotatorError
from annotator.services.export import SUFFIXES, ExportOptions, ExportReport, export_dataset, work_annotators
from annotator.services.project import get_scheme

log = logging.getLogger(__name__)

FORMAT_CHOICES = (
    ("jsonl", "JSONL (Prodigy-compatible)"),
    ("spacy", "spaCy DocBin (.spacy)"),
    ("conll", "CoNLL-2003 IOB (.conll)"),
    ("csv", "CSV, one row per claim (.csv)"),
    ("brat", "brat standoff (folder of .txt + .ann)"),
)
STATUS_CHOICES = (("done", "Done"), ("in_progress", "In progress"), ("skipped", "Skipped"), ("new", "New"))
TokenizerFactory = Callable[[], Any]


class _Cancel:
    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()


class ExportWorker(QObject):
    """Runs one export in a worker thread; talks to the dialog through signals only."""

    progress = Signal(int, int, str)
    finished = Signal(object)  # ExportReport
    failed = Signal(str)

    def __init__(self, project, path: Path, fmt: str, opts: ExportOptions, force: bool,
                 tokenizer_factory: TokenizerFactory | None, cancel: _Cancel) -> None:
        super().__init__()
        self.project = project
        self.path = path
        self.fmt = fmt
        self.opts = opts
        self.force = force
        self.tokenizer_factory = tokenizer_factory
        self.cancel = cancel

    @Slot()
    def run(self) -> None:
        try:
            tokenizer = docbin = None
            if self.fmt in ("jsonl", "conll", "spacy"):
                self.progress.emit(0, 0, "loading the tokenizer")
                tokenizer = (self.tokenizer_factory or _default_tokenizer)()
                if self.fmt == "spacy":
                    from annotator.nlp.docbin import docbin_factory

                    docbin = docbin_factory(tokenizer)
            report = export_dataset(
                self.path, self.opts, self.fmt, force=self.force, tokenizer=tokenizer, docbin=docbin,
                progress=lambda done, total, msg: self.progress.emit(done, total, msg), cancel=self.cancel,
                project_path=self.project.path, scheme=get_scheme(self.project),
            )
        except AnnotatorError as exc:
            self.failed.emit(exc.message)
        except Exception as exc:  # a bug: log it, show one line
            log.exception("export failed")
            self.failed.emit(f"unexpected error during the export ({exc.__class__.__name__}: {exc}); please report this")
        else:
            self.finished.emit(report)
        finally:
            try:  # this thread's own SQLite connection
                self.project.db.close()
            except Exception:  # pragma: no cover - closing never matters for the result
                pass


def _default_tokenizer():
    from annotator.nlp.tokens import load_tokenizer

    return load_tokenizer(None)


class ExportDialog(QDialog):
    exportFinished = Signal(object)
    exportFailed = Signal(str)

    def __init__(self, project, parent: QWidget | None = None, annotator: str | None = None, model: str | None = None,
                 tokenizer_factory: TokenizerFactory | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export annotations")
        self.setObjectName("exportDialog")
        self.project = project
        if tokenizer_factory is None and model:
            def tokenizer_factory(model=model):
                from annotator.nlp.tokens import load_tokenizer

                return load_tokenizer(model)
        self.tokenizer_factory = tokenizer_factory
        self.report: ExportReport | None = None
        self.error: str | None = None
        self._thread: QThread | None = None
        self._worker: ExportWorker | None = None
        self._cancel: _Cancel | None = None
        scheme = get_scheme(project)

        form = QFormLayout()
        self.format_box = QComboBox(objectName="format")
        for key, text in FORMAT_CHOICES:
            self.format_box.addItem(text, key)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        form.addRow("&Format:", self.format_box)

        self.path_edit = QLineEdit(objectName="path")
        self.browse_button = QPushButton("&Browse…", objectName="browse")
        self.browse_button.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        form.addRow("&Save to:", row)

        self.layer_box = QComboBox(objectName="layer")
        self.layer_box.addItem("Gold where adjudicated, else the annotator's", "auto")
        self.layer_box.addItem("Gold (reviewer) only", "gold")
        self.layer_box.addItem("Annotator's work only", "work")
        form.addRow("&Layer:", self.layer_box)

        self.annotator_box = QComboBox(objectName="annotator")
        names = work_annotators()
        self.annotator_box.addItem("(the only annotator)" if len(names) == 1 else "(choose one)", None)
        for name in names:
            self.annotator_box.addItem(name, name)
        if annotator and annotator in names:
            self.annotator_box.setCurrentIndex(names.index(annotator) + 1)
        form.addRow("&Annotator:", self.annotator_box)

        status_row = QHBoxLayout()
        self.status_checks: dict[str, QCheckBox] = {}
        for key, text in STATUS_CHOICES:
            box = QCheckBox(text, objectName=f"status_{key}")
            box.setChecked(key == "done")
            self.status_checks[key] = box
            status_row.addWidget(box)
        status_row.addStretch(1)
        form.addRow("Articles marked:", status_row)

        self.label_list = QListWidget(objectName="labels")
        self.label_list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.label_list.setMaximumHeight(110)
        for label in list(scheme.entity_labels) + ["CLAIM"]:
            item = QListWidgetItem(label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.label_list.addItem(item)
        form.addRow("Labels:", self.label_list)

        self.suggestions_check = QCheckBox("Include untouched suggestions", objectName="include_suggestions")
        form.addRow("", self.suggestions_check)

        self.split_check = QCheckBox("Split by article into train / dev / test", objectName="split")
        self.split_check.toggled.connect(self._split_toggled)
        split_row = QHBoxLayout()
        self.split_spins = []
        for name, value in (("train", 0.8), ("dev", 0.1), ("test", 0.1)):
            spin = QDoubleSpinBox(objectName=f"split_{name}")
            spin.setRange(0.0, 1.0)
            spin.setSingleStep(0.05)
            spin.setDecimals(2)
            spin.setValue(value)
            spin.setPrefix(f"{name} ")
            self.split_spins.append(spin)
            split_row.addWidget(spin)
        self.seed_spin = QSpinBox(objectName="seed")
        self.seed_spin.setRange(0, 2**31 - 1)
        self.seed_spin.setPrefix("seed ")
        split_row.addWidget(self.seed_spin)
        form.addRow(self.split_check, split_row)
        self._split_toggled(False)

        self.force_check = QCheckBox("Replace existing files", objectName="force")
        form.addRow("", self.force_check)

        self.progress_bar = QProgressBar(objectName="progress")
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.status_label = QLabel("", objectName="status")
        self.summary = QPlainTextEdit(objectName="summary")
        self.summary.setReadOnly(True)
        self.summary.setPlaceholderText("A summary of what was written appears here.")

        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton("&Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("export")
        self.cancel_button = self.buttons.addButton("Cancel", QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setObjectName("cancel")
        self.cancel_button.setEnabled(False)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("close")
        self.export_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.buttons)
        self.resize(640, 620)
        self._format_changed()

    # ---- choices ---------------------------------------------------------------------------
    def fmt(self) -> str:
        return self.format_box.currentData()

    def set_format(self, fmt: str) -> None:
        self.format_box.setCurrentIndex(self.format_box.findData(fmt))

    def _default_path(self, fmt: str) -> str:
        base = Path(self.project.path)
        if getattr(self.project, "is_server", False):  # a team project: suggest the home folder
            base = Path.home() / self.project.path.stem
        stem = base.name.split(".")[0] or "export"
        return str(base.with_name(f"{stem}-export{SUFFIXES[fmt]}" if fmt != "brat" else f"{stem}-brat"))

    def _format_changed(self) -> None:
        fmt = self.fmt()
        current = self.path_edit.text().strip()
        defaults = {self._default_path(f) for f, _ in FORMAT_CHOICES}
        if not current or current in defaults:
            self.path_edit.setText(self._default_path(fmt))
        csv_only_claims = fmt == "csv"
        self.label_list.setEnabled(True)
        self.status_label.setText("CSV has one row per claim; entity spans are not in it." if csv_only_claims else "")

    def _split_toggled(self, on: bool) -> None:
        for spin in self.split_spins:
            spin.setEnabled(on)
        self.seed_spin.setEnabled(on)

    def _browse(self) -> None:
        fmt = self.fmt()
        if fmt == "brat":
            path = QFileDialog.getExistingDirectory(self, "Export brat files to folder", self.path_edit.text())
        else:
            path, _ = QFileDialog.getSaveFileName(self, "Export to", self.path_edit.text(),
                                                  f"{fmt} files (*{SUFFIXES[fmt]});;All files (*)")
        if path:
            self.path_edit.setText(path)

    def options(self) -> ExportOptions:
        statuses = tuple(k for k, box in self.status_checks.items() if box.isChecked())
        labels = [self.label_list.item(i) for i in range(self.label_list.count())]
        chosen = tuple(i.text() for i in labels if i.checkState() == Qt.CheckState.Checked)
        split = None
        if self.split_check.isChecked():
            values = [round(s.value(), 4) for s in self.split_spins]
            split = tuple(values if values[2] > 0 else values[:2])
        return ExportOptions(
            annotator=self.annotator_box.currentData(),
            layer=self.layer_box.currentData(),
            include_suggestions=self.suggestions_check.isChecked(),
            status=statuses or ("done",),
            labels=() if len(chosen) == len(labels) else chosen,
            split=split,
            seed=self.seed_spin.value(),
        )

    # ---- running -----------------------------------------------------------------------------
    def is_running(self) -> bool:
        return self._thread is not None

    @Slot()
    def start(self) -> None:
        if self.is_running():
            return
        path_text = self.path_edit.text().strip()
        if not path_text:
            self._failed("choose where to save the export")
            return
        try:
            from annotator.services.export import parse_split

            opts = self.options()
            if opts.split:
                opts.split = parse_split(opts.split)
        except AnnotatorError as exc:
            self._failed(exc.message)
            return
        if not any(self.label_list.item(i).checkState() == Qt.CheckState.Checked for i in range(self.label_list.count())):
            self._failed("choose at least one label")
            return
        self.report = None
        self.error = None
        self.summary.clear()
        self.progress_bar.setRange(0, 0)
        self.status_label.setText("exporting…")
        self._set_running(True)
        self._cancel = _Cancel()
        self._thread = QThread(self)
        self._worker = ExportWorker(self.project, Path(path_text).expanduser(), self.fmt(), opts,
                                    self.force_check.isChecked(), self.tokenizer_factory, self._cancel)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progress.connect(self._progress)
        self._worker.finished.connect(self._finished)
        self._worker.failed.connect(self._failed)
        # Direct: QThread.quit is thread-safe, and a queued quit would wait for the GUI thread,
        # which may itself be waiting for this thread (wait(), closing the dialog).
        self._worker.finished.connect(self._thread.quit, Qt.ConnectionType.DirectConnection)
        self._worker.failed.connect(self._thread.quit, Qt.ConnectionType.DirectConnection)
        self._thread.finished.connect(self._cleanup)
        self._thread.start()

    @Slot()
    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
            self.status_label.setText("cancelling…")
            self.cancel_button.setEnabled(False)

    def _set_running(self, running: bool) -> None:
        self.export_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.close_button.setEnabled(not running)
        for w in (self.format_box, self.path_edit, self.browse_button, self.layer_box, self.annotator_box,
                  self.label_list, self.suggestions_check, self.split_check, self.force_check, *self.status_checks.values()):
            w.setEnabled(not running)

    @Slot(int, int, str)
    def _progress(self, done: int, total: int, message: str) -> None:
        if total <= 0:
            self.progress_bar.setRange(0, 0)
        else:
            self.progress_bar.setRange(0, total)
            self.progress_bar.setValue(done)
        self.status_label.setText(f"{message} {done}/{total}" if total else message)

    @Slot(object)
    def _finished(self, report: ExportReport) -> None:
        self.report = report
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(1)
        self.status_label.setText(f"Exported {report.articles} article(s).")
        self.summary.setPlainText(report.summary())
        self.exportFinished.emit(report)

    @Slot(str)
    def _failed(self, message: str) -> None:
        self.error = message
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.status_label.setText("The export did not finish; nothing was written." if self.is_running() else "")
        self.summary.setPlainText(message)
        self.exportFailed.emit(message)

    @Slot()
    def _cleanup(self) -> None:
        if self._worker is not None:
            self._worker.deleteLater()
        if self._thread is not None:
            self._thread.deleteLater()
        self._worker = None
        self._thread = None
        self._cancel = None
        self._set_running(False)
        self._split_toggled(self.split_check.isChecked())

    def wait(self, ms: int = 30000) -> bool:
        """Block until the worker thread ended (tests, closing)."""
        if self._thread is None:
            return True
        return self._thread.wait(ms)

    def reject(self) -> None:
        if self.is_running():
            self.cancel()
            if self._thread is not None:
                self._thread.wait(10000)
        super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt name
        if self.is_running():
            self.cancel()
            if self._thread is not None:
                self._thread.wait(10000)
        super().closeEvent(event)
