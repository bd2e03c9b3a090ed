"""iCalendar (RFC 5545) files: the team's calendar and one per owner.

Each action with a due date and each key date (birthday, anniversary, renewal within the
next year) becomes one all-day event. The bytes depend only on (relationships, config,
as_of): UIDs are hashes of what the event is about, DTSTAMP is as_of at midnight UTC, and
events are written in a fixed order, so a rebuild with nothing changed changes nothing.

Birthdays are written as single occurrences, not `RRULE:FREQ=YEARLY`: the title carries the
age when the year is known ("Rosa's birthday (43)"), which a repeating event would get
wrong from the second year on; 29 February birthdays fall on the 28th in other years, which
a yearly rule cannot say; and the calendar is rebuilt with the site, so the next occurrence
is always there. Only dates the engine lists (the next year) are written, exactly as the
site shows them.

A calendar covers a window (WINDOW): the key dates the engine lists (the next year) and the
actions due in the next year. An action overdue is on the day the calendar is made, saying
since when ("(12 days overdue)"), as the site and the morning list show it: on its own day it
sat where nobody looks in a calendar, and one more than a month late was left out, so the feed
someone works from had a team's chores but not its most overdue promises (a blind read). Kept
on its own day for a month, a low one (Northgate's exec call, waiting on the question whether
it renewed) left every calendar after that (a check of that read).
Where that would pass MAX_BYTES, it keeps the most important events, and X-WR-CALDESC says so.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from functools import partial
from typing import Iterable, Iterator

from ..config import Config
from ..engine.types import KEY_DATE_LABELS, Action, KeyDate, Relationship
from ..names import TEAM_CALENDAR, customer_page, owner_calendar, owner_slugs, person_name
from ..records import Record
from ..siteurl import absolute

PRODID = "-//Playbook//Relationship Playbook//EN"
#: RFC 5545 PRIORITY: 1 is highest, 5 medium, 9 lowest.
PRIORITY = {"high": 1, "medium": 5, "low": 9}
MAX_OCTETS = 75
CRLF = "\r\n"

# Control characters are not allowed in TEXT values (RFC 5545 §3.3.11), tab aside.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape_text(value: str) -> str:
    """A TEXT property value: backslash, semicolon, comma and newlines escaped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold one content line into physical lines of at most 75 octets (CRLF not counted),
    each continuation starting with a space, never splitting a UTF-8 sequence."""
    data = line.encode("utf-8")
    if len(data) <= MAX_OCTETS:
        return line + CRLF
    parts: list[bytes] = []
    start, limit = 0, MAX_OCTETS  # the first physical line; later ones spend one octet on the space
    while len(data) - start > limit:
        end = start + limit
        while data[end] & 0xC0 == 0x80:  # never cut inside a character
            end -= 1
        parts.append(data[start:end])
        start, limit = end, MAX_OCTETS - 1
    parts.append(data[start:])
    return (CRLF + " ").join(p.decode("utf-8") for p in parts) + CRLF


def _d(d: date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"  # strftime is slower, and this runs per event


def uid(*parts: str) -> str:
    """A UID that is the same on every build for the same thing."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
    return f"{digest}@playbook"


def _event(lines: list[str], *, uid_: str, stamp: str, day: date, summary: str, description: str,
           categories: str, priority: int | None = None, url: str | None = None) -> None:
    lines += [
        "BEGIN:VEVENT",
        f"UID:{uid_}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_d(day)}",
        f"DTEND;VALUE=DATE:{_d(day + timedelta(days=1))}",
        f"SUMMARY:{escape_text(summary)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    lines.append(f"CATEGORIES:{escape_text(categories)}")
    if priority is not None:
        lines.append(f"PRIORITY:{priority}")
    if url:
        lines.append(f"URL:{url}")  # a URI value (RFC 5545 §3.8.4.6): not TEXT-escaped
    lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]


class CalendarEntry(Record):
    """All a calendar reads of one customer (so a digest of it keys the calendars)."""

    slug: str
    name: str
    owners: tuple[str, ...]
    actions: tuple[Action, ...]
    key_dates: tuple[KeyDate, ...]


def entry(r: Relationship) -> CalendarEntry:
    c = r.customer
    return CalendarEntry(slug=c.slug, name=c.name, owners=tuple(c.owners), actions=tuple(r.actions),
                         key_dates=tuple(r.key_dates))


def _page(r: CalendarEntry, site_url: str | None) -> str | None:
    """The customer's page, when the site's address is known (`site_url`); else no link:
    a relative one means nothing in a calendar."""
    return absolute(site_url, customer_page(r.slug)) if site_url else None


def _described(text: str, source: object | None, page: str | None) -> str:
    """The event's text, then where it comes from and, with `site_url`, its page (many calendar
    apps show the description but not URL, so the page is named in both)."""
    tail = ([f"Source: {source}"] if source else []) + ([f"Page: {page}"] if page else [])
    return f"{text}\n\n" + "\n".join(tail) if tail else text


def _action_events(items: Iterable[tuple[CalendarEntry, Action]], stamp: str, lines: list[str],
                   seen: dict[str, int], site_url: str | None = None, as_of: date | None = None) -> None:
    """Each action on its due day, or, overdue, on `as_of` with its lateness said."""
    for r, a in items:
        key = uid("action", a.customer, a.kind, a.title, a.contact or "")
        # Two actions alike in every word (rare: the same promise made twice) still get
        # distinct UIDs, numbered in their fixed order.
        n = seen.get(key, 0)
        seen[key] = n + 1
        if n:
            key = uid("action", a.customer, a.kind, a.title, a.contact or "", str(n))
        page = _page(r, site_url)
        late = (as_of - a.due).days if as_of is not None else 0
        summary, why = f"{r.name}: {a.title}", a.why
        if late > 0:
            summary += f" ({late} day{'s' if late != 1 else ''} overdue)"
            why = f"Due {_label(a.due)}. {why}"
        elif a.due_since is not None:  # held at today since then (`Action.due_since`)
            summary += f" (overdue since {_label(a.due_since)})"
            why = f"Due {_label(a.due_since)}. {why}"
        # Asking how one of their days went is about that day, as the site labels it ("Their day"),
        # filed with their days' key dates: as "personal" it was filtered out with the greetings
        # (a twenty-eighth blind read).
        _event(lines, uid_=key, stamp=stamp, day=a.due if late <= 0 else as_of, summary=summary,
               description=_described(why, a.source, page), categories="event" if a.after_day else a.kind,
               priority=PRIORITY.get(a.priority, 5), url=page)


def _date_events(items: Iterable[tuple[CalendarEntry, KeyDate]], stamp: str, lines: list[str],
                 seen: dict[str, int], site_url: str | None = None) -> None:
    for r, k in items:
        what = KEY_DATE_LABELS.get(k.kind, k.kind)
        desc = f"{what} — {r.name}."
        if k.kind == "event":  # theirs, with whom to check it is ready
            desc = f"{what} at {r.name}" + (f" (who to check with: {k.contact})." if k.contact else ".")
        elif k.contact:
            desc = f"{what} of {k.contact} at {r.name}."
        _event(lines, uid_=uid("date", r.slug, k.kind, k.title, k.date.isoformat()), stamp=stamp,
               day=k.date, summary=k.title if r.name in k.title else f"{r.name}: {k.title}",
               description=_described(desc, k.source, _page(r, site_url)),
               categories=k.kind, url=_page(r, site_url))


#: What a calendar covers (days back, days ahead): the key dates, and the actions due in the
#: next year; every action overdue is on the calendar's own day.
WINDOW = (31, 365)
#: A calendar app refuses a subscription of tens of megabytes (a person's feed at 10,000
#: customers was 26 MB, and a shorter window did not help: at that size each day holds
#: hundreds of actions). A feed that would pass this keeps the most important events of its
#: window (`_importance`) and says so in its description.
MAX_BYTES = 1_000_000
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: Which events a calendar too large keeps first: high-priority actions, renewals, medium
#: ones, the other key dates (birthdays, anniversaries), then low-priority actions.
_ACTION_CLASS = {"high": 0, "medium": 2, "low": 4}
IMPORTANCE = "high-priority actions first, then renewals, medium priority, birthdays and anniversaries, low priority"


def _label(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def calendar(name: str, entries: list[CalendarEntry], as_of: date, owner: str | None = None,
             max_bytes: int = MAX_BYTES, *, site_url: str | None = None) -> bytes:
    """One VCALENDAR: everything in WINDOW, or what concerns `owner` (their actions, and the
    actions and key dates of the customers they own); within `max_bytes`, the most important
    first when not everything fits. With `site_url`, each event links to its customer's page."""
    stamp = f"{_d(as_of)}T000000Z"
    start, end = as_of - timedelta(days=WINDOW[0]), as_of + timedelta(days=WINDOW[1])

    def mine(r: CalendarEntry, a: Action | None = None) -> bool:
        if owner is None or owner in r.owners:
            return True
        return a is not None and owner in a.assignees

    actions = [(r, a) for r in entries for a in r.actions if mine(r, a)]
    # In the file's order by the day each is on: the overdue, on as_of, first among that day's.
    actions.sort(key=lambda ra: (max(ra[1].due, as_of), ra[1].due, ra[1].sort_key()))
    dates = [(r, k) for r in entries if mine(r) for k in r.key_dates]
    dates.sort(key=lambda rk: (rk[1].date, rk[0].slug, rk[1].kind, rk[1].title))

    # Each event as (its importance, its bytes), in the file's order. UIDs are numbered over
    # every action, so an event's UID does not depend on the window or on what is left out.
    events: list[tuple[tuple, bytes]] = []
    for (_, a), lines in zip(actions, _each(actions, partial(_action_events, as_of=as_of), stamp, site_url)):
        if a.due <= end:
            events.append(((_ACTION_CLASS.get(a.priority, 2), a.sort_key()), lines))
    for n, ((_, k), lines) in enumerate(zip(dates, _each(dates, _date_events, stamp, site_url))):
        if start <= k.date <= end:
            events.append((({"renewal": 1, "event": 2}.get(k.kind, 3), (k.date.toordinal(), n)), lines))

    desc = (f"Actions due up to {_label(end)} (each one overdue is shown on {_label(as_of)} with its lateness), "
            f"and key dates, as of {_label(as_of)}")
    room = max_bytes - len(_head(name, desc + " " * 300)) - len(_TAIL)
    kept = [e for _, e in events]
    if sum(map(len, kept)) > room:
        order = sorted(range(len(events)), key=lambda i: events[i][0])
        chosen, used = set(), 0
        for i in order:
            if used + len(events[i][1]) > room:
                break
            chosen.add(i)
            used += len(events[i][1])
        kept = [e for i, (_, e) in enumerate(events) if i in chosen]
        desc = (f"The {len(kept):,} most important of {len(events):,} actions due up to {_label(end)} (each one "
                f"overdue is shown on {_label(as_of)} with its lateness) and key dates ({IMPORTANCE}), "
                f"as of {_label(as_of)}")
    return _head(name, desc + ". The site lists every action.") + b"".join(kept) + _TAIL


def _head(name: str, desc: str) -> bytes:
    lines = ["BEGIN:VCALENDAR", f"PRODID:{PRODID}", "VERSION:2.0", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}", f"X-WR-CALDESC:{escape_text(desc)}"]
    return "".join(fold(line) for line in lines).encode("utf-8")


_TAIL = fold("END:VCALENDAR").encode("utf-8")


def _each(items: list, write, stamp: str, site_url: str | None) -> Iterator[bytes]:
    """Each item's VEVENT as bytes, written by `write` (which numbers repeated UIDs in order)."""
    seen: dict[str, int] = {}
    for item in items:
        lines: list[str] = []
        write([item], stamp, lines, seen, site_url)
        yield "".join(fold(line) for line in lines).encode("utf-8")


def calendar_files(config: Config, handles: list[str]) -> Iterator[tuple[str, str, str | None]]:
    """(path, calendar name, owner) of `calendar/team.ics`, then `calendar/<handle>.ics` for
    everyone the site names (`handles`: the team in playbook.yaml order, then any other owner
    or author, as `names.site_handles` lists them). File names come from `names`, as the
    site's calendar links do, so those links always have a target."""
    slugs = owner_slugs(handles)
    yield TEAM_CALENDAR, f"{config.title} — team", None
    for handle in handles:
        yield owner_calendar(slugs[handle]), f"{config.title} — {person_name(config, handle)}", handle
