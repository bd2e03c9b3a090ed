"""The day a promise is for, when its text names one after its due date ("Build the laptops for
the 1 December starters", due 27 Nov), or when it is about the renewal.

Once that day has gone by, delivering late no longer helps: the starters began with laptops or
without them. Kestrel's promise read "7 days overdue… at risk if still open on 12 Dec" three
days after its starters began, as if there were still time (an account manager's objection).

Only what the promise itself says is read. A day named elsewhere in its note tied unrelated
promises to it ("Aisha is on leave until 7 December" made a zero-trust plan "for" the
starters' first day, and hid the call to check they were ready): a wrong tie hides work, so
none is guessed. Christmas is a season's end: a promise for it has gone by after 25 Dec,
but a hotel's "pre-Christmas" check is for the party season, weeks before, so how soon it is
is never counted to 25 Dec. Pure: the text and the promise's days are passed in.
"""

from __future__ import annotations

import calendar
import re
from functools import lru_cache
from datetime import date

from msgspec.structs import replace

from ..model import Customer, Event
from .merge import topic
from .types import Occasion
from .words import fmt_date

_MONTHS = {name: n for n, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
    ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
    ("dec", "december")), start=1) for name in names}
_LONG = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
         "november", "december")
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
#: '1 December', '1st Dec', 'the 18th of December', '1-4 December' (the first day), '12 Dec 2025'.
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s*[-\u2013]\s*\d{{1,2}}(?:st|nd|rd|th)?)?\s+"
                        rf"(?:of\s+)?({_MONTH})\b\.?(?:\s+(\d{{4}}))?", re.IGNORECASE)
#: 'December 1', 'December 1st, 2026': the month written out ("Jan 1st thing Monday" is a person).
_MONTH_DAY = re.compile(rf"\b({'|'.join(_LONG)})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:%|am|pm|:))"
                        rf"(?:,?\s+(\d{{4}}))?", re.IGNORECASE)
#: Words before a day that make it a start or a bound, not what the work is for ("after 1 Dec",
#: "from Mon 21 December", "on leave until 7 December").
_NOT_FOR = re.compile(r"\b(?:after|from|since|until|till|starting|beginning)\s+(?:the\s+)?"
                      r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?\s+)?$", re.IGNORECASE)


def _when(text: str, start: int, month: str, day: int, year: str | None, made_on: date) -> date | None:
    """The day a match names: in its year if written, else in the year nearest `made_on`; only
    if after `made_on` (a day before it is an event gone by that the work is about: "the
    root-cause report for the 3 November outage"). None for a day no month has, for 'may' not
    written as a month ("which of the 5 may need chargers"), or after a word that makes it a
    start (`_NOT_FOR`)."""
    if month.lower() == "may" and month != "May":
        return None
    if _NOT_FOR.search(text[max(0, start - 40):start]):
        return None
    m = _MONTHS[month.lower()]
    try:
        if year is not None:
            found = date(int(year), m, day)
        else:
            days = [date(made_on.year + k, m, day) for k in (-1, 0, 1)]
            found = min(days, key=lambda d: abs((d - made_on).days))
    except ValueError:
        return None
    return found if found > made_on else None


def impossible_days(text: str) -> list[str]:
    """The days the text names that no calendar has ('31 November', '30 Feb 2027'), as written:
    the day such a promise is for is not read, so `check` says so rather than stay silent."""
    if not _DIGIT.search(text):
        return []
    out = []
    for m, mi, di in [(m, 2, 1) for m in _DAY_MONTH.finditer(text)] + [(m, 1, 2) for m in _MONTH_DAY.finditer(text)]:
        month, day, year = m.group(mi), int(m.group(di)), m.group(3)
        if month.lower() == "may" and month != "May":
            continue  # 'which of the 5 may need chargers'
        try:
            date(int(year) if year else 2024, _MONTHS[month.lower()], day)  # a leap year: 29 Feb is a day
        except ValueError:
            out.append(m.group(0).strip().rstrip("."))
    return out


def named_days(text: str, made_on: date) -> list[date]:
    """Every day the text names that comes after `made_on` (`_when`), in the order written."""
    if not _DIGIT.search(text):
        return []  # most promises name no day: every build asks of every one, on many past days
    found = [(m.start(), _when(text, m.start(), m.group(2), int(m.group(1)), m.group(3), made_on))
             for m in _DAY_MONTH.finditer(text)]
    found += [(m.start(), _when(text, m.start(), m.group(1), int(m.group(2)), m.group(3), made_on))
              for m in _MONTH_DAY.finditer(text)]
    return [d for _, d in sorted(found, key=lambda x: x[0]) if d is not None]


def occasion(text: str, made_on: date, due: date) -> date | None:
    """The earliest day the text names that comes after `due`: what the work is for. None when
    it names none, or only days up to its due date (a deadline said twice: "Send it by 1 Dec"),
    or days gone by when it was made."""
    after = [d for d in named_days(text, made_on) if d > due]
    return min(after) if after else None


#: A promise about the renewal is for it when the renewal comes this soon after its due date.
RENEWAL_AFTER_DUE_DAYS = 60


def promise_for(text: str, made_on: date, to: tuple[str, ...], key: frozenset[str], customer: Customer,
                due: date, note: str = "", subject: str = "") -> Occasion | None:
    """The day a promise due on `due` is for: a day its text names (one of the customer's own
    `dates`, if it is that day: '“First day of the five December starters” (7 Dec 2026)');
    else one of the customer's own `dates` after it that its note (`note`, the text the
    promise is written in) names, with the person to check with in it (`to`), when the
    promise is the note's business (`_business_of` its summary, `subject`); else the renewal,
    for a promise about it ("…the renewal quote") made to one of those the renewal rests on
    (`key`), due shortly before it: once the renewal has gone by, following up the quote is no
    longer the point. "Renew the SSL certificate", promised to the office manager, is about
    no contract."""
    day = occasion(text, made_on, due)
    if day is not None:
        e = next((e for e in sorted(customer.dates, key=lambda e: e.what) if e.on == day), None)
        if e is not None:
            return Occasion(day, f"\u201c{e.what}\u201d ({fmt_date(day)})", e.source)
        return Occasion(day, fmt_date(day))
    # Only the customer's own days, and only for what the note is about: Loomwork's "Send the
    # device order confirmation to Marta", in the note "Marta sent the December new-starter
    # list and device order" under "Five starters, first day Monday 7 December", read "111 days
    # overdue… tell Marta when it will come" in March (an account manager's objection), while
    # any day named anywhere in a note had tied unrelated work ("Aisha is on leave until 7
    # December") to dates, and hidden the readiness call (another's).
    if customer.dates and note and _business_of(text, subject, to):
        ahead = [e for e in customer.dates if e.on > due and (e.with_ is None or e.with_ in to)]
        if ahead:
            named = set(named_days(note, made_on))
            e = min((e for e in ahead if e.on in named), key=lambda e: (e.on, e.what), default=None)
            if e is not None:
                return Occasion(e.on, f"\u201c{e.what}\u201d ({fmt_date(e.on)})", e.source)
    season = season_for(text, made_on)
    if season is not None and season.day > due:
        return season
    # An ask it is the work for, with a day of its own: Brightwell's "Confirm lead time on
    # switches for the Haas drops" is for "Network drops for the new Haas machines ahead of the
    # January install"; in March the ask said January had gone by while the promise still read
    # "tell Karen when it will come" (an account manager's objection).
    names = _names(to) if customer.asks else frozenset()
    mine = topic(text) - names
    if customer.asks and len(mine) >= 2:
        for a in customer.asks:
            if a.since is not None and a.since <= made_on and len(mine & (topic(a.what) - names)) >= 2:
                found = ask_for(a.what, a.since, customer.dates)
                if found is not None and found.day > due:
                    return replace(found, ask=a.source)
    r = customer.renewal
    if r is not None and about_renewal(text) and key & set(to) and made_on <= r \
            and 0 < (r - due).days <= RENEWAL_AFTER_DUE_DAYS:
        return Occasion(r, f"the renewal of {fmt_date(r)}")
    return None


def _business_of(text: str, subject: str, people: tuple[str, ...]) -> bool:
    """Whether a promise is what its note is about: two words or more of it (not the names of
    those in the note) are in the note's summary."""
    names = _names(people)
    return len((topic(text) - names) & (topic(subject) - names)) >= 2


def _names(people: tuple[str, ...]) -> frozenset[str]:
    return frozenset().union(*(topic(p) for p in people)) if people else frozenset()


def season_for(text: str, made_on: date) -> Occasion | None:
    """A season the text says the work is for, as its end: Christmas (25 Dec), or a month
    written out after *for*, *before*, *ahead of* or *by* ("…ahead of the January install":
    31 Jan), the one nearest `made_on` (in its year, if written), if it ends after it. Never exact: only its having
    gone by is said. Brightwell's "Network drops for the new Haas machines ahead of the January
    install" still read "waiting 142 days" in April (an account manager's objection)."""
    if _CHRISTMAS.search(text):
        return Occasion(next(d for d in (date(made_on.year, 12, 25), date(made_on.year + 1, 12, 25)) if d > made_on),
                        "Christmas", exact=False)
    m = _FOR_MONTH.search(text)
    if m is None:
        return None
    month = _MONTHS[m.group(1).lower()]

    def span(year: int) -> tuple[date, date]:
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if m.group(2):
        year = int(m.group(2))
    else:
        # The month nearest the day it was written: "for the October SLA breaches", asked on
        # 6 Nov, is about the October gone by, not the next one.
        year = min((made_on.year + k for k in (-1, 0, 1)),
                   key=lambda y: 0 if span(y)[0] <= made_on <= span(y)[1]
                   else min(abs((d - made_on).days) for d in span(y)))
    end = span(year)[1]
    return Occasion(end, f"{m.group(1)} {year}", exact=False) if end > made_on else None


@lru_cache(maxsize=4096)
def ask_for(what: str, since: date | None, dates: tuple[Event, ...] = ()) -> Occasion | None:
    """The day an ask is for: the first day its words name after it was made, else a season
    (`season_for`), else one of the customer's own `dates` it names after *for*, *through*,
    *during*, *before*… (`their_day`). None for an ask with no date of its own. Remembered:
    health, the stage (every month of its history), the actions and the brief ask of each ask."""
    if since is None:
        return None
    days = named_days(what, since)
    if days:
        return Occasion(days[0], fmt_date(days[0]))
    return season_for(what, since) or their_day(what, since, dates)


#: "through peak", "for the audit", "ahead of the move": the word a customer's day may be named
#: by. Not *by* or *over* ("by email", "over the phone" are how, not what for), nor a word
#: that names nothing ("for the new…", "before our…").
_FOR_WORD = re.compile(r"\b(?:for|through|throughout|during|before|ahead\s+of|until|till)\s+"
                       r"(?:(?:the|this|next|their|our|a|an|new|first|last)\s+)*([A-Za-z][\w-]*)", re.IGNORECASE)


def their_day(what: str, since: date, dates: tuple[Event, ...]) -> Occasion | None:
    """The first of the customer's own `dates` after `since` that the ask names by a word of it
    after *for*, *through*, *during*, *before*, *ahead of* or *until*: Northgate's "A
    dedicated engineer on site at Avonmouth through peak", with "End of peak season" among its
    dates, still read high and "waiting 155 days" in April (an account manager's objection)."""
    if not dates:
        return None
    words = frozenset().union(*(topic(m.group(1)) for m in _FOR_WORD.finditer(what)))
    found = [e for e in dates if e.on > since and words & topic(e.what)]
    if not found:
        return None
    e = min(found, key=lambda e: (e.on, e.what))
    return Occasion(e.on, f"\u201c{e.what}\u201d ({fmt_date(e.on)})", e.source)


_RENEWAL = re.compile(r"\brenewal\b", re.IGNORECASE)
#: "ahead of the January install", "for March", "by December 2027": a month written out (and
#: capitalised: "may" is a verb), not followed by a day ("for December 1" names the day).
_FOR_MONTH = re.compile(r"\b(?i:for|before|ahead of|by|in time for)\s+(?i:the\s+)?("
                        + "|".join(n.capitalize() for n in _LONG) + r")\b(?:\s+(\d{4})\b)?(?!\s+\d)")
#: Christmas is a season's end, not a day to count to: a promise for it ("the pre-Christmas
#: Wi-Fi check") has gone by after 25 Dec, but how soon it is due was never 25 Dec (a hotel's
#: party season starts weeks before). Lantern's check was the top action on 11 Jan.
_CHRISTMAS = re.compile(r"\b(?:xmas|christmas)\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")


def about_renewal(text: str) -> bool:
    """Whether a promise says it is about the renewal ("…the renewal quote"; not "Renew the SSL
    certificate")."""
    return _RENEWAL.search(text) is not None
