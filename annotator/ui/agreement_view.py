"""View › Agreement: every inter-annotator agreement figure of the open project, and the report.

The figures are :func:`annotator.services.agreement.compute_agreement`'s, computed in a worker
thread and shown as they are (this module does no arithmetic of its own):

* **Spans**: entity and claim span precision / recall / F1, exact and overlapping, for all pairs
  together (micro), for each pair and for each annotator against gold; per label too;
* **Stance** and **Source type**: Krippendorff's alpha over all annotators, Cohen's kappa for every
  pair (and against gold), and the confusion matrices as heatmaps: the report's own SVG
  (:func:`annotator.services.report.heatmap`, viridis with the count in every cell) drawn by
  ``QSvgWidget``, so the window and the HTML report look the same;
* **Claim sources**: the share of matched claims whose speakers agree;
* **Per article** (the most disagreeing first; double-click opens the article) and **Per annotator**.

Undefined values show as "–" with the reason where the service gives one. "Write HTML report…"
writes :func:`annotator.services.report.write_report`'s self-contained file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QRectF, Qt, Signal
from PySide6.QtSvgWidgets import QSvgWidget
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.errors import AnnotatorError
from annotator.services.agreement import (
    AgreementReport,
    Confusion,
    KindFigures,
    LabelAgreement,
    LabelFigures,
    SpanAgreement,
    SpeakerAgreement,
    compute_agreement,
)
from annotator.services.report import heatmap, write_report
from annotator.store.db import Project
from annotator.ui.dialogs import show_error
from annotator.ui.workers import DialogTask

NA = "–"
SPAN_HEAD = ["pair", "articles", "spans A", "spans B", "exact P", "exact R", "exact F1", "overlap P", "overlap R", "overlap F1"]


def num(x: float | None, digits: int = 3) -> str:
    """A figure as shown: three decimals, "–" when undefined."""
    return NA if x is None else f"{x:.{digits}f}"


def pct(x: float | None) -> str:
    return NA if x is None else f"{100 * x:.1f}%"


def span_row(name: str, articles: int | str, p) -> list[str]:
    """One row of a span table from a pair's ``SpanAgreement`` (or the micro totals)."""
    exact, overlap = p
    return [name, str(articles), str(exact.n_a), str(exact.n_b), num(exact.precision), num(exact.recall), num(exact.f1),
            num(overlap.precision), num(overlap.recall), num(overlap.f1)]


def span_rows(k: KindFigures) -> list[list[str]]:
    rows = [span_row("all pairs (micro)", "", (k.overall_exact, k.overall_overlap))] if k.pairs else []
    rows += [span_row(f"{p.a} / {p.b}", p.articles, (p.exact, p.overlap)) for p in k.pairs]
    rows += [span_row(f"{p.a} / gold", p.articles, (p.exact, p.overlap)) for p in k.gold]
    return rows


def label_rows(kind: str, pairs: Sequence[SpanAgreement], vs: str = "") -> list[list[str]]:
    rows = []
    for p in pairs:
        for label, f in sorted(p.labels.items()):
            e, o = f["exact"], f["overlap"]
            rows.append([kind, label, f"{p.a} / {vs or p.b}", str(e.n_a), str(e.n_b), num(e.precision), num(e.recall),
                         num(e.f1), num(o.precision), num(o.recall), num(o.f1)])
    return rows


def kappa_rows(pairs: Sequence[LabelAgreement]) -> list[list[str]]:
    rows = []
    for p in pairs:
        k = p.kappa
        rows.append([f"{p.a} / {p.b}", str(p.matched), str(p.missing), num(k.value if k else None),
                     num(k.observed if k else None), num(k.expected if k else None), (k.note if k else "")])
    return rows


def speaker_rows(rows: Sequence[SpeakerAgreement]) -> list[list[str]]:
    return [[f"{s.a} / {s.b}", str(s.matched), str(s.compared), str(s.agree), pct(s.share)] for s in rows]


def _table(name: str, head: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> QTableWidget:
    """A read-only table; the first ``left`` columns are text, the others right-aligned numbers."""
    t = QTableWidget(len(rows), len(head))
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(list(head))
    t.verticalHeader().hide()
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setAlternatingRowColors(True)
    t.setWordWrap(False)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(value)
            if c >= left:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if value == NA:
                item.setToolTip("undefined: no spans or values to compare (see docs/review.md)")
            t.setItem(r, c, item)
    t.resizeColumnsToContents()
    for c in range(left, len(head)):  # numbers in columns of one width, easy to compare
        t.setColumnWidth(c, max(t.columnWidth(c), 72))
    # only a text column (the notes) takes the rest of the width; numbers stay next to their labels
    t.horizontalHeader().setStretchLastSection(head[-1] == "note")
    t.verticalHeader().setDefaultSectionSize(t.fontMetrics().height() + 8)
    height = t.horizontalHeader().height() + max(1, len(rows)) * t.verticalHeader().defaultSectionSize() + 6
    t.setMinimumHeight(min(height, 260))
    t.setMaximumHeight(height if len(rows) < 9 else 16_777_215)
    return t


def heatmap_widget(conf: Confusion, title: str, rows: str, cols: str) -> QWidget:
    """The report's SVG heatmap of a confusion matrix, or a note when there is nothing to show."""
    if not conf.labels:
        label = QLabel(f"{title}: no matched values.")
        label.setObjectName("heatmap_empty")
        return label
    widget = QSvgWidget()
    widget.setObjectName("heatmap")
    widget.load(QByteArray(heatmap(conf, title, rows, cols).encode("utf-8")))
    size = widget.renderer().defaultSize()
    # the footnote under the cells ("rows: …; columns: …") can be wider than the drawing: widen the
    # canvas to the right instead of clipping it
    extra = max(0, widget.fontMetrics().horizontalAdvance(f"rows: {rows}; columns: {cols}") - size.width() // 2)
    widget.renderer().setViewBox(QRectF(0, 0, size.width() + extra, size.height()))
    widget.setFixedSize(size.width() + extra, size.height())
    widget.setToolTip(f"{title}: rows {rows}, columns {cols}; the count in each cell")
    widget.matrix = conf.matrix  # (a Python attribute: a QVariant holding a list is freed without the GIL)
    return widget


class AgreementView(QDialog):
    """The agreement window (see the module docstring)."""

    computed = Signal(object)  # AgreementReport
    failed = Signal(str)
    articleChosen = Signal(int)

    def __init__(self, project: Project, parent: QWidget | None = None, autostart: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("agreement_view")
        self.setWindowTitle(f"Agreement — {project.path.name}")
        self.project = project
        self.report: AgreementReport | None = None
        self._job = DialogTask(project, self)
        self._job.ended.connect(self._update_buttons)
        self._figures_text = ""
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.summary = QLabel("Computing…", self)
        self.summary.setObjectName("agreement_summary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        top.addWidget(self.summary, 1)
        self.done_only = QCheckBox("Done articles only", self)
        self.done_only.setObjectName("agreement_done_only")
        self.done_only.setToolTip("Compare only articles the annotators marked done")
        self.done_only.toggled.connect(self.compute)
        top.addWidget(self.done_only)
        self.refresh_button = QPushButton("Re&fresh", self)
        self.refresh_button.setObjectName("agreement_refresh")
        self.refresh_button.clicked.connect(self.compute)
        top.addWidget(self.refresh_button)
        self.report_button = QPushButton("Write &HTML report…", self)
        self.report_button.setObjectName("agreement_report_button")
        self.report_button.setToolTip("One self-contained HTML file with every figure and the heatmaps")
        self.report_button.clicked.connect(self._write_report_dialog)
        top.addWidget(self.report_button)
        layout.addLayout(top)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("agreement_tabs")
        layout.addWidget(self.tabs, 1)
        self.note = QLabel(
            "Only decided annotations count; a pair is compared on the articles both touched. Exact: same start, end "
            "and label; overlapping: same label, overlapping spans matched one to one. P = share of the first "
            "annotator's spans found by the second, R = the reverse. “–” = undefined.",
            self,
        )
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.tables: dict[str, QTableWidget] = {}
        self.resize(1080, 760)
        self._update_buttons()
        if autostart:
            self.compute()

    # ---- computing ----------------------------------------------------------------------------
    def is_running(self) -> bool:
        return self._job.running()

    def compute(self) -> None:
        """(Re)compute the figures in a worker thread."""
        if self.is_running():
            return
        project, done_only = self.project, self.done_only.isChecked()
        self.summary.setText("Computing the agreement figures…")
        self._job.start("Computing agreement", lambda: compute_agreement(project, done_only), self.show_report, self._failed)
        self._update_buttons()

    def _failed(self, message: str) -> None:
        head = message.partition("\n\n")[0]
        self.summary.setText(head)
        self.failed.emit(head)

    def _update_buttons(self) -> None:
        running = self.is_running()
        self.refresh_button.setEnabled(not running)
        self.done_only.setEnabled(not running)
        self.report_button.setEnabled(not running and self.report is not None)

    def wait(self, ms: int = 30000) -> bool:
        return self._job.wait(ms)

    # ---- showing ------------------------------------------------------------------------------
    def show_report(self, report: AgreementReport) -> None:
        self.report = report
        who = ", ".join(report.annotators) or "none"
        scope = "done articles only" if report.done_only else "articles in progress or done"
        gold = "with gold" if report.has_gold else "no gold yet"
        pairs = len(report.entities.pairs)
        self.summary.setText(f"Annotators: {who} · {pairs} pair(s) compared · {scope} · {gold}")
        if not pairs:
            self.summary.setText(self.summary.text() + " — no article was labelled by two annotators yet")
        self._figures_text = self.summary.text()
        current = self.tabs.currentIndex()
        self.tables = {}
        while self.tabs.count():
            w = self.tabs.widget(0)
            self.tabs.removeTab(0)
            w.deleteLater()
        self.tabs.addTab(self._spans_tab(report), "Spans")
        self.tabs.addTab(self._label_tab(report.stance, "stance", "Stance"), "Stance")
        self.tabs.addTab(self._label_tab(report.source_type, "source_type", "Source type"), "Source type")
        self.tabs.addTab(self._sources_tab(report), "Claim sources")
        self.tabs.addTab(self._articles_tab(report), "Per article")
        self.tabs.addTab(self._annotators_tab(report), "Per annotator")
        self.tabs.setCurrentIndex(max(0, current))
        self._update_buttons()
        self.computed.emit(report)

    def _scroll(self, inner: QWidget) -> QScrollArea:
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(inner)
        return area

    def _add(self, layout: QVBoxLayout, title: str, table: QTableWidget) -> None:
        self.tables[table.objectName()] = table
        box = QGroupBox(title)
        inner = QVBoxLayout(box)
        inner.addWidget(table)
        layout.addWidget(box)

    def _spans_tab(self, r: AgreementReport) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self._add(layout, "Entities (span F1)", _table("entity_spans", SPAN_HEAD, span_rows(r.entities)))
        self._add(layout, "Claims (span F1)", _table("claim_spans", SPAN_HEAD, span_rows(r.claims)))
        rows = label_rows("entity", r.entities.pairs) + label_rows("claim", r.claims.pairs)
        rows += label_rows("entity", r.entities.gold, "gold") + label_rows("claim", r.claims.gold, "gold")
        head = ["kind", "label", "pair", "spans A", "spans B", "exact P", "exact R", "exact F1", "overlap P", "overlap R", "overlap F1"]
        self._add(layout, "Per label (precision and recall)", _table("label_spans", head, rows, left=3))
        layout.addStretch(1)
        return self._scroll(page)

    def _label_tab(self, f: LabelFigures, name: str, title: str) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        a = f.alpha
        alpha = QLabel(
            f"Krippendorff's alpha (nominal, all annotators): {num(a.value if a else None)}"
            + (f" · {a.units} claim(s) with values from two or more annotators, {a.values} value(s)" if a else "")
            + (f" · {a.note}" if a and a.note else "")
        )
        alpha.setObjectName(f"{name}_alpha")
        alpha.setWordWrap(True)
        layout.addWidget(alpha)
        head = ["pair", "matched claims", "missing value", "Cohen's κ", "observed", "expected", "note"]
        self._add(layout, f"Cohen's kappa per pair ({title.lower()})", _table(f"{name}_kappa", head, kappa_rows(f.pairs)))
        if f.gold:
            self._add(layout, "Against gold", _table(f"{name}_kappa_gold", ["annotator / gold"] + head[1:], kappa_rows(f.gold)))
        maps = QWidget()
        row = QHBoxLayout(maps)
        top = Qt.AlignmentFlag.AlignTop
        row.addWidget(heatmap_widget(f.confusion, f"{title}: all pairs", "one annotator", "the other"), 0, top)
        if f.gold:
            row.addWidget(heatmap_widget(f.gold_confusion, f"{title}: annotators vs gold", "annotators", "gold"), 0, top)
        for p in f.pairs:
            row.addWidget(heatmap_widget(p.confusion, f"{p.a} / {p.b}", p.a, p.b), 0, top)
        row.addStretch(1)
        maps_area = QScrollArea()
        maps_area.setObjectName(f"{name}_heatmaps")
        maps_area.setWidget(maps)
        maps_area.setWidgetResizable(True)
        maps_area.setMinimumHeight(maps.sizeHint().height() + 24)
        box = QGroupBox("Confusion (which values are confused; counts of matched claims)")
        inner = QVBoxLayout(box)
        inner.addWidget(maps_area)
        layout.addWidget(box)
        layout.addStretch(1)
        return self._scroll(page)

    def _sources_tab(self, r: AgreementReport) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        head = ["pair", "matched claims", "compared", "agree", "share"]
        self._add(layout, "Speakers of matched claims", _table("sources", head, speaker_rows(r.sources)))
        if r.sources_gold:
            self._add(layout, "Against gold", _table("sources_gold", ["annotator / gold"] + head[1:], speaker_rows(r.sources_gold)))
        layout.addStretch(1)
        return self._scroll(page)

    def _articles_tab(self, r: AgreementReport) -> QWidget:
        head = ["article", "id", "annotators", "items", "disagreements", "agreed", "entity F1", "entity F1 (overlap)",
                "claim F1", "stance", "source type", "speakers"]
        rows = [
            [a.title or f"article {a.id}", str(a.id), ", ".join(a.annotators), str(a.items), str(a.disagreements),
             pct(a.agreement), num(a.entity_f1), num(a.entity_f1_overlap), num(a.claim_f1), pct(a.stance_agreement),
             pct(a.source_type_agreement), pct(a.speaker_agreement)]
            for a in r.articles
        ]
        table = _table("articles", head, rows, left=3)
        table.setMaximumHeight(16_777_215)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        table.horizontalHeader().setStretchLastSection(False)
        table.setToolTip("The most disagreeing articles first; double-click opens the article")
        table.cellDoubleClicked.connect(lambda row, _col: self.articleChosen.emit(r.articles[row].id))
        self.tables["articles"] = table
        return table

    def _annotators_tab(self, r: AgreementReport) -> QWidget:
        head = ["annotator", "articles", "done", "entities", "claims", "entity F1", "entity F1 (overlap)", "claim F1",
                "stance κ", "source type κ", "speakers", "gold articles", "gold entity F1", "gold entity P",
                "gold entity R", "gold claim F1", "gold stance κ", "gold source type κ"]
        rows = [
            [p.name, str(p.articles), str(p.done), str(p.entities), str(p.claims), num(p.entity_f1),
             num(p.entity_f1_overlap), num(p.claim_f1), num(p.stance_kappa), num(p.source_type_kappa),
             pct(p.speaker_agreement), str(p.gold_articles), num(p.gold_entity_f1), num(p.gold_entity_precision),
             num(p.gold_entity_recall), num(p.gold_claim_f1), num(p.gold_stance_kappa), num(p.gold_source_type_kappa)]
            for p in r.per_annotator
        ]
        table = _table("annotators", head, rows)
        table.setMaximumHeight(16_777_215)
        self.tables["annotators"] = table
        return table

    # ---- the report ---------------------------------------------------------------------------
    def cell(self, table: str, row: int, column: int) -> str:
        """The text of one cell (for tests and accessibility tools)."""
        item = self.tables[table].item(row, column)
        return item.text() if item is not None else ""

    def _write_report_dialog(self) -> None:
        if self.report is None:
            return
        where = self.project.path
        folder = where.parent if isinstance(where, Path) else Path.home()  # a server project has a URL
        start = str(folder / f"{where.stem}-agreement.html")
        path, _ = QFileDialog.getSaveFileName(self, "Write the agreement report", start, "HTML (*.html)")
        if path:
            self.write_report_to(path)

    def write_report_to(self, path: str | Path) -> Path | None:
        """Write the HTML report of the figures shown; errors become a dialog."""
        if self.report is None:
            return None
        try:
            written = write_report(path, self.report)
        except AnnotatorError as exc:
            show_error(self, exc.message)
            return None
        self.summary.setText(f"{self._figures_text} · report written to {written}")
        return written

    def done(self, result: int) -> None:
        self.wait()
        super().done(result)

    def closeEvent(self, event) -> None:
        self.wait()
        super().closeEvent(event)
