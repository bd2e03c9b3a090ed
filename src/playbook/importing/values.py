"""Cell values from an export, made into what Playbook writes: dates in the CRMs' formats,
HTML note bodies as inert text, one-line names, ids and lists of addresses.

Nothing here trusts a cell: a value is text and stays text ('=HYPERLINK(…)' is a name like
any other); control characters are dropped, since YAML refuses them even in comments.
"""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

from ..limits import in_range


class BadValue(Exception):
    """A cell that cannot be used; str() says why and what to do."""


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_SLASH = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{2}|\d{4})(?:[ ,T].*)?$")
_DOTS = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{2}|\d{4})(?:[ ,T].*)?$")
_SLASH_ISO = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T].*)?$")


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def parse_day(text: str, day_first: bool = False) -> date:
    """A date as CRMs export it, its time (if any) dropped: 2024-03-05, 2024-03-05 14:30,
    2024-03-05T14:30:00Z, 03/05/2024 2:30 PM (month first, as HubSpot and Salesforce write it
    in US English; day first with `day_first`), 05.03.2024 14:30 (day first, German style)."""
    value = text.strip()
    for pattern, order in ((_ISO, "ymd"), (_SLASH_ISO, "ymd"), (_DOTS, "dmy"),
                           (_SLASH, "dmy" if day_first else "mdy")):
        m = pattern.match(value)
        if not m:
            continue
        parts = dict(zip(order, m.groups()))
        y, mo, d = _year(parts["y"]), int(parts["m"]), int(parts["d"])
        if pattern is _SLASH and not day_first and mo > 12 and d <= 12:
            raise BadValue(f"'{value}' has no month {mo}: the file writes the day first (DD/MM/YYYY); "
                           "import it again with --day-first")
        try:
            day = date(y, mo, d)
        except ValueError:
            raise BadValue(f"'{value}' is not a real date; fix it in the file, or in the CRM and export "
                           "again") from None
        if not in_range(day):
            raise BadValue(f"'{value}' is outside the years Playbook reads (1900 to 2999); fix the date")
        return day
    raise BadValue(f"'{value}' is not a date Playbook reads; write it as 2024-03-05, 03/05/2024 or 05.03.2024")


def clean(text: str) -> str:
    """Text without the characters YAML and a terminal must not get: controls, except
    newlines and tabs; Windows line ends as '\\n'."""
    # Line and paragraph separators are line ends ("c\u2028d" read "cd": a fuzzing session).
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    if text.isprintable():
        return text
    return "".join(ch for ch in text if ch in "\n\t" or (ch.isprintable() or ch == " "))


def one_line(text: str) -> str:
    """A cell as a one-line value: whitespace runs (newlines too) as one space."""
    return " ".join(clean(text).split())


class _Text(HTMLParser):
    """HTML as the text a reader sees: tags gone, paragraphs and line breaks kept as
    lines, list items as '- ', scripts and styles dropped, entities decoded once."""

    #: Tags that end a paragraph (a blank line), and tags that end a line.
    PARAGRAPHS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "table"}
    LINES = {"br", "li", "tr"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def _break(self, tag: str) -> None:
        self.parts.append("\x00\x00" if tag in self.PARAGRAPHS else "\x00" if tag in self.LINES else "")

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self.skip += 1
            return
        self._break(tag)
        if tag == "li":
            self.parts.append("- ")

    def handle_startendtag(self, tag: str, attrs) -> None:  # <br/>: one break, not two
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag != "li":
            self._break(tag)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


#: A tag of the HTML a CRM writes into notes; '<jane@x.com>' or '<Enter>' in plain text is not one.
_TAG = re.compile(r"<\s*/?\s*(?:p|div|br|span|b|i|u|s|strong|em|ul|ol|li|a|font|table|tr|td|th|h[1-6]|"
                  r"blockquote|img|pre|code|script|style|html|body|hr)\b[^>]*>", re.IGNORECASE)


#: What only HTML has: a closing tag, or a tag to begin with. One tag-like word in a plain note
#: ("Fix the <div> layout. If a<b and c>d…") had it read as HTML, and "a<b and c>d" lost its
#: middle (a fuzzing session).
_HTML = re.compile(r"</\s*(?:p|div|span|b|i|u|s|strong|em|ul|ol|li|a|font|table|tr|td|th|h[1-6]|blockquote|pre|"
                   r"code|script|style|html|body)\s*>|<br\s*/?>|\A\s*<\s*(?:p|div|span|html|body|ul|ol|table|"
                   r"h[1-6])\b[^>]*>", re.IGNORECASE)


def html_text(text: str) -> str:
    """A note body that may be HTML (HubSpot and Pipedrive write them so) as plain text, which
    Markdown then shows as text (raw HTML is off). Text that is not HTML (`_HTML`) is left as
    it is."""
    text = clean(text)
    if not (_TAG.search(text) and _HTML.search(text)):
        return text
    parser = _Text()
    parser.feed(text)
    parser.close()
    # Breaks were marked with NUL (clean() has removed any NUL of the note's own): a run of
    # them is one line break, or a blank line when a paragraph ended in it.
    out = re.sub(r"\x00+", lambda m: "\n\n" if len(m.group()) > 1 else "\n", "".join(parser.parts))
    out = out.replace("\xa0", " ")
    lines = [" ".join(line.split()) if not line.startswith("- ") else "- " + " ".join(line[2:].split())
             for line in out.split("\n")]
    joined = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return clean(joined)


def split_list(text: str) -> list[str]:
    """A cell listing several values ('a@x.com; b@x.com', '123;456', 'a, b')."""
    return [v for v in (one_line(p) for p in re.split(r"[;,\n]", text)) if v]


_EMAIL = re.compile(r"[^\s<>(),;:\"']+@[^\s<>(),;:\"']+\.[^\s<>(),;:\"']+")


def emails_in(text: str) -> list[str]:
    """The email addresses in a cell, in order, once each."""
    return list(dict.fromkeys(_EMAIL.findall(text)))


def salesforce_id(text: str) -> str:
    """A Salesforce id as its 15-character form: Data Loader writes 18 characters (a
    case-proof suffix of 3), reports 15, and a contact's AccountId must meet its account."""
    value = text.strip()
    return value[:15] if len(value) == 18 and value.isalnum() else value
