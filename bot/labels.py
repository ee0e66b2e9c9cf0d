"""Words every renderer puts on a card, in the card's language (English as fallback).

Shared so Telegram, Discord and the console say the same things.
"""

from __future__ import annotations

from bot.models import CardText

_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "authors": "Authors",
        "categories": "Categories",
        "comment": "Comment",
        "summary": "Summary",
        "takeaways": "Key Takeaways",
        "title_translation": "Title",
        "abstract_translation": "Abstract (translated)",
        "abstract": "Abstract",
        "links": "Links",
        "offline": "offline summary (no LLM configured): extracted from the abstract",
        "unavailable": "summary unavailable: the language model did not answer; "
        "the original abstract follows",
        "papers": "papers",
        "announced": "announced",
        "more_authors": "more",
        "omitted": "more matching papers not shown",
    },
    "zh": {
        "authors": "作者",
        "categories": "分类",
        "comment": "备注",
        "summary": "摘要总结",
        "takeaways": "要点",
        "title_translation": "标题",
        "abstract_translation": "摘要翻译",
        "abstract": "原文摘要",
        "links": "链接",
        "offline": "离线摘要(未配置大语言模型):摘自原文摘要",
        "unavailable": "摘要暂不可用:语言模型未能回答,以下为原文摘要",
        "papers": "篇论文",
        "announced": "发布",
        "more_authors": "等",
        "omitted": "篇匹配论文未显示",
    },
}

NOTICES = {
    "en": "Summaries and translations are machine-generated and may contain errors: "
    "use them to pre-screen papers, not as a substitute for reading them.",
    "zh": "以下总结与翻译均由大语言模型生成,可能有误,仅供论文阅读前初筛,请勿用于严肃学术场景。",
}


def label(language: str, key: str) -> str:
    return _LABELS.get(language.split("-")[0], _LABELS["en"]).get(key) or _LABELS["en"][key]


def notice(language: str) -> str:
    return NOTICES.get(language.split("-")[0], NOTICES["en"])


def status_line(text: CardText) -> str | None:
    """The visible line that says a card is not an LLM summary, or None when it is."""
    if text.source == "offline":
        return label(text.language, "offline")
    if text.source == "unavailable":
        return label(text.language, "unavailable")
    return None


def short_authors(authors: tuple[str, ...], language: str, keep: int = 10) -> str:
    if len(authors) <= keep:
        return ", ".join(authors)
    rest = len(authors) - keep
    return f"{', '.join(authors[:keep])} … +{rest} {label(language, 'more_authors')}"
