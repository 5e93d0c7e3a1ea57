"""Tracking codes: alphabet, entropy, check character, normalization, issue with collision retry."""

from __future__ import annotations

import math

import peewee
import pytest
from hypothesis import given
from hypothesis import strategies as st

from casework import tracking
from casework.tracking import (
    ALPHABET,
    LENGTH,
    PAYLOAD_LENGTH,
    check_character,
    format_code,
    is_valid_code,
    issue_code,
    new_code,
    normalize_code,
)
from core.db import database
from core.models import Applicant, Office, ServiceRequest
from i18n.persian import to_persian_digits

payloads = st.text(alphabet=ALPHABET, min_size=PAYLOAD_LENGTH, max_size=PAYLOAD_LENGTH)
codes = payloads.map(lambda payload: payload + check_character(payload))


def test_alphabet_has_no_ambiguous_characters() -> None:
    assert not set(ALPHABET) & set("0O1IL")
    assert not set(ALPHABET) & set("UZ")  # U/V and Z/2: dropped too (see casework/tracking.py)
    assert len(set(ALPHABET)) == len(ALPHABET)
    assert ALPHABET.isascii() and ALPHABET.isalnum() and ALPHABET.upper() == ALPHABET
    assert all(len(ALPHABET) % d for d in range(2, len(ALPHABET)))  # prime: the checksum relies on it


def test_entropy_is_at_least_50_bits() -> None:
    bits = PAYLOAD_LENGTH * math.log2(len(ALPHABET))
    assert bits >= 50
    assert bits == tracking.ENTROPY_BITS
    code = new_code()
    assert len(code) == LENGTH == PAYLOAD_LENGTH + 1
    assert set(code) <= set(ALPHABET)
    assert ServiceRequest.tracking_code.max_length >= LENGTH


@given(codes)
def test_every_single_substitution_is_detected(code: str) -> None:
    assert is_valid_code(code)
    for position in range(LENGTH):
        for symbol in ALPHABET:
            if symbol != code[position]:
                assert not is_valid_code(code[:position] + symbol + code[position + 1:])


@given(codes)
def test_every_transposition_is_detected(code: str) -> None:
    for i in range(LENGTH):
        for j in range(i + 1, LENGTH):  # adjacent (j = i + 1) and farther apart
            if code[i] != code[j]:
                swapped = list(code)
                swapped[i], swapped[j] = swapped[j], swapped[i]
                assert not is_valid_code("".join(swapped))


@given(codes)
def test_dropped_or_extra_characters_are_detected(code: str) -> None:
    assert not is_valid_code(code[:-1])
    assert not is_valid_code(code[1:])
    assert not is_valid_code(code + code[0])


@given(codes)
def test_any_spelling_normalizes_to_the_canonical_code(code: str) -> None:
    spellings = [
        format_code(code),
        format_code(code).lower(),
        to_persian_digits(code),
        " " + " ".join(code[i:i + 4] for i in range(0, LENGTH, 4)) + "\n",
        "\u200f" + format_code(code).replace("-", "\u2013") + "\u200e",  # RLM/LRM around, en dashes
        "".join(chr(ord(ch) + 0xFEE0) for ch in code),  # full-width
    ]
    for spelling in spellings:
        assert normalize_code(spelling) == code
        assert is_valid_code(spelling)


def test_normalization_examples() -> None:
    code = "7Q4K9XR2HMP" + check_character("7Q4K9XR2HMP")
    assert format_code(code) == f"7Q4K-9XR2-HMP{code[-1]}"
    assert normalize_code("۷q۴k-۹xr۲ hmp" + code[-1].lower()) == code
    assert normalize_code("٧Q٤K_9XR2.HMP" + code[-1]) == code  # Arabic-Indic digits
    assert normalize_code(None) == ""


@pytest.mark.parametrize("text", ["", "  ", "MKH-7Q4K", "O" * 12, "0" * 12, "1" * 12, "I" * 12, "L" * 12,
                                  "۰" * 12, "<script>", "7Q4K-9XR2-HMP3-7Q4K"])
def test_invalid_text_is_refused(text: str) -> None:
    assert not is_valid_code(text)


def test_look_alikes_are_not_guessed() -> None:
    code = next(c for c in iter(new_code, None) if "2" in c)
    typo = code.replace("2", "Z", 1)
    assert normalize_code(typo) == typo
    assert not is_valid_code(typo)


def test_codes_are_unique_over_100k() -> None:
    generated = [new_code() for _ in range(100_000)]
    assert len(set(generated)) == len(generated)
    assert all(is_valid_code(code) for code in generated[:1000])


def test_symbols_are_used_evenly() -> None:
    counts = dict.fromkeys(ALPHABET, 0)
    for _ in range(20_000):
        for symbol in new_code()[:PAYLOAD_LENGTH]:
            counts[symbol] += 1
    expected = 20_000 * PAYLOAD_LENGTH / len(ALPHABET)
    assert all(abs(count - expected) < 0.1 * expected for count in counts.values())


@pytest.fixture()
def people(app):
    """An applicant and an office to submit requests for."""
    with app.app_context():
        yield (Applicant.create(national_code="0499370899", email="sara@example.org"),
               Office.create(code="IR-LON", name_fa="لندن", name_en="London", country="GB"))


def _submit(applicant: Applicant, office: Office, code: str) -> ServiceRequest:
    return ServiceRequest.create(tracking_code=code, applicant=applicant, service_id="passport", version_key="v1",
                                 office=office, status="submitted", national_code=applicant.national_code)


def test_issue_code_retries_after_a_collision(people, monkeypatch: pytest.MonkeyPatch) -> None:
    applicant, office = people
    taken = _submit(applicant, office, new_code()).tracking_code
    fresh = new_code()
    handed_out = iter([taken, fresh])
    monkeypatch.setattr(tracking, "new_code", lambda: next(handed_out))
    with database.atomic():  # the caller's transaction survives the failed attempt (savepoint)
        request = issue_code(lambda code: _submit(applicant, office, code))
        assert ServiceRequest.select().count() == 2
    assert request.tracking_code == fresh
    assert ServiceRequest.get(ServiceRequest.tracking_code == fresh).id == request.id


def test_issue_code_gives_up_after_its_attempts(people, monkeypatch: pytest.MonkeyPatch) -> None:
    applicant, office = people
    taken = _submit(applicant, office, new_code()).tracking_code
    calls = []
    monkeypatch.setattr(tracking, "new_code", lambda: calls.append(1) or taken)
    with pytest.raises(peewee.IntegrityError):
        issue_code(lambda code: _submit(applicant, office, code), attempts=3)
    assert len(calls) == 3
    assert ServiceRequest.select().count() == 1


def test_issue_code_returns_what_create_returns(people) -> None:
    applicant, office = people
    request = issue_code(lambda code: _submit(applicant, office, code))
    assert is_valid_code(request.tracking_code)
    assert ServiceRequest.get_by_id(request.id).tracking_code == request.tracking_code
