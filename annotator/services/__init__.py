"""Use cases (import, pre-annotate, annotate, export, stats) over the store and the nlp layer.

Services take an open :class:`annotator.store.Project` and, where needed, an NLP engine object as
arguments; they never import Qt, and they import spaCy only through ``annotator.nlp``.
"""
