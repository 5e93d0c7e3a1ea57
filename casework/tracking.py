"""Tracking codes: short, easy to read aloud and type, with a check character, unique on issue.

Format: 12 characters from a 29-symbol alphabet, stored without separators (``7Q4K9XR2HMP3``) and
shown in three groups of four (``7Q4K-9XR2-HMP3``); the last character is the check character.

Alphabet: ``23456789ABCDEFGHJKMNPQRSTVWXY``: the digits and capital letters without 0/O, 1/I/L
(they look alike), U (mistaken for V, as Crockford's Base32 also drops it) and Z (mistaken for 2,
and read "zee" or "zed"). 29 is prime, which the check character needs.

Randomness: 11 symbols from ``secrets``: 11 × log2(29) ≈ 53.4 bits.

Check character: with symbol values v₀…v₁₁ (v₁₁ the check), a valid code has
Σ (i + 1) · vᵢ ≡ 0 (mod 29). Changing one symbol a → b at position i changes the sum by
(i + 1)(b − a); swapping two different symbols a, b at positions i and j changes it by (j − i)(a − b).
Every factor is non-zero and smaller than 29 in absolute value, and 29 is prime, so the product is
never a multiple of 29: every single substitution and every transposition (adjacent or not) is
detected. Two independent mistakes slip through with probability 1/29.
"""

from __future__ import annotations

import logging
import math
import re
import secrets
import unicodedata
from collections.abc import Callable
from typing import TypeVar

import peewee

from core.db import database
from i18n.persian import normalize_digits

log = logging.getLogger(__name__)

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXY"
BASE = len(ALPHABET)
PAYLOAD_LENGTH = 11
LENGTH = PAYLOAD_LENGTH + 1
GROUP = 4
ENTROPY_BITS = PAYLOAD_LENGTH * math.log2(BASE)
ATTEMPTS = 5

_VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}
_CHECK_INVERSE = pow(LENGTH, -1, BASE)  # inverse of the check position's weight, mod BASE
_SEPARATORS = re.compile(r"[\s\-_.\u2010-\u2015\u2212\u0640]+")  # spaces, dashes, dots, Arabic tatweel

T = TypeVar("T")


def _weighted_sum(symbols: str) -> int:
    """Return Σ (i + 1) · value(symbol i)."""
    return sum((position + 1) * _VALUES[symbol] for position, symbol in enumerate(symbols))


def check_character(payload: str) -> str:
    """Return the symbol that makes ``payload`` + symbol a valid code."""
    if len(payload) != PAYLOAD_LENGTH or any(symbol not in _VALUES for symbol in payload):
        raise ValueError(f"payload must be {PAYLOAD_LENGTH} symbols of {ALPHABET}")
    return ALPHABET[(-_weighted_sum(payload) * _CHECK_INVERSE) % BASE]


def new_code() -> str:
    """Return a new random code in canonical form (no separators)."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(PAYLOAD_LENGTH))
    return payload + check_character(payload)


def normalize_code(text: str | None) -> str:
    """Return ``text`` in canonical form: upper case, ASCII digits, no spaces, dashes or invisible marks.

    Persian and Arabic-Indic digits and full-width characters become ASCII. Nothing is guessed:
    a character outside the alphabet (O, 0, I, 1, L, …) stays and makes the code invalid.
    This does not validate; use is_valid_code().
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")  # RLM/LRM, ZWNJ, …
    return _SEPARATORS.sub("", normalize_digits(text)).upper()


def is_valid_code(text: str | None) -> bool:
    """Return whether ``text`` (in any accepted spelling) is a well-formed code with a correct check."""
    code = normalize_code(text)
    if len(code) != LENGTH or any(symbol not in _VALUES for symbol in code):
        return False
    return _weighted_sum(code) % BASE == 0


def format_code(code: str) -> str:
    """Return the code for display, in groups of four joined by dashes (write it left to right)."""
    canonical = normalize_code(code)
    return "-".join(canonical[i:i + GROUP] for i in range(0, len(canonical), GROUP))


def issue_code(create: Callable[[str], T], *, attempts: int = ATTEMPTS) -> T:
    """Call ``create(code)`` with new codes until it does not hit a unique constraint; return its result.

    Each call runs in a savepoint (a transaction at top level), so a collision rolls back only that
    attempt, also inside the caller's transaction on PostgreSQL. After ``attempts`` IntegrityErrors
    the last one is raised (an IntegrityError that is not a collision is raised that way too).
    """
    for attempt in range(1, attempts + 1):
        code = new_code()
        try:
            with database.atomic():
                return create(code)
        except peewee.IntegrityError:
            if attempt == attempts:
                raise
            log.warning("tracking code collision or integrity error; retrying (%d of %d)", attempt, attempts)
    raise ValueError("attempts must be at least 1")
