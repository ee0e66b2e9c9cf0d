"""The text a Summary or Abstract button answers with: plain text the adapters escape."""

from __future__ import annotations

from bot.labels import label, status_line
from bot.models import CardText, Paper


def _head(paper: Paper, text: CardText) -> list[str]:
    lines = [paper.title]
    if text.title_translation and text.title_translation != paper.title:
        lines.append(text.title_translation)
    lines.append(f"arXiv:{paper.id}v{paper.version} · {paper.links.abs}")
    return lines


def summary_text(paper: Paper, text: CardText, ui: str) -> str:
    """Title, summary and numbered takeaways; a card without a summary says why and gives
    the abstract instead."""
    lang = text.language or ui
    parts = ["\n".join(_head(paper, text))]
    if text.summary:
        parts.append(f"{label(lang, 'summary')}:\n{text.summary}")
    if text.key_takeaways:
        numbered = "\n".join(f"{i}. {k}" for i, k in enumerate(text.key_takeaways, 1))
        parts.append(f"{label(lang, 'takeaways')}:\n{numbered}")
    status = status_line(text)
    if status:
        parts.append(f"ℹ️ {status}")
    if not text.summary:
        parts.append(f"{label(lang, 'abstract')}:\n{paper.abstract}")
    return "\n\n".join(parts)


def abstract_text(paper: Paper, text: CardText, ui: str) -> str:
    """Title, the translated abstract (when there is one) and the original."""
    lang = text.language or ui
    parts = ["\n".join(_head(paper, text))]
    if text.abstract_translation:
        parts.append(f"{label(lang, 'abstract_translation')}:\n{text.abstract_translation}")
    parts.append(f"{label(lang, 'abstract')}:\n{paper.abstract}")
    return "\n\n".join(parts)
