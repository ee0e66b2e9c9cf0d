"""LaTeXML HTML (what arXiv serves at /html/<id>) into numbered sections and the first figure.

LaTeXML marks every sectioning level as `<section class="ltx_section|ltx_subsection|…">` with
an `<hN class="ltx_title">` whose `<span class="ltx_tag">` holds the number. A section's text
is its own paragraphs; its subsections are sections of their own. The bibliography, the
table of contents and maths' alternative text are left out. A page without an
`ltx_document` article or without any section is an error page, not a paper.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from bot.fulltext.models import Figure, FullText, Section

_LEVELS = ("ltx_section", "ltx_subsection", "ltx_subsubsection", "ltx_appendix",
           "ltx_paragraph")
_SKIP = ("ltx_bibliography", "ltx_TOC", "ltx_page_footer", "ltx_authors")
MAX_CAPTION_CHARS = 1000


class NotAPaper(ValueError):
    """The page is an error page (no LaTeXML document or no sections in it)."""


def _classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").split())


def _text(element: etree._Element) -> str:
    """Visible text: maths as its TeX annotation when present, else its own text."""
    parts: list[str] = []
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        if node.tag == "math":
            tex = node.get("alttext")
            if tex:
                parts.append(f" ${tex}$ ")
            if node.tail:
                parts.append(node.tail)
            continue
        if any(a.tag == "math" for a in node.iterancestors()):
            continue
        if node.text:
            parts.append(node.text)
        if node.tail and node is not element:
            parts.append(node.tail)
    return " ".join("".join(parts).split())


def _heading(section: etree._Element) -> tuple[str, str]:
    title = next((h for h in section if isinstance(h.tag, str) and re.fullmatch(r"h[1-6]", h.tag)),
                 None)
    if title is None:
        return "", ""
    tag = title.find(".//span[@class]")
    number = ""
    if tag is not None and "ltx_tag" in _classes(tag):
        number = " ".join((tag.text_content() or "").split()).rstrip(".:")
        number = re.sub(r"^(?:Appendix|Section)\s+", "", number)
    full = " ".join(title.text_content().split())
    name = full[len(number):].strip(" .:") if full.startswith(number) else full
    return number, name


def _own_text(section: etree._Element) -> str:
    """The section's paragraphs, not those of its subsections (or figures' captions)."""
    texts = []
    for child in section:
        if not isinstance(child.tag, str):
            continue
        classes = _classes(child)
        if child.tag == "section" or re.fullmatch(r"h[1-6]", child.tag) or classes & set(_SKIP):
            continue
        text = _text(child)
        if text:
            texts.append(text)
    return "\n".join(texts)


def parse_sections(html: bytes | str) -> tuple[Section, ...]:
    """Every section with a title, in document order; raises NotAPaper for an error page."""
    root = lxml.html.fromstring(html)
    article = next(iter(root.xpath('//article[contains(@class, "ltx_document")]')), None)
    if article is None:
        raise NotAPaper("no LaTeXML document in the page")
    sections: list[Section] = []
    for element in article.iter("section"):
        classes = _classes(element)
        if classes & set(_SKIP) or not classes & set(_LEVELS):
            continue
        number, title = _heading(element)
        text = _own_text(element)
        if title and (text or number):
            sections.append(Section(number, title, text))
    if not any(s.text for s in sections):
        raise NotAPaper("the document has no sections with text")
    return tuple(sections)


def first_figure(html: bytes | str, page_url: str) -> Figure | None:
    """The first <figure> with an image: its absolute URL (relative to the page) and caption."""
    root = lxml.html.fromstring(html)
    for figure in root.iter("figure"):
        image = next((i for i in figure.iter("img") if i.get("src")), None)
        if image is None or (image.get("src") or "").startswith("data:"):
            continue
        caption = figure.find(".//figcaption")
        text = _text(caption) if caption is not None else ""
        url = urljoin(page_url.rstrip("/") + "/", image.get("src") or "")
        return Figure(url, text[:MAX_CAPTION_CHARS])
    return None


def read_html(html: bytes, page_url: str) -> FullText:
    """The page as a FullText; an error page is "abstract only", said so."""
    try:
        sections = parse_sections(html)
    except (NotAPaper, etree.ParserError):
        return FullText.abstract_only("error_page", page_url)
    return FullText("html", sections, first_figure(html, page_url), page_url=page_url)
