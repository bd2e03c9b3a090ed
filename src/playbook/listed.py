"""What the lists over all customers read of a customer: a row's facts (`RowFacts`), and of
an action, the action with its customer's name and owners.

A list page is keyed by the digests of these (`Unit.row_key`, `Unit.action_keys`, made at
analysis and kept with the unit), so a customer's row is made from its `RowFacts` only
(site/parts.py `customer_row`): nothing it shows can change without changing its key. An edit
that changes none of them (a note's summary, a later paragraph) renders no list again.
"""

from __future__ import annotations

from datetime import date

from .engine.types import Action, Flag, Relationship
from .model import Customer
from .records import Record

__all__ = ["RowFacts", "action_facts", "row_facts"]


class RowFacts(Record):
    """All that a customer's row or card in a list, and its size on a page, read of its
    relationship."""

    name: str
    slug: str
    stage: str
    """The stage's id."""
    flags: tuple[Flag, ...]
    reason: str
    """The stage's first reason ('' for none)."""
    health: int
    owners: tuple[str, ...]
    tier: str | None
    tags: tuple[str, ...]
    last_contact: date | None
    days_since: int | None
    next_action: str | None
    """The first action's title."""
    next_due: date | None


def row_facts(r: Relationship) -> RowFacts:
    c, tl = r.customer, r.timeline
    nxt = r.actions[0] if r.actions else None
    return RowFacts(c.name, c.slug, r.stage.id, tuple(r.flags), r.stage.reasons[0].text if r.stage.reasons else "",
                    r.health.score, tuple(c.owners), c.tier, tuple(c.tags), tl.last_contact, tl.days_since,
                    nxt.title if nxt else None, nxt.due if nxt else None)


def action_facts(a: Action, c: Customer) -> tuple[Action, str, tuple[str, ...]]:
    """All that a list's view of an action reads (`parts.action_view`): the action, and its
    customer's name and owners (whose lists it is on)."""
    return a, c.name, tuple(c.owners)
