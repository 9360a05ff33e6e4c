"""Recording an analyst's decisions, one transaction per action, with a persistent undo history.

Every public command of :class:`AnnotationSession` runs in one database transaction that writes
the changed rows *and* the change log (one ``action`` row plus a ``change`` row per changed
record with JSON snapshots before and after). Undo and redo are actions too: they apply the
inverse (or the original) snapshots and are logged the same way, so the log is append-only and
the history survives restarts.

Database failures reach the caller as ProjectErrors with the P00x message, after the whole
transaction was rolled back: a lock held by another program (retried first, within a time
budget), a read-only file, a full disk, a damaged file (``annotator.store.guard``).
"""

from __future__ import annotations

import itertools
import json
import uuid
from dataclasses import dataclass
from collections.abc import Sequence
from typing import Any, Iterable

from annotator.domain.errors import AnnotationError, Msg
from annotator.domain.model import (
    AnnotationRecord,
    ArticleState,
    Kind,
    Layer,
    Status,
    SuggestionRecord,
)
from annotator.domain.scheme import LabelScheme
from annotator.store import fastpath as fp
from annotator.store import models as m
from annotator.store.db import Project, dumps
from annotator.store import guard
from annotator.store.guard import guarded, guarded_write
from annotator.services.project import get_or_create_annotator, get_scheme

# Fields an analyst may change on an annotation.
EDITABLE = (
    "start",
    "end",
    "label",
    "stance",
    "source_start",
    "source_end",
    "source_text",
    "source_name",
    "source_type",
    "cue_start",
    "cue_end",
    "quote_type",
    "note",
)
# Changing one of these on an annotation that came from a suggestion makes it "corrected".
_CORRECTING = ("start", "end", "label", "source_start", "source_end", "source_name")
_SNAPSHOT_FIELDS = (
    "id",
    "uid",
    "article",
    "annotator",
    "layer",
    "kind",
    "status",
    "suggestion",
    "created_at",
    "updated_at",
) + EDITABLE
_STATUS_FIELDS = ("id", "uid", "article", "annotator", "layer", "status", "note", "updated_at")


def _new_uid() -> str:
    return uuid.uuid4().hex


def _snapshot(row: m.BaseModel, fields: Iterable[str]) -> dict[str, Any]:
    out = {}
    for f in fields:
        if f in ("article", "annotator", "suggestion"):
            out[f] = getattr(row, f + "_id")
        else:
            out[f] = getattr(row, f)
    return out


def to_record(row: m.Annotation, annotator_name: str | None = None) -> AnnotationRecord:
    return AnnotationRecord(
        id=row.id,
        uid=row.uid,
        article_id=row.article_id,
        annotator=annotator_name if annotator_name is not None else row.annotator.name,
        layer=row.layer,
        kind=row.kind,
        start=row.start,
        end=row.end,
        label=row.label,
        status=row.status,
        suggestion_id=row.suggestion_id,
        stance=row.stance,
        source_start=row.source_start,
        source_end=row.source_end,
        source_text=row.source_text,
        source_name=row.source_name,
        source_type=row.source_type,
        cue_start=row.cue_start,
        cue_end=row.cue_end,
        quote_type=row.quote_type,
        note=row.note,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def suggestion_record(row: m.Suggestion) -> SuggestionRecord:
    return SuggestionRecord(
        id=row.id,
        article_id=row.article_id,
        kind=row.kind,
        start=row.start,
        end=row.end,
        label=row.label,
        quote_type=row.quote_type,
        source_start=row.source_start,
        source_end=row.source_end,
        source_name=row.source_name,
        cue_start=row.cue_start,
        cue_end=row.cue_end,
        model_name=row.model_name,
        model_version=row.model_version,
    )


@dataclass(frozen=True)
class ActionResult:
    action_uid: str
    description: str
    annotation_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ActionEffect:
    """What one logged action (a do, undo or redo) changed, for refreshing a view in place.

    ``annotations``: current records of the annotations it inserted or updated;
    ``removed``: ``(annotation id, suggestion id or None)`` of the annotations it deleted;
    ``article_status``: whether it changed the article's status or note.
    """

    article_id: int | None
    annotations: tuple[AnnotationRecord, ...] = ()
    removed: tuple[tuple[int, int | None], ...] = ()
    article_status: bool = False


class AnnotationSession:
    """The decisions of one annotator (or one reviewer, ``layer=Layer.GOLD``) in one project."""

    def __init__(self, project: Project, annotator: str, layer: Layer = Layer.WORK) -> None:
        self.project = project
        self.annotator = guard.call_write(project, get_or_create_annotator, annotator)
        self.layer = layer.value if isinstance(layer, Layer) else str(layer)
        self.scheme: LabelScheme = get_scheme(project)
        self._texts: dict[int, str] = {}

    @property
    def annotator_name(self) -> str:
        return self.annotator.name

    # ---- queries ------------------------------------------------------------------------------
    @guarded
    def text(self, article_id: int) -> str:
        text = self._texts.get(article_id)
        if text is None:
            row = m.Article.select(m.Article.text).where(m.Article.id == article_id).first()
            if row is None:
                raise AnnotationError(Msg.A006.format(id=article_id))
            if len(self._texts) > 8:
                self._texts.clear()
            text = self._texts[article_id] = row.text
        return text

    @guarded
    def annotations(self, article_id: int) -> list[AnnotationRecord]:
        rows = (
            m.Annotation.select()
            .where(
                (m.Annotation.article == article_id)
                & (m.Annotation.annotator == self.annotator)
                & (m.Annotation.layer == self.layer)
            )
            .order_by(m.Annotation.start, m.Annotation.end, m.Annotation.id)
        )
        return [to_record(r, self.annotator.name) for r in rows]

    @guarded
    def open_suggestions(self, article_id: int) -> list[SuggestionRecord]:
        """Suggestions of the article this annotator has not decided yet."""
        decided = m.Annotation.select(m.Annotation.suggestion).where(
            (m.Annotation.article == article_id)
            & (m.Annotation.annotator == self.annotator)
            & (m.Annotation.layer == self.layer)
            & (m.Annotation.suggestion.is_null(False))
        )
        rows = (
            m.Suggestion.select()
            .where((m.Suggestion.article == article_id) & (m.Suggestion.id.not_in(decided)))
            .order_by(m.Suggestion.start, m.Suggestion.end, m.Suggestion.id)
        )
        return [suggestion_record(r) for r in rows]

    @guarded
    def suggestions(self, article_id: int) -> list[SuggestionRecord]:
        """Every suggestion of the article, decided or not, in text order.

        Read straight from the cursor (no model instances): a long article has thousands.
        """
        S = m.Suggestion
        query = (
            S.select(
                S.id, S.article, S.kind, S.start, S.end, S.label, S.quote_type, S.source_start, S.source_end,
                S.source_name, S.cue_start, S.cue_end, S.model_name, S.model_version,
            )
            .where(S.article == article_id)
            .order_by(S.start, S.end, S.id)
        )
        sql, params = query.sql()
        return [SuggestionRecord(*r) for r in self.project.db.execute_sql(sql, params)]

    @guarded
    def effect(self, action_uid: str) -> ActionEffect:
        """The records changed by the logged action ``action_uid`` (see :class:`ActionEffect`).

        Read from the change log's snapshots in one query, so a view can refresh right after
        each action without re-reading the article's annotations.
        """
        changes = fp.run_compiled(
            "action-effect",
            lambda: m.Change.select(m.Change.target, m.Change.before, m.Change.after, m.Action.article)
            .join(m.Action)
            .where(m.Action.uid == "?")
            .order_by(m.Change.id),
            (action_uid,),
        )
        if not changes:
            return ActionEffect(None)
        present, removed = [], []
        for target, before, after, _article in changes:
            if target != "annotation":
                continue
            if after is not None:
                present.append(_record_from_snapshot(json.loads(after), self.annotator.name))
            else:
                snap = json.loads(before)
                removed.append((int(snap["id"]), snap.get("suggestion")))
        return ActionEffect(
            changes[0][3],
            tuple(present),
            tuple(removed),
            any(c[0] == "article_status" for c in changes),
        )

    def status(self, article_id: int) -> str:
        row = self._status_row(article_id)
        return row.status if row else ArticleState.NEW.value

    def article_note(self, article_id: int) -> str:
        row = self._status_row(article_id)
        return row.note if row else ""

    def _status_row(self, article_id: int) -> m.ArticleStatus | None:
        return fp.get_row(m.ArticleStatus, article=article_id, annotator=self.annotator.id, layer=self.layer)

    # ---- validation ---------------------------------------------------------------------------
    def _check_span(self, article_id: int, start: int | None, end: int | None) -> None:
        if start is None and end is None:
            return
        if start is None or end is None:
            raise AnnotationError(Msg.A002.format(start=start, end=end))
        length = len(self.text(article_id))
        if start < 0 or end > length:
            raise AnnotationError(Msg.A001.format(start=start, end=end, length=length))
        if end <= start:
            raise AnnotationError(Msg.A002.format(start=start, end=end))

    def _check_fields(self, article_id: int, kind: str, fields: dict[str, Any]) -> None:
        if "start" in fields or "end" in fields:
            self._check_span(article_id, fields.get("start"), fields.get("end"))
        self._check_span(article_id, fields.get("source_start"), fields.get("source_end"))
        self._check_span(article_id, fields.get("cue_start"), fields.get("cue_end"))
        label = fields.get("label")
        if label is not None and kind == Kind.ENTITY.value and label not in self.scheme.entity_labels:
            raise AnnotationError(Msg.A003.format(label=label, labels=", ".join(self.scheme.entity_labels)))
        stance = fields.get("stance")
        if stance is not None and stance not in self.scheme.stance_labels:
            raise AnnotationError(Msg.A008.format(label=stance, labels=", ".join(self.scheme.stance_labels)))
        st = fields.get("source_type")
        if st is not None and st not in self.scheme.source_type_labels:
            raise AnnotationError(Msg.A009.format(label=st, labels=", ".join(self.scheme.source_type_labels)))

    # ---- the change log -----------------------------------------------------------------------
    def _begin(self, kind: str, description: str, article_id: int | None, ref: str | None = None) -> m.Action:
        return fp.insert_row(
            m.Action,
            {
                "uid": _new_uid(),
                "annotator": self.annotator.id,
                "layer": self.layer,
                "article": article_id,
                "kind": kind,
                "ref": ref,
                "description": description,
                "state": "done" if kind == "do" else "",
                "at": m.now_iso(),
            },
        )

    def _drop_redo(self) -> None:
        """A new action makes the undone ones unreachable, as in any editor."""
        if not fp.exists(m.Action, annotator=self.annotator.id, layer=self.layer, state="undone"):
            return
        m.Action.update(state="dropped").where(
            (m.Action.annotator == self.annotator)
            & (m.Action.layer == self.layer)
            & (m.Action.state == "undone")
        ).execute()

    @staticmethod
    def _log(action: m.Action, target: str, uid: str, op: str, before: dict | None, after: dict | None) -> None:
        fp.insert_row(
            m.Change,
            {
                "uid": _new_uid(),
                "action": action.id,
                "target": target,
                "target_uid": uid,
                "op": op,
                "before": dumps(before) if before is not None else None,
                "after": dumps(after) if after is not None else None,
                "at": m.now_iso(),
            },
        )

    def _insert_annotation(self, action: m.Action, values: dict[str, Any]) -> m.Annotation:
        now = m.now_iso()
        values = {"note": "", "uid": _new_uid(), "created_at": now, "updated_at": now, **values}
        values.update(annotator=self.annotator.id, layer=self.layer)
        row = fp.insert_row(m.Annotation, values)
        self._log(action, "annotation", row.uid, "insert", None, _snapshot(row, _SNAPSHOT_FIELDS))
        return row

    def _update_annotation(self, action: m.Action, row: m.Annotation, changes: dict[str, Any]) -> m.Annotation:
        before = _snapshot(row, _SNAPSHOT_FIELDS)
        changes = {**changes, "updated_at": m.now_iso()}
        for k, v in changes.items():
            setattr(row, k, v)
        fp.update_row(m.Annotation, row.id, changes)
        self._log(action, "annotation", row.uid, "update", before, _snapshot(row, _SNAPSHOT_FIELDS))
        return row

    def _delete_annotation(self, action: m.Action, row: m.Annotation) -> None:
        before = _snapshot(row, _SNAPSHOT_FIELDS)
        fp.delete_row(m.Annotation, row.id)
        self._log(action, "annotation", row.uid, "delete", before, None)

    def _touch_status(self, action: m.Action, article_id: int, status: str | None = None, note: str | None = None) -> None:
        """Set the article status (an edit moves a new article to in progress), logged."""
        row = self._status_row(article_id)
        if row is None:
            target = status or ArticleState.IN_PROGRESS.value
            row = fp.insert_row(
                m.ArticleStatus,
                {
                    "uid": _new_uid(),
                    "article": article_id,
                    "annotator": self.annotator.id,
                    "layer": self.layer,
                    "status": target,
                    "note": note or "",
                    "updated_at": m.now_iso(),
                },
            )
            self._log(action, "article_status", row.uid, "insert", None, _snapshot(row, _STATUS_FIELDS))
            return
        target = status or (ArticleState.IN_PROGRESS.value if row.status == ArticleState.NEW.value else row.status)
        new_note = row.note if note is None else note
        if target == row.status and new_note == row.note:
            return
        before = _snapshot(row, _STATUS_FIELDS)
        row.status, row.note, row.updated_at = target, new_note, m.now_iso()
        fp.update_row(m.ArticleStatus, row.id, {"status": row.status, "note": row.note, "updated_at": row.updated_at})
        self._log(action, "article_status", row.uid, "update", before, _snapshot(row, _STATUS_FIELDS))

    @guarded_write
    def _run(self, description: str, article_id: int | None, body, touch: bool = True) -> ActionResult:
        """Run ``body(action)`` as one logged, atomic user action.

        ``touch``: an edit moves a new article to "in progress" within the same action.
        """
        with self.project.db.atomic():
            self._drop_redo()
            action = self._begin("do", description, article_id)
            ids = body(action) or ()
            if touch and article_id is not None:
                self._touch_status(action, article_id)
        return ActionResult(action.uid, description, tuple(ids))

    # ---- commands -----------------------------------------------------------------------------
    def _suggestion(self, suggestion_id: int) -> m.Suggestion:
        s = fp.get_row(m.Suggestion, id=suggestion_id)
        if s is None:
            raise AnnotationError(Msg.A005.format(id=suggestion_id))
        return s

    def _annotation(self, annotation_id: int) -> m.Annotation:
        a = fp.get_row(m.Annotation, id=annotation_id, annotator=self.annotator.id, layer=self.layer)
        if a is None:
            raise AnnotationError(Msg.A004.format(id=annotation_id))
        return a

    def _existing_for(self, suggestion_id: int) -> m.Annotation | None:
        return fp.get_row(m.Annotation, suggestion=suggestion_id, annotator=self.annotator.id, layer=self.layer)

    @staticmethod
    def _from_suggestion(s: m.Suggestion, text: str) -> dict[str, Any]:
        values: dict[str, Any] = {
            "article": s.article_id,
            "kind": s.kind,
            "start": s.start,
            "end": s.end,
            "label": s.label,
            "suggestion": s.id,
        }
        if s.kind == Kind.CLAIM.value:
            values.update(
                source_start=s.source_start,
                source_end=s.source_end,
                source_text=text[s.source_start : s.source_end] if s.source_start is not None else None,
                source_name=s.source_name,
                cue_start=s.cue_start,
                cue_end=s.cue_end,
                quote_type=s.quote_type,
            )
        return values

    @staticmethod
    def _status_against(s: m.Suggestion | None, values: dict[str, Any]) -> str:
        if s is None:
            return Status.ADDED.value
        for f in _CORRECTING:
            if f in values and values[f] != getattr(s, f):
                return Status.CORRECTED.value
        return Status.ACCEPTED.value

    def accept(self, suggestion_id: int, **overrides: Any) -> ActionResult:
        """Accept a suggestion, optionally with changes (then it is recorded as corrected)."""
        s = self._suggestion(suggestion_id)
        text = self.text(s.article_id)
        values = self._from_suggestion(s, text)
        values.update(overrides)
        self._check_fields(s.article_id, s.kind, values)
        values["status"] = self._status_against(s, values)
        return self._decide(s, values, f"accept {s.label} '{_clip(text[s.start:s.end])}'")

    def _decide(self, s: m.Suggestion, values: dict[str, Any], desc: str) -> ActionResult:
        """Record a decision on suggestion ``s``: a new annotation, or an update of this
        annotator's earlier decision on it (accepting what was rejected, and so on)."""

        def body(action: m.Action) -> list[int]:
            existing = self._existing_for(s.id)
            if existing is not None:
                changes = {k: v for k, v in values.items() if k not in ("article", "kind", "suggestion")}
                return [self._update_annotation(action, existing, changes).id]
            return [self._insert_annotation(action, values).id]

        return self._run(desc, s.article_id, body)

    def reject(self, suggestion_id: int) -> ActionResult:
        s = self._suggestion(suggestion_id)
        text = self.text(s.article_id)
        values = self._from_suggestion(s, text)
        values["status"] = Status.REJECTED.value
        return self._decide(s, values, f"reject {s.label} '{_clip(text[s.start:s.end])}'")

    def accept_all(self, article_id: int, kind: str | None = None) -> ActionResult:
        """Accept every open suggestion of the article (optionally of one kind) as one action."""
        text = self.text(article_id)
        pending = [s for s in self.open_suggestions(article_id) if kind is None or s.kind == kind]
        desc = f"accept all {len(pending)} suggestions"

        def body(action: m.Action) -> list[int]:
            ids = []
            rows = m.Suggestion.select().where(m.Suggestion.id.in_([p.id for p in pending]))
            for s in rows:
                values = self._from_suggestion(s, text)
                values["status"] = Status.ACCEPTED.value
                ids.append(self._insert_annotation(action, values).id)
            return ids

        return self._run(desc, article_id, body)

    def add(self, article_id: int, kind: str, start: int, end: int, label: str | None = None, **fields: Any) -> ActionResult:
        """A new entity or claim drawn by the analyst."""
        kind = Kind(kind).value
        if label is None:
            label = "CLAIM" if kind == Kind.CLAIM.value else ""
        values = {"article": article_id, "kind": kind, "start": start, "end": end, "label": label, **fields}
        self._check_fields(article_id, kind, values)
        if kind == Kind.CLAIM.value and values.get("source_start") is not None and not values.get("source_text"):
            values["source_text"] = self.text(article_id)[values["source_start"] : values["source_end"]]
        values["status"] = Status.ADDED.value
        desc = f"add {label} '{_clip(self.text(article_id)[start:end])}'"
        return self._run(desc, article_id, lambda action: [self._insert_annotation(action, values).id])

    def update(self, annotation_id: int, **changes: Any) -> ActionResult:
        """Change label, boundaries, stance, source, source type or note of an annotation."""
        unknown = set(changes) - set(EDITABLE)
        if unknown:
            raise AnnotationError(f"cannot change {', '.join(sorted(unknown))}")
        row = self._annotation(annotation_id)
        merged = {f: getattr(row, f) for f in ("start", "end")} | changes
        self._check_fields(row.article_id, row.kind, merged)
        text = self.text(row.article_id)
        if "source_start" in changes and changes.get("source_start") is not None and "source_text" not in changes:
            changes["source_text"] = text[changes["source_start"] : changes["source_end"]]
        if "source_start" in changes and changes.get("source_start") is None and "source_text" not in changes:
            changes["source_text"] = None
        if row.status != Status.REJECTED.value:
            s = row.suggestion
            current = {f: getattr(row, f) for f in _CORRECTING} | changes
            changes["status"] = self._status_against(s, current)
        desc = f"edit {row.label} '{_clip(text[row.start:row.end])}' ({', '.join(sorted(c for c in changes if c != 'status'))})"
        return self._run(desc, row.article_id, lambda action: [self._update_annotation(action, row, changes).id])

    def delete(self, annotation_id: int) -> ActionResult:
        row = self._annotation(annotation_id)
        text = self.text(row.article_id)
        desc = f"delete {row.label} '{_clip(text[row.start:row.end])}'"
        return self._run(desc, row.article_id, lambda action: self._delete_annotation(action, row))

    def set_status(self, article_id: int, status: str) -> ActionResult:
        status = ArticleState(status).value
        self.text(article_id)  # existence check
        return self._run(
            f"mark article {status}",
            article_id,
            lambda action: self._touch_status(action, article_id, status=status),
            touch=False,
        )

    def set_article_note(self, article_id: int, note: str) -> ActionResult:
        self.text(article_id)
        return self._run(
            "note on article", article_id, lambda action: self._touch_status(action, article_id, note=note), touch=False
        )

    def apply_batch(
        self,
        article_id: int,
        description: str,
        add: Iterable[dict[str, Any]] = (),
        delete: Iterable[int] = (),
    ) -> ActionResult:
        """Several edits of one article as ONE logged action (one transaction, one undo step).

        Used by the review service (a reviewer copying annotators' spans into the gold layer).
        ``delete``: ids of this annotator's annotations (this layer, this article), removed first.
        ``add``: new annotations, each a dict with ``kind``, ``start``, ``end``, ``label`` and any
        fields of :data:`EDITABLE`; optionally ``suggestion`` (an id: the status is then accepted or
        corrected against it, and the suggestion counts as decided) and ``status="rejected"`` for a
        "not a span" decision (otherwise ``added`` without a suggestion). Everything is validated
        before anything is written; ``annotation_ids`` of the result are the new annotations.
        """
        self.text(article_id)
        rows = []
        for i in dict.fromkeys(delete):
            row = self._annotation(i)
            if row.article_id != article_id:
                raise AnnotationError(Msg.A004.format(id=i))
            rows.append(row)
        gone = {r.id for r in rows}
        taken = {
            s
            for (s, i) in m.Annotation.select(m.Annotation.suggestion, m.Annotation.id)
            .where(
                (m.Annotation.article == article_id)
                & (m.Annotation.annotator == self.annotator)
                & (m.Annotation.layer == self.layer)
                & (m.Annotation.suggestion.is_null(False))
            )
            .tuples()
            if i not in gone
        }
        text = self.text(article_id)
        prepared: list[dict[str, Any]] = []
        for spec in add:
            spec = dict(spec)
            kind = Kind(spec.pop("kind")).value
            status = spec.pop("status", None)
            sid = spec.pop("suggestion", None)
            label = spec.pop("label", None) or ("CLAIM" if kind == Kind.CLAIM.value else "")
            unknown = set(spec) - set(EDITABLE)
            if unknown:
                raise AnnotationError(f"cannot set {', '.join(sorted(unknown))}")
            values = {"article": article_id, "kind": kind, "label": label, **spec}
            self._check_fields(article_id, kind, values)
            self._check_span(article_id, values.get("start"), values.get("end"))
            if values.get("start") is None:
                raise AnnotationError(Msg.A002.format(start=None, end=None))
            s = None
            if sid is not None:
                s = self._suggestion(sid)
                if s.article_id != article_id:
                    raise AnnotationError(Msg.A005.format(id=sid))
                if sid in taken:
                    raise AnnotationError(Msg.R022.format(id=sid, annotator=self.annotator.name, layer=self.layer))
                taken.add(sid)
            if kind == Kind.CLAIM.value and values.get("source_start") is not None and not values.get("source_text"):
                values["source_text"] = text[values["source_start"] : values["source_end"]]
            values["suggestion"] = sid
            if status == Status.REJECTED.value:
                values["status"] = status
            elif status is None:
                values["status"] = self._status_against(s, values)
            else:
                raise AnnotationError(f"status {status!r} cannot be set; leave it out or use 'rejected'")
            prepared.append(values)

        def body(action: m.Action) -> list[int]:
            for row in rows:
                self._delete_annotation(action, row)
            return [self._insert_annotation(action, v).id for v in prepared]

        return self._run(description, article_id, body)

    # ---- undo / redo --------------------------------------------------------------------------
    def _stack_query(self, state: str):
        return m.Action.select().where(
            (m.Action.annotator == self.annotator)
            & (m.Action.layer == self.layer)
            & (m.Action.kind == "do")
            & (m.Action.state == state)
        )

    @guarded
    def undo_stack(self) -> list[m.Action]:
        """Done actions, oldest first (the last one is undone next)."""
        return list(self._stack_query("done").order_by(m.Action.id))

    @guarded
    def redo_stack(self) -> list[m.Action]:
        """Undone actions, the next to redo last."""
        return list(self._stack_query("undone").order_by(m.Action.undone_seq))

    def can_undo(self) -> bool:
        return self._stack_query("done").exists()

    def can_redo(self) -> bool:
        return self._stack_query("undone").exists()

    @guarded_write
    def undo(self, action_uid: str | None = None) -> ActionResult:
        """Revert the latest done action (or check that ``action_uid`` is the latest)."""
        target = self._stack_query("done").order_by(m.Action.id.desc()).first()
        if target is None:
            raise AnnotationError(Msg.A010)
        if action_uid is not None and target.uid != action_uid:
            raise AnnotationError(Msg.A012.format(detail=f"a later action ({target.description}) must be undone first"))
        with self.project.db.atomic():
            act = self._begin("undo", f"undo {target.description}", target.article_id, ref=target.uid)
            changes = list(m.Change.select().where(m.Change.action == target).order_by(m.Change.id.desc()))
            for ch in changes:
                self._apply(act, ch.target, ch.target_uid, _loads(ch.after), _loads(ch.before))
            seq = m.Action.select(m.fn.MAX(m.Action.undone_seq)).where(m.Action.annotator == self.annotator).scalar() or 0
            target.state, target.undone_seq = "undone", seq + 1
            target.save()
        return ActionResult(act.uid, act.description)

    @guarded_write
    def redo(self, action_uid: str | None = None) -> ActionResult:
        target = self._stack_query("undone").order_by(m.Action.undone_seq.desc()).first()
        if target is None:
            raise AnnotationError(Msg.A011)
        if action_uid is not None and target.uid != action_uid:
            raise AnnotationError(Msg.A012.format(detail=f"{target.description} must be redone first"))
        with self.project.db.atomic():
            act = self._begin("redo", f"redo {target.description}", target.article_id, ref=target.uid)
            changes = list(m.Change.select().where(m.Change.action == target).order_by(m.Change.id))
            for ch in changes:
                self._apply(act, ch.target, ch.target_uid, _loads(ch.before), _loads(ch.after))
            target.state, target.undone_seq = "done", None
            target.save()
        return ActionResult(act.uid, act.description)

    def _apply(self, action: m.Action, target: str, uid: str, expect: dict | None, wanted: dict | None) -> None:
        """Move record ``uid`` from state ``expect`` to state ``wanted`` (None = absent), logged."""
        model = m.Annotation if target == "annotation" else m.ArticleStatus
        fields = _SNAPSHOT_FIELDS if target == "annotation" else _STATUS_FIELDS
        row = model.get_or_none(model.uid == uid)
        current = _snapshot(row, fields) if row is not None else None
        # Records are identified by uid. The row id is local: SQLite reuses the id of a deleted
        # last row, so a record re-inserted by an undo or redo may have got another id.
        if _without_id(current) != _without_id(expect):
            raise AnnotationError(Msg.A012.format(detail="the record was changed since"))
        if wanted is None:
            row.delete_instance()
            self._log(action, target, uid, "delete", current, None)
        elif row is None:
            values = dict(wanted)
            if fp.exists(model, id=values["id"]):  # given to another record meanwhile
                del values["id"]
                values["id"] = model.insert(**values).execute()
            else:
                model.insert(**values).execute()
            self._log(action, target, uid, "insert", None, values)
        else:
            values = {**wanted, "id": row.id}
            model.update(**values).where(model.uid == uid).execute()
            self._log(action, target, uid, "update", current, values)

    # ---- UI state -----------------------------------------------------------------------------
    @guarded_write
    def set_last_article(self, article_id: int) -> None:
        with self.project.db.atomic():
            m.AnnotatorSetting.insert(
                annotator=self.annotator, key=f"last_article:{self.layer}", value=str(article_id)
            ).on_conflict(
                conflict_target=[m.AnnotatorSetting.annotator, m.AnnotatorSetting.key],
                update={m.AnnotatorSetting.value: str(article_id)},
            ).execute()

    def last_article(self) -> int | None:
        row = m.AnnotatorSetting.get_or_none(
            (m.AnnotatorSetting.annotator == self.annotator)
            & (m.AnnotatorSetting.key == f"last_article:{self.layer}")
        )
        if row is None:
            return None
        try:
            aid = int(row.value)
        except ValueError:
            return None
        return aid if m.Article.select().where(m.Article.id == aid).exists() else None

    def resume_article(self) -> int | None:
        """The article to open: the last one unless it is done or skipped, else the first open one."""
        last = self.last_article()
        if last is not None and self.status(last) not in (ArticleState.DONE.value, ArticleState.SKIPPED.value):
            return last
        return self.next_open_article(after=None)

    def next_open_article(self, after: int | None, order: Sequence[int] = ()) -> int | None:
        """The next article that is neither done nor skipped, wrapping around: the next in
        ``order`` (the article list as sorted and filtered) when ``after`` is in it and an
        article of it is open, else the next by id."""
        closed = m.ArticleStatus.select(m.ArticleStatus.article).where(
            (m.ArticleStatus.annotator == self.annotator)
            & (m.ArticleStatus.layer == self.layer)
            & (m.ArticleStatus.status.in_([ArticleState.DONE.value, ArticleState.SKIPPED.value]))
        )
        if after is not None and after in order:
            done = {row[0] for row in closed.tuples()}  # one query, however long the list
            k = list(order).index(after)
            for other in itertools.chain(order[k + 1 :], order[:k]):
                if other not in done:
                    return other
        base = m.Article.select(m.Article.id).where(m.Article.id.not_in(closed))
        if after is not None:
            row = base.where(m.Article.id > after).order_by(m.Article.id).first()
            if row is None:
                row = base.where(m.Article.id < after).order_by(m.Article.id).first()
        else:
            row = base.order_by(m.Article.id).first()
        return row.id if row else None


def _record_from_snapshot(snap: dict[str, Any], annotator_name: str) -> AnnotationRecord:
    """An AnnotationRecord from a change-log snapshot (``_SNAPSHOT_FIELDS``)."""
    return AnnotationRecord(
        id=snap["id"],
        uid=snap["uid"],
        article_id=snap["article"],
        annotator=annotator_name,
        layer=snap["layer"],
        kind=snap["kind"],
        start=snap["start"],
        end=snap["end"],
        label=snap["label"],
        status=snap["status"],
        suggestion_id=snap["suggestion"],
        **{f: snap[f] for f in EDITABLE if f not in ("start", "end", "label")},
        created_at=snap["created_at"],
        updated_at=snap["updated_at"],
    )


def _without_id(snapshot: dict | None) -> dict | None:
    return None if snapshot is None else {k: v for k, v in snapshot.items() if k != "id"}


def _loads(s: str | None) -> dict | None:
    return json.loads(s) if s is not None else None


def _clip(s: str, n: int = 40) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


