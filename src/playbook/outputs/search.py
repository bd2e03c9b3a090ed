"""`search-index.js`: the client-side search index, loaded by `search.html` with a <script>.

Why a hand-made index rather than Pagefind: the site must work opened from the file system
(file://), and Pagefind's UI loads its index with fetch() and import(), which Chromium
refuses on file:// URLs; a script that assigns `window.PLAYBOOK_SEARCH` loads everywhere.
Measured (Pagefind 1.5.2, headless Chromium): Pagefind's output is byte-identical across runs
but its search fails from file:// (its UI import()s its own modules); over the example site
it writes 97 files, 872 KB, against 58 KB here. A large playbook's index (23 MB at 1,000
customers × 50 interactions) is written in pieces that a query loads on demand, by <script>
tags too (search_shards.py); up to ONE_FILE_MAX it is this one file, loaded whole.

The file holds one entry per customer, with its contacts and interactions (up to as_of)
nested inside so that the customer's name, page and tags are written once, not once per
record; `assets/search.js` flattens it into records when it loads:

    [slug, name, context, people, tags, text,
        [[anchor, name, role, extra, text], …],                  # contacts
        [[anchor, summary, date, type, with, by, text], …]]      # interactions, newest first

- context: the line shown under a customer result (tier · stage · owners)
- people: the customer's contact names; tags: tags, tier, stage, owners (handles and names)
- extra: more words a contact is found by (the email address)
- anchor: the id of the contact or interaction on the customer page, from the same
  functions the site uses (`names.contact_ids`, `names.interaction_anchor`)
- text: the notes as plain text, cut to NOTE_CAP characters

Trailing empty fields are left out. `<`, `>` and `&` are written as \\u escapes, so the file
never holds markup from notes (and could even be inlined in a page safely).
"""

from __future__ import annotations

import json
import zlib
from typing import Iterable, Iterator

from ..config import Config
from ..engine.types import Relationship
from ..markdown import parse_note
from ..model import Customer
from ..names import contact_ids, interaction_anchor
from .search_shards import words_blob

#: Characters of notes kept per record. Past it words are not found by search (they stay on
#: the page); 300 keeps the first paragraph or two, which is where the gist usually is.
NOTE_CAP = 300

def plain(markdown: str | None, cap: int = NOTE_CAP) -> str:
    """Markdown notes as one line of plain text, at most `cap` characters (cut at a word): the
    words their page shows, from the one parse of a note (`markdown.parse_note`)."""
    return cut(parse_note(markdown).text, cap) if markdown else ""


def cut(text: str, cap: int = NOTE_CAP) -> str:
    """Plain text cut to at most `cap` characters, at a word where one ends late enough."""
    if len(text) > cap:
        head = text[:cap]
        space = head.rfind(" ")
        text = (head[:space] if space > cap * 0.6 else head).rstrip(" ,;:") + "…"
    return text


def _trim(rec: list) -> list:
    while rec and not rec[-1]:
        rec.pop()
    return rec


def entries(relationships: list[Relationship], config: Config) -> list[list]:
    """One nested entry per customer, in the relationships' order."""
    return [entry(r, config) for r in relationships]


def entry(r: Relationship, config: Config) -> list:
    """One customer's nested entry."""
    c: Customer = r.customer
    owners: list[str] = []
    for h in c.owners:
        m = config.member(h)
        owners += [h, m.name] if m and m.name != h else [h]
    context = " · ".join(x for x in (c.tier and c.tier.capitalize(), r.stage.label,
                                     ", ".join(c.owners)) if x)
    ids = contact_ids([p.name for p in c.contacts])
    contacts = [_trim([ids[p.name], p.name, p.role or "", p.email or "", plain(p.notes)]) for p in c.contacts]
    items = [i for i in c.interactions if i.date <= r.as_of]
    interactions = [_trim([interaction_anchor(i), i.summary or i.type.capitalize(), i.date.isoformat(),
                           i.type, " ".join(i.with_), i.by or "", cut(i.text)])
                    for i in reversed(items)]
    return [c.slug, c.name, context, " ".join(p.name for p in c.contacts),
            " ".join((*c.tags, c.tier or "", r.stage.label, *owners)).strip(), plain(c.notes),
            contacts, interactions]


def entry_line(r: Relationship, config: Config) -> str:
    """One customer's line of the index, escaped (so a build can keep it per customer)."""
    return _line(entry(r, config))


def _line(e: list) -> str:
    line = json.dumps(e, ensure_ascii=False, separators=(",", ":"))
    return (line.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def blobs(r: Relationship, config: Config) -> tuple[bytes, bytes]:
    """What a build keeps of a customer for the index (zlib): its line, and its words for
    the index in pieces (search_shards.words_blob)."""
    e = entry(r, config)
    line = _line(e).encode("utf-8")
    return zlib.compress(line, 1), words_blob(e, len(line))


_HEAD = "/* Playbook search index; format in playbook/outputs/search.py. */\nwindow.PLAYBOOK_SEARCH=[\n"


def assemble(lines: list[bytes]) -> bytes:
    """The file from `entry_line`s encoded as UTF-8 (bytes, so a rebuild after one edit
    joins the lines it kept instead of encoding 20 MB again)."""
    return b"".join(parts(lines))


def parts(lines: Iterable[bytes]) -> Iterator[bytes]:
    """The file in pieces, to write without joining them first (taking one line at a time)."""
    # One line per customer: a rebuild after one edit shows as a one-line diff.
    yield _HEAD.encode()
    for k, line in enumerate(lines):
        if k:
            yield b",\n"
        yield line
    yield b"\n];\n"
