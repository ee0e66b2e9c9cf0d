"""A command's arguments parsed once, from Telegram-style text or a platform's named options,
into typed values handlers read without splitting anything."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import TypeVar, cast

from bot.commands.kinds import ParseContext, Setting, accepts, clean, from_reply, parse_value
from bot.commands.parsing import assign_words, usage_error
from bot.commands.specs import ArgKind, ArgSpec, CommandSpec
from bot.errors import UserError
from bot.models import IncomingCommand

T = TypeVar("T")


class Args(Mapping[str, object]):
    """The typed values of one command's arguments, by name; absent ones are missing."""

    def __init__(self, values: Mapping[str, object] | None = None) -> None:
        self._values = MappingProxyType(dict(values or {}))

    def __getitem__(self, name: str) -> object:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Args({dict(self._values)!r})"

    def get_as(self, name: str, kind: type[T]) -> T | None:
        """The value of `name` if given, checked to be a `kind`."""
        value = self._values.get(name)
        if value is not None and not isinstance(value, kind):
            raise TypeError(f"argument {name} is {type(value).__name__}, not {kind.__name__}")
        return cast("T | None", value)

    def need(self, name: str, kind: type[T]) -> T:
        """The value of an argument the router guarantees (required or from a reply)."""
        value = self.get_as(name, kind)
        if value is None:
            raise KeyError(name)
        return value


def parse_args(spec: CommandSpec, cmd: IncomingCommand, ctx: ParseContext) -> Args:
    """Parse `cmd`'s arguments for `spec`: named options if the platform has them, else text."""
    if cmd.options is not None:
        raw = {name: value for name, value in cmd.options if value.strip()}
        unknown = set(raw) - {a.name for a in spec.args}
        if unknown:
            raise usage_error(spec, "Unknown option {option}.", option=", ".join(sorted(unknown)))
    else:
        raw = assign_words(
            spec, cmd.args, cmd.replied_text is not None,
            lambda kind, text: accepts(kind, text, ctx),
        )
    values: dict[str, object] = {}
    for arg in spec.args:
        text = raw.get(arg.name)
        if text is None and arg.from_reply and cmd.replied_text:
            text = from_reply(arg.kind, cmd.replied_text)
        if text is None or not clean(arg.kind, text):
            if arg.required or arg.from_reply:
                raise usage_error(spec, arg.missing or "missing.", arg)
            continue
        values[arg.name] = _parse_one(spec, arg, text, values, ctx)
    return Args(values)


def _parse_one(
    spec: CommandSpec, arg: ArgSpec, text: str, earlier: Mapping[str, object], ctx: ParseContext
) -> object:
    kind, label = arg.kind, arg.name
    if kind is ArgKind.SETTING_VALUE:
        setting = next((v for v in earlier.values() if isinstance(v, Setting)), None)
        if setting is None:
            raise usage_error(spec, "Name the setting first, e.g. /settings time 08:30.", arg)
        kind, label = setting.value_kind, setting.value
    try:
        return parse_value(kind, text, ctx)
    except UserError as exc:
        raise exc.with_usage(label, spec.usage) from None
