"""Persian text rules: digit and letter normalization, national code checks, reader's digits."""

from __future__ import annotations

import re

_DIGITS_IN = str.maketrans(
    "۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩",
    "01234567890123456789",
)
_LETTERS_IN = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ۀ": "هٔ", "\u200f": None, "\u200e": None})
_TO_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_TEN_DIGITS = re.compile(r"[0-9]{10}")

# Policy (README "National code"): ten repeated digits (1111111111 …) pass the checksum for some
# digits but are never issued, so they are rejected.
REJECT_REPEATED_DIGITS = True


def normalize_digits(text: str) -> str:
    """Turn Persian and Arabic-Indic digits into ASCII digits."""
    return text.translate(_DIGITS_IN)


def normalize_text(text: str | None) -> str | None:
    """Normalize digits and Arabic letter variants, and trim surrounding white space."""
    if text is None:
        return None
    return text.translate(_DIGITS_IN).translate(_LETTERS_IN).strip()


def to_persian_digits(text: object) -> str:
    """Write ASCII digits of ``text`` as Persian digits."""
    return str(text).translate(_TO_PERSIAN_DIGITS)


_LATIN_LETTER = re.compile(r"[A-Za-z]")


def reader_digits(text: str, language: str) -> str:
    """``text`` as a Persian reader expects it: Persian digits, unless it is Latin-script text.

    Stored answers keep ASCII digits (normalize_text); what is shown back to a Persian reader, on the
    preview or in a redisplayed input, has the digits they typed ("پلاک ۲۲", a postal code, a national
    code). Text with Latin letters (an address abroad, a passport number, an e-mail) keeps its digits.
    """
    if language != "fa" or not text or _LATIN_LETTER.search(text):
        return text
    return text.translate(_TO_PERSIAN_DIGITS)


def is_valid_national_code(value: str | None) -> bool:
    """Return whether ``value`` is a valid Iranian national code (کد ملی)."""
    if not value:
        return False
    code = normalize_digits(value.strip())
    if not _TEN_DIGITS.fullmatch(code):
        return False
    if code[3:9] == "000000":
        return False
    if REJECT_REPEATED_DIGITS and len(set(code)) == 1:
        return False
    digits = [int(ch) for ch in code]
    remainder = sum(d * (10 - i) for i, d in enumerate(digits[:9])) % 11
    check = remainder if remainder < 2 else 11 - remainder
    return digits[9] == check


def normalize_national_code(value: str | None) -> str:
    """Return the national code with ASCII digits and no separators or spaces."""
    return re.sub(r"[\s\-_.]", "", normalize_digits(value or ""))
