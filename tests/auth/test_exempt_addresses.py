"""The load-test setting RATELIMIT_EXEMPT_IPS lifts the per-address code limit for those addresses only."""

from __future__ import annotations

import pytest

from auth import otp
from i18n.persian import is_valid_national_code


def national_codes(count: int) -> list[str]:
    """``count`` distinct valid national codes."""
    found, number = [], 123_456_000
    while len(found) < count:
        number += 1
        digits = f"{number:09d}"
        remainder = sum(int(d) * (10 - i) for i, d in enumerate(digits)) % 11
        code = digits + str(remainder if remainder < 2 else 11 - remainder)
        if is_valid_national_code(code):
            found.append(code)
    return found


@pytest.mark.parametrize(("exempt", "refused_from"), [([], otp.SENDS_PER_IP), (["127.0.0.1"], None)])
def test_per_address_limit_applies_unless_the_address_is_exempt(test_config, exempt, refused_from):
    from app import create_app

    test_config["RATELIMIT_EXEMPT_IPS"] = exempt
    app = create_app(test_config)
    from core import migrations
    from tests.conftest import USE_PG, _reset_postgres

    with app.test_request_context("/"):
        _reset_postgres() if USE_PG else migrations.upgrade()
        sent = [otp.issue(code, f"{code}@example.com", locale="fa", ip="127.0.0.1").attempt_id is not None
                for code in national_codes(otp.SENDS_PER_IP + 2)]
        other = otp.issue(national_codes(otp.SENDS_PER_IP + 3)[-1], "z@example.com", locale="fa", ip="198.51.100.9")
    expected = [i < refused_from for i in range(len(sent))] if refused_from is not None else [True] * len(sent)
    assert sent == expected
    assert other.attempt_id is not None
