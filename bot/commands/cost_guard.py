"""Daily limit on on-demand LLM calls per user; cached answers never count."""

from __future__ import annotations

from datetime import timedelta

from bot.commands.context import Core
from bot.errors import UserError
from bot.models import IncomingCommand


def charge_llm_call(core: Core, cmd: IncomingCommand) -> None:
    """Count one LLM call against the user's day (UTC), or refuse when the limit is reached."""
    if not cmd.metered:
        return  # e.g. the operator's own terminal: their key, their budget
    limit = core.config.bot.daily_llm_requests_per_user
    now = core.clock.now()
    user_key = f"{cmd.chat.platform}:{cmd.user_id}"
    if core.store.llm_usage(user_key, now.date()) >= limit:
        tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        hours = max(1, round((tomorrow - now).total_seconds() / 3600))
        raise UserError(
            f"You have used today's {limit} new summaries and translations.",
            f"The limit resets at 00:00 UTC (in about {hours} h); cached papers stay free.",
        )
    core.store.add_llm_usage(user_key, now.date())
