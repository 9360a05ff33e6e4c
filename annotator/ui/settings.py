"""Everything the app remembers between runs (QSettings) and the default key map.

Keys live here and in the label scheme (entity keys 1-9, stance keys Q/W/E/R), never in widgets:
:mod:`annotator.ui.actions` reads :func:`AppSettings.keys` to give each action its shortcuts. A
user can override any action's keys in the settings file, group ``keys``, e.g.
``accept=A;Return``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANISATION = "annotator"
APPLICATION = "annotator"
MAX_RECENT = 8
DEFAULT_ZOOM = 0  # points added to the system font size

# action name -> default shortcuts (QKeySequence portable text)
DEFAULT_KEYS: dict[str, tuple[str, ...]] = {
    "accept": ("A",),
    "reject": ("X",),
    "accept_all": ("Shift+A",),
    "next_span": ("J",),
    "previous_span": ("K",),
    "new_claim": ("C",),
    "set_source": ("S",),
    "set_boundaries": ("B",),
    "delete_span": ("Del", "Backspace"),
    "extend_end": ("Alt+Right",),
    "shrink_end": ("Alt+Left",),
    "extend_start": ("Alt+Shift+Left",),
    "shrink_start": ("Alt+Shift+Right",),
    "mark_done": ("Ctrl+Return", "Ctrl+Enter"),
    "mark_skipped": ("Ctrl+Shift+Return", "Ctrl+Shift+Enter"),
    "reopen": (),
    "next_article": ("PgDown",),
    "previous_article": ("PgUp",),
    "undo": ("Ctrl+Z",),
    "redo": ("Ctrl+Shift+Z", "Ctrl+Y"),
    "search": ("Ctrl+F",),
    "zoom_in": ("Ctrl+=", "Ctrl++"),
    "zoom_out": ("Ctrl+-",),
    "zoom_reset": ("Ctrl+0",),
    "new_project": ("Ctrl+N",),
    "open_project": ("Ctrl+O",),
    "import_files": ("Ctrl+I",),
    "import_folder": ("Ctrl+Shift+I",),
    "export": ("Ctrl+E",),
    "preannotate": (),
    "cancel_task": (),
    "switch_annotator": (),
    "shortcuts": ("F1",),
    "quit": ("Ctrl+Q",),
}


class AppSettings:
    """Typed access to the app's QSettings (per user; tests use QStandardPaths test mode)."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._s = qsettings or QSettings(ORGANISATION, APPLICATION)

    # ---- identity and projects ----------------------------------------------------------------
    @property
    def annotator(self) -> str:
        return str(self._s.value("annotator", "") or "")

    @annotator.setter
    def annotator(self, name: str) -> None:
        self._s.setValue("annotator", name)

    @property
    def last_project(self) -> Path | str | None:
        """A project file's path, or a team project's URL (a str, without password), or None."""
        value = self._s.value("last_project", "")
        return _project_ref(value) if value else None

    def recent_projects(self) -> list[Path | str]:
        value = self._s.value("recent_projects", [])
        if isinstance(value, str):
            value = [value] if value else []
        return [_project_ref(v) for v in value or []]

    def add_recent(self, path: Path | str) -> None:
        path = _project_ref(path, resolve=True)
        recent = [p for p in self.recent_projects() if p != path]
        recent.insert(0, path)
        self._s.setValue("recent_projects", [str(p) for p in recent[:MAX_RECENT]])
        self._s.setValue("last_project", str(path))

    # ---- window state -------------------------------------------------------------------------
    def restore_bytes(self, key: str) -> QByteArray | None:
        value = self._s.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def save_bytes(self, key: str, value: QByteArray) -> None:
        self._s.setValue(key, value)

    @property
    def zoom(self) -> int:
        try:
            return int(self._s.value("zoom", DEFAULT_ZOOM))
        except (TypeError, ValueError):
            return DEFAULT_ZOOM

    @zoom.setter
    def zoom(self, points: int) -> None:
        self._s.setValue("zoom", int(points))

    # ---- keys ---------------------------------------------------------------------------------
    def keys(self, action: str) -> tuple[str, ...]:
        """Shortcuts of ``action``: the user's override from group ``keys``, else the default."""
        value = self._s.value(f"keys/{action}")
        if value is None:
            return DEFAULT_KEYS.get(action, ())
        if isinstance(value, (list, tuple)):
            value = ";".join(str(v) for v in value)
        return tuple(k.strip() for k in str(value).split(";") if k.strip())

    def set_keys(self, action: str, keys: tuple[str, ...]) -> None:
        """Override ``action``'s shortcuts (read when the window builds its actions)."""
        self._s.setValue(f"keys/{action}", ";".join(keys))

    def sync(self) -> None:
        self._s.sync()


def _project_ref(value: object, resolve: bool = False) -> Path | str:
    """A remembered project: a Path, or a team project's ``postgresql://`` URL kept as a str.
    ``str()`` of an open server project's path is its URL without the password, so no password
    is ever written to the settings."""
    text = str(value)
    if text.startswith(("postgresql://", "postgres://")):
        from annotator.store.server import redact

        return redact(text)
    return Path(text).resolve() if resolve else Path(text)
