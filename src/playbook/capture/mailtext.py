"""An email's words as a note: HTML turned into plain text, quoted history and signatures cut.

Pure functions of text, each one pass over its input (time linear in its length). Nothing
here decides what is safe to show: the note goes through the same Markdown renderer as a
hand-written one (raw HTML off, links validated), so the HTML conversion only has to give
readable words, and drops what is not words (scripts, styles, the head).
"""

from __future__ import annotations

import re

#: The most HTML read from one message: the note keeps at most 100 KB of text anyway, and a
#: bound keeps the parse's time and memory bounded whatever the mail.
MAX_HTML_CHARS = 2_000_000

_PREFIX = re.compile(r"^\s*(?:(?:re|fwd?|aw|wg|sv|vs|tr|rv|antw|doorst|ref|r)\s*(?:\[\d+\])?\s*[:：]\s*"
                     r"|\[(?:external|extern|ext)\]\s*)", re.IGNORECASE)
_FORWARD = re.compile(r"^\s*(?:\[[^\]]{0,30}\]\s*)?(?:fwd?|wg|tr|doorst)\s*[:：]", re.IGNORECASE)


def clean_subject(subject: str) -> str:
    """The subject on one line, without its 'Re:', 'Fwd:', 'AW:'… prefixes (however many)."""
    text = " ".join(subject.split())
    for _ in range(50):  # 'Re: Re: Fwd: RE:' — bounded, each round removes one
        cut = _PREFIX.sub("", text, count=1)
        if cut == text:
            break
        text = cut
    return text.strip()


def is_forward(subject: str) -> bool:
    """Whether the subject says the message forwards another ('Fwd:', 'FW:', 'WG:', 'TR:')."""
    return bool(_FORWARD.match(subject))


# -- HTML to text --------------------------------------------------------------------------

_BLOCK = frozenset("address article aside blockquote dd div dl dt fieldset figcaption figure footer form "
                   "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody thead tfoot tr ul"
                   .split())
_SKIP = frozenset(("script", "style", "head", "title", "template", "noscript", "svg", "math", "object",
                   "iframe", "xml", "button", "select", "textarea"))
_PARAGRAPH = frozenset(("p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"))
_LINKED = re.compile(r"^(?:https?://|mailto:)", re.IGNORECASE)
#: Characters libxml2 will not take (NUL, C0 controls but tab and line ends).
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _Text:
    """Collects the visible text: blocks on their own lines, list items as '- ', a
    blockquote's lines as '> ' (so a quoted reply is cut like a plain-text one), a link as
    its words with a web or mail address after them in parentheses."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.line: list[str] = []
        self.quote = 0
        self.pre = 0
        self.href: list[tuple[str | None, int]] = []

    def _break(self, blank: bool = False) -> None:
        """End the line being collected; `blank`: keep it even when empty (a <br>)."""
        text = "".join(self.line)
        self.line = []
        self.href = [(h, 0) for h, _ in self.href]  # a link's words end at a line break
        if not self.pre:
            text = " ".join(text.split())
        mark = "> " * min(self.quote, 5)  # any '>' line is cut; deeper marks add nothing
        if text.strip():
            self.lines.append(mark + text)
        elif blank:
            self.lines.append(mark.rstrip())

    def start(self, tag: str, href: str | None, alt: str | None) -> None:
        if tag == "br":
            self._break(blank=True)
        elif tag in _BLOCK:
            self._break()
            if tag == "blockquote":
                self.quote += 1
            elif tag == "pre":
                self.pre += 1
            elif tag == "li":
                self.line.append("- ")
        elif tag == "a":
            href = (href or "").strip()
            self.href.append((href if _LINKED.match(href) else None, len(self.line)))
        elif tag == "img":
            alt = " ".join((alt or "").split())
            if alt and len(alt) < 80:
                self.line.append(f"[{alt}]")

    def end(self, tag: str) -> None:
        if tag in _BLOCK:
            self._break()
            if tag == "blockquote" and self.quote:
                self.quote -= 1
            elif tag == "pre" and self.pre:
                self.pre -= 1
            elif tag in _PARAGRAPH:
                self.lines.append(("> " * min(self.quote, 5)).rstrip())
        elif tag == "a" and self.href:
            href, start = self.href.pop()
            words = "".join(self.line[start:]).strip()
            shown = href[7:] if href and href.lower().startswith("mailto:") else href
            if href and shown and len(href) <= 300 and shown != words and shown not in words:
                self.line.append(f" ({shown})")

    def data(self, text: str | None) -> None:
        if text:
            self.line.append(text)

    def text(self) -> str:
        self._break()
        return "\n".join(self.lines)


def html_to_text(html: str) -> str:
    """The words of an HTML body as plain text. Markup, scripts, styles, comments and
    attributes are dropped; entities become the characters they stand for (the note is
    escaped when shown). Parsed by libxml2 through lxml, which takes any tag soup in time
    linear in its length (the standard library's html.parser takes minutes on some 100 KB of
    '<a b="x>"' repeated) and walked without recursion, however deep the nesting."""
    from lxml import etree, html as lxml_html

    html = _CONTROLS.sub("", html[:MAX_HTML_CHARS])
    if not html.strip():
        return ""
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, recover=True)
    try:
        root = lxml_html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError):  # nothing that parses as a document
        return ""
    out = _Text()
    skipping: object | None = None  # the element whose subtree is not shown
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        tag = tag.rsplit("}", 1)[-1].lower()
        if event == "start":
            if skipping is not None:
                continue
            if tag in _SKIP:
                skipping = el
                continue
            out.start(tag, el.get("href") if tag == "a" else None, el.get("alt") if tag == "img" else None)
            out.data(el.text)
        else:
            if skipping is el:
                skipping = None
            elif skipping is not None:
                continue
            else:
                out.end(tag)
            if el is not root:
                out.data(el.tail)
    return tidy(out.text())


# -- cutting quoted history and signatures -------------------------------------------------

_WROTE_START = re.compile(r"^\s*(?:on|am|le|el|op|il|den|em|w dniu)\s.{0,300}$", re.IGNORECASE)
_WROTE_END = re.compile(r"(?:(?:wrote|a écrit|escribió|ha scritto|skrev|escreveu|napisał)(?: \([^)]{0,40}\))?"
                        r"|(?:schrieb|schreef) .{0,300})\s?:$", re.IGNORECASE)
_ORIGINAL = re.compile(r"^\s*-{2,}\s*(?:original message|ursprüngliche nachricht|message d'origine|"
                       r"mensaje original|oorspronkelijk bericht|messaggio originale)\s*-{2,}\s*$",
                       re.IGNORECASE)
_HEADER_FROM = re.compile(r"^\s*\**\s*(?:from|von|de|van|da|från|od)\s*:\**\s*\S", re.IGNORECASE)
_HEADER_NEXT = re.compile(r"^\s*\**\s*(?:sent|date|gesendet|datum|envoyé|enviado|verzonden|inviato|skickat|"
                          r"to|an|à|para|aan|a|till|do|subject|betreff|objet|asunto|onderwerp)\s*:",
                          re.IGNORECASE)
_RULE = re.compile(r"^\s*_{10,}\s*$")
_FORWARD_MARK = re.compile(r"^\s*(?:-{2,}\s*(?:forwarded message|weitergeleitete nachricht|message transféré|"
                           r"mensaje reenviado|doorgestuurd bericht|messaggio inoltrato)\s*-{2,}"
                           r"|begin forwarded message\s*:|anfang der weitergeleiteten nachricht\s*:"
                           r"|début du message réexpédié\s*:)\s*$", re.IGNORECASE)
_SIGNATURE = re.compile(r"^(?:-- ?|—)$")
_SENT_FROM = re.compile(r"^\s*(?:sent from my \w[\w ]{0,30}|sent from (?:outlook|mail|yahoo mail|gmail)\b.{0,40}"
                        r"|get outlook for \w+.{0,20}|sent via \w[\w ]{0,30}|sent from my mobile.{0,20}"
                        r"|von meinem \w[\w ]{0,30} gesendet|envoyé de mon \w[\w ]{0,30}"
                        r"|enviado desde mi \w[\w ]{0,30})\.?\s*$", re.IGNORECASE)


def _reply_header(lines: list[str], i: int) -> bool:
    """Whether line i starts the header of a quoted message: "On … wrote:" (perhaps over
    two or three lines), "-----Original Message-----", or an Outlook "From: … / Sent: …" block."""
    line = lines[i]
    if len(line) > 400:  # no header line is this long; bounds the searches below
        return False
    if _ORIGINAL.match(line):
        return True
    if _WROTE_START.match(line):
        joined = line
        for k in range(i, min(i + 3, len(lines))):
            if k > i:
                joined += " " + lines[k][:400]
            if _WROTE_END.search(joined.rstrip()):
                return True
    if _HEADER_FROM.match(line) or (_RULE.match(line) and i + 1 < len(lines) and _HEADER_FROM.match(lines[i + 1])):
        start = i + 1 if _HEADER_FROM.match(line) else i + 2
        return any(_HEADER_NEXT.match(lines[k]) for k in range(start, min(start + 2, len(lines))))
    return False


def trim_reply(text: str, forward: bool = False) -> str:
    """`text` without the quoted history ('>' lines, and everything from an "On … wrote:" or an
    Outlook header block on), its signature ('-- ' and what follows) and a 'Sent from my
    iPhone' line. A forwarded message is kept: from a 'Forwarded message' marker on (or, when
    `forward`, from the first header block on), the rest stays as it is."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    in_signature = False
    for i, line in enumerate(lines):
        if _FORWARD_MARK.match(line) or (forward and _reply_header(lines, i)):
            out += lines[i:]
            break
        if _reply_header(lines, i):
            break
        if in_signature:
            continue
        if _SIGNATURE.match(line.rstrip("\n")) or _SENT_FROM.match(line):
            in_signature = True
            continue
        if line.lstrip().startswith(">"):
            continue
        out.append(line.rstrip())
    return tidy("\n".join(out))


def tidy(text: str) -> str:
    """Trailing spaces off, no run of more than one blank line, none at either end."""
    out: list[str] = []
    for line in text.split("\n"):
        line = line.rstrip()
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)
