"""Can a string still become a match? Prefix checks for the service model's identifier patterns.

Terraform >= 1.6 sends ``"arn:aws:...:${var.x}/..."`` at validate time as an unknown that is
known to start with ``"arn:aws:..."``. When that prefix can never grow into a value matching the
field's pattern (``"arm:aws:..."``, a wrong service name), the user should hear it at validate
time, not after apply. Python's ``re`` has no partial matching, so this reads the small regex
subset botocore's patterns use -- literal characters, ``[...]`` classes with ranges, ``.`` and
the quantifiers ``* + ? {n} {n,} {n,m}`` -- and runs the prefix through it. A pattern outside
that subset (groups, alternation, escapes, anchors) answers "maybe": no false alarm, ever.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

_UNBOUNDED = 1 << 30


@dataclass(frozen=True)
class _Token:
    accepts: Callable[[str], bool]
    low: int
    high: int


class _Unsupported(ValueError):
    """The pattern uses regex syntax beyond the subset read here."""


def _char_class(pattern: str, start: int) -> tuple[Callable[[str], bool], int]:
    """The ``[...]`` class starting at ``pattern[start] == "["``: (predicate, index after ``]``)."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        raise _Unsupported("negated class")
    ranges: list[tuple[str, str]] = []
    while i < len(pattern) and pattern[i] != "]":
        char = pattern[i]
        if char == "\\":
            raise _Unsupported("escape in class")
        if i + 2 < len(pattern) and pattern[i + 1] == "-" and pattern[i + 2] != "]":
            ranges.append((char, pattern[i + 2]))
            i += 3
        else:
            ranges.append((char, char))
            i += 1
    if i >= len(pattern):
        raise _Unsupported("unterminated class")
    frozen = tuple(ranges)
    return (lambda c: any(lo <= c <= hi for lo, hi in frozen)), i + 1


def _quantifier(pattern: str, i: int) -> tuple[int, int, int]:
    """(low, high, index after) of the quantifier at ``pattern[i]`` (``{1,1}`` when none)."""
    if i >= len(pattern):
        return 1, 1, i
    char = pattern[i]
    if char == "*":
        return 0, _UNBOUNDED, i + 1
    if char == "+":
        return 1, _UNBOUNDED, i + 1
    if char == "?":
        return 0, 1, i + 1
    if char == "{":
        end = pattern.find("}", i)
        if end < 0:
            raise _Unsupported("unterminated repetition")
        low_text, comma, high_text = pattern[i + 1:end].partition(",")
        if not low_text.isdigit() or (high_text and not high_text.isdigit()):
            raise _Unsupported("repetition")
        low = int(low_text)
        high = (int(high_text) if high_text else _UNBOUNDED) if comma else low
        return low, high, end + 1
    return 1, 1, i


def _literal(char: str) -> Callable[[str], bool]:
    return lambda c: c == char


@cache
def _tokens(pattern: str) -> tuple[_Token, ...] | None:
    """The pattern as tokens, or ``None`` when it uses syntax outside the subset."""
    tokens: list[_Token] = []
    i = 0
    try:
        while i < len(pattern):
            char = pattern[i]
            if char in "()|\\^$*+?{}":
                raise _Unsupported(char)
            if char == "[":
                accepts, i = _char_class(pattern, i)
            elif char == ".":
                accepts, i = (lambda c: c != "\n"), i + 1
            else:
                accepts, i = _literal(char), i + 1
            low, high, i = _quantifier(pattern, i)
            tokens.append(_Token(accepts, low, high))
    except _Unsupported:
        return None
    return tuple(tokens)


def _closure(tokens: tuple[_Token, ...], states: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Add the states reachable by leaving a token whose minimum count is met."""
    todo = list(states)
    while todo:
        index, count = todo.pop()
        if index < len(tokens) and count >= tokens[index].low:
            following = (index + 1, 0)
            if following not in states:
                states.add(following)
                todo.append(following)
    return states


def can_start_match(pattern: str, prefix: str) -> bool:
    """Whether some string starting with ``prefix`` fully matches ``pattern``.

    ``True`` also when the pattern is outside the supported subset (cannot tell).
    """
    tokens = _tokens(pattern)
    if tokens is None:
        return True
    # A state is (token index, characters consumed by that token).
    states = _closure(tokens, {(0, 0)})
    for char in prefix:
        moved = {
            (index, count + 1)
            for index, count in states
            if index < len(tokens) and count < tokens[index].high and tokens[index].accepts(char)
        }
        if not moved:
            return False
        states = _closure(tokens, moved)
    return True
