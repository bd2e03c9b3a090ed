"""Key dates: birthdays, relationship anniversaries and renewals, next occurrence first."""

from __future__ import annotations

from datetime import date

from ..model import Birthday, Customer
from .types import KeyDate
from .words import ordinal


def next_birthday(b: Birthday, as_of: date) -> date:
    """The birthday on or after as_of."""
    d = b.on_year(as_of.year)
    return d if d >= as_of else b.on_year(as_of.year + 1)


def next_anniversary(since: date, as_of: date) -> tuple[date, int]:
    """(date, years) of the next anniversary on or after as_of, never the start day itself."""
    b = Birthday(since.month, since.day)
    d = next_birthday(b, as_of)
    years = d.year - since.year
    if years < 1:
        d, years = b.on_year(since.year + 1), 1
    return d, years


def key_dates(customer: Customer, as_of: date, horizon: int) -> tuple[KeyDate, ...]:
    """Every key date from as_of to as_of + horizon days, soonest first."""
    out: list[KeyDate] = []
    for c in customer.contacts:
        if c.birthday is None or (c.left is not None and c.left <= as_of and c.keep_in_touch is None):
            continue  # someone who has left, unless we keep in touch
        d = next_birthday(c.birthday, as_of)
        age = f" ({d.year - c.birthday.year})" if c.birthday.year else ""
        out.append(KeyDate("birthday", d, (d - as_of).days, f"{c.name}'s birthday{age}", c.name, c.source))
    if customer.since and customer.status != "ended":
        d, years = next_anniversary(customer.since, as_of)
        out.append(KeyDate("anniversary", d, (d - as_of).days,
                           f"{ordinal(years)} anniversary of working with {customer.name}", None, customer.at("since")))
    if customer.renewal and customer.renewal >= as_of and customer.status != "ended":
        out.append(KeyDate("renewal", customer.renewal, (customer.renewal - as_of).days,
                           f"{customer.name} renewal", None, customer.at("renewal")))
    kept = [k for k in out if k.days_until <= horizon]
    kept.sort(key=lambda k: (k.date, k.kind, k.title))
    return tuple(kept)
