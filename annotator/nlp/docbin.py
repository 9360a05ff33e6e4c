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

Memory does not grow with the export: each doc is packed as spaCy's ``DocBin.add`` packs it and
moved at once to temporary files (token and space arrays, span groups, user data, cats, flags);
only the distinct ORTH hashes and labels and four bytes per doc stay in memory. At the end the
file is written as ``DocBin.to_bytes`` lays it out (a zlib-compressed msgpack map of the same
fields), streamed through ``zlib.compressobj``; ``DocBin().from_bytes`` reads it. The one
difference from spaCy's own file: its string table holds the strings the stored attributes need
(token texts, entity and span labels), not also every token's lemma, norm, tag and dependency,
which a ``.spacy`` file made from tokenizer-only docs never uses.
"""

from __future__ import annotations

import struct
import tempfile
import zlib
from array import array
from contextlib import contextmanager
from typing import IO, BinaryIO

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
        self.db = DocBin(attrs=["ORTH", "ENT_IOB", "ENT_TYPE"], store_user_data=True)  # header fields
        self._attr_ids = list(self.db.attrs)  # DocBin puts ORTH first
        self._cache: dict = {}
        self._n = 0
        self._lengths = array("i")  # int32 per doc, as DocBin writes them
        self._strings: set[str] = {""}  # labels (and the empty string spaCy always has)
        self._orths: set[int] = set()  # ORTH hashes
        self._spool = {key: tempfile.TemporaryFile() for key in _SPOOLED}

    def __len__(self) -> int:
        return self._n

    def _packer(self):
        """One msgpack Packer (what ``srsly.msgpack_dumps`` makes per call, after a ~2 ms
        look-up of its encoders) reused for every item of the export."""
        if "packer" not in self._cache:
            from srsly.msgpack import Packer

            self._cache["packer"] = Packer(use_bin_type=True)
        return self._cache["packer"]

    def _add(self, doc) -> None:
        """What ``DocBin.add`` does for one doc, written at once to the temporary files.

        spaCy's ``DocBin.add`` also puts nine strings per token into its string set (text, tag,
        lemma, norm, morph, dep, entity type, KB id, entity id) - most of the export time, and
        only the strings of the attributes written are needed to read the file back (ORTH,
        ENT_TYPE, the span labels). Those are collected here: the distinct ORTH hashes of each
        doc (resolved to strings once, when the file is written) and the labels. The fields are
        packed exactly as ``DocBin.add``/``to_bytes`` pack them (tested against spaCy's own)."""
        import numpy
        from spacy.attrs import SPACY

        pack = self._packer().pack
        arr = doc.to_array(self._attr_ids)
        self._lengths.append(arr.shape[0])
        self._spool["tokens"].write(arr.tobytes("C"))
        self._spool["spaces"].write(numpy.asarray(doc.to_array(SPACY), dtype=bool).tobytes("C"))
        self._orths.update(numpy.unique(arr[:, 0]).tolist())
        self._spool["cats"].write(pack(doc.cats))
        self._spool["flags"].write(pack({"has_unknown_spaces": doc.has_unknown_spaces}))
        with _cached_msgpack_encoders(self._cache):
            self._spool["span_groups"].write(pack(doc.spans.to_bytes()))
        self._spool["user_data"].write(pack(pack(doc.user_data)))
        for group in doc.spans.values():
            self._strings.update(span.label_ for span in group)
        self._strings.update(ent.label_ for ent in doc.ents)
        self._n += 1

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
        doc, stats = self.make_doc(record)
        self._add(doc)
        return stats

    def make_doc(self, record: dict):
        """The ``Doc`` for one export record and the counts of spans dropped, expanded, skipped."""
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
        return doc, stats

    def write_to(self, out: IO[bytes] | BinaryIO, chunk: int = 1 << 20) -> None:
        """Write the ``.spacy`` file (``DocBin.to_bytes`` format) to ``out``, streaming."""
        pack = self._packer().pack
        z = zlib.compressobj()

        def put(data: bytes) -> None:
            packed = z.compress(data)
            if packed:
                out.write(packed)

        def spooled(key: str) -> None:
            f = self._spool[key]
            f.seek(0)
            while block := f.read(chunk):
                put(block)

        db = self.db
        width = len(db.attrs)
        fields = ["version", "attrs", "tokens", "spaces", "lengths", "strings", *_LISTS]
        put(_map_header(len(fields)))
        put(pack("version") + pack(db.version))
        put(pack("attrs") + pack(db.attrs))
        n_tokens = sum(self._lengths)
        put(pack("tokens") + _bin_header(n_tokens * width * 8))  # uint64 per attribute
        spooled("tokens")
        put(pack("spaces") + _bin_header(n_tokens))  # one bool byte per token
        spooled("spaces")
        put(pack("lengths") + pack(self._lengths.tobytes()))
        lookup = self.nlp.vocab.strings
        strings = sorted(self._strings.union(lookup[h] for h in self._orths))
        put(pack("strings") + _array_header(len(strings)))
        for i in range(0, len(strings), 10_000):
            put(b"".join(map(pack, strings[i : i + 10_000])))
        for key in _LISTS:
            put(pack(key) + _array_header(self._n))
            spooled(key)
        out.write(z.flush())
        for f in self._spool.values():
            f.close()

    def to_bytes(self) -> bytes:
        """The whole file in memory (small exports and tests; the export streams with write_to)."""
        import io

        buf = io.BytesIO()
        self.write_to(buf)
        return buf.getvalue()


# What DocBin keeps per doc besides the arrays; spooled as msgpack items in this order.
_LISTS = ("cats", "flags", "span_groups", "user_data")
_SPOOLED = ("tokens", "spaces", *_LISTS)


def _map_header(n: int) -> bytes:
    return bytes([0x80 | n]) if n < 16 else b"\xde" + struct.pack(">H", n)


def _array_header(n: int) -> bytes:
    if n < 16:
        return bytes([0x90 | n])
    return b"\xdc" + struct.pack(">H", n) if n < 1 << 16 else b"\xdd" + struct.pack(">I", n)


def _bin_header(n: int) -> bytes:
    if n < 1 << 8:
        return b"\xc4" + bytes([n])
    return b"\xc5" + struct.pack(">H", n) if n < 1 << 16 else b"\xc6" + struct.pack(">I", n)


def docbin_factory(tokenizer: SpacyTokenizer):
    """A ``DocSinkFactory`` for ``annotator.services.export.export_dataset``."""
    return lambda: DocBinWriter(tokenizer)
