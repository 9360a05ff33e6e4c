"""Merging analysts' project files into one review project.

Each analyst labels in a project file of their own; ``merge_files(project, paths)`` brings the
annotations of those files (annotator names, timestamps, article statuses and the change log)
into the open review project.

Rules
-----
* **All or nothing.** Every file is opened read-only and checked (:mod:`annotator.store.merge_source`),
  then read completely and checked for consistency (references, offsets, the article texts against
  their content hashes) before anything is written; all files are then written in ONE
  transaction. A refused file (not a project, newer or older schema, corrupt, truncated,
  inconsistent, the review project itself) raises :class:`ProjectError` and changes nothing.
* **Articles** are matched by ``content_hash``. An article the review project lacks is added with
  its text, metadata, pre-annotation record and all its suggestions. Suggestions are matched by
  ``(content hash, kind, start, end, label)``; a decision pointing at a suggestion the review
  project lacks gets a copy of it, so decisions keep a suggestion to point at.
* **Ownership.** Rows are merged per annotator and layer: annotator X's rows in the file are only
  compared with X's rows (same name, same layer) in the review project. Nobody else's rows are
  ever touched. A uid of the file that names a row of another annotator in the review project
  refuses the file.
* **Newer wins, by the change log.** Every annotation and article status has a uid, and every
  change to it is a ``change`` row with a uid. For each row uid, the set of changes each side
  has seen decides: if the review project has seen nothing the file has not, the file's state
  is taken (insert, update or delete); if the file has seen nothing the review project has not
  (an older copy), the review project's state is kept; when both sides have changes the other
  lacks, the side with the latest change wins. Actions and changes the review project lacks are
  copied (their JSON snapshots rewritten to the review project's ids, so undo keeps working).
  An article status that exists on both sides under different uids (the same annotator labelled
  the article in two files) takes the newer ``updated_at``.
* **Idempotent.** Merging the same file again finds every uid and every state equal and writes
  nothing (not even the ``merge`` action that records each merge that changed something).
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from annotator.domain.errors import Msg, ProjectError
from annotator.domain.model import Kind, Layer, Status
from annotator.domain.text import content_hash
from annotator.store import models as m
from annotator.store.db import Project, dumps
from annotator.store.merge_source import MergeSource, open_source, same_file
from annotator.store.server import is_server_url, redact, same_database


_LAYERS = {Layer.WORK.value, Layer.GOLD.value}
_KINDS = {Kind.ENTITY.value, Kind.CLAIM.value}
_STATUSES = {s.value for s in Status}
_TARGETS = {"annotation": m.Annotation, "article_status": m.ArticleStatus}
_NO_SUGGESTION = object()  # marks a suggestion to copy when (and only when) its decision is written


# ---- report ------------------------------------------------------------------------------------
@dataclass
class AnnotatorMerge:
    """What one file changed for one annotator (and layer) in the review project."""

    annotator: str
    layer: str = Layer.WORK.value
    annotations_new: int = 0
    annotations_updated: int = 0
    annotations_removed: int = 0
    statuses: int = 0  # article statuses inserted or changed
    actions: int = 0  # change-log actions copied
    kept: int = 0  # rows where the review project's version was newer and was kept

    @property
    def changed(self) -> bool:
        return bool(self.annotations_new or self.annotations_updated or self.annotations_removed or self.statuses or self.actions)


@dataclass
class FileMerge:
    path: str
    articles_added: int = 0
    articles_matched: int = 0
    suggestions_added: int = 0
    annotators: list[AnnotatorMerge] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.articles_added or self.suggestions_added or any(a.changed for a in self.annotators))

    def summary(self) -> str:
        head = (
            f"{self.path}: {self.articles_added} article(s) added, {self.articles_matched} matched, "
            f"{self.suggestions_added} suggestion(s) added"
        )
        lines = [head]
        for a in self.annotators:
            who = a.annotator if a.layer == Layer.WORK.value else f"{a.annotator} ({a.layer})"
            lines.append(
                f"  {who}: {a.annotations_new} new, {a.annotations_updated} updated, {a.annotations_removed} removed "
                f"annotation(s); {a.statuses} article status(es); {a.actions} logged action(s)"
                + (f"; kept {a.kept} newer row(s) of the review project" if a.kept else "")
            )
        if not self.changed:
            lines.append("  nothing new (already merged)")
        return "\n".join(lines)


@dataclass
class MergeReport:
    files: list[FileMerge] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(f.changed for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        return {"files": [asdict(f) for f in self.files], "changed": self.changed}

    def summary(self) -> str:
        return "\n".join(f.summary() for f in self.files)


# ---- reading and checking a file ---------------------------------------------------------------
@dataclass
class _Loaded:
    """Everything needed from one source file, read and checked before any write."""

    path: Path
    annotators: dict[int, str]
    articles: dict[int, dict[str, Any]]
    texts: dict[int, str]  # only for articles the review project lacked when the merge started
    tokens: dict[int, dict[str, Any]]  # their stored token boundaries, where the source has them
    preannotations: dict[int, dict[str, Any]]
    suggestions: dict[int, dict[str, Any]]
    annotations: list[dict[str, Any]]
    statuses: list[dict[str, Any]]
    actions: list[dict[str, Any]]
    changes: list[dict[str, Any]]


def _bad(path: Path, detail: str) -> ProjectError:
    return ProjectError(Msg.R007.format(path=path, detail=detail))


def _load(src: MergeSource, known_hashes: set[str]) -> _Loaded:
    path = src.path
    annotators = {r["id"]: r["name"] for r in src.annotators()}
    articles = {r["id"]: r for r in src.articles()}
    lengths = {i: r["text_length"] or 0 for i, r in articles.items()}
    missing = [i for i, r in articles.items() if r["content_hash"] not in known_hashes]
    texts = src.texts(missing)
    tokens = src.tokens(missing)
    for i in missing:
        text = texts.get(i)
        if not isinstance(text, str) or content_hash(text) != articles[i]["content_hash"]:
            raise _bad(path, f"the text of article {articles[i]['uid']} does not match its content hash")
    preann = {}
    for r in src.preannotations():
        if r["article_id"] not in articles:
            raise _bad(path, f"pre-annotation {r['id']} names a missing article")
        preann[r["article_id"]] = r
    suggestions = {}
    for r in src.suggestions():
        if r["article_id"] not in articles:
            raise _bad(path, f"suggestion {r['id']} names a missing article")
        suggestions[r["id"]] = r

    def check_span(what: str, r: dict[str, Any]) -> None:
        n = lengths[r["article_id"]]
        for a, b in (("start", "end"), ("source_start", "source_end"), ("cue_start", "cue_end")):
            s, e = r.get(a), r.get(b)
            if s is None and e is None and a != "start":
                continue
            if not (isinstance(s, int) and isinstance(e, int) and 0 <= s < e <= n):
                raise _bad(path, f"{what} has {a}/{b} {s}-{e} outside its article (length {n})")

    annotations = list(src.annotations())
    for r in annotations:
        what = f"annotation {r['uid']}"
        if not r["uid"]:
            raise _bad(path, f"annotation {r['id']} has no uid")
        if r["article_id"] not in articles or r["annotator_id"] not in annotators:
            raise _bad(path, f"{what} names a missing article or annotator")
        if r["suggestion_id"] is not None and r["suggestion_id"] not in suggestions:
            raise _bad(path, f"{what} names a missing suggestion")
        if r["layer"] not in _LAYERS or r["kind"] not in _KINDS or r["status"] not in _STATUSES:
            raise _bad(path, f"{what} has layer {r['layer']!r}, kind {r['kind']!r}, status {r['status']!r}")
        check_span(what, r)
    statuses = list(src.statuses())
    for r in statuses:
        if not r["uid"] or r["article_id"] not in articles or r["annotator_id"] not in annotators or r["layer"] not in _LAYERS:
            raise _bad(path, f"article status {r['id']} has no uid, a bad layer or a missing article or annotator")
    actions = list(src.actions())
    action_ids = set()
    for r in actions:
        if not r["uid"] or r["annotator_id"] not in annotators or r["layer"] not in _LAYERS:
            raise _bad(path, f"action {r['id']} has no uid, a bad layer or a missing annotator")
        if r["article_id"] is not None and r["article_id"] not in articles:
            raise _bad(path, f"action {r['uid']} names a missing article")
        action_ids.add(r["id"])
    changes = list(src.changes())
    for r in changes:
        if not r["uid"] or r["action_id"] not in action_ids or r["target"] not in _TARGETS:
            raise _bad(path, f"change {r['id']} has no uid, a missing action or an unknown target {r['target']!r}")
        for side in ("before", "after"):
            if r[side] is not None:
                try:
                    snap = json.loads(r[side])
                except ValueError as exc:
                    raise _bad(path, f"change {r['uid']}: the {side} snapshot is not JSON ({exc})") from exc
                if not isinstance(snap, dict):
                    raise _bad(path, f"change {r['uid']}: the {side} snapshot is not an object")
                r[side + "_obj"] = snap
            else:
                r[side + "_obj"] = None
    return _Loaded(path, annotators, articles, texts, tokens, preann, suggestions, annotations, statuses, actions, changes)


# ---- writing -----------------------------------------------------------------------------------
def _fields(model: type[m.BaseModel]) -> dict[str, str]:
    """column name -> field name (``article_id`` -> ``article``)."""
    return {f.column_name: f.name for f in model._meta.sorted_fields}


def _chunks(seq: Sequence[Any], n: int = 500) -> Iterable[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


def _existing(model: type[m.BaseModel], column, values: Iterable[Any]) -> dict[Any, m.BaseModel]:
    values = list(set(values))
    out: dict[Any, m.BaseModel] = {}
    for chunk in _chunks(values):
        for row in model.select().where(column.in_(list(chunk))):
            out[getattr(row, column.name)] = row
    return out


def _row_dict(row: m.BaseModel, fields: Iterable[str]) -> dict[str, Any]:
    return {f: getattr(row, f + "_id") if f in ("article", "annotator", "suggestion", "action") else getattr(row, f) for f in fields}


def _winner(src: dict[str, str], tgt: dict[str, str], src_time: str, tgt_time: str, src_present: bool) -> str:
    """'source' or 'target': whose state of one row wins. ``src``/``tgt``: change uid -> time."""
    s, t = set(src), set(tgt)
    if s == t:
        if not src_present:
            return "target"  # no evidence the row was deleted
        return "source" if (src_time or "") > (tgt_time or "") else "target"
    if t <= s:
        return "source"
    if s <= t:
        return "target"
    s_last = max(src[u] or "" for u in s - t)
    t_last = max(tgt[u] or "" for u in t - s)
    return "source" if s_last >= t_last else "target"


class _Merger:
    def __init__(self, project: Project, data: _Loaded) -> None:
        self.project = project
        self.d = data
        self.report = FileMerge(str(data.path))
        self.art: dict[int, int] = {}  # source article id -> review article id
        self.sug: dict[int, int | None] = {}  # source suggestion id -> review suggestion id
        self.who: dict[int, int] = {}  # source annotator id -> review annotator id
        self._sug_keys: dict[int, dict[tuple, int]] = {}  # review article id -> key -> suggestion id

    # -- articles and suggestions --
    def articles(self) -> None:
        d = self.d
        by_hash = {r["content_hash"]: r["id"] for r in d.articles.values()}
        existing: dict[str, int] = {}
        for chunk in _chunks(list(by_hash)):
            existing.update(
                m.Article.select(m.Article.content_hash, m.Article.id).where(m.Article.content_hash.in_(list(chunk))).tuples()
            )
        cols = _fields(m.Article)
        by_article: dict[int, list[dict[str, Any]]] = {}
        for s in d.suggestions.values():
            by_article.setdefault(s["article_id"], []).append(s)
        for sid, r in d.articles.items():
            h = r["content_hash"]
            if h in existing:
                self.art[sid] = existing[h]
                self.report.articles_matched += 1
                continue
            text = d.texts.get(sid)
            if text is None:  # the review project had it when the files were read, not any more
                raise _bad(d.path, f"article {r['uid']} changed in the review project during the merge")
            values = {cols[c]: v for c, v in r.items() if c in cols and c != "id"}
            values["text"] = text
            if m.Article.select().where(m.Article.uid == values["uid"]).exists():
                values["uid"] = "a-" + h[:32]
            new_id = m.Article.insert(**values).execute()
            self.art[sid] = new_id
            self.report.articles_added += 1
            pre = d.preannotations.get(sid)
            if pre is not None:
                pcols = _fields(m.Preannotation)
                pv = {pcols[c]: v for c, v in pre.items() if c in pcols and c != "id"}
                pv["article"] = new_id
                m.Preannotation.insert(**pv).on_conflict_ignore().execute()
            tok = d.tokens.get(sid)
            if tok is not None and tok["text_hash"] == h:
                m.ArticleTokens.insert(article=new_id, tokenizer=tok["tokenizer"], text_hash=h,
                                       data=tok["data"], prodigy=tok["prodigy"]).on_conflict_ignore().execute()
            scols = _fields(m.Suggestion)
            for s in by_article.get(sid, ()):
                sv = {scols[c]: v for c, v in s.items() if c in scols and c != "id"}
                sv["article"] = new_id
                self.sug[s["id"]] = m.Suggestion.insert(**sv).execute()

    def suggestion(self, source_id: int | None, create: bool) -> int | None:
        if source_id is None:
            return None
        if source_id in self.sug:
            return self.sug[source_id]
        s = self.d.suggestions.get(source_id)
        if s is None:
            return None
        article = self.art[s["article_id"]]
        keys = self._sug_keys.get(article)
        if keys is None:
            keys = {}
            for row in m.Suggestion.select().where(m.Suggestion.article == article).order_by(m.Suggestion.id.desc()):
                keys[(row.kind, row.start, row.end, row.label)] = row.id
            self._sug_keys[article] = keys
        key = (s["kind"], s["start"], s["end"], s["label"])
        found = keys.get(key)
        if found is None and create:
            scols = _fields(m.Suggestion)
            sv = {scols[c]: v for c, v in s.items() if c in scols and c != "id"}
            sv["article"] = article
            found = keys[key] = m.Suggestion.insert(**sv).execute()
            self.report.suggestions_added += 1
        if found is not None or create:
            self.sug[source_id] = found
        return found

    def annotator(self, source_id: int) -> int:
        if source_id not in self.who:
            name = self.d.annotators[source_id]
            row = m.Annotator.get_or_none(m.Annotator.name == name)
            if row is None:
                row = m.Annotator.create(name=name)
            self.who[source_id] = row.id
        return self.who[source_id]

    # -- rows --
    def _mapped(self, model: type[m.BaseModel], r: dict[str, Any]) -> dict[str, Any]:
        """The source row in the review project's terms. A suggestion the review project lacks is
        :data:`_NO_SUGGESTION` until the row is written (so a row that is not written adds nothing)."""
        cols = _fields(model)
        out = {cols[c]: v for c, v in r.items() if c in cols and c != "id"}
        out["article"] = self.art[r["article_id"]]
        out["annotator"] = self.annotator(r["annotator_id"])
        if model is m.Annotation and r["suggestion_id"] is not None:
            found = self.suggestion(r["suggestion_id"], create=False)
            out["suggestion"] = _NO_SUGGESTION if found is None else found
        return out

    def _written(self, want: dict[str, Any], source: dict[str, Any]) -> dict[str, Any]:
        if want.get("suggestion") is _NO_SUGGESTION:
            want = dict(want, suggestion=self.suggestion(source["suggestion_id"], create=True))
        return want

    def group(self, annotator_id: int, layer: str) -> None:
        d = self.d
        rep = AnnotatorMerge(d.annotators[annotator_id], layer)
        target_annotator = self.annotator(annotator_id)
        actions = [a for a in d.actions if a["annotator_id"] == annotator_id and a["layer"] == layer]
        action_ids = {a["id"] for a in actions}
        changes = [c for c in d.changes if c["action_id"] in action_ids]
        src_log: dict[str, dict[str, str]] = {}  # row uid -> change uid -> at
        for c in changes:
            src_log.setdefault(c["target_uid"], {})[c["uid"]] = c["at"]
        touched = {c["target_uid"] for c in changes}
        rows = {
            "annotation": {r["uid"]: r for r in d.annotations if r["annotator_id"] == annotator_id and r["layer"] == layer},
            "article_status": {r["uid"]: r for r in d.statuses if r["annotator_id"] == annotator_id and r["layer"] == layer},
        }
        uids = {t: set(rs) | {c["target_uid"] for c in changes if c["target"] == t} for t, rs in rows.items()}
        all_uids = list(uids["annotation"] | uids["article_status"] | touched)
        tgt_log: dict[str, dict[str, str]] = {}
        for chunk in _chunks(all_uids):
            for uid, cuid, at in m.Change.select(m.Change.target_uid, m.Change.uid, m.Change.at).where(
                m.Change.target_uid.in_(list(chunk))
            ).tuples():
                tgt_log.setdefault(uid, {})[cuid] = at

        for target, model in _TARGETS.items():
            fields = [f for f in _fields(model).values() if f != "id"]
            current = _existing(model, model.uid, uids[target])
            for uid in sorted(uids[target]):
                src = rows[target].get(uid)
                tgt = current.get(uid)
                if tgt is not None and (tgt.annotator_id != target_annotator or tgt.layer != layer):
                    raise _bad(d.path, f"{target} {uid} belongs to another annotator or layer in the review project")
                want = self._mapped(model, src) if src is not None else None
                if want is not None and tgt is not None and tgt.article_id != want["article"]:
                    raise _bad(d.path, f"{target} {uid} belongs to another article in the review project")
                if tgt is None and want is not None and model is m.ArticleStatus:
                    twin = m.ArticleStatus.get_or_none(
                        (m.ArticleStatus.article == want["article"])
                        & (m.ArticleStatus.annotator == target_annotator)
                        & (m.ArticleStatus.layer == layer)
                    )
                    if twin is not None:  # the same article status under another uid
                        if (want["updated_at"] or "") > (twin.updated_at or "") and (
                            (twin.status, twin.note) != (want["status"], want["note"])
                        ):
                            m.ArticleStatus.update(status=want["status"], note=want["note"], updated_at=want["updated_at"]).where(
                                m.ArticleStatus.id == twin.id
                            ).execute()
                            rep.statuses += 1
                        elif (twin.status, twin.note) != (want["status"], want["note"]):
                            rep.kept += 1
                        continue
                have = _row_dict(tgt, fields) if tgt is not None else None
                if have == want:
                    continue
                side = _winner(
                    src_log.get(uid, {}),
                    tgt_log.get(uid, {}),
                    want["updated_at"] if want else "",
                    have["updated_at"] if have else "",
                    src is not None,
                )
                if side == "target":
                    rep.kept += 1
                    continue
                if want is None:
                    model.delete().where(model.uid == uid).execute()
                    if model is m.Annotation:
                        rep.annotations_removed += 1
                    else:
                        rep.statuses += 1
                elif have is None:
                    model.insert(**self._written(want, src)).execute()
                    if model is m.Annotation:
                        rep.annotations_new += 1
                    else:
                        rep.statuses += 1
                else:
                    model.update(**self._written(want, src)).where(model.uid == uid).execute()
                    if model is m.Annotation:
                        rep.annotations_updated += 1
                    else:
                        rep.statuses += 1

        # the change log: copy what the review project lacks, sync undo states
        have_actions = _existing(m.Action, m.Action.uid, [a["uid"] for a in actions])
        src_refs: dict[str, set[str]] = {}
        for a in actions:
            if a["ref"]:
                src_refs.setdefault(a["ref"], set()).add(a["uid"])
        for a in actions:
            old = have_actions.get(a["uid"])
            if old is None:
                m.Action.insert(
                    uid=a["uid"],
                    annotator=target_annotator,
                    layer=layer,
                    article=self.art.get(a["article_id"]) if a["article_id"] is not None else None,
                    kind=a["kind"],
                    ref=a["ref"],
                    description=a["description"],
                    state=a["state"],
                    undone_seq=a["undone_seq"],
                    at=a["at"],
                ).execute()
                rep.actions += 1
                continue
            if old.annotator_id != target_annotator or old.layer != layer:
                raise _bad(d.path, f"action {a['uid']} belongs to another annotator or layer in the review project")
            if (old.state, old.undone_seq) == (a["state"], a["undone_seq"]):
                continue
            tgt_refs = {
                u for (u,) in m.Action.select(m.Action.uid).where(m.Action.ref == a["uid"]).tuples()
            } - {x["uid"] for x in actions if x["uid"] not in have_actions}
            mine = src_refs.get(a["uid"], set())
            if tgt_refs < mine or (tgt_refs == mine and a["state"] == "dropped"):
                m.Action.update(state=a["state"], undone_seq=a["undone_seq"]).where(m.Action.id == old.id).execute()
                rep.actions += 1

        logged = _existing(m.Change, m.Change.uid, [c["uid"] for c in changes])
        new_changes = [c for c in changes if c["uid"] not in logged]
        if new_changes:
            action_id = dict(
                m.Action.select(m.Action.uid, m.Action.id)
                .where(m.Action.uid.in_([a["uid"] for a in actions]))
                .tuples()
            )
            by_src_action = {a["id"]: a["uid"] for a in actions}
            ids: dict[str, int] = {}
            for target, model in _TARGETS.items():
                snap_uids = {c["target_uid"] for c in new_changes if c["target"] == target}
                ids.update({u: r.id for u, r in _existing(model, model.uid, snap_uids).items()})
            for c in new_changes:
                m.Change.insert(
                    uid=c["uid"],
                    action=action_id[by_src_action[c["action_id"]]],
                    target=c["target"],
                    target_uid=c["target_uid"],
                    op=c["op"],
                    before=self._snapshot(c["before_obj"], ids.get(c["target_uid"]), target_annotator),
                    after=self._snapshot(c["after_obj"], ids.get(c["target_uid"]), target_annotator),
                    at=c["at"],
                ).execute()
        if rep.changed:
            m.Action.insert(
                uid=uuid.uuid4().hex,
                annotator=target_annotator,
                layer=layer,
                article=None,
                kind="merge",
                description=(
                    f"merge from {d.path.name}: {rep.annotations_new} new, {rep.annotations_updated} updated, "
                    f"{rep.annotations_removed} removed annotation(s)"
                ),
                state="",
            ).execute()
        if rep.changed or rep.kept:
            self.report.annotators.append(rep)

    def _snapshot(self, snap: dict | None, row_id: int | None, annotator: int) -> str | None:
        """A source snapshot with the review project's ids (so undo and redo work here)."""
        if snap is None:
            return None
        out = dict(snap)
        if "id" in out:
            out["id"] = row_id
        if out.get("article") is not None:
            out["article"] = self.art.get(out["article"])
        if "annotator" in out:
            out["annotator"] = annotator
        if out.get("suggestion") is not None:
            out["suggestion"] = self.suggestion(out["suggestion"], create=False)
        return dumps(out)

    def run(self) -> FileMerge:
        self.articles()
        groups = sorted(
            {(r["annotator_id"], r["layer"]) for r in self.d.annotations}
            | {(r["annotator_id"], r["layer"]) for r in self.d.statuses}
            | {(r["annotator_id"], r["layer"]) for r in self.d.actions},
            key=lambda g: (self.d.annotators[g[0]], g[1]),
        )
        for annotator_id, layer in groups:
            self.group(annotator_id, layer)
        return self.report


def _server_source(url: str, review: object) -> ProjectError:
    """A PostgreSQL URL given as a file to merge: the review project itself, or not a file."""
    if same_database(url, review):
        return ProjectError(Msg.R001.format(path=redact(url)))
    return ProjectError(
        Msg.R004.format(
            path=redact(url),
            detail="it is a PostgreSQL database; merge reads project files: write one with "
            "'annotator backup --db URL --out FILE' and merge that file",
        )
    )


def check_sources(paths: Sequence[str | os.PathLike[str]], review_path: str | os.PathLike[str] | None = None) -> None:
    """Refuse (ProjectError) a file that cannot be merged, before the review project is even opened
    (so a refused merge never creates the review project either). :func:`merge_files` checks
    everything again, and more."""
    review_is_file = review_path is not None and not is_server_url(review_path)
    for p in paths:
        if is_server_url(p):
            raise _server_source(p, review_path)
        path = Path(p).expanduser()
        if review_is_file and path.exists() and Path(review_path).exists() and same_file(path, review_path):
            raise ProjectError(Msg.R001.format(path=path))
        open_source(path).close()


def merge_files(project: Project, paths: Sequence[str | os.PathLike[str]]) -> MergeReport:
    """Merge the project files ``paths`` into ``project`` (all of them, or nothing).

    Raises :class:`ProjectError` (``Msg.R0xx``) for a file that cannot be merged; the review
    project is then unchanged.
    """
    if project.readonly:
        raise ProjectError(Msg.P005.format(path=project.path, detail="the review project is opened read-only"))
    known = {h for (h,) in m.Article.select(m.Article.content_hash).tuples()}
    loaded: list[_Loaded] = []
    for p in paths:
        if is_server_url(p):
            raise _server_source(p, project.path)
        path = Path(p).expanduser()
        if not is_server_url(project.path) and path.exists() and same_file(path, project.path):
            raise ProjectError(Msg.R001.format(path=path))
        with open_source(path) as src:
            loaded.append(_load(src, known))
    report = MergeReport()
    with project.db.atomic():
        for data in loaded:
            report.files.append(_Merger(project, data).run())
    return report
