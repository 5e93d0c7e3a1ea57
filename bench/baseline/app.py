"""A hand-written Flask + Flask-WTF app of the passport's first step: the fair baseline of bench_step.py.

What it does per request is what a careful hand-written app does: a signed cookie holding a random
token, the server-side session row and the applicant looked up in the same database, the draft read,
a Flask-WTF form with CSRF rendered from a Jinja template file in the reader's language, and on POST
the draft saved in the same database. One database connection per worker (peewee's, never closed).
``/`` renders a page and ``/healthz`` pings the database: the "bare Flask app" of the same two URLs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sys
from pathlib import Path

import peewee
from flask import Flask, abort, redirect, render_template, session
from flask_babel import Babel
from flask_babel import gettext as _
from flask_wtf import CSRFProtect, FlaskForm
from playhouse.db_url import connect
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
from core.models import Applicant, Draft, UserSession  # noqa: E402 (the same tables Mikhak uses)

REQUEST_TYPES = [("first_issue", "صدور نخستین گذرنامه"),
                 ("renewal", "تمدید (صدور گذرنامهٔ جدید به‌جای گذرنامهٔ قبلی)"),
                 ("lost", "المثنی (گذرنامهٔ قبلی مفقود یا سرقت شده است)"),
                 ("damaged", "تعویض گذرنامهٔ آسیب‌دیده")]
MONTHS = ["فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند"]
MONTH_CHOICES = [("", "ماه")] + [(str(n), name) for n, name in enumerate(MONTHS, 1)]
DATES = ("old_passport_expiry", "lost_date")


class StepForm(FlaskForm):
    """Passport, first step: the request type and what each type asks for."""

    request_type = RadioField("نوع درخواست", choices=REQUEST_TYPES, validators=[Optional()])
    old_passport_number = StringField("شمارهٔ گذرنامهٔ قبلی")
    old_passport_expiry_day = StringField("روز")
    old_passport_expiry_month = SelectField("ماه", choices=MONTH_CHOICES, validate_choice=False)
    old_passport_expiry_year = StringField("سال")
    lost_date_day = StringField("روز")
    lost_date_month = SelectField("ماه", choices=MONTH_CHOICES, validate_choice=False)
    lost_date_year = StringField("سال")
    lost_circumstances = TextAreaField("شرح چگونگی مفقود شدن")

    def validate(self, extra_validators=None) -> bool:
        """Check the fields the chosen request type shows."""
        if not super().validate(extra_validators):
            return False
        kind, problems = self.request_type.data, []
        if kind not in dict(REQUEST_TYPES):
            problems.append(self.request_type)
        if kind in ("renewal", "lost", "damaged") and not (self.old_passport_number.data or "").strip():
            problems.append(self.old_passport_number)
        if kind == "lost" and len((self.lost_circumstances.data or "").strip()) < 20:
            problems.append(self.lost_circumstances)
        for bound in problems:
            bound.errors = [*bound.errors, _("This field is required.")]
        return not problems


def create_app() -> Flask:
    """The baseline app on the database of DATABASE_URL, with the same secret as Mikhak's bench instance."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY=os.environ["SECRET_KEY"], BABEL_DEFAULT_LOCALE="fa",
                      BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "translations"), WTF_CSRF_TIME_LIMIT=12 * 3600)
    url = os.environ["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        database = peewee.SqliteDatabase(url[len("sqlite:///"):], timeout=10, pragmas={
            "journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 10_000, "synchronous": "normal"})
    else:
        database = connect(url.replace("postgresql://", "postgres://"))
    for model in (Applicant, Draft, UserSession):
        model._meta.set_database(database)
    CSRFProtect(app)
    Babel(app, locale_selector=lambda: session.get("lang", "fa"))

    def signed_in_applicant() -> Applicant:
        token = session.get("_user_id") or abort(401)
        row = UserSession.get_or_none(UserSession.token_hash == hashlib.sha256(token.encode()).hexdigest())
        now = dt.datetime.utcnow()
        if row is None or row.revoked_at or row.kind != "applicant" or now - row.last_seen_at > dt.timedelta(hours=10):
            abort(401)
        return Applicant.get_by_id(row.user_id)

    @app.get("/")
    def home():
        return render_template("home.html")

    @app.get("/healthz")
    def healthz():
        try:
            database.execute_sql("SELECT 1").fetchone()
        except peewee.DatabaseError:
            return {"status": "unavailable", "database": "down"}, 503
        return {"status": "ok", "database": "up"}

    @app.route("/services/passport/request/step/request", methods=["GET", "POST"])
    def step():
        applicant = signed_in_applicant()
        draft = (Draft.select().where((Draft.applicant == applicant) & (Draft.kind == "service")
                                      & (Draft.schema_id == "passport")).order_by(Draft.updated_at.desc()).first())
        if draft is None or draft.office_id is None:
            abort(404)
        answers = dict(draft.answers or {})
        form = StepForm(data={key: value for key, value in answers.items() if key in StepForm.__dict__})
        if form.validate_on_submit():
            answers.update({name: getattr(form, name).data for name in ("request_type", "old_passport_number",
                                                                         "lost_circumstances")})
            for name in DATES:
                parts = [getattr(form, f"{name}_{p}").data for p in ("year", "month", "day")]
                answers[name] = "-".join(parts) if all(parts) else None
            draft.answers = answers
            draft.completed_steps = sorted({*(draft.completed_steps or []), "request"})
            draft.updated_at = dt.datetime.utcnow()
            draft.save()
            return redirect("/services/passport/request/step/applicant")
        return render_template("step.html", form=form, shows=json.dumps, total=3)

    return app
