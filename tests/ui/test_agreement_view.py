"""View › Agreement shows the figures of annotator.services.agreement for the same project, the
confusion matrices as heatmaps, the most disagreeing articles first, and writes the HTML report."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtSvgWidgets import QSvgWidget
from test_review_mode import ana_work, ben_work

from annotator.services.agreement import compute_agreement
from annotator.services.annotate import AnnotationSession
from annotator.services.review import ReviewSession
from annotator.store import open_project
from annotator.ui.agreement_view import AgreementView


def f3(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def test_agreement_view_shows_the_service_figures_and_writes_the_report(open_window, qtbot, project_path: Path, tmp_path):
    with open_project(project_path) as project:
        ana_work(AnnotationSession(project, "ana"))
        ben_work(AnnotationSession(project, "ben"))
        rev = ReviewSession(project, "rita")
        rev.accept_agreed(1)
        claim = next(i for i in rev.view(1).items if i.kind == "claim")
        rev.accept(1, claim.key, "ana")
        rev.mark_reviewed(1)
    w = open_window("rita")
    expected = compute_agreement(w.project)
    assert expected.annotators == ["ana", "ben"] and expected.has_gold

    w.actions["agreement"].trigger()
    view = w.findChild(AgreementView, "agreement_view")
    assert view is not None
    qtbot.waitUntil(lambda: view.report is not None, timeout=20_000)
    qtbot.waitUntil(lambda: view.refresh_button.isEnabled())
    assert "ana, ben" in view.summary.text() and "with gold" in view.summary.text()

    # spans: all pairs, the pair, and each annotator against gold
    for table, fig in (("entity_spans", expected.entities), ("claim_spans", expected.claims)):
        pair = fig.pairs[0]
        assert view.cell(table, 0, 0) == "all pairs (micro)" and view.cell(table, 0, 6) == f3(fig.overall_exact.f1)
        assert view.cell(table, 1, 0) == "ana / ben"
        assert [view.cell(table, 1, c) for c in range(1, 10)] == [
            str(pair.articles), str(pair.exact.n_a), str(pair.exact.n_b), f3(pair.exact.precision), f3(pair.exact.recall),
            f3(pair.exact.f1), f3(pair.overlap.precision), f3(pair.overlap.recall), f3(pair.overlap.f1)]
        assert [view.cell(table, r, 0) for r in (2, 3)] == ["ana / gold", "ben / gold"]
        assert view.cell(table, 2, 6) == f3(fig.gold[0].exact.f1)
    # per label precision and recall
    labels = {(view.cell("label_spans", r, 1), view.cell("label_spans", r, 2)): r for r in range(view.tables["label_spans"].rowCount())}
    org = expected.entities.pairs[0].labels["ORG"]
    r = labels[("ORG", "ana / ben")]
    assert (view.cell("label_spans", r, 5), view.cell("label_spans", r, 6)) == (f3(org["exact"].precision), f3(org["exact"].recall))

    # stance and source type: kappa per pair, alpha, the confusion heatmaps
    k = expected.stance.pairs[0].kappa
    assert [view.cell("stance_kappa", 0, c) for c in (0, 1, 3, 4)] == ["ana / ben", "1", f3(k.value), f3(k.observed)]
    alpha = view.findChild(type(view.summary), "stance_alpha")
    assert f"alpha (nominal, all annotators): {f3(expected.stance.alpha.value)}" in alpha.text()
    assert view.cell("source_type_kappa", 0, 6) == expected.source_type.pairs[0].kappa.note
    maps = [m for m in view.findChildren(QSvgWidget, "heatmap")]
    assert any(m.matrix == expected.stance.confusion.matrix for m in maps)
    assert any(m.matrix == expected.stance.gold_confusion.matrix for m in maps)
    assert all(m.renderer().isValid() for m in maps)

    # claim sources, per article (most disagreement first), per annotator
    s = expected.sources[0]
    assert [view.cell("sources", 0, c) for c in range(5)] == ["ana / ben", str(s.matched), str(s.compared), str(s.agree),
                                                             "–" if s.share is None else f"{100 * s.share:.1f}%"]
    assert [int(view.cell("articles", r, 1)) for r in range(view.tables["articles"].rowCount())] == [a.id for a in expected.articles]
    assert view.cell("articles", 0, 4) == str(expected.articles[0].disagreements) == "4"
    per = {p.name: p for p in expected.per_annotator}
    for row in range(2):
        name = view.cell("annotators", row, 0)
        assert view.cell("annotators", row, 5) == f3(per[name].entity_f1)
        assert view.cell("annotators", row, 12) == f3(per[name].gold_entity_f1)

    # done articles only: recomputed with the service's done_only figures
    with qtbot.waitSignal(view.computed, timeout=20_000):
        view.done_only.setChecked(True)
    assert view.report.done_only and view.cell("entity_spans", 1, 6) == f3(compute_agreement(w.project, done_only=True).entities.pairs[0].exact.f1)

    # double-click on an article opens it in the window
    with qtbot.waitSignal(view.articleChosen) as chosen:
        view.tables["articles"].cellDoubleClicked.emit(0, 0)
    assert chosen.args == [expected.articles[0].id] and w.bench.article_id == expected.articles[0].id

    # the HTML report of the figures shown
    out = view.write_report_to(tmp_path / "agreement.html")
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html and "ana / ben" in html
    view.close()
