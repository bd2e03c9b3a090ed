"""Pauses the customer asked for: while one is in force, silence is expected, not a warning."""

from __future__ import annotations

from datetime import date

from ..model import Customer, Pause
from .timeline import upto
from .words import fmt_date, sentence


def pause_start(customer: Customer, as_of: date) -> date | None:
    """When the pause began: its `since`, else the last touch logged by as_of (where it was
    most likely agreed), else the start of the relationship."""
    p = customer.pause
    if p is None:
        return None
    if p.since is not None:
        return p.since
    items = upto(customer, as_of)
    return items[-1].date if items else customer.since


def in_force(customer: Customer, day: date, start: date | None) -> Pause | None:
    """The customer's pause when it holds on `day` (from `start` up to the day before `until`)."""
    p = customer.pause
    if p is None or day >= p.until or (start is not None and day < start):
        return None
    return p


def pause_text(p: Pause) -> str:
    """'Paused until 1 Apr 2027 at their request: Not before the new budget year.'"""
    return f"Paused until {fmt_date(p.until)} at their request" + (f": {sentence(p.why)}" if p.why else ".")
