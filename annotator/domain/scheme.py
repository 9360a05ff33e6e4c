"""The project's label scheme: entity labels (colour, hotkey), stance labels, source types."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.errors import SchemeError

_COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_SCHEME_FILE = "default_scheme.toml"


@dataclass(frozen=True)
class EntityLabel:
    label: str
    colour: str
    key: str = ""
    description: str = ""


@dataclass(frozen=True)
class Choice:
    label: str
    key: str = ""
    description: str = ""


@dataclass(frozen=True)
class LabelScheme:
    name: str
    entities: tuple[EntityLabel, ...]
    stances: tuple[Choice, ...]
    source_types: tuple[Choice, ...]
    label_map: dict[str, str] = field(default_factory=dict)
    ignore_labels: frozenset[str] = frozenset()
    version: int = 1
    toml_text: str = ""

    @property
    def entity_labels(self) -> list[str]:
        return [e.label for e in self.entities]

    @property
    def stance_labels(self) -> list[str]:
        return [s.label for s in self.stances]

    @property
    def source_type_labels(self) -> list[str]:
        return [s.label for s in self.source_types]

    def entity(self, label: str) -> EntityLabel | None:
        for e in self.entities:
            if e.label == label:
                return e
        return None

    def colour(self, label: str) -> str:
        e = self.entity(label)
        return e.colour if e else "#999999"

    def map_label(self, model_label: str) -> str | None:
        """Scheme label for a label predicted by the NLP model, or None when it is ignored."""
        if model_label in self.ignore_labels:
            return None
        return self.label_map.get(model_label, model_label)


def parse_scheme(toml_text: str, origin: str = "<scheme>") -> LabelScheme:
    """Parse and validate a scheme; raises SchemeError naming ``origin`` and the problem."""
    try:
        data = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as exc:
        raise SchemeError(f"{origin}: not valid TOML ({exc})") from exc

    def _need_list(key: str) -> list[dict]:
        items = data.get(key, [])
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise SchemeError(f"{origin}: [[{key}]] must be a list of tables")
        return items

    entities: list[EntityLabel] = []
    seen: set[str] = set()
    keys: dict[str, str] = {}
    for i, item in enumerate(_need_list("entity"), 1):
        label = str(item.get("label", "")).strip()
        if not label:
            raise SchemeError(f"{origin}: entity #{i} has no label")
        if label in seen:
            raise SchemeError(f"{origin}: entity label {label!r} is defined twice")
        seen.add(label)
        colour = str(item.get("colour", item.get("color", "#999999")))
        if not _COLOUR_RE.match(colour):
            raise SchemeError(f"{origin}: entity {label!r} has colour {colour!r}; use #RRGGBB")
        key = str(item.get("key", "")).strip().upper()
        if key:
            if key in keys:
                raise SchemeError(f"{origin}: key {key!r} is used by {keys[key]!r} and {label!r}")
            keys[key] = label
        entities.append(EntityLabel(label, colour.upper(), key, str(item.get("description", ""))))
    if not entities:
        raise SchemeError(f"{origin}: the scheme defines no entity labels")

    def _choices(key: str) -> tuple[Choice, ...]:
        out: list[Choice] = []
        names: set[str] = set()
        for i, item in enumerate(_need_list(key), 1):
            label = str(item.get("label", "")).strip()
            if not label:
                raise SchemeError(f"{origin}: {key} #{i} has no label")
            if label in names:
                raise SchemeError(f"{origin}: {key} {label!r} is defined twice")
            names.add(label)
            hk = str(item.get("key", "")).strip().upper()
            if hk:
                if hk in keys:
                    raise SchemeError(f"{origin}: key {hk!r} is used by {keys[hk]!r} and {label!r}")
                keys[hk] = label
            out.append(Choice(label, hk, str(item.get("description", ""))))
        return tuple(out)

    stances = _choices("stance")
    source_types = _choices("source_type")
    if not stances:
        raise SchemeError(f"{origin}: the scheme defines no stance labels")
    if not source_types:
        raise SchemeError(f"{origin}: the scheme defines no source types")
    label_map = data.get("label_map", {})
    if not isinstance(label_map, dict):
        raise SchemeError(f"{origin}: [label_map] must be a table")
    ignore = data.get("ignore_labels", [])
    if not isinstance(ignore, list):
        raise SchemeError(f"{origin}: ignore_labels must be a list of labels")
    return LabelScheme(
        ignore_labels=frozenset(str(x) for x in ignore),
        name=str(data.get("name", "custom")),
        entities=tuple(entities),
        stances=stances,
        source_types=source_types,
        label_map={str(k): str(v) for k, v in label_map.items()},
        version=int(data.get("version", 1)),
        toml_text=toml_text,
    )


def load_scheme(path: Path) -> LabelScheme:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SchemeError(f"{path}: cannot read label scheme ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise SchemeError(f"{path}: label scheme is not UTF-8 ({exc.reason})") from exc
    return parse_scheme(text, str(path))
