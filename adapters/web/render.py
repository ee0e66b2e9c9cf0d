"""The web's pure renderer: a reply or a digest as HTML fragments (`{"html": …}`), from the
same card template as the archive's pages. Autoescaped, so untrusted text stays text."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from adapters.web import paths
from adapters.web.archive import Entry
from adapters.web.pages import ENV, Labels
from adapters.web.words import words
from bot.card_view import MAX_AUTHORS, authors_line, card_view
from bot.labels import label, notice, quiet_text
from bot.models import Digest, PaperCard, Reply
from bot.ranking.reasons import ranking_footer, ranking_header


class WebRenderer:
    """Renders cards as `<article>` fragments; links to paper pages are relative to the
    site's root."""

    def card(self, card: PaperCard, with_notice: bool = True) -> str:
        view = card_view(card, with_notice)
        shown = {"view": view, "reason": Entry(card, view).reason,
                 "authors": authors_line(view, MAX_AUTHORS),
                 "permalink": paths.paper_page(card.paper.id)}
        lang = view.language
        module: Any = ENV.get_template("card.html").module
        html = module.card(shown, "", Labels(lang), words(lang), lang)
        if view.reason:
            html += Markup('<p class="reason">🎯 {}</p>').format(view.reason)
        if view.with_notice:
            html += Markup('<p class="notice">{}</p>').format(notice(lang))
        return str(html)

    def reply(self, reply: Reply) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if reply.text:
            out.append({"html": str(Markup("<p>{}</p>").format(reply.text))})
        out += [{"html": self.card(c)} for c in reply.cards]
        for digest in reply.digests:
            out += self.digest(digest)
        return out or [{"html": ""}]

    def digest(self, digest: Digest) -> list[dict[str, Any]]:
        lang = digest.language
        if not digest.cards:
            reason = quiet_text(lang, digest.quiet or "no_match", digest.topic)
            return [{"html": str(Markup("<p>{}</p>").format(reason))}]
        day = digest.announced.isoformat() if digest.announced else ""
        count = ranking_header(digest) or f"{len(digest.cards)} {label(lang, 'papers')}"
        head = Markup("<h1>{} {}</h1><p>{} · {}</p><p class=\"notice\">{}</p>").format(
            day, words(lang)["updated"], digest.topic, count, notice(lang))
        if footer := ranking_footer(digest):
            head += Markup('<p class="ranking">{}</p>').format(footer)
        cards = "".join(self.card(c, with_notice=False) for c in digest.cards)
        return [{"html": str(head) + cards}]
