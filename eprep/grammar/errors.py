"""Errors of the answer grammar."""

from __future__ import annotations

from eprep.errors import EprepError
from eprep.grammar.messages import render


class GrammarError(EprepError):
    """Text that the grammar rejects; `position` is 1-based in the original input.

    A keyed error (`GrammarError.keyed`) carries a key of `messages.MESSAGES` and its facts, so
    it can be shown in Japanese too; `.message` is always the English wording.
    """

    def __init__(
        self,
        message: str,
        position: int,
        *,
        key: str | None = None,
        facts: dict[str, object] | None = None,
    ) -> None:
        self.message = message
        self.position = position
        self.key = key
        self.facts = dict(facts or {})
        self.label: tuple[str, str] | None = None  # (en, ja) of what was read, e.g. "answer"
        super().__init__(f"col {position}: {message}")

    @classmethod
    def keyed(cls, key: str, position: int, **facts: object) -> GrammarError:
        """The error `key` of the message table at `position`."""
        return cls(render(key, "en", facts), position, key=key, facts=facts)

    def moved(self, position: int) -> GrammarError:
        """The same error at another position (a part's column in the whole text)."""
        return GrammarError(self.message, position, key=self.key, facts=self.facts)

    def labelled(self, en: str, ja: str) -> GrammarError:
        """The same error naming what was read ("answer: …" / "解答: …")."""
        error = GrammarError(f"{en}: {self.message}", self.position, key=self.key, facts=self.facts)
        error.label = (en, ja)
        return error

    def reason(self, lang: str = "en") -> str:
        """The message without its column, in `lang` (English if it has no key)."""
        if self.key is None or lang != "ja":
            return self.message
        said = render(self.key, lang, self.facts)
        return f"{self.label[1]}: {said}" if self.label else said

    def text(self, lang: str = "en") -> str:
        """The whole one-line error ("col 5: …" / "5 文字目: …") in `lang`."""
        if lang == "ja":
            return f"{self.position} 文字目: {self.reason(lang)}"
        return str(self)


class EvaluationError(EprepError):
    """A formula that has no real value at the given point (log of a negative, 1/0, overflow).

    `reason` is "domain" (outside the function's domain, or 1/0), "overflow" (too large for a
    float, though it may exist), "missing" (no value given for a variable) or "size".
    """

    def __init__(self, message: str, *, reason: str = "domain") -> None:
        super().__init__(message)
        self.reason = reason
