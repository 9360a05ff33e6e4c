"""peewee models: the project's data model.

One project is one SQLite file. Tables:

* ``article``: the normalised text and its metadata (stable ``uid``, ``content_hash`` for dedupe).
* ``suggestion``: machine suggestions (entities and claims) with the model name and version.
* ``annotation``: decisions of a named annotator (``layer='work'``) or of a reviewer
  (``layer='gold'``): accepted / corrected / added / rejected spans and claims with stance, source
  and source type.
* ``article_status``: new / in progress / done / skipped per annotator and layer.
* ``action`` + ``change``: the append-only change log. Every user action is one ``action`` row and
  one or more ``change`` rows holding before/after snapshots; undo and redo append new actions.
* ``preannotation``: which model (and rules) version pre-annotated which text, so work is never
  redone.
* ``article_tokens`` (schema 2): the token boundaries pre-annotation saw, packed
  (``annotator.domain.tokens``) and as Prodigy's token list, filed under the pipeline's id and the
  text's hash, so exports do not tokenise again.
* ``assignment``: which annotator should label which article.
* ``project_info``, ``annotator_setting``, ``schema_version``: project settings (label scheme),
  per-annotator state (last article) and the migration history.

All timestamps are ISO-8601 UTC strings; all offsets are code-point indices into ``article.text``.
"""

from __future__ import annotations

from datetime import datetime, timezone

from peewee import (
    AutoField,
    BlobField,
    DatabaseProxy,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
    fn,
)

__all__ = ["fn"]  # re-exported so services can aggregate without importing peewee

SCHEMA_VERSION = 2
database_proxy = DatabaseProxy()


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


class BaseModel(Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


class SchemaVersion(BaseModel):
    version = IntegerField(primary_key=True)
    applied_at = TextField(default=now_iso)
    note = TextField(default="")


class ProjectInfo(BaseModel):
    key = TextField(primary_key=True)
    value = TextField()


class Annotator(BaseModel):
    id = AutoField()
    name = TextField(unique=True)
    created_at = TextField(default=now_iso)


class Article(BaseModel):
    id = AutoField()
    uid = TextField(unique=True)
    content_hash = TextField(unique=True)
    external_id = TextField(default="", index=True)
    title = TextField(default="")
    outlet = TextField(default="", index=True)
    date = TextField(default="")
    url = TextField(default="")
    source_file = TextField(default="")
    meta = TextField(default="{}")  # JSON object
    imported_at = TextField(default=now_iso)
    char_count = IntegerField(default=0)
    word_count = IntegerField(default=0)
    # Last column on purpose: list queries select the columns above and never read the text.
    text = TextField()


class Preannotation(BaseModel):
    article = ForeignKeyField(Article, unique=True, on_delete="CASCADE", backref="preannotation")
    fingerprint = TextField()  # model name==version;rules version
    text_hash = TextField()
    model_name = TextField()
    model_version = TextField()
    done_at = TextField(default=now_iso)


class ArticleTokens(BaseModel):
    """Token boundaries of an article's text as the pipeline ``tokenizer`` splits it (schema 2)."""

    article = ForeignKeyField(Article, unique=True, on_delete="CASCADE", backref="tokens")
    tokenizer = TextField()  # annotator.nlp.tokens.tokenizer_id: pipeline name and version
    text_hash = TextField()  # Article.content_hash of the text tokenised
    data = BlobField()  # annotator.domain.tokens.pack_tokens
    # The same tokens as Prodigy's "tokens" list (JSON, zlib-compressed): the JSONL export copies it
    # as is (building it is half of that export's time). None when not computed.
    prodigy = BlobField(null=True)


class Suggestion(BaseModel):
    id = AutoField()
    article = ForeignKeyField(Article, on_delete="CASCADE", backref="suggestions")
    kind = TextField()  # entity | claim
    start = IntegerField()
    end = IntegerField()
    label = TextField()
    quote_type = TextField(null=True)
    source_start = IntegerField(null=True)
    source_end = IntegerField(null=True)
    source_name = TextField(null=True)
    cue_start = IntegerField(null=True)
    cue_end = IntegerField(null=True)
    model_name = TextField()
    model_version = TextField()
    rules_version = TextField(default="")
    created_at = TextField(default=now_iso)

    class Meta:
        indexes = ((("article", "kind", "start", "end"), False),)


class Annotation(BaseModel):
    id = AutoField()
    uid = TextField(unique=True)  # stable across files (merge)
    article = ForeignKeyField(Article, on_delete="CASCADE", backref="annotations")
    annotator = ForeignKeyField(Annotator, on_delete="CASCADE")
    layer = TextField(default="work")  # work | gold
    kind = TextField()
    start = IntegerField()
    end = IntegerField()
    label = TextField()
    status = TextField()  # accepted | corrected | added | rejected
    suggestion = ForeignKeyField(Suggestion, null=True, on_delete="SET NULL")
    stance = TextField(null=True)
    source_start = IntegerField(null=True)
    source_end = IntegerField(null=True)
    source_text = TextField(null=True)  # the mention as written, or free text
    source_name = TextField(null=True)  # the resolved name
    source_type = TextField(null=True)
    cue_start = IntegerField(null=True)
    cue_end = IntegerField(null=True)
    quote_type = TextField(null=True)
    note = TextField(default="")
    created_at = TextField(default=now_iso)
    updated_at = TextField(default=now_iso)

    class Meta:
        indexes = (
            (("article", "annotator", "layer"), False),
            (("suggestion", "annotator", "layer"), False),
        )


class ArticleStatus(BaseModel):
    id = AutoField()
    uid = TextField(unique=True)
    article = ForeignKeyField(Article, on_delete="CASCADE")
    annotator = ForeignKeyField(Annotator, on_delete="CASCADE")
    layer = TextField(default="work")
    status = TextField(default="new")
    note = TextField(default="")
    updated_at = TextField(default=now_iso)

    class Meta:
        indexes = ((("article", "annotator", "layer"), True),)


class Action(BaseModel):
    """One user action (a transaction): the unit of undo."""

    id = AutoField()
    uid = TextField(unique=True)
    annotator = ForeignKeyField(Annotator, on_delete="CASCADE")
    layer = TextField(default="work")
    article = ForeignKeyField(Article, null=True, on_delete="SET NULL")
    kind = TextField()  # do | undo | redo | import | merge
    ref = TextField(null=True)  # uid of the action an undo/redo refers to
    description = TextField(default="")
    state = TextField(default="done")  # done | undone | dropped (for kind=do); "" otherwise
    undone_seq = IntegerField(null=True)  # ordering of undos, for redo
    at = TextField(default=now_iso)

    class Meta:
        indexes = ((("annotator", "layer", "state"), False),)


class Change(BaseModel):
    """Append-only log: one row per changed record, with snapshots before and after."""

    id = AutoField()
    uid = TextField(unique=True)
    action = ForeignKeyField(Action, on_delete="CASCADE", backref="changes")
    target = TextField()  # annotation | article_status
    target_uid = TextField(index=True)
    op = TextField()  # insert | update | delete
    before = TextField(null=True)  # JSON snapshot
    after = TextField(null=True)
    at = TextField(default=now_iso)


class Assignment(BaseModel):
    article = ForeignKeyField(Article, on_delete="CASCADE")
    annotator = ForeignKeyField(Annotator, on_delete="CASCADE")
    assigned_at = TextField(default=now_iso)

    class Meta:
        indexes = ((("article", "annotator"), True),)


class AnnotatorSetting(BaseModel):
    annotator = ForeignKeyField(Annotator, on_delete="CASCADE")
    key = TextField()
    value = TextField()

    class Meta:
        indexes = ((("annotator", "key"), True),)


ALL_MODELS: list[type[BaseModel]] = [
    SchemaVersion,
    ProjectInfo,
    Annotator,
    Article,
    Preannotation,
    ArticleTokens,
    Suggestion,
    Annotation,
    ArticleStatus,
    Action,
    Change,
    Assignment,
    AnnotatorSetting,
]
