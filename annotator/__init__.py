"""annotator: an annotation workbench for news analysts.

Layers (enforced by import-linter contracts in pyproject.toml):

* ``annotator.domain``    pure data: spans, claims, label schemes, text normalisation
* ``annotator.importers`` pure readers: files -> ArticleInput (no database, no spaCy)
* ``annotator.store``     peewee only
* ``annotator.nlp``       spaCy only; converts Doc objects to plain domain data
* ``annotator.services``  use cases (import, pre-annotate, annotate, export) taking store/nlp
* ``annotator.ui``        the only package that imports PySide6
"""

__version__ = "0.1.0"
