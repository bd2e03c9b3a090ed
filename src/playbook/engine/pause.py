"""Pauses the customer asked for: while one is in force, silence is expected, not a warning."""

from __future__ import annotations

from datetime import date

from ..model import Customer, Pause
from .touches import one_way
from .types import Timeline
from .words import days, fmt_date, sentence


def pause_start(customer: Customer, as_of: date) -> date | None:
    """When the pause began: its `since`, else the last conversation logged by as_of and before
    its end (where it was most likely agreed), else the start of the relationship."""
    p = customer.pause
    if p is None:
        return None
    if p.since is not None:
        return p.since
    # Agreed in a conversation before `until`: not in one after it, nor in an email of ours that
    # went unanswered during it (which would leave the days before it counted once it is over).
    last = next((i.date for i in reversed(customer.interactions)
                 if i.date <= as_of and i.date < p.until and not one_way(i)), None)
    return last or customer.since


def paused_days(customer: Customer, heard: date, as_of: date) -> int:
    """The days of the silence from `heard` to as_of that fell inside the customer's pause:
    silence they asked for, which no rule counts against them, during the pause or after it
    (Ashby, quiet a year at its own request, read "Nothing heard for 352 days" and dormant on
    the very day its pause ended)."""
    p = customer.pause
    start = pause_start(customer, as_of)
    if p is None or start is None:
        return 0
    return max(0, (min(as_of, p.until) - max(heard, start)).days)


def in_force(customer: Customer, day: date, start: date | None) -> Pause | None:
    """The customer's pause when it holds on `day` (from `start` up to the day before `until`)."""
    p = customer.pause
    if p is None or day >= p.until or (start is not None and day < start):
        return None
    return p


def pause_text(p: Pause) -> str:
    """'Paused until 1 Apr 2027 at their request: Not before the new budget year.'"""
    return f"Paused until {fmt_date(p.until)} at their request" + (f": {sentence(p.why)}" if p.why else ".")


def pause_ended_text(p: Pause) -> str:
    """'The pause they asked for ended on 1 Apr 2027: Not before the new budget year.'"""
    return f"The pause they asked for ended on {fmt_date(p.until)}" + (f": {sentence(p.why)}" if p.why else ".")


def quiet_since(tl: Timeline, what: str) -> str:
    """What a silence of `tl.quiet_days` counts from: `what` (the last touch), or, past a pause
    the customer asked for, its end: 'the pause they asked for ended on 1 Apr 2027 (last heard
    14 Apr 2026)'. A pause agreed after the silence began leaves the days before it counted."""
    if not tl.paused_days or tl.pause_until is None:
        return what
    if tl.quiet_from == tl.pause_until:
        before = f"last heard {fmt_date(tl.last_heard)}" if tl.last_heard else "nothing heard before it"
        return f"the pause they asked for ended on {fmt_date(tl.pause_until)} ({before})"
    return (f"{what}, not counting the {days(tl.paused_days)} of the pause they asked for (to "
            f"{fmt_date(tl.pause_until)})")


def paused_part(tl: Timeline) -> str:
    """', 352 of them in the pause they asked for (to 1 Apr 2027)', or '': beside the plain
    count of days since they were last heard from."""
    if not tl.paused_days or tl.pause_until is None:
        return ""
    return f", {tl.paused_days} of them in the pause they asked for (to {fmt_date(tl.pause_until)})"


def outside_pause(tl: Timeline) -> str:
    """' outside the pause they asked for (to 1 Apr 2027)', or '': after a count of `quiet_days`."""
    if not tl.paused_days or tl.pause_until is None:
        return ""
    return f" outside the pause they asked for (to {fmt_date(tl.pause_until)})"
