"""Agreement figures: the formulas against scikit-learn and the krippendorff package, span F1 and
matching, speaker agreement, the project-level report, the HTML report and the CLI."""

from __future__ import annotations

import itertools
import json
import math
import random
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.cli import main
from annotator.services.agreement import (
    Mark,
    PRF,
    cohen_kappa,
    compute_agreement,
    group_marks,
    krippendorff_alpha_nominal,
    match_overlapping,
    same_speaker,
)
from annotator.services.annotate import AnnotationSession
from annotator.services.report import render_html, write_report
from tests.helpers import add_article, span

sklearn_metrics = pytest.importorskip("sklearn.metrics")
krippendorff = pytest.importorskip("krippendorff")
np = pytest.importorskip("numpy")


def ref_kappa(a, b):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        v = sklearn_metrics.cohen_kappa_score(a, b)
    return None if math.isnan(v) else float(v)


def ref_alpha(data):
    """krippendorff.alpha on coders x units with None as missing; None where it is undefined."""
    labels = sorted({v for row in data for v in row if v is not None})
    code = {x: i for i, x in enumerate(labels)}
    arr = np.array([[np.nan if v is None else code[v] for v in row] for row in data], dtype=float)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            v = krippendorff.alpha(reliability_data=arr, level_of_measurement="nominal")
    except ValueError:
        return None
    return None if math.isnan(v) else float(v)


# ---- Cohen's kappa ------------------------------------------------------------------------------
def test_kappa_matches_sklearn_on_random_data():
    for seed in range(300):
        _kappa_case(seed)


def _kappa_case(seed):
    rng = random.Random(seed)
    n = rng.randint(1, 40)
    labels = ["supports", "disputes", "neutral", "unclear"][: rng.randint(1, 4)]
    a = [rng.choice(labels) for _ in range(n)]
    # correlated second rater, so values span the whole range
    b = [x if rng.random() < rng.random() else rng.choice(labels) for x in a]
    got = cohen_kappa(a, b)
    ref = ref_kappa(a, b)
    if ref is None:
        assert got.value is None and got.note, seed
    else:
        assert got.value == pytest.approx(ref, abs=1e-12), seed
    assert got.observed == pytest.approx(sum(x == y for x, y in zip(a, b)) / n)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.sampled_from("abcd")), min_size=1, max_size=30))
def test_kappa_matches_sklearn_hypothesis(pairs):
    a, b = [p[0] for p in pairs], [p[1] for p in pairs]
    ref = ref_kappa(a, b)
    got = cohen_kappa(a, b).value
    assert (got is None) == (ref is None)
    if ref is not None:
        assert got == pytest.approx(ref, abs=1e-12)


def test_kappa_degenerate_cases():
    k = cohen_kappa(["neutral"] * 5, ["neutral"] * 5)
    assert k.value is None and k.observed == 1.0 and "one and the same label" in k.note
    assert ref_kappa(["neutral"] * 5, ["neutral"] * 5) is None  # sklearn: NaN, undefined too
    assert cohen_kappa([], []).value is None and cohen_kappa([], []).n == 0
    assert cohen_kappa(["a", "b"], ["a", "b"]).value == 1.0
    assert cohen_kappa(["a", "a"], ["a", "b"]).value == pytest.approx(ref_kappa(["a", "a"], ["a", "b"]))  # 0.0
    with pytest.raises(ValueError):
        cohen_kappa(["a"], [])


# ---- Krippendorff's alpha -----------------------------------------------------------------------
def test_alpha_matches_krippendorff_on_random_data_with_missing_values():
    for seed in range(300):
        _alpha_case(seed)


def _alpha_case(seed):
    rng = random.Random(1000 + seed)
    coders, units = rng.randint(2, 5), rng.randint(1, 25)
    labels = ["person", "organisation", "media", "anonymous"][: rng.randint(1, 4)]
    p_missing = rng.choice([0.0, 0.2, 0.5])
    truth = [rng.choice(labels) for _ in range(units)]
    data = [
        [None if rng.random() < p_missing else (t if rng.random() < 0.7 else rng.choice(labels)) for t in truth]
        for _ in range(coders)
    ]
    got = krippendorff_alpha_nominal(data)
    ref = ref_alpha(data)
    if ref is None:
        assert got.value is None and got.note, seed
    else:
        assert got.value == pytest.approx(ref, abs=1e-9), seed


@settings(max_examples=150, deadline=None)
@given(
    st.integers(2, 4).flatmap(
        lambda c: st.lists(st.lists(st.one_of(st.none(), st.sampled_from("xyz")), min_size=c, max_size=c), min_size=1, max_size=15)
    )
)
def test_alpha_matches_krippendorff_hypothesis(units):
    data = [list(row) for row in zip(*units)]  # coders x units
    ref = ref_alpha(data)
    got = krippendorff_alpha_nominal(data).value
    assert (got is None) == (ref is None)
    if ref is not None:
        assert got == pytest.approx(ref, abs=1e-9)


def test_alpha_degenerate_cases():
    one_label = [["a", "a", None], ["a", "a", "a"]]
    res = krippendorff_alpha_nominal(one_label)
    assert res.value is None and "one label" in res.note and ref_alpha(one_label) is None
    unpaired = [["a", None], [None, "b"]]
    res = krippendorff_alpha_nominal(unpaired)
    assert res.value is None and res.units == 0 and ref_alpha(unpaired) is None
    perfect = [["a", "b", "c"], ["a", "b", "c"], ["a", None, "c"]]
    assert krippendorff_alpha_nominal(perfect).value == pytest.approx(1.0)
    assert krippendorff_alpha_nominal([]).value is None


# ---- spans, matching, speakers ------------------------------------------------------------------
def mk(start, end, label="PERSON", kind="entity", **kw):
    return Mark(kind, start, end, label, **kw)


def brute_max_matching(a, b, same_label=True):
    best = 0
    for k in range(min(len(a), len(b)), 0, -1):
        for left in itertools.combinations(range(len(a)), k):
            for right in itertools.permutations(range(len(b)), k):
                if all(a[i].overlaps(b[j]) and (not same_label or a[i].label == b[j].label) for i, j in zip(left, right)):
                    return k
    return best


def test_overlap_matching_is_one_to_one_and_maximum():
    for seed in range(300):
        _matching_case(seed)


def _matching_case(seed):
    rng = random.Random(seed)

    def spans(n):
        out = []
        for _ in range(n):
            s = rng.randint(0, 30)
            out.append(mk(s, s + rng.randint(1, 8), rng.choice(["PERSON", "ORG"])))
        return out

    a, b = spans(rng.randint(0, 5)), spans(rng.randint(0, 5))
    pairs = match_overlapping(a, b)
    assert len({i for i, _ in pairs}) == len(pairs) == len({j for _, j in pairs})
    assert all(a[i].overlaps(b[j]) and a[i].label == b[j].label for i, j in pairs)
    assert len(pairs) == brute_max_matching(a, b), seed


def test_overlap_matching_prefers_identical_spans():
    a = [mk(0, 10), mk(12, 20)]
    b = [mk(5, 15), mk(0, 10)]
    assert sorted(match_overlapping(a, b)) == [(0, 1), (1, 0)]


def test_prf():
    p = PRF(2, 4, 3)
    assert (p.precision, p.recall, p.f1) == (0.5, 2 / 3, 4 / 7)
    assert PRF().f1 is None


@pytest.mark.parametrize(
    "x, y, same",
    [
        ("Sergey Lavrov", "sergey lavrov", True),
        ("Lavrov", "Sergey Lavrov", True),
        ("Sergey Lavrov", "LAVROV", True),
        ("Sergey Lavrov", "Sergey", False),
        ("Lavrov", "Putin", False),
        ("Sergey Lavrov", "Sergey V. Lavrov", False),
        (None, "Lavrov", False),
        (None, None, True),
        ("  Lavrov. ", "Lavrov", True),
    ],
)
def test_same_speaker(x, y, same):
    assert same_speaker(x, y) is same
    assert same_speaker(y, x) is same


def test_grouping_merges_chains_and_shares_versions():
    marks = {
        "alice": [mk(0, 13, "ORG"), mk(20, 26, "GPE")],
        "bob": [mk(0, 4, "GPE"), mk(5, 13, "ORG"), mk(20, 26, "GPE")],
        "carol": [mk(20, 26, "GPE")],
    }
    groups = group_marks(marks)
    assert [(g.start, g.end) for g in groups] == [(0, 13), (20, 26)]
    first, second = groups
    assert not first.agreed(marks) and set(first.differences(marks)) >= {"missing", "count", "span"}
    assert second.agreed(marks) and second.versions[0].annotators == ("alice", "bob", "carol")
    assert not second.agreed(["alice"])  # one annotator never "agrees"


# ---- the project-level figures ------------------------------------------------------------------
TEXT = (
    "Sergey Lavrov said that Moscow is ready. The minister added that talks in Geneva would go on. "
    "Officials in Berlin said that sanctions remain."
)
TEXT2 = "Angela Merkel said that Berlin will help. Critics in Paris said that the plan fails."


@pytest.fixture
def labelled(project):
    """alice and bob label two articles; carol only opens the second; gold exists for the first."""
    a = add_article(TEXT, title="Talks <b>")
    b = add_article(TEXT2, title="Help")
    c = add_article("Nobody said anything here.", title="Untouched")
    alice, bob, carol = (AnnotationSession(project, n) for n in ("alice", "bob", "carol"))
    # entities on a: alice 4, bob 3; exact matches: Lavrov, Geneva(GPE); overlap adds Berlin (boundary)
    alice.add(a.id, "entity", *span(a, "Sergey Lavrov"), "PERSON")
    alice.add(a.id, "entity", *span(a, "Moscow"), "GPE")
    alice.add(a.id, "entity", *span(a, "Geneva"), "GPE")
    alice.add(a.id, "entity", *span(a, "Officials in Berlin"), "GPE")
    bob.add(a.id, "entity", *span(a, "Sergey Lavrov"), "PERSON")
    bob.add(a.id, "entity", *span(a, "Geneva"), "GPE")
    bob.add(a.id, "entity", *span(a, "Berlin"), "GPE")
    # claims on a: two matched by overlap, one exactly
    alice.add(a.id, "claim", *span(a, "Moscow is ready"), stance="neutral", source_type="government/official", source_name="Sergey Lavrov")
    bob.add(a.id, "claim", *span(a, "Moscow is ready"), stance="supports", source_type="government/official", source_name="Lavrov")
    alice.add(a.id, "claim", *span(a, "talks in Geneva would go on"), stance="neutral", source_type="person", source_name="the minister")
    bob.add(a.id, "claim", *span(a, "talks in Geneva"), stance="neutral", source_type="government/official", source_name="Sergey Lavrov")
    alice.add(a.id, "claim", *span(a, "sanctions remain"), stance="disputes", source_type="government/official", source_name="Officials")
    # article b: they agree completely
    for ses in (alice, bob):
        ses.add(b.id, "entity", *span(b, "Angela Merkel"), "PERSON")
        ses.add(b.id, "claim", *span(b, "Berlin will help"), stance="supports", source_type="person", source_name="Angela Merkel")
    alice.set_status(b.id, "done")
    carol.set_status(b.id, "in_progress")
    gold = AnnotationSession(project, "rita", layer="gold")
    gold.add(a.id, "entity", *span(a, "Sergey Lavrov"), "PERSON")
    gold.add(a.id, "entity", *span(a, "Berlin"), "GPE")
    gold.add(a.id, "claim", *span(a, "Moscow is ready"), stance="neutral", source_type="government/official", source_name="Sergey Lavrov")
    return project, a, b, c


def test_project_figures(labelled):
    project, a, b, c = labelled
    rep = compute_agreement(project)
    assert rep.annotators == ["alice", "bob", "carol"] and rep.has_gold
    (pair,) = [p for p in rep.entities.pairs if (p.a, p.b) == ("alice", "bob")]
    assert pair.articles == 2
    assert (pair.exact.tp, pair.exact.n_a, pair.exact.n_b) == (3, 5, 4)
    assert (pair.overlap.tp, pair.overlap.n_a, pair.overlap.n_b) == (4, 5, 4)
    assert pair.exact.f1 == pytest.approx(6 / 9) and pair.overlap.f1 == pytest.approx(8 / 9)
    assert pair.labels["GPE"]["exact"].precision == pytest.approx(1 / 3)
    assert pair.labels["GPE"]["overlap"].recall == pytest.approx(1.0)
    (claims,) = [p for p in rep.claims.pairs if (p.a, p.b) == ("alice", "bob")]
    assert (claims.exact.tp, claims.overlap.tp, claims.exact.n_a, claims.exact.n_b) == (2, 3, 4, 3)
    # carol touched only b and marked nothing: compared with each of them on b only
    (ac,) = [p for p in rep.entities.pairs if (p.a, p.b) == ("alice", "carol")]
    assert ac.articles == 1 and ac.exact.f1 == 0.0
    # stance kappa: the matched claims of alice/bob (neutral/supports, neutral/neutral, supports/supports)
    (st,) = [p for p in rep.stance.pairs if (p.a, p.b) == ("alice", "bob")]
    a_vals, b_vals = ["neutral", "neutral", "supports"], ["supports", "neutral", "supports"]
    assert st.kappa.n == 3 and st.kappa.value == pytest.approx(ref_kappa(a_vals, b_vals))
    assert st.confusion.labels == ["supports", "neutral"]
    assert st.confusion.matrix == [[1, 0], [1, 1]]
    assert rep.stance.alpha.value == pytest.approx(ref_alpha([a_vals, b_vals, [None, None, None]]))
    (ty,) = [p for p in rep.source_type.pairs if (p.a, p.b) == ("alice", "bob")]
    t_a, t_b = ["government/official", "person", "person"], ["government/official", "government/official", "person"]
    assert ty.kappa.value == pytest.approx(ref_kappa(t_a, t_b))
    # speakers: Sergey Lavrov ~ Lavrov, the minister != Sergey Lavrov, Angela Merkel = Angela Merkel
    (sp,) = [s for s in rep.sources if (s.a, s.b) == ("alice", "bob")]
    assert (sp.compared, sp.agree) == (3, 2)
    # per article: a has disagreements, b none; a first
    assert [x.id for x in rep.articles] == [a.id, b.id]
    assert rep.articles[0].disagreements > 0 and rep.articles[1].disagreements == 2  # carol marked nothing on b
    # against gold: only article a has a gold status
    (ga,) = [g for g in rep.entities.gold if g.a == "alice"]
    assert ga.articles == 1 and (ga.exact.tp, ga.exact.n_a, ga.exact.n_b) == (1, 4, 2)
    (gst,) = [g for g in rep.stance.gold if g.a == "bob"]
    assert gst.kappa.n == 1 and gst.kappa.value == ref_kappa(["supports"], ["neutral"]) == 0.0
    (gst,) = [g for g in rep.stance.gold if g.a == "alice"]
    assert gst.kappa.value is None and gst.kappa.observed == 1.0  # neutral = neutral only: undefined, as in sklearn
    per = {p.name: p for p in rep.per_annotator}
    assert per["alice"].articles == 2 and per["alice"].done == 1 and per["alice"].gold_articles == 1
    assert per["alice"].entities == 5 and per["alice"].claims == 4
    d = rep.as_dict()
    json.dumps(d)
    assert d["entities"]["pairs"][0]["exact"]["f1"] == pytest.approx(6 / 9)


def test_done_only_and_untouched_articles(labelled):
    project, a, b, c = labelled
    rep = compute_agreement(project, done_only=True)
    # only alice marked an article done: no pair remains
    assert rep.entities.pairs == [] and rep.articles == []
    AnnotationSession(project, "bob").set_status(b.id, "done")
    rep = compute_agreement(project, done_only=True)
    assert [(p.a, p.b, p.articles) for p in rep.entities.pairs] == [("alice", "bob", 1)]
    assert rep.entities.pairs[0].exact.f1 == 1.0
    assert rep.stance.pairs[0].kappa.value is None  # both said "supports" for the only claim


def test_rejected_suggestions_do_not_count(project):
    from tests.helpers import add_suggestion

    a = add_article("Lavrov met Blinken in Geneva.")
    s = add_suggestion(a, *span(a, "Geneva"), "GPE")
    AnnotationSession(project, "alice").reject(s.id)
    bob = AnnotationSession(project, "bob")
    bob.reject(s.id)
    rep = compute_agreement(project)
    assert rep.entities.pairs[0].exact.f1 is None  # no span on either side
    assert rep.articles[0].items == 0


def test_html_report_is_self_contained_and_escaped(labelled, tmp_path):
    project, a, b, c = labelled
    AnnotationSession(project, "<script>alert(1)</script>").set_status(a.id, "in_progress")
    rep = compute_agreement(project)
    page = render_html(rep)
    assert "<script" not in page.replace("&lt;script", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Talks &lt;b&gt;" in page and "Talks <b>" not in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page and "<link" not in page and "<img" not in page
    assert page.count("<svg") >= 3 and "<rect" in page
    assert "#440154" in page or "#fde725" in page  # viridis cells
    out = write_report(tmp_path / "report.html", rep)
    assert out.read_text(encoding="utf-8") .startswith("<!DOCTYPE html>")


def test_cli_agreement_json_and_report(labelled, tmp_path, capsys):
    project, *_ = labelled
    path = str(project.path)
    project.close()
    html_path = tmp_path / "r.html"
    assert main(["agreement", "--db", path, "--json", "--report", str(html_path)]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)  # exactly one JSON object on stdout
    assert data["annotators"] == ["alice", "bob", "carol"]
    assert html_path.exists() and "wrote" in captured.err
    assert main(["agreement", "--db", path]) == 0
    out = capsys.readouterr().out
    assert "entities: exact F1" in out and "Krippendorff" in out
