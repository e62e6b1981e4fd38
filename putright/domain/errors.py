"""Errors raised by the domain core.

DomainError
├── PackError            a policy pack file cannot be read or is invalid
├── UnknownPackError          no pack has that id
├── CalendarError        a date outside the calendar's range, a bad count
└── RuleViolationError        a rule of the policy forbids an action (names the rule)
"""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the domain core raises."""


class PackError(DomainError):
    """A policy pack is invalid: ``problems`` lists (path inside the file, message)."""

    def __init__(self, source: str, problems: list[tuple[str, str]]) -> None:
        self.source = source
        self.problems = problems
        lines = [
            f"{source}: {path}: {message}" if path else f"{source}: {message}"
            for path, message in problems
        ]
        super().__init__("\n".join(lines))


class UnknownPackError(DomainError):
    """No policy pack has the id asked for."""

    def __init__(self, pack_id: str, known: list[str]) -> None:
        self.pack_id = pack_id
        self.known = known
        super().__init__(f"unknown policy pack {pack_id!r}; known packs: {', '.join(known)}")


class CalendarError(DomainError):
    """A working-day calculation was asked for something it cannot answer."""


class RuleViolationError(DomainError):
    """An action is forbidden by a rule of the policy; ``rule`` names it and its source."""

    def __init__(self, message: str, *, rule: str, source: str = "") -> None:
        self.rule = rule
        self.source = source
        super().__init__(message)
