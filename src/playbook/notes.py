"""Markdown notes: the one safe renderer, and commitments found in task lists."""

from __future__ import annotations

import ctypes
import hashlib
import re
from contextlib import contextmanager
from datetime import date
from functools import lru_cache, partial
from typing import Callable, Iterator
from urllib.parse import quote

import cmarkgfm
import cmarkgfm.cmark
from cmarkgfm.cmark import Options

from .model import Commitment, Source

_TASK = re.compile(r"^(\s{0,12})(?:[-*+]|\d{1,9}[.)])\s+\[([ xX])\]\s+(.*\S)\s*$")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_DUE = re.compile(r"\s*\(\s*due:?\s*(\d{4}-\d{2}-\d{2})\s*\)\s*$", re.I)
_SENTENCE = re.compile(r"(.+?[.!?])(?:\s|$)")
_MD_NOISE = re.compile(r"[*_`#>\[\]]|\]\([^)]*\)")


def extract_commitments(body: str, body_line: int, made_on: date, path: str) -> tuple[Commitment, ...]:
    """Task-list items (`- [ ] …`, `- [x] …`) outside code blocks, with their file line.

    A line scan rather than a Markdown parse: it is exact for task items (which are
    always one list-item line), keeps the file line for free, and costs almost nothing,
    so loading stays cheap and rendering happens once, later, in the site step.
    """
    out: list[Commitment] = []
    fence: str | None = None
    for offset, line in enumerate(body.split("\n")):
        m = _FENCE.match(line)
        if m:
            marker = m.group(1)
            if fence is None:
                fence = marker[0] * 3
            elif marker.startswith(fence):
                fence = None
            continue
        if fence is not None:
            continue
        t = _TASK.match(line)
        if not t:
            continue
        text = t.group(3)
        due = None
        d = _DUE.search(text)
        if d:
            try:
                due = date.fromisoformat(d.group(1))
                text = text[: d.start()].rstrip()
            except ValueError:
                due = None  # an impossible due date stays part of the text; check warns
        out.append(Commitment(text, t.group(2) != " ", due, made_on, Source(path, body_line + offset)))
    return tuple(out)


def bad_due_dates(body: str, body_line: int) -> list[tuple[int, str]]:
    """(file line, text) of '(due …)' markers that are not real dates."""
    out = []
    for offset, line in enumerate(body.split("\n")):
        if _TASK.match(line):
            d = _DUE.search(line)
            if d:
                try:
                    date.fromisoformat(d.group(1))
                except ValueError:
                    out.append((body_line + offset, d.group(1)))
    return out


def first_sentence(body: str, limit: int = 140) -> str | None:
    """A one-line summary from the notes, for files that give none."""
    for line in body.split("\n"):
        line = line.strip()
        if not line or _FENCE.match(line) or _TASK.match(line):
            continue
        line = _MD_NOISE.sub("", line.lstrip("-*+ ")).strip()
        if not line:
            continue
        m = _SENTENCE.match(line)
        text = m.group(1) if m else line
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return None


#: CommonMark with GFM tables, ~~strikethrough~~ (two tildes only, as before) and task lists;
#: no autolinking of bare URLs and no typographic quotes. Never CMARK_OPT_UNSAFE: without it
#: cmark leaves raw HTML out and gives javascript:, vbscript:, file: and non-image data: links
#: an empty href (made inert in `markdown`), so notes can never run script.
_OPTIONS = (Options.CMARK_OPT_VALIDATE_UTF8 | Options.CMARK_OPT_STRIKETHROUGH_DOUBLE_TILDE
            | Options.CMARK_OPT_TABLE_PREFER_STYLE_ATTRIBUTES)
_EXTENSIONS = (b"table", b"strikethrough", b"tasklist")


class _Mem(ctypes.Structure):  # cmark_mem: the allocator whose `free` releases cmark's buffers
    _fields_ = [("calloc", ctypes.c_void_p), ("realloc", ctypes.c_void_p),
                ("free", ctypes.CFUNCTYPE(None, ctypes.c_void_p))]


class _Cmark:
    """cmark-gfm's C API, in the library the cmarkgfm wheel ships. cmarkgfm's own Python
    wrappers free neither the parsed tree nor the HTML (about 11 KB lost per note: gigabytes
    on a large build); calling the library directly frees both."""

    def __init__(self) -> None:
        so = ctypes.CDLL(cmarkgfm.cmark._cmark.__file__)
        ptr, c = ctypes.c_void_p, ctypes

        def fn(name: str, restype, *argtypes):
            f = getattr(so, name)
            f.restype, f.argtypes = restype, argtypes
            return f

        fn("cmark_gfm_core_extensions_ensure_registered", None)()
        find = fn("cmark_find_syntax_extension", ptr, c.c_char_p)
        self.extensions = [find(name) for name in _EXTENSIONS]
        if not all(self.extensions):
            raise LookupError(f"cmark-gfm lacks one of the extensions {_EXTENSIONS}")
        self.parser_new = fn("cmark_parser_new", ptr, c.c_int)
        self.attach = fn("cmark_parser_attach_syntax_extension", c.c_int, ptr, ptr)
        self.feed = fn("cmark_parser_feed", None, ptr, c.c_char_p, c.c_size_t)
        self.finish = fn("cmark_parser_finish", ptr, ptr)
        self.parser_extensions = fn("cmark_parser_get_syntax_extensions", ptr, ptr)
        self.render_html = fn("cmark_render_html", ptr, ptr, c.c_int, ptr)
        self.node_free = fn("cmark_node_free", None, ptr)
        self.parser_free = fn("cmark_parser_free", None, ptr)
        self.free = fn("cmark_get_default_mem_allocator", c.POINTER(_Mem))().contents.free

    def __call__(self, text: str) -> str:
        data = text.encode("utf-8")
        parser = self.parser_new(_OPTIONS)  # with the default allocator, like the tree and HTML
        if not parser:
            raise MemoryError("cmark_parser_new")
        try:
            for extension in self.extensions:
                self.attach(parser, extension)
            self.feed(parser, data, len(data))
            root = self.finish(parser)  # the caller's to free, even after the parser is
            try:
                html = self.render_html(root, _OPTIONS, self.parser_extensions(parser))
                try:
                    return ctypes.string_at(html).decode("utf-8")
                finally:
                    self.free(html)
            finally:
                self.node_free(root)
        finally:
            self.parser_free(parser)


@lru_cache(maxsize=1)
def _cmark() -> Callable[[str], str]:
    try:
        return _Cmark()
    except (OSError, AttributeError, LookupError):  # the library's symbols are not exported
        # (Windows builds): cmarkgfm's own wrapper renders the same HTML but never frees it.
        return partial(cmarkgfm.markdown_to_html_with_extensions, options=_OPTIONS,
                       extensions=[e.decode() for e in _EXTENSIONS])


#: Stand-ins for "<", chosen so cmark reads them as it would "<" but never as the start of
#: raw HTML: Unicode punctuation (like "<", for the rules of emphasis), rare in notes.
_LT_STANDINS = "\u2e19\u2058\u2e3a\u2e3b"
_LT = re.compile(r"(\]\([ \t]*)?(\\*)<")
_AUTOLINK = re.compile(  # CommonMark's autolinks: <scheme:…> and <address@host>
    r"<(?:[A-Za-z][A-Za-z0-9.+-]{1,31}:[^\x00-\x20<>]*"
    r"|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)>")
_SURROGATE = re.compile("[\ud800-\udfff]")
_DESTINATION = re.compile(r"<(?:[^<>\n\\]|\\.)*>[ \t]*[)\"'(\n]")  # ](<…>) then ")", title or line end
_HEADING = re.compile(r"<(/?)h([1-6])>")
_OUTSIDE_LINK = re.compile(r'(<a href="(?i:https?|mailto):[^"]*"(?: title="[^"]*")?)>')
#: cmark-gfm's task item; in a loose list its checkbox comes before the paragraph, which would
#: put it on a line of its own, so it moves into the paragraph (as GitHub shows it).
_TASK_ITEM = re.compile(r'<li><input type="checkbox" ((?:checked="" )?disabled="" />) (\n<p>)?')


def _text_not_html(text: str) -> tuple[str, str | None]:
    """`text` with each "<" that could open raw HTML replaced by a stand-in character, which
    becomes "&lt;" in the HTML: raw HTML in notes is shown as text, as with markdown-it's
    html=False, not dropped. Kept: escaped "\\<", autolinks and `](<destination>)`.
    Where no stand-in is free, cmark's own safe mode leaves the raw HTML out instead."""
    standin = next((c for c in _LT_STANDINS if c not in text and quote(c) not in text), None)
    if standin is None:
        return text, None

    def swap(m: re.Match) -> str:
        at = m.end() - 1
        if len(m.group(2)) % 2 or _AUTOLINK.match(text, at) \
                or (m.group(1) is not None and not m.group(2) and _DESTINATION.match(text, at)):
            return m.group(0)
        return m.group(0)[:-1] + standin

    return _LT.sub(swap, text), standin


def _task_item(m: re.Match) -> str:
    box = f'<input class="task-list-item-checkbox" type="checkbox" {m.group(1)} '
    return f'<li class="task-list-item">\n<p>{box}' if m.group(2) else f'<li class="task-list-item">{box}'


def markdown(text: str) -> str:
    """Notes' Markdown to safe HTML (no memo; `render` is the entry point)."""
    standin = None
    if "<" in text:
        text, standin = _text_not_html(text)
    try:
        html = _cmark()(text)
    except UnicodeEncodeError:  # lone surrogates: shown as U+FFFD, as cmark shows bad UTF-8
        html = _cmark()(_SURROGATE.sub("\ufffd", text))
    if standin is not None:
        html = html.replace(standin, "&lt;").replace(quote(standin), "%3C")
    # Plain string and regex edits of cmark's output are sound: in its safe output every "<"
    # a person wrote is escaped as "&lt;" (and "\"" in attributes as "&quot;" or "%22"), so
    # these tags and attributes can only be cmark's own.
    # Notes sit under the page's h2/h3; a refused (or empty) link is text, not a link to this
    # page; outside links open safely and never leak the referrer.
    html = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + 3)}>", html)
    html = html.replace('<a href=""', "<a")
    html = _OUTSIDE_LINK.sub(r'\1 rel="noopener noreferrer nofollow">', html)
    if '<li><input type="checkbox" ' in html:
        html = _TASK_ITEM.sub(_task_item, html)
    return html


#: While a `remembering` block runs: notes rendered before (digest → HTML) and those used.
_memo: tuple[dict[str, str], dict[str, str]] | None = None


@contextmanager
def remembering(before: dict[str, str]) -> Iterator[dict[str, str]]:
    """Render notes found in `before` (by digest of their text) without parsing them again;
    yields the notes rendered in the block, to keep for next time. For one thread at a time."""
    global _memo
    used: dict[str, str] = {}
    _memo = (before, used)
    try:
        yield used
    finally:
        _memo = None


def render(text: str | None) -> str:
    """Markdown to safe HTML."""
    if not text:
        return ""
    if _memo is None:
        return markdown(text)
    before, used = _memo
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    html = used.get(key) or before.get(key)
    if html is None:
        html = markdown(text)
    used[key] = html
    return html
