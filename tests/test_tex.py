"""TeX in arXiv text becomes Unicode a chat can show; prose around it is left alone."""

from __future__ import annotations

import re

import pytest

from bot.tex import tex_to_text
from tests.samples import all_sample_papers

TEX_LEFT = re.compile(r"\\[\"'`^~=.]|\\(?:emph|mathcal|mathbb|textbf|textit|frac|cite)\b")
UNESCAPED_DOLLAR = re.compile(r"(?<!\\)\$")


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        (r"$\Omega_c^0$ baryons", "Ω_c⁰ baryons"),
        ('Schr\\"odinger and {\\"o} and \\\'{e}t\\\'e', "Schrödinger and ö and été"),
        (r"\emph{x} and \textbf{all} and {\em y}", "x and all and y"),
        (r"$O(kn \log n)$", "O(kn log n)"),
        (r"$\mathcal{O}(n^2)$ and $x_{i+1}$ and H$_2$O", "𝒪(n²) and xᵢ₊₁ and H₂O"),
        (r"$\tilde{O}(\sqrt{T})$, $10^{-3}$, $\frac{1}{2}$", "Õ(√(T)), 10⁻³, 1/2"),
        (r"$a<b$ \& $c>d$, 50% of \url{https://x.org/a_b}", "a<b & c>d, 50% of https://x.org/a_b"),
        (r"costs $5 and $10, or $\sim$10%", "costs $5 and $10, or ∼10%"),
        (r"R1_Reasoning <b>x</b> & a~b", "R1_Reasoning <b>x</b> & a~b"),
        (r"our \ours{} model", "our ours model"),  # an unknown command keeps its name
        (r"$\lg^{2+\epsilon} n$", "lg^(2+ϵ) n"),  # a raised word would read badly
        (r"a bound of $\tilde\Theta(\sqrt{\log N} \cdot…", "a bound of Θ̃(√(log N) ·…"),
    ],
)
def test_tex_becomes_readable_unicode(source: str, shown: str) -> None:
    assert tex_to_text(source) == shown


def test_text_without_tex_is_returned_unchanged() -> None:
    for text in ("plain words", "a_b * c {d}", "~10% & <tags>"):
        assert tex_to_text(text) is text


def test_no_sample_keeps_tex_commands_or_math_dollars() -> None:
    for paper in all_sample_papers():
        for source in (paper.title, paper.abstract):
            shown = tex_to_text(source)
            assert TEX_LEFT.search(shown) is None, (source, shown)
            if len(UNESCAPED_DOLLAR.findall(source)) % 2 == 0 and "$" in shown:
                # only dollars the author wrote as dollars: amounts or `\$`
                assert re.search(r"\$\d|\\\$", source), (source, shown)
