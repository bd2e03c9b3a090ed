"""Reading built pages for the site tests: links, ids, headings, landmarks, nesting; the
visible text of a page or a section; the search index's records."""

from __future__ import annotations

import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

LEAVING = ("http://", "https://", "mailto:", "tel:")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
SVG_SELF_CLOSING = {"circle", "rect", "line", "path", "polyline", "polygon", "ellipse", "stop", "use"}


class Page(HTMLParser):
    """Links, ids, headings and landmarks of one page; raises on badly nested tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.ids: list[str] = []
        self.headings: list[int] = []
        self.tags: list[str] = []
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.lang: str | None = None
        self.attrs: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.attrs.append((tag, a))
        self.tags.append(tag)
        if tag == "html":
            self.lang = a.get("lang")
        if "id" in a:
            self.ids.append(a["id"] or "")
        for attr in ("href", "src", "action"):
            if attr in a:
                self.links.append((tag, attr, a[attr] or ""))
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.headings.append(int(tag[1]))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID and tag not in SVG_SELF_CLOSING:
            self.problems.append(f"<{tag}/> is not a void element")
        stack = self.stack[:]
        self.handle_starttag(tag, attrs)
        self.stack = stack

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()


def parse(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text("utf-8"))
    p.close()
    return p




def text_of(html: str) -> str:
    """Visible text, tags dropped and entities decoded, whitespace squeezed."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def section(html: str, heading_id: str) -> str:
    """The HTML of the <section> labelled by `heading_id`."""
    start = html.index(f'aria-labelledby="{heading_id}"')
    depth, i = 1, html.index(">", start)
    for m in re.finditer(r"<(/?)section\b", html[i:]):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return html[i:i + m.start()]
    raise AssertionError(f"section {heading_id} is not closed")


def search_index(data: bytes) -> list:
    """The records of a built search-index.js (a comment, then window.PLAYBOOK_SEARCH=[…];)."""
    text = data.decode("utf-8")
    head, _, body = text.partition("window.PLAYBOOK_SEARCH=")
    assert head.startswith("/*") and body.endswith(";\n"), text[:200]
    return json.loads(body[:-2])
