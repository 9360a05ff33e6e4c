"""DialogTask: a dialog's one background job; the outcome arrives after the thread has ended."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtWidgets import QDialog

from annotator.ui.workers import DialogTask


@pytest.mark.parametrize("fails", [False, True])
def test_outcome_follows_the_end_of_the_thread(qtbot, fails):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    job = DialogTask(None, dialog)
    gate = threading.Event()
    seen: list[tuple[str, object, bool]] = []
    job.ended.connect(lambda: seen.append(("ended", None, job.running())))

    def work() -> int:
        gate.wait(10)
        if fails:
            raise ValueError("the file is not a project")
        return 42

    job.start("Working", work, lambda r: seen.append(("done", r, job.running())), lambda m: seen.append(("failed", m, job.running())))
    assert job.running()
    with pytest.raises(RuntimeError):  # one job at a time
        job.start("Again", lambda: 0, print, print)
    gate.set()
    qtbot.waitUntil(lambda: len(seen) == 2, timeout=10_000)
    assert seen[0] == ("ended", None, False)
    kind, value, running = seen[1]
    assert not running
    if fails:
        assert kind == "failed" and "Working failed unexpectedly" in value and "the file is not a project" in value
    else:
        assert (kind, value) == ("done", 42)
    assert job.wait(10)
    job.start("Next", lambda: 7, lambda r: seen.append(("done", r, False)), print)  # usable again
    qtbot.waitUntil(lambda: len(seen) == 4, timeout=10_000)
    assert seen[3] == ("done", 7, False)
