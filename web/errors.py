"""Error pages: localized, no stack traces, an incident id the user can quote."""

from __future__ import annotations

import logging

import peewee
from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from core import db
from core.origin import request_id

log = logging.getLogger("mikhak.errors")
RETRY_AFTER_SECONDS = 30


def _page(status: int, title: str, message: str, advice: str = ""):
    """Render the shared error page: what happened (``message``) and what to do (``advice``).

    The database-down page instead if rendering needs a database that is down.
    """
    try:
        return render_template("error.html", status=status, title=title, message=message, advice=advice,
                               incident=request_id(), staff_area=request.path.startswith("/admin")), status
    except (peewee.OperationalError, peewee.InterfaceError) as exc:  # the signed-in user is loaded from it
        return database_down_page(exc)


def database_down_page(exc: Exception):
    """The 503 "try again shortly" page with Retry-After, rendered without touching the database."""
    log.error("database unavailable (incident %s): %s", request_id(), exc)
    db.discard_connection()
    g._login_user = current_app.login_manager.anonymous_user()
    body = render_template("error.html", status=503, title=_("Service temporarily unavailable"),
                           message=_("The service is briefly unavailable. Please try again shortly: nothing you "
                                     "saved is lost."), incident=request_id())
    return body, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def init_app(app: Flask) -> None:
    """Register handlers for HTTP errors, CSRF failures, database outages and crashes."""

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _page(400, _("The form has expired"),
                     _("For your security the form expired. Go back, reload the page and try again; "
                       "what you typed on earlier steps is saved."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        titles = {
            400: _("We could not read what was sent"), 403: _("This page is not open to you"),
            404: _("Page not found"), 405: _("This page cannot be used that way"),
            413: _("The upload is too large"), 429: _("Too many attempts in a short time"),
        }
        messages = {
            400: _("Part of the address or of the form was not what this page expects. Nothing was changed."),
            403: _("This page is for consular staff, or for another account than the one you are signed in with. "
                   "Nothing has happened to your account or to your requests."),
            404: _("The page you asked for does not exist or is not yours to see."),
            405: _("The page was opened in a way it does not support (for example, a form sent twice or from an "
                   "old tab). Nothing was changed."),
            413: _("The files you sent are larger than allowed (20 MB per submission)."),
            429: _("To protect accounts, this is paused for a short while."),
        }
        advice = {
            400: _("Go back, check what you typed and try again."),
            403: _("If you are applying for a consular service, go to the home page and sign in with your national "
                   "code. If you work at a consular office, sign in to the back office with your staff account."),
            404: _("Check the address. Links from e-mails and notices work after you sign in."),
            405: _("Go back, reload the page and try again."),
            413: _("Make the files smaller (for example, scan at a lower resolution) or send fewer at once."),
            429: _("Wait a few minutes and try again. Nothing you saved was lost."),
        }
        code = exc.code or 500
        if code >= 500:
            return server_error(exc)
        return _page(code, titles.get(code, _("Error")), messages.get(code, _("The request could not be handled.")),
                     advice.get(code, _("Go back and try again.")))

    @app.errorhandler(peewee.OperationalError)
    @app.errorhandler(peewee.InterfaceError)
    def database_down(exc: Exception):
        return database_down_page(exc)

    @app.errorhandler(OverflowError)
    def number_out_of_range(exc: OverflowError):
        # sqlite3 cannot bind an integer beyond 64 bits: an id or page number that large names nothing.
        log.warning("number out of range (incident %s): %s", request_id(), exc, exc_info=exc)
        return http_error(NotFound())

    @app.errorhandler(peewee.DataError)
    def data_error(exc: peewee.DataError):
        # PostgreSQL refuses an integer beyond bigint (SQLSTATE 22003) the way sqlite3 raises OverflowError.
        causes = (exc.__cause__, exc.__context__, *exc.args)
        if any(getattr(cause, "pgcode", None) == "22003" for cause in causes):
            return number_out_of_range(exc)
        return server_error(exc)

    @app.errorhandler(Exception)
    def server_error(exc: Exception):
        if isinstance(exc, HTTPException) and not isinstance(exc, InternalServerError):
            return http_error(exc)
        log.exception("unhandled error (incident %s)", request_id())
        return _page(500, _("Something went wrong"),
                     _("An unexpected error happened. Nothing you saved was lost. "
                       "If it happens again, quote the incident number below."))
