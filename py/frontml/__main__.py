"""`python -m frontml TASK INPUT [options]` (see frontml.cli)."""

from frontml.cli import main

raise SystemExit(main())
