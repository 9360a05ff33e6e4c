"""The review mode: a reviewer adjudicates the annotators' work into the gold layer.

Review › Start review (Ctrl+Shift+R) reloads the window on the reviewer's **gold-layer**
:class:`~annotator.services.annotate.AnnotationSession` (``ReviewSession.session``): the article
view and the inspector then show and edit the reviewer's gold decisions, and the window's one
``QUndoStack`` holds gold actions. On top of that:

* the article list is replaced by the **review queue** (:mod:`annotator.ui.review_queue`):
  unreviewed articles first, most disagreement first, with a disagreement count column;
* the **review panel** (a bottom dock, :mod:`annotator.ui.review_panel`) lists the article's items
  with each annotator's version side by side, and the article view marks the open items
  (:mod:`annotator.ui.review_view`);
* every decision is ONE call of :class:`~annotator.services.review.ReviewSession` run through
  :meth:`Workbench.commit`, so it is saved at once and pushed as one undoable command: keys
  **1–9** accept annotator 1–9's version of the current item (the numbers follow the annotators'
  names and are shown in the panel; the number of an annotator who marked nothing there rejects
  the item), **X** rejects it, **Shift+A** accepts everything the annotators agree on in one step,
  **J/K** move between items, **PgDown/PgUp** between the queue's articles, and **Ctrl+Enter**
  marks the article reviewed and opens the next unreviewed one;
* an accepted item's gold span is edited with the normal inspector and keys (label, boundaries,
  stance, source, note; Delete takes the decision back);
* the status bar shows reviewed / total.

The review actions reuse labelling keys, so while the mode is on, every labelling action whose
keys a review action uses is disabled (and enabled again when the mode ends); outside the mode
the review actions are disabled. Review › Stop review reloads the annotator's own work.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import QDockWidget, QLabel, QProgressBar

from annotator.domain.errors import AnnotationError, AnnotatorError
from annotator.domain.model import ArticleState
from annotator.services.annotate import ActionResult
from annotator.services.review import ArticleReview, ReviewItem, ReviewSession
from annotator.ui.actions import SPECS
from annotator.ui.review_panel import ReviewPanel
from annotator.ui.review_queue import ReviewQueueList
from annotator.ui.review_view import ReviewMarks, review_legend

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

REVIEW_ONLY = tuple(s.name for s in SPECS if s.review_only)
# labelling actions that make no sense on the gold layer (besides those whose keys are reused)
ALSO_OFF = ("mark_skipped", "accept_all")
MAX_KEYED = 9


class ReviewMode(QObject):
    """The main window's review mode (see the module docstring)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.bench = window.bench
        self.actions = window.actions
        self.review: ReviewSession | None = None
        self.active = False
        self.reviewer = ""
        self.data: ArticleReview | None = None
        self.current: str | None = None
        self.order: list[str] = []  # annotators in key order (1, 2, ...)
        self._disabled: list[QAction] = []
        self._syncing = False
        self.marks: ReviewMarks | None = None

        self.panel = ReviewPanel(self.actions, window)
        self.panel.hide()
        # made when the mode first starts: a dock that exists when the window restores its saved
        # state would come back at start-up, outside the review mode
        self.dock: QDockWidget | None = None
        self.queue = ReviewQueueList(window)
        self.queue.hide()
        bar = window.statusBar()
        self.progress_label = QLabel(bar)
        self.progress_label.setObjectName("status_review_progress")
        self.progress_bar = QProgressBar(bar)
        self.progress_bar.setObjectName("status_review_bar")
        self.progress_bar.setMaximumWidth(120)
        self.progress_bar.setMaximumHeight(12)
        self.progress_bar.setTextVisible(False)
        for w in (self.progress_label, self.progress_bar):
            bar.addPermanentWidget(w)
            w.hide()
        self._wire()

    def _wire(self) -> None:
        a = self.actions
        slots: dict[str, Callable[[], None]] = {
            "start_review": self.start,
            "stop_review": self.stop,
            "review_reject": self.reject,
            "review_accept_agreed": self.accept_agreed,
            "review_next_item": partial(self.step_item, +1),
            "review_previous_item": partial(self.step_item, -1),
            "review_next_article": partial(self.step_article, +1),
            "review_previous_article": partial(self.step_article, -1),
            "review_mark_next": self.mark_reviewed_and_next,
        }
        for n in range(1, MAX_KEYED + 1):
            slots[f"review_accept_{n}"] = partial(self.accept_number, n)
        for name, slot in slots.items():
            a[name].triggered.connect(lambda _checked=False, slot=slot: slot())
        b = self.bench
        b.documentOpened.connect(self._on_opened)
        b.documentChanged.connect(self._on_changed)
        b.focusChanged.connect(self._on_bench_focus)
        b.articleTouched.connect(self._on_touched)
        self.panel.itemSelected.connect(self.select_item)
        self.panel.versionChosen.connect(self.accept_version)
        self.queue.articleChosen.connect(self.bench.open_article)

    # ---- entering and leaving -----------------------------------------------------------------
    def start(self) -> None:
        """Review the open project as the current annotator (the gold layer of that name)."""
        w = self.window
        if w.project is None or self.active:
            return
        reviewer = (self.bench.session.annotator_name if self.bench.session else "") or w.settings.annotator
        try:
            review = ReviewSession(w.project, reviewer)
            entries = review.queue()
        except AnnotatorError as exc:
            w.show_error(exc.message)
            return
        resumed = review.session.last_article()  # None: this reviewer starts at the head of the queue
        self.review, self.reviewer, self.active = review, reviewer, True
        self.order = sorted({n for e in entries for n in e.annotators})
        self.queue.set_entries(entries)
        self.bench.show_suggestions = False
        try:
            w.load_project(w.project, reviewer, session=review.session)
        except AnnotatorError as exc:  # pragma: no cover - load_project reports its own errors
            self.leave_ui()
            w.show_error(exc.message)
            return
        self._enter_ui()
        aid = self.bench.article_id
        ids = self.queue.ids()
        if resumed is None or aid not in ids or self.queue.model.entries[ids.index(aid)].reviewed:
            target = self.queue.next_unreviewed() or (ids[0] if ids else None)
            if target is not None and target != aid:
                self.bench.open_article(target)
                return
        self._on_opened(self.bench.doc)

    def stop(self) -> None:
        """Back to labelling: reload the annotator's own work."""
        w = self.window
        if not self.active or w.project is None:
            return
        w.load_project(w.project, w.settings.annotator or self.reviewer)  # calls leave_ui first

    def _enter_ui(self) -> None:
        w = self.window
        if w.splitter.indexOf(self.queue) < 0:
            w.splitter.replaceWidget(w.splitter.indexOf(w.article_list), self.queue)
            w.article_list.setParent(w)  # QSplitter.replaceWidget leaves the old widget without a parent
            w.article_list.hide()
        self.queue.show()
        if self.dock is None:
            self.dock = QDockWidget("Review: the annotators' versions side by side", w)
            self.dock.setObjectName("review_dock")
            self.dock.setFeatures(
                QDockWidget.DockWidgetFeature.DockWidgetMovable | QDockWidget.DockWidgetFeature.DockWidgetFloatable
            )
            self.dock.setWidget(self.panel)
        w.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.show()
        self.panel.show()
        w.resizeDocks([self.dock], [290], Qt.Orientation.Vertical)
        self.panel.scheme = self.bench.scheme
        if self.marks is None and w.view is not None:
            self.marks = ReviewMarks(w.view)
            self.marks.itemClicked.connect(self.select_item)
        if self.marks is not None:
            self.marks.attach()
        # actions: the review keys replace the labelling keys they reuse
        review_keys = {k.toString() for n in REVIEW_ONLY for k in self.actions[n].shortcuts()}
        self._disabled = []
        for group, actions in self.actions.groups.items():
            if group == "Review":
                continue
            for action in actions:
                clash = any(k.toString() in review_keys for k in action.shortcuts())
                if action.isEnabled() and (clash or action.objectName() in ALSO_OFF):
                    action.setEnabled(False)
                    self._disabled.append(action)
        for name in REVIEW_ONLY:
            self.actions[name].setEnabled(True)
        self.actions["start_review"].setEnabled(False)
        self._number_actions()
        for name in ("review_reject", "review_accept_agreed", "review_mark_next"):
            action = self.actions[name]
            keys = action.shortcuts()
            short = action.iconText().split("  ", 1)[-1]
            if keys:
                action.setIconText(f"{keys[0].toString(QKeySequence.SequenceFormat.NativeText)}  {short}")
        if self.bench.scheme is not None:
            pal = w.legend.palette()
            w.legend.setText(
                review_legend(
                    self.bench.scheme,
                    pal.color(QPalette.ColorRole.Base).name(),
                    pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text).name(),
                )
            )
        s = w.status
        s.progress_text.hide()
        s.progress.hide()
        self.progress_label.show()
        self.progress_bar.show()
        s.annotator.setText(f"Reviewer: {self.reviewer} (gold layer)")
        self._update_progress()
        w.setWindowTitle(w.windowTitle().replace(" — annotator", " — review — annotator"))

    def leave_ui(self) -> None:
        """Undo :meth:`_enter_ui` (the window then loads the labelling session)."""
        if not self.active:
            return
        w = self.window
        self.active = False
        self.bench.show_suggestions = True
        self.data, self.current = None, None
        if w.splitter.indexOf(w.article_list) < 0:
            w.splitter.replaceWidget(w.splitter.indexOf(self.queue), w.article_list)
            self.queue.setParent(w)
        w.article_list.show()
        self.queue.hide()
        if self.dock is not None:
            w.removeDockWidget(self.dock)
            self.dock.hide()
        if self.marks is not None:
            self.marks.detach()
        for action in self._disabled:
            try:
                action.setEnabled(True)
            except RuntimeError:  # a label action deleted since (a new scheme)
                pass
        self._disabled = []
        for name in REVIEW_ONLY:
            self.actions[name].setEnabled(False)
        self.actions["start_review"].setEnabled(True)
        w.status.progress_text.show()
        w.status.progress.show()
        self.progress_label.hide()
        self.progress_bar.hide()

    def shutdown(self) -> None:
        """The window closes: take the marks off the article view (see :class:`ReviewMarks`)."""
        if self.marks is not None:
            self.marks.detach()

    def _number_actions(self) -> None:
        """Keys 1-9: the annotators in name order (the same numbers in every article)."""
        for n in range(1, MAX_KEYED + 1):
            action = self.actions[f"review_accept_{n}"]
            name = self.order[n - 1] if n <= len(self.order) else None
            action.setData(name)
            action.setText(f"Accept {name}'s version" if name else f"Accept version &{n}")
            action.setIconText(f"{n}  {name}" if name else str(n))
            action.setToolTip(
                (f"Accept {name}'s version of the current item into gold" if name else "No annotator has this number")
                + f" ({n})"
            )
            action.setEnabled(self.active and name is not None)

    def numbers(self) -> dict[str, int]:
        return {n: i for i, n in enumerate(self.order, start=1)}

    def refresh_queue(self) -> None:
        """Recompute the queue (after a merge brought new work)."""
        if not self.active or self.review is None:
            return
        entries = self.review.queue()
        for n in sorted({n for e in entries for n in e.annotators}):
            if n not in self.order:
                self.order.append(n)
        self.queue.set_entries(entries)
        self.queue.select(self.bench.article_id)
        self._number_actions()
        self._update_progress()
        self._reload()

    # ---- reactions to the workbench -----------------------------------------------------------
    def _on_opened(self, doc) -> None:
        if not self.active:
            return
        self.queue.select(doc.article_id if doc is not None else None)
        self.current = None
        for b in self.window.inspector.article_buttons:
            b.setEnabled(bool(b.defaultAction() and b.defaultAction().isEnabled()))
        self._reload(sync_focus=True)

    def _on_changed(self, _change) -> None:
        if self.active:
            self._reload()

    def _on_touched(self, article_id: int) -> None:
        if self.active and self.review is not None:
            self.queue.set_status(article_id, self.review.session.status(article_id))
            self._update_progress()

    def _on_bench_focus(self, key) -> None:
        """A gold span got the focus (a click in the text, Tab): select its item."""
        if not self.active or self._syncing or self.data is None or key is None or key[0] != "a":
            return
        for item in self.data.items:
            if any(g.id == key[1] for g in item.gold):
                if item.key != self.current:
                    self.current = item.key
                    self.panel.select(item.key)
                    if self.marks is not None:
                        self.marks.set_current(item.key)
                return

    def _reload(self, sync_focus: bool = False) -> None:
        """Re-read the open article's review (after any gold change) and redraw."""
        aid = self.bench.article_id
        data = None
        if aid is not None and self.review is not None:
            try:
                data = self.review.view(aid)
            except AnnotatorError as exc:
                self.window.show_error(exc.message)
        self.data = data
        for n in data.annotators if data else ():
            if n not in self.order:
                self.order.append(n)
                self._number_actions()
        if data is None or data.item(self.current) is None:
            self.current = self._first_open(None)
        numbers = self.numbers()
        empty = "No article to review." if aid is None else ""
        self.panel.show_review(data, self.current, numbers, self.reviewer, empty)
        if self.marks is not None:
            self.marks.show_review(data, self.current, numbers)
        if sync_focus:
            self._sync_focus()

    def _update_progress(self) -> None:
        reviewed, total = self.queue.progress()
        self.progress_label.setText(f"{reviewed} / {total} reviewed")
        self.progress_bar.setRange(0, max(1, total))
        self.progress_bar.setValue(reviewed)
        self.progress_bar.setToolTip(f"{reviewed} of {total} articles in the review queue are reviewed")

    # ---- items --------------------------------------------------------------------------------
    def current_item(self) -> ReviewItem | None:
        return self.data.item(self.current) if self.data is not None and self.current else None

    def _first_open(self, after: str | None) -> str | None:
        """The first open item after ``after`` in text order (wrapping), else the first item."""
        items = self.data.items if self.data is not None else []
        if not items:
            return None
        keys = [i.key for i in items]
        start = keys.index(after) + 1 if after in keys else 0
        for item in items[start:] + items[:start]:
            if item.state == "open" and item.key != after:
                return item.key
        return after if after in keys else keys[0]

    def select_item(self, key: str | None) -> None:
        """Make ``key`` the current item: panel row, frame in the text, gold span in the inspector."""
        if not self.active or self.data is None or self.data.item(key) is None:
            return
        self.current = key
        self.panel.select(key)
        if self.marks is not None:
            self.marks.set_current(key)
            self._scroll_to(self.data.item(key))
        self._sync_focus()

    def _scroll_to(self, item: ReviewItem) -> None:
        view, doc = self.window.view, self.bench.doc
        if view is None or doc is None or view.textCursor().hasSelection():
            return
        cursor = view.textCursor()
        cursor.setPosition(doc.offsets.to_qt(item.start))
        view.setTextCursor(cursor)
        view.ensureCursorVisible()

    def _sync_focus(self) -> None:
        """Focus the current item's gold span (the inspector edits it); nothing if undecided."""
        item = self.current_item()
        gold = ([g for g in item.gold if g.status != "rejected"] or list(item.gold)) if item is not None else []
        key = ("a", gold[0].id) if gold else None
        if key is not None and self.bench.doc is not None and self.bench.doc.get(key) is None:
            key = None
        self._syncing = True
        try:
            self.bench.set_focus(key)
        finally:
            self._syncing = False

    def step_item(self, step: int) -> None:
        if self.data is None or not self.data.items:
            return
        keys = [i.key for i in self.data.items]
        i = keys.index(self.current) + step if self.current in keys else (0 if step > 0 else len(keys) - 1)
        if 0 <= i < len(keys):
            self.select_item(keys[i])

    def step_article(self, step: int) -> None:
        target = self.queue.neighbour(self.bench.article_id, step)
        if target is not None:
            self.bench.open_article(target)

    # ---- decisions ----------------------------------------------------------------------------
    def _decide(self, run: Callable[[], ActionResult], key: str) -> bool:
        if not self.bench.commit(run):
            return False
        nxt = self._first_open(key)
        if nxt is not None:
            self.select_item(nxt)
        return True

    def _target(self) -> tuple[int, ReviewItem] | None:
        item, aid = self.current_item(), self.bench.article_id
        if item is None or aid is None or self.review is None:
            self.bench.notice.emit("No review item is selected")
            return None
        return aid, item

    def accept_number(self, n: int) -> None:
        """Key ``n``: accept the version of the ``n``-th annotator."""
        name = self.actions[f"review_accept_{n}"].data()
        target = self._target()
        if target is not None and name:
            self.accept_version(target[1].key, name)

    def accept_version(self, key: str, annotator: str) -> None:
        """Accept ``annotator``'s version of item ``key`` (their "no span" rejects the item)."""
        aid, review = self.bench.article_id, self.review
        item = self.data.item(key) if self.data is not None else None
        if aid is None or review is None or item is None:
            return
        if item.version_of(annotator) is not None:
            self._decide(lambda: review.accept(aid, key, annotator), key)
        elif annotator in item.missing:
            self._decide(lambda: review.reject(aid, key), key)
        else:
            self.bench.notice.emit(f"{annotator} did not label this article")

    def reject(self) -> None:
        target = self._target()
        if target is None:
            return
        aid, item = target
        review = self.review
        self._decide(lambda: review.reject(aid, item.key), item.key)

    def accept_agreed(self) -> None:
        aid, review = self.bench.article_id, self.review
        if aid is None or review is None or self.data is None:
            return
        if not any(i.agreed and i.state == "open" for i in self.data.items):
            self.bench.notice.emit("Nothing the annotators agree on is left open in this article")
            return

        def run() -> ActionResult:
            result = review.accept_agreed(aid)
            if result is None:
                raise AnnotationError("nothing the annotators agree on is left open in this article")
            return result

        if self.bench.commit(run):
            nxt = self._first_open(None)
            if nxt is not None:
                self.select_item(nxt)

    def mark_reviewed_and_next(self) -> None:
        aid, review = self.bench.article_id, self.review
        if aid is None or review is None:
            return
        left = self.data.open if self.data is not None else 0
        if review.session.status(aid) != ArticleState.DONE.value and not self.bench.commit(lambda: review.mark_reviewed(aid)):
            return
        nxt = self.queue.next_unreviewed(after=aid)
        if nxt is not None:
            self.bench.open_article(nxt)
        note = f"Marked reviewed with {left} undecided item(s): they are not in the gold layer. " if left else ""
        if nxt is None:
            note += "Every article of the review queue is reviewed."
        if note:
            self.bench.notice.emit(note.strip())
