"""`[telegram]`: the bot token's variable and the Bot API endpoint (a local server works)."""

from __future__ import annotations

from bot.config import EnvName, Section, Url


class TelegramConfig(Section):
    """The `[telegram]` table; Telegram starts only when `token_env` names a set variable."""

    token_env: EnvName = "TELEGRAM_BOT_TOKEN"
    base_url: Url = "https://api.telegram.org/bot"
