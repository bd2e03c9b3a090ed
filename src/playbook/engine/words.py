"""Small wording helpers so every reason reads the same way."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

from ..model import SENTIMENT_LABELS


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: Honorifics skipped when matching a person by first name ('Dr Tom Adebayo' is Tom).
NAME_TITLES = frozenset("Dr Prof Cllr Mr Mrs Ms Mx Miss Sir Dame Rev".split())


def name_words(name: str) -> tuple[str, ...]:
    """What a person is called by in a note: the full name, and the first name."""
    parts = [p for p in name.replace(".", " ").split() if p not in NAME_TITLES]
    return (name, parts[0]) if parts and parts[0] != name else (name,) if name else ()


def named_in(text: str, people: tuple[str, ...]) -> str | None:
    """The first of `people` the text names, by full name or first name ('…between Maya and Simon')."""
    for name in people:
        if any(re.search(rf"\b{re.escape(word)}\b", text) for word in name_words(name)):
            return name
    return None


def first_name(name: str) -> str:
    """'Tom' for 'Dr Tom Adebayo', as one would write it in a note."""
    parts = [p for p in name.replace(".", " ").split() if p not in NAME_TITLES]
    return parts[0] if parts else name


def fmt_date(d: date | None) -> str:
    """'12 Nov 2026': unambiguous for every reader, and independent of the machine's locale."""
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}" if d else "never"


def fmt_day(d: date) -> str:
    """'Tue 24 Nov', for dates in the coming weeks."""
    return f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]}"


def days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def in_days(n: int) -> str:
    """'in 3 days', 'today': Brightwell's renewal read "(in 0 days)" on its day (a blind read)."""
    return f"in {days(n)}" if n else "today"


def span(n: int) -> str:
    """A window of `n` days as the site names it: 'three months' for the default 90 (a team's
    `growth_window_days: 60` had read "in the last three months"), else '60 days'."""
    return "three months" if n == 90 else days(n)


def weeks_or_days(n: int) -> str:
    """'8 weeks' for a whole number of weeks, else '10 days' (as `renewal_lead: 8w` was written)."""
    if n % 7 == 0 and n >= 14:
        return f"{n // 7} weeks"
    return days(n)


def ago(as_of: date, d: date) -> str:
    n = (as_of - d).days
    if n == 0:
        return "today"
    if n == 1:
        return "yesterday"
    return f"{n} days ago ({fmt_date(d)})"


def sentiment_word(value: int | None) -> str:
    return SENTIMENT_LABELS.get(value, "unrated") if value is not None else "unrated"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def per(n: int) -> str:
    """'14-day', as in 'a 14-day cadence'."""
    return f"{n}-day"


def sentence(text: str) -> str:
    """The text as a sentence: one full stop at the end, never two ('shelved..')."""
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def short_date(d: date) -> str:
    """'22 Oct', for lists of recent dates in one sentence."""
    return f"{d.day} {MONTHS[d.month - 1]}"


def day_list(days_: list[date]) -> str:
    """'22 Oct, 4 Nov and 12 Nov 2026' (the year of the last)."""
    when = [short_date(x) for x in days_]
    listed = when[0] if len(when) == 1 else f"{', '.join(when[:-1])} and {when[-1]}"
    return f"{listed} {days_[-1].year}"


def count(n: int, one: str, many: str) -> str:
    """'1 touch', '3 touches', '1 person', '2 people'."""
    return f"{n} {one if n == 1 else many}"


def half_up(x: float) -> int:
    """The nearest whole number, halves up: a median of 54.5 days reads 55, as 51.5 reads 52
    (`round` takes halves to the even one)."""
    return math.floor(x + 0.5)


def people(names: tuple[str, ...], shown: int = 2) -> str:
    """'Ann', 'Ann and Bo', 'Ann, Bo and 2 others' (with `shown` 2: more are counted, not named)."""
    if len(names) <= shown:
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}" if names else ""
    more = len(names) - shown
    return f"{', '.join(names[:shown])} and {more} other{'s' if more > 1 else ''}"


def money(value: float, currency: str | None = None) -> str:
    """'£142,000', 'GBP 142,000', '142,000' (the currency as playbook.yaml gives it)."""
    return f"{currency or ''}{value:,.0f}"


#: A year said by the day it was written ("in the new year", "next year"): what it meant then.
_RELATIVE_YEAR = re.compile(r"\b(?:the\s+new\s+year|next\s+year|this\s+year|last\s+year)\b", re.IGNORECASE)


def _year_said(phrase: str, on: date) -> int:
    words = phrase.lower().split()
    if words[0] == "next":
        return on.year + 1
    if words[0] == "last":
        return on.year - 1
    if words[-2:] == ["new", "year"]:
        return on.year + 1 if on.month >= 7 else on.year  # (said in January, the one begun)
    return on.year


def year_meant(text: str, written: date, as_of: date) -> str:
    """' (“The new year” then meant 2026.)' when `text`, written on `written`, names a year by
    that day and would name another read on as_of; else ''. Pemberton's brief quoted "Alan says
    they'll call us in the new year" from September 2025 in December 2026, where it read as the
    coming January (an account manager's objection)."""
    m = _RELATIVE_YEAR.search(text)
    if m is None:
        return ""
    phrase = " ".join(m.group(0).split())
    meant = _year_said(phrase, written)
    if meant == _year_said(phrase, as_of):
        return ""
    return f" (\u201c{phrase[0].upper()}{phrase[1:]}\u201d then meant {meant}.)"


#: A last word that leaves the next move to them ("Alan says they'll call us in the new year").
_THEIRS_NEXT = re.compile(r"\b(?:they|he|she|[A-Z][a-z]+)(?:'ll|\u2019ll| will| would| are going to| is going to)"
                          r" (?:call|ring|phone|email|write to|come back to|get back to|get in touch with|contact) us\b"
                          r"|\b(?:they|he|she)(?:'ll|\u2019ll| will| would) be in touch\b", re.IGNORECASE)


def theirs_to_raise(last: str, written: date | None = None, as_of: date | None = None) -> str:
    """What to make of the last word heard when it left the next move to them: said of the
    last touch, they have not made it. Pemberton's brief said to bring up the online shop ("Alan
    says they'll call us in the new year about the online shop") beside "Parked: Click-and-collect
    for Christmas trees. Do not push it" (a thirtieth blind read): the subject is theirs to raise.
    Within the time they gave (`theirs_wait`, of the note `written` then), they are not late."""
    if not _THEIRS_NEXT.search(last):
        return ""
    wait = theirs_wait(last, written) if written is not None and as_of is not None else None
    if wait is not None and as_of is not None and as_of < wait[1]:
        return (f" The next move is theirs, from {fmt_date(wait[0])}: leave it to them until {fmt_date(wait[1])}."
                if as_of < wait[0] else
                f" The next move is theirs, since {fmt_date(wait[0])}: leave it to them until {fmt_date(wait[1])}.")
    return THEIRS_RAISE


#: What `theirs_to_raise` says once the time they gave, if any, is past.
THEIRS_RAISE = " They were to get back to us, and have not: ask how they are, and let them raise it."


#: A month of the time they gave ("in the new year": January), and then a touch is due.
THEIRS_GRACE_DAYS = 31


def theirs_wait(last: str, written: date) -> tuple[date, date] | None:
    """When the last word left the next move to them and named a year still to come ("Alan says
    they'll call us in the new year", written 30 Sep 2025): the first day of it (1 Jan 2026) and
    the day a touch falls due if they have not made it, a month in (1 Feb 2026); else None.
    Pemberton's check-in read "They were to get back to us, and have not" on 15 Dec 2025, and,
    counted from the new year by the cadence, came in March, when "in the new year" meant
    January, before their spring rush (two account managers' objections). Only a year so named
    is read (as `year_meant` reads it), not "after the audit"."""
    if not _THEIRS_NEXT.search(last):
        return None
    m = _RELATIVE_YEAR.search(last)
    if m is None:
        return None
    phrase = " ".join(m.group(0).lower().split())
    if not phrase.startswith(("next", "the new")):
        return None  # "this year" or "last year" names no start still to come
    start = date(_year_said(phrase, written), 1, 1)
    return (start, start + timedelta(days=THEIRS_GRACE_DAYS)) if start > written else None
