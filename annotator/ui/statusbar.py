"""The status bar: who is annotating, progress (done / total), the saved marker and background work."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton, QWidget

from annotator.services.articles import Progress


class StatusPanel:
    """Permanent widgets of the main window's status bar."""

    def __init__(self, bar: QStatusBar, cancel_action) -> None:
        self.bar = bar
        self.annotator = QLabel(bar)
        self.annotator.setObjectName("status_annotator")
        self.progress_text = QLabel(bar)
        self.progress_text.setObjectName("status_progress")
        self.progress = QProgressBar(bar)
        self.progress.setObjectName("status_progress_bar")
        self.progress.setMaximumWidth(120)
        self.progress.setMaximumHeight(12)
        self.progress.setTextVisible(False)
        self.saved = QLabel("All changes saved", bar)
        self.saved.setObjectName("status_saved")
        self.model = QLabel(bar)
        self.model.setObjectName("status_model")
        self.task = QLabel(bar)
        self.task.setObjectName("status_task")
        self.task_bar = QProgressBar(bar)
        self.task_bar.setObjectName("status_task_bar")
        self.task_bar.setMaximumWidth(120)
        self.task_bar.setMaximumHeight(12)
        self.cancel = QToolButton(bar)
        self.cancel.setDefaultAction(cancel_action)
        self.cancel.setText("Cancel")
        widgets: list[QWidget] = [self.task, self.task_bar, self.cancel, self.model, self.saved, self.progress_text, self.progress, self.annotator]
        for w in widgets:
            bar.addPermanentWidget(w)
        self.task_done()

    def set_annotator(self, name: str) -> None:
        self.annotator.setText(f"Annotator: {name}")

    def set_progress(self, p: Progress) -> None:
        closed = p.done + p.skipped
        self.progress_text.setText(f"{p.done} / {p.total} done" + (f", {p.skipped} skipped" if p.skipped else ""))
        self.progress.setRange(0, max(1, p.total))
        self.progress.setValue(closed)
        self.progress.setToolTip(f"{closed} of {p.total} articles done or skipped")

    def mark_saved(self, description: str) -> None:
        self.saved.setText(f"✓ Saved {time.strftime('%H:%M:%S')}")
        self.saved.setToolTip(f"Last change written to the project: {description}")

    def set_model(self, text: str) -> None:
        self.model.setText(text)

    def task_started(self, title: str) -> None:
        for w in (self.task, self.task_bar, self.cancel):
            w.setVisible(True)
        self.task.setText(title + "…")
        self.task_bar.setRange(0, 0)

    def task_progress(self, done: int, total: int, message: str) -> None:
        self.task_bar.setRange(0, max(1, total))
        self.task_bar.setValue(done)
        self.task_bar.setToolTip(message)

    def task_done(self) -> None:
        for w in (self.task, self.task_bar, self.cancel):
            w.setVisible(False)
