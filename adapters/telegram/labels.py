"""Fixed words on a card, in the card's language; anything missing falls back to English."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "summary": "Summary",
        "takeaways": "Key Takeaways",
        "title": "Title",
        "abstract": "Abstract",
        "translated_abstract": "Translated abstract",
        "offline": "offline summary (no LLM configured)",
        "unavailable": "summary unavailable",
        "more": "more",
        "papers": "papers",
        "omitted": "more matched but were left out (topic limit)",
        "truncated": "shortened to fit Telegram; full text",
        "announced": "announced",
        "pdf": "PDF",
    },
    "zh": {
        "summary": "摘要总结",
        "takeaways": "要点",
        "title": "标题",
        "abstract": "原文摘要",
        "translated_abstract": "摘要翻译",
        "offline": "离线摘要（未配置 LLM）",
        "unavailable": "摘要暂不可用",
        "more": "人",
        "papers": "篇论文",
        "omitted": "篇匹配的论文因主题上限未列出",
        "truncated": "内容过长已截断，全文见",
        "announced": "发布",
        "pdf": "PDF",
    },
    "zh-tw": {
        "summary": "摘要總結",
        "takeaways": "要點",
        "title": "標題",
        "abstract": "原文摘要",
        "translated_abstract": "摘要翻譯",
        "offline": "離線摘要（未設定 LLM）",
        "unavailable": "摘要暫不可用",
        "more": "人",
        "papers": "篇論文",
        "omitted": "篇符合的論文因主題上限未列出",
        "truncated": "內容過長已截斷，全文見",
        "announced": "發布",
    },
}


def label(key: str, language: str) -> str:
    """The label for `key` in `language` (e.g. "zh", "zh-TW", "en-US"), else English."""
    code = language.lower().replace("_", "-")
    for candidate in (code, code.split("-")[0]):
        table = LABELS.get(candidate)
        if table and key in table:
            return table[key]
    return LABELS["en"][key]
