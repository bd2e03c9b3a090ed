"""`playbook asks`: what the book is asking for, grouped as on the site's asks page."""

from __future__ import annotations

import argparse
import json
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

from .check import load_clean
from .config import Config
from .engine import analyse_all
from .engine.demand import AskGroup, Wish, group_asks, group_news, matches
from .engine.types import Relationship
from .engine.words import count, days, fmt_date, money
from .problems import escape_lines


def _wish_dict(w: Wish, names: dict[str, str], config: Config, as_of: date) -> dict[str, Any]:
    a = w.ask
    avail = config.available
    tell = [e.what for e, _ in matches(a, avail, as_of, 1)] if avail.entries else []
    return {
        "customer": w.customer, "customer_name": names.get(w.customer, w.customer), "what": a.what,
        "from": a.from_, "since": a.since.isoformat() if a.since else None,
        "days_ago": (as_of - a.since).days if a.since else None, "status": "parked" if w.parked else "open",
        "until": a.until.isoformat() if w.parked and a.until else None, "about": list(a.about),
        "tell": tell[0] if tell else None, "source": str(a.source),
    }


def group_dict(g: AskGroup, names: dict[str, str], config: Config, as_of: date) -> dict[str, Any]:
    """A group as `playbook asks --format json` gives it (keys in a fixed order)."""
    return {
        "label": g.label, "words": list(g.words), "customers": list(g.customers), "value": g.value,
        "customers_without_value": g.unvalued,
        "available": [{"what": n.entry.what, "on": n.entry.on.isoformat(), "about": list(n.entry.about),
                       "asks": n.asks, "to_tell": n.to_tell, "source": f"playbook.yaml:{n.entry.line}"}
                      for n in group_news(g, config.available, as_of)],
        "asks": [_wish_dict(w, names, config, as_of) for w in g.wishes],
    }


def asks_json(rels: list[Relationship], config: Config, as_of: date) -> str:
    groups, alone = group_asks(rels)
    names = {r.customer.slug: r.customer.name for r in rels}
    return json.dumps({"as_of": as_of.isoformat(),
                       "groups": [group_dict(g, names, config, as_of) for g in groups],
                       "ungrouped": group_dict(alone, names, config, as_of)["asks"]},
                      ensure_ascii=False, indent=2)


def _lines(g: AskGroup, names: dict[str, str], config: Config, as_of: date, width: int) -> list[str]:
    out = []
    for n in group_news(g, config.available, as_of):
        state = f"available since {fmt_date(n.entry.on)}" if n.to_tell else f"coming {fmt_date(n.entry.on)}"
        out.append(f"  {n.entry.what}: {state}, {count(n.asks, 'ask', 'asks')}"
                   f"{' to tell' if n.to_tell else ''} (playbook.yaml:{n.entry.line})")
    for w in g.wishes:
        d = _wish_dict(w, names, config, as_of)
        when = f"{fmt_date(w.ask.since)} ({days(d['days_ago'])} ago)" if w.ask.since else "undated"
        who = f" · {w.ask.from_}" if w.ask.from_ else ""
        state = f" · parked{' until ' + fmt_date(w.ask.until) if w.ask.until else ''}" if w.parked else ""
        out.append(f"  {when}  {d['customer_name']}{who}{state}")
        out.append(textwrap.fill(f"\u201c{w.ask.what}\u201d", width=width, initial_indent=" " * 4,
                                 subsequent_indent=" " * 5))
        if d["tell"]:
            out.append(f"    → tell them: {d['tell']} is available")
        out.append(f"    {w.ask.source}")
    return out


def asks_text(rels: list[Relationship], config: Config, as_of: date, width: int = 100) -> str:
    groups, alone = group_asks(rels)
    names = {r.customer.slug: r.customer.name for r in rels}
    asks = sum(len(g.wishes) for g in (*groups, alone))
    people = len({w.customer for g in (*groups, alone) for w in g.wishes})
    lines = [f"What customers ask for, as of {fmt_date(as_of)}: {count(asks, 'open or parked ask', 'open or parked asks')} "
             f"from {count(people, 'customer', 'customers')}; {count(len(groups), 'thing', 'things')} asked for by "
             "more than one"]
    for g in groups:
        value = f", {money(g.value, config.currency)} a year" if g.value else ""
        lines += ["", f"{g.label} \u2014 {count(len(g.customers), 'customer', 'customers')}{value}",
                  *_lines(g, names, config, as_of, width)]
    if alone.wishes:
        lines += ["", f"Asked by one customer \u2014 {len(alone.wishes)}", *_lines(alone, names, config, as_of, width)]
    return "\n".join(lines)


def run_asks(root: Path, args: argparse.Namespace) -> int:
    clean = load_clean(root, args.as_of)
    if clean is None:
        return 1
    loaded, as_of = clean
    rels = analyse_all(loaded.playbook, loaded.config, as_of)
    if args.format == "json":
        print(asks_json(rels, loaded.config, as_of))
    else:
        # What people wrote steers no terminal (an ask holding "\x1b]0;…" set the window's title,
        # "\x1b[2J" cleared the screen: a fuzzing session), as `actions` and `digest` escape it.
        print(escape_lines(asks_text(rels, loaded.config, as_of)))
    return 0
