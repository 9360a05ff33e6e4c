"""Storage layer: peewee models over SQLite. The only package that imports peewee."""

from annotator.store.db import Project, open_project
from annotator.store.models import SCHEMA_VERSION

__all__ = ["Project", "open_project", "SCHEMA_VERSION"]
