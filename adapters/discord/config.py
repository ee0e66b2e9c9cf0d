"""`[discord]`: the bot token's variable and the REST and gateway endpoints."""

from __future__ import annotations

from bot.config import EnvName, Section, Url


class DiscordConfig(Section):
    """The `[discord]` table; Discord starts only when `token_env` names a set variable."""

    token_env: EnvName = "DISCORD_BOT_TOKEN"
    api_base: Url = "https://discord.com/api/v10"
    gateway_url: Url = "wss://gateway.discord.gg"
