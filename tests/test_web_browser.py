"""The archive in a real headless Chromium (Debian's, driven by Playwright; no browser is
downloaded): a reader follows index → topic → day → paper and sees text, never raw TeX or
tags, and a hostile title shown as text. Saves the day page's screenshot README shows."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from adapters.web.config import WebConfig
from adapters.web.site import build_site
from tests.conftest import ROOT
from tests.web_archive import HOSTILE_TITLE, LLM_MARKUP, TOPIC, filled_store

CHROMIUM = os.environ.get("PAPERBOT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOT = ROOT / "docs" / "site-day.png"

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"no Chromium at {CHROMIUM}: `apt-get install chromium` (.ci/run does)",
)


def _assert_reads_clean(text: str) -> None:
    """What a reader sees has no TeX and no markup."""
    assert not re.search(r"\$[^$\s][^$]*\$|\\[a-zA-Z]+\{?", text), text[:500]
    assert not re.search(r"</?(b|i|em|p|div|span)>", text), text[:500]


def test_reader_follows_index_topic_day_paper(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    store = filled_store(days=3, per_day=3)
    site = tmp_path / "site"
    build_site(site, (TOPIC,), store, store, WebConfig(title="paperbot archive"), "zh")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 820, "height": 1100})
            dialogs: list[str] = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto((site / "index.html").as_uri())
            assert page.title() == "paperbot archive"
            page.get_by_role("link", name="R1_Reasoning").first.click()
            assert "R1_Reasoning" in page.locator("h1").inner_text()
            page.get_by_role("link", name="2026-03-25 更新").click()
            assert page.locator("h1.day").inner_text() == "2026-03-25 更新"
            body = page.locator("main").inner_text()
            _assert_reads_clean(body.replace(HOSTILE_TITLE, "").replace(LLM_MARKUP, ""))
            assert HOSTILE_TITLE in body  # shown as text, not run or parsed
            assert "O(n log n)" in body and "摘要总结" in body and "要点" in body
            assert "以下总结与翻译均由大语言模型生成" in page.locator("footer").inner_text()
            assert page.locator("script").count() == 0 and not dialogs
            assert page.locator("ol.takeaways").first.locator("li").count() == 3
            page.locator("details.abstract summary").nth(1).click()  # open the original
            assert "Schrödinger" in page.locator("details.abstract[open]").first.inner_text()
            page.get_by_role("link", name="较早 →").click()
            assert page.locator("h1.day").inner_text() == "2026-03-24 更新"
            page.screenshot(path=str(tmp_path / "day.png"), full_page=False)
            page.locator("a", has_text="永久链接").nth(1).click()
            assert page.url.endswith(".html") and "/papers/" in page.url
            paper = page.locator("main").inner_text()
            assert "Scaling reasoning with O(n log n) search, part 1" in page.title()
            _assert_reads_clean(paper.replace(LLM_MARKUP, ""))
            assert "We study reasoning in 𝒪(n²) time on day 2026-03-24" in paper  # open here
        finally:
            browser.close()
    SCREENSHOT.parent.mkdir(exist_ok=True)
    shutil.copyfile(tmp_path / "day.png", SCREENSHOT)
