"""Small named errors. Every problem with user input carries file, line, field and reason."""

from __future__ import annotations

from dataclasses import dataclass

MAX_REASON = 1_000  # characters: enough for any real value and what was expected instead


class StanceError(Exception):
    "Root of every error Stance raises on purpose."


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input row: enough to find and fix it in a spreadsheet."""

    file: str
    line: int
    field: str
    reason: str

    def __post_init__(self) -> None:
        if len(self.reason) > MAX_REASON:  # a reason quoting a huge field whole would be megabytes long
            cut = f"{self.reason[:MAX_REASON - 300]} [...] {self.reason[-250:]}"
            object.__setattr__(self, "reason", cut)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.reason}"


class ValidationError(StanceError):
    "Input did not validate; carries every problem found, not just the first."

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class FieldError(StanceError):
    "One field's value is wrong; the loader adds file and line."

    def __init__(self, field: str, reason: str):
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


class UnknownActor(FieldError):
    "A name that resolves to no actor code; the message suggests the nearest known names."
