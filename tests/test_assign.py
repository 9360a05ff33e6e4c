"""Assigning articles to annotators: overlap, balance, even pairs, determinism, idempotence, queues."""

from __future__ import annotations

import itertools
import random

import pytest

from annotator.cli import main
from annotator.domain.errors import AnnotatorError
from annotator.services.annotate import AnnotationSession
from annotator.services.assign import _choose, assign, assignments, queue, queues
from annotator.store import open_project
from annotator.store import models as m
from tests.helpers import add_article


def add_articles(n: int, start: int = 0) -> list[m.Article]:
    return [add_article(f"Article number {i}: the minister said that talks go on.", title=f"a{i}") for i in range(start, start + n)]


def plan() -> dict[str, set[str]]:
    """content hash -> annotators."""
    out: dict[str, set[str]] = {}
    for h, name in (
        m.Assignment.select(m.Article.content_hash, m.Annotator.name).join(m.Article).switch(m.Assignment).join(m.Annotator).tuples()
    ):
        out.setdefault(h, set()).add(name)
    return out


def check_balance(p: dict[str, set[str]], names: list[str], overlap: int, pair_spread: int = 1) -> None:
    assert all(len(who) == overlap for who in p.values())
    loads = [sum(n in who for who in p.values()) for n in names]
    assert max(loads) - min(loads) <= 1
    pairs = [sum({a, b} <= who for who in p.values()) for a, b in itertools.combinations(names, 2)]
    assert max(pairs) - min(pairs) <= pair_spread
    assert min(pairs) >= 1


def test_every_article_gets_overlap_annotators_balanced(project):
    add_articles(30)
    names = ["a", "b", "c", "d"]
    rep = assign(project, "a,b,c,d", overlap=2, seed=7)
    assert rep.assigned == 30 and rep.already == 0
    p = plan()
    assert len(p) == 30
    check_balance(p, names, 2)
    assert rep.loads == {"a": 15, "b": 15, "c": 15, "d": 15}
    assert set(rep.pairs.values()) == {5}  # 30 * 2 / 6 pairs, exactly even here


@pytest.mark.parametrize("k, overlap, n", [(3, 2, 20), (5, 3, 41), (6, 2, 31), (4, 1, 9), (3, 3, 5)])
def test_balance_for_other_shapes(project, k, overlap, n):
    add_articles(n)
    names = [f"n{i}" for i in range(k)]
    assign(project, names, overlap=overlap, seed=1)
    p = plan()
    assert len(p) == n
    if overlap > 1:
        check_balance(p, names, overlap, pair_spread=2)
    else:
        loads = [sum(x in who for who in p.values()) for x in names]
        assert max(loads) - min(loads) <= 1


def test_pair_counts_stay_near_the_ideal_on_larger_plans():
    for k, r, n in [(8, 4, 101), (10, 2, 200), (7, 3, 70)]:
        names = [f"x{i}" for i in range(k)]
        loads = {x: 0 for x in names}
        pairs: dict = {}
        rng = random.Random(3)
        for _ in range(n):
            chosen = _choose(names, r, loads, pairs, rng)
            assert len(set(chosen)) == r
            for x in chosen:
                loads[x] += 1
            for pr in itertools.combinations(chosen, 2):
                pairs[frozenset(pr)] = pairs.get(frozenset(pr), 0) + 1
        ideal = n * r * (r - 1) / (k * (k - 1))
        counts = [pairs.get(frozenset(pr), 0) for pr in itertools.combinations(names, 2)]
        assert max(loads.values()) - min(loads.values()) <= 1
        assert min(counts) >= ideal - 2 and max(counts) <= ideal + 2


def test_deterministic_for_a_seed(tmp_path):
    plans = []
    for i, seed in enumerate((5, 5, 6)):
        p = open_project(tmp_path / f"p{i}.sqlite")
        add_articles(20)
        assign(p, ["ann", "ben", "cat"], overlap=2, seed=seed)
        plans.append(plan())
        p.close()
    assert plans[0] == plans[1]
    assert plans[0] != plans[2]


def test_rerun_is_idempotent_and_new_articles_continue_the_balance(project):
    add_articles(12)
    assign(project, "a,b,c", overlap=2, seed=3)
    rows = list(m.Assignment.select(m.Assignment.article, m.Assignment.annotator).tuples())
    rep = assign(project, "a,b,c", overlap=2, seed=3)
    assert (rep.assigned, rep.already) == (0, 12)
    assert list(m.Assignment.select(m.Assignment.article, m.Assignment.annotator).tuples()) == rows
    add_articles(6, start=100)
    rep = assign(project, "a,b,c", overlap=2, seed=3)
    assert (rep.assigned, rep.already) == (6, 12)
    check_balance(plan(), ["a", "b", "c"], 2)
    assert rep.loads == {"a": 12, "b": 12, "c": 12}


def test_replace_redoes_the_plan(project):
    add_articles(10)
    assign(project, "a,b,c,d", overlap=2, seed=1)
    first = plan()
    rep = assign(project, "a,b,c", overlap=3, seed=2, replace=True)
    assert rep.replaced == 20 and rep.assigned == 10
    p = plan()
    assert p != first and all(who == {"a", "b", "c"} for who in p.values())
    assert m.Assignment.select().count() == 30


@pytest.mark.parametrize(
    "names, overlap, words",
    [("", 1, "at least one annotator"), ("a,b", 3, "between 1 and the number of annotators (2)"),
     ("a,b", 0, "not 0"), ("a, b ,a", 2, "named twice")],
)
def test_bad_arguments(project, names, overlap, words):
    add_articles(2)
    with pytest.raises(AnnotatorError, match=words.replace("(", r"\(").replace(")", r"\)")):
        assign(project, names, overlap=overlap)
    assert m.Assignment.select().count() == 0


def test_queue_is_assigned_articles_not_done(project):
    arts = add_articles(6)
    assign(project, "a,b", overlap=1, seed=0)
    mine = assignments()["a"]
    assert len(mine) == 3
    ses = AnnotationSession(project, "a")
    ses.set_status(mine[0], "done")
    ses.set_status(mine[1], "in_progress")
    q = queue("a")
    assert [x.id for x in q] == mine[1:]
    assert [x.status for x in q] == ["in_progress", "new"]
    assert queue("nobody") == []
    assert {k: len(v) for k, v in queues().items()} == {"a": 2, "b": 3}
    assert {a.id for a in arts} == set(assignments()["a"]) | set(assignments()["b"])


def test_cli_assign(project, capsys):
    add_articles(8)
    path = str(project.path)
    project.close()
    assert main(["assign", "--annotators", "a,b,c,d", "--overlap", "2", "--seed", "4", "--db", path]) == 0
    out = capsys.readouterr().out
    assert "assigned 8 article(s)" in out and "a 4" in out
    assert main(["assign", "--annotators", "a,b,c,d", "--overlap", "2", "--seed", "4", "--db", path]) == 0
    assert "assigned 0 article(s)" in capsys.readouterr().out
    assert main(["assign", "--annotators", "a,b", "--overlap", "3", "--db", path]) == 2
    assert "--overlap must be between" in capsys.readouterr().err
