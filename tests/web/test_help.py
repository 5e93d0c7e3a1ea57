"""Help and trust pages: contact per office, the accessibility statement, the footer's links."""

from __future__ import annotations

from tests.appointments.conftest import make_office


def text(response) -> str:
    return response.get_data(as_text=True)


def test_footer_links_help_accessibility_and_feedback(client):
    for language in ("fa", "en"):
        client.get(f"/lang/{language}")
        footer = text(client.get("/")).split('<footer class="site-footer">')[1]
        assert 'href="/help"' in footer and 'href="/accessibility"' in footer and 'href="/help#feedback"' in footer


def test_help_lists_offices_and_each_office_has_its_page(app, client):
    with app.test_request_context("/"):
        office = make_office(city_fa="برلین", city_en="Berlin")
        make_office(code="closed-office", active=False)
    page = text(client.get("/help"))
    assert f'href="/help/{office.code}"' in page and "/help/closed-office" not in page
    assert 'id="feedback"' in page and "mailto:feedback@mikhak.example" in page
    persian = text(client.get(f"/help/{office.code}"))
    assert "برلین، پودبیلسکی‌آله ۶۷" in persian  # the address in both scripts, the Latin one isolated
    assert '<span lang="en" dir="ltr" class="latin-address">Podbielskiallee 67, 14195 Berlin</span>' in persian
    assert "دوشنبه: <bdi>۰۹:۰۰–۱۲:۰۰</bdi>" in persian and "به وقت محلی برلین" in persian
    assert 'href="mailto:consular.berlin@mikhak.example"' in persian and 'href="tel:+4930843530"' in persian
    client.get("/lang/en")
    english = text(client.get(f"/help/{office.code}"))
    assert "Monday: <bdi>09:00–12:00</bdi>" in english and "latin-address" not in english
    assert client.get("/help/no-such-office").status_code == 404
    assert client.get("/help/closed-office").status_code == 404


def test_accessibility_statement(client):
    client.get("/lang/en")
    page = text(client.get("/accessibility"))
    assert "WCAG" in page and "keyboard" in page and "mailto:feedback@mikhak.example" in page
