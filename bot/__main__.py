"""`python -m bot` works like the `paperbot` command."""

from bot.main.cli import main

raise SystemExit(main())
