"""Synthetic articles and a pattern-based engine for benchmarks and screenshots.

:class:`PatternEngine` implements the ``PreannotationEngine`` protocol without spaCy: it marks
capitalised words as entities and quoted passages as claims, so long articles with thousands
of spans can be produced in milliseconds and stored through the ordinary pre-annotation service.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from annotator.domain.model import ClaimSuggestion, EntitySuggestion, ModelInfo, QuoteType

_WORDS = ["the", "minister", "said", "talks", "would", "resume", "after", "the", "ceasefire", "was", "agreed", "by", "all", "parties", "in", "the", "region", "while", "observers", "warned", "that", "the", "deal", "could", "collapse", "if", "militias", "kept", "attacking", "civilian", "areas", "and", "officials", "promised", "aid", "convoys", "would", "reach", "the", "besieged", "towns", "before", "winter"]
_NAMES = ("Lavrov", "Muallem", "Geneva", "Damascus", "Moscow", "Kerry", "Idlib", "Astana", "Tehran", "Ankara")
_LABELS = ("PERSON", "PERSON", "GPE", "GPE", "GPE", "PERSON", "GPE", "GPE", "GPE", "GPE")
_NAME_RE = re.compile(r"\b(" + "|".join(_NAMES) + r")\b")
_QUOTE_RE = re.compile(r"“([^”]+)”")


def synthetic_article(words: int, seed: int = 7, span_every: int = 10) -> str:
    """About ``words`` words in paragraphs of ~80 words: a name every ``span_every`` words and
    a quoted claim with a speaker in most paragraphs."""
    rnd = random.Random(seed)
    paragraphs, current, count = [], [], 0
    while count < words:
        if count % 80 == 25:
            quote = " ".join(rnd.choice(_WORDS) for _ in range(12))
            current.append(f"“{quote.capitalize()},” {rnd.choice(_NAMES[:2])} said.")
            count += 14
        elif count % span_every == 0:
            current.append(rnd.choice(_NAMES))
        else:
            current.append(rnd.choice(_WORDS))
        count += 1
        if len(current) >= 80:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n".join(paragraphs)


@dataclass(frozen=True)
class PatternSuggestions:
    entities: list[EntitySuggestion]
    claims: list[ClaimSuggestion]


class PatternEngine:
    """Entities for the names of :func:`synthetic_article`, claims for its quotations."""

    info = ModelInfo("pattern_engine", "1", spacy_version="", rules_version="pattern-1")
    max_length = 10_000_000

    def annotate(self, texts: Iterable[str], jobs: int = 1) -> Iterator[PatternSuggestions]:
        for text in texts:
            ents = [
                EntitySuggestion(mt.start(), mt.end(), _LABELS[_NAMES.index(mt.group(1))])
                for mt in _NAME_RE.finditer(text)
            ]
            claims = []
            for q in _QUOTE_RE.finditer(text):
                speaker = _NAME_RE.search(text, q.end(), q.end() + 20)
                cue = text.find("said", q.end(), q.end() + 30)
                claims.append(
                    ClaimSuggestion(
                        q.start(1),
                        q.end(1),
                        QuoteType.DIRECT,
                        source_start=speaker.start() if speaker else None,
                        source_end=speaker.end() if speaker else None,
                        source_name=speaker.group(1) if speaker else None,
                        cue_start=cue if cue >= 0 else None,
                        cue_end=cue + 4 if cue >= 0 else None,
                    )
                )
            yield PatternSuggestions(ents, claims)
