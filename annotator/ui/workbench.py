"""The workbench: what the analyst is working on and every edit they can make, without widgets.

It owns the :class:`AnnotationSession`, the open :class:`ArticleDocument`, the focused span and
the window's one ``QUndoStack``. Each edit calls the service once (one transaction), updates the
document in place from the logged action's effect, pushes one :class:`EditCommand` and emits
signals that the view, the inspector and the list turn into minimal repaints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, QThread, Signal
from PySide6.QtGui import QUndoStack

from annotator.domain.errors import AnnotatorError
from annotator.domain.model import ArticleState, ArticleSummary, Kind, Status
from annotator.domain.scheme import LabelScheme
from annotator.services.annotate import ActionEffect, ActionResult, AnnotationSession
from annotator.services.articles import ArticleQuery
from annotator.store import guard
from annotator.store.db import Project
from annotator.ui.commands import EditCommand, rebuild_stack
from annotator.ui.document import ArticleDocument, SpanItem, SpanKey
from annotator.ui.snap import move_boundary

Selection = tuple[int, int] | None


def keep_painting() -> None:
    """``guard.WAIT_HOOK`` of the app: while an edit waits for a lock another program holds
    (up to the lock budget, then the P006 dialog), the window keeps painting and its timers
    run. User input waits, so no second edit starts meanwhile."""
    app = QCoreApplication.instance()
    if app is not None and QThread.currentThread() == app.thread():
        app.processEvents(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)


class Workbench(QObject):
    """Controller between the widgets and the annotation services."""

    documentOpened = Signal(object)  # ArticleDocument | None
    documentChanged = Signal(object)  # DocChange
    focusChanged = Signal(object)  # SpanKey | None
    articleTouched = Signal(int)  # an article's status or counts changed
    progressChanged = Signal()
    saved = Signal(str)  # description of the change just committed
    failed = Signal(str)  # a message for an error dialog
    notice = Signal(str)  # a hint for the status bar
    selectionUsed = Signal()  # the view's selection was turned into a span

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project: Project | None = None
        self.session: AnnotationSession | None = None
        self.query: ArticleQuery | None = None
        self.doc: ArticleDocument | None = None
        self.focus: SpanKey | None = None
        self.stack = QUndoStack(self)
        guard.WAIT_HOOK = keep_painting
        # False in the review mode: the document shows the reviewer's gold decisions only
        self.show_suggestions = True
        # The article list's ids in display order (its sort and filter): marking an article done
        # or skipped opens the next open one in that order. None: by id.
        self.article_order: Callable[[], Sequence[int]] | None = None

    # ---- project and article ------------------------------------------------------------------
    @property
    def scheme(self) -> LabelScheme | None:
        return self.session.scheme if self.session else None

    @property
    def article_id(self) -> int | None:
        return self.doc.article_id if self.doc else None

    def load(self, project: Project, annotator: str, session: AnnotationSession | None = None) -> None:
        """Work in ``project`` as ``annotator``: history from the log, resume the last article.

        ``session``: edit through this session instead of the annotator's work layer (the review
        mode passes the reviewer's gold-layer session; the undo stack then holds gold decisions).
        """
        self.project = project
        self.session = session or AnnotationSession(project, annotator)
        self.query = ArticleQuery(annotator, self.session.layer)
        self.doc = None
        self.focus = None
        self.rebuild_history()
        resume = self.session.resume_article()
        if resume is None:
            self.documentOpened.emit(None)
            self.focusChanged.emit(None)
        else:
            self.open_article(resume)

    def rebuild_history(self) -> None:
        """Make the undo stack match the persistent log (on open, or after a failed undo)."""
        if self.session is not None:
            rebuild_stack(self.stack, self, self.session.undo_stack(), self.session.redo_stack())

    def open_article(self, article_id: int, focus: SpanKey | None = None) -> None:
        """Show an article with the focus on ``focus``, else on its first open suggestion."""
        session = self.session
        if session is None:
            return
        try:
            doc = ArticleDocument(
                article_id,
                session.text(article_id),
                session.suggestions(article_id) if self.show_suggestions else (),
                session.annotations(article_id),
            )
        except AnnotatorError as exc:
            self.failed.emit(exc.message)
            return
        self._remember(article_id)
        self.doc = doc
        if doc.get(focus) is None:
            focus = doc.first_open() or doc.neighbour(None, +1)
        self.focus = focus
        self.documentOpened.emit(doc)
        self.focusChanged.emit(focus)

    def _remember(self, article_id: int) -> None:
        """Save the open article for the next start. A read-only project, or one that another
        program holds locked, can still be read: the article opens and the status bar says
        why it will not be remembered."""
        if self.session is None or (self.project is not None and self.project.readonly):
            return
        try:
            self.session.set_last_article(article_id)
        except AnnotatorError as exc:
            self.notice.emit(f"Cannot remember the open article: {exc.message}")

    def reload_article(self) -> None:
        """Re-read the open article (new suggestions arrived), keeping the focus if it still exists."""
        if self.doc is not None:
            self.open_article(self.doc.article_id, self.focus)

    def summary(self) -> ArticleSummary | None:
        """Metadata of the open article (title, outlet, date…; counts come from the document)."""
        if self.query is None or self.doc is None:
            return None
        return self.query.summary(self.doc.article_id, counts=False)

    def article_status(self) -> str:
        if self.session is None or self.doc is None:
            return ArticleState.NEW.value
        return self.session.status(self.doc.article_id)

    def article_note(self) -> str:
        if self.session is None or self.doc is None:
            return ""
        return self.session.article_note(self.doc.article_id)

    # ---- focus --------------------------------------------------------------------------------
    def focused(self) -> SpanItem | None:
        return self.doc.get(self.focus) if self.doc else None

    def set_focus(self, key: SpanKey | None) -> None:
        if self.doc is not None and (key is None or self.doc.get(key) is not None):
            self.focus = key
            self.focusChanged.emit(key)

    def step(self, direction: int) -> None:
        """Focus the next (+1) or previous (-1) visible span."""
        if self.doc is None:
            return
        key = self.doc.neighbour(self.focus, direction)
        if key is not None:
            self.set_focus(key)

    # ---- committing ---------------------------------------------------------------------------
    def commit(self, run: Callable[[], ActionResult]) -> bool:
        """Run one action of :attr:`session` (e.g. a review decision) as one undoable edit."""
        return self._commit(run)

    def _commit(self, run: Callable[[], ActionResult], advance_from: int | None = None) -> bool:
        """Run one service action, update the document, push its command.

        ``advance_from``: move the focus to the next open suggestion after this offset (after an
        accept or reject); otherwise the focus follows the edited span.
        """
        if self.session is None or self.doc is None:
            return False
        before = self.focus
        article_id = self.doc.article_id
        try:
            result = run()
        except AnnotatorError as exc:
            self.failed.emit(exc.message)
            return False
        effect = self.session.effect(result.action_uid)
        self._apply(effect)
        if advance_from is not None:
            focus = self.doc.next_open_after(advance_from) if self.doc else None
            self.set_focus(focus or self._follow(before, effect))
        else:
            self.set_focus(self._follow(before, effect))
        self.stack.push(EditCommand(self, article_id, result.action_uid, result.description, before, self.focus))
        self.saved.emit(result.description)
        return True

    def _apply(self, effect: ActionEffect) -> None:
        if self.doc is not None and effect.article_id == self.doc.article_id:
            change = self.doc.apply(effect)
            self.documentChanged.emit(change)
        if effect.article_id is not None:
            self.articleTouched.emit(effect.article_id)
        if effect.article_status:
            self.progressChanged.emit()

    def _follow(self, key: SpanKey | None, effect: ActionEffect) -> SpanKey | None:
        """Where the focus goes after an edit of ``key``: the span that now stands for it."""
        doc = self.doc
        if doc is None:
            return None
        if key is not None and key[0] == "s":
            for a in effect.annotations:
                if a.suggestion_id == key[1]:
                    item = doc.get(("a", a.id))
                    return item.key if item and item.visible else doc.next_open_after(a.start)
        visible = [("a", a.id) for a in effect.annotations if doc.get(("a", a.id)) and doc.get(("a", a.id)).visible]
        if key in visible:
            return key
        if visible:
            return visible[0]
        if key is not None and doc.get(key) is not None and doc.get(key).visible:
            return key
        return doc.first_open() or doc.neighbour(None, +1)

    def replay(self, command: EditCommand, undo: bool) -> None:
        """Undo or redo a logged action (called by the command), switching article if needed."""
        session = self.session
        if session is None:
            return
        if command.article_id is not None and command.article_id != self.article_id:
            self.open_article(command.article_id)
        try:
            result = session.undo(command.action_uid) if undo else session.redo(command.action_uid)
        except AnnotatorError as exc:
            self.failed.emit(exc.message)
            return
        effect = session.effect(result.action_uid)
        self._apply(effect)
        wanted = command.focus_before if undo else command.focus_after
        if self.doc is not None and self.doc.get(wanted) is not None:
            self.set_focus(wanted)
        else:
            self.set_focus(self._follow(None, effect))
        self.saved.emit(result.description)

    def undo(self) -> None:
        self._step_history(self.stack.undo, self.stack.canUndo())

    def redo(self) -> None:
        self._step_history(self.stack.redo, self.stack.canRedo())

    def _step_history(self, move: Callable[[], None], possible: bool) -> None:
        if not possible or self.session is None:
            return
        failures: list[str] = []

        def record(message: str) -> None:
            failures.append(message)

        self.failed.connect(record)
        try:
            move()
        finally:
            self.failed.disconnect(record)
        if failures:
            self.rebuild_history()  # the log is the truth; the stack follows it

    # ---- edits --------------------------------------------------------------------------------
    def _edit(self, item: SpanItem, advance: bool = False, **changes) -> bool:
        """Change a span: a suggestion is accepted with the change, a decision is updated."""
        session = self.session
        assert session is not None
        if not item.decided:
            return self._commit(lambda: session.accept(item.suggestion_id, **changes), item.start if advance else None)
        return self._commit(lambda: session.update(item.key[1], **changes))

    def accept(self) -> None:
        item = self.focused()
        if item is None or self.session is None:
            self.notice.emit("Nothing to accept: no suggestion is focused")
            return
        session = self.session
        if item.status in (Status.ACCEPTED.value, Status.CORRECTED.value, Status.ADDED.value):
            nxt = self.doc.next_open_after(item.start)
            if nxt is not None:
                self.set_focus(nxt)
            return
        self._commit(lambda: session.accept(item.suggestion_id), item.start)

    def reject(self) -> None:
        item = self.focused()
        if item is None or self.session is None or item.status == Status.REJECTED.value:
            return
        session = self.session
        if item.suggestion_id is None:
            self._commit(lambda: session.delete(item.key[1]), item.start)
        else:
            self._commit(lambda: session.reject(item.suggestion_id), item.start)

    def accept_all(self) -> None:
        if self.session is None or self.doc is None:
            return
        if not self.doc.open_count():
            self.notice.emit("No open suggestions in this article")
            return
        session, aid = self.session, self.doc.article_id
        self._commit(lambda: session.accept_all(aid))

    def delete(self) -> None:
        item = self.focused()
        if item is None or self.session is None:
            return
        if not item.decided:
            self.reject()
            return
        session = self.session
        self._commit(lambda: session.delete(item.key[1]), item.start)

    def _same_extent(self, kind: str, start: int, end: int) -> SpanItem | None:
        if self.doc is None:
            return None
        for item in self.doc.at(start):
            if item.kind == kind and item.start == start and item.end == end:
                return item
        return None

    def apply_label(self, label: str, selection: Selection) -> None:
        """Label key: the selection becomes an entity, or the focused entity gets the label."""
        if self.session is None or self.doc is None:
            return
        session, aid = self.session, self.doc.article_id
        if selection is not None:
            start, end = selection
            existing = self._same_extent(Kind.ENTITY.value, start, end)
            if existing is not None:
                self.set_focus(existing.key)
                self._relabel(existing, label)
            else:
                self._commit(lambda: session.add(aid, Kind.ENTITY.value, start, end, label))
            self.selectionUsed.emit()
            return
        item = self.focused()
        if item is None or item.is_claim:
            self.notice.emit("Select text, or focus an entity, to apply a label")
            return
        self._relabel(item, label)

    def _relabel(self, item: SpanItem, label: str) -> None:
        if item.decided and item.label == label and item.status != Status.REJECTED.value:
            return
        if item.status == Status.REJECTED.value:
            session = self.session
            self._commit(lambda: session.accept(item.suggestion_id, label=label))
            return
        self._edit(item, advance=not item.decided, label=label)

    def new_claim(self, selection: Selection) -> None:
        if self.session is None or self.doc is None:
            return
        if selection is None:
            self.notice.emit("Select the claimed text first, then press the claim key")
            return
        session, aid = self.session, self.doc.article_id
        start, end = selection
        if self._commit(lambda: session.add(aid, Kind.CLAIM.value, start, end)):
            self.selectionUsed.emit()

    def _focused_claim(self) -> SpanItem | None:
        item = self.focused()
        if item is None or not item.is_claim:
            self.notice.emit("Focus a claim first")
            return None
        return item

    def set_source(self, selection: Selection) -> None:
        """The selected text becomes the source (speaker) of the focused claim."""
        if selection is None:
            self.notice.emit("Select the source's name in the text first")
            return
        claim = self._focused_claim()
        if claim is None or self.doc is None:
            return
        start, end = selection
        name = " ".join(self.doc.text[start:end].split())
        if self._edit(claim, source_start=start, source_end=end, source_text=self.doc.text[start:end], source_name=name):
            self.selectionUsed.emit()

    def set_source_entity(self, entity: SpanKey | None) -> None:
        """Link the focused claim to one of the article's entities (None clears the source)."""
        claim = self._focused_claim()
        if claim is None or self.doc is None:
            return
        if entity is None:
            if claim.source is not None:
                self._edit(claim, source_start=None, source_end=None, source_text=None, source_name=None)
            return
        ent = self.doc.get(entity)
        if ent is None or (claim.source == (ent.start, ent.end)):
            return
        text = self.doc.text[ent.start : ent.end]
        self._edit(claim, source_start=ent.start, source_end=ent.end, source_text=text, source_name=" ".join(text.split()))

    def set_stance(self, stance: str) -> None:
        claim = self._focused_claim()
        if claim is not None and (claim.stance != stance or not claim.decided):
            self._edit(claim, stance=stance)

    def set_source_type(self, source_type: str | None) -> None:
        claim = self._focused_claim()
        if claim is not None and claim.source_type != source_type:
            self._edit(claim, source_type=source_type)

    def set_note(self, note: str) -> None:
        item = self.focused()
        if item is not None and item.note != note:
            self._edit(item, note=note)

    def set_boundaries(self, selection: Selection) -> None:
        item = self.focused()
        if item is None:
            self.notice.emit("Focus a span first")
            return
        if selection is None:
            self.notice.emit("Select the new extent of the span first")
            return
        if selection != (item.start, item.end) and self._edit(item, start=selection[0], end=selection[1]):
            self.selectionUsed.emit()

    def nudge(self, edge: str, direction: int) -> None:
        """Move the start or end of the focused span one word (snapped to word boundaries)."""
        item = self.focused()
        if item is None or self.doc is None:
            return
        start, end = move_boundary(self.doc.text, item.start, item.end, edge, direction)
        if (start, end) != (item.start, item.end):
            self._edit(item, start=start, end=end)

    def mark(self, status: str) -> None:
        """Mark the article done or skipped (or reopen it); done/skipped opens the next open article."""
        if self.session is None or self.doc is None:
            return
        session, aid = self.session, self.doc.article_id
        order = list(self.article_order()) if self.article_order is not None else []  # before a filter drops it
        if session.status(aid) != status and not self._commit(lambda: session.set_status(aid, status)):
            return
        if status in (ArticleState.DONE.value, ArticleState.SKIPPED.value):
            nxt = session.next_open_article(after=aid, order=order)
            if nxt is None:
                self.notice.emit("Every article is done or skipped")
            elif nxt != aid:
                self.open_article(nxt)

    def set_article_note(self, note: str) -> None:
        if self.session is None or self.doc is None or note == self.article_note():
            return
        session, aid = self.session, self.doc.article_id
        self._commit(lambda: session.set_article_note(aid, note))
