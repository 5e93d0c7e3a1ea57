"""Demo data for `make run`: a few consular offices and one admin staff account."""

from __future__ import annotations

from collections.abc import Iterator

import pyotp
from flask import current_app
from werkzeug.security import generate_password_hash

from core.db import database
from core.models import Office, Staff
from workflow.roles import WORK_ROLES

WEEKDAYS = {day: [["09:00", "13:00"], ["14:00", "16:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}

OFFICES = [
    dict(code="de-berlin", name_fa="بخش کنسولی سفارت جمهوری اسلامی ایران در برلین",
         name_en="Consular Section, Embassy of the I.R. of Iran, Berlin", country="DE",
         city_fa="برلین", city_en="Berlin", address_fa="برلین، پودبیلسکی‌آله ۶۷",
         address_en="Podbielskiallee 67, 14195 Berlin", timezone="Europe/Berlin",
         serves_countries=["DE", "AT", "CH", "PL", "CZ"], email="consular.berlin@mikhak.example",
         currency="EUR", payment_methods=["counter", "bank_transfer", "online_card"],
         bank_details="Botschaft der I.R. Iran, Konsularabteilung\nIBAN DE12 1001 0010 0123 4567 89 · BIC PBNKDEFF\n"
                      "Reference: your tracking code"),
    dict(code="gb-london", name_fa="بخش کنسولی سفارت جمهوری اسلامی ایران در لندن",
         name_en="Consular Section, Embassy of the I.R. of Iran, London", country="GB",
         city_fa="لندن", city_en="London", address_fa="لندن، کنزینگتون کورت ۱۶",
         address_en="16 Prince's Gate, London SW7 1PT", timezone="Europe/London",
         serves_countries=["GB", "IE"], email="consular.london@mikhak.example",
         currency="GBP", payment_methods=["counter", "bank_transfer"],
         bank_details="Embassy of the I.R. of Iran, Consular Section\nSort code 20-00-00 · Account 12345678\n"
                      "Reference: your tracking code"),
    dict(code="ae-dubai", name_fa="سرکنسولگری جمهوری اسلامی ایران در دبی",
         name_en="Consulate General of the I.R. of Iran, Dubai", country="AE",
         city_fa="دبی", city_en="Dubai", address_fa="دبی، جمیرا، خیابان الوصل",
         address_en="Al Wasl Road, Jumeirah, Dubai", timezone="Asia/Dubai",
         serves_countries=["AE", "OM", "QA", "BH", "KW"], email="consular.dubai@mikhak.example", currency="AED",
         payment_methods=["counter"]),
    dict(code="tr-istanbul", name_fa="سرکنسولگری جمهوری اسلامی ایران در استانبول",
         name_en="Consulate General of the I.R. of Iran, Istanbul", country="TR",
         city_fa="استانبول", city_en="Istanbul", address_fa="استانبول، جاغال‌اوغلو، آنکارا جادهسی ۱",
         address_en="Ankara Caddesi 1, Cağaloğlu, Istanbul", timezone="Europe/Istanbul",
         serves_countries=["TR", "GE", "AZ", "AM"], email="consular.istanbul@mikhak.example", currency="TRY",
         payment_methods=["counter", "bank_transfer"]),
    dict(code="ca-ottawa", name_fa="دفتر حفاظت منافع جمهوری اسلامی ایران (خدمات کنسولی کانادا)",
         name_en="Interests Section of the I.R. of Iran (consular services for Canada)", country="CA",
         city_fa="اتاوا", city_en="Ottawa", address_fa="اتاوا، خیابان متکاف ۲۴۵",
         address_en="245 Metcalfe Street, Ottawa", timezone="America/Toronto",
         serves_countries=["CA", "US"], email="consular.ottawa@mikhak.example", currency="CAD",
         payment_methods=["counter"]),
]


def load() -> Iterator[str]:
    """Create the demo offices and admin if missing; yield what a new user needs to know."""
    if current_app.config["MIKHAK_ENV"] == "production":
        raise RuntimeError("demo data is never loaded in production")
    with database.atomic():
        for data in OFFICES:
            Office.get_or_create(code=data["code"], defaults={**data, "opening_hours": WEEKDAYS})
        email = current_app.config["DEMO_STAFF_EMAIL"]
        password = current_app.config["DEMO_STAFF_PASSWORD"]
        admin, created = Staff.get_or_create(
            email=email,
            defaults=dict(name="Demo admin", role="admin", password_hash=generate_password_hash(password),
                          totp_secret=pyotp.random_base32(), totp_confirmed=True))
        # The demo admin may take every step of the shipped workflows (a real admin holds only the roles given).
        Staff.update(work_roles=list(WORK_ROLES)).where(Staff.id == admin.id).execute()
    yield f"demo admin: {email} / password {password}" + ("" if created else " (unless you changed it)")
    yield f"demo admin TOTP secret: {admin.totp_secret} (add it to an authenticator app, " \
          f"or print the current code with: flask --app app staff totp {email})"
    yield f"{Office.select().count()} consular offices"
    from appointments.holidays import import_file

    added, updated = import_file(current_app.config["HOLIDAYS_FILE"])
    yield f"closed days from {current_app.config['HOLIDAYS_FILE']}: {added} added, {updated} updated"
