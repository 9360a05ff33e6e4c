"""Entry point of the PyInstaller bundle: the ``annotator`` command (GUI by default, CLI subcommands).

``freeze_support`` lets ``annotator preannotate --jobs N`` start its spawned worker processes from
the frozen executable (they re-run this file and must not parse the command line).
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from annotator.cli import main

    sys.exit(main())
