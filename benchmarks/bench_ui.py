"""UI performance: ``python benchmarks/bench_ui.py [--quick]`` (offscreen; prints figures and ratios).

* show an article: 1k / 20k / 100k words with a span every ~10 words, from the call that opens it
  to the first painted frame (median of several openings);
* a label key to the committed row: key press on the 20k-word article (relabel a suggestion,
  database transaction included) until the row is in the database, p50 / p99;
* a 50,000-article project: open it (window shown, first rows painted) and scroll the list
  page by page (time per repaint, p50 / p99).

A ratio is figure / target; below 1.0 meets the target.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.services.importing import import_paths
from annotator.services.preannotate import preannotate
from annotator.store.db import open_project
from annotator.ui.app import create_app
from annotator.ui.demo import PatternEngine, synthetic_article
from annotator.ui.main_window import MainWindow
from annotator.ui.settings import AppSettings

TARGET_SHOW_20K_MS = 100.0
TARGET_LABEL_P99_MS = 10.0
TARGET_OPEN_50K_MS = 1000.0
TARGET_SCROLL_P99_MS = 16.7  # one frame at 60 Hz


def ms(seconds: float) -> float:
    return seconds * 1000.0


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def line(name: str, value: float, target: float | None = None, unit: str = "ms") -> None:
    ratio = f"  ratio {value / target:5.2f} (target {target:g} {unit})" if target else ""
    print(f"  {name:<44} {value:9.2f} {unit}{ratio}")


def settle(app: QApplication) -> None:
    for _ in range(3):
        app.processEvents()


def make_window(tmp: Path, project_file: Path) -> MainWindow:
    settings = AppSettings(QSettings(str(tmp / "bench-settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings, engine_factory=None)
    window.load_project(open_project(project_file), "bench")
    window.resize(1440, 900)
    window.show()
    return window


def long_articles_project(tmp: Path, sizes: tuple[int, ...]) -> Path:
    folder = tmp / "long"
    folder.mkdir()
    for n, words in enumerate(sizes):
        (folder / f"{n}_{words}.txt").write_text(synthetic_article(words, seed=n), encoding="utf-8")
    path = tmp / "long.sqlite"
    with open_project(path) as project:
        report = import_paths(project, [folder])
        preannotate(project, PatternEngine())
        assert len(report.imported) == len(sizes), report.problems
    return path


def bench_show(app: QApplication, window: MainWindow, sizes: tuple[int, ...], repeats: int) -> dict[int, float]:
    print("show an article (open -> first painted frame), median:")
    results = {}
    ids = window.article_list.model.ids()
    for aid, words in zip(ids, sizes):
        times = []
        for _ in range(repeats):
            other = ids[0] if aid != ids[0] else ids[-1]
            window.bench.open_article(other)
            settle(app)
            t0 = time.perf_counter()
            window.bench.open_article(aid)
            window.view.repaint()
            times.append(time.perf_counter() - t0)
        results[words] = ms(statistics.median(times))
        spans = window.bench.doc.span_count()
        line(f"{words:>7,} words, {spans:>6,} spans", results[words], TARGET_SHOW_20K_MS if words == 20_000 else None)
    return results


def bench_label(app: QApplication, window: MainWindow, project_file: Path, article_id: int, actions: int) -> list[float]:
    print(f"label key -> committed row (20k-word article, {actions} relabels of suggestions):")
    bench = window.bench
    bench.open_article(article_id)
    settle(app)
    window.view.setFocus()
    check = sqlite3.connect(project_file)
    times = []
    keys = [Qt.Key.Key_2, Qt.Key.Key_5, Qt.Key.Key_9]  # ORG, LOC, MISC: always a correction
    for n in range(actions):
        target = bench.focused()
        while target is not None and target.is_claim:  # label keys apply to entities
            bench.set_focus(bench.doc.neighbour(target.key, +1, open_only=True))
            target = bench.focused()
        assert target is not None and not target.decided, target
        t0 = time.perf_counter()
        QTest.keyClick(window.view, keys[n % len(keys)])
        times.append(time.perf_counter() - t0)
        if n % 20 == 0:
            settle(app)
            row = check.execute("SELECT status FROM annotation WHERE suggestion_id = ?", (target.suggestion_id,)).fetchone()
            assert row == ("corrected",), row
    check.close()
    values = [ms(t) for t in times]
    line("p50", pct(values, 0.50))
    line("p99", pct(values, 0.99), TARGET_LABEL_P99_MS)
    line("max", max(values))
    # the share of the service: the same correction through AnnotationSession alone
    session = bench.session
    floor = []
    for item in [i for i in bench.doc.items() if not i.decided and not i.is_claim][: max(20, actions // 3)]:
        t0 = time.perf_counter()
        session.accept(item.suggestion_id, label="ORG")
        floor.append(ms(time.perf_counter() - t0))
    line("service only (AnnotationSession.accept): p50", pct(floor, 0.50))
    line("service only (AnnotationSession.accept): p99", pct(floor, 0.99))
    return values


def big_project(tmp: Path, articles: int) -> Path:
    """A project of ``articles`` short articles with 5 suggestions each, written in bulk."""
    from annotator.store import models as m

    path = tmp / "big.sqlite"
    rnd = random.Random(3)
    outlets = ["TASS", "Press TV", "Reuters", "RT", "Al Jazeera", "BBC", "AP"]
    with open_project(path) as project, project.db.atomic():
            rows = []
            for i in range(articles):
                text = f"Article {i}. " + synthetic_article(120, seed=i % 500)
                rows.append(
                    {
                        "uid": f"a-{i:08d}",
                        "content_hash": f"{i:064x}",
                        "title": f"Story {i}: {rnd.choice(['talks', 'ceasefire', 'aid', 'summit'])} in {rnd.choice(['Geneva', 'Astana', 'Idlib'])}",
                        "outlet": rnd.choice(outlets),
                        "date": f"2017-{1 + i % 12:02d}-{1 + i % 28:02d}",
                        "char_count": len(text),
                        "word_count": len(text.split()),
                        "text": text,
                    }
                )
                if len(rows) == 500:
                    m.Article.insert_many(rows).execute()
                    rows = []
            if rows:
                m.Article.insert_many(rows).execute()
            sugg = []
            for aid in range(1, articles + 1):
                for k in range(5):
                    sugg.append(
                        {"article": aid, "kind": "entity", "start": 10 * k, "end": 10 * k + 5, "label": "GPE",
                         "model_name": "bench", "model_version": "1"}
                    )
                if len(sugg) >= 5000:
                    m.Suggestion.insert_many(sugg).execute()
                    sugg = []
            if sugg:
                m.Suggestion.insert_many(sugg).execute()
    return path


def bench_big(app: QApplication, tmp: Path, articles: int) -> tuple[float, list[float]]:
    print(f"{articles:,}-article project:")
    t_build = time.perf_counter()
    path = big_project(tmp, articles)
    print(f"  (built in {time.perf_counter() - t_build:.1f} s, {path.stat().st_size / 1e6:.0f} MB)")
    t0 = time.perf_counter()
    window = make_window(tmp, path)
    settle(app)
    window.article_list.table.repaint()
    opened = ms(time.perf_counter() - t0)
    line("open (window shown, list painted)", opened, TARGET_OPEN_50K_MS)
    table = window.article_list.table
    bar = table.verticalScrollBar()
    steps = []
    page = max(1, bar.pageStep())
    for value in range(0, min(bar.maximum(), page * 300), page):
        t = time.perf_counter()
        bar.setValue(value)
        table.repaint()
        steps.append(ms(time.perf_counter() - t))
        app.processEvents()  # the idle time between frames (the list prefetches then)
    jumps = []
    rnd = random.Random(5)
    for _ in range(50):
        t = time.perf_counter()
        bar.setValue(rnd.randrange(bar.maximum()))
        table.repaint()
        jumps.append(ms(time.perf_counter() - t))
        app.processEvents()
    line("scroll one page: p50", pct(steps, 0.5))
    line("scroll one page: p99", pct(steps, 0.99), TARGET_SCROLL_P99_MS)
    line("jump anywhere: p99", pct(jumps, 0.99), TARGET_SCROLL_P99_MS)
    t = time.perf_counter()
    window.article_list.model.sort(2)  # by outlet
    table.viewport().repaint()
    line("sort by outlet", ms(time.perf_counter() - t))
    window.close()
    return opened, steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and a 5,000-article project")
    args = parser.parse_args(argv)
    QStandardPaths.setTestModeEnabled(True)
    app = create_app()
    sizes = (1_000, 20_000, 100_000)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        project_file = long_articles_project(tmp, sizes)
        window = make_window(tmp, project_file)
        settle(app)
        shown = bench_show(app, window, sizes, repeats=3 if args.quick else 7)
        ids = window.article_list.model.ids()
        label = bench_label(app, window, project_file, ids[1], actions=60 if args.quick else 300)
        window.close()
        opened, steps = bench_big(app, tmp, 5_000 if args.quick else 50_000)
    print("summary (ratio < 1 meets the target):")
    print(f"  show 20k words   {shown[20_000] / TARGET_SHOW_20K_MS:5.2f}")
    print(f"  label p99        {pct(label, 0.99) / TARGET_LABEL_P99_MS:5.2f}")
    print(f"  open 50k project {opened / TARGET_OPEN_50K_MS:5.2f}")
    print(f"  scroll p99       {pct(steps, 0.99) / TARGET_SCROLL_P99_MS:5.2f}")
    big = "5k" if args.quick else "50k"
    for size in sorted(shown):
        target = f"< {TARGET_SHOW_20K_MS:.0f}" if size == 20_000 else ""
        print(f"RESULT\tshow a {size:,}-word article\t{shown[size]:.1f}\tms\t{target}")
    print(f"RESULT\tlabel key -> committed row, p50\t{pct(label, 0.5):.2f}\tms\t")
    print(f"RESULT\tlabel key -> committed row, p99\t{pct(label, 0.99):.2f}\tms\t< {TARGET_LABEL_P99_MS:.0f}")
    print(f"RESULT\topen a {big}-article project\t{opened:.0f}\tms\t< {TARGET_OPEN_50K_MS:.0f}")
    print(f"RESULT\tscroll the {big} list one page, p99\t{pct(steps, 0.99):.1f}\tms\t< {TARGET_SCROLL_P99_MS:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
