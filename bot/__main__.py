"""`python -m bot` works like the `paperbot` command."""

from bot.cli import main

raise SystemExit(main())
