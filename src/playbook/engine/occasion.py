"""The day a promise is for, when its text names one after its due date: "Build the laptops for
the 1 December starters" (due 27 Nov), "Run the pre-Christmas Wi-Fi health check".

Once that day has gone by, delivering late no longer helps: the starters began with laptops or
without them. Kestrel's promise read "7 days overdue… at risk if still open on 12 Dec" three
days after its starters began, as if there were still time (an account manager's objection).
Pure: the text and the promise's days are passed in.
"""

from __future__ import annotations

import re
from datetime import date

from ..model import Customer, Interaction
from .merge import topic
from .types import Occasion
from .words import fmt_date

_MONTHS = {name: n for n, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")), start=1) for name in names}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ORDINAL = r"(\d{1,2})(?:st|nd|rd|th)?"
#: A word before the day that makes it a start, not what the work is for ("after 1 Dec").
_NOT_FOR = r"(?<!\bafter )(?<!\bfrom )(?<!\bsince )"
_DAY_MONTH = re.compile(rf"{_NOT_FOR}\b{_ORDINAL}\s+({_MONTH})\b", re.IGNORECASE)
_MONTH_DAY = re.compile(rf"{_NOT_FOR}\b({_MONTH})\s+{_ORDINAL}\b(?!\s*(?:%|am|pm|:))", re.IGNORECASE)
#: No feasts: "pre-Christmas" at a hotel means before the party season, weeks before 25 Dec
#: (Lantern's Wi-Fi check read "It is for Christmas, in 5 days": an account manager's objection).


def _nearest(month: int, day: int, made_on: date) -> date | None:
    """That day in the year nearest `made_on`, if it comes after it: a day before it is an
    event gone by that the work is about ("the root-cause report for the 3 November outage"),
    not one it is for. None for a day no month has."""
    try:
        days = [date(made_on.year + k, month, day) for k in (-1, 0, 1)]
    except ValueError:
        return None
    found = min(days, key=lambda d: abs((d - made_on).days))
    return found if found > made_on else None


def named_days(text: str, made_on: date) -> list[tuple[date, str | None]]:
    """Every day the text names that comes after `made_on` (`_nearest`), with the feast's name
    if it is one ("Christmas")."""
    found: list[tuple[date | None, str | None]] = []
    for m in _DAY_MONTH.finditer(text):
        found.append((_nearest(_MONTHS[m.group(2).lower()], int(m.group(1)), made_on), None))
    for m in _MONTH_DAY.finditer(text):
        found.append((_nearest(_MONTHS[m.group(1).lower()], int(m.group(2)), made_on), None))
    return [(d, name) for d, name in found if d is not None]


def occasion(text: str, made_on: date, due: date) -> tuple[date, str | None] | None:
    """The first day the text names that comes after `due`: what the work is for, with the
    feast's name if it is one ("Christmas"). None when it names none, or only days up to its
    due date (a deadline said twice: "Send it by 1 Dec"), or days gone by when it was made."""
    after = sorted((d, name or "") for d, name in named_days(text, made_on) if d > due)
    return (after[0][0], after[0][1] or None) if after else None


#: Words too common to tie a promise to a date: it must share another with the note or the date.
_GENERIC = frozenset("send sent call book chec conf find out what get make new".split())
#: A promise about the renewal is for it when the renewal comes this soon after its due date.
RENEWAL_AFTER_DUE_DAYS = 60


def promise_for(text: str, made_on: date, note: Interaction, customer: Customer, due: date) -> Occasion | None:
    """The day a promise due on `due` is for: a day its text names ('1 Dec 2026'); else the
    renewal, for a promise about it due shortly before it ("Follow up with Jo on the renewal
    quote": once the renewal has gone by, the follow-up is no longer the point); else one of
    the customer's own dates (customer.yaml `dates`) that the note it was made in names, when
    the promise shares a word with that date or the note's summary. Loomwork's "Send the device
    order confirmation to Marta" was made in Marta's note of the "December new-starter list and
    device order", whose starters' "first day Monday 7 December" customer.yaml gives; "Send Ben
    the per-seat support pricing" in a note naming the office move's day is for no move."""
    found = occasion(text, made_on, due)
    if found is not None:
        return Occasion(found[0], fmt_date(found[0]))
    r = customer.renewal
    if r is not None and "renew" in text.lower() and made_on <= r and 0 < (r - due).days <= RENEWAL_AFTER_DUE_DAYS:
        return Occasion(r, f"the renewal of {fmt_date(r)}")
    names = frozenset(w for c in customer.contacts for w in topic(c.name))
    mine = topic(text) - names - _GENERIC
    if not mine:
        return None
    named = {d for d, _ in named_days(f"{note.summary or ''}\n{note.body}", note.date)}
    told = topic(note.summary or "") - names
    for e in sorted(customer.dates, key=lambda e: (e.on, e.what)):
        if e.on in named and e.on > due and mine & (told | topic(e.what)):
            return Occasion(e.on, f"\u201c{e.what}\u201d ({fmt_date(e.on)})", e.source)
    return None
