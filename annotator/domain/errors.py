"""Every error a user can see, in one place, with one wording.

Modelled on spaCy's ``errors.py``: messages are templates with a code so that a user can quote
one in a bug report and a test can check the right message was raised. Exceptions carry the
finished text; the CLI prints it and the UI shows it in a dialog, never a traceback.
"""

from __future__ import annotations


class Msg:
    # Import (I0xx): always "<file>: <problem>"
    I001 = "{file}: the file is empty"
    I002 = "{file}: this looks like a binary file ({detail}), not text"
    I003 = "{file}: cannot decode the text as UTF-8, UTF-16 or Windows-1252"
    I004 = "{file}: the text is {size:,} characters long; the limit is {limit:,} (spaCy's max_length)"
    I005 = "{file}: line {line}: not valid JSON ({detail})"
    I006 = "{file}: line {line}: expected a JSON object with a \"text\" string"
    I007 = "{file}: no column {column!r}; the columns are {columns}"
    I008 = "{file}: row {line}: malformed CSV ({detail})"
    I009 = "{file}: row {line}: the text column is empty"
    I010 = "{file}: cannot read the file ({detail})"
    I011 = "{file}: unsupported file type {suffix!r}; use .txt, .jsonl, .json, .csv, .html or .htm"
    I012 = "{file}: no article text found in the HTML page"
    I013 = "{file}: the CSV file has no header row"
    I014 = "{file}: CSV files need --text-column (the columns are {columns})"
    I015 = "{file}: duplicate of an article already in the project ({title})"
    I016 = "{path}: no such file or folder"
    I017 = "{file}: line {line}: {detail}"
    I018 = "{file}: the file is {size:,} bytes, too large to be one article (the limit is {limit:,} characters)"
    I019 = "{file}: the CSV delimiter must be one character, not {delimiter!r}"
    I020 = "{file}: unexpected error while reading the file ({detail}); please report this"
    # Project database (P0xx)
    P001 = "{path}: not an annotator project (it is a SQLite database without annotator tables)"
    P002 = "{path}: not a SQLite database, or the file is corrupt ({detail})"
    P003 = (
        "{path}: this project was written by a newer annotator (schema {found}, this version reads up "
        "to {supported}); update annotator to open it"
    )
    P004 = "{path}: cannot open the project ({detail})"
    P005 = "{path}: the project is read-only ({detail}); open a copy or fix the file permissions"
    P006 = "{path}: the database is locked by another program; tried for {seconds:.0f} s"
    P007 = "{path}: migration to schema {version} failed ({detail}); the project is unchanged and a backup is at {backup}"
    P008 = "{path}: the disk is full or the write failed ({detail}); nothing from the last action was saved"
    # Models (M0xx)
    M001 = (
        "no trained English spaCy pipeline is installed (tried {tried}); install the project with "
        "'pip install .' or name one with --model"
    )
    M002 = "cannot load the spaCy pipeline {name!r} ({detail})"
    M003 = "the spaCy pipeline {name!r} has no named-entity recogniser ('ner')"
    M004 = (
        "article {article} ({title}): the claim rules failed ({detail}); its entities were stored, "
        "its claims were not; please report this"
    )
    M005 = (
        "The claim rules failed on {count} article(s); their entities were stored, their claims were "
        "not. The other articles are pre-annotated as usual. Please report this with the details."
    )
    # Annotation (A0xx)
    A001 = "span {start}-{end} is outside the article text (length {length})"
    A002 = "span {start}-{end} is empty or reversed"
    A003 = "unknown label {label!r}; the scheme has {labels}"
    A004 = "no annotation with id {id}"
    A005 = "no suggestion with id {id}"
    A006 = "no article with id {id}"
    A007 = "the annotator name must not be empty"
    A008 = "unknown stance {label!r}; the scheme has {labels}"
    A009 = "unknown source type {label!r}; the scheme has {labels}"
    A010 = "nothing to undo"
    A011 = "nothing to redo"
    A012 = "the change can no longer be undone: {detail}"
    # Scheme (S0xx) - SchemeError messages are built in domain/scheme.py with the file name.
    # Export (E0xx)
    E001 = "{path}: the file exists; use --force to overwrite it"
    E002 = "{path}: cannot write here ({detail})"
    E003 = "nothing to export: {detail}"
    E004 = "unknown export format {fmt!r}; choose one of {formats}"
    # Review, merge, assignment, agreement (R0xx). Merge refusals end with "nothing was merged".
    R001 = "{path}: this is the review project itself; cannot merge a project into itself"
    R002 = "{path}: no such file; nothing was merged"
    R003 = "{path}: not an annotator project ({detail}); nothing was merged"
    R004 = "{path}: not a SQLite database, or the file is corrupt ({detail}); nothing was merged"
    R005 = (
        "{path}: written by a newer annotator (schema {found}, this version reads up to {supported}); "
        "update annotator to merge it; nothing was merged"
    )
    R006 = (
        "{path}: an older project file (schema {found}, this version writes {supported}); open it once "
        "with this version of annotator to upgrade it, then merge it; nothing was merged"
    )
    R007 = "{path}: the project file is inconsistent ({detail}); nothing was merged"
    R008 = "{path}: cannot read the file ({detail}); nothing was merged"
    R010 = "name at least one annotator (--annotators a,b,c)"
    R011 = "annotator {name!r} is named twice"
    R012 = "--overlap must be between 1 and the number of annotators ({n}), not {overlap}"
    R020 = "article {article}: no review item {key!r} (the annotators' work changed; reload the article)"
    R021 = "article {article}: {annotator!r} has no version of item {key!r}"
    R022 = "suggestion {id} is already decided by {annotator} in the {layer} layer"
    E005 = "export cancelled; nothing was written"
    E006 = (
        "the project has several annotators ({names}) and no gold annotations for the selected "
        "articles; choose one with --annotator NAME"
    )
    E007 = "--split needs two or three non-negative numbers that add up to 1, like 0.8,0.1,0.1 (got {value!r})"
    E008 = "{path}: not a brat export folder (it holds {detail}); choose a new or empty folder"
    E009 = "no annotator named {name!r} in the project; the annotators are {names}"
    E010 = "{where}: {detail}; its annotations were not recorded"


class AnnotatorError(Exception):
    """Base of every error whose message is meant for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class ImportProblem(AnnotatorError):
    """One file (or one line of a file) could not be imported. The batch goes on."""

    def __init__(self, message: str, file: str = "", line: int | None = None) -> None:
        super().__init__(message)
        self.file = file
        self.line = line


class SchemeError(AnnotatorError):
    pass


class ProjectError(AnnotatorError):
    """The project database cannot be opened or written."""


class ModelError(AnnotatorError):
    pass


class AnnotationError(AnnotatorError):
    pass


class ExportError(AnnotatorError):
    pass
