"""Bundle entry point for `fieldkit-hub` (the receiving hub's command line)."""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from sync.hub_cli import main

    sys.exit(main())
