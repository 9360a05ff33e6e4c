"""Export speed and memory: ``python benchmarks/bench_export.py``.

Builds two projects (by default 25,000 and 100,000 annotated spans) from FNC-1 article bodies
(``../shared/corpora/fnc-1/train_bodies.csv``; synthetic text when it is missing), inserted with
``insert_many`` (no model is run): entity spans on capitalised words, claims with speaker and cue on
quotes and "said" sentences, 5 % rejected suggestions, every article marked done, and each
article's token boundaries stored as pre-annotation stores them (``article_tokens``, tokenised
with the installed pipeline's tokenizer while building). Each project is
then exported in every format, each export in a fresh process, printing the wall time of the
export (the tokenizer is loaded before the clock starts; its load time is printed apart) and the
peak resident memory of that process, so that the two sizes show whether memory grows with the
project. Targets: JSONL and CSV < 3 s, DocBin < 10 s at 100,000 spans.

Options: ``--sizes 25000,100000``, ``--formats jsonl,jsonl-nt,jsonl-cold,csv,conll,brat,spacy,spacy-cold``
(``jsonl-nt``: JSONL without Prodigy's tokens, ``--no-tokens``; ``*-cold``: the same export from a
copy of the project without stored tokens, as for articles imported with ``--no-preannotate``,
so everything is tokenised during the export), ``--keep DIR`` (keep
the projects and exports there), ``--model NAME`` (tokenizer of that pipeline; default: the
installed trained pipeline).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FNC1 = ROOT.parent / "shared" / "corpora" / "fnc-1" / "train_bodies.csv"
# "jsonl-nt": JSONL without Prodigy's tokens (annotator export --no-tokens): no tokenizer at all.
FORMATS = ("jsonl", "jsonl-nt", "jsonl-cold", "csv", "conll", "brat", "spacy", "spacy-cold")
SUFFIX = {"jsonl": ".jsonl", "jsonl-nt": ".nt.jsonl", "jsonl-cold": ".cold.jsonl", "csv": ".csv", "conll": ".conll",
          "spacy": ".spacy", "spacy-cold": ".cold.spacy", "brat": ""}
LABELS = ("PERSON", "ORG", "GPE", "NORP", "DATE")
STANCES = ("supports", "disputes", "neutral", "unclear")
SOURCE_TYPES = ("person", "organisation", "government/official", "media", "anonymous", "unknown")

_NAME_RE = re.compile(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+){0,2}\b")
_QUOTE_RE = re.compile(r"\"([^\"\n]{10,300})\"")
_SAID_RE = re.compile(r"([A-Z][a-z]+(?: [A-Z][a-z]+)?) (said|told|added|says) (?:that )?([^.\n]{10,200})\.")


def bodies() -> list[str]:
    if FNC1.exists():
        csv.field_size_limit(10_000_000)
        with open(FNC1, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))[1:]
        out = [r[1] for r in rows if len(r) > 1 and len(r[1]) > 400]
        if out:
            return out
    words = "the minister said that talks in Geneva would go on while officials in Brussels declined".split()
    return [
        " ".join(f'"{words[(i + j) % len(words)].capitalize()} {words[(i + j + 1) % len(words)]}," Anna Berg said.' if j % 9 == 0 else words[(i * 7 + j) % len(words)]
                 for j in range(400))
        for i in range(500)
    ]


def plan_article(text: str, n: int):
    """Entity spans and claims of one synthetic article (plain tuples)."""
    ents = [(mt.start(), mt.end(), LABELS[k % len(LABELS)]) for k, mt in enumerate(_NAME_RE.finditer(text))]
    claims = []
    for k, mt in enumerate(_SAID_RE.finditer(text)):
        claims.append((mt.start(3), mt.end(3), mt.start(1), mt.end(1), mt.start(2), mt.end(2), k))
    for k, mt in enumerate(_QUOTE_RE.finditer(text)):
        claims.append((mt.start(1), mt.end(1), None, None, None, None, k))
    return ents, claims


def build(db: Path, target_spans: int, model: str | None = None) -> dict:
    from annotator.domain.text import content_hash, normalise_text
    from annotator.domain.tokens import pack_tokens
    from annotator.nlp.tokens import load_tokenizer
    from annotator.services.token_store import token_row
    from annotator.store import models as m
    from annotator.store import open_project

    tokenizer = load_tokenizer(model)

    t0 = time.perf_counter()
    project = open_project(db)
    texts = bodies()
    alice = m.Annotator.create(name="alice")
    now = m.now_iso()
    spans = articles = rejected = 0
    i = 0
    seen: set[str] = set()
    while spans < target_spans:
        base = normalise_text(texts[i % len(texts)])
        text = base if i < len(texts) else f"{base}\n\n(Copy {i // len(texts)}.)"
        i += 1
        h = content_hash(text)
        if h in seen:
            continue
        seen.add(h)
        ents, claims = plan_article(text, i)
        if not ents:
            continue
        with project.db.atomic():
            aid = m.Article.insert(uid="a-" + h[:20], content_hash=h, text=text, title=text[:60].split("\n")[0],
                                   outlet="FNC-1", char_count=len(text), word_count=len(text.split())).execute()
            m.Preannotation.insert(article=aid, fingerprint="bench", text_hash=h, model_name="en_core_web_sm",
                                   model_version="3.8.0").execute()
            tok = tokenizer.tokenize(text)  # what pre-annotation stores from its parsed Doc
            m.ArticleTokens.insert(token_row(aid, tokenizer.id, h, text, pack_tokens(tok.starts, tok.ends, tok.ws))).execute()
            rows = []
            for k, (s, e, label) in enumerate(ents):
                status = "rejected" if k % 20 == 7 else ("corrected" if k % 11 == 3 else "accepted")
                rejected += status == "rejected"
                rows.append(dict(uid=uuid.uuid4().hex, article=aid, annotator=alice, layer="work", kind="entity",
                                 start=s, end=e, label=label, status=status, created_at=now, updated_at=now))
            for s, e, ss, se, cs, ce, k in claims:
                rows.append(dict(uid=uuid.uuid4().hex, article=aid, annotator=alice, layer="work", kind="claim",
                                 start=s, end=e, label="CLAIM", status="accepted" if ss is not None else "added",
                                 stance=STANCES[k % 4], source_start=ss, source_end=se,
                                 source_text=text[ss:se] if ss is not None else None,
                                 source_name=text[ss:se] if ss is not None else None,
                                 source_type=SOURCE_TYPES[k % 6], cue_start=cs, cue_end=ce,
                                 quote_type="indirect" if ss is not None else "direct", created_at=now, updated_at=now))
            for j in range(0, len(rows), 500):
                m.Annotation.insert_many(rows[j : j + 500]).execute()
            m.ArticleStatus.insert(uid=uuid.uuid4().hex, article=aid, annotator=alice, layer="work", status="done").execute()
        spans += len(rows)
        articles += 1
    chars = m.Article.select(m.fn.SUM(m.Article.char_count)).scalar()
    project.close()
    return {"articles": articles, "spans": spans, "rejected": rejected, "chars": chars,
            "build_s": round(time.perf_counter() - t0, 2), "db_mb": round(db.stat().st_size / 2**20, 1)}


def _status_mb(field: str) -> float | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mb() -> float:
    """Current resident memory (MB)."""
    now = _status_mb("VmRSS")
    return now if now is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (Linux ``clear_refs`` 5); False when not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def peak_mb() -> float:
    """Peak resident memory since the last reset (VmHWM; ru_maxrss elsewhere, which also counts
    what the parent process used before exec)."""
    hwm = _status_mb("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(db: str, fmt: str, out: str, model: str | None) -> None:
    """One export in this process; prints a JSON line with time and memory."""
    from annotator.services.export import ExportOptions, export_dataset
    from annotator.services.project import get_scheme
    from annotator.store import open_project

    kind, _, variant = fmt.partition("-")
    if variant == "cold":  # a copy without stored tokens: everything is tokenised during the export
        import sqlite3

        cold = out + ".project.sqlite"
        shutil.copy(db, cold)
        con = sqlite3.connect(cold)
        con.execute("DELETE FROM article_tokens")
        con.commit()
        con.close()
        db = cold
    t0 = time.perf_counter()
    tokenizer = docbin = None
    if kind in ("jsonl", "conll", "spacy") and variant != "nt":
        from annotator.nlp.tokens import load_tokenizer

        tokenizer = load_tokenizer(model)
        if kind == "spacy":
            from annotator.nlp.docbin import docbin_factory

            docbin = docbin_factory(tokenizer)
    load_s = time.perf_counter() - t0
    project = open_project(db, create=False)
    before = rss_mb()
    reset_peak()
    t1 = time.perf_counter()
    rep = export_dataset(Path(out), ExportOptions(), kind, tokenizer=tokenizer, docbin=docbin,
                         project_path=project.path, scheme=get_scheme(project))
    took = time.perf_counter() - t1
    if variant == "cold":
        project.close()
        os.unlink(db)
    size = sum(w.bytes for w in rep.written)
    print(json.dumps({"fmt": fmt, "seconds": round(took, 2), "tokenizer_load_s": round(load_s, 2),
                      "rss_before_mb": round(before, 1), "peak_rss_mb": round(peak_mb(), 1),
                      "articles": rep.articles, "spans": rep.spans, "claims": rep.claims, "rejected": rep.rejected,
                      "files": len(rep.written), "mb_written": round(size / 2**20, 1),
                      "dropped_overlaps": rep.dropped_overlaps, "tokenizer": getattr(tokenizer, "name", None),
                      "tokens_stored": rep.tokens_stored, "tokens_computed": rep.tokens_computed}))
    project.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="25000,100000", help="annotated spans per project (comma-separated)")
    ap.add_argument("--formats", default=",".join(FORMATS), help="formats to time (jsonl-nt: JSONL --no-tokens)")
    ap.add_argument("--keep", metavar="DIR", help="build and export in DIR and keep the files")
    ap.add_argument("--model", default=None, help="pipeline whose tokenizer is used")
    ap.add_argument("--worker", nargs=3, metavar=("DB", "FORMAT", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(*args.worker, args.model)
        return 0
    sizes = [int(x) for x in args.sizes.split(",")]
    formats = [f for f in args.formats.split(",") if f]
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-export-"))
    work.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    total = 0
    for i in range(5_000_000):
        total += i
    calib = time.perf_counter() - t
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {load:.1f}; "
          f"a 5M-step Python loop takes {calib:.2f} s here (about 0.25 s on a recent desktop)")
    print(f"corpus: {FNC1 if FNC1.exists() else 'synthetic'}")
    results = []
    try:
        for size in sizes:
            db = work / f"bench-{size}.sqlite"
            if db.exists():
                db.unlink()
            info = build(db, size, args.model)
            print(f"\nproject: {info['articles']:,} articles, {info['spans']:,} annotated spans "
                  f"({info['rejected']:,} rejected), {info['chars']:,} characters, {info['db_mb']} MB; built in {info['build_s']} s")
            print(f"{'format':<8} {'export s':>9} {'RSS before MB':>14} {'peak RSS MB':>12} {'written MB':>11} {'tokenizer load s':>17}")
            for fmt in formats:
                out = work / f"bench-{size}-out{SUFFIX[fmt]}"
                for p in (out, Path(str(out) + ".manifest.json")):
                    if p.is_dir():
                        shutil.rmtree(p)
                    elif p.exists():
                        p.unlink()
                cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(db), fmt, str(out)]
                if args.model:
                    cmd += ["--model", args.model]
                res = subprocess.run(cmd, capture_output=True, text=True)
                if res.returncode != 0:
                    print(f"{fmt:<8} FAILED: {res.stderr.strip().splitlines()[-1] if res.stderr.strip() else res.returncode}")
                    continue
                r = json.loads(res.stdout.strip().splitlines()[-1])
                r["size"] = info["spans"]
                results.append(r)
                print(f"{fmt:<8} {r['seconds']:>9.2f} {r['rss_before_mb']:>14.1f} {r['peak_rss_mb']:>12.1f} "
                      f"{r['mb_written']:>11.1f} {r['tokenizer_load_s']:>17.2f}")
                target = {"jsonl": "< 3", "csv": "< 3", "spacy": "< 10"}.get(fmt, "")
                if r["tokens_stored"] or r["tokens_computed"]:
                    print(f"         tokens: {r['tokens_stored']:,} article(s) stored, {r['tokens_computed']:,} tokenised now")
                print(f"RESULT\texport {fmt}, {info['spans']:,} spans\t{r['seconds']:.2f}\ts\t{target}")
                print(f"RESULT\texport {fmt}, {info['spans']:,} spans, peak memory\t{r['peak_rss_mb']:.0f}\tMB\t")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    if len(sizes) > 1:
        print("\npeak RSS growth from the smallest to the largest project (MB):")
        for fmt in formats:
            rs = [r for r in results if r["fmt"] == fmt]
            if len(rs) >= 2:
                print(f"  {fmt:<8} {rs[0]['peak_rss_mb']:.1f} -> {rs[-1]['peak_rss_mb']:.1f} "
                      f"({rs[-1]['peak_rss_mb'] - rs[0]['peak_rss_mb']:+.1f}) for {rs[-1]['size'] / rs[0]['size']:.1f}x the spans")
    return 0


if __name__ == "__main__":
    sys.exit(main())
