"""Buttons in the core (issue 11): the payload codec, the press handler with the real SQLite
store and a fixed clock, and the reading list commands (/saved, /unsave, /export bibtex)."""

from __future__ import annotations

import asyncio

import bibtexparser
import pytest

from bot.buttons.actions import ButtonHandler
from bot.buttons.bibtex import bibtex
from bot.buttons.keyboards import number_buttons, paper_buttons
from bot.buttons.payload import MAX_BYTES, Action, Payload, decode, encode
from bot.models import ButtonPress, ChatRef, Signal
from tests.fakes.ports import paper
from tests.test_commands import GROUP, PRIVATE, Harness

OLD = paper("math/0309136", version=2, title="Knots", authors=("Émile Picard",),
            primary_category="math.GT", categories=("math.GT",))


def test_payloads_round_trip_within_platform_limits() -> None:
    for p in (Payload(Action.SUMMARY, "2501.12345", 1, "zh-tw"),
              Payload(Action.PICK, "hep-th/9901001", 12),
              Payload(Action.SAVE, "0704.0001", 999, "en")):
        data = encode(p)
        assert decode(data) == p
        assert len(data.encode()) <= MAX_BYTES and len(data) <= 100


@pytest.mark.parametrize("forged", [
    "", "s:2501.12345", "s:2501.12345v0", "x:2501.12345v1", "s:2501.12345v1:xx",
    "s:2501.12345v1:en:extra", "S:2501.12345v1", "s:../etc/passwd v1",
    "s:2501.12345v1" + "0" * 70, "u:2501.12345v1\n", "s:2501.1234v1 ",
])
def test_forged_payloads_do_not_decode(forged: str) -> None:
    assert decode(forged) is None


def test_keyboards_fit_discord_rows() -> None:
    rows = paper_buttons(paper(), "zh")
    assert [len(r) for r in rows] == [4, 3]
    assert rows[0][3].url.endswith("/pdf/2411.00001") and not rows[0][3].data
    assert rows[0][0].label == "摘要总结"
    assert decode(rows[0][1].data) == Payload(Action.DEEP, "2411.00001", 1, "zh")
    back = paper_buttons(paper(), "zh-tw", back=True)
    assert [len(r) for r in back] == [4, 3, 1]
    assert decode(back[2][0].data) == Payload(Action.CARD, "2411.00001", 1, "zh-tw")
    assert all(len(b.data.encode()) <= MAX_BYTES for r in back for b in r)
    numbers = number_buttons([paper(f"2411.{i:05d}") for i in range(1, 12)], 1, "en")
    assert [len(r) for r in numbers] == [5, 5, 1] and numbers[2][0].label == "11"


def _press(h: Harness, data: str, chat: ChatRef = PRIVATE, user: str = "42"):
    return asyncio.run(ButtonHandler(h.core, h.store).handle(
        ButtonPress(data, chat, user, locale="en")))


def test_summary_press_answers_from_the_cache_and_charges_only_uncached() -> None:
    h = Harness()
    p = paper("2411.00002", title="Chain of thought reasoning")
    h.store.upsert_papers([p])
    data = encode(Payload(Action.SUMMARY, p.id, 1, "en"))
    first = _press(h, data)
    assert h.llm.calls == 1 and first.reply is not None
    assert "summary of Chain of thought" in first.reply.text and "1. takeaway 1" in first.reply.text
    assert first.show == "edit" and first.reply.buttons  # the card is replaced in place
    assert decode(first.reply.buttons[-1][0].data) == Payload(Action.CARD, p.id, 1, "en")
    assert h.store.llm_usage("telegram:42", h.core.clock.now().date()) == 1
    again = _press(h, data, chat=GROUP, user="43")
    assert h.llm.calls == 1 and again.show == "private"
    assert again.reply is not None and len(again.reply.buttons) == 2  # no way "back" there
    assert h.store.llm_usage("telegram:43", h.core.clock.now().date()) == 0
    abstract = _press(h, encode(Payload(Action.ABSTRACT, p.id, 1, "en")))
    assert abstract.reply is not None and "[en] We study" in abstract.reply.text
    back = _press(h, encode(Payload(Action.CARD, p.id, 1, "en")))
    assert back.show == "edit" and back.reply is not None and back.reply.cards
    assert len(back.reply.buttons) == 2
    picked = _press(h, encode(Payload(Action.PICK, p.id, 1, "en")))  # keeps the list
    assert picked.show == "chat" and picked.reply is not None
    assert h.llm.calls == 1


def test_forged_or_unknown_payload_is_expired_and_changes_nothing() -> None:
    h = Harness()
    for data in ("u:2411.99999v1:en", "u:2411.00002v1;DROP", "garbage"):
        answer = _press(h, data)
        assert answer.alert and "expired" in answer.toast and answer.reply is None
    assert h.store.feedback_for(user_key="telegram:42") == []
    assert h.llm.calls == 0


def test_a_press_that_crashes_is_still_answered_in_the_readers_language() -> None:
    h = Harness()
    p = paper("2411.00002")
    h.store.upsert_papers([p])
    h.store.db.execute("DROP TABLE feedback")  # the store breaks under the handler
    answer = _press(h, encode(Payload(Action.UP, p.id, 1, "en")))
    assert answer.alert and answer.reply is None
    assert answer.toast.startswith("Something went wrong (ref ")


def test_feedback_toggles_for_the_presser_and_shows_counts_in_groups() -> None:
    h = Harness()
    p = paper()
    h.store.upsert_papers([p])
    up = encode(Payload(Action.UP, p.id, 1, "en"))
    first = _press(h, up, chat=GROUP, user="1")
    _press(h, up, chat=GROUP, user="2")
    assert first.buttons is not None
    counted = _press(h, encode(Payload(Action.DOWN, p.id, 1, "en")), chat=GROUP, user="3")
    assert counted.buttons is not None
    labels = [b.label for b in counted.buttons[1]]
    assert labels[:2] == ["👍 2", "👎 1"]
    private = _press(h, encode(Payload(Action.SAVE, p.id, 1, "en")))
    assert private.buttons is not None and private.buttons[1][2].active
    assert "reading list" in private.toast
    cleared = _press(h, encode(Payload(Action.SAVE, p.id, 1, "en")))
    assert cleared.buttons is not None and not cleared.buttons[1][2].active
    assert h.store.feedback_state("telegram:42", PRIVATE.key, p.id) == set()
    assert h.store.feedback_state("telegram:1", GROUP.key, p.id) == {Signal.UP}


def test_saved_unsave_export_and_forget() -> None:
    h = Harness()
    ps = [paper("2411.00002", title="Chain of thought & {reasoning"), OLD]
    h.store.upsert_papers(ps)
    for p in ps:
        _press(h, encode(Payload(Action.SAVE, p.id, p.version, "en")), user="7")
    listed = asyncio.run(h.send("/saved", chat=ChatRef("telegram", "7")))
    assert "Chain of thought" in listed.text and "math/0309136" in listed.text
    exported = asyncio.run(h.send("/export bibtex", chat=ChatRef("telegram", "7")))
    assert exported.attachment is not None and exported.attachment.filename.endswith(".bib")
    library = bibtexparser.parse_string(exported.attachment.content)
    assert not library.failed_blocks
    by_eprint = {e.fields_dict["eprint"].value: e for e in library.entries}
    assert set(by_eprint) == {"2411.00002", "math/0309136"}
    knots = by_eprint["math/0309136"]
    assert knots.entry_type == "misc" and knots.fields_dict["archivePrefix"].value == "arXiv"
    assert knots.fields_dict["primaryClass"].value == "math.GT"
    assert knots.key == "picard2003knots"
    bad = asyncio.run(h.send("/export csv", chat=ChatRef("telegram", "7")))
    assert bad.is_error and "bibtex" in bad.text
    gone = asyncio.run(h.send("/unsave 2411.00002", chat=ChatRef("telegram", "7")))
    assert "Removed" in gone.text
    assert [f.base_id for f in h.store.saved_papers("telegram:7")] == ["math/0309136"]
    again = asyncio.run(h.send("/unsave 2411.00002", chat=ChatRef("telegram", "7")))
    assert "was not on your reading list" in again.text
    asyncio.run(h.send("/forget", chat=ChatRef("telegram", "7")))
    assert h.store.saved_papers("telegram:7") == []


def test_bibtex_escapes_specials_and_dedupes_keys() -> None:
    text = bibtex([paper("2411.00001", title="Same 100% #1"), paper("2411.00002",
                                                                   title="Same 100% #1")])
    library = bibtexparser.parse_string(text)
    assert [e.key for e in library.entries] == ["lovelace2024same", "lovelace2024samea"]
    assert r"100\%" in text and r"\#1" in text


def test_settings_style_is_stored_and_defaults_by_chat_type() -> None:
    from bot.services.destinations import destinations

    h = Harness()
    asyncio.run(h.send("/subscribe R1_Reasoning", chat=GROUP))
    asyncio.run(h.send("/subscribe R1_Reasoning"))
    styles = {d.chat.key: d.style for d in destinations(h.core.config, h.store)}
    assert styles == {GROUP.key: "compact", PRIVATE.key: "full"}
    said = asyncio.run(h.send("/settings style compact"))
    assert "compact" in said.text and not said.is_error
    bad = asyncio.run(h.send("/settings style huge"))
    assert bad.is_error and "compact or full" in bad.text
    styles = {d.chat.key: d.style for d in destinations(h.core.config, h.store)}
    assert styles[PRIVATE.key] == "compact"


def test_the_card_answer_carries_a_tldr_and_the_offline_card_makes_one() -> None:
    from bot.llm.fallback import extractive_card
    from bot.llm.parsing import parse_card

    text = parse_card('{"summary": "S.", "key_takeaways": ["a"], "tldr": " One\\n line ",'
                      ' "title_translation": null, "abstract_translation": "x"}', "zh", "m")
    assert text.tldr == "One line"
    assert extractive_card(paper(), "en").tldr == "We study reasoning."
