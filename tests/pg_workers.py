"""Worker processes for the team-mode concurrency tests (started with multiprocessing "spawn",
so each is a fresh interpreter with its own connection, like an analyst's app)."""

from __future__ import annotations

import random
import time
import traceback

VERBS = ("accept", "reject", "update", "delete", "add", "undo", "redo", "status")
WEIGHTS = (25, 10, 15, 8, 17, 12, 5, 8)


def _one_action(ses, rng: random.Random, articles: list[int], i: int):
    """One random AnnotationSession action that applies in the current state, or None."""
    from annotator.domain.model import ArticleState

    aid = rng.choice(articles)
    verb = rng.choices(VERBS, WEIGHTS)[0]
    if verb in ("accept", "reject"):
        open_ = ses.open_suggestions(aid)
        if open_:
            s = rng.choice(open_)
            return ses.accept(s.id) if verb == "accept" else ses.reject(s.id)
        verb = "add"
    if verb in ("update", "delete"):
        mine = ses.annotations(aid)
        if mine:
            a = rng.choice(mine)
            return ses.update(a.id, note=f"{ses.annotator_name} #{i}") if verb == "update" else ses.delete(a.id)
        verb = "add"
    if verb == "undo" and ses.can_undo():
        return ses.undo()
    if verb == "redo" and ses.can_redo():
        return ses.redo()
    if verb == "status":
        state = rng.choice([ArticleState.IN_PROGRESS.value, ArticleState.DONE.value, ArticleState.SKIPPED.value])
        if ses.status(aid) != state:
            return ses.set_status(aid, state)
    text = ses.text(aid)
    start = rng.randrange(0, len(text) - 5)
    end = min(len(text), start + rng.randint(2, 12))
    return ses.add(aid, "entity", start, end, rng.choice(ses.scheme.entity_labels))


def annotate(url: str, name: str, seed: int, actions: int | None, barrier, out, stop=None, max_s: float = 120.0) -> None:
    """Open the team project at ``url`` as ``name`` and perform ``actions`` random actions (or,
    with ``actions=None``, until ``stop`` is set). Puts ``(name, committed action uids, final
    annotations of name, error)`` on ``out``: an action counts as committed when its call returned."""
    from annotator.services.annotate import AnnotationSession
    from annotator.store import models as m
    from annotator.store import open_project

    done: list[str] = []
    try:
        project = open_project(url, create=False)
        try:
            ses = AnnotationSession(project, name)
            articles = [a for (a,) in m.Article.select(m.Article.id).order_by(m.Article.id).tuples()]
            rng = random.Random(seed)
            barrier.wait(timeout=120)
            started = time.monotonic()
            i = 0
            while (actions is None or i < actions) and time.monotonic() - started < max_s:
                if stop is not None and stop.is_set():
                    break
                result = _one_action(ses, rng, articles, i)
                done.append(result.action_uid)
                i += 1
            final = sorted(
                (a.uid, a.article_id, a.label, a.status, a.start, a.end, a.note)
                for a in m.Annotation.select().where(m.Annotation.annotator == ses.annotator)
            )
        finally:
            project.close()
        out.put((name, done, final, None))
    except BaseException:  # noqa: BLE001 - reported to the test
        out.put((name, done, [], traceback.format_exc()))


def open_only(url: str, barrier, out) -> None:
    """Open ``url`` (creating the project when the database is empty) at the same moment as others."""
    try:
        from annotator.store import open_project

        barrier.wait(timeout=120)
        project = open_project(url)
        version = project.schema_version()
        project.close()
        out.put((version, None))
    except BaseException:  # noqa: BLE001
        out.put((None, traceback.format_exc()))
