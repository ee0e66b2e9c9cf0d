"""TeX in titles, abstracts and LLM text as Unicode a chat or a terminal can show.

arXiv metadata is plain text sprinkled with TeX (`$\\Omega_c^0$`, `Schr\\"odinger`,
`\\emph{x}`), and a chat shows TeX as noise. Renderers call `tex_to_text` before escaping for
their platform; the JSON output and the store keep the raw text.

Only the TeX pieces go through pylatexenc: the rest of an abstract is prose in which `%`, `&`,
`~` and a lone `$` mean themselves, and parsing it all would be ten times slower.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from pylatexenc import latexwalker, macrospec
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

__all__ = ["tex_to_text"]

log = logging.getLogger(__name__)

# Inline math, except dollar amounts: in "costs $5 and $10, or $\\sim$10" only `$\\sim$` is
# math (a span opening on a digit may not end on a space or close before a digit).
_MATH = (r"\$\$.+?\$\$|\$(?!\$)(?:(?=\d)(?:[^$\\]|\\.)+?(?<!\s)\$(?!\d)|(?!\d)(?:[^$\\]|\\.)+?\$)"
         r"|\\\(.+?\\\)|\\\[.+?\\\]")
# A command with its brace arguments (nested one level deep) or the commands right after it
# (`\\tilde\\Theta`), an accent or escaped symbol, or a brace group that starts with a
# command (`{\"o}`).
_GROUP = r"\{(?:[^{}]|\{[^{}]*\})*\}"
_COMMAND = (
    rf"\\[A-Za-z]+\*?(?:\s*(?:\[[^\]{{}}]*\])?{_GROUP}|\\[A-Za-z]+)*"
    rf"|\\[`'^\"~=.uvHc](?:\{{[A-Za-z]?\}}|\\?[A-Za-z])"
    rf"|\\[^A-Za-z\s]|\{{\\[^{{}}]*\}}"
)
# A dollar that opens no math and starts no amount is TeX's math shift left without its
# partner (a cut-off sentence): it is dropped.
_PIECE = re.compile(rf"{_MATH}|{_COMMAND}|\$(?!\d)", re.DOTALL)
_SCRIPT = re.compile(r"([_^])\s*(\{([^{}]*)\}|\\[A-Za-z]+|[^\s\\{}])")
_PROSE_SPECIAL = re.compile(r"(?<!\\)([%&#])")

_SUPER = dict(zip("0123456789+-=()niaeoxhklmnpstijrsuvwyzABDEGHIJKLMNOPRTUVW",
                  "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵃᵉᵒˣʰᵏˡᵐⁿᵖˢᵗⁱʲʳˢᵘᵛʷʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ",
                  strict=True))
_SUB = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ",
                strict=True))
_PRIMES = {"'", "′", "″", "‴", "*", "∗", "†", "‡", "⊤", "⊥", "∘"}


def _unknown_macro(node: macrospec.LatexMacroNode, l2tobj: LatexNodes2Text) -> str:
    """A command pylatexenc does not know (`\\ours`) keeps its name rather than vanishing."""
    args = node.nodeargd.argnlist if node.nodeargd else []
    inner = "".join(l2tobj.nodelist_to_text([a]) for a in args if a is not None)
    return inner or node.macroname


def _converter() -> tuple[latexwalker.LatexContextDb, LatexNodes2Text]:
    parse_db = latexwalker.get_default_latex_context_db()
    parse_db.add_context_category("paperbot", prepend=True, macros=[
        macrospec.MacroSpec("href", "{{"), macrospec.MacroSpec("url", "{"),
        macrospec.MacroSpec("texttt", "{"), macrospec.MacroSpec("textsc", "{"),
        macrospec.MacroSpec("footnote", "{"), macrospec.MacroSpec("sqrt", "[{"),
    ])
    text_db = get_default_latex_context_db()
    text_db.add_context_category("paperbot", prepend=True, macros=[
        MacroTextSpec("href", simplify_repl="%(2)s (%(1)s)"),
        MacroTextSpec("url", simplify_repl="%s"),
        MacroTextSpec("texttt", simplify_repl="%s"),
        MacroTextSpec("textsc", simplify_repl="%s"),
        MacroTextSpec("footnote", simplify_repl=" (%s)"),
        MacroTextSpec("cite", simplify_repl="[…]"),
    ])
    text_db.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=_unknown_macro))
    return parse_db, LatexNodes2Text(latex_context=text_db, math_mode="text",
                                     strict_latex_spaces="based-on-source")


_PARSE_DB, _L2T = _converter()
# pylatexenc logs a warning for every malformed `\frac` in an abstract: not news to anyone.
logging.getLogger("pylatexenc").setLevel(logging.ERROR)


def _latex(source: str) -> str:
    walker = latexwalker.LatexWalker(source, latex_context=_PARSE_DB, tolerant_parsing=True)
    nodes, _, _ = walker.get_latex_nodes()
    return str(_L2T.nodelist_to_text(nodes))


def _symbols() -> dict[str, str]:
    """Commands that take no argument and stand for a fixed text (`\\alpha` → α)."""
    out: dict[str, str] = {}
    for spec in get_default_latex_context_db().iter_macro_specs():
        repl, parse = spec.simplify_repl, _PARSE_DB.get_macro_spec(spec.macroname)
        if (isinstance(repl, str) and "%" not in repl and spec.macroname != "today"
                and (parse is None or not getattr(parse.args_parser, "argspec", ""))):
            out[spec.macroname] = repl
    return out


_SYMBOLS = _symbols()
_MATH_TOKEN = re.compile(
    r"\\[A-Za-z]+\*?(?:\s*\{[^{}]*\})+|\\[A-Za-z]+|\\.|[{}~%&#\\]", re.DOTALL
)
_SIZING = re.compile(r"\\(?:left|right|[bB]igg?[lr]?)\b")
_MATH_ESCAPES = {"\\{": "{", "\\}": "}", "\\%": "%", "\\&": "&", "\\#": "#", "\\_": "_",
                 "\\$": "$", "\\|": "‖", "\\,": " ", "\\;": " ", "\\:": " ", "\\ ": " ",
                 "\\!": "", "~": " "}


def _simple_math(body: str) -> str | None:
    """Math of letters, operators and symbol commands, without pylatexenc's parser (ten
    times faster, and most of what abstracts hold); None when it needs the parser."""
    out: list[str] = []
    last = 0
    for match in _MATH_TOKEN.finditer(body):
        token = match.group()
        if token.endswith("}") and token.startswith("\\"):
            repl: str | None = _command(token)  # `\\mathbb{R}`: cached on its own
        elif _SIZING.fullmatch(token):
            repl = ""
        else:
            repl = _MATH_ESCAPES.get(token, _SYMBOLS.get(token[1:]) if token[0] == "\\" else None)
        if repl is None:
            return None
        out += [body[last : match.start()], repl]
        last = match.end()
    return "".join([*out, body[last:]])


@lru_cache(maxsize=32768)
def _command(token: str) -> str:
    return _parsed(token)


def _script(match: re.Match[str]) -> str:
    """`^{2}` → `²`, `_{ij}` → `ᵢⱼ`; what Unicode cannot raise or lower keeps its mark."""
    mark, arg, group = match.group(1), match.group(2), match.group(3)
    inner = _math(group if group is not None else arg)
    if mark == "^" and inner in _PRIMES:
        return inner
    table = _SUPER if mark == "^" else _SUB
    # Raised words read badly (`lgᵉᵖˢ`): only short or numeric scripts are raised.
    short = len(inner) <= 3 or not any(c.isalpha() for c in inner)
    if inner and short and all(c in table for c in inner):
        return "".join(table[c] for c in inner)
    return f"{mark}({inner})" if len(inner) > 1 else f"{mark}{inner}"


@lru_cache(maxsize=32768)
def _math(body: str) -> str:
    """A math span's content as one line of text."""
    body = _SCRIPT.sub(_script, body)
    simple = _simple_math(body)
    return " ".join((simple if simple is not None else _parsed(body)).split())


_PLAIN_ARG = r"([^{}\\$%&#~]*)"
_FONT = re.compile(
    rf"\\(?:emph|text(?:it|bf|rm|sf|tt|sc|up|sl)?|math(?:rm|it)|mbox)\{{{_PLAIN_ARG}\}}"
    rf"|\{{\\(?:em|it|bf|sc|tt|rm|sf|sl)\s+{_PLAIN_ARG}\}}"
)


@lru_cache(maxsize=32768)
def _piece(source: str) -> str:
    """One math span or command as text; cached since abstracts repeat their notation."""
    if source.startswith("$"):
        return _math(source.strip("$"))
    if source.startswith(("\\(", "\\[")):
        return _math(source[2:-2])
    if (font := _FONT.fullmatch(source)) is not None:  # most commands in abstracts
        return font.group(1) if font.group(1) is not None else font.group(2)
    if (symbol := _SYMBOLS.get(source[1:])) is not None:
        return symbol
    return _parsed(source).replace("\n", " ")


def _parsed(body: str) -> str:
    try:
        return _latex(_PROSE_SPECIAL.sub(r"\\\1", body))
    except Exception:  # pylatexenc gives up on some malformed input: show it bare
        log.debug("TeX left as text: %r", body, exc_info=True)
        return re.sub(r"\\([A-Za-z]+)", r"\1", body).replace("\\", "").replace("$", "")


def tex_to_text(value: str) -> str:
    """`value` with its TeX as Unicode: `$O(kn \\log n)$` → `O(kn log n)`, `\\"o` → `ö`.

    Prose, URLs and a lone `$` are untouched; text without a backslash or a dollar is
    returned as is.
    """
    if "\\" not in value and "$" not in value:
        return value
    return _PIECE.sub(lambda m: _piece(m.group()), value)
