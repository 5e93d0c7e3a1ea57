"""Verification codes: 12 symbols of Crockford's base32 (60 random bits), printed as XXXX-XXXX-XXXX.

Typing is forgiving: case, spaces and hyphens do not matter, Persian and Arabic digits count as digits, and
the letters people confuse with digits (O, I, L) read as 0, 1, 1. No U, so no accidental words.
"""

from __future__ import annotations

import re
import secrets

from i18n.persian import normalize_digits

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
BITS = LENGTH * 5
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_./]+")
_VALID = re.compile(f"[{ALPHABET}]{{{LENGTH}}}")


def new_code() -> str:
    """A fresh random code (normalized form, no hyphens)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize(typed: str) -> str | None:
    """The normalized code of what someone typed or scanned, or None when it cannot be a code."""
    text = str(typed or "")[:200].strip()
    if "/verify/" in text:  # a scanned or pasted verification link
        text = text.split("/verify/", 1)[1].split("?", 1)[0].split("#", 1)[0]
    text = normalize_digits(text).strip().upper()
    text = _SEPARATORS.sub("", text).translate(_CONFUSABLE)
    return text if _VALID.fullmatch(text) else None


def display(code: str) -> str:
    """The code as printed: groups of four joined by hyphens."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))
