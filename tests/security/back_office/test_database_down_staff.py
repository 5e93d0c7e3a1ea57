"""Database down for a signed-in officer: the back office answers 503 "try again shortly", then works again."""

from __future__ import annotations

from tests.security.test_database_down import TRY_AGAIN, check_all, heal, outage


def test_a_signed_in_officer_gets_503_everywhere_then_the_back_office_works_again(app, staff_client):
    officer = staff_client("berlin_officer")
    officer.get("/lang/en")
    assert officer.get("/admin/queue/").status_code == 200
    outage(app)
    try:
        wrong = check_all(app, officer, "en", TRY_AGAIN["en"], strict=True)
        assert wrong == [], "\n".join(wrong)
        for path in ("/admin/", "/admin/queue/", "/admin/requests/passport/", "/admin/appointments/"):
            response = officer.get(path)
            assert response.status_code == 503 and TRY_AGAIN["en"] in response.get_data(as_text=True), path
    finally:
        heal(app)
    assert officer.get("/admin/queue/").status_code == 200
