"""Bundle entry point for the windowed `FieldKit.exe` (Windows): always the app, never a console window."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from fieldkit.cli import main

    sys.exit(main(["app", *sys.argv[1:]]))
