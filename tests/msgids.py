"""Every msgid the code says, found by reading the source (what `pybabel extract` does, with
our call names): `tr`, `trn` (plural pairs), `N_`, `Message`, `UserError` (message and hint),
`usage_error`, and the command table's `CommandSpec` summaries and `ArgSpec` descriptions."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Positions of msgid arguments, by callee name; trn's two make one plural entry.
POSITIONS: dict[str, tuple[int, ...]] = {
    "tr": (1,), "N_": (0,), "Message": (0,), "UserError": (0, 1), "usage_error": (1,),
    "CommandSpec": (1,), "ArgSpec": (1,),
}
KEYWORDS: dict[str, tuple[str, ...]] = {"ArgSpec": ("missing",)}

# The operator's CLI speaks English; these files are another branch's to convert (their
# UserErrors still work, in English, through the same mechanism).
NOT_YET: set[str] = set()
SKIPPED_DIRS = ("bot/main/",)


@dataclass(frozen=True)
class Found:
    """One msgid (or singular/plural pair) and where it is said."""

    msgid: str | tuple[str, str]
    where: str


def source_files() -> list[Path]:
    files = sorted((ROOT / "bot").rglob("*.py")) + sorted((ROOT / "adapters").rglob("*.py"))
    out = []
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        if rel not in NOT_YET and not rel.startswith(SKIPPED_DIRS):
            out.append(path)
    return out


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _literals(node: ast.expr, where: str, bad: list[str]) -> Iterator[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body, where, bad)
        yield from _literals(node.orelse, where, bad)
    elif isinstance(node, ast.BoolOp):  # `arg.missing or "missing."`
        for value in node.values:
            yield from _literals(value, where, bad)
    elif isinstance(node, ast.JoinedStr | ast.BinOp):
        bad.append(f"{where}: a msgid must be a literal, not an f-string or expression")


def scan(paths: list[Path] | None = None) -> tuple[list[Found], list[str]]:
    """(every msgid found, every place a msgid is built at run time instead)."""
    found: list[Found] = []
    bad: list[str] = []
    for path in paths or source_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else path.name
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _name(node.func)
            where = f"{rel}:{node.lineno}"
            if name == "trn" and len(node.args) >= 3:
                one, many = node.args[1], node.args[2]
                if isinstance(one, ast.Constant) and isinstance(many, ast.Constant):
                    found.append(Found((one.value, many.value), where))
                else:
                    bad.append(f"{where}: trn needs literal msgids")
                continue
            for i in POSITIONS.get(name, ()):
                if i < len(node.args):
                    found += [Found(m, where) for m in _literals(node.args[i], where, bad)]
            for kw in node.keywords:
                if kw.arg in KEYWORDS.get(name, ()):
                    found += [Found(m, where) for m in _literals(kw.value, where, bad)]
    return [f for f in found if f.msgid], bad
