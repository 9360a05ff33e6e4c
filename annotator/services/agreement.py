"""Inter-annotator agreement: span F1, Cohen's kappa, Krippendorff's alpha, speaker agreement.

What counts
-----------
* Only **decided** annotations: status ``accepted``, ``corrected`` or ``added``. A rejected
  suggestion means "not a span" and is simply absent.
* For a pair of annotators, only the articles **both** have touched: their work-layer status is
  ``in_progress`` or ``done`` (``done`` only with ``done_only=True``). The gold layer (every
  reviewer's gold annotations pooled) counts for the articles whose gold status is touched the
  same way; each annotator is then compared with gold.

Figures (see ``docs/review.md`` for their meaning)
--------------------------------------------------
* Entities and claims: pairwise span precision / recall / F1, with an **exact** match (same start,
  end and label) and an **overlapping** match (same label, spans overlap; a one-to-one matching of
  maximum size, preferring larger overlaps). Precision is A's spans found by B, recall B's spans
  found by A (against gold: the annotator's precision and recall). Per label too.
* Stance and source type: **Cohen's kappa** per pair over the claims matched between the two
  (overlapping match) that both gave a value; **Krippendorff's alpha** (nominal) over all
  annotators, one unit per claim found by several annotators, missing values allowed; confusion
  matrices.
* Claim sources: share of matched claims whose speakers agree (names compared case-insensitively;
  a one-word name equal to the other's last word, "Lavrov" / "Sergey Lavrov", agrees). Pairs where
  neither annotator named a speaker are not counted.
* Per article (disagreement items, as in the review view: groups of overlapping spans on which the
  annotators do not all agree; most disagreement first) and per annotator.

Degenerate cases (consistent with scikit-learn and the ``krippendorff`` package, which return NaN
or raise there): kappa is ``None`` with a ``note`` when there are no items or when both annotators
used one and the same label for every item (expected agreement 1, kappa undefined; the observed
agreement, 1.0, is still reported); alpha is ``None`` when no unit has values from two annotators
or only one label occurs among the pairable values. F1 is ``None`` when neither side has a span.

The formulas are implemented here (no scikit-learn or krippendorff at run time); the tests check
them against both packages.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Hashable, Iterable, Sequence

from annotator.domain.model import ArticleState, Kind, Layer, Status
from annotator.store import models as m

POSITIVE = (Status.ACCEPTED.value, Status.CORRECTED.value, Status.ADDED.value)
GOLD = "gold"  # the name of the gold layer in the figures (never an annotator's key internally)


# ---- marks and grouping (shared with the review service) ----------------------------------------
@dataclass(frozen=True)
class Mark:
    """One decided annotation, as compared: span, label and the claim fields that are judged."""

    kind: str
    start: int
    end: int
    label: str
    stance: str | None = None
    source_type: str | None = None
    speaker: str | None = None  # resolved name (source_name, else the mention as written)
    annotation_id: int = 0

    def overlaps(self, other: "Mark") -> bool:
        return self.start < other.end and other.start < self.end

    def overlap(self, other: "Mark") -> int:
        return max(0, min(self.end, other.end) - max(self.start, other.start))


def mark_from(row: Any) -> Mark:
    """A Mark from an annotation row or :class:`AnnotationRecord`."""
    speaker = getattr(row, "source_name", None) or getattr(row, "source_text", None)
    return Mark(
        row.kind, row.start, row.end, row.label, getattr(row, "stance", None), getattr(row, "source_type", None),
        speaker.strip() if isinstance(speaker, str) and speaker.strip() else None, row.id,
    )


_NAME_SPLIT = re.compile(r"[^\w'’-]+")


def _name_tokens(name: str | None) -> list[str]:
    if not name:
        return []
    return [t for t in _NAME_SPLIT.split(name.casefold()) if t]


def same_speaker(x: str | None, y: str | None) -> bool:
    """Whether two resolved speaker names name the same person.

    Case-insensitive and punctuation-insensitive; a one-word name matches a longer name whose last
    word it is ("Lavrov" and "Sergey Lavrov"). Two missing names are the same (no speaker).
    """
    tx, ty = _name_tokens(x), _name_tokens(y)
    if not tx or not ty:
        return not tx and not ty
    if tx == ty:
        return True
    if len(tx) == 1 and tx[0] == ty[-1]:
        return True
    return len(ty) == 1 and ty[0] == tx[-1]


def equivalent(a: Mark, b: Mark) -> bool:
    """Same decision: same kind, span and label, and for claims the same stance, source type and speaker."""
    if (a.kind, a.start, a.end, a.label) != (b.kind, b.start, b.end, b.label):
        return False
    if a.kind != Kind.CLAIM.value:
        return True
    return a.stance == b.stance and a.source_type == b.source_type and same_speaker(a.speaker, b.speaker)


@dataclass(frozen=True)
class Version:
    """One annotator's (or several identical annotators') marks within a group."""

    marks: tuple[Mark, ...]
    annotators: tuple[str, ...]


@dataclass(frozen=True)
class Group:
    """Overlapping marks of one kind from all annotators of one article."""

    kind: str
    start: int
    end: int
    versions: tuple[Version, ...]

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.start}:{self.end}"

    @property
    def annotators(self) -> tuple[str, ...]:
        return tuple(sorted(n for v in self.versions for n in v.annotators))

    def agreed(self, eligible: Iterable[str]) -> bool:
        """Every eligible annotator (at least two) gave the same version."""
        eligible = set(eligible)
        return len(eligible) >= 2 and len(self.versions) == 1 and set(self.versions[0].annotators) >= eligible

    def differences(self, eligible: Iterable[str]) -> tuple[str, ...]:
        """What differs between the versions: missing, span, label, stance, source, source_type, count."""
        out: list[str] = []
        if set(eligible) - set(self.annotators):
            out.append("missing")
        firsts = [v.marks for v in self.versions]
        if len({len(ms) for ms in firsts}) > 1:
            out.append("count")
        singles = [ms[0] for ms in firsts if ms]
        if len({(x.start, x.end) for x in singles}) > 1 or "count" in out:
            out.append("span")
        if len({x.label for x in singles}) > 1:
            out.append("label")
        if self.kind == Kind.CLAIM.value:
            if len({x.stance for x in singles}) > 1:
                out.append("stance")
            if len({x.source_type for x in singles}) > 1:
                out.append("source_type")
            if any(not same_speaker(p.speaker, q.speaker) for p, q in itertools.combinations(singles, 2)):
                out.append("source")
        return tuple(out)


def group_marks(marks: dict[str, Sequence[Mark]]) -> list[Group]:
    """Group the marks of several annotators (one article) into items of overlapping spans.

    Marks of one kind that overlap, directly or through a chain, form one group. Within a group,
    annotators whose marks are pairwise :func:`equivalent` share a version.
    """
    out: list[Group] = []
    for kind in (Kind.ENTITY.value, Kind.CLAIM.value):
        flat = sorted(
            ((mk, who) for who, ms in marks.items() for mk in ms if mk.kind == kind),
            key=lambda x: (x[0].start, x[0].end, x[0].label, x[1]),
        )
        i = 0
        while i < len(flat):
            end = flat[i][0].end
            j = i + 1
            while j < len(flat) and flat[j][0].start < end:
                end = max(end, flat[j][0].end)
                j += 1
            chunk = flat[i:j]
            by: dict[str, list[Mark]] = {}
            for mk, who in chunk:
                by.setdefault(who, []).append(mk)
            versions: list[tuple[tuple[Mark, ...], list[str]]] = []
            for who in sorted(by):
                ms = tuple(by[who])
                for vm, names in versions:
                    if len(vm) == len(ms) and all(equivalent(p, q) for p, q in zip(vm, ms)):
                        names.append(who)
                        break
                else:
                    versions.append((ms, [who]))
            versions.sort(key=lambda v: (-len(v[1]), v[1]))
            out.append(Group(kind, chunk[0][0].start, end, tuple(Version(vm, tuple(n)) for vm, n in versions)))
            i = j
    out.sort(key=lambda g: (g.start, g.end, g.kind))
    return out


# ---- matching ----------------------------------------------------------------------------------
def match_overlapping(a: Sequence[Mark], b: Sequence[Mark], same_label: bool = True) -> list[tuple[int, int]]:
    """A one-to-one matching of maximum size between overlapping marks (same label if asked).

    Identical spans are paired first; augmenting paths (Kuhn's algorithm, candidates tried by
    decreasing overlap) then make the matching maximum. Returns ``(index in a, index in b)``.
    """
    cand: list[list[int]] = []
    for x in a:
        js = [j for j, y in enumerate(b) if x.overlaps(y) and (not same_label or x.label == y.label)]
        js.sort(key=lambda j: (-(x.start == b[j].start and x.end == b[j].end), -x.overlap(b[j]), j))
        cand.append(js)
    match_b: dict[int, int] = {}
    match_a: dict[int, int] = {}
    for i, x in enumerate(a):  # exact pairs first
        for j in cand[i]:
            if j not in match_b and (x.start, x.end) == (b[j].start, b[j].end):
                match_a[i], match_b[j] = j, i
                break

    def augment(i: int, seen: set[int]) -> bool:
        for j in cand[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in match_b or augment(match_b[j], seen):
                match_a[i], match_b[j] = j, i
                return True
        return False

    for i in range(len(a)):
        if i not in match_a:
            augment(i, set())
    return sorted(match_a.items())


def exact_matches(a: Sequence[Mark], b: Sequence[Mark]) -> Counter:
    """Per label, how many spans of ``a`` have an identical (start, end, label) span in ``b``."""
    ca = Counter((x.start, x.end, x.label) for x in a)
    cb = Counter((x.start, x.end, x.label) for x in b)
    out: Counter = Counter()
    for key, n in (ca & cb).items():
        out[key[2]] += n
    return out


# ---- statistics --------------------------------------------------------------------------------
@dataclass
class PRF:
    """Matches between A and B: precision = tp / n_a, recall = tp / n_b, F1 = 2 tp / (n_a + n_b)."""

    tp: int = 0
    n_a: int = 0
    n_b: int = 0

    def add(self, tp: int, n_a: int, n_b: int) -> None:
        self.tp += tp
        self.n_a += n_a
        self.n_b += n_b

    def merge(self, other: "PRF") -> None:
        self.add(other.tp, other.n_a, other.n_b)

    @property
    def precision(self) -> float | None:
        return self.tp / self.n_a if self.n_a else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.n_b if self.n_b else None

    @property
    def f1(self) -> float | None:
        return 2 * self.tp / (self.n_a + self.n_b) if (self.n_a + self.n_b) else None

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "n_a": self.n_a, "n_b": self.n_b, "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass
class Kappa:
    value: float | None
    observed: float | None
    expected: float | None
    n: int
    note: str = ""


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> Kappa:
    """Cohen's kappa of two raters over the same items (no missing values; drop them first).

    ``(p_o - p_e) / (1 - p_e)`` with ``p_o`` the share of items with the same label and ``p_e``
    the agreement expected from each rater's label frequencies. Computed with integers, so a
    perfect score is exactly 1.0. ``None`` (with a note) when there are no items or ``p_e = 1``.
    """
    if len(a) != len(b):
        raise ValueError("both raters must rate the same items")
    n = len(a)
    if n == 0:
        return Kappa(None, None, None, 0, "no items rated by both")
    agree = sum(1 for x, y in zip(a, b) if x == y)
    ca, cb = Counter(a), Counter(b)
    pe_num = sum(ca[k] * cb[k] for k in ca)
    observed, expected = agree / n, pe_num / (n * n)
    if pe_num == n * n:
        return Kappa(None, observed, expected, n, "undefined: both used one and the same label for every item")
    return Kappa((agree * n - pe_num) / (n * n - pe_num), observed, expected, n)


@dataclass
class Alpha:
    value: float | None
    units: int  # units with values from at least two annotators
    values: int  # pairable values
    observed_disagreement: float | None = None
    expected_disagreement: float | None = None
    note: str = ""


def krippendorff_alpha_nominal(data: Sequence[Sequence[Hashable | None]]) -> Alpha:
    """Krippendorff's alpha for nominal data. ``data``: one row per annotator, one column per
    unit, ``None`` for a missing value; any number of annotators.

    ``alpha = 1 - D_o / D_e`` from the coincidence matrix ``o_ck`` (each ordered pair of values in
    a unit with ``m_u >= 2`` values weighs ``1 / (m_u - 1)``): ``D_o = sum_{c != k} o_ck / n``,
    ``D_e = sum_{c != k} n_c n_k / (n (n - 1))``.
    """
    o: dict[tuple[Hashable, Hashable], float] = {}
    units = 0
    for unit in zip(*data) if data else ():
        vals = [v for v in unit if v is not None]
        mu = len(vals)
        if mu < 2:
            continue
        units += 1
        for i, j in itertools.permutations(range(mu), 2):
            key = (vals[i], vals[j])
            o[key] = o.get(key, 0.0) + 1.0 / (mu - 1)
    nc: dict[Hashable, float] = {}
    for (c, _k), w in o.items():
        nc[c] = nc.get(c, 0.0) + w
    n = sum(nc.values())
    if units == 0:
        return Alpha(None, 0, 0, note="no unit has values from two annotators")
    values = round(n)
    disagree = sum(w for (c, k), w in o.items() if c != k)
    expected_pairs = n * n - sum(v * v for v in nc.values())
    if len(nc) < 2 or expected_pairs <= 0:
        return Alpha(None, units, values, 0.0, 0.0, "undefined: only one label occurs among the pairable values")
    d_o = disagree / n
    d_e = expected_pairs / (n * (n - 1))
    return Alpha(1.0 - d_o / d_e, units, values, d_o, d_e)


@dataclass
class Confusion:
    """Label counts: rows are the first annotator (or an annotator against gold), columns the
    second (or gold). For the overall matrix of a figure, symmetric: cell (x, y) is the number of
    matched pairs where one annotator said x and the other y."""

    labels: list[str] = field(default_factory=list)
    matrix: list[list[int]] = field(default_factory=list)

    @classmethod
    def build(cls, pairs: Iterable[tuple[str, str]], order: Sequence[str], symmetric: bool = False) -> "Confusion":
        pairs = list(pairs)
        seen = {x for p in pairs for x in p}
        labels = [x for x in order if x in seen] + sorted(seen - set(order))
        idx = {x: i for i, x in enumerate(labels)}
        mat = [[0] * len(labels) for _ in labels]
        for x, y in pairs:
            mat[idx[x]][idx[y]] += 1
            if symmetric and x != y:
                mat[idx[y]][idx[x]] += 1
        return cls(labels, mat)


# ---- the report --------------------------------------------------------------------------------
@dataclass
class SpanAgreement:
    a: str
    b: str
    articles: int = 0
    exact: PRF = field(default_factory=PRF)
    overlap: PRF = field(default_factory=PRF)
    labels: dict[str, dict[str, PRF]] = field(default_factory=dict)  # label -> exact / overlap

    def label(self, name: str) -> dict[str, PRF]:
        return self.labels.setdefault(name, {"exact": PRF(), "overlap": PRF()})


@dataclass
class LabelAgreement:
    """Stance or source type for one pair (or one annotator against gold)."""

    a: str
    b: str
    matched: int = 0  # matched claims
    missing: int = 0  # matched claims where one or both gave no value
    kappa: Kappa | None = None
    confusion: Confusion = field(default_factory=Confusion)


@dataclass
class SpeakerAgreement:
    a: str
    b: str
    matched: int = 0
    compared: int = 0  # matched claims where at least one named a speaker
    agree: int = 0

    @property
    def share(self) -> float | None:
        return self.agree / self.compared if self.compared else None

    def as_dict(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "matched": self.matched, "compared": self.compared, "agree": self.agree, "share": self.share}


@dataclass
class ArticleAgreement:
    id: int
    title: str
    annotators: list[str]
    items: int = 0  # groups of overlapping spans (review items)
    disagreements: int = 0  # items the annotators do not all agree on
    entity_f1: float | None = None  # exact, micro over the pairs
    entity_f1_overlap: float | None = None
    claim_f1: float | None = None  # overlapping
    stance_agreement: float | None = None  # observed share over matched claims
    source_type_agreement: float | None = None
    speaker_agreement: float | None = None

    @property
    def agreement(self) -> float | None:
        return (self.items - self.disagreements) / self.items if self.items else None

    def as_dict(self) -> dict[str, Any]:
        d = {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}
        d["agreement"] = self.agreement
        return d


@dataclass
class AnnotatorAgreement:
    name: str
    articles: int = 0  # touched (in progress or done; done only with done_only)
    done: int = 0
    entities: int = 0  # decided entities in those articles
    claims: int = 0
    entity_f1: float | None = None  # exact, micro over the pairs with the others
    entity_f1_overlap: float | None = None
    claim_f1: float | None = None
    stance_kappa: float | None = None  # mean over the pairs where defined
    source_type_kappa: float | None = None
    speaker_agreement: float | None = None
    gold_articles: int = 0
    gold_entity_f1: float | None = None
    gold_entity_precision: float | None = None
    gold_entity_recall: float | None = None
    gold_claim_f1: float | None = None
    gold_stance_kappa: float | None = None
    gold_source_type_kappa: float | None = None


@dataclass
class KindFigures:
    pairs: list[SpanAgreement] = field(default_factory=list)
    gold: list[SpanAgreement] = field(default_factory=list)
    overall_exact: PRF = field(default_factory=PRF)  # micro over the pairs
    overall_overlap: PRF = field(default_factory=PRF)


@dataclass
class LabelFigures:
    pairs: list[LabelAgreement] = field(default_factory=list)
    gold: list[LabelAgreement] = field(default_factory=list)
    alpha: Alpha | None = None
    confusion: Confusion = field(default_factory=Confusion)  # symmetric, all pairs
    gold_confusion: Confusion = field(default_factory=Confusion)  # annotators (rows) x gold


@dataclass
class AgreementReport:
    project: str = ""
    done_only: bool = False
    annotators: list[str] = field(default_factory=list)
    has_gold: bool = False
    entities: KindFigures = field(default_factory=KindFigures)
    claims: KindFigures = field(default_factory=KindFigures)
    stance: LabelFigures = field(default_factory=LabelFigures)
    source_type: LabelFigures = field(default_factory=LabelFigures)
    sources: list[SpeakerAgreement] = field(default_factory=list)
    sources_gold: list[SpeakerAgreement] = field(default_factory=list)
    articles: list[ArticleAgreement] = field(default_factory=list)  # most disagreement first
    per_annotator: list[AnnotatorAgreement] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return _jsonable(self)


def _jsonable(o: Any) -> Any:
    if hasattr(o, "as_dict") and not isinstance(o, AgreementReport):
        return o.as_dict()
    if is_dataclass(o):
        return {f.name: _jsonable(getattr(o, f.name)) for f in fields(o)}
    if isinstance(o, dict):
        return {str(k): _jsonable(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_jsonable(v) for v in o]
    return o


# ---- loading -----------------------------------------------------------------------------------
@dataclass
class Corpus:
    """Decided marks and touched articles, per annotator (work layer) and for gold (pooled)."""

    annotators: list[str]
    touched: dict[str, set[int]]
    done: dict[str, set[int]]
    marks: dict[tuple[str, int], list[Mark]]
    gold_touched: set[int]
    gold_marks: dict[int, list[Mark]]
    titles: dict[int, str]

    def of(self, who: str, article: int) -> list[Mark]:
        return self.marks.get((who, article), [])


def touched_states(done_only: bool) -> tuple[str, ...]:
    return (ArticleState.DONE.value,) if done_only else (ArticleState.IN_PROGRESS.value, ArticleState.DONE.value)


def load_corpus(done_only: bool = False, article_ids: Iterable[int] | None = None) -> Corpus:
    """Read the bound project's decided annotations and article statuses."""
    states = touched_states(done_only)
    names = dict(m.Annotator.select(m.Annotator.id, m.Annotator.name).tuples())
    only = set(article_ids) if article_ids is not None else None
    touched: dict[str, set[int]] = {}
    done: dict[str, set[int]] = {}
    gold_touched: set[int] = set()
    q = m.ArticleStatus.select(m.ArticleStatus.article, m.ArticleStatus.annotator, m.ArticleStatus.layer, m.ArticleStatus.status)
    if only is not None:
        q = q.where(m.ArticleStatus.article.in_(list(only)))
    workers: set[str] = set()
    for art, who, layer, status in q.tuples():
        if layer == Layer.GOLD.value:
            if status in states:
                gold_touched.add(art)
            continue
        workers.add(names[who])
        if status in states:
            touched.setdefault(names[who], set()).add(art)
        if status == ArticleState.DONE.value:
            done.setdefault(names[who], set()).add(art)
    marks: dict[tuple[str, int], list[Mark]] = {}
    gold_marks: dict[int, list[Mark]] = {}
    q = m.Annotation.select().where(m.Annotation.status.in_(POSITIVE)).order_by(m.Annotation.start, m.Annotation.end, m.Annotation.id)
    if only is not None:
        q = q.where(m.Annotation.article.in_(list(only)))
    for row in q:
        mk = mark_from(row)
        if row.layer == Layer.GOLD.value:
            gold_marks.setdefault(row.article_id, []).append(mk)
        else:
            workers.add(names[row.annotator_id])
            marks.setdefault((names[row.annotator_id], row.article_id), []).append(mk)
    arts = set().union(*touched.values(), gold_touched) if touched or gold_touched else set()
    titles = {}
    if arts:
        ids = sorted(arts)
        for i in range(0, len(ids), 500):
            titles.update(
                m.Article.select(m.Article.id, m.Article.title).where(m.Article.id.in_(ids[i : i + 500])).tuples()
            )
    return Corpus(sorted(workers), touched, done, marks, gold_touched, gold_marks, titles)


# ---- computing ---------------------------------------------------------------------------------
def _spans_pair(res: SpanAgreement, a: Sequence[Mark], b: Sequence[Mark]) -> tuple[PRF, PRF]:
    """Add one article's spans of one kind to ``res``; returns this article's exact/overlap PRF."""
    exact = exact_matches(a, b)
    la, lb = Counter(x.label for x in a), Counter(x.label for x in b)
    art_exact, art_overlap = PRF(), PRF()
    for label in sorted(set(la) | set(lb)):
        xa = [x for x in a if x.label == label]
        xb = [x for x in b if x.label == label]
        tp_o = len(match_overlapping(xa, xb, same_label=True))
        d = res.label(label)
        d["exact"].add(exact[label], la[label], lb[label])
        d["overlap"].add(tp_o, la[label], lb[label])
        art_exact.add(exact[label], la[label], lb[label])
        art_overlap.add(tp_o, la[label], lb[label])
    res.exact.merge(art_exact)
    res.overlap.merge(art_overlap)
    return art_exact, art_overlap


@dataclass
class _ArticleAcc:
    ent_exact: PRF = field(default_factory=PRF)
    ent_overlap: PRF = field(default_factory=PRF)
    claim_overlap: PRF = field(default_factory=PRF)
    stance: list[int] = field(default_factory=lambda: [0, 0])
    source_type: list[int] = field(default_factory=lambda: [0, 0])
    speaker: list[int] = field(default_factory=lambda: [0, 0])


def _share(pair: list[int]) -> float | None:
    return pair[0] / pair[1] if pair[1] else None


def _compare(
    a_name: str, b_name: str, articles: Sequence[int], get_a, get_b, stance_order, st_order,
    acc: dict[int, _ArticleAcc] | None = None, links: dict[int, list] | None = None,
) -> tuple[SpanAgreement, SpanAgreement, LabelAgreement, LabelAgreement, SpeakerAgreement, list, list]:
    ents = SpanAgreement(a_name, b_name, len(articles))
    claims = SpanAgreement(a_name, b_name, len(articles))
    stance = LabelAgreement(a_name, b_name)
    stype = LabelAgreement(a_name, b_name)
    speakers = SpeakerAgreement(a_name, b_name)
    st_pairs: list[tuple[str, str]] = []
    ty_pairs: list[tuple[str, str]] = []
    for art in articles:
        ma, mb = get_a(art), get_b(art)
        ea = [x for x in ma if x.kind == Kind.ENTITY.value]
        eb = [x for x in mb if x.kind == Kind.ENTITY.value]
        ca = [x for x in ma if x.kind == Kind.CLAIM.value]
        cb = [x for x in mb if x.kind == Kind.CLAIM.value]
        e_exact, e_overlap = _spans_pair(ents, ea, eb)
        _c_exact, c_overlap = _spans_pair(claims, ca, cb)
        pairs = match_overlapping(ca, cb, same_label=True)
        if links is not None:
            links.setdefault(art, []).extend(((a_name, ca[i]), (b_name, cb[j])) for i, j in pairs)
        a_acc = acc.setdefault(art, _ArticleAcc()) if acc is not None else None
        if a_acc is not None:
            a_acc.ent_exact.merge(e_exact)
            a_acc.ent_overlap.merge(e_overlap)
            a_acc.claim_overlap.merge(c_overlap)
        for i, j in pairs:
            x, y = ca[i], cb[j]
            for res, out, vx, vy, slot in (
                (stance, st_pairs, x.stance, y.stance, "stance"),
                (stype, ty_pairs, x.source_type, y.source_type, "source_type"),
            ):
                res.matched += 1
                if vx is None or vy is None:
                    res.missing += 1
                    continue
                out.append((vx, vy))
                if a_acc is not None:
                    cnt = getattr(a_acc, slot)
                    cnt[0] += vx == vy
                    cnt[1] += 1
            speakers.matched += 1
            if x.speaker is None and y.speaker is None:
                continue
            speakers.compared += 1
            ok = same_speaker(x.speaker, y.speaker)
            speakers.agree += ok
            if a_acc is not None:
                a_acc.speaker[0] += ok
                a_acc.speaker[1] += 1
    stance.kappa = cohen_kappa([p[0] for p in st_pairs], [p[1] for p in st_pairs])
    stance.confusion = Confusion.build(st_pairs, stance_order)
    stype.kappa = cohen_kappa([p[0] for p in ty_pairs], [p[1] for p in ty_pairs])
    stype.confusion = Confusion.build(ty_pairs, st_order)
    return ents, claims, stance, stype, speakers, st_pairs, ty_pairs


def _components(links: Sequence[tuple[tuple[str, Mark], tuple[str, Mark]]]) -> list[dict[str, list[Mark]]]:
    """Connected components of the claims linked by pairwise matches: annotator -> their marks."""
    parent: dict[tuple[str, Mark], tuple[str, Mark]] = {}

    def find(x: tuple[str, Mark]) -> tuple[str, Mark]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p, q in links:
        parent[find(p)] = find(q)
    comps: dict[Any, dict[str, list[Mark]]] = {}
    for node in list(parent):
        comps.setdefault(find(node), {}).setdefault(node[0], []).append(node[1])
    return sorted(comps.values(), key=lambda c: min((mk.start, mk.end) for ms in c.values() for mk in ms))


def _alpha(corpus: Corpus, links: dict[int, list], attr: str) -> Alpha:
    """Units: claims linked by pairwise matches (connected components) within an article; an
    annotator with several claims in one unit contributes the value of the first."""
    coders = corpus.annotators
    columns: list[list[Hashable | None]] = []
    for art in sorted(links):
        for comp in _components(links[art]):
            col = []
            for who in coders:
                ms = sorted(comp.get(who, []), key=lambda mk: (mk.start, mk.end))
                col.append(getattr(ms[0], attr) if ms else None)
            columns.append(col)
    data = [[col[i] for col in columns] for i in range(len(coders))]
    return krippendorff_alpha_nominal(data)


def _mean(values: Iterable[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def compute_agreement(project: Any = None, done_only: bool = False, scheme: Any = None) -> AgreementReport:
    """Every agreement figure for the bound project (see the module docstring)."""
    corpus = load_corpus(done_only)
    if scheme is None and project is not None:
        from annotator.services.project import get_scheme

        scheme = get_scheme(project)
    stance_order = list(scheme.stance_labels) if scheme is not None else []
    st_order = list(scheme.source_type_labels) if scheme is not None else []
    rep = AgreementReport(project=str(getattr(project, "path", "") or ""), done_only=done_only, annotators=corpus.annotators)
    rep.has_gold = bool(corpus.gold_touched)
    acc: dict[int, _ArticleAcc] = {}
    links: dict[int, list] = {}
    all_st: list[tuple[str, str]] = []
    all_ty: list[tuple[str, str]] = []
    per: dict[str, AnnotatorAgreement] = {n: AnnotatorAgreement(n) for n in corpus.annotators}
    ent_by: dict[str, list[PRF]] = {n: [PRF(), PRF()] for n in corpus.annotators}
    claim_by: dict[str, PRF] = {n: PRF() for n in corpus.annotators}
    kap_by: dict[str, list[list[float | None]]] = {n: [[], []] for n in corpus.annotators}
    spk_by: dict[str, list[int]] = {n: [0, 0] for n in corpus.annotators}
    for a, b in itertools.combinations(corpus.annotators, 2):
        arts = sorted(corpus.touched.get(a, set()) & corpus.touched.get(b, set()))
        if not arts:
            continue
        ents, claims, st, ty, spk, stp, typ = _compare(
            a, b, arts, lambda x, a=a: corpus.of(a, x), lambda x, b=b: corpus.of(b, x), stance_order, st_order, acc, links
        )
        rep.entities.pairs.append(ents)
        rep.claims.pairs.append(claims)
        rep.entities.overall_exact.merge(ents.exact)
        rep.entities.overall_overlap.merge(ents.overlap)
        rep.claims.overall_exact.merge(claims.exact)
        rep.claims.overall_overlap.merge(claims.overlap)
        rep.stance.pairs.append(st)
        rep.source_type.pairs.append(ty)
        rep.sources.append(spk)
        all_st.extend(stp)
        all_ty.extend(typ)
        for who in (a, b):
            ent_by[who][0].merge(ents.exact)
            ent_by[who][1].merge(ents.overlap)
            claim_by[who].merge(claims.overlap)
            kap_by[who][0].append(st.kappa.value if st.kappa else None)
            kap_by[who][1].append(ty.kappa.value if ty.kappa else None)
            spk_by[who][0] += spk.agree
            spk_by[who][1] += spk.compared
    rep.stance.alpha = _alpha(corpus, links, "stance")
    rep.source_type.alpha = _alpha(corpus, links, "source_type")
    rep.stance.confusion = Confusion.build(all_st, stance_order, symmetric=True)
    rep.source_type.confusion = Confusion.build(all_ty, st_order, symmetric=True)

    # against gold
    gold_st: list[tuple[str, str]] = []
    gold_ty: list[tuple[str, str]] = []
    for a in corpus.annotators:
        arts = sorted(corpus.touched.get(a, set()) & corpus.gold_touched)
        if not arts:
            continue
        ents, claims, st, ty, spk, stp, typ = _compare(
            a, GOLD, arts, lambda x, a=a: corpus.of(a, x), lambda x: corpus.gold_marks.get(x, []), stance_order, st_order
        )
        rep.entities.gold.append(ents)
        rep.claims.gold.append(claims)
        rep.stance.gold.append(st)
        rep.source_type.gold.append(ty)
        rep.sources_gold.append(spk)
        gold_st.extend(stp)
        gold_ty.extend(typ)
        p = per[a]
        p.gold_articles = len(arts)
        p.gold_entity_f1, p.gold_entity_precision, p.gold_entity_recall = ents.exact.f1, ents.exact.precision, ents.exact.recall
        p.gold_claim_f1 = claims.overlap.f1
        p.gold_stance_kappa = st.kappa.value if st.kappa else None
        p.gold_source_type_kappa = ty.kappa.value if ty.kappa else None
    rep.stance.gold_confusion = Confusion.build(gold_st, stance_order)
    rep.source_type.gold_confusion = Confusion.build(gold_ty, st_order)

    # per annotator
    for n, p in per.items():
        arts = corpus.touched.get(n, set())
        p.articles = len(arts)
        p.done = len(corpus.done.get(n, set()) & arts) if not done_only else len(arts)
        for art in arts:
            for mk in corpus.of(n, art):
                if mk.kind == Kind.ENTITY.value:
                    p.entities += 1
                else:
                    p.claims += 1
        p.entity_f1, p.entity_f1_overlap = ent_by[n][0].f1, ent_by[n][1].f1
        p.claim_f1 = claim_by[n].f1
        p.stance_kappa = _mean(kap_by[n][0])
        p.source_type_kappa = _mean(kap_by[n][1])
        p.speaker_agreement = _share(spk_by[n])
    rep.per_annotator = list(per.values())

    # per article
    arts_all = sorted(set(acc) | {x for s in corpus.touched.values() for x in s})
    for art in arts_all:
        eligible = [n for n in corpus.annotators if art in corpus.touched.get(n, set())]
        if len(eligible) < 2:
            continue
        groups = group_marks({n: corpus.of(n, art) for n in eligible})
        a = acc.get(art, _ArticleAcc())
        rep.articles.append(
            ArticleAgreement(
                id=art,
                title=corpus.titles.get(art, ""),
                annotators=eligible,
                items=len(groups),
                disagreements=sum(1 for g in groups if not g.agreed(eligible)),
                entity_f1=a.ent_exact.f1,
                entity_f1_overlap=a.ent_overlap.f1,
                claim_f1=a.claim_overlap.f1,
                stance_agreement=_share(a.stance),
                source_type_agreement=_share(a.source_type),
                speaker_agreement=_share(a.speaker),
            )
        )
    rep.articles.sort(key=lambda x: (-x.disagreements, x.agreement if x.agreement is not None else 1.0, x.id))
    return rep


def article_disagreements(corpus: Corpus, article_id: int) -> tuple[int, int]:
    """(items, disagreement items) of one article among the annotators who touched it."""
    eligible = [n for n in corpus.annotators if article_id in corpus.touched.get(n, set())]
    groups = group_marks({n: corpus.of(n, article_id) for n in eligible})
    if len(eligible) < 2:
        return len(groups), 0
    return len(groups), sum(1 for g in groups if not g.agreed(eligible))
