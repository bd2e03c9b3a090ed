"""`playbook.json`: the stable, documented export for other tools and CI.

Keys are written in a fixed order and dates as ISO strings, so the same content and
as-of date always give the same bytes. Fields are only ever added, never renamed. Its JSON
Schema (`playbook.schema.json`, shipped beside this module) is written into the site next to
it and named by its `$schema`.
"""

from __future__ import annotations

import json
import zlib
from datetime import date
from importlib.resources import files
from typing import Any, Callable, Iterator, Protocol, Sequence, Sized

from ..engine.agenda import Entry, ranked
from ..engine.types import Action, Relationship
from ..model import Source
from ..names import CUSTOMER_FILES

SCHEMA_VERSION = 1
#: The JSON Schema of playbook.json (and of each customer's file, its `$defs/customer_file`),
#: written at the site's root; playbook.json names it, relative to itself, in `$schema`.
SCHEMA_FILE = "playbook.schema.json"


def schema_bytes() -> bytes:
    """The JSON Schema file as shipped in the package."""
    return files(__package__).joinpath(SCHEMA_FILE).read_bytes()


def _d(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _src(s: Source | None) -> str | None:
    return str(s) if s else None


def action_dict(a: Action) -> dict[str, Any]:
    return {
        "kind": a.kind, "title": a.title, "why": a.why, "due": _d(a.due), "due_since": _d(a.due_since),
        "priority": a.priority,
        "contact": a.contact, "owner": a.owner, "also_for": list(a.also_for), "source": _src(a.source),
        "customer": a.customer,
        "also": [{"title": x.text, "source": _src(x.source)} for x in a.also],
        "score": a.score, "score_reasons": list(a.score_reasons), "internal": a.internal,
    }


def customer_dict(r: Relationship) -> dict[str, Any]:
    c, tl = r.customer, r.timeline
    return {
        "slug": c.slug,
        "name": c.name,
        "owners": list(c.owners),
        "tier": c.tier,
        "tags": list(c.tags),
        "status": c.status,
        "stage": {"id": r.stage.id, "label": r.stage.label, "reasons": [x.text for x in r.stage.reasons],
                  "reason_sources": [_src(x.source) for x in r.stage.reasons]},
        "stage_history": [{"date": _d(p.date), "stage": p.stage} for p in r.stage_history],
        "flags": [{"id": f.id, "label": f.label, "reason": f.reason.text, "source": _src(f.reason.source)}
                  for f in r.flags],
        "pause": ({"until": _d(c.pause.until), "why": c.pause.why, "source": _src(c.pause.source)}
                  if c.pause else None),
        "health": {"score": r.health.score,
                   "factors": [{"name": f.name, "effect": f.effect, "why": f.why} for f in r.health.factors]},
        "cadence": r.cadence,
        "first_contact": _d(tl.first_contact),
        "last_contact": _d(tl.last_contact),
        "days_since_contact": tl.days_since,
        "last_heard": _d(tl.last_heard),
        "days_since_heard": tl.days_since_heard,
        "interactions": tl.count,
        "open_commitments": [
            {"text": oc.commitment.text, "due": _d(oc.due), "overdue_days": oc.overdue_days,
             "made_on": _d(oc.commitment.made_on), "source": _src(oc.commitment.source)}
            for oc in r.commitments
        ],
        "open_asks": [{"what": a.what, "since": _d(a.since), "source": _src(a.source), "from": a.from_}
                      for a in r.open_asks],
        "opportunities": [{"what": o.what, "value": o.value, "since": _d(o.since), "status": o.status,
                           "closed": _d(o.closed), "source": _src(o.source)} for o in c.opportunities],
        "parked_asks": [{"what": a.what, "since": _d(a.since), "until": _d(a.until), "from": a.from_,
                         "source": _src(a.source)} for a in r.parked_asks],
        "key_dates": [{"kind": k.kind, "date": _d(k.date), "title": k.title, "contact": k.contact}
                      for k in r.key_dates],
        "next_actions": [action_dict(a) for a in r.actions],
    }


def customer_json(r: Relationship) -> str:
    """One customer's entry, indented as it sits in the `customers` list (so a build can keep
    it per customer and assemble the file without redoing every customer)."""
    text = json.dumps(customer_dict(r), ensure_ascii=False, indent=2)
    return "    " + text.replace("\n", "\n    ")  # JSON strings never hold a raw newline


def customer_file(entry: bytes, as_of: date) -> bytes:
    """One customer's file (`names.customer_file`): its entry of playbook.json, byte for byte
    the same data, as `{"schema", "as_of", "customer"}` indented like playbook.json, so a
    tool can read one customer without the whole export."""
    head = json.dumps({"schema": SCHEMA_VERSION, "as_of": as_of.isoformat()}, indent=2)[:-2].encode()
    # The entry is indented by four spaces as it sits in the `customers` list; here it sits
    # two deep. JSON strings never hold a raw newline, so every newline starts a line.
    return head + b',\n  "customer": ' + entry.lstrip(b" ").replace(b"\n    ", b"\n  ") + b"\n}\n"


def agenda_line(a: Action) -> bytes:
    """An action as the `agenda` lists it, indented as there."""
    return ("    " + json.dumps(action_dict(a), ensure_ascii=False, indent=2).replace("\n", "\n    ")).encode()


def agenda_blob(r: Relationship) -> bytes:
    """This customer's share of the `agenda`: its actions as listed there, in its own order,
    NUL-separated (JSON text never holds a raw NUL), zlib. A build keeps it per customer (a
    tenth of what the lines took) and `pieces` ranks them by the actions themselves."""
    return zlib.compress(b"\0".join(agenda_line(a) for a in r.actions), 1)


def agenda_order(rels: Sequence[Relationship], ranked: Sequence[Entry]) -> list[tuple[int, int]]:
    """The agenda as (index in `rels`, index in its actions), in the book's ranking
    (engine.agenda)."""
    at = {r.customer.slug: n for n, r in enumerate(rels)}
    return [(at[slug], j) for _, slug, j, _ in ranked]


class Exported(Protocol):
    """What the export reads of a customer's unit (units.Unit)."""

    @property
    def akey(self) -> str: ...
    @property
    def json_text(self) -> bytes: ...
    @property
    def agenda_z(self) -> bytes: ...
    @property
    def action_count(self) -> int: ...


Layout = dict[str, tuple[int, ...]]
"""Where each customer's text sits in a playbook.json, by its analyse key (which its text is
a function of): its entry's start and end, then each of its agenda lines' start and end, in
its own order. The next build copies these ranges from the file as written, in runs, rather
than decompressing every customer's text again (a fifth of a `serve` rebuild at 1,000 × 50)."""

Read = Callable[[int, int], "bytes | Sized | None"]
"""Bytes start:end of the last file (or what stands for them, as long: the writer's
`write.Span`, which it copies as they are), or None when they cannot be read."""


class Stale(Exception):
    """The last file changed while it was read: make this one without it."""


def pieces(customers: Sequence[Exported], rels: Sequence[Relationship], as_of: date,
           old: tuple[Layout, Read] | None = None, layout: Layout | None = None,
           order: Sequence[tuple[int, int]] | None = None) -> Iterator["bytes | Sized"]:
    """The same file in pieces from each customer's entry and agenda share (`customer_json`,
    `agenda_blob`), a few customers at a time (a large playbook's file is never whole in
    memory), then the `agenda`: every customer's open actions in one list, highest score
    first, ties in customer order, then in the customer's own order. `rels`: the customers'
    relationships, in the same order; their actions (which slim units keep whole) rank the
    agenda when `order` is not given (and only then are they read).

    `old`: the last file's layout and a way to read it: a customer's text is copied from it
    when its analyse key is in that layout (raising `Stale` when it cannot be read as it
    was). `layout`: filled with this file's, once every piece is made. `order`: the agenda
    (`agenda_order`), when the build has ranked it already."""
    head = json.dumps({"$schema": SCHEMA_FILE, "schema": SCHEMA_VERSION, "as_of": as_of.isoformat(),
                       "customer_files": CUSTOMER_FILES}, indent=2)[:-2].encode()
    was, read = old if old is not None else ({}, None)
    if not customers:
        yield head + b',\n  "customers": [],\n  "agenda": []\n}\n'
        if layout is not None:
            layout.clear()
        return
    yield head + b',\n  "customers": [\n'
    joined = _Joined(read, len(head) + len(b',\n  "customers": [\n'))
    spans: list[list[int]] = []
    for n, c in enumerate(customers):
        span = was.get(c.akey)
        start = joined.old(span[0], span[1]) if span else joined.new(c.json_text)
        spans.append([start, joined.pos] + [0, 0] * c.action_count)
        if len(joined.out) >= 64:
            yield from joined.take()
    yield from joined.finish()
    if order is None:
        order = agenda_order(rels, ranked(rels))
    if not order:
        yield b'\n  ],\n  "agenda": []\n}\n'
    else:
        yield b'\n  ],\n  "agenda": [\n'
        joined = _Joined(read, joined.pos + len(b'\n  ],\n  "agenda": [\n'))
        lines: dict[int, list[bytes]] = {}
        for n, j in order:
            span = was.get(customers[n].akey)  # the same key: the same actions
            if span:
                start = joined.old(span[2 + 2 * j], span[3 + 2 * j])
            else:
                if n not in lines:
                    lines[n] = zlib.decompress(customers[n].agenda_z).split(b"\0")
                start = joined.new(lines[n][j])
            spans[n][2 + 2 * j:4 + 2 * j] = start, joined.pos
            if len(joined.out) >= 256:
                yield from joined.take()
        yield from joined.finish()
        yield b"\n  ]\n}\n"
    if layout is not None:
        layout.update((c.akey, tuple(spans[n])) for n, c in enumerate(customers))


#: The most of the last file read in one go (a large playbook's file is never whole in memory).
RUN_MAX = 1 << 23


class _Joined:
    """Items joined by ",\\n", each new bytes or a range of the last file. Ranges that follow
    one another there (so with the same ",\\n" between) are read in one go: after one edit,
    the file is a handful of reads. `pos`: the bytes made so far, in the whole file."""

    def __init__(self, read: Read | None, pos: int):
        self.read, self.pos = read, pos
        self.out: list[bytes] = []
        self.run: list[int] | None = None
        """The range of the last file still to read: [start, end]."""
        self.first = True

    def new(self, data: bytes) -> int:
        """Add `data`; returns where it starts."""
        self._read()
        if not self.first:
            self.out.append(b",\n")
            self.pos += 2
        self.first = False
        start = self.pos
        self.out.append(data)
        self.pos += len(data)
        return start

    def old(self, start: int, end: int) -> int:
        """Add bytes start:end of the last file; returns where they start in this one."""
        if self.run is not None and self.run[1] + 2 == start and end - self.run[0] <= RUN_MAX:
            self.run[1] = end
            self.pos += 2
        else:
            self._read()
            if not self.first:
                self.out.append(b",\n")
                self.pos += 2
            self.run = [start, end]
        self.first = False
        at = self.pos
        self.pos += end - start
        return at

    def _read(self) -> None:
        if self.run is None:
            return
        (start, end), self.run = self.run, None
        data = self.read(start, end) if self.read is not None else None
        if data is None or len(data) != end - start:
            raise Stale()
        self.out.append(data)

    def take(self) -> list[bytes]:
        """What is made so far (a range still open stays, to be read with the next)."""
        out, self.out = self.out, []
        return out

    def finish(self) -> list[bytes]:
        self._read()
        return self.take()
