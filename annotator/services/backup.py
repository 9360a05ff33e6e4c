"""Backups: a consistent copy of the project while it is in use (SQLite's online backup API),
on demand (``annotator backup``, File > Back up project) and as rolling automatic backups."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from annotator.domain.errors import ExportError, Msg
from annotator.store.db import Project, backup_file

KEEP = 10


def backups_dir(project: Project) -> Path:
    return project.path.with_name(project.path.name + ".backups")


def backup_project(project: Project, dest: Path | None = None, force: bool = False) -> Path:
    """Write a consistent copy to ``dest`` (default: a new timestamped file in the backups folder)."""
    if dest is None:
        folder = backups_dir(project)
        folder.mkdir(exist_ok=True)
        # microseconds keep names unique and in time order when sorted
        dest = folder / f"{project.path.stem}-{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}.sqlite"
    else:
        dest = Path(dest)
        if dest.exists() and not force:
            raise ExportError(Msg.E001.format(path=dest))
        if dest.resolve() == project.path.resolve():
            raise ExportError(Msg.E002.format(path=dest, detail="that is the project file itself"))
    return backup_file(project.path, "backup", dest=dest)


def rolling_backup(project: Project, keep: int = KEEP) -> Path:
    """A new automatic backup; only the newest ``keep`` automatic backups are kept."""
    path = backup_project(project)
    old = sorted(backups_dir(project).glob(f"{project.path.stem}-*.sqlite"))
    for stale in old[:-keep]:
        stale.unlink(missing_ok=True)
    return path
