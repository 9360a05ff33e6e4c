"""Plain data that crosses layer boundaries.

Offsets are Python ``str`` indices (code points) into the stored, normalised text.
``end`` is exclusive, so ``text[start:end]`` is the span's text.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Kind(str, enum.Enum):
    ENTITY = "entity"
    CLAIM = "claim"


class Status(str, enum.Enum):
    """Status of an annotation (an analyst's decision)."""

    ACCEPTED = "accepted"  # suggestion accepted unchanged
    CORRECTED = "corrected"  # suggestion accepted with a change (label, boundaries, source...)
    ADDED = "added"  # created by the analyst, no suggestion behind it
    REJECTED = "rejected"  # suggestion rejected (kept as a negative example)


class ArticleState(str, enum.Enum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"


class QuoteType(str, enum.Enum):
    DIRECT = "direct"
    INDIRECT = "indirect"
    ACCORDING_TO = "according_to"


class Layer(str, enum.Enum):
    """Which layer an annotation belongs to: an annotator's work or the reviewer's gold."""

    WORK = "work"
    GOLD = "gold"


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    label: str = ""

    def text(self, doc_text: str) -> str:
        return doc_text[self.start : self.end]

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What produced a set of machine suggestions: recorded with every suggestion."""

    name: str  # package or path the pipeline was loaded from
    version: str  # pipeline version from its meta.json
    spacy_version: str
    rules_version: str  # the claim rules' version (annotator.nlp.pipeline.RULES_VERSION)

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"

    @property
    def fingerprint(self) -> str:
        """Changes whenever suggestions for the same text could change."""
        return f"{self.name}=={self.version};{self.rules_version}"


@dataclass(frozen=True, slots=True)
class EntitySuggestion:
    """A named entity predicted by the NLP pipeline (plain data, no spaCy objects)."""

    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class ClaimSuggestion:
    """An attributed claim found by the claim rules.

    ``start``/``end``: the reported content (without the surrounding quotation marks).
    ``source_start``/``source_end``: the speaker mention as written ("he", "the minister", "Lavrov").
    ``source_name``: the named entity the mention refers to ("Sergey Lavrov"), or the mention itself
    when it already is a name; None when the speaker could not be resolved.
    ``cue_start``/``cue_end``: the reporting verb or phrase ("said", "according to").
    """

    start: int
    end: int
    quote_type: QuoteType
    source_start: int | None = None
    source_end: int | None = None
    source_name: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    label: str = "CLAIM"


@dataclass(slots=True)
class ArticleInput:
    """One article read by an importer, before it is stored.

    ``text`` is already normalised (see :func:`annotator.domain.text.normalise_text`).
    """

    text: str
    title: str = ""
    outlet: str = ""
    date: str = ""
    url: str = ""
    source_file: str = ""
    external_id: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    # Decided annotations carried by the file (e.g. the tool's own JSONL export); a list of dicts
    # in the export schema. Empty for plain articles.
    annotations: list[dict[str, Any]] = field(default_factory=list)
    annotator: str = ""


@dataclass(slots=True)
class SuggestionRecord:
    """A stored machine suggestion, as the UI and exports see it."""

    id: int
    article_id: int
    kind: str
    start: int
    end: int
    label: str
    quote_type: str | None = None
    source_start: int | None = None
    source_end: int | None = None
    source_name: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    model_name: str = ""
    model_version: str = ""


@dataclass(slots=True)
class AnnotationRecord:
    """A stored decision of an annotator (or of the reviewer, layer ``gold``)."""

    id: int
    uid: str
    article_id: int
    annotator: str
    layer: str
    kind: str
    start: int
    end: int
    label: str
    status: str
    suggestion_id: int | None = None
    stance: str | None = None
    source_start: int | None = None
    source_end: int | None = None
    source_text: str | None = None
    source_name: str | None = None
    source_type: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    quote_type: str | None = None
    note: str = ""
    created_at: str = ""
    updated_at: str = ""


@dataclass(slots=True)
class ArticleSummary:
    """What the article list shows: never the text."""

    id: int
    uid: str
    title: str
    outlet: str
    date: str
    external_id: str
    source_file: str
    word_count: int
    status: str = "new"
    open_suggestions: int = 0
    annotations: int = 0
    lead: str = ""  # stand-in title when there is none: the importer's, else the first sentence
