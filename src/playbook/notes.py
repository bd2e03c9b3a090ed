"""Notes as the loader and the pages use them: commitments and due-date warnings from a
note's one parse (`markdown.parse_note`, whose summary the loader takes too), and its HTML
for the pages."""

from __future__ import annotations

from datetime import date

from .markdown import Note, parse_note
from .model import Commitment, Source

__all__ = ["parse_note", "commitments", "bad_due_dates", "extract_commitments", "render"]


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


def render(text: str | None, top: int = 4) -> str:
    """Markdown to safe HTML (the profile's and contacts' notes; an interaction's notes come
    as `Interaction.html` from the loader's parse). `top`: the level of its highest heading
    (4 under a page's h3, 3 under an h2)."""
    return parse_note(text, top).html if text else ""
