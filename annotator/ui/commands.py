"""Undo commands: one ``QUndoCommand`` per analyst edit, replayed through the service's log.

Pattern of orange-canvas-core's ``document/commands.py``: the command's ``redo()``/``undo()``
call the model layer, here :class:`AnnotationSession`, whose ``undo``/``redo`` revert or replay the
logged action in one transaction. An edit is committed *before* its command is pushed (so a
failing edit never enters the stack); the first ``redo()`` that ``QUndoStack.push`` makes is
therefore skipped. Commands remember their article and ask the workbench to switch to it, so
history survives moving between articles, and the stack is rebuilt from the persistent log on
open (:func:`rebuild_stack`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.ui.document import SpanKey


class Replayer(Protocol):
    """What a command needs from the workbench."""

    def replay(self, command: EditCommand, undo: bool) -> None: ...


class EditCommand(QUndoCommand):
    """One logged action of the annotation session (accept, relabel, add claim, mark done…)."""

    def __init__(
        self,
        replayer: Replayer,
        article_id: int | None,
        action_uid: str,
        text: str,
        focus_before: SpanKey | None = None,
        focus_after: SpanKey | None = None,
    ) -> None:
        super().__init__(text)
        self.replayer = replayer
        self.article_id = article_id
        self.action_uid = action_uid
        self.focus_before = focus_before
        self.focus_after = focus_after
        self.skip_redo = True  # already committed when pushed
        self.skip_undo = False  # set while rebuilding the redo part of the stack

    def redo(self) -> None:
        if self.skip_redo:
            self.skip_redo = False
            return
        self.replayer.replay(self, undo=False)

    def undo(self) -> None:
        if self.skip_undo:
            self.skip_undo = False
            return
        self.replayer.replay(self, undo=True)


class LoggedAction(Protocol):
    """The fields of a logged action (``AnnotationSession.undo_stack()`` rows) used here."""

    uid: str
    description: str
    article_id: int | None


def rebuild_stack(
    stack: QUndoStack, replayer: Replayer, done: Sequence[LoggedAction], undone: Sequence[LoggedAction]
) -> None:
    """Fill an empty stack from the persistent log without touching the database.

    ``done``: oldest first; ``undone``: as ``AnnotationSession.redo_stack()`` returns them, the
    next to redo last.
    """
    stack.clear()
    for action in done:
        stack.push(EditCommand(replayer, action.article_id, action.uid, action.description))
    redo_order = list(reversed(undone))
    for action in redo_order:
        stack.push(EditCommand(replayer, action.article_id, action.uid, action.description))
    for _ in redo_order:
        stack.command(stack.index() - 1).skip_undo = True
        stack.undo()
    stack.setClean()
