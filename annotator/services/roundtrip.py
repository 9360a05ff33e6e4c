"""Recording the annotations carried by imported JSONL (the tool's own export, or Prodigy output).

``import_paths(project, paths, on_annotated=AnnotationRecorder(project, annotator=...))``: after
each batch of articles is committed, the recorder gets ``(content_hash, ArticleInput)`` pairs
whose ``annotations`` hold the line's ``spans``/``claims``/``relations``/``answer`` (see
``annotator.importers.jsonlines``) and records them:

* lines with ``"answer": "accept"`` (or no answer): every span (kind ``entity``) and claim (kind
  ``claim``) with its status (``accepted``/``corrected``/``added``; Prodigy spans without a status
  are ``accepted`` when they match a suggestion of the project, else ``added``), stance, source,
  source type, cue, quote type and note; the article is marked with the line's ``article_status``
  (``done`` when absent), because an accepted Prodigy task is a finished one;
* lines with ``"answer": "reject"`` written by our export (items with ``"status": "rejected"``):
  the rejected suggestions, kept as negative examples. Other reject/ignore lines are skipped;
* untouched suggestions (``"status": "suggested"``, exported with ``--all``) are not decisions and
  are not recorded.

Whose annotations: ``annotator`` given to the recorder (``annotator import --annotator NAME``),
else the line's ``_annotator_id``/``annotator``, else the items' ``annotator``. The layer is the
line's ``layer`` (``work`` or ``gold``) unless the recorder is given one.

Each article's annotations are written in one transaction that is logged in the change log like
the app's actions (one undoable action per article, "import N annotations from FILE"). Re-importing
the same file changes nothing: an annotation with the same kind, offsets (and label for entities)
is updated only when a field differs, and no action is logged when nothing changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from annotator.domain.errors import Msg
from annotator.domain.model import ArticleInput, ArticleState, Layer, Status
from annotator.services.annotate import AnnotationSession
from annotator.store import models as m
from annotator.store.db import Project

_DECIDED = {Status.ACCEPTED.value, Status.CORRECTED.value, Status.ADDED.value, Status.REJECTED.value}
_CLAIM_FIELDS = ("stance", "source_start", "source_end", "source_text", "source_name", "source_type",
                 "cue_start", "cue_end", "quote_type", "note")
_COMPARED = ("label", "status") + _CLAIM_FIELDS


@dataclass
class AnnotationRecorder:
    """``on_annotated`` callback for :func:`annotator.services.importing.import_paths`."""

    project: Project
    annotator: str | None = None
    layer: str | None = None
    recorded: int = 0  # annotations inserted or updated
    unchanged: int = 0  # already in the project as in the file
    articles: int = 0  # articles with at least one change
    problems: list[str] = field(default_factory=list)
    _sessions: dict[tuple[str, str], AnnotationSession] = field(default_factory=dict, repr=False)

    def __call__(self, carried: Iterable[tuple[str, ArticleInput]]) -> int:
        carried = list(carried)
        hashes = list({h for h, _ in carried})
        ids = dict(
            m.Article.select(m.Article.content_hash, m.Article.id).where(m.Article.content_hash.in_(hashes)).tuples()
        )
        before = self.recorded
        # Lines of the same article (its main line and its reject lines) become one action.
        groups: dict[tuple[int, str, str], list] = {}
        for h, art in carried:
            aid = ids.get(h)
            if aid is None:
                continue
            for block in art.annotations:
                if not isinstance(block, dict):
                    continue
                prepared = self._prepare_block(aid, art, block)
                if prepared is None:
                    continue
                session, items, status = prepared
                key = (aid, session.annotator_name, session.layer)
                group = groups.setdefault(key, [session, art, [], None])
                group[2].extend(items)
                if status is not None:
                    group[3] = status
        for (aid, _, _), (session, art, items, status) in groups.items():
            self._apply(aid, art, session, items, status)
        return self.recorded - before

    # ---- one JSONL line -------------------------------------------------------------------------
    def _where(self, art: ArticleInput) -> str:
        src = art.source_file or "<input>"
        return f"{src} (id {art.external_id})" if art.external_id else src

    def _problem(self, art: ArticleInput, detail: str) -> None:
        self.problems.append(Msg.E010.format(where=self._where(art), detail=detail))

    def _session(self, name: str, layer: str) -> AnnotationSession:
        key = (name, layer)
        if key not in self._sessions:
            self._sessions[key] = AnnotationSession(self.project, name, Layer(layer))
        return self._sessions[key]

    def _prepare_block(self, aid: int, art: ArticleInput, block: dict[str, Any]):
        """(session, [(kind, values)], article status or None) for one line, or None to skip it."""
        answer = str(block.get("answer") or "accept").lower()
        if answer not in ("accept", "reject"):
            return None
        spans = [s for s in block.get("spans") or [] if isinstance(s, dict)]
        claims = [c for c in block.get("claims") or [] if isinstance(c, dict)]
        if answer == "reject":
            # Only our own negative examples: rejected suggestions; a rejected Prodigy task says nothing.
            spans = [s for s in spans if s.get("status") == Status.REJECTED.value]
            claims = [c for c in claims if c.get("status") == Status.REJECTED.value]
            if not spans and not claims:
                return None
        name = (
            self.annotator
            or art.annotator
            or next((str(i["annotator"]) for i in spans + claims if i.get("annotator")), "")
        ).strip()
        if not name:
            self._problem(art, "no annotator is named in the line; import again with --annotator NAME")
            return None
        layer = self.layer or str(art.meta.get("layer") or "work")
        if layer not in (Layer.WORK.value, Layer.GOLD.value):
            layer = Layer.WORK.value
        session = self._session(name, layer)
        text = session.text(aid)
        raw = block.get("raw_text")
        items: list[tuple[str, dict[str, Any]]] = []
        for kind, group in (("entity", spans), ("claim", claims)):
            for item in group:
                values = self._values(kind, item, text, raw, art, session)
                if values is not None:
                    items.append((kind, values))
        status = None
        if answer == "accept":
            status = str(art.meta.get("article_status") or ArticleState.DONE.value)
            if status not in {s.value for s in ArticleState}:
                status = ArticleState.DONE.value
        return session, items, status

    def _map(self, start: Any, end: Any, text: str, raw: str | None, expect: str | None) -> tuple[int, int] | None:
        if not isinstance(start, int) or not isinstance(end, int) or isinstance(start, bool) or isinstance(end, bool):
            return None
        if raw is None:
            if 0 <= start < end <= len(text) and (expect is None or text[start:end] == expect):
                return start, end
            return None
        # Offsets into the raw text: find the same words in the stored (normalised) text, nearest first.
        if not 0 <= start < end <= len(raw):
            return None
        piece = raw[start:end].replace("\r\n", "\n").replace("\r", "\n")
        if expect is not None and expect.replace("\r\n", "\n").replace("\r", "\n") != piece:
            return None
        best = None
        pos = text.find(piece)
        while pos >= 0:
            if best is None or abs(pos - start) < abs(best - start):
                best = pos
            pos = text.find(piece, pos + 1)
        return (best, best + len(piece)) if best is not None else None

    def _values(self, kind: str, item: dict[str, Any], text: str, raw: str | None, art: ArticleInput,
                session: AnnotationSession) -> dict[str, Any] | None:
        status = item.get("status")
        if status == "suggested":
            return None
        where = self._map(item.get("start"), item.get("end"), text, raw, item.get("text") if isinstance(item.get("text"), str) else None)
        if where is None:
            self._problem(art, f"{kind} {item.get('start')}-{item.get('end')} does not match the article text")
            return None
        scheme = session.scheme
        label = str(item.get("label") or ("CLAIM" if kind == "claim" else ""))
        if kind == "entity" and label not in scheme.entity_labels:
            self._problem(art, Msg.A003.format(label=label, labels=", ".join(scheme.entity_labels)))
            return None
        values: dict[str, Any] = {"start": where[0], "end": where[1], "label": label,
                                  "status": status if status in _DECIDED else None}
        if kind == "claim":
            stance = item.get("stance")
            if stance is not None and stance not in scheme.stance_labels:
                self._problem(art, Msg.A008.format(label=stance, labels=", ".join(scheme.stance_labels)))
                stance = None
            stype = item.get("source_type")
            if stype is not None and stype not in scheme.source_type_labels:
                self._problem(art, Msg.A009.format(label=stype, labels=", ".join(scheme.source_type_labels)))
                stype = None
            src = item.get("source") if isinstance(item.get("source"), dict) else None
            ss = se = None
            if src and src.get("start") is not None:
                mapped = self._map(src.get("start"), src.get("end"), text, raw, src.get("text") if isinstance(src.get("text"), str) else None)
                if mapped is None:
                    self._problem(art, f"the source {src.get('start')}-{src.get('end')} does not match the article text")
                else:
                    ss, se = mapped
            cue = item.get("cue") if isinstance(item.get("cue"), dict) else None
            cs = ce = None
            if cue and cue.get("start") is not None:
                mapped = self._map(cue.get("start"), cue.get("end"), text, raw, cue.get("text") if isinstance(cue.get("text"), str) else None)
                if mapped is not None:
                    cs, ce = mapped
            values.update(
                stance=stance,
                source_start=ss,
                source_end=se,
                source_text=(text[ss:se] if ss is not None else (src.get("text") if src else None)),
                source_name=(src.get("name") if src else None),
                source_type=stype,
                cue_start=cs,
                cue_end=ce,
                quote_type=item.get("quote_type"),
                note=str(item.get("note") or ""),
            )
        if isinstance(item.get("updated_at"), str):
            values["updated_at"] = item["updated_at"]
        return values

    # ---- one transaction per article -------------------------------------------------------------
    def _apply(self, aid: int, art: ArticleInput, session: AnnotationSession, items: list[tuple[str, dict]],
               status: str | None) -> None:
        who, layer = session.annotator, session.layer
        existing = list(
            m.Annotation.select().where(
                (m.Annotation.article == aid) & (m.Annotation.annotator == who) & (m.Annotation.layer == layer)
            )
        )
        index: dict[tuple, m.Annotation] = {}
        for row in existing:
            index.setdefault(_key(row.kind, row.start, row.end, row.label), row)
        linked = {row.suggestion_id for row in existing if row.suggestion_id is not None}
        suggestions = list(m.Suggestion.select().where(m.Suggestion.article == aid))
        inserts: list[dict] = []
        updates: list[tuple[m.Annotation, dict]] = []
        seen: set[tuple] = set()
        for kind, values in items:
            key = _key(kind, values["start"], values["end"], values["label"])
            if key in seen:
                continue
            seen.add(key)
            row = index.get(key)
            if values["status"] is None:  # Prodigy span: accepted when it matches a suggestion
                values["status"] = (
                    row.status if row is not None and row.status != Status.REJECTED.value
                    else Status.ACCEPTED.value if _find_suggestion(suggestions, kind, values, linked) else Status.ADDED.value
                )
            if row is None:
                sugg = _find_suggestion(suggestions, kind, values, linked)
                if sugg is not None:
                    linked.add(sugg.id)
                inserts.append({"article": aid, "kind": kind, "suggestion": sugg.id if sugg else None, **values})
                continue
            changes = {f: values[f] for f in _COMPARED if f in values and getattr(row, f) != values[f]}
            if changes:
                updates.append((row, changes))
            else:
                self.unchanged += 1
        status_row = session._status_row(aid)
        status_change = status is not None and (status_row is None or status_row.status != status)
        if not inserts and not updates and not status_change:
            return
        n = len(inserts) + len(updates)
        desc = f"import {n} annotation(s) from {art.source_file or 'a file'}" if n else f"import: mark article {status}"

        def body(action: m.Action) -> list[int]:
            ids = [session._insert_annotation(action, values).id for values in inserts]
            ids += [session._update_annotation(action, row, changes).id for row, changes in updates]
            if status is not None:
                session._touch_status(action, aid, status=status)
            return ids

        session._run(desc, aid, body, touch=status is None)
        self.recorded += n
        self.articles += 1


def _key(kind: str, start: int, end: int, label: str) -> tuple:
    return (kind, start, end, label) if kind == "entity" else (kind, start, end)


def _find_suggestion(suggestions: list[m.Suggestion], kind: str, values: dict, linked: set[int]) -> m.Suggestion | None:
    for s in suggestions:
        if s.id in linked or s.kind != kind or s.start != values["start"] or s.end != values["end"]:
            continue
        if kind == "entity" and s.label != values["label"]:
            continue
        return s
    return None
