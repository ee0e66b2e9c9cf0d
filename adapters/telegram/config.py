"""`[telegram]`: the bot token's variable, the Bot API endpoint (a local server works) and
how long depth replies stay in groups."""

from __future__ import annotations

from pydantic import Field

from bot.config import EnvName, Section, Url


class TelegramConfig(Section):
    """The `[telegram]` table; Telegram starts only when `token_env` names a set variable."""

    token_env: EnvName = "TELEGRAM_BOT_TOKEN"
    base_url: Url = "https://api.telegram.org/bot"
    # A Summary/Abstract/Deep answer posted in a group (the presser never started the bot)
    # is deleted after this many minutes; 0 keeps it.
    depth_reply_ttl_minutes: float = Field(30.0, ge=0, le=2880)
