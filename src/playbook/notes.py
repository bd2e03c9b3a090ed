"""Notes as the loader and the pages use them: commitments and due-date warnings from a
note's one parse (`markdown.parse_note`, whose summary the loader takes too), and its HTML
for the pages."""

from __future__ import annotations

import hashlib
from contextlib import contextmanager
from datetime import date
from typing import Iterator

from .markdown import Note, parse_note
from .model import Commitment, Source

__all__ = ["parse_note", "commitments", "bad_due_dates", "extract_commitments", "render", "remembering"]


def commitments(note: Note, body_line: int, made_on: date, path: str) -> tuple[Commitment, ...]:
    """The note's task items as commitments, each at its file line (`body_line`: the file line
    of the note's first line)."""
    return tuple(Commitment(t.text, t.done, t.due, made_on, Source(path, body_line + t.line))
                 for t in note.tasks)


def bad_due_dates(note: Note, body_line: int) -> list[tuple[int, str]]:
    """(file line, date) of the task items' '(due …)' markers that are not real dates."""
    return [(body_line + t.line, t.bad_due) for t in note.tasks if t.bad_due is not None]


def extract_commitments(body: str, body_line: int, made_on: date, path: str) -> tuple[Commitment, ...]:
    """The task items of the note `body` (which starts on file line `body_line`) as commitments."""
    return commitments(parse_note(body), body_line, made_on, path)


def markdown(text: str) -> str:
    """Notes' Markdown to safe HTML (no memo; `render` is the entry point)."""
    return parse_note(text).html


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
