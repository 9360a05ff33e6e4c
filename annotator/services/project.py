"""Project-level settings: the label scheme and the annotators."""

from __future__ import annotations

from annotator.domain.errors import AnnotationError, Msg
from annotator.domain.scheme import LabelScheme, load_scheme, parse_scheme
from annotator.resources import default_scheme_path
from annotator.store import models as m
from annotator.store.db import Project

_SCHEME_KEY = "label_scheme_toml"
_scheme_cache: dict[tuple[str, str], LabelScheme] = {}


def get_scheme(project: Project) -> LabelScheme:
    """The project's scheme (stored in the project file); the bundled default if none is set."""
    text = project.get_info(_SCHEME_KEY)
    if text is None:
        return load_scheme(default_scheme_path())
    key = (str(project.path), text)
    if key not in _scheme_cache:
        _scheme_cache[key] = parse_scheme(text, f"{project.path} (stored label scheme)")
    return _scheme_cache[key]


def set_scheme(project: Project, path) -> LabelScheme:
    """Validate a TOML scheme file and store its text in the project."""
    scheme = load_scheme(path)
    project.set_info(_SCHEME_KEY, scheme.toml_text)
    return scheme


def get_or_create_annotator(name: str) -> m.Annotator:
    name = (name or "").strip()
    if not name:
        raise AnnotationError(Msg.A007)
    row = m.Annotator.get_or_none(m.Annotator.name == name)
    if row is None:
        row, _ = m.Annotator.get_or_create(name=name)
    return row
