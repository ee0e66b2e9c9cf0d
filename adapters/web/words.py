"""The site's own words (page furniture); a card's labels and notice come from bot.labels.

Kept to the few phrases only the web archive says, in the languages the cards speak best;
any other language falls back to English.
"""

from __future__ import annotations

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "updated": "update",
        "topics": "Topics",
        "days": "Days",
        "months": "By month",
        "latest": "latest",
        "papers": "papers",
        "feeds": "Feeds",
        "atom": "Atom",
        "json": "JSON Feed",
        "permalink": "permalink",
        "newer": "newer",
        "older": "older",
        "page": "page",
        "index": "All topics",
        "appeared": "In the digests",
        "reason": "Why it is here",
        "not_found": "Page not found",
        "not_found_text": "There is no page at this address. The archive starts here:",
        "description": "Daily arXiv digests with summaries, key takeaways and translations",
        "empty": "No digest has been published yet.",
    },
    "zh": {
        "updated": "更新",
        "topics": "主题",
        "days": "日期",
        "months": "按月归档",
        "latest": "最新",
        "papers": "篇论文",
        "feeds": "订阅源",
        "atom": "Atom",
        "json": "JSON Feed",
        "permalink": "永久链接",
        "newer": "较新",
        "older": "较早",
        "page": "页",
        "index": "全部主题",
        "appeared": "所在日报",
        "reason": "入选理由",
        "not_found": "页面不存在",
        "not_found_text": "此地址没有页面。从这里开始浏览:",
        "description": "每日 arXiv 论文速览:摘要总结、要点与翻译",
        "empty": "尚未发布任何日报。",
    },
}


def words(language: str) -> dict[str, str]:
    """Every site phrase in `language` ("zh", "zh-TW", "en-US"…), English where missing."""
    code = language.lower().replace("_", "-")
    own = _WORDS.get(code) or _WORDS.get(code.split("-")[0]) or {}
    return _WORDS["en"] | own
