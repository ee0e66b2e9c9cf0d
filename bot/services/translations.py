"""Free-text translation for /translate, cached by (text, language, model, prompt version).

The text is the user's, so the cache is not kept forever: rows expire after the configured
retention (`expire`), and each notes who asked for it so `/forget` can delete theirs.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from bot.errors import UserError
from bot.llm.prompts import PROMPT_VERSION
from bot.ports import LLM, CardCache

MAX_TRANSLATE_CHARS = 4000
"""The one limit on /translate text (about one Telegram message); checked before any cost."""


class TranslationService:
    """Translates free text through the LLM port, refusing over-long text before any cost."""

    def __init__(self, store: CardCache, llm: LLM) -> None:
        self._store = store
        self._llm = llm

    def _key(self, text: str, language: str) -> str:
        raw = f"{PROMPT_VERSION}\0{self._llm.model}\0{language}\0{text}".encode()
        return hashlib.sha256(raw).hexdigest()

    def cached(self, text: str, language: str) -> str | None:
        return self._store.get_translation(self._key(self.check(text), language))

    @staticmethod
    def check(text: str) -> str:
        """Reject what no translation should be attempted for, before any cost is spent."""
        text = text.strip()
        if not text:
            raise UserError(
                "There is no text to translate.",
                "Send /translate <text or arXiv id> [lang], or reply to a message.",
            )
        if len(text) > MAX_TRANSLATE_CHARS:
            raise UserError(
                "That text is {length} characters; /translate takes up to {limit}.",
                "Split it into shorter parts.",
                length=f"{len(text):,}",
                limit=f"{MAX_TRANSLATE_CHARS:,}",
            )
        return text

    async def translate(self, text: str, language: str, user_key: str | None = None) -> str:
        """The translation, from the cache or the LLM; `user_key` is who asked for it."""
        text = self.check(text)
        key = self._key(text, language)
        cached = self._store.get_translation(key)
        if cached is not None:
            if user_key is not None:
                self._store.add_translation_user(key, user_key)
            return cached
        result = await self._llm.translate(text, language)
        self._store.put_translation(key, result, user_key)
        return result

    def forget(self, user_key: str) -> int:
        """Delete every stored translation this user asked for; returns how many."""
        return self._store.forget_translations(user_key)

    def expire(self, before: datetime) -> int:
        """Delete translations stored before `before`; returns how many."""
        return self._store.purge_translations(before)
