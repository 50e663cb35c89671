"""Bundle entry point for `fieldkit`: no arguments starts the app, a subcommand runs the CLI (like `python -m fieldkit`).

`fieldkit --bundle-selfcheck` (bundle only) loads every bundled library and data file: see bundle_selfcheck.py.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    # Frozen executables must handle multiprocessing's child start-up before anything else runs.
    multiprocessing.freeze_support()
    if sys.argv[1:] == ["--bundle-selfcheck"]:
        import bundle_selfcheck

        sys.exit(bundle_selfcheck.run())
    from fieldkit.cli import main

    sys.exit(main())
