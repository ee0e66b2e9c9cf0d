"""The message catalogue: every msgid the code says has a translation in every interface
language, with the same placeholders, and every command answers in the chat's language."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime

import pytest
from babel.messages.pofile import read_po

from bot.commands.specs import COMMANDS
from bot.i18n import INTERFACE_LANGUAGES, interface_language, tr
from bot.i18n.catalog import po_path
from bot.labels import quiet_text
from bot.models import ChatRef, IncomingCommand
from tests.msgids import scan
from tests.test_commands import GROUP, Harness

FOUND, BUILT_AT_RUN_TIME = scan()
MSGIDS = sorted({f.msgid if isinstance(f.msgid, str) else f.msgid[0] for f in FOUND})
HAN_OR_KANA = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def _catalog(language: str) -> dict[str, tuple[str, ...]]:
    with po_path(language).open("rb") as fp:
        catalog = read_po(fp)
    out = {}
    for message in catalog:
        if message.id:
            key = message.id if isinstance(message.id, str) else message.id[0]
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            out[key] = tuple(strings)
    return out


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_scan_finds_the_messages_and_no_msgid_is_built_at_run_time() -> None:
    assert not BUILT_AT_RUN_TIME
    assert "Something went wrong (ref {ref}). Please try again later." in MSGIDS
    assert all(c.summary in MSGIDS for c in COMMANDS)
    assert len(MSGIDS) > 150


@pytest.mark.parametrize("language", list(INTERFACE_LANGUAGES))
def test_every_msgid_has_a_translation_with_the_same_placeholders(language: str) -> None:
    catalog = _catalog(language)
    missing = [m for m in MSGIDS if not all(catalog.get(m, ("",)))]
    assert not missing, f"{language} lacks {len(missing)} messages, e.g. {missing[:3]}"
    for msgid in MSGIDS:
        for translated in catalog[msgid]:
            assert _fields(translated) == _fields(msgid), (language, msgid, translated)


def test_the_scan_catches_a_message_missing_from_a_catalogue(tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "new.py"
    source.write_text('tr(lang, "A sentence nobody translated.")\nUserError(f"x {y}")\n')
    found, bad = scan([source])
    assert [f.msgid for f in found] == ["A sentence nobody translated."]
    assert "A sentence nobody translated." not in _catalog("zh") and len(bad) == 1


def test_chinese_catalogues_say_chinese() -> None:
    for language in ("zh", "zh-tw", "ja"):
        catalog = _catalog(language)
        said = [m for m in MSGIDS if HAN_OR_KANA.search(catalog[m][0])]
        # Only words that stay as written (", ") may lack CJK characters.
        assert len(said) >= len(MSGIDS) - 2, language


def test_unsupported_languages_fall_back_to_english() -> None:
    assert interface_language("ko") == "en" and interface_language("zh-Hant-TW") == "zh-tw"
    assert interface_language("zh-TW") == "zh-tw" and interface_language("ja-JP") == "ja"
    assert tr("ko", "Done.") == "Done." and tr("zh", "Done.") == "完成。"


def test_a_translation_with_a_broken_placeholder_falls_back_to_english(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot.i18n import catalog

    broken = catalog.translations("zh")
    monkeypatch.setattr(broken, "_catalog", {**broken._catalog, "Done.": "完成 {oops}"})  # type: ignore[attr-defined]
    assert tr("zh", "Done.") == "Done."


def test_a_holiday_notice_names_the_holiday_in_the_readers_language() -> None:
    thanksgiving = datetime(2025, 11, 28, 13, tzinfo=UTC)  # Friday morning, after the skip
    assert quiet_text("zh", "quiet_day", "R1", thanksgiving) == "arXiv 今天不发布新论文:感恩节。"
    assert quiet_text("en", "quiet_day", "R1", thanksgiving).endswith(": Thanksgiving.")
    saturday = datetime(2025, 11, 22, 13, tzinfo=UTC)
    assert quiet_text("ja", "quiet_day", "R1", saturday).startswith("arXiv は今日新しい論文")


# Every command, as a new user with each client language, through the real router.
LINES = {
    "start": "/start", "help": "/help", "summarize": "/summarize 1706.03762",
    "translate": "/translate Guten Morgen", "topics": "/topics",
    "subscribe": "/subscribe R1_Reasoning", "unsubscribe": "/unsubscribe all",
    "subscriptions": "/subscriptions", "settings": "/settings time 08:30",
    "digest": "/digest", "pause": "/pause", "resume": "/resume", "forget": "/forget",
    "usage": "/usage",  # issue 15
    "saved": "/saved", "unsave": "/unsave 1706.03762", "export": "/export bibtex",  # issue 11
    "follow": "/follow Yann LeCun", "unfollow": "/unfollow Y. LeCun", "following": "/following",
    "seed": "/seed 1706.03762",
}
ERRORS = ["/summarize abc", "/settings colour blue", "/subscribe cs.XYZ", "/summarise x",
          "/unsubscribe nothing", "/settings timezone Mars/Olympus", "/translate", "/subscribe",
          "/follow", "/follow " + "x" * 300, "/unfollow Nobody", "/seed 9999.99999"]


def test_the_table_of_lines_covers_every_command() -> None:
    assert set(LINES) == {c.name for c in COMMANDS}


@pytest.mark.parametrize(("locale", "chinese"), [("zh-hans", True), ("en", False)])
async def test_every_reply_and_error_is_in_the_clients_language(
    locale: str, chinese: bool
) -> None:
    bot = Harness()
    for name, line in LINES.items():
        if name == "digest":
            await bot.send("/subscribe R1_Reasoning", locale=locale)
        reply = await bot.send(line, locale=locale)
        text = reply.text or "".join(d.topic for d in reply.digests) or "card"
        if reply.text:
            assert bool(HAN_OR_KANA.search(reply.text)) is chinese, (line, reply.text)
        assert not reply.is_error, (line, text)
    for line in ERRORS:
        reply = await Harness().send(line, locale=locale)
        assert reply.is_error and bool(HAN_OR_KANA.search(reply.text)) is chinese, reply.text
    refused = await Harness().send("/subscribe R1_Reasoning", chat=GROUP, admin=False,
                                   locale=locale)
    assert bool(HAN_OR_KANA.search(refused.text)) is chinese, refused.text


async def test_settings_lang_ja_switches_the_interface() -> None:
    bot = Harness()
    assert (await bot.send("/pause", locale="zh-hans")).text.startswith("每日推送已暂停")
    switched = await bot.send("/settings lang ja", locale="zh-hans")
    assert switched.text == "言語を日本語に設定しました。"
    assert (await bot.send("/resume", locale="zh-hans")).text == "毎日の配信を再開しました。"
    unknown = await bot.router.handle(IncomingCommand("nope", "", ChatRef("telegram", "42"), "7"))
    assert unknown.text.startswith("不明なコマンド /nope。")
