"""`playbook done`: tick one open commitment (a task item '- [ ] …') in place, byte for byte."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable

from ..load import CUSTOMERS_DIR, IGNORED, read_text, split_front_matter
from ..notes import extract_commitments, parse_note
from .customers import CustomerRef, match_customer
from .errors import CaptureError, InvalidArgument
from .files import replace_file


@dataclass(frozen=True, slots=True)
class _Open:
    path: Path
    rel: str
    line: int
    text: str


def _open_commitments(root: Path, ref: CustomerRef) -> tuple[list[_Open], list[_Open]]:
    """(open, done) commitments of a customer, each with file and line."""
    folder = ref.folder / "interactions"
    open_, done = [], []
    if not folder.is_dir():
        return open_, done
    for f in sorted(folder.iterdir(), key=lambda p: p.name):
        if IGNORED.search(f.name) or not f.name.endswith(".md") or not f.is_file():
            continue
        rel = f"{CUSTOMERS_DIR}/{ref.slug}/interactions/{f.name}"
        text = read_text(f, rel, [])
        if text is None:
            continue
        split = split_front_matter(text, rel, [])
        if split is None:
            continue
        _, body, body_line = split
        for c in extract_commitments(body, body_line, date.min, rel):
            (done if c.done else open_).append(_Open(f, rel, c.source.line, c.text))
    return open_, done


def _where(items: Iterable[_Open]) -> str:
    return "\n".join(f"  {o.rel}:{o.line}: {o.text}" for o in items)


def open_box(text: str, line: int) -> int | None:
    """Where in `text` (an interaction file) the space inside the open task box on file line
    `line` is, or None when no open task item starts on that line. It reads the notes with
    the parse the site and `check` use, so `done` ticks exactly what the site lists."""
    lf = text.replace("\r\n", "\n").replace("\r", "\n")  # same lines: tick_bytes counts CR and CRLF as one
    split = split_front_matter(lf, "", [])
    if split is None:
        return None
    _, body, body_line = split
    if not any(t.line + body_line == line and not t.done for t in parse_note(body).tasks):
        return None
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    # Before the box a line holds only indentation, list markers and '>': its first '[' is the box.
    at = text.find("[", starts[line - 1])
    return at + 1 if text.startswith("[ ]", at) else None


def tick_bytes(data: bytes, line: int) -> bytes:
    """`data` with the task box on file line `line` ticked; every other byte kept, including
    a BOM and CRLF or CR line endings."""
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    text = data[len(bom):].decode("utf-8")
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    if not 1 <= line <= len(starts):
        raise CaptureError(f"line {line} is not in the file any more; try again")
    at = open_box(text, line)
    if at is None:
        raise CaptureError(f"line {line} is no longer an open task item; try again")
    out = bom + (text[:at] + "x" + text[at + 1:]).encode("utf-8")
    assert len(out) == len(data) and sum(a != b for a, b in zip(out, data)) == 1
    return out


@dataclass(frozen=True, slots=True)
class Ticked:
    """The commitment `done` ticked."""

    path: Path
    """The interaction file, edited in place."""
    rel: str
    """Its path relative to the playbook root."""
    line: int
    """The line of the task item."""
    text: str
    """The commitment's text."""


def done(root: Path, customer: str, fragment: str) -> Ticked:
    """Tick the one open commitment of `customer` whose text contains `fragment`."""
    key = " ".join(fragment.split()).casefold()
    if not key:
        raise InvalidArgument("give part of the commitment's text, e.g. playbook done acme \"send deck\"")
    ref = match_customer(root, customer)
    open_, closed = _open_commitments(root, ref)
    hits = [o for o in open_ if key in " ".join(o.text.split()).casefold()]
    exact = [o for o in hits if " ".join(o.text.split()).casefold() == key]
    if len(exact) == 1:
        hits = exact
    if not hits:
        already = [o for o in closed if key in " ".join(o.text.split()).casefold()]
        if already:
            raise CaptureError(f"'{fragment}' is already ticked:\n{_where(already)}")
        if not open_:
            raise CaptureError(f"{ref.name} has no open commitments (task items '- [ ] …' in its interactions)")
        raise CaptureError(f"no open commitment of {ref.name} contains '{fragment}'. Open ones:\n"
                           f"{_where(open_)}\nGive part of one of these texts.")
    if len(hits) > 1:
        raise CaptureError(f"'{fragment}' matches {len(hits)} open commitments of {ref.name}; "
                           f"give more of the text:\n{_where(hits)}")
    hit = hits[0]
    before = hit.path.read_bytes()
    replace_file(hit.path, before, tick_bytes(before, hit.line), root)
    return Ticked(hit.path, hit.rel, hit.line, hit.text)
