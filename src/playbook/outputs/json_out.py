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
from typing import Any, Iterable, Iterator, Sequence

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
        "kind": a.kind, "title": a.title, "why": a.why, "due": _d(a.due), "priority": a.priority,
        "contact": a.contact, "owner": a.owner, "source": _src(a.source), "customer": a.customer,
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


_PRIORITY = {"high": 0, "medium": 1, "low": 2}


def agenda_key(a: dict[str, Any]) -> tuple:
    """The engine's ranking (Action.sort_key) on an exported action."""
    return (-a["score"], _PRIORITY[a["priority"]], a["due"], a["customer"], a["kind"], a["title"])


def agenda_line(a: Action) -> bytes:
    """An action as the `agenda` lists it, indented as there."""
    return ("    " + json.dumps(action_dict(a), ensure_ascii=False, indent=2).replace("\n", "\n    ")).encode()


def agenda_blob(r: Relationship) -> bytes:
    """This customer's share of the `agenda`: its actions as listed there, in its own order,
    NUL-separated (JSON text never holds a raw NUL), zlib. A build keeps it per customer (a
    tenth of what the lines took) and `pieces` ranks them by the actions themselves."""
    return zlib.compress(b"\0".join(agenda_line(a) for a in r.actions), 1)


def agenda_rank(a: Action) -> tuple:
    """`agenda_key` of the action's exported form, without exporting it."""
    return (-a.score, _PRIORITY[a.priority], _d(a.due), a.customer, a.kind, a.title)


def pieces(customers: Iterable[tuple[bytes, bytes]], rels: Sequence[Relationship], as_of: date) -> Iterator[bytes]:
    """The same file in pieces from each customer's entry and agenda share (`customer_json`,
    `agenda_blob`), one customer at a time (a large playbook's file is never whole in memory),
    then the `agenda`: every customer's open actions in one list, highest score first, ties
    in customer order, then in the customer's own order. `rels`: the customers, in the same
    order; their actions (which slim units keep whole) rank the agenda."""
    head = json.dumps({"$schema": SCHEMA_FILE, "schema": SCHEMA_VERSION, "as_of": as_of.isoformat(),
                       "customer_files": CUSTOMER_FILES}, indent=2)[:-2].encode()
    first = True
    shares = []
    for entry, share in customers:
        yield (head + b',\n  "customers": [\n') if first else b",\n"
        yield entry
        shares.append(share)
        first = False
    yield head + b',\n  "customers": []' if first else b"\n  ]"
    order = sorted((agenda_rank(a), n, j) for n, r in enumerate(rels) for j, a in enumerate(r.actions))
    if not order:
        yield b',\n  "agenda": []\n}\n'
        return
    lines = [zlib.decompress(z).split(b"\0") if z else [] for z in shares]
    yield b',\n  "agenda": [\n'
    yield b",\n".join(lines[n][j] for _, n, j in order)
    yield b"\n  ]\n}\n"
