"""Turning a Telegram message into the core's IncomingCommand."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Bot, Chat, ChatMember, Message
from telegram.error import TelegramError

from bot.commands.specs import BY_NAME
from bot.invisible import strip_invisible
from bot.models import ChatRef, IncomingCommand

log = logging.getLogger(__name__)

ADMIN_STATUSES = (ChatMember.ADMINISTRATOR, ChatMember.OWNER)


@dataclass(frozen=True)
class ParsedCommand:
    """A command for this bot: its name, the argument text, and whether it named the bot."""

    name: str
    args: str
    addressed: bool = False


def parse_command(text: str | None, bot_username: str) -> ParsedCommand | None:
    """"/help@MyBot  x y" → ("help", "x y"); None for plain text or another bot's command."""
    if not text or not text.startswith("/"):
        return None
    head, *rest = text.split(maxsplit=1)
    name, _, addressee = strip_invisible(head[1:]).partition("@")
    if addressee and addressee.casefold() != bot_username.casefold():
        return None
    if not name:
        return None
    args = rest[0].strip() if rest else ""
    return ParsedCommand(name.casefold(), args, addressed=bool(addressee))


def chat_ref(chat: Chat) -> ChatRef:
    return ChatRef(platform="telegram", chat_id=str(chat.id), is_private=chat.type == Chat.PRIVATE)


def replied_text(message: Message) -> str | None:
    """Text or caption of the replied-to message; a forum topic's header is no reply."""
    replied = message.reply_to_message
    if replied is None or replied.forum_topic_created is not None:
        return None
    return replied.text or replied.caption or None


async def is_admin(bot: Bot, message: Message) -> bool:
    """Admins of groups may change chat settings; private chats and channels always may."""
    chat = message.chat
    if chat.type in (Chat.PRIVATE, Chat.CHANNEL):
        return True
    if message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True  # an anonymous admin speaking as the group
    if message.from_user is None:
        return False
    try:
        member = await bot.get_chat_member(chat.id, message.from_user.id)
    except TelegramError:
        log.warning("could not check admin status in chat %s", chat.id, exc_info=True)
        return False
    return member.status in ADMIN_STATUSES


async def to_command(bot: Bot, message: Message, parsed: ParsedCommand) -> IncomingCommand:
    spec = BY_NAME.get(parsed.name)
    needs_admin = spec is not None and spec.changes_chat
    user = message.from_user
    return IncomingCommand(
        name=parsed.name,
        args=parsed.args,
        chat=chat_ref(message.chat),
        user_id=str(user.id if user else (message.sender_chat or message.chat).id),
        user_is_admin=await is_admin(bot, message) if needs_admin else True,
        replied_text=replied_text(message),
        locale=user.language_code if user else None,
        addressed=parsed.addressed,
    )
