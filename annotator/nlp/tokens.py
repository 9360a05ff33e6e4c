"""Tokenisation for exports: the pipeline's tokenizer only (``nlp.make_doc``), never the full pipeline.

Exports need token indices (``token_start``/``token_end``, Prodigy's ``tokens`` list, CoNLL
lines, DocBin docs) that match what spaCy will see when it trains on the data, so they use the
tokenizer of the same trained pipeline pre-annotation uses. Pre-annotation stores each article's
token boundaries (:func:`doc_tokens`, under the pipeline's :func:`tokenizer_id`); an export reads
those back and only tokenises articles that have none for its tokenizer. The tokenizer is
therefore loaded lazily, on the first text that needs it: its id comes from the pipeline's
``meta.json`` without loading anything. Loading excludes every pipeline component (about half a
second); when no trained pipeline is installed, ``spacy.blank("en")`` (the same English tokenizer
rules) is used and named as such in the manifest.

What leaves this module is plain data (lists of ints and bools, packed bytes), as the export
service (which must not import spaCy) expects; :class:`SpacyTokenizer` also keeps the
``Language`` object for :mod:`annotator.nlp.docbin`.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from annotator.domain.errors import ModelError, Msg
from annotator.domain.tokens import Tokens, pack_tokens, tokenizer_id

__all__ = ["SpacyTokenizer", "Tokens", "blank_tokenizer", "doc_tokens", "load_tokenizer", "tokenizer_id"]

# Components excluded when loading a pipeline for its tokenizer (names not in a pipeline are ignored).
_EXCLUDE = [
    "tok2vec", "transformer", "tagger", "morphologizer", "parser", "senter", "sentencizer",
    "attribute_ruler", "lemmatizer", "trainable_lemmatizer", "ner", "entity_ruler", "entity_linker",
    "span_ruler", "spancat", "spancat_singlelabel", "span_finder", "textcat", "textcat_multilabel",
    "coref", "span_resolver", "experimental_coref",
]


def doc_boundaries(doc) -> Tokens:
    """The token boundaries of a ``Doc`` as plain data."""
    from spacy.attrs import IDX, LENGTH, SPACY

    if not len(doc):
        return Tokens([], [], [])
    arr = doc.to_array([IDX, LENGTH, SPACY])
    return Tokens(arr[:, 0].tolist(), (arr[:, 0] + arr[:, 1]).tolist(), [bool(x) for x in arr[:, 2].tolist()])


def doc_tokens(doc) -> bytes:
    """The token boundaries of a parsed ``Doc``, packed for the ``article_tokens`` table."""
    tok = doc_boundaries(doc)
    return pack_tokens(tok.starts, tok.ends, tok.ws)


class SpacyTokenizer:
    """The tokenizer of a spaCy pipeline; satisfies the export service's ``Tokenizer`` protocol.

    ``id`` matches the id pre-annotation stores tokens under; ``name`` is what manifests show.
    The ``Language`` is loaded on first use (``nlp``, ``make_doc``, ``tokenize``) by ``loader``.
    """

    def __init__(self, nlp, name: str, id: str = "", loader=None) -> None:
        self._nlp = nlp
        self._loader = loader
        self.name = name
        self.id = id or name
        self._attrs = None

    @property
    def loaded(self) -> bool:
        return self._nlp is not None

    @property
    def nlp(self):
        if self._nlp is None:
            self._nlp = self._loader()
        return self._nlp

    def make_doc(self, text: str):
        return self.nlp.make_doc(text)

    def tokenize(self, text: str) -> Tokens:
        return doc_boundaries(self.nlp.make_doc(text))


def blank_tokenizer(lang: str = "en") -> SpacyTokenizer:
    import spacy

    label = f"blank:{lang} (spaCy {spacy.__version__})"
    return SpacyTokenizer(spacy.blank(lang), label, id=label)


def _meta(name: str) -> dict:
    """The pipeline's meta.json, read without loading the pipeline ({} when not found)."""
    path = Path(name)
    try:
        if not path.exists():
            spec = importlib.util.find_spec(name)
            if spec is None or not spec.origin:
                return {}
            path = Path(spec.origin).parent
        return json.loads((path / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, ImportError):
        return {}


def load_tokenizer(model: str | None = None, fallback_blank: bool = True) -> SpacyTokenizer:
    """The tokenizer of the pipeline pre-annotation uses (``--model``, ``ANNOTATOR_MODEL`` or the
    installed default); ``spacy.blank("en")`` when none is installed and ``fallback_blank``.
    Nothing is loaded until a text needs tokenising (see the module docstring)."""
    from annotator.nlp.pipeline import choose_model

    try:
        name = choose_model(model)
    except ModelError:
        if fallback_blank and not model:
            return blank_tokenizer("en")
        raise
    meta = _meta(name)

    def load():
        import spacy

        try:
            return spacy.load(name, exclude=_EXCLUDE)
        except (OSError, ImportError, ValueError) as exc:
            raise ModelError(Msg.M002.format(name=name, detail=str(exc).splitlines()[0][:300])) from exc

    if not meta:  # not a package or folder we can read: load now, so errors show at once
        nlp = load()
        meta = nlp.meta
        loader = None
    else:
        nlp, loader = None, load
    version = str(meta.get("version", "0"))
    label = f"{meta.get('lang', 'xx')}_{meta.get('name', name)} {version}"
    return SpacyTokenizer(nlp, f"{label} tokenizer", id=tokenizer_id(name, version), loader=loader)
