"""Screenshots for the documentation: ``python -m annotator.ui.screenshot [--out DIR]``.

Writes ``main-window.png`` (a seed article with entities and claims, the inspector on a claim),
``long-article.png`` (a 20,000-word article with a span every ten words), ``empty-project.png``
and ``error-dialog.png``; :func:`write_review_screenshots` adds ``review-mode.png`` (two
annotators' versions of the seeds mid-review) and ``agreement.png`` (View › Agreement). Runs
offscreen with private settings; suggestions for the seed articles come from the spaCy pipeline
(``--engine spacy``, the default) or from the pattern engine.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, QSettings, QStandardPaths
from PySide6.QtGui import QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from annotator.domain.model import Kind
from annotator.resources import seeds_dir
from annotator.services.annotate import AnnotationSession
from annotator.services.importing import import_paths
from annotator.services.preannotate import PreannotationEngine, preannotate
from annotator.store.db import open_project
from annotator.ui.app import create_app
from annotator.ui.demo import PatternEngine, synthetic_article
from annotator.ui.main_window import MainWindow
from annotator.ui.settings import AppSettings

SIZE = (1440, 900)


def _settle(app: QApplication) -> None:
    """Let queued and coalesced updates (list, status; ~40 ms timers) reach the screen."""
    QTest.qWait(150)
    app.processEvents()


def _window(settings: AppSettings, project_file: Path, annotator: str = "Ana") -> MainWindow:
    window = MainWindow(settings, engine_factory=None)
    window.load_project(open_project(project_file), annotator)
    window.resize(*SIZE)
    window.show()
    return window


def _save(window: QWidget, path: Path, overlay: QWidget | None = None) -> Path:
    app = QApplication.instance()
    _settle(app)
    pixmap = window.grab()
    if overlay is not None:
        over = overlay.grab()
        painter = QPainter(pixmap)
        at = QPoint((pixmap.width() - over.width()) // 2, (pixmap.height() - over.height()) // 3)
        painter.drawPixmap(at, over)
        painter.end()
    pixmap.save(str(path))
    return path


def _annotate_seed(window: MainWindow) -> None:
    """A few decisions so both suggestions and decided spans show, and a claim in the inspector."""
    bench = window.bench
    for _ in range(8):
        bench.accept()
    claim = next((i for i in bench.doc.items() if i.is_claim and i.source is not None), None)
    if claim is None:
        return
    bench.set_focus(claim.key)
    bench.set_stance("supports" if "supports" in bench.scheme.stance_labels else bench.scheme.stance_labels[0])
    bench.set_source_type("government/official" if "government/official" in bench.scheme.source_type_labels else None)
    window.view.set_focus_key(bench.focus)


def seed_engine(kind: str) -> PreannotationEngine:
    if kind == "pattern":
        return PatternEngine()
    from annotator.nlp.engine import Engine

    return Engine()


def write_screenshots(out: Path, engine: PreannotationEngine) -> list[Path]:
    """Build demo projects in a temporary folder and write the four PNGs into ``out``."""
    app = create_app()
    QStandardPaths.setTestModeEnabled(True)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        settings = AppSettings(QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat))

        seeded = tmp / "seeded.sqlite"
        with open_project(seeded) as project:
            import_paths(project, [seeds_dir()])
            preannotate(project, engine)
        window = _window(settings, seeded)
        _annotate_seed(window)
        written.append(_save(window, out / "main-window.png"))
        window.close()

        long_file = tmp / "long-article.txt"
        long_file.write_text(synthetic_article(20_000), encoding="utf-8")
        long_db = tmp / "long.sqlite"
        with open_project(long_db) as project:
            import_paths(project, [long_file])
            preannotate(project, PatternEngine())
        window = _window(settings, long_db)
        for _ in range(6):
            window.bench.accept()
        window.view.verticalScrollBar().setValue(window.view.verticalScrollBar().maximum() // 2)
        written.append(_save(window, out / "long-article.png"))
        window.close()

        window = _window(settings, tmp / "empty.sqlite")
        written.append(_save(window, out / "empty-project.png"))
        broken = tmp / "notes.sqlite"
        broken.write_text("not a database", encoding="utf-8")
        window.switch_project(broken)  # shows the error, keeps the current project open
        _settle(app)
        box = window.findChild(QMessageBox, "error_dialog")
        written.append(_save(window, out / "error-dialog.png", overlay=box))
        box.close()
        window.close()
    return written


# A deterministic "other annotator": relabels some entities, rejects others, judges claims differently.
_OTHER_LABEL = {"GPE": "LOC", "PERSON": "ORG", "ORG": "GPE", "NORP": "ORG", "LOC": "GPE"}


def label_as_two_annotators(project, article_ids: list[int], names: tuple[str, str] = ("ana", "ben")) -> None:
    """Two annotators label ``article_ids`` from the suggestions, agreeing on most spans and
    disagreeing on some labels, some spans and some claims' stance and source type."""
    a, b = (AnnotationSession(project, n) for n in names)
    stances = a.scheme.stance_labels
    types = a.scheme.source_type_labels
    for aid in article_ids:
        claims = 0
        for i, s in enumerate(a.suggestions(aid)):
            if s.kind == Kind.ENTITY.value:
                if i % 17 == 4:
                    a.reject(s.id)
                else:
                    a.accept(s.id)
                if i % 11 == 2:
                    b.accept(s.id, label=_OTHER_LABEL.get(s.label, "ORG"))
                elif i % 13 == 5:
                    b.reject(s.id)
                else:
                    b.accept(s.id)
                continue
            claims += 1
            st = stances[claims % 2]
            ty = types[2] if claims % 3 else types[0]
            a.accept(s.id, stance=st, source_type=ty)
            if claims % 3 == 1:
                b.accept(s.id, stance=stances[2], source_type=ty)
            elif claims % 4 == 2:
                b.accept(s.id, stance=st, source_type=types[1])
            else:
                b.accept(s.id, stance=st, source_type=ty)
        a.set_status(aid, "done")
        b.set_status(aid, "done")


def write_review_screenshots(out: Path, engine: PreannotationEngine) -> list[Path]:
    """``review-mode.png`` and ``agreement.png`` from the seeds labelled by two annotators."""
    from annotator.ui.agreement_view import AgreementView

    create_app()
    QStandardPaths.setTestModeEnabled(True)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        settings = AppSettings(QSettings(str(tmp / "settings.ini"), QSettings.Format.IniFormat))
        review_db = tmp / "review.sqlite"
        with open_project(review_db) as project:
            report = import_paths(project, [seeds_dir()])
            preannotate(project, engine)
            label_as_two_annotators(project, sorted(report.imported)[:3])
        window = _window(settings, review_db, annotator="rita")
        mode = window.review_mode
        mode.start()
        mode.accept_agreed()
        for _ in range(2):
            item = mode.current_item()
            if item is not None and not item.agreed:
                mode.accept_number(1)
        item = mode.current_item()
        if item is not None:
            mode.reject()
        claim = next((i for i in mode.data.items if i.kind == Kind.CLAIM.value and not i.agreed and i.state == "open"), None)
        if claim is not None:
            mode.select_item(claim.key)
        written.append(_save(window, out / "review-mode.png"))

        view = AgreementView(window.project, window)
        view.resize(*SIZE)
        view.show()
        for _ in range(600):
            if view.report is not None:
                break
            QTest.qWait(50)
        view.tabs.setCurrentIndex(1)  # stance: kappa, alpha and the confusion heatmaps
        written.append(_save(view, out / "agreement.png"))
        view.close()
        window.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"), help="folder for the PNG files")
    parser.add_argument("--engine", choices=("spacy", "pattern"), default="spacy", help="suggestions for the seeds")
    args = parser.parse_args(argv)
    engine = seed_engine(args.engine)
    for path in write_screenshots(args.out, engine) + write_review_screenshots(args.out, engine):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
