"""Daily budgets for on-demand work, checked before any arXiv request or LLM call.

LLM calls count against the user who asked and the chat they asked in (a channel's /digest is
the channel's cost as much as the member's); arXiv lookups count against the user. Cached
answers never count, and the operator's terminal (`metered=False`) is never charged. Days are
UTC. Checks and charges are synchronous store calls with no await between them, so concurrent
commands on the one event loop cannot overspend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.commands.context import Core, user_key
from bot.errors import UserError
from bot.i18n import N_
from bot.models import ArxivId, IncomingCommand, Paper, Topic
from bot.ports import Listing
from bot.services.digests import assign

LLM_WORK = "new summaries and translations"
LOOKUPS = "arXiv lookups"


@dataclass(frozen=True)
class _Budget:
    key: str
    limit: int
    owner: str  # "you" or "this chat", as the refusal says it


def requester(cmd: IncomingCommand) -> str:
    """Who pays, and whose turn it is in arXiv's lookup queue (the key /forget deletes)."""
    return user_key(cmd)


def _llm_budgets(core: Core, cmd: IncomingCommand) -> list[_Budget]:
    bot = core.config.bot
    budgets = [_Budget(requester(cmd), bot.daily_llm_requests_per_user, "you")]
    if not cmd.chat.is_private:  # a private chat is its user: one budget
        budgets.append(_Budget(f"chat:{cmd.chat.key}", bot.daily_llm_requests_per_chat,
                               "this chat"))
    return budgets


def _lookup_budget(core: Core, cmd: IncomingCommand) -> _Budget:
    return _Budget(f"arxiv:{requester(cmd)}", core.config.bot.daily_arxiv_lookups_per_user, "you")


def _check(core: Core, budgets: Sequence[_Budget], count: int, what: str) -> None:
    now = core.clock.now()
    for budget in budgets:
        used = core.store.llm_usage(budget.key, now.date())
        if used + count > budget.limit:
            raise _refusal(budget, used, count, what, now)


def _charge(core: Core, budgets: Sequence[_Budget], count: int, what: str) -> None:
    _check(core, budgets, count, what)
    day = core.clock.now().date()
    for budget in budgets:
        core.store.add_llm_usage(budget.key, day, count)


def _refusal(budget: _Budget, used: int, count: int, what: str, now: datetime) -> UserError:
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    hours = max(1, round((tomorrow - now).total_seconds() / 3600))
    hint = N_("The limit resets at 00:00 UTC (in about {hours} h); cached papers stay free.")
    left = max(0, budget.limit - used)
    mine = budget.owner == "you"
    if what == LOOKUPS:
        spent = N_("You have used today's {limit} arXiv lookups.")
        return UserError(spent, hint, limit=budget.limit, hours=hours)
    if left == 0:
        spent = (
            N_("You have used today's {limit} new summaries and translations.")
            if mine
            else N_("This chat has used today's {limit} new summaries and translations.")
        )
        return UserError(spent, hint, limit=budget.limit, hours=hours)
    short = (
        N_("This needs {count} new summaries and translations, and you have {left} of "
           "today's {limit} left.")
        if mine
        else N_("This needs {count} new summaries and translations, and this chat has "
                "{left} of today's {limit} left.")
    )
    return UserError(short, hint, count=count, left=left, limit=budget.limit, hours=hours)


def charge_llm_calls(core: Core, cmd: IncomingCommand, count: int = 1) -> None:
    """Charge `count` LLM calls to the user and the chat, or refuse (charging nothing)."""
    if cmd.metered and count > 0:
        _charge(core, _llm_budgets(core, cmd), count, LLM_WORK)


def charge_llm_call(core: Core, cmd: IncomingCommand) -> None:
    """Charge one LLM call to the user and the chat, or refuse when either limit is reached."""
    charge_llm_calls(core, cmd, 1)


def _reserve_lookup(core: Core, cmd: IncomingCommand, then_llm: bool) -> list[_Budget]:
    """Charge one arXiv lookup and (with `then_llm`) reserve the LLM call the answer will
    need, so a refused command asks arXiv for nothing and a flood of concurrent commands
    cannot all pass the check before any of them is charged. Returns what to `_release`."""
    if not cmd.metered:
        return []
    held = _llm_budgets(core, cmd) if then_llm else []
    _charge(core, held, 1, LLM_WORK)
    try:
        _charge(core, [_lookup_budget(core, cmd)], 1, LOOKUPS)
    except UserError:
        _release(core, held)
        raise
    return held


def _release(core: Core, held: Sequence[_Budget]) -> None:
    """Give back a reservation; the handler then charges what the answer really costs."""
    day = core.clock.now().date()
    for budget in held:
        core.store.add_llm_usage(budget.key, day, -1)


async def paper_for(core: Core, cmd: IncomingCommand, arxiv_id: ArxivId, language: str) -> Paper:
    """The paper; when arXiv must be asked, the lookup is charged (and queued fairly) first."""
    known = core.papers.stored(arxiv_id)
    # A listing-only paper is asked for again just before it is summarised.
    refresh = known is not None and core.cards.needs_llm_call(known, language)
    held: list[_Budget] = []
    if core.papers.needs_lookup(arxiv_id, refresh):
        held = _reserve_lookup(core, cmd, then_llm=not core.cards.offline)
    try:
        return await core.papers.get(arxiv_id, requester(cmd), refresh=refresh)
    finally:
        _release(core, held)


async def digest_listing(core: Core, cmd: IncomingCommand, topics: Sequence[Topic]) -> Listing:
    """The stored announcement for these topics; arXiv is asked (and charged) only when
    nothing is stored for their categories."""
    stored = core.digests.stored_listing(topics)
    if stored is not None:
        return stored
    held = _reserve_lookup(core, cmd, then_llm=not core.cards.offline)
    try:
        return await core.digests.fetch_listing(topics)
    finally:
        _release(core, held)


def charge_digest(
    core: Core, cmd: IncomingCommand, topics: Sequence[Topic], listing: Listing, language: str
) -> None:
    """Charge the cards this digest will have to generate (cached ones are free)."""
    needed = sum(
        core.cards.needs_llm_call(p, language)
        for _, kept, _ in assign(topics, listing.papers)
        for p in kept
    )
    charge_llm_calls(core, cmd, needed)


# Deep summaries (issue 15): the full text is an arXiv lookup, the LLM requests are known only
# once it is read, and tokens are counted from what the API says each request cost.
def charge_lookup(core: Core, cmd: IncomingCommand) -> None:
    """Charge one arXiv lookup to the user, or refuse when today's are used up."""
    if cmd.metered:
        _charge(core, [_lookup_budget(core, cmd)], 1, LOOKUPS)


def settle_llm_calls(core: Core, cmd: IncomingCommand, charged: int, used: int) -> None:
    """After the work: give back calls charged but not made, or add retries made beyond
    the charge (the work is done; it is never refused afterwards)."""
    if cmd.metered and used != charged:
        day = core.clock.now().date()
        for budget in _llm_budgets(core, cmd):
            core.store.add_llm_usage(budget.key, day, used - charged)


def charge_tokens(core: Core, cmd: IncomingCommand, tokens: int) -> None:
    """Add the tokens the LLM said it used to the user's (and the chat's) day."""
    if cmd.metered and tokens > 0:
        day = core.clock.now().date()
        for budget in _llm_budgets(core, cmd):
            core.store.add_token_usage(budget.key, day, tokens)
