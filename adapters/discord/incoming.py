"""Slash commands built from the one command table (bot.commands.specs.COMMANDS).

discord.py derives options from a callback's signature, so each command gets a generic
callback whose `__signature__` lists the ArgSpecs: names, descriptions, required flags and
autocomplete all come from the table and cannot drift from /help or Telegram's menu.
Descriptions are `locale_str`s the tree's `CatalogueTranslator` says in each Discord locale
the catalogue speaks (`description_localizations`).
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

import discord
from discord import app_commands

from bot.commands.specs import COMMANDS, ArgSpec, CommandSpec
from bot.i18n import tr
from bot.models import ChatRef
from bot.ports import Completer

OnCommand = Callable[[discord.Interaction, CommandSpec, dict[str, Any]], Awaitable[None]]
"""Called with the interaction, its spec and the option values by name."""

MAX_CHOICES = 25  # Discord's limit on autocomplete suggestions
MAX_CHOICE_LEN = 100
MAX_DESCRIPTION = 100  # Discord's limit for command and option descriptions

# Discord locales the catalogue speaks; English is the commands' own language.
LOCALES: dict[discord.Locale, str] = {
    discord.Locale.chinese: "zh",
    discord.Locale.taiwan_chinese: "zh-tw",
    discord.Locale.japanese: "ja",
}


class CatalogueTranslator(app_commands.Translator):
    """Says command and option descriptions in every Discord locale the catalogue speaks."""

    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        language = LOCALES.get(locale)
        msgid = string.extras.get("msgid")
        if language is None or msgid is None:
            return None
        return tr(language, msgid)[:MAX_DESCRIPTION]


def described(msgid: str) -> app_commands.locale_str:
    """A description in English (the default Discord shows), translatable by its msgid."""
    return app_commands.locale_str(tr("en", msgid)[:MAX_DESCRIPTION], msgid=msgid)


def chat_of(interaction: discord.Interaction) -> ChatRef:
    """Where the interaction happened. A DM is keyed by the user's id, as outbox DMs are,
    so a subscription made in a DM is delivered by `send()` to the same person."""
    if interaction.guild_id is None:
        return ChatRef("discord", str(interaction.user.id), is_private=True)
    return ChatRef("discord", str(interaction.channel_id), is_private=False)


def required(arg: ArgSpec) -> bool:
    """A slash command cannot reply to a message, so what a reply could supply must be given:
    `/translate lang:zh` alone would otherwise translate the word "zh"."""
    return arg.required or arg.from_reply


def named_options(spec: CommandSpec, values: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The options the user gave, by name: the core parses each by its kind and never
    guesses which word of a line is a language (text "Bonjour de" without lang is all text)."""
    return tuple((a.name, str(values[a.name]).strip()) for a in spec.args
                 if values.get(a.name) is not None)


def slash_command(spec: CommandSpec, on_command: OnCommand,
                  complete: Completer) -> app_commands.Command[Any, ..., None]:
    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        await on_command(interaction, spec, values)

    parameters = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                    annotation=discord.Interaction)]
    autocomplete: dict[str, Any] = {}
    for arg in spec.args:
        parameters.append(inspect.Parameter(
            arg.name, inspect.Parameter.KEYWORD_ONLY,
            annotation=str, default=inspect.Parameter.empty if required(arg) else None,
        ))
        if arg.choices:
            autocomplete[arg.name] = _autocompleter(arg, complete)
    callback.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    callback.__discord_app_commands_param_description__ = {  # type: ignore[attr-defined]
        a.name: described(a.description) for a in spec.args
    }
    if autocomplete:
        callback.__discord_app_commands_param_autocomplete__ = autocomplete  # type: ignore[attr-defined]
    return app_commands.Command(name=spec.name, description=described(spec.summary),
                                callback=callback)


def _autocompleter(arg: ArgSpec, complete: Completer) -> Any:
    kind = arg.choices or ""

    async def suggest(interaction: discord.Interaction,
                      current: str) -> list[app_commands.Choice[str]]:
        values = complete(kind, current, chat_of(interaction))[:MAX_CHOICES]
        return [app_commands.Choice(name=v[:MAX_CHOICE_LEN], value=v[:MAX_CHOICE_LEN])
                for v in values]

    return suggest


def build_tree(client: discord.Client, on_command: OnCommand,
               complete: Completer) -> app_commands.CommandTree[Any]:
    """A tree holding every visible command of the table, ready for `tree.sync()`."""
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(client)
    for spec in COMMANDS:
        if not spec.hidden:
            tree.add_command(slash_command(spec, on_command, complete))
    return tree
