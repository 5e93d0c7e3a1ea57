"""Every text the code or templates show has a Persian translation in the catalog."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
METHODS = [("**/.venv/**", "ignore"), ("**/node_modules/**", "ignore"), ("tests/**", "ignore"),
           ("**.py", "python"), ("**/templates/**.html", "jinja2"), ("**/templates/**.txt", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3), "lazy_ngettext": (1, 2)}


def extracted() -> set[tuple[str | None, str]]:
    """Return (context, msgid) of every translatable text in the source tree."""
    found = set()
    for _file, _line, message, _comments, context in extract_from_dir(str(ROOT), METHODS, keywords=KEYWORDS):
        msgid = message[0] if isinstance(message, (tuple, list)) else message
        if msgid:
            found.add((context, msgid))
    return found


def test_every_message_has_a_persian_translation():
    with open(ROOT / "translations" / "fa" / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle, locale="fa")
    missing = []
    for context, msgid in sorted(extracted(), key=lambda item: item[1]):
        message = catalog.get(msgid, context=context)
        strings = (message.string if isinstance(message.string, (tuple, list)) else [message.string]) if message else []
        if not strings or not all(strings):
            missing.append(msgid)
    assert missing == [], f"{len(missing)} texts lack a Persian translation (run `make extract-messages`): {missing}"
