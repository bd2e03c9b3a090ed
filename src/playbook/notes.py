"""Markdown notes: the one safe renderer, and commitments found in task lists."""

from __future__ import annotations

import hashlib
import re
from contextlib import contextmanager
from datetime import date
from functools import lru_cache
from typing import Iterator

from markdown_it import MarkdownIt
from mdit_py_plugins.tasklists import tasklists_plugin

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


@lru_cache(maxsize=1)
def markdown() -> MarkdownIt:
    """CommonMark with raw HTML off; markdown-it's link validator refuses javascript:,
    vbscript:, file: and non-image data: URLs, so notes can never run script."""
    md = (
        MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        .enable("table")
        .enable("strikethrough")
        .use(tasklists_plugin)
    )
    default_heading = md.renderer.rules.get("heading_open")

    # add_render_rule binds each rule to the renderer, so they receive it as `self`.
    def heading_open(self, tokens, idx, options, env):  # notes sit under the page's h2/h3
        tok = tokens[idx]
        level = min(6, int(tok.tag[1]) + 3)
        tok.tag = f"h{level}"
        if default_heading:
            return default_heading(tokens, idx, options, env)
        return self.renderToken(tokens, idx, options, env)

    def heading_close(self, tokens, idx, options, env):
        tok = tokens[idx]
        tok.tag = f"h{min(6, int(tok.tag[1]) + 3)}"
        return self.renderToken(tokens, idx, options, env)

    def link_open(self, tokens, idx, options, env):  # outside links open safely, never leak referrer
        tok = tokens[idx]
        href = tok.attrGet("href") or ""
        if href.startswith(("http://", "https://", "mailto:")):
            tok.attrSet("rel", "noopener noreferrer nofollow")
        return self.renderToken(tokens, idx, options, env)

    md.add_render_rule("heading_open", heading_open)
    md.add_render_rule("heading_close", heading_close)
    md.add_render_rule("link_open", link_open)
    return md


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
        return markdown().render(text)
    before, used = _memo
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    html = used.get(key) or before.get(key)
    if html is None:
        html = markdown().render(text)
    used[key] = html
    return html
