"""Pre-annotation engine: texts in, plain suggestions out.

This is the only place that turns spaCy ``Doc`` objects into domain data (entities as
``EntitySuggestion``, attributed claims as ``ClaimSuggestion``), as displaCy does: nothing of
spaCy leaves this package. With ``jobs > 1`` texts are parsed in worker processes (each loads
the pipeline once) and only the small plain results travel back.
"""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from annotator.domain.model import ClaimSuggestion, EntitySuggestion
from annotator.nlp.pipeline import PARAGRAPH_SPLITTER, load_pipeline
from annotator.nlp.tokens import doc_tokens

# Components pre-annotation uses; any others in a user-chosen pipeline are disabled. The
# paragraph splitter (added by load_pipeline before the parser) keeps sentences inside lines.
NEEDED = {
    "tok2vec", "transformer", "tagger", "morphologizer", "parser", "attribute_ruler", "lemmatizer", "ner",
    PARAGRAPH_SPLITTER,
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class DocSuggestions:
    entities: list[EntitySuggestion]
    claims: list[ClaimSuggestion]
    # The doc's token boundaries, packed (annotator.domain.tokens.pack_tokens); b"" when unknown.
    tokens: bytes = b""
    # Why the claim rules failed on this text ("" when they did not); its claims are then empty.
    claims_error: str = ""


def doc_to_suggestions(doc) -> DocSuggestions:
    """Plain suggestions for one parsed text. A bug in the claim rules on one text must not stop
    a batch of thousands: the text keeps its entities, and the error travels back to be reported."""
    from annotator.nlp.claims import extract_claims

    ents = [EntitySuggestion(e.start_char, e.end_char, e.label_) for e in doc.ents]
    try:
        claims = extract_claims(doc)
    except Exception as exc:  # noqa: BLE001 - any rule bug; reported per article by the caller
        detail = f"{type(exc).__name__}: {exc}"
        return DocSuggestions(ents, [], doc_tokens(doc), detail[:300])
    return DocSuggestions(ents, claims, doc_tokens(doc))


class Engine:
    """A loaded pipeline plus the claim rules. Create once; loading takes about a second."""

    def __init__(self, model: str | None = None, batch_size: int = 32) -> None:
        self.nlp, self.info = load_pipeline(model)
        self.requested = model
        self.batch_size = batch_size
        for name in list(self.nlp.pipe_names):
            if name not in NEEDED:
                self.nlp.disable_pipe(name)

    @property
    def max_length(self) -> int:
        return int(self.nlp.max_length)

    def annotate(self, texts: Iterable[str], jobs: int = 1) -> Iterator[DocSuggestions]:
        """Suggestions for each text, in order."""
        if jobs <= 1:
            for doc in self.nlp.pipe(texts, batch_size=self.batch_size):
                yield doc_to_suggestions(doc)
            return
        yield from _annotate_parallel(texts, self.requested, jobs, self.batch_size)


# ---- worker processes -------------------------------------------------------------------------
_worker_nlp = None


def _init_worker(model: str | None) -> None:
    global _worker_nlp
    engine = Engine(model)
    _worker_nlp = engine.nlp


def _work(chunk: Sequence[str]) -> list[DocSuggestions]:
    assert _worker_nlp is not None
    return [doc_to_suggestions(doc) for doc in _worker_nlp.pipe(chunk, batch_size=len(chunk) or 1)]


def _chunks(texts: Iterable[str], size: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    for t in texts:
        chunk.append(t)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _annotate_parallel(texts: Iterable[str], model: str | None, jobs: int, batch: int) -> Iterator[DocSuggestions]:
    ctx = mp.get_context("spawn")  # safe with threads (the UI runs this from a worker thread)
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(model,)) as pool:
        for results in pool.imap(_work, _chunks(texts, batch)):
            yield from results
