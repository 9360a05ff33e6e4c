"""spaCy for the annotator bundle: like the pyinstaller-hooks-contrib hook (all data files and
submodules: the Cython modules import each other where PyInstaller cannot see it, and languages
are imported by name), minus spaCy's own test suite (6 MB). Every language stays: a user may
load a pipeline folder of another language with ``--model DIR``.
"""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules

datas = collect_data_files("spacy", excludes=["tests", "tests/**"])
hiddenimports = collect_submodules("spacy", filter=lambda name: not name.startswith("spacy.tests"))
