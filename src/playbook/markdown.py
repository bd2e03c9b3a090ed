"""Notes' Markdown: one markdown-it-py parser, set up once; one parse gives a note's HTML, its
task items and its first sentence, so what the page shows and what counts as a promise agree.

Safe by configuration, not by editing the output: raw HTML is off (shown as the text it is),
links are validated before they become tokens, and every attribute is escaped by the
renderer. Every step here is linear in the note's length.
"""

from __future__ import annotations

import re
from functools import lru_cache
from datetime import date
from typing import Any, Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .limits import in_range
from .records import Record
from .sentences import first_sentence

__all__ = ["Note", "Task", "parse_note", "link_allowed", "REL_OUTSIDE", "SUMMARY_LIMIT", "TEXT_LIMIT"]

#: `rel` of a link out of the site: it never learns the page's address, and gets no opener.
REL_OUTSIDE = "noopener noreferrer nofollow"
#: Longest summary taken from a note's first sentence, in characters.
SUMMARY_LIMIT = 140
#: Characters of a note's plain text kept (`Note.text`): a little more than the search index
#: shows and finds (`outputs.search.NOTE_CAP`, 300), so it can tell a note is longer and cut it
#: at a word, while every parsed note in the memo and in `serve`'s memory carries no more.
TEXT_LIMIT = 320


class Task(Record):
    """A task-list item, one exactly for each checkbox the note's HTML shows, in order."""

    line: int
    """0-based line of the item's first line in the note's text."""
    done: bool
    """Ticked: `[x]` or `[X]`."""
    text: str
    """The item's first paragraph as written (Markdown), lines joined by spaces, due marker removed."""
    due: date | None
    """From a trailing '(due YYYY-MM-DD)'."""
    bad_due: str | None
    """The date of a trailing '(due …)' marker that is no real date, or out of `limits.DATE_RANGE` (it then
    stays in `text`)."""


class Note(Record):
    """What a note's Markdown gives: a pure function of its text (so it can be memoised by it)."""

    html: str
    """Safe HTML: headings three levels down, task items as disabled checkboxes."""
    tasks: tuple[Task, ...]
    """Its task items, in document order."""
    summary: str | None
    """First sentence of the first paragraph or heading that is not a task item, as plain
    text, at most SUMMARY_LIMIT characters (`sentences.first_sentence`); None when there is none."""
    text: str = ""
    """The words the page shows, in order, as one line of plain text (markup gone, link and
    image text kept, code kept), cut after TEXT_LIMIT characters."""


# -- links ---------------------------------------------------------------------------------------

#: Schemes that run code or read local files wherever a browser follows them. `data:` is refused
#: for images too: one rule to explain, and a picture belongs in a file, not a note's text.
_REFUSED = ("javascript:", "vbscript:", "file:", "data:")
#: What browsers ignore inside a URL's scheme (C0 controls and space: "java\tscript:" is javascript:).
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]+")
#: An address with a scheme, or protocol-relative: it leaves the site.
_OUTSIDE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:|[/\\]{2}")


def link_allowed(url: str) -> bool:
    """False for an address a link or image must never get (the text is then shown as written).
    `url` is markdown-it's normalised destination, entities already decoded."""
    head = _IGNORED_IN_URL.sub("", url).lower()
    return not head.startswith(_REFUSED)


# -- the parser ----------------------------------------------------------------------------------

def _render_box(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    # Named for screen readers ("Done, checkbox, checked"); the item's text follows it.
    checked = 'checked="" ' if tokens[idx].meta["done"] else ""
    return f'<input class="task-list-item-checkbox" type="checkbox" {checked}disabled="" aria-label="Done" />'


def _parser() -> MarkdownIt:
    """CommonMark with GFM tables and ~~strikethrough~~ (two tildes); raw HTML off, which
    shows it escaped as text; no bare-URL linking and no typographic quotes (the preset's
    defaults). Task items are found by `_walk` (mdit-py-plugins' tasklists looks up each
    item's list by scanning back, quadratic in a long list: 8,000 items took 11 s)."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.disable(["html_block", "html_inline"])  # off with html=False; disabled to skip the calls
    md.validateLink = link_allowed  # type: ignore[method-assign]  # the documented hook
    md.add_render_rule("task_box", _render_box)
    return md


_MD = _parser()

#: A task item's box at the start of its first paragraph (GFM: a space, tab or line break after it).
_BOX = re.compile(r"\[([ xX])\][ \t\n\v\f\r]")
#: A trailing '(due YYYY-MM-DD)', matched only at the last "(" of the text (so linear).
_DUE = re.compile(r"\(\s*due:?\s*([0-9]{4}-[0-9]{2}-[0-9]{2})\s*\)", re.I)
_SURROGATE = re.compile("[\ud800-\udfff]")


@lru_cache(maxsize=2048)
def parse_note(text: str, top: int = 4) -> Note:
    """A note's HTML, task items and summary, from one parse of `text`. A pure function of the
    text, so `serve` re-reading a folder after an edit parses only the note that changed
    (markdown-it-py is most of the cost of a folder). Its headings sit under the page's: `top`
    is the level of its highest (4 under a page's h3, 3 under an h2)."""
    if not text.isascii():
        # Lone surrogates (from a YAML "\ud800" escape) cannot be written as UTF-8: shown as
        # U+FFFD, as a decoder shows a bad byte.
        text = _SURROGATE.sub("\ufffd", text)
    env: dict[str, Any] = {}
    tokens = _MD.parse(text, env)
    tasks, summary, plain = _walk(tokens, top)
    return Note(_MD.renderer.render(tokens, _MD.options, env), tasks, summary, plain)


def _walk(tokens: list[Token], top: int) -> tuple[tuple[Task, ...], str | None, str]:
    """One pass over the block tokens: shift headings, mark outside links, turn task items'
    boxes into checkbox tokens (collecting the tasks), find the summary and take the plain text."""
    tasks: list[Task] = []
    summary: str | None = None
    words: list[str] = []  # the plain text's pieces, taken until TEXT_LIMIT is surely reached
    taken = 0
    outline: list[tuple[int, int]] = []  # the open headings: (level written, level shown)
    level = top
    for i, tok in enumerate(tokens):
        kind = tok.type
        if kind == "inline":
            children = tok.children or []
            task = _task(tokens, i, children)
            if task is not None:
                tasks.append(task)
            first = task is None and summary is None and tokens[i - 1].type in ("paragraph_open", "heading_open")
            if first or taken <= TEXT_LIMIT:
                line = _inline_text(children)
                if first and line:
                    summary = first_sentence(line, SUMMARY_LIMIT)
                if taken <= TEXT_LIMIT and line:
                    words.append(line)
                    taken += len(line) + 1
            for child in children:
                if child.type == "link_open" and _OUTSIDE.match(str(child.attrs.get("href", ""))):
                    child.attrSet("rel", REL_OUTSIDE)
        elif kind in ("fence", "code_block"):
            if taken <= TEXT_LIMIT and tok.content.strip():
                words.append(" ".join(tok.content.split()))
                taken += len(words[-1]) + 1
        elif kind == "heading_open":
            # The note's outline continues the page's (screen readers navigate by it): a heading
            # is one level below the nearest one before it written with fewer "#", or at `top`;
            # never a level skipped, h6 at most.
            written = int(tok.tag[1])
            while outline and outline[-1][0] >= written:
                outline.pop()
            level = min(6, outline[-1][1] + 1) if outline else top
            outline.append((written, level))
            tok.tag = f"h{level}"
        elif kind == "heading_close":
            tok.tag = f"h{level}"
    return tuple(tasks), summary, " ".join(words)[:TEXT_LIMIT]


def _task(tokens: list[Token], i: int, children: list[Token]) -> Task | None:
    """The task item whose first paragraph is inline token `i`, made into one (its box becomes a
    checkbox token); None when it is not one. As in GFM: a list item's first block is a
    paragraph starting "[ ]", "[x]" or "[X]" then white space, the box being plain text."""
    if i < 2 or tokens[i - 1].type != "paragraph_open" or tokens[i - 2].type != "list_item_open":
        return None
    source = tokens[i].content
    m = _BOX.match(source)
    if m is None or not children or children[0].type != "text" or not children[0].content.startswith(source[:3]):
        return None  # e.g. "[x]" defined as a reference link: the page shows a link, not a box
    done = m.group(1) != " "
    children[0].content = children[0].content[3:]
    box = Token("task_box", "input", 0)
    box.meta = {"done": done}
    children.insert(0, box)
    tokens[i - 2].attrSet("class", "task-list-item")
    body = " ".join(line.strip() for line in source[m.end():].split("\n")).strip()
    due, bad = None, None
    if body.endswith(")"):
        at = body.rfind("(")
        d = _DUE.fullmatch(body, at) if at >= 0 else None
        if d is not None:
            try:
                due = date.fromisoformat(d.group(1))
            except ValueError:
                due = None
            if due is not None and in_range(due):
                body = body[:at].rstrip()
            else:
                due, bad = None, d.group(1)  # stays part of the text; check warns
    line = (tokens[i - 1].map or (0, 0))[0]
    return Task(line, done, body, due, bad)


def _inline_text(children: list[Token]) -> str:
    """An inline token's plain text, white space collapsed (link and image text kept, markup
    dropped)."""
    parts: list[str] = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline", "text_special"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "image":
            parts.append("".join(c.content for c in child.children or () if c.type in ("text", "code_inline")))
    return " ".join("".join(parts).split())
