"""The screenshot script writes the four documentation PNGs (pattern engine: no model needed)."""

from __future__ import annotations

from PySide6.QtGui import QImage

from annotator.ui.demo import PatternEngine
from annotator.ui.screenshot import write_screenshots


def test_screenshot_script_writes_pngs(qapp, tmp_path):
    written = write_screenshots(tmp_path, PatternEngine())
    assert sorted(p.name for p in written) == ["empty-project.png", "error-dialog.png", "long-article.png", "main-window.png"]
    for path in written:
        image = QImage(str(path))
        assert (image.width(), image.height()) == (1440, 900), path
