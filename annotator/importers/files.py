"""Finding files to import and dispatching them to the format readers.

:func:`discover` turns the paths a user named into a sorted list of files; :func:`read_file`
reads one file and yields its articles and problems. Neither raises for bad input.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.domain.errors import ImportProblem, Msg
from annotator.domain.model import ArticleInput
from annotator.importers._common import MAX_CHARS
from annotator.importers.csvfile import CsvOptions, read_csv
from annotator.importers.encoding import declared_charset, decode_with_encoding, sniff_binary
from annotator.importers.htmlpage import read_html
from annotator.importers.jsonlines import read_json
from annotator.importers.plaintext import read_txt

SUPPORTED_SUFFIXES = {".txt", ".jsonl", ".json", ".csv", ".html", ".htm"}
_ONE_ARTICLE = {".txt", ".html", ".htm"}
_MULTI_RECORD = {".jsonl", ".json", ".csv"}
# A one-article file larger than this cannot give a text under max_chars in any sensible encoding
# (UTF-32 needs 4 bytes a character; HTML markup is typically well under 8x its text).
_BYTES_PER_CHAR_LIMIT = 8
_MIN_REFUSED_SIZE = 64 * 2**20  # never refuse a file under 64 MiB for its size alone
_HEAD = 65536


def _hidden(name: str) -> bool:
    return name.startswith(".")


def discover(paths: Iterable[str | Path]) -> tuple[list[Path], list[ImportProblem]]:
    """Files to import from files and folders named by the user, and the problems found.

    * a file named explicitly is taken even when hidden; one with an unsupported suffix gives
      ``Msg.I011`` instead;
    * a folder is walked recursively (symlinked folders are not followed, so no cycles); only
      files with a supported suffix (any case) are taken, hidden files and hidden folders
      (names starting with ".") are skipped, other files are skipped silently;
      each folder's files come sorted by their path;
    * a path that does not exist -> ``Msg.I016``; an unreadable folder -> ``Msg.I010``;
    * the same file reached twice is listed once, at its first position.
    """
    files: list[Path] = []
    problems: list[ImportProblem] = []
    seen: set[str] = set()

    def add(path: Path) -> None:
        try:
            key = os.path.normcase(str(path.resolve()))
        except (OSError, RuntimeError):
            key = os.path.normcase(os.path.abspath(path))
        if key not in seen:
            seen.add(key)
            files.append(path)

    for item in paths:
        path = Path(item)
        try:
            is_dir = path.is_dir()
            is_file = not is_dir and path.exists()
        except OSError as exc:
            problems.append(ImportProblem(Msg.I010.format(file=path, detail=exc.strerror or exc), file=str(path)))
            continue
        if is_dir:
            found: list[Path] = []

            def on_error(exc: OSError, folder: Path = path) -> None:
                where = exc.filename or folder
                problems.append(ImportProblem(Msg.I010.format(file=where, detail=exc.strerror or exc), file=str(where)))

            for root, dirs, names in os.walk(path, onerror=on_error):
                dirs[:] = [d for d in dirs if not _hidden(d)]
                for name in names:
                    if not _hidden(name) and Path(name).suffix.lower() in SUPPORTED_SUFFIXES:
                        found.append(Path(root) / name)
            for file in sorted(found, key=lambda p: p.relative_to(path).parts):
                add(file)
        elif is_file:
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                add(path)
            else:
                problems.append(ImportProblem(Msg.I011.format(file=path, suffix=path.suffix), file=str(path)))
        else:
            problems.append(ImportProblem(Msg.I016.format(path=path), file=str(path)))
    return files, problems


def read_file(
    path: Path | str, csv: CsvOptions | None = None, max_chars: int = MAX_CHARS
) -> Iterator[ArticleInput | ImportProblem]:
    """Yield one ArticleInput per article of the file and one ImportProblem per bad line, row or
    file. Never raises for bad input: an unreadable file is ``Msg.I010``, an unsupported suffix
    ``Msg.I011``; the format rules are in the modules ``plaintext``, ``jsonlines``, ``csvfile`` and
    ``htmlpage``, the encoding rules in ``encoding``. Every ArticleInput has a non-empty text that
    went through ``normalise_text`` and is at most ``max_chars`` long, and ``source_file`` set to
    the path as given.
    """
    path = Path(path)
    file = str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        yield ImportProblem(Msg.I011.format(file=file, suffix=path.suffix), file=file)
        return
    multi = suffix in _MULTI_RECORD
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if suffix in _ONE_ARTICLE and size > max(_BYTES_PER_CHAR_LIMIT * max_chars, _MIN_REFUSED_SIZE):
                yield ImportProblem(Msg.I018.format(file=file, size=size, limit=max_chars), file=file)
                return
            head = fh.read(_HEAD)
            problem = sniff_binary(head, file, nul_ok=multi)
            if problem is not None:
                yield problem
                return
            data = head + fh.read()
    except OSError as exc:
        yield ImportProblem(Msg.I010.format(file=file, detail=exc.strerror or exc), file=file)
        return
    try:
        declared = declared_charset(data) if suffix in (".html", ".htm") else None
        text, encoding = decode_with_encoding(data, file, nul_ok=multi, declared=declared)
    except ImportProblem as problem:
        yield problem
        return
    del data
    try:
        if suffix == ".txt":
            yield from read_txt(text, file, max_chars, encoding)
        elif suffix in (".html", ".htm"):
            yield from read_html(text, file, max_chars, encoding)
        elif suffix == ".csv":
            yield from read_csv(text, file, csv, max_chars)
        else:
            yield from read_json(text, file, max_chars)
    except RecursionError as exc:  # pathological nesting the readers did not expect
        yield ImportProblem(Msg.I020.format(file=file, detail=exc), file=file)
    except Exception as exc:  # a bug must not stop a batch import; report it
        yield ImportProblem(Msg.I020.format(file=file, detail=f"{type(exc).__name__}: {exc}"), file=file)
