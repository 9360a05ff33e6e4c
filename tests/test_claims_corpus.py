"""The claim rules on every article of the FNC-1 corpus (about 2,600 real news bodies).

Pre-annotation survives a rule failure on one article (it keeps the entities and reports the
article, see tests/test_preannotate.py), but a failure is still a bug: one such bug (endless
recursion on a misspelt one-word name) was found on an FNC-1 test article. This slow test runs
the rules over the whole corpus and names every article they fail on, so a new rule that breaks
on real text fails here rather than in an analyst's import. It also checks what every claim
must satisfy whatever the rules: offsets inside the text, content not empty, a source span and
a cue span that slice the text.
"""

from __future__ import annotations

import csv

import pytest

from tests.conftest import FNC1

BODIES = ("train_bodies.csv", "competition_test_bodies.csv")


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.skipif(not all((FNC1 / b).exists() for b in BODIES), reason="../shared/corpora/fnc-1 is not present")
def test_claim_rules_run_on_every_fnc1_article():
    from annotator.domain.errors import ModelError
    from annotator.domain.text import normalise_text
    from annotator.nlp.claims import extract_claims
    from annotator.nlp.engine import Engine

    try:
        engine = Engine()
    except ModelError as exc:
        pytest.skip(f"no trained spaCy pipeline is installed: {exc}")
    csv.field_size_limit(10**9)
    ids: list[str] = []
    texts: list[str] = []
    for name in BODIES:
        with open(FNC1 / name, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                ids.append(f"{name}:{row['Body ID']}")
                texts.append(normalise_text(row["articleBody"]))
    failures: list[str] = []
    bad_spans: list[str] = []
    claims = 0
    for article, text, doc in zip(ids, texts, engine.nlp.pipe(texts, batch_size=32)):
        try:
            found = extract_claims(doc)
        except Exception as exc:  # noqa: BLE001 - every failure is collected and named
            failures.append(f"{article}: {type(exc).__name__}: {str(exc)[:120]}")
            continue
        claims += len(found)
        for c in found:
            spans = [(c.start, c.end)]
            spans += [(s, e) for s, e in ((c.source_start, c.source_end), (c.cue_start, c.cue_end)) if s is not None]
            if not all(0 <= s < e <= len(text) for s, e in spans) or not text[c.start : c.end].strip():
                bad_spans.append(f"{article}: claim {c.start}-{c.end}, source {c.source_start}-{c.source_end}")
    assert len(texts) > 2500
    assert claims > 10_000  # the corpus is news: thousands of attributed claims
    assert not failures, "the claim rules failed on:\n" + "\n".join(failures)
    assert not bad_spans, "claims with spans outside the text or empty:\n" + "\n".join(bad_spans[:20])
