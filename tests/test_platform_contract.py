"""What every registered platform promises the core, checked over each of them alike."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

import adapters
from bot.config import Section
from bot.models import CardText, Digest, Paper, PaperCard, Reply

ENTRIES = sorted(adapters.registered().items())
PAPER = Paper(
    id="2501.00001",
    version=2,
    title="A <b>bold</b> & $\\alpha$-sharp title",
    authors=("Ada Lovelace", "Alan Turing"),
    abstract="We study things & stuff < more things.",
    categories=("cs.CL", "cs.AI"),
    primary_category="cs.CL",
    comment="12 pages",
)
CARD = PaperCard(PAPER, CardText("总结", ("一", "二"), "标题", "摘要", "llm", "zh", "m"))
DIGEST = Digest("Topic", date(2026, 11, 30), "zh", (CARD,), datetime(2026, 12, 1, tzinfo=UTC))


def test_the_built_in_platforms_are_registered() -> None:
    assert {"telegram", "discord", "console"} <= {name for name, _ in ENTRIES}


@pytest.mark.parametrize(("name", "entry"), ENTRIES, ids=[n for n, _ in ENTRIES])
def test_config_section_has_defaults_in_code(name: str, entry: adapters.PlatformEntry) -> None:
    assert entry.name == name
    assert issubclass(entry.section, Section)
    entry.section()  # every key has a default: the platform runs with no [section] at all


@pytest.mark.parametrize(("name", "entry"), ENTRIES, ids=[n for n, _ in ENTRIES])
def test_renderer_is_pure_and_its_payloads_are_storable(
    name: str, entry: adapters.PlatformEntry
) -> None:
    """The outbox stores payloads as JSON, so a restart sends exactly what was decided."""
    renderer = entry.renderer()
    for payloads in (
        renderer.reply(Reply(text="plain <text> & more")),
        renderer.reply(Reply(cards=(CARD,))),
        renderer.digest(DIGEST),
        renderer.digest(Digest("Topic", None, "en", (), DIGEST.generated_at, quiet="quiet_day")),
    ):
        assert payloads and all(isinstance(p, dict) for p in payloads)
        assert json.loads(json.dumps(payloads)) == payloads


@pytest.mark.parametrize(("name", "entry"), ENTRIES, ids=[n for n, _ in ENTRIES])
def test_a_bad_chat_id_is_a_value_error(name: str, entry: adapters.PlatformEntry) -> None:
    try:
        entry.check_chat("")
    except ValueError as exc:
        assert str(exc)  # says why, for the config error line
