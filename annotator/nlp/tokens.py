"""Tokenisation for exports: the pipeline's tokenizer only (``nlp.make_doc``), never the full pipeline.

Exports need token indices (``token_start``/``token_end``, Prodigy's ``tokens`` list, CoNLL
lines, DocBin docs) that match what spaCy will see when it trains on the data, so they use the
tokenizer of the same trained pipeline pre-annotation uses. Loading excludes every pipeline
component (about half a second); when no trained pipeline is installed, ``spacy.blank("en")``
(the same English tokenizer rules) is used and named as such in the manifest.

What leaves this module is plain data (lists of ints and bools), as the export service
(which must not import spaCy) expects; :class:`SpacyTokenizer` also keeps the ``Language``
object for :mod:`annotator.nlp.docbin`.
"""

from __future__ import annotations

from dataclasses import dataclass

from annotator.domain.errors import ModelError, Msg

# Components excluded when loading a pipeline for its tokenizer (names not in a pipeline are ignored).
_EXCLUDE = [
    "tok2vec", "transformer", "tagger", "morphologizer", "parser", "senter", "sentencizer",
    "attribute_ruler", "lemmatizer", "trainable_lemmatizer", "ner", "entity_ruler", "entity_linker",
    "span_ruler", "spancat", "spancat_singlelabel", "span_finder", "textcat", "textcat_multilabel",
    "coref", "span_resolver", "experimental_coref",
]


@dataclass(frozen=True, slots=True)
class Tokens:
    """Token boundaries of one text: ``text[starts[i]:ends[i]]`` is token ``i``; ``ws[i]`` tells
    whether a space follows it (spaCy's ``whitespace_``)."""

    starts: list[int]
    ends: list[int]
    ws: list[bool]

    def __len__(self) -> int:
        return len(self.starts)


class SpacyTokenizer:
    """The tokenizer of a spaCy ``Language``; satisfies the export service's ``Tokenizer`` protocol."""

    def __init__(self, nlp, name: str) -> None:
        from spacy.attrs import IDX, LENGTH, SPACY

        self.nlp = nlp
        self.name = name
        self._attrs = [IDX, LENGTH, SPACY]

    def make_doc(self, text: str):
        return self.nlp.make_doc(text)

    def tokenize(self, text: str) -> Tokens:
        doc = self.nlp.make_doc(text)
        if not len(doc):
            return Tokens([], [], [])
        arr = doc.to_array(self._attrs)
        starts = arr[:, 0].tolist()
        lengths = arr[:, 1].tolist()
        return Tokens(starts, [s + n for s, n in zip(starts, lengths)], [bool(x) for x in arr[:, 2].tolist()])


def blank_tokenizer(lang: str = "en") -> SpacyTokenizer:
    import spacy

    return SpacyTokenizer(spacy.blank(lang), f"blank:{lang} (spaCy {spacy.__version__})")


def load_tokenizer(model: str | None = None, fallback_blank: bool = True) -> SpacyTokenizer:
    """The tokenizer of the pipeline pre-annotation uses (``--model``, ``ANNOTATOR_MODEL`` or the
    installed default); ``spacy.blank("en")`` when none is installed and ``fallback_blank``."""
    import spacy

    from annotator.nlp.pipeline import choose_model

    try:
        name = choose_model(model)
    except ModelError:
        if fallback_blank and not model:
            return blank_tokenizer("en")
        raise
    try:
        nlp = spacy.load(name, exclude=_EXCLUDE)
    except (OSError, ImportError, ValueError) as exc:
        raise ModelError(Msg.M002.format(name=name, detail=str(exc).splitlines()[0][:300])) from exc
    meta = nlp.meta
    label = f"{meta.get('lang', 'xx')}_{meta.get('name', name)} {meta.get('version', '0')}"
    return SpacyTokenizer(nlp, f"{label} tokenizer")
