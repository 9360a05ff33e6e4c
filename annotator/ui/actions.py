"""Every user action of the main window, built in one place.

Each action is a ``QAction`` with an ``objectName`` (so tests and menus find it by name), a
tooltip that names its keys, and shortcuts taken from :class:`AppSettings` (fixed actions) or from
the label scheme (entity labels and stances). Widgets never define shortcuts of their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from annotator.domain.scheme import LabelScheme
from annotator.ui.settings import DEFAULT_KEYS, AppSettings


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    tip: str
    group: str  # menu the action appears in, and its section in the shortcuts dialog
    auto_repeat: bool = False
    short: str = ""  # text on the inspector's buttons (QAction.iconText)
    keys: tuple[str, ...] = ()  # default keys of an action that settings.DEFAULT_KEYS does not list
    review_only: bool = False  # enabled only in the review mode (its keys reuse labelling keys)


SPECS: tuple[ActionSpec, ...] = (
    ActionSpec("new_project", "&New project…", "Create an empty project file", "File"),
    ActionSpec("open_project", "&Open project…", "Open a project file", "File"),
    ActionSpec("open_server", "Open &team project (PostgreSQL URL)…", "Open the team's shared project on a PostgreSQL server", "File"),
    ActionSpec("import_files", "&Import articles…", "Import .txt, .jsonl, .json, .csv or .html files", "File"),
    ActionSpec("import_folder", "Import &folder…", "Import every supported file in a folder", "File"),
    ActionSpec("export", "&Export annotations…", "Write the annotations as a dataset (JSONL, spaCy, CoNLL, CSV, brat)", "File"),
    ActionSpec("merge", "&Merge annotations…", "Bring analysts' project files into this project (checked first; all or nothing)", "File"),
    ActionSpec("backup", "&Back up project…", "Write a consistent copy of the project now (safe while you work)", "File"),
    ActionSpec("assign", "Assi&gn work…", "Split the articles among annotators, with overlap; each sees their queue", "File"),
    ActionSpec("preannotate", "&Pre-annotate new articles", "Suggest entities and claims for articles that have none", "File"),
    ActionSpec("cancel_task", "&Cancel background task", "Stop the running import or pre-annotation", "File"),
    ActionSpec("switch_annotator", "Switch &annotator…", "Label as someone else", "File"),
    ActionSpec("quit", "&Quit", "Close the app (everything is already saved)", "File"),
    ActionSpec("undo", "&Undo", "Undo the last change (also in other articles)", "Edit"),
    ActionSpec("redo", "&Redo", "Redo the last undone change", "Edit"),
    ActionSpec("accept", "&Accept", "Accept the focused suggestion", "Annotate"),
    ActionSpec("reject", "Re&ject", "Reject the focused suggestion", "Annotate"),
    ActionSpec("accept_all", "Accept a&ll in article", "Accept every open suggestion of this article in one step", "Annotate", short="Accept all"),
    ActionSpec("delete_span", "&Delete", "Delete the focused annotation (rejects a suggestion)", "Annotate"),
    ActionSpec("new_claim", "New &claim from selection", "Mark the selected text as a claim", "Annotate"),
    ActionSpec("set_source", "Set &source from selection", "Make the selected text the source of the focused claim", "Annotate", short="From selection"),
    ActionSpec("set_boundaries", "Set &boundaries from selection", "Give the focused span the selected extent", "Annotate"),
    ActionSpec("extend_start", "Extend start", "Move the start of the focused span one word left", "Annotate", True),
    ActionSpec("shrink_start", "Shrink start", "Move the start of the focused span one word right", "Annotate", True),
    ActionSpec("extend_end", "Extend end", "Move the end of the focused span one word right", "Annotate", True),
    ActionSpec("shrink_end", "Shrink end", "Move the end of the focused span one word left", "Annotate", True),
    ActionSpec("next_span", "&Next annotation", "Focus the next span (Tab in the article)", "Navigate", True),
    ActionSpec("previous_span", "&Previous annotation", "Focus the previous span (Shift+Tab in the article)", "Navigate", True),
    ActionSpec("mark_done", "Mark &done, open next", "Mark the article done and open the next open article", "Navigate", short="Done"),
    ActionSpec("mark_skipped", "Mark s&kipped, open next", "Skip the article and open the next open article", "Navigate", short="Skip"),
    ActionSpec("reopen", "&Reopen article", "Set the article back to in progress", "Navigate", short="Reopen"),
    ActionSpec("next_article", "Next &article", "Open the next article of the list", "Navigate", True),
    ActionSpec("previous_article", "Pre&vious article", "Open the previous article of the list", "Navigate", True),
    ActionSpec("search", "&Search articles", "Search titles, outlets and ids", "Navigate"),
    ActionSpec("zoom_in", "Zoom &in", "Larger article text", "View", True),
    ActionSpec("zoom_out", "Zoom &out", "Smaller article text", "View", True),
    ActionSpec("zoom_reset", "&Normal size", "Article text at the normal size", "View"),
    ActionSpec("agreement", "&Agreement…", "Inter-annotator agreement: span F1, kappa, alpha, confusion, per article and annotator", "View", keys=("Ctrl+Shift+G",)),
    ActionSpec("start_review", "Start &review", "Adjudicate the annotators' work into the gold layer", "Review", keys=("Ctrl+Shift+R",)),
    ActionSpec("stop_review", "&Stop review", "Back to labelling your own work", "Review", keys=("Ctrl+Shift+R",), review_only=True),
    *(
        ActionSpec(f"review_accept_{n}", f"Accept version &{n}", f"Accept annotator {n}'s version of the current item into gold", "Review", keys=(str(n),), review_only=True)
        for n in range(1, 10)
    ),
    ActionSpec("review_reject", "Re&ject item", "The current item is not a span (a rejected gold decision)", "Review", keys=("X",), review_only=True, short="Reject"),
    ActionSpec("review_accept_agreed", "Accept all a&greed", "Accept every item the annotators agree on, in one step", "Review", keys=("Shift+A",), review_only=True, short="Accept all agreed"),
    ActionSpec("review_next_item", "&Next item", "Select the next review item", "Review", True, keys=("J",), review_only=True),
    ActionSpec("review_previous_item", "&Previous item", "Select the previous review item", "Review", True, keys=("K",), review_only=True),
    ActionSpec("review_next_article", "Next article in &queue", "Open the next article of the review queue", "Review", True, keys=("PgDown",), review_only=True),
    ActionSpec("review_previous_article", "Previous article in q&ueue", "Open the previous article of the review queue", "Review", True, keys=("PgUp",), review_only=True),
    ActionSpec("review_mark_next", "&Mark reviewed, open next", "Mark the article reviewed and open the next unreviewed one of the queue", "Review", keys=("Ctrl+Return", "Ctrl+Enter"), review_only=True, short="Reviewed, next"),
    ActionSpec("shortcuts", "&Keyboard shortcuts", "List every key", "Help"),
)


def _keys_text(keys: list[QKeySequence]) -> str:
    return ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in keys)


class Actions:
    """The window's actions by name; ``actions["accept"]`` is the QAction named "accept"."""

    def __init__(self, window: QWidget, settings: AppSettings) -> None:
        self._window = window
        self._settings = settings
        self._by_name: dict[str, QAction] = {}
        self.groups: dict[str, list[QAction]] = {}
        for spec in SPECS:
            keys = settings.keys(spec.name) if spec.name in DEFAULT_KEYS else (settings.keys(spec.name) or spec.keys)
            action = self._make(spec.name, spec.text, spec.tip, spec.group, keys, spec.auto_repeat)
            if spec.short:
                action.setIconText(spec.short)
            if spec.review_only:
                action.setEnabled(False)
        self.label_actions: list[QAction] = []
        self.stance_actions: list[QAction] = []

    def _make(self, name: str, text: str, tip: str, group: str, keys: tuple[str, ...], repeat: bool = False) -> QAction:
        action = QAction(text, self._window)
        action.setObjectName(name)
        sequences = [QKeySequence(k) for k in keys]
        action.setShortcuts(sequences)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setAutoRepeat(repeat)
        action.setToolTip(f"{tip} ({_keys_text(sequences)})" if sequences else tip)
        action.setStatusTip(tip)
        self._window.addAction(action)
        self._by_name[name] = action
        self.groups.setdefault(group, []).append(action)
        return action

    def set_scheme(self, scheme: LabelScheme) -> None:
        """(Re)create the label and stance actions from the project's label scheme."""
        for action in self.label_actions + self.stance_actions:
            self._window.removeAction(action)
            del self._by_name[action.objectName()]
            action.deleteLater()
        self.groups["Labels"] = []
        self.groups["Stance"] = []
        self.label_actions = []
        for e in scheme.entities:
            a = self._make(
                f"label:{e.label}",
                e.label,
                f"Label the selection or the focused span {e.label}" + (f": {e.description}" if e.description else ""),
                "Labels",
                (e.key,) if e.key else (),
            )
            a.setData(e.label)
            self.label_actions.append(a)
        self.stance_actions = []
        for s in scheme.stances:
            a = self._make(
                f"stance:{s.label}",
                s.label,
                f"Stance of the focused claim: {s.label}" + (f" ({s.description})" if s.description else ""),
                "Stance",
                (s.key,) if s.key else (),
            )
            a.setData(s.label)
            a.setIconText(f"{s.label} ({s.key})" if s.key else s.label)
            a.setCheckable(True)
            self.stance_actions.append(a)

    def __getitem__(self, name: str) -> QAction:
        return self._by_name[name]

    def shortcut_rows(self) -> list[tuple[str, str, str]]:
        """(section, action text, keys) for the shortcuts dialog, in menu order."""
        rows = []
        for group, actions in self.groups.items():
            for a in actions:
                keys = _keys_text(a.shortcuts())
                if keys:
                    rows.append((group, a.text().replace("&", ""), keys))
        rows.append(("Navigate", "Next / previous annotation (in the article)", "Tab, Shift+Tab"))
        rows.append(("Annotate", "Select exactly, without snapping to words", "hold Alt while selecting"))
        return rows
