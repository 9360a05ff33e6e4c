"""Scoring the claim detector against hand-labelled sets (``tests/data/claims/*.jsonl``).

The scoring follows "How the detector is scored" in ``tests/data/claims/GUIDELINES.md``:

* spans are trimmed of white space, quotation marks and trailing punctuation;
* a predicted claim matches a gold claim when the character intersection-over-union of the
  trimmed spans is at least 0.5; matching is one-to-one, greedily by IoU;
* precision = matched / predicted, recall = matched / gold;
* speaker accuracy = share of matched claims whose predicted speaker equals the gold speaker
  after lower-casing and dropping a leading "the" and a possessive "'s", or whose words all
  appear in the other name ("Lavrov" ~ "Sergey Lavrov"); a pronoun never matches a name.

Command line: ``python -m annotator.nlp.claim_eval FILE.jsonl [FILE.jsonl ...] [--errors]
[--model NAME]`` prints the figures (and with ``--errors`` every false positive, false negative
and wrong speaker). With ``--against OTHER.jsonl`` no detector runs: a second labeller's file of
the same articles is scored against the first, the same way, which measures how far two people
applying the guideline agree (precision and recall of labeller 2 against labeller 1, and the
share of the claims both found that have the same speaker).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.domain.model import ClaimSuggestion, QuoteType

MATCH_IOU = 0.5
_QUOTES = "\"“”«»„‘’'"
_TRAILING_PUNCT = ".,;:!?…—–-"
_PRONOUNS = frozenset({"he", "she", "it", "they", "him", "her", "them", "i", "we", "you", "me", "us"})
_WORD_RE = re.compile(r"\w+")


class GoldFormatError(ValueError):
    """A gold file line that cannot be used (bad JSON, missing field, content not in the text)."""


@dataclass(frozen=True, slots=True)
class GoldClaim:
    """One hand-labelled claim with its content resolved to offsets into the article text."""

    start: int
    end: int
    speaker: str
    mention: str = ""
    cue: str = ""


@dataclass(frozen=True, slots=True)
class GoldArticle:
    id: str
    text: str
    claims: tuple[GoldClaim, ...]


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A false positive, false negative or wrong speaker, with the words involved."""

    article: str
    kind: str  # "false positive" | "false negative" | "wrong speaker"
    content: str
    gold_speaker: str | None = None
    predicted_speaker: str | None = None

    def __str__(self) -> str:
        who = ""
        if self.kind == "wrong speaker":
            who = f" gold={self.gold_speaker!r} predicted={self.predicted_speaker!r}"
        elif self.kind == "false negative":
            who = f" speaker={self.gold_speaker!r}"
        else:
            who = f" speaker={self.predicted_speaker!r}"
        content = self.content if len(self.content) <= 160 else self.content[:157] + "..."
        return f"[{self.article}] {self.kind}:{who} {content!r}"


@dataclass(slots=True)
class ArticleScore:
    id: str
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    speaker_correct: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)


@dataclass(slots=True)
class Scores:
    """Totals over a set of articles, with the per-article breakdown."""

    articles: list[ArticleScore] = field(default_factory=list)

    @property
    def gold(self) -> int:
        return sum(a.gold for a in self.articles)

    @property
    def predicted(self) -> int:
        return sum(a.predicted for a in self.articles)

    @property
    def matched(self) -> int:
        return sum(a.matched for a in self.articles)

    @property
    def speaker_correct(self) -> int:
        return sum(a.speaker_correct for a in self.articles)

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def speaker_accuracy(self) -> float:
        return self.speaker_correct / self.matched if self.matched else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def mismatches(self, kinds: Iterable[str] | None = None) -> list[Mismatch]:
        """All false positives/negatives and wrong speakers (optionally only some kinds)."""
        wanted = set(kinds) if kinds is not None else None
        return [m for a in self.articles for m in a.mismatches if wanted is None or m.kind in wanted]

    def summary(self) -> str:
        """One line with the figures and counts."""
        return (
            f"precision {self.precision:.3f} ({self.matched}/{self.predicted})  "
            f"recall {self.recall:.3f} ({self.matched}/{self.gold})  "
            f"speaker {self.speaker_accuracy:.3f} ({self.speaker_correct}/{self.matched})  "
            f"articles {len(self.articles)}"
        )

    def report(self, errors: bool = False) -> str:
        """Summary, per-article table and (with ``errors``) every mismatch."""
        lines = [self.summary(), "", f"{'article':<24} {'gold':>5} {'pred':>5} {'match':>5} {'spk':>5}"]
        for a in self.articles:
            lines.append(f"{a.id:<24} {a.gold:>5} {a.predicted:>5} {a.matched:>5} {a.speaker_correct:>5}")
        if errors:
            lines.append("")
            lines.extend(str(m) for m in self.mismatches())
        return "\n".join(lines)


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim white space and quotation marks at both ends and punctuation at the end."""
    while start < end and (text[start].isspace() or text[start] in _QUOTES):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _QUOTES or text[end - 1] in _TRAILING_PUNCT):
        end -= 1
    return start, end


def iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Character intersection-over-union of two spans."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union


def _normalise_name(name: str) -> str:
    name = name.lower().strip()
    name = re.sub(r"['’]s\b", "", name)
    name = name.removeprefix("the ")
    return " ".join(name.split())


def same_speaker(gold: str | None, predicted: str | None) -> bool:
    """Speaker equality as defined by the guideline (see the module doc)."""
    if not gold or not predicted:
        return False
    g, p = _normalise_name(gold), _normalise_name(predicted)
    if not g or not p or p in _PRONOUNS or g in _PRONOUNS:
        return False
    if g == p:
        return True
    gw, pw = set(_WORD_RE.findall(g)), set(_WORD_RE.findall(p))
    return bool(gw) and bool(pw) and (gw <= pw or pw <= gw)


def _resolve_content(path: Path, article_id: str, text: str, content: str, occurrence: int) -> tuple[int, int]:
    pos = -1
    for _ in range(occurrence):
        pos = text.find(content, pos + 1)
        if pos < 0:
            break
    if pos < 0 or not content:
        raise GoldFormatError(
            f"{path}: article {article_id!r}: claim content {content!r} (occurrence {occurrence}) "
            "is not in the text"
        )
    return pos, pos + len(content)


def load_gold(path: str | Path) -> list[GoldArticle]:
    """Read a JSONL gold file; ``content``/``occurrence`` are resolved to offsets.

    Raises :class:`GoldFormatError` naming the file, line/article and content when a line is
    not valid or a content string does not occur in the text.
    """
    path = Path(path)
    articles: list[GoldArticle] = []
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise GoldFormatError(f"{path}: line {lineno}: not valid JSON ({exc})") from exc
            if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
                raise GoldFormatError(f"{path}: line {lineno}: expected an object with a \"text\" string")
            article_id = str(obj.get("id", f"line {lineno}"))
            text = obj["text"]
            claims = []
            for c in obj.get("claims", []):
                if not isinstance(c, dict) or not isinstance(c.get("content"), str):
                    raise GoldFormatError(f"{path}: article {article_id!r}: a claim has no \"content\" string")
                occurrence = int(c.get("occurrence", 1))
                start, end = _resolve_content(path, article_id, text, c["content"], occurrence)
                claims.append(GoldClaim(start, end, str(c.get("speaker", "")), str(c.get("mention", "")),
                                        str(c.get("cue", ""))))  # fmt: skip
            articles.append(GoldArticle(article_id, text, tuple(claims)))
    return articles


def score_article(article: GoldArticle, predicted: Sequence[ClaimSuggestion]) -> ArticleScore:
    """Match one article's predictions to its gold claims (greedy one-to-one by IoU)."""
    text = article.text
    gold_spans = [trim_span(text, g.start, g.end) for g in article.claims]
    pred_spans = [trim_span(text, p.start, p.end) for p in predicted]
    pairs = []
    for gi, gs in enumerate(gold_spans):
        for pi, ps in enumerate(pred_spans):
            value = iou(gs, ps)
            if value >= MATCH_IOU:
                pairs.append((value, gi, pi))
    pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_g: set[int] = set()
    used_p: set[int] = set()
    result = ArticleScore(article.id, gold=len(gold_spans), predicted=len(pred_spans))
    for _, gi, pi in pairs:
        if gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        result.matched += 1
        g, p = article.claims[gi], predicted[pi]
        if same_speaker(g.speaker, p.source_name):
            result.speaker_correct += 1
        else:
            content = text[g.start : g.end]
            result.mismatches.append(Mismatch(article.id, "wrong speaker", content, g.speaker, p.source_name))
    for gi, g in enumerate(article.claims):
        if gi not in used_g:
            result.mismatches.append(Mismatch(article.id, "false negative", text[g.start : g.end], g.speaker))
    for pi, p in enumerate(predicted):
        if pi not in used_p:
            result.mismatches.append(
                Mismatch(article.id, "false positive", text[p.start : p.end], predicted_speaker=p.source_name)
            )
    return result


def labels_as_predictions(other: Iterable[GoldArticle]) -> Callable[[GoldArticle], Sequence[ClaimSuggestion]]:
    """A second labeller's claims as if they were predictions, looked up by article id (an article
    the second file lacks counts as labelled with no claims; a different text is an error)."""
    by_id = {a.id: a for a in other}

    def predict(article: GoldArticle) -> list[ClaimSuggestion]:
        found = by_id.get(article.id)
        if found is None:
            return []
        if found.text != article.text:
            raise GoldFormatError(f"article {article.id!r} has a different text in the two files")
        return [ClaimSuggestion(c.start, c.end, QuoteType.INDIRECT, source_name=c.speaker) for c in found.claims]

    return predict


def score_labels(gold_articles: Iterable[GoldArticle], other: Iterable[GoldArticle]) -> Scores:
    """Score a second labeller's file (``other``) against the first (``gold_articles``)."""
    predict = labels_as_predictions(other)
    return Scores([score_article(a, predict(a)) for a in gold_articles])


def score(gold_articles: Iterable[GoldArticle], predict: Callable[[str], Sequence[ClaimSuggestion]]) -> Scores:
    """Run ``predict(text)`` on every article and score it."""
    return Scores([score_article(a, predict(a.text)) for a in gold_articles])


def main(argv: Sequence[str] | None = None) -> int:
    """Print the figures for one or more gold files; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m annotator.nlp.claim_eval", description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", help="gold JSONL files")
    parser.add_argument("--errors", action="store_true", help="list false positives/negatives and wrong speakers")
    parser.add_argument("--model", default=None, help="spaCy pipeline to use (default: the installed one)")
    parser.add_argument("--against", metavar="OTHER", default=None,
                        help="score a second labeller's file of the same articles instead of the detector")  # fmt: skip
    args = parser.parse_args(argv)

    if args.against is not None:
        try:
            other = load_gold(args.against)
            for name in args.files:
                scores = score_labels(load_gold(name), other)
                print(f"== {args.against} against {name} (two labellers)")
                print(scores.report(errors=args.errors))
        except (OSError, GoldFormatError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        return 0

    from annotator.domain.errors import ModelError
    from annotator.nlp.claims import extract_claims
    from annotator.nlp.pipeline import load_pipeline

    try:
        nlp, info = load_pipeline(args.model)
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        sets = [(name, load_gold(name)) for name in args.files]
    except (OSError, GoldFormatError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"model: {info.label}, rules: {info.rules_version}")
    for name, articles in sets:
        scores = score(articles, lambda text: extract_claims(nlp(text)))
        print(f"\n== {name}")
        print(scores.report(errors=args.errors))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
