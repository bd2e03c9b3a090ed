"""`playbook done`: tick an open promise (a task item '- [ ] …', in place, byte for byte) or mark an
open ask answered (in customer.yaml); or list what is open, numbered, to pick from."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Iterable

from ..config import load_config
from ..engine.demand import matches
from ..engine.words import fmt_date
from ..load import read_text, split_front_matter
from ..folders import CUSTOMERS_DIR, ignored
from ..model import Ask
from ..notes import extract_commitments, parse_note
from ..problems import escape_controls
from ..records import Record
from .customers import CustomerRef, customer_model, match_customer
from .errors import CaptureError, InvalidArgument
from .files import replace_file
from .profile import answer_ask, edit_profile


class Item(Record):
    """Something open (or done) with a customer: a promise in a note, or an ask in customer.yaml."""

    kind: str
    """'promise' or 'ask'."""
    path: Path
    """The file it is written in."""
    rel: str
    """That file, relative to the playbook root."""
    line: int
    """Where it starts."""
    text: str
    """The promise's text, or what they asked."""
    detail: str = ""
    """A few words more: the due date, who asked and since when."""
    ask: Ask | None = None
    """For an ask, as the loader reads it."""


def _promises(ref: CustomerRef) -> tuple[list[Item], list[Item]]:
    """(open, done) promises of a customer, in file order, each with file and line."""
    folder = ref.folder / "interactions"
    open_, done = [], []
    if not folder.is_dir():
        return open_, done
    for f in sorted(folder.iterdir(), key=lambda p: p.name):
        if ignored(f.name) or not f.name.endswith(".md") or not f.is_file():
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
            detail = f"due {fmt_date(c.due)}" if c.due else ""
            (done if c.done else open_).append(Item("promise", f, rel, c.source.line, c.text, detail))
    return open_, done


def _asks(root: Path, ref: CustomerRef) -> tuple[list[Item], list[Item]]:
    """(open, answered) asks in customer.yaml. Parked ones wait on purpose, so they are
    neither, unless something listed as `available` in playbook.yaml answers them: then there
    is news to tell, and telling it answers them."""
    config, _ = load_config(root)
    model = customer_model(root, ref, config)
    if model is None:
        return [], []
    open_, done = [], []
    for a in model.asks:
        news = matches(a, config.available, limit=1) if a.status == "parked" and config.available.entries else []
        words = [f"from {a.from_}" if a.from_ else "", f"since {fmt_date(a.since)}" if a.since else "",
                 f"parked; {news[0][0].what} is available from {fmt_date(news[0][0].on)}" if news else ""]
        item = Item("ask", ref.folder / "customer.yaml", a.source.path, a.source.line, a.what,
                    ", ".join(w for w in words if w), a)
        if a.done:
            done.append(item)
        elif a.status == "open" or news:
            open_.append(item)
    return open_, done


def open_items(root: Path, customer: str) -> tuple[CustomerRef, list[Item], list[Item]]:
    """The customer, its open promises and asks (promises first, in file order: the numbers
    `done` shows and takes), and those already done."""
    ref = match_customer(root, customer)
    promises, kept = _promises(ref)
    asks, answered = _asks(root, ref)
    return ref, promises + asks, kept + answered


def _where(items: Iterable[Item]) -> str:
    return "\n".join(f"  {o.rel}:{o.line}: {'ask: ' if o.kind == 'ask' else ''}{o.text}" for o in items)


def listing(ref: CustomerRef, items: list[Item]) -> str:
    """The open items, numbered as `done CUSTOMER N` takes them."""
    if not items:
        return f"{ref.name} has nothing open: no open promises ('- [ ] …' in its notes) and no open asks."
    lines = []
    for n, o in enumerate(items, 1):
        if n == 1 or o.kind != items[n - 2].kind:
            lines.append(f"Promises to {ref.name} not kept yet:" if o.kind == "promise" else
                         f"Asks from {ref.name} not answered yet:")
        # Each value escaped on its own: a newline in a file's name made a line of its own, and
        # the caller's per-line escaping let "::error file=…" through (a fuzzing session).
        lines += [escape_controls(f"{n:>3}. {o.text}" + (f" ({o.detail})" if o.detail else "")),
                  f"     {escape_controls(o.rel)}:{o.line}"]
    return "\n".join(lines)


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


class Ticked(Record):
    """What `done` ticked, or found done already."""

    item: Item
    """The promise or ask."""
    already: bool = False
    """It was done before: nothing was written."""


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def pick(ref: CustomerRef, open_: list[Item], closed: list[Item], choice: str) -> Item | Ticked:
    """The open item `choice` names: its number in `listing`, else the one whose text holds it
    (an exact text wins). A done one it names is returned as Ticked(already=True)."""
    choice = choice.strip()
    if choice.isdigit():
        n = int(choice)
        if 1 <= n <= len(open_):
            return open_[n - 1]
        if open_:
            raise CaptureError(f"there is no number {n}: {ref.name} has {len(open_)} open.\n"
                               f"{listing(ref, open_)}")
    key = _key(choice)
    if not key:
        raise InvalidArgument("give part of the promise's or ask's text, or its number, e.g. playbook done acme 2")
    hits = [o for o in open_ if key in _key(o.text)]
    exact = [o for o in hits if _key(o.text) == key]
    if len(exact) == 1:
        hits = exact
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise CaptureError(f"'{choice}' matches {len(hits)} open items of {ref.name}; give more of the text "
                           f"or the number:\n{listing(ref, open_)}")
    already = [o for o in closed if key in _key(o.text)]
    if already:
        return Ticked(already[0], already=True)
    if not open_:
        raise CaptureError(f"{listing(ref, open_)}")
    raise CaptureError(f"nothing open with {ref.name} contains '{choice}'.\n{listing(ref, open_)}")


def tick(root: Path, item: Item) -> Ticked:
    """Tick a promise (one byte, in place) or mark an ask answered (customer.yaml, proved)."""
    if item.kind == "promise":
        before = item.path.read_bytes()
        replace_file(item.path, before, tick_bytes(before, item.line), root)
        return Ticked(item)
    assert item.ask is not None
    config, _ = load_config(root)
    ref = CustomerRef(item.path.parent.name, item.path.parent.name, item.path.parent)
    edit_profile(root, ref, config, [answer_ask(item.ask)])
    return Ticked(item)


def done(root: Path, customer: str, choice: str) -> Ticked:
    """Tick the open promise or ask of `customer` that `choice` names (see `pick`)."""
    ref, open_, closed = open_items(root, customer)
    found = pick(ref, open_, closed, choice)
    return found if isinstance(found, Ticked) else tick(root, found)
