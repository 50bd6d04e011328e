"""Tracking numbers for carriers that do not hand them out: generated from a pattern.

Pattern characters: ``#`` a random digit, ``@`` a random capital letter (no I or O),
``!`` a check digit (Luhn, over every digit before it); anything else (capital letters,
digits, ``-``) is copied as is. ``JJD##########!`` gives e.g. ``JJD00412345675``.
A pattern needs at least eight random characters so numbers practically never collide.
"""

from __future__ import annotations

import random
import re
import secrets

from switchyard.kernel.errors import FieldError

LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
MIN_RANDOM = 8
_LITERAL = re.compile(r"^[A-Z0-9#@!-]+$")


def pattern_errors(pattern: str, field: str = "tracking_pattern") -> list[FieldError]:
    errors = []
    if not _LITERAL.match(pattern):
        errors.append(FieldError(field, "invalid_pattern", "use A-Z, 0-9, -, #, @ and !"))
    if sum(pattern.count(c) for c in "#@") < MIN_RANDOM:
        errors.append(
            FieldError(field, "too_few_random", f"at least {MIN_RANDOM} of # and @ needed")
        )
    if pattern.count("!") > 1:
        errors.append(FieldError(field, "invalid_pattern", "at most one check digit (!)"))
    return errors


def luhn_digit(digits: str) -> str:
    """The Luhn check digit that makes ``digits`` + it valid."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    digits = "".join(c for c in number if c.isdigit())
    return len(digits) > 1 and luhn_digit(digits[:-1]) == digits[-1]


def generate(pattern: str, rng: random.Random | None = None) -> str:
    """A number in ``pattern`` (``#`` digit, ``@`` letter, ``!`` Luhn check digit); random
    from ``secrets``, or from ``rng`` when a seeded one is given (the demo)."""
    below = rng.randrange if rng else secrets.randbelow
    choice = rng.choice if rng else secrets.choice
    out: list[str] = []
    for ch in pattern:
        if ch == "#":
            out.append(str(below(10)))
        elif ch == "@":
            out.append(choice(LETTERS))
        elif ch == "!":
            out.append(luhn_digit("".join(c for c in out if c.isdigit())))
        else:
            out.append(ch)
    return "".join(out)
