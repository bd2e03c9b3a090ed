"""Due dates on working days: never a Saturday, a Sunday or a day the team marks as a holiday.

A date someone set (a promise's own due date) stays as written. A date counted back from an
event (the call before a renewal, a birthday) moves to the working day before; any other date (a
week to answer, "within 7 days", asking how a renewal gone by went) moves to the working day after.
"""

from __future__ import annotations

from datetime import date, timedelta

from msgspec.structs import replace

from .types import Action
from .words import fmt_day

Holidays = tuple[tuple[date, date], ...]
#: Kinds whose date is counted back from an event: they move earlier.
BEFORE_AN_EVENT = ("personal", "renewal")
#: A walk off the holidays stops after this many days (ranges are at most a year each).
MAX_WALK = 3 * 366


def off(d: date, holidays: Holidays) -> bool:
    """A weekend or a holiday."""
    return d.weekday() >= 5 or any(first <= d <= last for first, last in holidays)


def walk(d: date, holidays: Holidays, step: int) -> date:
    """The nearest working day from `d` (itself included) in the direction of `step` (±1)."""
    day = d
    for _ in range(MAX_WALK):
        if not off(day, holidays):
            return day
        day += timedelta(days=step)
    return d  # a year of holidays in a row: keep the date rather than guess


def today_word(as_of: date, holidays: Holidays) -> str:
    """'today', or on a day off 'on Tue 30 Mar', the next working day: the renewal's eve read
    "Visit Helen Marsh today" on Easter Monday, a holiday in playbook.yaml (a twenty-fifth blind
    read)."""
    return "today" if not off(as_of, holidays) else f"on {fmt_day(walk(as_of, holidays, 1))}"


def after_working_days(d: date, n: int, holidays: Holidays) -> date:
    """The `n`th working day after `d` ('within three working days' of a Friday is Wednesday)."""
    day = d
    for _ in range(n):
        day = walk(day + timedelta(days=1), holidays, 1)
    return day


def working_due(a: Action, holidays: Holidays, as_of: date) -> date:
    if a.firm and a.kind != "personal":  # a promise's own date, whatever action it joined
        return a.due
    if a.renewal_step == "lapsed":
        # Asking how a renewal went comes after it: Kestrel's, on a Sunday, read "due Friday 26
        # Feb… 43 days overdue" beside "passed 41 days ago" (an account manager's objection).
        return walk(a.due, holidays, 1)
    # A personal touch counted from an event is firm (a birthday); keeping in touch every so
    # many days is a rule of thumb like any other, so it moves later.
    if a.kind in BEFORE_AN_EVENT and (a.firm or a.kind != "personal"):
        before = walk(a.due, holidays, -1)
        if before >= as_of:
            return before
        # Gone by: a birthday greeting goes on the day (a weekend's, today, is today's), and a
        # belated one the working day after it (Lantern's read "due Sat 28 Nov": a fourth blind
        # read); a call before a renewal that was not made is shown late by as long (it used to
        # read "today", every day, until the renewal).
        if a.kind == "personal":
            return a.due if a.due >= as_of else walk(a.due, holidays, 1)
        return before
    return walk(a.due, holidays, 1)


def on_working_days(actions: list[Action], holidays: Holidays, as_of: date) -> list[Action]:
    out = []
    for a in actions:
        due = working_due(a, holidays, as_of)
        out.append(a if due == a.due else replace(a, due=due))
    return out


def held_since(actions: list[Action], holidays: Holidays, as_of: date) -> list[Action]:
    """`Action.due_since` on an action still held at the build's day (on a day off, the next
    working day) since an earlier working day: a day off it fell due on reads as the working day
    after ("overdue since" a Sunday, on the Monday, is due today). Not on one a merge made late, a
    pause put off, or another action moved after: its day is then its own, and "since" would
    misdate it."""
    first = walk(as_of, holidays, 1)
    out = []
    for a in actions:
        since = walk(a.due_since, holidays, 1) if a.due_since is not None and a.due == first else None
        kept = since if since is not None and since < as_of else None
        out.append(a if kept == a.due_since else replace(a, due_since=kept))
    return out
