"""The open article as the UI sees it: text, offsets and spans, kept up to date incrementally.

Plain Python (no Qt) so it can be tested and benchmarked alone. Spans are the article's open
suggestions plus this annotator's decided annotations (rejected ones are listed, not drawn).
Every change reports which text ranges it touched, so the view re-highlights only those blocks.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from annotator.domain.model import AnnotationRecord, Kind, Status, SuggestionRecord
from annotator.domain.text import OffsetMap
from annotator.services.annotate import ActionEffect

# ("s", suggestion id) for an open suggestion, ("a", annotation id) for a decision.
SpanKey = tuple[str, int]
SUGGESTED = "suggested"


@dataclass(slots=True)
class SpanItem:
    """One span the analyst can focus: an open suggestion or a decided annotation."""

    key: SpanKey
    kind: str
    start: int
    end: int
    label: str
    status: str  # SUGGESTED or an annotation Status value
    source: tuple[int, int] | None = None
    cue: tuple[int, int] | None = None
    source_name: str | None = None
    stance: str | None = None
    source_type: str | None = None
    note: str = ""
    annotator: str = ""
    quote_type: str | None = None
    suggestion_id: int | None = None

    @property
    def decided(self) -> bool:
        return self.status != SUGGESTED

    @property
    def is_claim(self) -> bool:
        return self.kind == Kind.CLAIM.value

    @property
    def visible(self) -> bool:
        return self.status != Status.REJECTED.value

    def ranges(self) -> list[tuple[int, int]]:
        """Every text range the span draws on: content, then source and cue of a claim."""
        out = [(self.start, self.end)]
        if self.source:
            out.append(self.source)
        if self.cue:
            out.append(self.cue)
        return out

    def sort_key(self) -> tuple:
        return (self.start, -self.end, self.kind, self.key)

    @staticmethod
    def from_suggestion(s: SuggestionRecord) -> SpanItem:
        return SpanItem(
            key=("s", s.id),
            kind=s.kind,
            start=s.start,
            end=s.end,
            label=s.label,
            status=SUGGESTED,
            source=(s.source_start, s.source_end) if s.source_start is not None and s.source_end is not None else None,
            cue=(s.cue_start, s.cue_end) if s.cue_start is not None and s.cue_end is not None else None,
            source_name=s.source_name,
            quote_type=s.quote_type,
            suggestion_id=s.id,
        )

    @staticmethod
    def from_annotation(a: AnnotationRecord) -> SpanItem:
        return SpanItem(
            key=("a", a.id),
            kind=a.kind,
            start=a.start,
            end=a.end,
            label=a.label,
            status=a.status,
            source=(a.source_start, a.source_end) if a.source_start is not None and a.source_end is not None else None,
            cue=(a.cue_start, a.cue_end) if a.cue_start is not None and a.cue_end is not None else None,
            source_name=a.source_name or a.source_text,
            stance=a.stance,
            source_type=a.source_type,
            note=a.note,
            annotator=a.annotator,
            quote_type=a.quote_type,
            suggestion_id=a.suggestion_id,
        )


@dataclass
class DocChange:
    """What :meth:`ArticleDocument.apply` changed: keys and the text ranges to redraw."""

    added: list[SpanKey] = field(default_factory=list)
    removed: list[SpanKey] = field(default_factory=list)
    changed: list[SpanKey] = field(default_factory=list)
    # (old, new): a suggestion replaced by its decision, or a decision undone back to its suggestion
    replaced: list[tuple[SpanKey, SpanKey]] = field(default_factory=list)
    ranges: list[tuple[int, int]] = field(default_factory=list)
    status: bool = False


class ArticleDocument:
    """Text, offset map, paragraph index and spans of one article."""

    def __init__(
        self,
        article_id: int,
        text: str,
        suggestions: Iterable[SuggestionRecord],
        annotations: Iterable[AnnotationRecord],
    ) -> None:
        self.article_id = article_id
        self.text = text
        self.offsets = OffsetMap(text)
        # Python offset at which each paragraph (= QTextDocument block) starts.
        self.block_starts = [0]
        find = text.find
        i = find("\n")
        while i >= 0:
            self.block_starts.append(i + 1)
            i = find("\n", i + 1)
        self._suggestions = {s.id: s for s in suggestions}
        self._items: dict[SpanKey, SpanItem] = {}
        self._order: list[tuple] = []  # sort keys of the visible items
        self._by_block: dict[int, set[SpanKey]] = {}
        self._decided_suggestions: dict[int, int] = {}  # suggestion id -> annotation id
        items = [SpanItem.from_annotation(a) for a in annotations]
        for item in items:
            if item.suggestion_id is not None:
                self._decided_suggestions[item.suggestion_id] = item.key[1]
        items += [SpanItem.from_suggestion(s) for s in self._suggestions.values() if s.id not in self._decided_suggestions]
        for item in items:
            self._items[item.key] = item
            if item.visible:
                self._index(item, True)
        self._order = sorted(i.sort_key() + (i.key,) for i in items if i.visible)

    # ---- queries ------------------------------------------------------------------------------
    def span_count(self) -> int:
        """Visible spans (not ``__len__``: an article without spans must still be truthy)."""
        return len(self._order)

    @property
    def suggestion_count(self) -> int:
        """Suggestions of the article when it was loaded, decided or not."""
        return len(self._suggestions)

    def get(self, key: SpanKey | None) -> SpanItem | None:
        return self._items.get(key) if key is not None else None

    def items(self) -> Iterator[SpanItem]:
        """Visible spans in text order."""
        for k in self._order:
            yield self._items[k[-1]]

    def all_items(self) -> list[SpanItem]:
        """Every span including rejected decisions, in text order."""
        return sorted(self._items.values(), key=SpanItem.sort_key)

    def entities(self) -> list[SpanItem]:
        return [i for i in self.items() if i.kind == Kind.ENTITY.value]

    def open_count(self) -> int:
        return sum(1 for i in self._items.values() if not i.decided)

    def block_of(self, offset: int) -> int:
        return bisect_right(self.block_starts, offset) - 1

    def blocks_for(self, start: int, end: int) -> range:
        """Paragraphs touched by ``[start, end)``."""
        return range(self.block_of(start), self.block_of(max(start, end - 1)) + 1)

    def keys_in_block(self, block: int) -> set[SpanKey]:
        return self._by_block.get(block, set())

    def at(self, offset: int) -> list[SpanItem]:
        """Visible spans whose content contains ``offset``, innermost first."""
        keys = self._by_block.get(self.block_of(offset), ())
        found = [self._items[k] for k in keys if self._items[k].start <= offset < self._items[k].end]
        return sorted(found, key=lambda i: (i.end - i.start, i.kind != Kind.ENTITY.value))

    def neighbour(self, key: SpanKey | None, step: int, open_only: bool = False) -> SpanKey | None:
        """The visible span after (step=+1) or before (step=-1) ``key`` in text order."""
        if not self._order:
            return None
        item = self.get(key)
        if item is None or not item.visible:
            idx = -1 if step > 0 else len(self._order)
        else:
            idx = bisect_left(self._order, item.sort_key())
        n = len(self._order)
        for _ in range(n):
            idx += step
            if not 0 <= idx < n:
                return None
            cand = self._items[self._order[idx][-1]]
            if not open_only or not cand.decided:
                return cand.key
        return None

    def next_open_after(self, offset: int) -> SpanKey | None:
        """First open suggestion starting at or after ``offset``, else the first open one."""
        idx = bisect_left(self._order, (offset,))
        rotated = self._order[idx:] + self._order[:idx]
        for k in rotated:
            if not self._items[k[-1]].decided:
                return k[-1]
        return None

    def first_open(self) -> SpanKey | None:
        return self.next_open_after(0)

    # ---- changes ------------------------------------------------------------------------------
    def _index(self, item: SpanItem, add: bool) -> None:
        for start, end in item.ranges():
            for b in self.blocks_for(start, end):
                keys = self._by_block.setdefault(b, set())
                if add:
                    keys.add(item.key)
                else:
                    keys.discard(item.key)

    def _put(self, item: SpanItem) -> None:
        self._items[item.key] = item
        if item.key[0] == "a" and item.suggestion_id is not None:
            self._decided_suggestions[item.suggestion_id] = item.key[1]
        if item.visible:
            insort(self._order, item.sort_key() + (item.key,))
            self._index(item, True)

    def _drop(self, key: SpanKey) -> SpanItem | None:
        item = self._items.pop(key, None)
        if item is None:
            return None
        if item.key[0] == "a" and item.suggestion_id is not None:
            self._decided_suggestions.pop(item.suggestion_id, None)
        if item.visible:
            sk = item.sort_key() + (item.key,)
            idx = bisect_left(self._order, sk)
            if idx < len(self._order) and self._order[idx] == sk:
                del self._order[idx]
            self._index(item, False)
        return item

    def apply(self, effect: ActionEffect) -> DocChange:
        """Bring the spans up to date with what one logged action did."""
        change = DocChange(status=effect.article_status)
        for ann_id, sugg_id in effect.removed:
            old = self._drop(("a", ann_id))
            if old is not None:
                change.ranges.extend(old.ranges())
            if sugg_id is not None and sugg_id in self._suggestions and sugg_id not in self._decided_suggestions:
                item = SpanItem.from_suggestion(self._suggestions[sugg_id])
                if item.key not in self._items:
                    self._put(item)
                    change.ranges.extend(item.ranges())
                    if old is not None:
                        change.replaced.append((old.key, item.key))
                        continue
                    change.added.append(item.key)
            if old is not None:
                change.removed.append(old.key)
        for record in effect.annotations:
            if record.article_id != self.article_id:
                continue
            item = SpanItem.from_annotation(record)
            old = self._drop(item.key)
            if old is not None:
                change.ranges.extend(old.ranges())
            sugg = self._drop(("s", record.suggestion_id)) if record.suggestion_id is not None else None
            self._put(item)
            change.ranges.extend(item.ranges())
            if sugg is not None:
                change.ranges.extend(sugg.ranges())
                if old is None:
                    change.replaced.append((sugg.key, item.key))
                    continue
                change.removed.append(sugg.key)
            (change.changed if old is not None else change.added).append(item.key)
        return change
