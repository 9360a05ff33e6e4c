"""Export use case: decided annotations (and optionally suggestions) as datasets.

What is exported (:func:`select_articles`):

* by default (``layer="auto"``) the **gold** layer: a reviewer's adjudicated annotations for every
  article the reviewer marked with a selected status (``done`` unless ``status`` says otherwise);
* for the other articles, the decisions of **one** annotator (``annotator``; when the project has
  exactly one annotator with work-layer data, that one) on the articles that annotator marked
  with a selected status;
* ``layer="gold"`` or ``layer="work"`` restrict the choice to one layer. ``status`` may contain
  ``new``, ``in_progress``, ``done``, ``skipped`` or ``any``; ``labels`` keeps only these labels
  (entity labels, ``CLAIM`` for claims); ``include_suggestions`` adds the machine suggestions nobody
  decided yet (status ``suggested``).

Formats (``FORMATS``) are written by :mod:`annotator.services.export_formats`; this module picks
the articles, builds one record per article (the JSONL schema), streams them in chunks of
``CHUNK`` articles (memory does not grow with the project), optionally splits them by article
into train/dev/test, and writes a manifest (``<output>.manifest.json``) with the filters, counts,
annotators, models and the sha256 of every file written.

Safety: every file is written to a temporary name next to its target and renamed into place
only when the whole export succeeded (the manifest last), so an interrupted or cancelled export
never leaves a truncated dataset that looks whole; an existing target (without ``force``), an
unwritable folder or an empty selection is an :class:`ExportError` with a ``Msg.E0xx`` text.

Everything needing spaCy (the tokenizer, DocBin) is passed in by the caller as plain objects
satisfying :class:`Tokenizer` / :class:`DocSink`; this module never imports spaCy.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterator, Protocol, Sequence

import orjson

from annotator import __version__
from annotator.domain.errors import ExportError, Msg
from annotator.domain.model import Status
from annotator.services.progress import CancelToken, NeverCancel, ProgressFn, no_progress
from annotator.store import models as m

FORMATS = ("jsonl", "spacy", "conll", "csv", "brat")
SUFFIXES = {"jsonl": ".jsonl", "spacy": ".spacy", "conll": ".conll", "csv": ".csv", "brat": ""}
STATUSES = ("new", "in_progress", "done", "skipped", "any")
LAYERS = ("auto", "gold", "work")
SPLIT_NAMES = ("train", "dev", "test")
CHUNK = 200
POSITIVE = (Status.ACCEPTED.value, Status.CORRECTED.value, Status.ADDED.value)
_REJECTED = Status.REJECTED.value
# Top-level keys of our JSONL lines that an import copies into the article's meta; never exported
# back inside "meta" (so export -> import -> export gives the same lines).
RESERVED_META_KEYS = frozenset(
    {"_input_hash", "_task_hash", "_annotator_id", "_view_id", "annotators", "layer", "article_status",
     "relations", "tokens", "rejected", "answer"}
)


# ---- what the caller passes in (implemented in annotator.nlp) ---------------------------------
class TokensLike(Protocol):
    starts: list[int]
    ends: list[int]
    ws: list[bool]


class Tokenizer(Protocol):
    """``annotator.nlp.tokens.SpacyTokenizer``: the pipeline's tokenizer as plain data."""

    name: str
    id: str  # annotator.domain.tokens.tokenizer_id: stored tokens filed under it are reused

    def tokenize(self, text: str) -> TokensLike: ...


class DocSink(Protocol):
    """``annotator.nlp.docbin.DocBinWriter``: collects one split's docs and serialises a DocBin."""

    def add(self, record: dict) -> dict[str, int]: ...

    def write_to(self, out: Any) -> None: ...  # streams the finished file to a binary writer


DocSinkFactory = Callable[[], DocSink]


@dataclass
class ExportOptions:
    annotator: str | None = None  # whose work-layer decisions (auto when the project has one annotator)
    layer: str = "auto"  # auto (gold where it exists, else the annotator) | gold | work
    include_suggestions: bool = False  # --all
    # Article statuses to include; () means ("done",), or ("any",) with include_suggestions.
    status: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()  # only these labels (entity labels, CLAIM); all when empty
    split: tuple[float, ...] | None = None  # (train, dev[, test]) fractions, by article
    seed: int = 0

    def statuses(self) -> tuple[str, ...]:
        return tuple(self.status) or (("any",) if self.include_suggestions else ("done",))

    def as_dict(self) -> dict[str, Any]:
        return {
            "layer": self.layer,
            "annotator": self.annotator,
            "status": list(self.statuses()),
            "labels": list(self.labels),
            "include_suggestions": self.include_suggestions,
            "split": list(self.split) if self.split else None,
            "seed": self.seed if self.split else None,
        }


@dataclass
class WrittenFile:
    path: Path
    sha256: str
    bytes: int
    split: str | None = None
    articles: int = 0


@dataclass
class ExportReport:
    path: Path
    fmt: str = "jsonl"
    articles: int = 0
    spans: int = 0  # decided entity spans (accepted, corrected, added)
    claims: int = 0  # decided claims
    rejected: int = 0  # rejected suggestions (negative examples)
    suggested: int = 0  # untouched suggestions (with include_suggestions)
    files: list[Path] = field(default_factory=list)
    written: list[WrittenFile] = field(default_factory=list)
    manifest: Path | None = None
    by_label: dict[str, int] = field(default_factory=dict)
    by_stance: dict[str, int] = field(default_factory=dict)
    by_source_type: dict[str, int] = field(default_factory=dict)
    by_layer: dict[str, int] = field(default_factory=dict)
    splits: dict[str, int] = field(default_factory=dict)  # split -> articles
    annotators: list[str] = field(default_factory=list)
    dropped_overlaps: int = 0  # entity spans that could not be represented (overlaps)
    expanded: int = 0  # spans not on token boundaries, widened to whole tokens
    skipped_spans: int = 0  # spans of whitespace only (no token)
    rows: int = 0  # CSV rows, JSONL lines, CoNLL tokens ...
    tokens_stored: int = 0  # articles whose tokens came from pre-annotation (article_tokens)
    tokens_computed: int = 0  # articles tokenised during the export (no stored tokens for this tokenizer)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """A few lines for the CLI and the dialog."""
        lines = [
            f"{self.articles} article(s): {self.spans} entity span(s), {self.claims} claim(s), "
            f"{self.rejected} rejected suggestion(s)" + (f", {self.suggested} untouched suggestion(s)" if self.suggested else "")
        ]
        if self.by_label:
            lines.append("labels: " + ", ".join(f"{k} {v}" for k, v in sorted(self.by_label.items(), key=lambda kv: (-kv[1], kv[0]))))
        if self.by_stance:
            lines.append("stances: " + ", ".join(f"{k} {v}" for k, v in sorted(self.by_stance.items(), key=lambda kv: (-kv[1], kv[0]))))
        if self.splits:
            lines.append("split: " + ", ".join(f"{k} {v}" for k, v in self.splits.items()))
        if self.dropped_overlaps:
            lines.append(f"{self.dropped_overlaps} overlapping entity span(s) could not be represented in {self.fmt} and were dropped (kept the longest, then the first)")
        if self.expanded:
            lines.append(f"{self.expanded} span(s) did not start or end on a token boundary and were widened to whole tokens")
        if self.skipped_spans:
            lines.append(f"{self.skipped_spans} span(s) of whitespace only were left out")
        lines.extend(self.notes)
        if len(self.written) <= 8:
            for w in self.written:
                lines.append(f"wrote {w.path} ({w.bytes:,} bytes" + (f", {w.split}" if w.split else "") + ")")
        else:  # brat: two files per article
            total = sum(w.bytes for w in self.written)
            lines.append(f"wrote {len(self.written):,} files ({total:,} bytes) to {self.path}")
        if self.manifest:
            lines.append(f"wrote {self.manifest}")
        return "\n".join(lines)


# ---- safe output ------------------------------------------------------------------------------
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


def default_mode(folder: bool = False) -> int:
    """Permissions a plain ``open()`` would give (``mkstemp``/``mkdtemp`` make private files)."""
    return (0o777 if folder else 0o666) & ~_UMASK


@contextmanager
def atomic_output(path: Path, force: bool = False, binary: bool = False) -> Iterator[IO]:
    """Write to a temporary file next to ``path`` and rename it into place on success."""
    path = Path(path)
    if path.exists() and not force:
        raise ExportError(Msg.E001.format(path=path))
    if path.is_dir():
        raise ExportError(Msg.E002.format(path=path, detail="it is a folder"))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(Msg.E002.format(path=path, detail="the folder does not exist"))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ExportError(Msg.E002.format(path=path, detail=exc.strerror or exc)) from exc
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8", "newline": "\n"})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, default_mode())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


class HashingWriter:
    """Text or binary writer that also computes the sha256 and size of what it wrote."""

    def __init__(self, fh: IO, binary: bool = False) -> None:
        self._fh = fh
        self._binary = binary
        self._h = hashlib.sha256()
        self.size = 0

    def write(self, data) -> int:
        raw = data if self._binary else data.encode("utf-8")
        self._h.update(raw)
        self.size += len(raw)
        self._fh.write(data)
        return len(data)

    def hexdigest(self) -> str:
        return self._h.hexdigest()


def check_target(path: Path, force: bool) -> None:
    """Fail early (before anything is written) for an existing file or an unwritable folder."""
    path = Path(path)
    if path.is_dir():
        raise ExportError(Msg.E002.format(path=path, detail="it is a folder; name a file"))
    if path.exists() and not force:
        raise ExportError(Msg.E001.format(path=path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(Msg.E002.format(path=path, detail="the folder does not exist"))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(Msg.E002.format(path=path, detail="the folder is not writable"))


def stable_hash(*parts: Any) -> int:
    """A stable signed 32-bit int (Prodigy's ``_input_hash``/``_task_hash`` are such ints)."""
    try:  # orjson writes the same bytes as the json call below, faster
        raw = orjson.dumps(parts, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        raw = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return int.from_bytes(hashlib.blake2b(raw, digest_size=4).digest(), "little", signed=True)


def parse_split(value: str | Sequence[float] | None) -> tuple[float, ...] | None:
    """``"0.8,0.1,0.1"`` -> (0.8, 0.1, 0.1); raises ExportError (E007) for anything else."""
    if value is None or value == "":
        return None
    try:
        parts = [float(x) for x in (value.split(",") if isinstance(value, str) else value)]
    except (TypeError, ValueError):
        raise ExportError(Msg.E007.format(value=value)) from None
    if len(parts) not in (2, 3) or any(p < 0 or p != p for p in parts) or abs(sum(parts) - 1.0) > 1e-6 or parts[0] <= 0:
        raise ExportError(Msg.E007.format(value=value))
    return tuple(parts)


# ---- which articles, from which layer and annotator -------------------------------------------
@dataclass
class Pick:
    article_id: int
    layer: str
    annotator_id: int | None
    status: str


@dataclass
class Selection:
    picks: list[Pick]
    annotator: str | None  # the chosen work-layer annotator
    notes: list[str] = field(default_factory=list)


def _annotator_names() -> dict[int, str]:
    return dict(m.Annotator.select(m.Annotator.id, m.Annotator.name).tuples())


def work_annotators() -> list[str]:
    """Annotators with work-layer data (status rows or annotations), by name."""
    ids = {r for (r,) in m.ArticleStatus.select(m.ArticleStatus.annotator).where(m.ArticleStatus.layer == "work").distinct().tuples()}
    ids |= {r for (r,) in m.Annotation.select(m.Annotation.annotator).where(m.Annotation.layer == "work").distinct().tuples()}
    names = _annotator_names()
    return sorted(names[i] for i in ids if i in names)


def select_articles(opts: ExportOptions) -> Selection:
    """The articles to export and, for each, the layer and annotator whose decisions are used."""
    if opts.layer not in LAYERS:
        raise ExportError(f"unknown layer {opts.layer!r}; choose one of {', '.join(LAYERS)}")
    statuses = set(opts.statuses())
    bad = statuses - set(STATUSES)
    if bad:
        raise ExportError(f"unknown article status {sorted(bad)[0]!r}; choose from {', '.join(STATUSES)}")
    any_status = "any" in statuses
    names = _annotator_names()
    notes: list[str] = []

    def status_ok(st: str) -> bool:
        return any_status or st in statuses

    # Gold layer: per article the reviewer's status row (the latest when several reviewers).
    gold: dict[int, tuple[int, str]] = {}
    if opts.layer in ("auto", "gold"):
        for aid, who, st in (
            m.ArticleStatus.select(m.ArticleStatus.article, m.ArticleStatus.annotator, m.ArticleStatus.status)
            .where(m.ArticleStatus.layer == "gold")
            .order_by(m.ArticleStatus.updated_at)
            .tuples()
        ):
            gold[aid] = (who, st)
        if any_status:  # gold annotations without a status row count too
            for aid, who in m.Annotation.select(m.Annotation.article, m.Annotation.annotator).where(
                m.Annotation.layer == "gold"
            ).distinct().tuples():
                gold.setdefault(aid, (who, "in_progress"))

    who_id: int | None = None
    chosen: str | None = None
    work: dict[int, str] = {}
    candidates = work_annotators() if opts.layer in ("auto", "work") else []
    if opts.layer in ("auto", "work"):
        if opts.annotator:
            row = m.Annotator.get_or_none(m.Annotator.name == opts.annotator)
            if row is None:
                raise ExportError(Msg.E009.format(name=opts.annotator, names=", ".join(sorted(names.values())) or "none"))
            who_id, chosen = row.id, row.name
        elif len(candidates) == 1:
            chosen = candidates[0]
            who_id = next(i for i, n in names.items() if n == chosen)
        if who_id is not None:
            work = dict(
                m.ArticleStatus.select(m.ArticleStatus.article, m.ArticleStatus.status)
                .where((m.ArticleStatus.layer == "work") & (m.ArticleStatus.annotator == who_id))
                .tuples()
            )
            if any_status:
                for (aid,) in m.Annotation.select(m.Annotation.article).where(
                    (m.Annotation.layer == "work") & (m.Annotation.annotator == who_id)
                ).distinct().tuples():
                    work.setdefault(aid, "in_progress")

    picks: list[Pick] = []
    left_out = 0
    # Articles nobody decided anything on: only worth exporting for their suggestions (or when
    # "new" articles were asked for).
    untouched_ok = "new" in statuses or (any_status and opts.include_suggestions)
    for (aid,) in m.Article.select(m.Article.id).order_by(m.Article.id).tuples():
        g = gold.get(aid)
        if g is not None and status_ok(g[1]):
            picks.append(Pick(aid, "gold", g[0], g[1]))
            continue
        if opts.layer == "gold":
            if g is None and untouched_ok and opts.include_suggestions:
                picks.append(Pick(aid, "gold", None, "new"))
            continue
        if who_id is not None:
            st = work.get(aid)
            if st is not None and status_ok(st):
                picks.append(Pick(aid, "work", who_id, st))
            elif st is None and untouched_ok:
                picks.append(Pick(aid, "work", who_id, "new"))
        elif candidates:
            left_out += 1
        elif untouched_ok:  # nobody has annotated anything yet: the suggestions alone
            picks.append(Pick(aid, "work", None, "new"))
    if who_id is None and len(candidates) > 1 and opts.layer in ("auto", "work"):
        if not picks:
            raise ExportError(Msg.E006.format(names=", ".join(candidates)))
        notes.append(
            f"the project has several annotators ({', '.join(candidates)}); only articles with gold annotations "
            f"were exported; choose an annotator (--annotator) for the others"
        )
    return Selection(picks, chosen, notes)


def assign_splits(picks: Sequence[Pick], split: tuple[float, ...] | None, seed: int) -> dict[int, str]:
    """Article id -> split name, random by article (``seed``); every non-zero share gets at
    least one article when there are enough articles."""
    if not split:
        return {}
    ids = [p.article_id for p in picks]
    rng = random.Random(seed)
    rng.shuffle(ids)
    n = len(ids)
    shares = list(split)
    counts = [int(s * n) for s in shares]
    # largest remainder, then make sure every non-zero share has one article when possible
    rest = sorted(range(len(shares)), key=lambda i: -(shares[i] * n - counts[i]))
    for i in rest[: n - sum(counts)]:
        counts[i] += 1
    for i, s in enumerate(shares):
        if s > 0 and counts[i] == 0:
            donor = max(range(len(counts)), key=lambda j: counts[j])
            if counts[donor] > 1:
                counts[donor] -= 1
                counts[i] += 1
    out: dict[int, str] = {}
    pos = 0
    for name, c in zip(SPLIT_NAMES, counts):
        for aid in ids[pos : pos + c]:
            out[aid] = name
        pos += c
    return out


# ---- records (the JSONL schema) ----------------------------------------------------------------
_ANN_FIELDS = (
    m.Annotation.id, m.Annotation.article, m.Annotation.annotator, m.Annotation.kind, m.Annotation.start,
    m.Annotation.end, m.Annotation.label, m.Annotation.status, m.Annotation.suggestion, m.Annotation.stance,
    m.Annotation.source_start, m.Annotation.source_end, m.Annotation.source_text, m.Annotation.source_name,
    m.Annotation.source_type, m.Annotation.cue_start, m.Annotation.cue_end, m.Annotation.quote_type,
    m.Annotation.note, m.Annotation.updated_at, m.Annotation.layer,
)
_SUG_FIELDS = (
    m.Suggestion.id, m.Suggestion.article, m.Suggestion.kind, m.Suggestion.start, m.Suggestion.end, m.Suggestion.label,
    m.Suggestion.quote_type, m.Suggestion.source_start, m.Suggestion.source_end, m.Suggestion.source_name,
    m.Suggestion.cue_start, m.Suggestion.cue_end, m.Suggestion.model_name, m.Suggestion.model_version,
)


_ANN_KEYS = tuple(f.name for f in _ANN_FIELDS)
_SUG_KEYS = tuple(f.name for f in _SUG_FIELDS)
_ART_FIELDS = (
    m.Article.id, m.Article.uid, m.Article.title, m.Article.outlet, m.Article.date, m.Article.url,
    m.Article.source_file, m.Article.external_id, m.Article.meta, m.Article.text,
)
_ART_KEYS = tuple(f.name for f in _ART_FIELDS)
# Positions in the annotation and suggestion rows (tuples in _ANN_FIELDS / _SUG_FIELDS order):
# 100,000 rows are read per 100,000-span export, so no dict per row.
(A_ID, A_ARTICLE, A_ANNOTATOR, A_KIND, A_START, A_END, A_LABEL, A_STATUS, A_SUGGESTION, A_STANCE, A_SS, A_SE,
 A_STEXT, A_SNAME, A_STYPE, A_CS, A_CE, A_QTYPE, A_NOTE, A_UPDATED, A_LAYER) = range(len(_ANN_FIELDS))
(S_ID, S_ARTICLE, S_KIND, S_START, S_END, S_LABEL, S_QTYPE, S_SS, S_SE, S_SNAME, S_CS, S_CE, S_MODEL,
 S_VERSION) = range(len(_SUG_FIELDS))
_ENTITY = "entity"


def _rows(query) -> list[tuple]:
    """Rows of a peewee query as plain tuples, without peewee's per-value conversion (all the
    columns read here are INTEGER or TEXT, which the driver already returns as int/str/None)."""
    sql, params = query.sql()
    return query.model._meta.database.execute_sql(sql, params).fetchall()


def _as_row(row: Any, keys: tuple[str, ...]) -> tuple:
    if isinstance(row, dict):
        return tuple(row.get(k, row.get(k + "_id")) for k in keys)
    return tuple(getattr(row, k + "_id") if k in ("article", "annotator", "suggestion") else getattr(row, k, None) for k in keys)


def _span_text(text: str, start: int | None, end: int | None) -> dict | None:
    if start is None or end is None:
        return None
    return {"text": text[start:end], "start": start, "end": end}


def _ann_item(a: tuple, text: str, annotator: str) -> dict:
    start, end = a[A_START], a[A_END]
    base = {
        "start": start,
        "end": end,
        "text": text[start:end],
        "label": a[A_LABEL],
        "status": a[A_STATUS],
        "annotator": annotator,
        "updated_at": a[A_UPDATED],
    }
    if a[A_KIND] == _ENTITY:
        return base
    source = None
    ss, se = a[A_SS], a[A_SE]
    if ss is not None and se is not None:
        source = {"text": text[ss:se], "start": ss, "end": se, "name": a[A_SNAME] or text[ss:se]}
    elif a[A_STEXT] or a[A_SNAME]:
        source = {"text": a[A_STEXT] or a[A_SNAME], "start": None, "end": None, "name": a[A_SNAME] or a[A_STEXT]}
    cs, ce = a[A_CS], a[A_CE]
    base.update(
        stance=a[A_STANCE],
        source=source,
        source_type=a[A_STYPE],
        cue={"text": text[cs:ce], "start": cs, "end": ce} if cs is not None and ce is not None else None,
        quote_type=a[A_QTYPE],
        note=a[A_NOTE] or "",
    )
    return base


def _sug_item(s: tuple, text: str) -> dict:
    start, end = s[S_START], s[S_END]
    base = {
        "start": start,
        "end": end,
        "text": text[start:end],
        "label": s[S_LABEL],
        "status": "suggested",
        "model": f"{s[S_MODEL]} {s[S_VERSION]}",
    }
    if s[S_KIND] == _ENTITY:
        return base
    source = None
    ss, se = s[S_SS], s[S_SE]
    if ss is not None and se is not None:
        source = {"text": text[ss:se], "start": ss, "end": se, "name": s[S_SNAME] or text[ss:se]}
    base.update(stance=None, source=source, source_type=None, cue=_span_text(text, s[S_CS], s[S_CE]),
                quote_type=s[S_QTYPE])
    return base


def annotation_json(a: Any, text: str, annotator: str) -> dict:
    """One annotation (a model instance or a dict row) in the export schema."""
    return _ann_item(_as_row(a, _ANN_KEYS), text, annotator)


def suggestion_json(s: Any, text: str) -> dict:
    """One untouched suggestion (a model instance or a dict row) in the export schema."""
    return _sug_item(_as_row(s, _SUG_KEYS), text)


def iter_records(
    selection: Selection,
    opts: ExportOptions,
    splits: dict[int, str] | None = None,
    chunk_size: int = CHUNK,
    tokens_id: str | None = None,
) -> Iterator[dict]:
    """One record per picked article, in article id order, ``CHUNK`` articles per query.

    Record keys: ``id`` (article uid), ``text``, ``meta``, ``spans`` (decided entity spans, plus
    untouched suggestions with ``include_suggestions``), ``claims`` (likewise), ``rejected``
    (rejected suggestions, each with ``kind``), ``annotators``, ``layer``, ``article_status`` and
    ``split`` (None without a split). With ``tokens_id``, ``stored_tokens`` holds the packed token
    boundaries pre-annotation stored under that tokenizer id for this very text and
    ``stored_prodigy`` the same tokens as compressed Prodigy JSON (else None).
    """
    names = _annotator_names()
    labels = set(opts.labels)
    picks = selection.picks
    for i in range(0, len(picks), chunk_size):
        chunk = picks[i : i + chunk_size]
        ids = [p.article_id for p in chunk]
        arts = {r[0]: dict(zip(_ART_KEYS, r)) for r in _rows(m.Article.select(*_ART_FIELDS).where(m.Article.id.in_(ids)))}
        # Each article's annotations of its picked layer and annotator.
        anns: dict[int, list[tuple]] = {}
        by_key = {(p.article_id, p.layer, p.annotator_id) for p in chunk}
        layers = sorted({p.layer for p in chunk})
        q = (
            m.Annotation.select(*_ANN_FIELDS)
            .where(m.Annotation.article.in_(ids) & m.Annotation.layer.in_(layers))
            .order_by(m.Annotation.article, m.Annotation.start, m.Annotation.end, m.Annotation.id)
        )
        for a in _rows(q):
            if (a[A_ARTICLE], a[A_LAYER], a[A_ANNOTATOR]) in by_key:
                anns.setdefault(a[A_ARTICLE], []).append(a)
        sugg: dict[int, list[tuple]] = {}
        if opts.include_suggestions:
            q = (
                m.Suggestion.select(*_SUG_FIELDS)
                .where(m.Suggestion.article.in_(ids))
                .order_by(m.Suggestion.article, m.Suggestion.start, m.Suggestion.end, m.Suggestion.id)
            )
            for sg in _rows(q):
                sugg.setdefault(sg[S_ARTICLE], []).append(sg)
        stored: dict[int, tuple[bytes, bytes | None]] = {}
        if tokens_id:
            q = (
                m.ArticleTokens.select(m.ArticleTokens.article, m.ArticleTokens.data, m.ArticleTokens.prodigy)
                .join(m.Article)
                .where(m.ArticleTokens.article.in_(ids) & (m.ArticleTokens.tokenizer == tokens_id)
                       & (m.ArticleTokens.text_hash == m.Article.content_hash))
            )
            stored = {a: (bytes(d), bytes(j) if j is not None else None) for a, d, j in q.tuples()}
        for p in chunk:
            art = arts.get(p.article_id)
            if art is None:  # deleted meanwhile
                continue
            rec = _record(art, p, anns.get(p.article_id, []), sugg.get(p.article_id, []), names, labels)
            rec["split"] = splits.get(p.article_id) if splits else None
            rec["stored_tokens"], rec["stored_prodigy"] = stored.get(p.article_id, (None, None))
            yield rec


def _record(art: dict, pick: Pick, anns: list[tuple], suggs: list[tuple], names: dict[int, str], labels: set[str]) -> dict:
    text = art["text"]
    try:
        meta = json.loads(art["meta"] or "{}")
        if not isinstance(meta, dict):
            meta = {"meta": meta}
    except ValueError:
        meta = {}
    meta = {k: v for k, v in meta.items() if k not in RESERVED_META_KEYS}
    meta.update(
        uid=art["uid"], title=art["title"], outlet=art["outlet"], date=art["date"], url=art["url"],
        source_file=art["source_file"], external_id=art["external_id"],
    )
    spans: list[dict] = []
    claims: list[dict] = []
    rejected: list[dict] = []
    decided: set[int] = set()
    who: set[str] = set()
    for a in anns:
        if a[A_SUGGESTION] is not None:
            decided.add(a[A_SUGGESTION])
        if labels and a[A_LABEL] not in labels:
            continue
        name = names.get(a[A_ANNOTATOR], "?")
        who.add(name)
        rec = _ann_item(a, text, name)
        if a[A_STATUS] == _REJECTED:
            rec["kind"] = a[A_KIND]
            rejected.append(rec)
        elif a[A_KIND] == _ENTITY:
            spans.append(rec)
        else:
            claims.append(rec)
    for s in suggs:
        if s[S_ID] in decided or (labels and s[S_LABEL] not in labels):
            continue
        (spans if s[S_KIND] == _ENTITY else claims).append(_sug_item(s, text))
    if len(spans) > 1 and suggs:
        spans.sort(key=lambda d: (d["start"], d["end"]))
    if len(claims) > 1 and suggs:
        claims.sort(key=lambda d: (d["start"], d["end"]))
    annotator = names.get(pick.annotator_id) if pick.annotator_id is not None else None
    return {
        "id": art["uid"],
        "article_id": art["id"],
        "text": text,
        "meta": meta,
        "spans": spans,
        "claims": claims,
        "rejected": rejected,
        "annotators": sorted(who) or ([annotator] if annotator else []),
        "annotator": annotator,
        "layer": pick.layer,
        "article_status": pick.status,
    }


def iter_article_records(opts: ExportOptions) -> Iterator[dict]:
    """One export record per selected article (the JSONL schema), streamed in chunks."""
    yield from iter_records(select_articles(opts), opts)


# ---- the manifest ------------------------------------------------------------------------------
def _models_used(ids: Sequence[int] | None = None) -> list[dict[str, str]]:
    q = m.Suggestion.select(m.Suggestion.model_name, m.Suggestion.model_version, m.Suggestion.rules_version).distinct()
    found = {(a, b, c) for a, b, c in q.tuples()}
    found |= {(a, b, "") for a, b in m.Preannotation.select(m.Preannotation.model_name, m.Preannotation.model_version).distinct().tuples()}
    merged: dict[tuple[str, str], str] = {}
    for a, b, c in sorted(found):
        if c or (a, b) not in merged:
            merged[(a, b)] = c
    return [{"name": a, "version": b, **({"rules_version": c} if c else {})} for (a, b), c in sorted(merged.items())]


def manifest_path(path: Path) -> Path:
    path = Path(path)
    return path.with_name(path.name.rstrip("/") + ".manifest.json")


def build_manifest(project_path: Path | str | None, fmt: str, opts: ExportOptions, report: ExportReport, tokenizer: str | None,
                   base: Path, chosen: str | None = None) -> dict:
    def rel(p: Path) -> str:
        try:
            return os.path.relpath(p, base)
        except ValueError:
            return str(p)

    return {
        "format": fmt,
        "created_at": m.now_iso(),
        "annotator_version": __version__,
        "project": str(project_path) if project_path else None,
        "filters": opts.as_dict() | {"chosen_annotator": chosen},
        "counts": {
            "articles": report.articles,
            "entity_spans": report.spans,
            "claims": report.claims,
            "rejected": report.rejected,
            "suggested": report.suggested,
            "by_label": dict(sorted(report.by_label.items())),
            "by_stance": dict(sorted(report.by_stance.items())),
            "by_source_type": dict(sorted(report.by_source_type.items())),
            "by_layer": dict(sorted(report.by_layer.items())),
            "splits": report.splits,
            "dropped_overlaps": report.dropped_overlaps,
            "expanded_to_tokens": report.expanded,
            "whitespace_spans_skipped": report.skipped_spans,
        },
        "annotators": report.annotators,
        "models": _models_used(),
        "tokenizer": tokenizer,
        # where each article's tokens came from: stored by pre-annotation, or tokenised now
        "tokens": {"stored": report.tokens_stored, "tokenised_at_export": report.tokens_computed} if tokenizer else None,
        "notes": report.notes,
        "files": [
            {"path": rel(w.path), "sha256": w.sha256, "bytes": w.bytes, **({"split": w.split} if w.split else {}),
             "articles": w.articles}
            for w in report.written
        ],
    }


# ---- the export ---------------------------------------------------------------------------------
def _count(report: ExportReport, rec: dict) -> None:
    report.articles += 1
    report.by_layer[rec["layer"]] = report.by_layer.get(rec["layer"], 0) + 1
    if rec.get("split"):
        report.splits[rec["split"]] = report.splits.get(rec["split"], 0) + 1
    for s in rec["spans"]:
        if s["status"] == "suggested":
            report.suggested += 1
            continue
        report.spans += 1
        report.by_label[s["label"]] = report.by_label.get(s["label"], 0) + 1
    for c in rec["claims"]:
        if c["status"] == "suggested":
            report.suggested += 1
            continue
        report.claims += 1
        report.by_label[c["label"]] = report.by_label.get(c["label"], 0) + 1
        stance = c.get("stance") or "(none)"
        report.by_stance[stance] = report.by_stance.get(stance, 0) + 1
        st = c.get("source_type") or "(none)"
        report.by_source_type[st] = report.by_source_type.get(st, 0) + 1
    report.rejected += len(rec["rejected"])


def output_targets(path: Path, fmt: str, split_names: Sequence[str] | None) -> dict[str | None, Path]:
    """Split -> file (or folder for brat). ``corpus.spacy`` -> ``corpus.train.spacy`` ...;
    brat: ``out/`` -> ``out/train/`` ..."""
    path = Path(path)
    if not split_names:
        return {None: path}
    if fmt == "brat":
        return {s: path / s for s in split_names}
    suffix = path.suffix or SUFFIXES[fmt]
    stem = path.name[: -len(path.suffix)] if path.suffix else path.name
    return {s: path.with_name(f"{stem}.{s}{suffix}") for s in split_names}


def export_dataset(
    path: Path | str,
    opts: ExportOptions,
    fmt: str = "jsonl",
    force: bool = False,
    tokenizer: Tokenizer | None = None,
    docbin: DocSinkFactory | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    project_path: Path | str | None = None,
    scheme: Any = None,
) -> ExportReport:
    """Export the selected articles as ``fmt`` to ``path`` (a file; a folder for ``brat``).

    ``tokenizer`` is needed for ``jsonl`` (token offsets; left out without one), ``conll`` and
    ``spacy``; ``docbin`` (a factory of DocBin writers) for ``spacy``. Raises ExportError.
    """
    from annotator.services import export_formats as ef

    if fmt not in FORMATS:
        raise ExportError(Msg.E004.format(fmt=fmt, formats=", ".join(FORMATS)))
    if fmt in ("conll", "spacy") and tokenizer is None:
        raise ValueError(f"the {fmt} export needs a tokenizer")
    if fmt == "spacy" and docbin is None:
        raise ValueError("the spacy export needs a DocBin writer factory")
    cancel = cancel or NeverCancel()
    path = Path(path)
    split = parse_split(opts.split) if opts.split else None
    split_names = list(SPLIT_NAMES[: len(split)]) if split else None
    targets = output_targets(path, fmt, split_names)
    mpath = manifest_path(path)
    # Check every target before anything is written.
    if fmt == "brat":
        ef.check_brat_folder(path, force)
    else:
        for t in targets.values():
            check_target(t, force)
    check_target(mpath, force)

    selection = select_articles(opts)
    if not selection.picks:
        raise ExportError(Msg.E003.format(detail=_empty_reason(opts)))
    splits = assign_splits(selection.picks, split, opts.seed) if split else {}
    report = ExportReport(path=path, fmt=fmt)
    report.notes.extend(selection.notes)
    total = len(selection.picks)
    who: set[str] = set()
    ctx = ef.WriteContext(tokenizer=tokenizer, docbin=docbin, report=report, scheme=scheme, opts=opts)
    writer = ef.WRITERS[fmt](ctx)
    progress(0, total, "exporting")
    writer.run(
        targets,
        force,
        _counted(iter_records(selection, opts, splits, tokens_id=getattr(tokenizer, "id", None)), report, who, cancel,
                 progress, total),
        manifest=(
            mpath,
            lambda: build_manifest(
                project_path, fmt, opts, _finish(report, who), getattr(tokenizer, "name", None), mpath.parent,
                selection.annotator,
            ),
        ),
    )
    progress(total, total, "done")
    report.files = [w.path for w in report.written]
    report.manifest = mpath
    return report


def _finish(report: ExportReport, who: set[str]) -> ExportReport:
    report.annotators = sorted(who)
    return report


def _counted(records: Iterator[dict], report: ExportReport, who: set[str], cancel: CancelToken, progress: ProgressFn,
             total: int) -> Iterator[dict]:
    n = 0
    for rec in records:
        if cancel.is_set():
            raise ExportError(Msg.E005)
        _count(report, rec)
        who.update(rec["annotators"])
        n += 1
        if n % 50 == 0:
            progress(n, total, "exporting")
        yield rec
    if cancel.is_set():
        raise ExportError(Msg.E005)


def _empty_reason(opts: ExportOptions) -> str:
    st = ", ".join(opts.statuses())
    who = f"annotator {opts.annotator!r}" if opts.annotator else "any annotator"
    layer = {"auto": "the gold layer or " + who, "gold": "the gold layer", "work": who}[opts.layer]
    return (
        f"no article has status {st} in {layer}; mark articles done, or choose --status/--annotator/--layer"
        + ("" if opts.include_suggestions else " (use --all --status any to include untouched suggestions)")
    )


def export_jsonl(
    path: Path,
    opts: ExportOptions,
    force: bool = False,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
    tokenizer: Tokenizer | None = None,
) -> ExportReport:
    """Backwards-compatible wrapper: :func:`export_dataset` with ``fmt="jsonl"``."""
    return export_dataset(path, opts, "jsonl", force=force, tokenizer=tokenizer, progress=progress, cancel=cancel)


def write_jsonl_stream(out: IO, opts: ExportOptions, tokenizer: Tokenizer | None = None) -> int:
    """The JSONL lines for standard output (no manifest, no temporary file). Returns the number of articles."""
    from annotator.services import export_formats as ef

    selection = select_articles(opts)
    if not selection.picks:
        raise ExportError(Msg.E003.format(detail=_empty_reason(opts)))
    report = ExportReport(path=Path("-"), fmt="jsonl")
    ctx = ef.WriteContext(tokenizer=tokenizer, docbin=None, report=report, scheme=None, opts=opts)
    lines = ef.JsonlWriter(ctx)
    binary = getattr(out, "buffer", None)
    if binary is not None:
        out.flush()
    n = 0
    for rec in iter_records(selection, opts, tokens_id=getattr(tokenizer, "id", None)):
        for line in lines.lines(rec):
            if binary is not None:
                binary.write(line)
            else:
                out.write(line.decode("utf-8"))
        n += 1
    if binary is not None:
        binary.flush()
    return n
