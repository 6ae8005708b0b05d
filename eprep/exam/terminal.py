"""Sitting a paper in the terminal: the countdown on every screen, no feedback.

Per item: letters answer it (one per option group: `b`, or `ac` for two blanks) and move on;
Enter or `n` skips, `p` goes back, a number goes to that item, `f` flags or unflags it, `r`
shows the review screen, `s` submits (after `y`). End of input or Ctrl-C stops: every answer
is already saved and `eprep exam --resume` continues with the time that was left. When the
time runs out, what was answered is submitted.

In a terminal the same commands are read key by key (`eprep.exam.keys`): the time left ticks
on the input line while the learner thinks, ↑/↓ move through the options of the blank being
answered (Tab goes on to the next blank), ←/→ go to the previous/next item, and the paper is
submitted the moment the time runs out, even with no key pressed. Piped input is read line
by line, and the end of the time is noticed at the next line.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from textwrap import indent
from typing import TYPE_CHECKING, Any

from eprep.checker.exam import exam_item, grade
from eprep.checker.kinds.base import LETTERS
from eprep.exam.keys import DOWN, LEFT, RIGHT, UP, Line, LiveReader, TimeUp
from eprep.quiz.exam import plain, show_item
from eprep.quiz.render import highlight_code, render_markdown
from eprep.quiz.terminal import deferred_interrupt  # Ctrl-C waits for a write, as in the quiz

if TYPE_CHECKING:
    from eprep.exam.sitting import Sitting
    from eprep.questions import Bank
    from eprep.quiz.terminal import Console

WORDS = {
    "en": {
        "header": "Item {n}/{total}   time left {left}",
        "flag": "  [flagged]",
        "given": "your answer: {answer}",
        "prompt": "answer ({letters}), Enter next, p back, N go to, f flag, r review, s submit> ",
        "unknown": "type one letter per option group ({groups}), or n, p, a number, f, r, s",
        "review": "Answered {a}, unanswered {u}, flagged {f}",
        "numbers": "  {label}: {numbers}",
        "confirm": "Submit the paper? Unanswered items count as wrong (y to submit)> ",
        "time_up": "Time is up: the answered items are submitted.",
        "stopped": "Stopped: every answer is saved. `eprep exam --resume` continues the paper.",
        "missed": "Missed items",
        "key": "key: {key}",
        "more": "Enter: more missed items, q: stop> ",
        "keys": (
            "letters answer (↑/↓ choose, Tab next blank), Enter next, ←/→ move, "
            "N Enter go to, f flag, r review, s submit"
        ),
        "live": "answer> ",
    },
    "ja": {
        "header": "第 {n} 問 / 全 {total} 問   残り時間 {left}",
        "flag": "  [見直し]",
        "given": "現在の解答：{answer}",
        "prompt": "解答（{letters}）、Enter 次へ、p 前へ、番号で移動、f 見直し、r 一覧、s 提出> ",
        "unknown": "選択肢の組ごとに 1 文字（{groups} 組）、または n、p、番号、f、r、s を入力せよ。",  # noqa: E501
        "review": "解答済み {a} 問、未解答 {u} 問、見直し {f} 問",
        "numbers": "  {label}：{numbers}",
        "confirm": "提出するか。未解答の問題は誤答として採点される（y で提出）> ",
        "time_up": "試験時間が終了した。解答済みの問題を提出する。",
        "stopped": "中断した。解答はすべて保存されている。`eprep exam --resume` で再開できる。",
        "missed": "誤答・未解答の問題",
        "key": "正解：{key}",
        "more": "Enter で続きを表示、q で終了> ",
        "keys": (
            "文字で解答（↑/↓ で選択、Tab で次の空欄）、Enter 次へ、←/→ 移動、"
            "番号 Enter で移動、f 見直し、r 一覧、s 提出"
        ),
        "live": "解答> ",
    },
}
LABELS = {
    "en": {"answered": "answered", "unanswered": "unanswered", "flagged": "flagged"},
    "ja": {"answered": "解答済み", "unanswered": "未解答", "flagged": "見直し"},
}


COMMANDS = ("n", "p", "f", "r", "s")  # a command letter is never read as an option


class Stopped(Exception):
    """The learner stopped the paper (end of input or Ctrl-C); it stays open for --resume."""


class _Expired(Exception):
    """The time ran out while a read was waiting."""


def _can_read_keys(console: Console) -> bool:
    """Whether the terminal can be read key by key here (POSIX terminal settings available)."""
    try:
        import termios

        termios.tcgetattr(console.inp.fileno())
    except (ImportError, OSError, ValueError, AttributeError):
        return False  # e.g. Windows, or a stream without a file descriptor: line by line
    return True


def clock_text(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:d}:{whole // 60 % 60:02d}:{whole % 60:02d}"


class ExamScreen:
    """Shows items of a sitting and reads the learner's lines until the paper is submitted."""

    def __init__(
        self,
        console: Console,
        sitting: Sitting,
        bank: Bank,
        presenter: Any,
        lang: str,
        now: Callable[[], datetime],
    ) -> None:
        self.console = console
        self.sitting = sitting
        self.bank = bank
        self.presenter = presenter  # the quiz session's option and formula typesetting
        self.lang = lang
        self.words = WORDS[lang]
        self.now = now
        self._items: dict[int, Any] = {}
        self.live: LiveReader | None = None
        if console.keys and _can_read_keys(console):  # key by key, the clock on the input line
            self.live = LiveReader(
                console.inp.fileno(),
                console.out,
                sitting.remaining_seconds,
                clock_text,
                lambda text: console.styled(text, "dim"),
            )

    def exam_item(self, number: int) -> tuple[Any, Any]:
        """The variant and exam item of item `number` (built once per sitting)."""
        if number not in self._items:
            entry = self.sitting.item(number)
            question = self.bank.get(entry.question_id)
            if question is None:
                from eprep.errors import EprepError

                message = f"question {entry.question_id} of this paper is no longer in the bank"
                raise EprepError(message)
            variant = question.variant(entry.variant, exam=True)
            self._items[number] = (variant, exam_item(variant, self.lang))
        return self._items[number]

    def run(self) -> bool:
        """Sit until submitted (True) or time is up (True); Stopped when the learner stops."""
        if self.live is None:
            return self._sit()
        with self.live.cbreak():
            return self._sit()

    def _sit(self) -> bool:
        try:
            return self._loop()
        except _Expired:
            self.console.print(self.words["time_up"], "bold")
            return True

    def _loop(self) -> bool:
        total = len(self.sitting.paper.items)
        unanswered = self.sitting.overview()["unanswered"]
        current = unanswered[0] if unanswered else 1
        while True:
            if self.sitting.expired:
                self.console.print(self.words["time_up"], "bold")
                return True
            shown_at = self.sitting.elapsed_ms
            self.show(current, total)
            _, item = self.exam_item(current)
            if self.live is not None:
                self.console.print(self.words["keys"], "dim")
                line = self.read(self.words["live"], self._keymap(item))
            else:
                letters = LETTERS[: max(len(g.options) for g in item.groups)]
                prompt = self.words["prompt"].format(letters=f"{letters[0]}–{letters[-1]}")
                line = self.read(prompt)
            if self.sitting.expired:  # an answer typed after the end does not count
                self.console.print(self.words["time_up"], "bold")
                return True
            command = line.strip().lower()
            if command in ("", "n"):
                current = current % total + 1
            elif command == "p":
                current = (current - 2) % total + 1
            elif command.isdigit() and 1 <= int(command) <= total:
                current = int(command)
            elif command == "f":
                with deferred_interrupt():
                    self.sitting.flag(current, not self.sitting.flagged(current), self.now())
            elif command == "r":
                self.review()
            elif command == "s":
                self.review()
                if self.read(self.words["confirm"]).strip().lower() in ("y", "yes", "はい"):
                    return True
            elif self._letters(command, item) is not None:
                picks = self._letters(command, item)
                outcome = grade(item, picks, plain)
                seconds = (self.sitting.elapsed_ms - shown_at) / 1000
                with deferred_interrupt():  # a Ctrl-C now must not lose this answer
                    self.sitting.answer(current, command, outcome.correct, seconds, self.now())
                current = current % total + 1
            else:
                self.console.print(self.words["unknown"].format(groups=len(item.groups)), "yellow")

    def _letters(self, command: str, item: Any) -> list[int] | None:
        picks = [LETTERS.find(c) for c in command.replace(" ", "")]
        if len(picks) != len(item.groups):
            return None
        if any(p < 0 or p >= len(g.options) for p, g in zip(picks, item.groups, strict=True)):
            return None
        return picks

    def _letter_prefix(self, text: str, item: Any) -> list[int] | None:
        """The picks of `text` when it is letters for the first groups (None otherwise)."""
        picks = [LETTERS.find(c) for c in text.replace(" ", "").lower()]
        if len(picks) > len(item.groups):
            return None
        if any(p < 0 or p >= len(g.options) for p, g in zip(picks, item.groups, strict=False)):
            return None
        return picks

    def _keymap(self, item: Any) -> Callable[[str, Line], Line | str | None]:
        """Keys of an item's input line: ↑/↓ choose in the current blank, ←/→ change item."""

        def note(picks: list[int]) -> str:
            if not picks:
                return ""
            group = item.groups[len(picks) - 1]
            mark = f"{group.mark} " if group.mark else ""
            text = " ".join(plain(group.options[picks[-1]]).split())
            return f"{mark}{LETTERS[picks[-1]]}) {text}"

        def keymap(key: str, line: Line) -> Line | str | None:
            if key == LEFT:
                return "p"
            if key == RIGHT:
                return "n"
            picks = self._letter_prefix(line.text, item)
            if key in (UP, DOWN, "\t"):
                if picks is None:
                    return line
                if key == "\t":  # on to the next blank, at its first option
                    if not picks or len(picks) >= len(item.groups):
                        return line
                    picks.append(0)
                elif not picks:
                    picks = [0 if key == DOWN else len(item.groups[0].options) - 1]
                else:
                    count = len(item.groups[len(picks) - 1].options)
                    picks[-1] = (picks[-1] + (1 if key == DOWN else -1)) % count
                return Line("".join(LETTERS[p] for p in picks), note(picks))
            if len(key) == 1 and key.isprintable():
                text = line.text + key
                typed = self._letter_prefix(text, item)
                shown = typed and text.strip().isalpha() and text.strip() not in COMMANDS
                return Line(text, note(typed) if shown else "")
            return None

        return keymap

    def read(self, prompt: str, keymap: Any = None) -> str:
        try:
            if self.live is not None:
                return self.live.read(prompt, keymap)
            return self.console.read_line(prompt)
        except TimeUp:
            raise _Expired from None
        except (EOFError, KeyboardInterrupt):
            raise Stopped from None

    def show(self, number: int, total: int) -> None:
        console = self.console
        variant, item = self.exam_item(number)
        left = clock_text(self.sitting.remaining_seconds())
        flag = self.words["flag"] if self.sitting.flagged(number) else ""
        console.print()
        console.print(self.words["header"].format(n=number, total=total, left=left) + flag, "bold")
        console.print(variant.title(self.lang), "bold")
        console.print(render_markdown(variant.prompt(self.lang), color=console.color))
        code = variant.code()
        if code:
            console.print()
            console.print(indent(highlight_code(code, color=console.color), "    "))
        show_item(self.presenter, item)
        row = self.sitting.answers.get(number)
        if row and row.answer:
            console.print(self.words["given"].format(answer=row.answer), "dim")

    def review(self) -> None:
        overview = self.sitting.overview()
        self.console.print()
        self.console.print(
            self.words["review"].format(
                a=len(overview["answered"]),
                u=len(overview["unanswered"]),
                f=len(overview["flagged"]),
            ),
            "bold",
        )
        for key in ("unanswered", "flagged"):
            if overview[key]:
                numbers = " ".join(str(n) for n in overview[key])
                label = LABELS[self.lang][key]
                self.console.print(self.words["numbers"].format(label=label, numbers=numbers))

    def show_missed(self, report: dict, page: int = 5) -> None:
        """Every missed item with its key and explanation, `page` at a time in a terminal."""
        self.console.print()
        self.console.print(self.words["missed"], "bold")
        for shown, number in enumerate(report["missed"]):
            if shown and shown % page == 0 and self.console.interactive:
                try:
                    if self.console.read_line(self.words["more"]).strip().lower() == "q":
                        return
                except (EOFError, KeyboardInterrupt):
                    return
            variant, item = self.exam_item(number)
            keys = [
                f"{(g.mark or '') + ' ' if g.mark else ''}{LETTERS[g.correct]}) "
                + plain(g.options[g.correct])
                for g in item.groups
            ]
            self.console.print()
            self.console.print(f"{number}. {variant.title(self.lang)}", "bold")
            self.console.print(self.words["key"].format(key="; ".join(keys)))
            self.console.print(render_markdown(variant.explanation(self.lang), color=False))
