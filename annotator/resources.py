"""Where bundled files live: the label scheme, icons and the demo corpus.

Installed from a wheel they are inside the package (``annotator/_data/``); in a source checkout
or an editable install they are the top-level ``resources/`` and ``seeds/`` folders.
"""

from __future__ import annotations

import os
from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PKG / "_data" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} not found next to {_PKG}")


def resources_dir() -> Path:
    return _find("resources")


def seeds_dir() -> Path:
    return _find("seeds")


def default_scheme_path() -> Path:
    return resources_dir() / "default_scheme.toml"


def default_db_path() -> Path:
    """The default project file: ``ANNOTATOR_DB`` or the platform's user data directory."""
    env = os.environ.get("ANNOTATOR_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("annotator", appauthor=False)) / "default.annotator.sqlite"
