"""Import + pre-annotation throughput against plain spaCy, side by side in one run.

    python benchmarks/bench_import.py [--limit N] [--jobs 2] [--csv PATH]

Imports the FNC-1 train bodies (../shared/corpora/fnc-1/train_bodies.csv) into a fresh project
and prints words/second for
  (a) plain ``nlp.pipe`` over the same (normalised) texts, same pipeline and batch size,
  (b) the full ``annotator import`` path: read + normalise + insert + pre-annotate (entities and
      claims) + write suggestions, with one process,
  (c) the same with ``--jobs N`` worker processes,
and the ratios b/a and c/a. Targets: b/a >= 0.85; c/a > 1 with 2 jobs.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from annotator.domain.text import normalise_text  # noqa: E402
from annotator.importers import CsvOptions  # noqa: E402
from annotator.nlp.engine import Engine  # noqa: E402
from annotator.services.importing import import_paths  # noqa: E402
from annotator.services.preannotate import preannotate  # noqa: E402
from annotator.store import open_project  # noqa: E402

DEFAULT_CSV = ROOT.parent / "shared" / "corpora" / "fnc-1" / "train_bodies.csv"


def load_texts(path: Path, limit: int | None) -> list[str]:
    csv.field_size_limit(10**9)
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [normalise_text(r["articleBody"]) for r in csv.DictReader(fh)]
    rows = [r for r in rows if r]
    return rows[:limit] if limit else rows


def write_subset(path: Path, limit: int | None, dest: Path) -> Path:
    if not limit:
        return path
    csv.field_size_limit(10**9)
    with open(path, encoding="utf-8", newline="") as fh, open(dest, "w", encoding="utf-8", newline="") as out:
        reader = csv.DictReader(fh)
        writer = csv.DictWriter(out, fieldnames=reader.fieldnames)
        writer.writeheader()
        for i, row in enumerate(reader):
            if i >= limit:
                break
            writer.writerow(row)
    return dest


def run_import(csv_path: Path, engine: Engine, jobs: int, tmp: Path) -> float:
    db = tmp / f"bench-{jobs}.sqlite"
    t0 = time.perf_counter()
    with open_project(db) as project:
        rep = import_paths(project, [csv_path], csv=CsvOptions(text_column="articleBody", id_column="Body ID"))
        pre = preannotate(project, engine, jobs=jobs)
    dt = time.perf_counter() - t0
    print(f"   imported {len(rep.imported)} articles, {pre.entities} entities, {pre.claims} claims", file=sys.stderr)
    return dt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    ap.add_argument("--limit", type=int, default=None, help="only the first N bodies")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args(argv)
    if not args.csv.exists():
        print(f"no corpus at {args.csv}", file=sys.stderr)
        return 1
    engine = Engine()
    texts = load_texts(args.csv, args.limit)
    words = sum(len(t.split()) for t in texts)
    print(f"corpus: {len(texts)} articles, {words:,} words; model {engine.info.label}; {os.cpu_count()} cores")
    list(engine.nlp.pipe(texts[:20], batch_size=engine.batch_size))  # warm up

    t0 = time.perf_counter()
    for _ in engine.nlp.pipe(texts, batch_size=engine.batch_size):
        pass
    plain = time.perf_counter() - t0

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        csv_path = write_subset(args.csv, args.limit, tmp / "subset.csv")
        full1 = run_import(csv_path, engine, 1, tmp)
        fullj = run_import(csv_path, engine, args.jobs, tmp) if args.jobs > 1 else None

    print(f"RESULT\tplain nlp.pipe\t{words / plain:.0f}\twords/s\t")
    print(f"RESULT\timport + pre-annotation, 1 job / plain\t{plain / full1:.2f}\tratio\t>= 0.85")
    if fullj:
        print(f"RESULT\timport + pre-annotation, {args.jobs} jobs / plain\t{plain / fullj:.2f}\tratio\t> 1")
    print(f"(a) plain nlp.pipe:                 {words / plain:9,.0f} words/s  ({plain:6.1f} s)")
    print(f"(b) import + pre-annotation, 1 job: {words / full1:9,.0f} words/s  ({full1:6.1f} s)  ratio b/a = {plain / full1:.2f}  (target >= 0.85)")
    if fullj:
        print(f"(c) import + pre-annotation, {args.jobs} jobs:{words / fullj:9,.0f} words/s  ({fullj:6.1f} s)  ratio c/a = {plain / fullj:.2f}  (target > 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
