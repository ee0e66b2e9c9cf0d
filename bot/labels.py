"""Words every renderer puts on a card, in the card's language (English as fallback).

Shared so Telegram, Discord and the console say the same things.
"""

from __future__ import annotations

from bot.models import CardText, QuietReason

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
        "title": "Title",
        "truncated": "shortened to fit; full text",
        "abstract_cut": "original abstract shortened to fit; full text",
        "continued": "cont.",
        "quiet_no_announcement": "arXiv has not announced new papers for these categories yet "
        "(there are no announcements on Fridays, Saturdays and arXiv holidays).",
        "quiet_no_match": "No new papers matched {topic} in this announcement.",
        "quiet_quiet_day": "arXiv did not announce new papers today (no announcements on "
        "Fridays, Saturdays and arXiv holidays).",
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
        "more_authors": "人",
        "omitted": "篇匹配论文未显示",
        "title": "标题",
        "truncated": "内容过长已截断,全文见",
        "abstract_cut": "原文摘要过长已截断,全文见",
        "continued": "续",
        "quiet_no_announcement": "arXiv 尚未发布这些分类的新论文(周五、周六及 arXiv 假日不发布)。",
        "quiet_no_match": "本次发布中没有与 {topic} 匹配的新论文。",
        "quiet_quiet_day": "arXiv 今天没有发布新论文(周五、周六及 arXiv 假日不发布)。",
    },
    "zh-tw": {
        "authors": "作者",
        "categories": "分類",
        "comment": "備註",
        "summary": "摘要總結",
        "takeaways": "要點",
        "title_translation": "標題",
        "abstract_translation": "摘要翻譯",
        "abstract": "原文摘要",
        "links": "連結",
        "offline": "離線摘要(未設定大語言模型):摘自原文摘要",
        "unavailable": "摘要暫不可用:語言模型未能回答,以下為原文摘要",
        "papers": "篇論文",
        "announced": "發布",
        "more_authors": "人",
        "omitted": "篇符合的論文未顯示",
        "title": "標題",
        "truncated": "內容過長已截斷,全文見",
        "abstract_cut": "原文摘要過長已截斷,全文見",
        "continued": "續",
        "quiet_no_announcement": "arXiv 尚未發布這些分類的新論文(週五、週六及 arXiv 假日不發布)。",
        "quiet_no_match": "本次發布中沒有與 {topic} 相符的新論文。",
        "quiet_quiet_day": "arXiv 今天沒有發布新論文(週五、週六及 arXiv 假日不發布)。",
    },
    "ja": {
        "authors": "著者",
        "categories": "分野",
        "comment": "コメント",
        "summary": "要約",
        "takeaways": "要点",
        "title_translation": "タイトル",
        "abstract_translation": "アブストラクト(翻訳)",
        "abstract": "原文アブストラクト",
        "links": "リンク",
        "offline": "オフライン要約(LLM 未設定):アブストラクトから抜粋",
        "unavailable": "要約を利用できません:言語モデルが応答しませんでした。"
        "原文アブストラクトを載せます",
        "papers": "件の論文",
        "announced": "公開",
        "more_authors": "名",
        "omitted": "件の該当論文は省略",
        "title": "タイトル",
        "truncated": "長すぎるため短縮しました。全文",
        "abstract_cut": "原文アブストラクトは長すぎるため短縮しました。全文",
        "continued": "続き",
        "quiet_no_announcement": "arXiv はこれらの分野の新しい論文をまだ公開していません"
        "(金曜・土曜と arXiv の休日は公開がありません)。",
        "quiet_no_match": "今回の公開には {topic} に合う新しい論文がありません。",
        "quiet_quiet_day": "arXiv は今日新しい論文を公開していません"
        "(金曜・土曜と arXiv の休日は公開がありません)。",
    },
}

NOTICES = {
    "en": "Summaries and translations are machine-generated and may contain errors: "
    "use them to pre-screen papers, not as a substitute for reading them.",
    "zh": "以下总结与翻译均由大语言模型生成,可能有误,仅供论文阅读前初筛,请勿用于严肃学术场景。",
    "zh-tw": "以下總結與翻譯均由大語言模型生成,可能有誤,僅供論文閱讀前初篩,請勿用於嚴肅學術場景。",
    "ja": "要約と翻訳は大規模言語モデルによる自動生成で、誤りを含むことがあります。"
    "論文を読む前の絞り込みに使い、本文の代わりにはしないでください。",
}


def _tables(language: str) -> list[dict[str, str]]:
    code = language.lower().replace("_", "-")
    return [t for c in (code, code.split("-")[0]) if (t := _LABELS.get(c))]


def label(language: str, key: str) -> str:
    """`key` in `language` ("zh", "zh-tw", "en-US"…), else English."""
    return next((t[key] for t in _tables(language) if key in t), _LABELS["en"][key])


def notice(language: str) -> str:
    """The machine-generated notice every card and digest carries."""
    code = language.lower().replace("_", "-")
    return NOTICES.get(code) or NOTICES.get(code.split("-")[0], NOTICES["en"])


def quiet_text(language: str, reason: QuietReason, topic: str) -> str:
    """Why a digest is empty, in the reader's language."""
    return label(language, f"quiet_{reason}").format(topic=topic)


def status_line(text: CardText) -> str | None:
    """The visible line that says a card is not an LLM summary, or None when it is."""
    if text.source == "offline":
        return label(text.language, "offline")
    if text.source == "unavailable":
        return label(text.language, "unavailable")
    return None
