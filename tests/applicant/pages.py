"""Reading pages as a user sees them: the links of the header or the main content, form inputs, visible text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Link:
    """One <a>: its address, its text and the regions (header navigation, main) it sits in."""

    href: str
    text: str = ""
    regions: set[str] = field(default_factory=set)
    current: bool = False


class _Reader(HTMLParser):
    """Collect links, inputs, selected options and the text of <main>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []
        self.links: list[Link] = []
        self.inputs: list[dict[str, str | None]] = []
        self.main_text: list[str] = []
        self.selected: dict[str, list[str]] = {}
        self._open_link: Link | None = None
        self._select: str | None = None

    def _regions(self) -> set[str]:
        """The regions of the current position."""
        found = set()
        for tag, classes in self.stack:
            if tag == "main":
                found.add("main")
            if tag == "nav" and "site-nav" in classes.split():
                found.add("nav")
        return found

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Track the element, and start a link or record an input."""
        values = dict(attrs)
        if tag == "input":
            self.inputs.append(values)
        if tag == "select":
            self._select = values.get("name") or ""
        if tag == "option" and self._select is not None and "selected" in values:
            self.selected.setdefault(self._select, []).append(values.get("value") or "")
        if tag == "a" and values.get("href") is not None:
            self._open_link = Link(values["href"] or "", regions=self._regions(),
                                   current=values.get("aria-current") == "page")
            self.links.append(self._open_link)
        if tag not in VOID:
            self.stack.append((tag, values.get("class") or ""))

    def handle_endtag(self, tag: str) -> None:
        """Close the element (and the link)."""
        if tag == "a":
            self._open_link = None
        if tag == "select":
            self._select = None
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        """Add text to the open link and to the main text."""
        if self._open_link is not None:
            self._open_link.text = " ".join(f"{self._open_link.text} {data}".split())
        if "main" in self._regions():
            self.main_text.append(data)


def read(html: str) -> _Reader:
    """Parse a page."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def links(html: str, region: str | None = None) -> list[tuple[str, str]]:
    """(href, text) of the page's links, optionally only those in "nav" (the header menu) or "main"."""
    return [(link.href, link.text) for link in read(html).links if region is None or region in link.regions]


def current_nav_link(html: str) -> str | None:
    """The href of the header link marked as the current page."""
    return next((link.href for link in read(html).links if "nav" in link.regions and link.current), None)


def main_text(html: str) -> str:
    """The visible text of <main>, white space collapsed."""
    return " ".join("".join(read(html).main_text).split())


def checked(html: str, name: str) -> list[str]:
    """The values of the checked radio buttons or check boxes named ``name``."""
    return [i.get("value") or "" for i in read(html).inputs if i.get("name") == name and "checked" in i]


def value(html: str, name: str) -> str | None:
    """The value of the text input named ``name`` (None when there is none)."""
    return next((i.get("value") or "" for i in read(html).inputs if i.get("name") == name), None)


def selected(html: str, name: str) -> list[str]:
    """The values of the selected options of the select named ``name``."""
    return read(html).selected.get(name, [])


def has_text(text: str, *words: str) -> bool:
    """Whether every word appears in ``text`` (case-sensitive, white space collapsed)."""
    collapsed = re.sub(r"\s+", " ", text)
    return all(word in collapsed for word in words)
