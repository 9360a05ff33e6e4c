"""Backups: a consistent copy of the project while it is in use (SQLite's online backup API),
on demand (``annotator backup``, File > Back up project) and as rolling automatic backups.

A team project on a PostgreSQL server is backed up with the server's tools (``pg_dump``); here
it gets a consistent snapshot written as an ordinary SQLite project file (one REPEATABLE READ
transaction, see :func:`annotator.store.server.snapshot_to_sqlite`), by default in
``DBNAME.backups/`` of the current folder (a server project has no folder of its own)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from annotator.domain.errors import ExportError, Msg
from annotator.store.db import Project, backup_file
from annotator.store.server import is_server_project, is_server_url, redact, same_database, snapshot_to_sqlite

KEEP = 10


def backups_dir(project: Project) -> Path:
    if is_server_project(project):
        return Path.cwd() / f"{project.path.stem}.backups"
    return project.path.with_name(project.path.name + ".backups")


def backup_project(project: Project, dest: Path | None = None, force: bool = False) -> Path:
    """Write a consistent copy to ``dest`` (default: a new timestamped file in the backups folder)."""
    if dest is None:
        folder = backups_dir(project)
        folder.mkdir(exist_ok=True)
        # microseconds keep names unique and in time order when sorted
        dest = folder / f"{project.path.stem}-{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}.sqlite"
    else:
        if is_server_url(dest):  # a backup is a file, never another database (nor this one)
            itself = same_database(dest, project.path)
            raise ExportError(Msg.E002.format(
                path=redact(dest),
                detail="that is the project itself" if itself else "a backup is written to a file, not to a server"))
        dest = Path(dest)
        if dest.exists() and not force:
            raise ExportError(Msg.E001.format(path=dest))
        if not is_server_project(project) and dest.resolve() == project.path.resolve():
            raise ExportError(Msg.E002.format(path=dest, detail="that is the project file itself"))
    if is_server_project(project):
        return snapshot_to_sqlite(project, dest)
    return backup_file(project.path, "backup", dest=dest)


def rolling_backup(project: Project, keep: int = KEEP) -> Path:
    """A new automatic backup; only the newest ``keep`` automatic backups are kept."""
    path = backup_project(project)
    old = sorted(backups_dir(project).glob(f"{project.path.stem}-*.sqlite"))
    for stale in old[:-keep]:
        stale.unlink(missing_ok=True)
    return path
