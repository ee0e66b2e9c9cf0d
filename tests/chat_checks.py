"""What no chat message may show: TeX commands, accents as TeX, math dollars."""

from __future__ import annotations

import re

TEX_LEFT = re.compile(r"\\[\"'`^~]|\\(?:emph|mathcal|mathbb|mathrm|textbf|textit|frac|cite)\b")


def assert_no_tex(shown: str, *sources: str) -> None:
    """`shown` has no TeX left; a `$` is only an amount ("$5"), one the source escaped, or
    one a source left without its partner."""
    found = TEX_LEFT.search(shown)
    assert found is None, shown[max(0, found.start() - 80) : found.end() + 80]
    if not any("\\$" in s or s.count("$") % 2 for s in sources):
        stray = re.search(r"\$(?!\d)", shown)
        assert stray is None, shown[max(0, stray.start() - 80) : stray.end() + 80]
