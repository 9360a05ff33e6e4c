"""spaCy ``DocBin`` (``.spacy``) writing for the export service.

One :class:`DocBinWriter` collects the docs of one output file (one split). Each export record
(a plain dict in the JSONL schema, see ``annotator.services.export``) becomes a ``Doc`` with the
tokens pre-annotation stored (``record["tokens"]``) or else made by the pipeline's tokenizer only
(``nlp.make_doc``):

* ``doc.ents``: the decided entity spans (untouched suggestions too with ``--all``); every other
  token is ``O`` (the article is complete). Entities that overlap cannot all be ``doc.ents``: the
  longest (then the first) is kept and the others counted as ``dropped_overlaps``; spans that do
  not start and end on token boundaries are widened with ``char_span(..., alignment_mode="expand")``
  and counted as ``expanded``; leading/trailing whitespace is trimmed first (spaCy's NER cannot
  learn entities that begin or end on whitespace), whitespace-only spans are ``skipped``.
* ``doc.spans["entities"]``: every entity span, overlaps included.
* ``doc.spans["claims"]``: the claims, labelled with their stance (``CLAIM`` when none is set);
  ``doc.spans["claim_sources"]`` (labelled with the source type, ``SOURCE`` when none) and
  ``doc.spans["claim_cues"]`` (``CUE``) hold each claim's speaker mention and reporting cue, in
  the same order as the claims they belong to when present.
* ``doc.user_data["annotator"]``: ``{"id", "meta", "layer", "annotators", "claims": [...]}``
  with every claim's full details (stance, source name and type, cue, quote type, status).
"""

from __future__ import annotations

from contextlib import contextmanager

from annotator.nlp.tokens import SpacyTokenizer

POSITIVE = ("accepted", "corrected", "added", "suggested")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _non_overlapping(spans: list, length: int) -> list:
    """The longest spans first, then the earliest, skipping any that overlaps one already kept."""
    ordered = sorted(spans, key=lambda sp: (sp.start, sp.end))
    if all(a.end <= b.start for a, b in zip(ordered, ordered[1:])):
        return ordered
    taken = bytearray(length)
    kept = []
    for sp in sorted(spans, key=lambda sp: (-(sp.end - sp.start), sp.start)):
        if not any(taken[sp.start : sp.end]):
            taken[sp.start : sp.end] = b"\x01" * (sp.end - sp.start)
            kept.append(sp)
    return kept


@contextmanager
def _cached_msgpack_encoders(cache: dict):
    """srsly looks up its msgpack encoders (a scan of every installed entry point and of the whole
    catalogue registry, ~2 ms) each time it creates a Packer, and DocBin.add creates one per span
    group: with four span groups that is most of the export time. The encoders cannot change
    during an export, so the lookup is answered from one call for the duration of ``add``."""
    try:
        from srsly.msgpack import msgpack_encoders
    except ImportError:  # pragma: no cover - other srsly layouts: no shortcut
        yield
        return
    if "get_all" in vars(msgpack_encoders):  # nested use
        yield
        return
    if "encoders" not in cache:  # looked up once per DocBin file
        cache["encoders"] = msgpack_encoders.get_all()
    found = cache["encoders"]
    msgpack_encoders.get_all = lambda: dict(found)
    try:
        yield
    finally:
        del msgpack_encoders.get_all


class DocBinWriter:
    """Satisfies the export service's ``DocSink`` protocol."""

    def __init__(self, tokenizer: SpacyTokenizer) -> None:
        from spacy.tokens import DocBin

        self.nlp = tokenizer.nlp
        self.db = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=True)
        self._cache: dict = {}

    def __len__(self) -> int:
        return len(self.db)

    def _span(self, doc, text: str, start, end, label: str, stats: dict[str, int]):
        if start is None or end is None:
            return None
        s, e = _trim(text, start, end)
        if e <= s:
            stats["skipped"] += 1
            return None
        span = doc.char_span(s, e, label=label)
        if span is None:
            span = doc.char_span(s, e, label=label, alignment_mode="expand")
            if span is None or not len(span):
                stats["skipped"] += 1
                return None
            stats["expanded"] += 1
        return span

    def add(self, record: dict) -> dict[str, int]:
        text = record["text"]
        tok = record.get("tokens")
        if tok is not None:  # boundaries stored by pre-annotation (same tokenizer): no tokenising
            from spacy.tokens import Doc

            doc = Doc(self.nlp.vocab, words=tok.words(text), spaces=list(tok.ws))
        else:
            doc = self.nlp.make_doc(text)
        stats = {"dropped_overlaps": 0, "expanded": 0, "skipped": 0}
        ents = []
        for s in record["spans"]:
            if s.get("status") not in POSITIVE:
                continue
            span = self._span(doc, text, s["start"], s["end"], s["label"], stats)
            if span is not None:
                ents.append(span)
        kept = _non_overlapping(ents, len(doc))
        stats["dropped_overlaps"] = len(ents) - len(kept)
        doc.set_ents(sorted(kept, key=lambda sp: sp.start), default="outside")
        doc.spans["entities"] = sorted(ents, key=lambda sp: (sp.start, sp.end))
        claims, sources, cues, details = [], [], [], []
        for c in record["claims"]:
            if c.get("status") not in POSITIVE:
                continue
            span = self._span(doc, text, c["start"], c["end"], c.get("stance") or "CLAIM", stats)
            if span is None:
                continue
            claims.append(span)
            src = c.get("source") or {}
            ssp = self._span(doc, text, src.get("start"), src.get("end"), c.get("source_type") or "SOURCE", stats)
            if ssp is not None:
                sources.append(ssp)
            cue = c.get("cue") or {}
            csp = self._span(doc, text, cue.get("start"), cue.get("end"), "CUE", stats)
            if csp is not None:
                cues.append(csp)
            details.append(
                {
                    "start": c["start"], "end": c["end"], "token_start": span.start, "token_end": span.end,
                    "stance": c.get("stance"), "status": c.get("status"), "source_type": c.get("source_type"),
                    "source": src or None, "cue": cue or None, "quote_type": c.get("quote_type"),
                    "annotator": c.get("annotator"),
                }
            )
        doc.spans["claims"] = claims
        doc.spans["claim_sources"] = sources
        doc.spans["claim_cues"] = cues
        doc.user_data["annotator"] = {
            "id": record["id"],
            "meta": {k: v for k, v in record.get("meta", {}).items() if isinstance(v, (str, int, float, bool)) or v is None},
            "layer": record.get("layer"),
            "annotators": record.get("annotators", []),
            "claims": details,
        }
        with _cached_msgpack_encoders(self._cache):
            self.db.add(doc)
        return stats

    def to_bytes(self) -> bytes:
        return self.db.to_bytes()


def docbin_factory(tokenizer: SpacyTokenizer):
    """A ``DocSinkFactory`` for ``annotator.services.export.export_dataset``."""
    return lambda: DocBinWriter(tokenizer)
