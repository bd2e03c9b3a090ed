"""`playbook digest`: each person's morning list, as plain records the formats lay out.

What is due (the ranked actions `playbook actions` shows, due today or overdue), which
customers became at risk since the last working day, renewals coming and birthdays this
week. Whose list an item is on follows `Site.concerns`: an action is on its assignee's list
and on the customer's owners'; a customer's news (at risk, renewal, birthday) on its owners'.

Pure: relationships and a date in, records out (the engine is pure in as_of, so "since the
last working day" is the engine run again at that day).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Callable, Iterable, Sequence

from .config import Config
from .engine import team_actions
from .engine.dates import renewal_window
from .engine.types import Action, Relationship
from .engine.words import fmt_date, fmt_day
from .engine.workdays import Holidays, walk
from .model import STAGE_LABELS
from .names import customer_page
from .records import Record
from .siteurl import absolute

#: A person's due list stops here; the rest is one line pointing at `playbook actions`.
MAX_DUE = 10
#: Birthdays from today to this many days ahead count as "this week".
BIRTHDAY_DAYS = 6
#: The section for customers no one owns and actions no one is assigned.
NO_ONE = ""


class Line(Record):
    """One entry: a customer's name, what it is about, and when."""

    customer: str
    text: str
    when: str
    why: str = ""
    source: str = ""
    href: str = ""
    """The customer's page on the published site (with `site_url`), else empty."""


class Group(Record):
    """A heading ('Due', 'Now at risk'…) and its lines, in order."""

    title: str
    lines: tuple[Line, ...]
    more: int = 0
    """Lines left out (the due list is capped at MAX_DUE)."""


class Section(Record):
    """One person's list."""

    handle: str
    """Team handle, or NO_ONE for what nobody owns."""
    name: str
    groups: tuple[Group, ...]
    """Only the groups with something in them."""


class Digest(Record):
    title: str
    as_of: date
    since: date
    """The previous working day, which 'now at risk' compares with."""
    sections: tuple[Section, ...]


def previous_working_day(as_of: date, holidays: Holidays) -> date:
    """The last working day before as_of (Friday, on a Monday)."""
    return walk(as_of - timedelta(days=1), holidays, -1)


def when_due(due: date, as_of: date, since: date | None = None) -> str:
    n = (due - as_of).days
    if since is not None:  # held since then (`Action.due_since`): no count that grows
        return f"overdue since {fmt_date(since)}"
    if n < 0:
        return f"{-n} day{'s' if n != -1 else ''} overdue"
    return "today" if n == 0 else fmt_day(due)


def when_coming(d: date, as_of: date) -> str:
    n = (d - as_of).days
    if n == 0:
        return "today"
    if n == 1:
        return "tomorrow"
    return f"{fmt_day(d)}, in {n} days"


def newly_at_risk(now: Sequence[Relationship],
                 stage_before: Callable[[Relationship], str]) -> list[tuple[Relationship, str]]:
    """Customers at risk now that were not at the previous working day, each with its stage
    then. `stage_before` gives a relationship's stage id then (the engine run at that day),
    asked only of those at risk now."""
    out = []
    for r in now:
        if r.stage.id == "at-risk":
            then = stage_before(r)
            if then != "at-risk":
                out.append((r, then))
    return out


def risk_line(r: Relationship, then: str, since: date, href: str = "") -> Line:
    """'Calder & Wren: <the first reason>' (was steady on Thu 29 Oct)."""
    first = r.stage.reasons[0] if r.stage.reasons else None
    was = STAGE_LABELS.get(then, "not yet started" if then == "none" else then).lower()
    return Line(r.customer.name, first.text if first else "now at risk", f"was {was} on {fmt_day(since)}",
                "; ".join(x.text for x in r.stage.reasons),
                f"{first.source.path}:{first.source.line}" if first and first.source else "", href)


def is_mine(handle: str, owners: Iterable[str], assignees: Iterable[str] = ()) -> bool:
    """On `handle`'s list (NO_ONE: on no one's): the customer's `owners` and an action's `assignees`."""
    who = {*owners, *assignees}
    return not who if handle == NO_ONE else handle in who


def page(config: Config, slug: str) -> str:
    """The customer's page, when the site's address is known (a chat message has no 'here')."""
    return absolute(config.site_url, customer_page(slug)) if config.site_url else ""


def _due_lines(actions: list[Action], names: dict[str, str], as_of: date, config: Config) -> Group | None:
    if not actions:
        return None
    lines = tuple(Line(names.get(a.customer, a.customer), a.title, when_due(a.due, as_of, a.due_since), a.why,
                       f"{a.source.path}:{a.source.line}" if a.source else "", page(config, a.customer))
                  for a in actions[:MAX_DUE])
    return Group("Due", lines, max(0, len(actions) - MAX_DUE))


def section(handle: str, name: str, rels: Sequence[Relationship], at_risk: Sequence[tuple[Relationship, str]],
            config: Config, as_of: date) -> Section:
    """One person's list from the relationships at as_of."""
    names = {r.customer.slug: r.customer.name for r in rels}
    if handle == NO_ONE:
        owners = {r.customer.slug: r.customer.owners for r in rels}
        actions = [a for a in team_actions(list(rels)) if is_mine(NO_ONE, owners.get(a.customer, ()), a.assignees)]
    else:
        actions = team_actions(list(rels), handle)
    actions = [a for a in actions if a.due <= as_of or a.overdue(as_of)]
    groups: list[Group | None] = [_due_lines(actions, names, as_of, config)]
    since = previous_working_day(as_of, config.holidays)
    risk = tuple(risk_line(r, then, since, page(config, r.customer.slug))
                 for r, then in at_risk if is_mine(handle, r.customer.owners))
    groups.append(Group("Now at risk", risk) if risk else None)
    renewals, birthdays = [], []
    for r in rels:
        if not is_mine(handle, r.customer.owners):
            continue
        href = page(config, r.customer.slug)
        for k in r.key_dates:
            if k.kind == "renewal" and k.days_until <= renewal_window(r.customer, config.thresholds.renewal_days):
                renewals.append((k.date, Line(r.customer.name, "renewal",
                                              when_coming(k.date, as_of), "",
                                              f"{k.source.path}:{k.source.line}", href)))
            elif k.kind == "birthday" and k.days_until <= BIRTHDAY_DAYS:
                birthdays.append((k.date, Line(r.customer.name, k.title, when_coming(k.date, as_of), "",
                                               f"{k.source.path}:{k.source.line}", href)))
    for title, found in (("Renewals coming", renewals), ("Birthdays this week", birthdays)):
        found.sort(key=lambda x: (x[0], x[1].customer, x[1].text))
        groups.append(Group(title, tuple(line for _, line in found)) if found else None)
    groups.append(newly_available(handle, rels, as_of, config))
    return Section(handle, name, tuple(g for g in groups if g is not None))


def newly_available(handle: str, rels: Sequence[Relationship], as_of: date, config: Config) -> Group | None:
    """What has come in that this person's customers asked for (`available:` in playbook.yaml),
    while telling them is not due yet: once it is, the `tell` action is under 'Due'."""
    found = []
    for r in rels:
        if r.customer.status == "ended" or not is_mine(handle, r.customer.owners):
            continue
        due = {a.source: a.due for a in r.actions if a.kind == "tell"}
        for x in r.arrivals:
            if due.get(x.ask.source, as_of) <= as_of:
                continue
            who = x.ask.from_ or "whoever asked"
            asked = f", who asked on {fmt_date(x.ask.since)}" if x.ask.since else ""
            found.append((x.since, Line(r.customer.name, f"{x.what} is available: tell {who}{asked}",
                                        f"since {fmt_day(x.on)}", f"\u201c{x.ask.what}\u201d",
                                        f"{x.ask.source.path}:{x.ask.source.line}", page(config, r.customer.slug))))
    found.sort(key=lambda x: (x[0], x[1].customer, x[1].text))
    return Group("Newly available", tuple(line for _, line in found)) if found else None


def build_digest(rels: Sequence[Relationship], at_risk: Sequence[tuple[Relationship, str]], config: Config, as_of: date,
                 people: Sequence[tuple[str, str]]) -> Digest:
    """The digest for `people` ((handle, name) in order; NO_ONE for what nobody owns). A
    person with nothing on their list is left out, so a quiet morning is a short message."""
    sections = [section(h, n, rels, at_risk, config, as_of) for h, n in people]
    return Digest(config.title, as_of, previous_working_day(as_of, config.holidays),
                  tuple(s for s in sections if s.groups))
