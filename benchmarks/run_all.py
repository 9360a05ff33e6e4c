"""Run every benchmark and write benchmarks/RESULTS.md.

    python benchmarks/run_all.py [--quick]

Each benchmark runs in its own process, one after the other (never in parallel, so figures are
not disturbed by each other). Benchmarks print lines of the form

    RESULT<TAB>name<TAB>value<TAB>unit<TAB>target

which become the summary table; their full output follows in the report.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    ("Import + pre-annotation vs plain spaCy", "bench_import.py", [], ["--limit", "400"]),
    ("Desktop app (offscreen)", "bench_ui.py", [], ["--quick"]),
    ("Export per format", "bench_export.py", ["--sizes", "25000,100000"], ["--sizes", "25000"]),
]


def machine() -> list[str]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    versions = []
    for mod in ("spacy", "PySide6", "peewee"):
        try:
            versions.append(f"{mod} {__import__(mod).__version__}")
        except Exception:  # noqa: BLE001 - report what is there
            pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return [
        f"- date: {dt.datetime.now().isoformat(timespec='seconds')}",
        f"- machine: {cpu}, {os.cpu_count()} cores, {mem} memory, {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}; " + ", ".join(versions),
        f"- load average at start: {load:.2f}",
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller inputs (for a smoke run)")
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = ap.parse_args(argv)
    rows: list[list[str]] = []
    sections: list[str] = []
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for title, script, full_args, quick_args in BENCHES:
        cmd = [sys.executable, str(HERE / script), *(quick_args if args.quick else full_args)]
        print(f"running {' '.join(cmd[1:])}", file=sys.stderr, flush=True)
        t0 = time.perf_counter()
        res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=HERE.parent)
        took = time.perf_counter() - t0
        out = res.stdout
        for line in out.splitlines():
            if line.startswith("RESULT\t"):
                parts = line.split("\t")[1:]
                rows.append([title] + parts + [""] * (4 - len(parts)))
        status = "ok" if res.returncode == 0 else f"FAILED (exit {res.returncode})"
        body = "\n".join(x for x in out.splitlines() if not x.startswith("RESULT\t"))
        err_tail = "\n".join(res.stderr.strip().splitlines()[-15:]) if res.returncode else ""
        sections.append(
            f"### {title}\n\n`python benchmarks/{script} {' '.join(cmd[2:])}`: {status}, {took:.0f} s\n\n```\n{body.strip()}\n```\n"
            + (f"\nstderr (last lines):\n```\n{err_tail}\n```\n" if err_tail else "")
        )
    table = ["| benchmark | measure | value | unit | target |", "| --- | --- | --- | --- | --- |"]
    table += [f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} |" for r in rows]
    text = "\n".join(
        ["# Benchmark results", "", "Written by `python benchmarks/run_all.py" + (" --quick" if args.quick else "") + "`.", ""]
        + machine()
        + ["", "## Summary", ""]
        + table
        + ["", "## Details", ""]
        + sections
    )
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
