"""The export formats: JSONL (Prodigy-compatible), spaCy DocBin, CoNLL-2003 IOB, CSV and brat.

Each writer consumes the records of :func:`annotator.services.export.iter_records` (one per
article, already filtered) and writes through :func:`~annotator.services.export.atomic_output`
(brat: a temporary folder renamed into place), so nothing looks finished before it is. The
manifest is opened first and therefore renamed last. No spaCy here: token boundaries come from
the caller's ``Tokenizer``, DocBins from the caller's ``DocSink`` factory.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import tempfile
from bisect import bisect_left, bisect_right
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import orjson

from annotator.domain.errors import ExportError, Msg
from annotator.domain.tokens import TokenDataError, unpack_tokens
from annotator.services.export import (
    POSITIVE,
    DocSinkFactory,
    ExportOptions,
    ExportReport,
    HashingWriter,
    Tokenizer,
    WrittenFile,
    atomic_output,
    default_mode,
    stable_hash,
)
from annotator.services.token_store import prodigy_tokens_json, stored_prodigy_json

ManifestSpec = tuple[Path, Callable[[], dict]]


def dumps(obj: Any) -> bytes:
    """Compact JSON as UTF-8 bytes (what ``json.dumps(obj, ensure_ascii=False,
    separators=(",", ":"))`` gives, about five times faster); the standard library for what
    orjson refuses (integers beyond 64 bits in imported metadata)."""
    try:
        return orjson.dumps(obj)
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass
class WriteContext:
    tokenizer: Tokenizer | None
    docbin: DocSinkFactory | None
    report: ExportReport
    scheme: Any
    opts: ExportOptions

    def tokens(self, rec: dict):
        """The record's tokens: those pre-annotation stored for this text and tokenizer when
        there are any (``rec["stored_tokens"]``), else the tokenizer's (counted in the report)."""
        rec["tokens_stored"] = False
        blob = rec.get("stored_tokens")
        if blob:
            try:
                tok = unpack_tokens(blob)
            except TokenDataError:
                tok = None  # unreadable: tokenise again rather than fail the export
            if tok is not None and (not len(tok) or tok.ends[-1] <= len(rec["text"])):
                self.report.tokens_stored += 1
                rec["tokens_stored"] = True
                return tok
        self.report.tokens_computed += 1
        return self.tokenizer.tokenize(rec["text"])


# ---- token alignment (plain data) ---------------------------------------------------------------
def trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def align(starts: list[int], ends: list[int], start: int, end: int) -> tuple[int, int, bool] | None:
    """First and last (inclusive) token covering chars ``start:end``, and whether the span had to
    be widened to token boundaries; None when no token is covered."""
    n = len(starts)
    if not n or end <= start:
        return None
    ts = bisect_right(starts, start) - 1
    if ts < 0:
        ts = 0
    elif ends[ts] <= start:  # start is in the gap after token ts
        ts += 1
    te = bisect_left(ends, end)
    if te >= n:
        te = n - 1
    if starts[te] >= end:  # end is in the gap before token te
        te -= 1
    if ts > te or ts >= n:
        return None
    return ts, te, not (starts[ts] == start and ends[te] == end)


def resolve_overlaps(items: list[tuple[int, int, Any]]) -> tuple[list[tuple[int, int, Any]], int]:
    """Non-overlapping subset of half-open ``(start, end, payload)`` ranges (token indices): the
    longest first, then the earliest. Returns (kept in order, number dropped)."""
    if len(items) < 2:
        return list(items), 0
    ordered = sorted(items, key=lambda x: (x[0], x[1]))
    if all(a[1] <= b[0] for a, b in zip(ordered, ordered[1:])):
        return ordered, 0
    taken = bytearray(max(x[1] for x in items))
    kept: list[tuple[int, int, Any]] = []
    for it in sorted(items, key=lambda x: (-(x[1] - x[0]), x[0])):
        if not any(taken[it[0] : it[1]]):
            taken[it[0] : it[1]] = b"\x01" * (it[1] - it[0])
            kept.append(it)
    kept.sort(key=lambda x: (x[0], x[1]))
    return kept, len(items) - len(kept)


# ---- base class for file formats ----------------------------------------------------------------
class FileWriter:
    binary = False

    def __init__(self, ctx: WriteContext) -> None:
        self.ctx = ctx
        self.report = ctx.report

    def begin(self, split: str | None, out: HashingWriter) -> None:
        pass

    def write(self, split: str | None, out: HashingWriter, rec: dict) -> None:
        raise NotImplementedError

    def end(self, split: str | None, out: HashingWriter) -> None:
        pass

    def run(self, targets: dict[str | None, Path], force: bool, records: Iterable[dict], manifest: ManifestSpec) -> None:
        mpath, make_manifest = manifest
        with ExitStack() as stack:
            mfh = stack.enter_context(atomic_output(mpath, force=force))  # entered first: renamed last
            outs: dict[str | None, HashingWriter] = {}
            articles: dict[str | None, int] = {}
            for split, path in targets.items():
                fh = stack.enter_context(atomic_output(path, force=force, binary=self.binary))
                outs[split] = HashingWriter(fh, self.binary)
                articles[split] = 0
                self.begin(split, outs[split])
            for rec in records:
                split = rec.get("split")
                out = outs[split]
                self.write(split, out, rec)
                articles[split] += 1
            for split, out in outs.items():
                self.end(split, out)
                if split is not None and not articles[split]:
                    self.report.notes.append(f"the {split} split is empty")
                self.report.written.append(WrittenFile(targets[split], out.hexdigest(), out.size, split, articles[split]))
            mfh.write(json.dumps(make_manifest(), indent=2, ensure_ascii=False) + "\n")


# ---- JSONL (Prodigy-compatible) -----------------------------------------------------------------
class JsonlWriter(FileWriter):
    """One line per article (``"answer": "accept"``) plus one Prodigy-style ``"answer": "reject"``
    line per rejected suggestion (same ``_input_hash``), so negative examples are not lost.
    Lines are UTF-8 bytes."""

    binary = True

    def write(self, split, out, rec):
        for line in self.lines(rec):
            out.write(line)
        self.report.rows += 1 + len(rec["rejected"])

    def lines(self, rec: dict) -> list[bytes]:
        text = rec["text"]
        tok = self.ctx.tokens(rec) if self.ctx.tokenizer is not None else None
        starts, ends = (tok.starts, tok.ends) if tok is not None else ((), ())

        def place(d: dict | None) -> dict | None:  # adds token_start/token_end (d is this export's own dict)
            if d is None or tok is None or d.get("start") is None:
                return d
            s, e = trim(text, d["start"], d["end"])
            al = align(starts, ends, s, e)
            if al is None:
                d["token_start"] = d["token_end"] = None
            else:
                d["token_start"], d["token_end"] = al[0], al[1]
            return d

        spans = [place(s) for s in rec["spans"]]
        claims = []
        relations = []
        for c in rec["claims"]:
            c = place(c)
            if c.get("source") is not None:
                c["source"] = place(c["source"])
            if c.get("cue") is not None:
                c["cue"] = place(c["cue"])
            claims.append(c)
            src = c.get("source")
            if src is not None and src.get("start") is not None:
                relations.append(
                    {
                        "head": c.get("token_end"),
                        "child": src.get("token_end"),
                        "head_span": _rel_span(c, "CLAIM"),
                        "child_span": _rel_span(src, "SOURCE"),
                        "label": "SOURCE",
                        "stance": c.get("stance"),
                        "source_type": c.get("source_type"),
                    }
                )
        input_hash = stable_hash(text)
        annotator = rec.get("annotator") or (rec["annotators"][0] if rec["annotators"] else None)
        head = dumps({"id": rec["id"], "text": text, "meta": rec["meta"]})[:-1]
        if tok is not None:
            stored = stored_prodigy_json(rec.get("stored_prodigy")) if rec.get("tokens_stored") else None
            head += b',"tokens":' + (stored if stored is not None else prodigy_tokens_json(text, tok))
        line: dict[str, Any] = {}
        line["spans"] = spans
        line["claims"] = claims
        line["relations"] = relations
        line["answer"] = "accept"
        line["_input_hash"] = input_hash
        line["_task_hash"] = stable_hash(
            input_hash,
            [(s["start"], s["end"], s["label"]) for s in spans],
            [(c["start"], c["end"], c["label"], c.get("stance")) for c in claims],
        )
        if annotator:
            line["_annotator_id"] = annotator
        line["annotators"] = rec["annotators"]
        line["layer"] = rec["layer"]
        line["article_status"] = rec["article_status"]
        out = [head + b"," + dumps(line)[1:] + b"\n"]
        for r in rec["rejected"]:
            item = place({k: v for k, v in r.items() if k != "kind"})
            is_claim = r.get("kind") == "claim"
            if is_claim:
                if item.get("source") is not None:
                    item["source"] = place(item["source"])
                if item.get("cue") is not None:
                    item["cue"] = place(item["cue"])
            neg = {
                "id": rec["id"],
                "text": text,
                "meta": {"uid": rec["id"]},
                "spans": [] if is_claim else [item],
                "claims": [item] if is_claim else [],
                "relations": [],
                "answer": "reject",
                "_input_hash": input_hash,
                "_task_hash": stable_hash(input_hash, "reject", r.get("kind"), r["start"], r["end"], r["label"]),
            }
            if r.get("annotator"):
                neg["_annotator_id"] = r["annotator"]
            neg["layer"] = rec["layer"]
            out.append(dumps(neg) + b"\n")
        return out


def _rel_span(d: dict, label: str) -> dict:
    return {"start": d["start"], "end": d["end"], "token_start": d.get("token_start"), "token_end": d.get("token_end"), "label": label}


# ---- spaCy DocBin -------------------------------------------------------------------------------
class DocBinFileWriter(FileWriter):
    binary = True

    def begin(self, split, out):
        self._sinks = getattr(self, "_sinks", {})
        self._sinks[split] = self.ctx.docbin()

    def write(self, split, out, rec):
        rec["tokens"] = self.ctx.tokens(rec)
        stats = self._sinks[split].add(rec)
        self.report.dropped_overlaps += stats.get("dropped_overlaps", 0)
        self.report.expanded += stats.get("expanded", 0)
        self.report.skipped_spans += stats.get("skipped", 0)
        self.report.rows += 1

    def end(self, split, out):
        self._sinks.pop(split).write_to(out)


# ---- CoNLL-2003 IOB -----------------------------------------------------------------------------
DOCSTART = "-DOCSTART- -X- O O"
_WS_RE = re.compile(r"\s")


class ConllWriter(FileWriter):
    """``TOKEN -X- _ TAG`` per token (CoNLL-2003 columns; ``spacy convert -c ner`` reads the first
    and last), ``-DOCSTART- -X- O O`` before each article, a blank line at each paragraph break
    (a whitespace token with a newline) that is not inside an entity. Whitespace tokens are left
    out; overlapping entity spans cannot be represented in IOB: the longest (then the first) is
    kept and the others are counted as dropped."""

    def write(self, split, out, rec):
        text = rec["text"]
        tok = self.ctx.tokens(rec)
        starts, ends = tok.starts, tok.ends
        ranges = []
        for s in rec["spans"]:
            if s["status"] not in POSITIVE and s["status"] != "suggested":
                continue
            a, b = trim(text, s["start"], s["end"])
            al = align(starts, ends, a, b)
            if al is None:
                self.report.skipped_spans += 1
                continue
            if al[2]:
                self.report.expanded += 1
            ranges.append((al[0], al[1] + 1, s["label"]))
        kept, dropped = resolve_overlaps(ranges)
        self.report.dropped_overlaps += dropped
        tags = ["O"] * len(starts)
        for a, b, label in kept:
            label = _WS_RE.sub("_", label)
            tags[a] = "B-" + label
            for i in range(a + 1, b):
                tags[i] = "I-" + label
        parts = [DOCSTART, "\n\n"]
        in_sent = False
        for i, (s, e) in enumerate(zip(starts, ends)):
            word = text[s:e]
            if word.isspace():
                if "\n" in word and in_sent and not tags[i].startswith("I-"):
                    parts.append("\n")
                    in_sent = False
                continue
            if _WS_RE.search(word):
                word = _WS_RE.sub("_", word)
            tag = tags[i]
            if tag.startswith("I-") and not in_sent:
                tag = "B-" + tag[2:]
            parts.append(f"{word} -X- _ {tag}\n")
            in_sent = True
            self.report.rows += 1
        if in_sent:
            parts.append("\n")
        out.write("".join(parts))


# ---- CSV (one row per claim) --------------------------------------------------------------------
CSV_COLUMNS = (
    "article_id", "external_id", "title", "outlet", "date", "claim_start", "claim_end", "claim_text",
    "speaker", "speaker_mention", "speaker_start", "speaker_end", "source_type", "stance", "cue",
    "quote_type", "status", "annotator", "layer", "time", "note",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class CsvWriter(FileWriter):
    """UTF-8 with BOM (Excel opens it as UTF-8), CRLF rows, one row per claim (rejected claims
    with status ``rejected``; untouched suggestions with ``--all``)."""

    def begin(self, split, out):
        out.write("\ufeff")
        self._writers = getattr(self, "_writers", {})
        self._writers[split] = w = csv.writer(out)
        w.writerow(CSV_COLUMNS)

    def write(self, split, out, rec):
        w = self._writers[split]
        meta = rec["meta"]
        claims = list(rec["claims"]) + [r for r in rec["rejected"] if r.get("kind") == "claim"]
        claims.sort(key=lambda c: (c["start"], c["end"]))
        for c in claims:
            src = c.get("source") or {}
            cue = c.get("cue") or {}
            row = (
                rec["id"], meta.get("external_id", ""), meta.get("title", ""), meta.get("outlet", ""), meta.get("date", ""),
                c["start"], c["end"], c["text"],
                src.get("name") or "", src.get("text") or "", _blank(src.get("start")), _blank(src.get("end")),
                c.get("source_type") or "", c.get("stance") or "", cue.get("text") or "",
                c.get("quote_type") or "", c["status"], c.get("annotator") or "", rec["layer"],
                c.get("updated_at") or "", c.get("note") or "",
            )
            w.writerow([neutralise(v) for v in row])
            self.report.rows += 1


def _blank(v: Any) -> Any:
    return "" if v is None else v


# ---- brat standoff ------------------------------------------------------------------------------
_TYPE_RE = re.compile(r"[^A-Za-z0-9_\-]")
_VALUE_RE = re.compile(r"[\s|,]")
_BRAT_FILES = re.compile(r".+\.(txt|ann|conf)$")


def brat_type(label: str) -> str:
    return _TYPE_RE.sub("_", label) or "_"


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``start:end`` cut at newlines (brat spans cannot cross a line), without empty pieces."""
    out = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        a, b = trim(text, pos, stop)
        if b > a:
            out.append((a, b))
        if nl < 0:
            break
        pos = nl + 1
    return out


def check_brat_folder(path: Path, force: bool) -> None:
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ExportError(Msg.E002.format(path=path, detail="it is a file, brat needs a folder"))
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise ExportError(Msg.E002.format(path=path, detail="the folder it would be in does not exist"))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ExportError(Msg.E002.format(path=path, detail="the folder it would be in is not writable"))
    if path.is_dir() and any(path.iterdir()):
        if not force:
            raise ExportError(Msg.E001.format(path=path))
        foreign = _foreign_files(path)
        if foreign:
            raise ExportError(Msg.E008.format(path=path, detail=foreign))


def _foreign_files(path: Path) -> str:
    """Anything in an existing folder that a brat export would not have written ("" if none)."""
    for p in path.iterdir():
        if p.is_dir():
            if p.name not in ("train", "dev", "test"):
                return f"the folder {p.name!r}"
            for q in p.iterdir():
                if not (q.is_file() and _BRAT_FILES.match(q.name)):
                    return f"{p.name}/{q.name}"
        elif not _BRAT_FILES.match(p.name):
            return repr(p.name)
    return ""


class BratWriter:
    """``<article uid>.txt`` + ``.ann`` per article in the output folder (``train/`` ``dev/``
    ``test/`` subfolders with a split), plus ``annotation.conf`` and ``visual.conf``. The folder
    is built under a temporary name and renamed into place when complete."""

    def __init__(self, ctx: WriteContext) -> None:
        self.ctx = ctx
        self.report = ctx.report
        self._labels: set[str] = set()

    def run(self, targets: dict[str | None, Path], force: bool, records: Iterable[dict], manifest: ManifestSpec) -> None:
        mpath, make_manifest = manifest
        root = next(iter(targets.values()))
        root = root.parent if None not in targets else root
        parent = root.parent if str(root.parent) else Path(".")
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f".{root.name}.", suffix=".part", dir=parent))
        except OSError as exc:
            raise ExportError(Msg.E002.format(path=root, detail=exc.strerror or exc)) from exc
        try:
            with atomic_output(mpath, force=force) as mfh:
                folders = {}
                counts: dict[str | None, int] = {}
                for split in targets:
                    folders[split] = tmp / split if split else tmp
                    folders[split].mkdir(exist_ok=True)
                    counts[split] = 0
                for rec in records:
                    split = rec.get("split")
                    self._write_article(folders[split], rec, root, split)
                    counts[split] += 1
                for split, n in counts.items():
                    if split is not None and not n:
                        self.report.notes.append(f"the {split} split is empty")
                for name, content in (("annotation.conf", self._annotation_conf()), ("visual.conf", self._visual_conf())):
                    self._write_file(tmp / name, root / name, content, None)
                for folder in {tmp, *folders.values()}:
                    os.chmod(folder, default_mode(folder=True))
                self._replace(tmp, root, force)
                tmp = None
                mfh.write(json.dumps(make_manifest(), indent=2, ensure_ascii=False) + "\n")
        finally:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)

    def _replace(self, tmp: Path, root: Path, force: bool) -> None:
        old = None
        if root.exists():
            if any(root.iterdir()):
                if not force:
                    raise ExportError(Msg.E001.format(path=root))
                old = root.with_name(f".{root.name}.old-{os.getpid()}")
                os.replace(root, old)
            else:
                root.rmdir()
        os.replace(tmp, root)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def _write_file(self, tmp_path: Path, final_path: Path, content: str, split: str | None, articles: int = 0) -> None:
        data = content.encode("utf-8")
        with open(tmp_path, "wb") as fh:
            fh.write(data)
        import hashlib

        self.report.written.append(WrittenFile(final_path, hashlib.sha256(data).hexdigest(), len(data), split, articles))

    def _write_article(self, folder: Path, rec: dict, root: Path, split: str | None) -> None:
        text = rec["text"]
        name = rec["id"]
        final = root / split if split else root
        self._write_file(folder / f"{name}.txt", final / f"{name}.txt", text, split, 1)
        self._write_file(folder / f"{name}.ann", final / f"{name}.ann", self.ann(rec), split, 1)
        self.report.rows += 1

    def ann(self, rec: dict) -> str:
        text = rec["text"]
        lines: list[str] = []
        t = r = a = n = 0

        def tline(label: str, start: int, end: int) -> str | None:
            nonlocal t
            frags = fragments(text, start, end)
            if not frags:
                self.report.skipped_spans += 1
                return None
            t += 1
            kind = brat_type(label)
            self._labels.add(kind)
            offs = ";".join(f"{s} {e}" for s, e in frags)
            lines.append(f"T{t}\t{kind} {offs}\t{' '.join(text[s:e] for s, e in frags)}")
            return f"T{t}"

        def note(target: str, body: str) -> None:
            nonlocal n
            n += 1
            lines.append(f"#{n}\tAnnotatorNotes {target}\t{' '.join(body.split())}")

        for s in rec["spans"]:
            tid = tline(s["label"], s["start"], s["end"])
            if tid and s["status"] == "suggested":
                note(tid, f"suggested by {s.get('model', '')}")
        for c in rec["claims"]:
            cid = tline("CLAIM", c["start"], c["end"])
            if cid is None:
                continue
            src = c.get("source")
            if src and src.get("start") is not None:
                sid = tline("SOURCE", src["start"], src["end"])
                if sid:
                    r += 1
                    lines.append(f"R{r}\tSource Arg1:{cid} Arg2:{sid}")
            cue = c.get("cue")
            if cue and cue.get("start") is not None:
                kid = tline("CUE", cue["start"], cue["end"])
                if kid:
                    r += 1
                    lines.append(f"R{r}\tCue Arg1:{cid} Arg2:{kid}")
            for attr, value in (("Stance", c.get("stance")), ("SourceType", c.get("source_type")), ("QuoteType", c.get("quote_type"))):
                if value:
                    a += 1
                    lines.append(f"A{a}\t{attr} {cid} {_VALUE_RE.sub('_', value)}")
            bits = [f"status={c['status']}"]
            if c.get("annotator"):
                bits.append(f"annotator={c['annotator']}")
            if src and src.get("name"):
                bits.append(f"speaker={src['name']}")
            if c.get("note"):
                bits.append(f"note={c['note']}")
            note(cid, "; ".join(bits))
        return "\n".join(lines) + ("\n" if lines else "")

    def _annotation_conf(self) -> str:
        scheme = self.ctx.scheme
        ents = list(scheme.entity_labels) if scheme is not None else []
        for lab in sorted(self._labels):
            if lab not in ents and lab not in ("CLAIM", "SOURCE", "CUE"):
                ents.append(lab)
        stances = [_VALUE_RE.sub("_", s) for s in (scheme.stance_labels if scheme is not None else ["supports", "disputes", "neutral", "unclear"])]
        stypes = [_VALUE_RE.sub("_", s) for s in (scheme.source_type_labels if scheme is not None else ["person", "organisation", "unknown"])]
        qtypes = ["direct", "indirect", "according_to"]
        return (
            "[entities]\n" + "".join(f"{brat_type(e)}\n" for e in ents) + "CLAIM\nSOURCE\nCUE\n\n"
            "[relations]\nSource\tArg1:CLAIM, Arg2:SOURCE\nCue\tArg1:CLAIM, Arg2:CUE\n<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>\n\n"
            "[events]\n\n"
            "[attributes]\n"
            f"Stance\tArg:CLAIM, Value:{'|'.join(stances)}\n"
            f"SourceType\tArg:CLAIM, Value:{'|'.join(stypes)}\n"
            f"QuoteType\tArg:CLAIM, Value:{'|'.join(qtypes)}\n"
        )

    def _visual_conf(self) -> str:
        scheme = self.ctx.scheme
        lines = ["[labels]", "", "[drawing]"]
        if scheme is not None:
            for e in scheme.entities:
                lines.append(f"{brat_type(e.label)}\tbgColor:{e.colour}")
        lines += ["CLAIM\tbgColor:#DDDDDD", "SOURCE\tbgColor:#F4A582", "CUE\tbgColor:#92C5DE"]
        return "\n".join(lines) + "\n"


WRITERS: dict[str, Callable[[WriteContext], Any]] = {
    "jsonl": JsonlWriter,
    "spacy": DocBinFileWriter,
    "conll": ConllWriter,
    "csv": CsvWriter,
    "brat": BratWriter,
}


def iter_lines(writer: JsonlWriter, records: Iterable[dict]) -> Iterator[str]:
    for rec in records:
        yield from writer.lines(rec)
