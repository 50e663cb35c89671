"""`python -m fieldkit` starts the app, like main.py; `python -m fieldkit SUBCOMMAND` runs the CLI."""

from fieldkit.cli import main

raise SystemExit(main())
