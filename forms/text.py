"""Bilingual texts at render time: the reader's language, lazy labels, sanitized markdown (and its plain text)."""

from __future__ import annotations

from functools import lru_cache

import nh3
from flask_babel import get_locale
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from forms.specbase import Text

_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def current_language() -> str:
    """The one language resolver: the language of the current request ('fa' outside a request or app)."""
    locale = get_locale()
    return locale.language if locale is not None else "fa"


def language_of(locale: object) -> str:
    """The language part of a locale ('fa_IR' → 'fa'); 'fa' when empty."""
    return str(locale or "fa").replace("-", "_").split("_")[0]


class LocalText:
    """A bilingual text that becomes the reader's language when rendered (one form class, both languages)."""

    __slots__ = ("text",)

    def __init__(self, text: Text) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text.get(current_language())

    def __html__(self) -> str:
        return str(escape(str(self)))

    def __bool__(self) -> bool:
        return True

    def __len__(self) -> int:
        return len(str(self))

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self.text.fa)

    def __repr__(self) -> str:
        return f"LocalText({self.text.fa!r}, {self.text.en!r})"


class LocalMarkdown(LocalText):
    """A bilingual markdown text rendered (sanitized) in the reader's language."""

    __slots__ = ()

    def __html__(self) -> str:
        return str(render_markdown(str(self)))


class LtrText(str):
    """A value read left to right (phone, e-mail, codes): isolated in HTML so a right-to-left page keeps its
    order ("+49 151 23456789", not "23456789 151 49+"); plain text everywhere else (e-mails, CSV)."""

    __slots__ = ()

    def __html__(self) -> str:
        return f'<bdi dir="ltr">{escape(str(self))}</bdi>'


def lazy(text: Text | None) -> LocalText | None:
    """A LocalText for ``text`` (None stays None)."""
    return None if text is None else LocalText(text)


@lru_cache(maxsize=1024)
def render_markdown(source: str) -> Markup:
    """Render markdown with raw HTML disabled, then sanitize the result with nh3."""
    return Markup(nh3.clean(_MARKDOWN.render(source)))  # noqa: S704  # nosec B704 # sanitized by nh3


_INLINE_TEXT = {"text", "code_inline"}
_BREAKS = {"softbreak": " ", "hardbreak": "\n"}


@lru_cache(maxsize=1024)
def markdown_to_text(source: str) -> str:
    """Markdown as plain text for text e-mails and calendar files: no markup, a line per paragraph or list
    item ("- " before items), link targets in brackets after their text."""
    lines: list[str] = []
    prefix = ""
    for token in _MARKDOWN.parse(source):
        if token.type == "list_item_open":
            prefix = "- "
        elif token.type == "inline":
            lines.append(prefix + _inline_text(token.children or []))
            prefix = ""
    return "\n".join(line for line in lines if line.strip())


def _inline_text(children: list) -> str:
    """The text of one paragraph's inline tokens."""
    parts: list[str] = []
    links: list[str] = []
    for child in children:
        if child.type in _INLINE_TEXT:
            parts.append(child.content)
        elif child.type in _BREAKS:
            parts.append(_BREAKS[child.type])
        elif child.type == "link_open":
            links.append(str(child.attrs.get("href", "")))
        elif child.type == "link_close" and links:
            href = links.pop()
            parts.append(f" ({href})" if href else "")
    return "".join(parts)
