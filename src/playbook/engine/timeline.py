"""Timeline facts: rhythm, sentiment, engagement and reciprocity, read off the interactions."""

from __future__ import annotations

from datetime import date, timedelta
from statistics import mean, median

from ..config import Thresholds
from ..model import Customer, Interaction
from .types import ContactEngagement, Timeline

#: How many of the latest directed touches must all be ours to call the pattern one-sided.
ONE_SIDED_RUN = 4


def upto(customer: Customer, as_of: date) -> tuple[Interaction, ...]:
    """Interactions on or before as_of (the future is not known yet)."""
    return tuple(i for i in customer.interactions if i.date <= as_of)


def _mean_sentiment(items: list[Interaction]) -> float | None:
    rated = [i.sentiment for i in items if i.sentiment is not None]
    return round(mean(rated), 2) if rated else None


def _people(items: list[Interaction]) -> set[str]:
    return {name for i in items for name in i.with_}


def timeline(customer: Customer, as_of: date, t: Thresholds) -> Timeline:
    """All facts the stage, health and actions rest on."""
    items = upto(customer, as_of)
    first = items[0].date if items else None
    last = items[-1] if items else None
    start_candidates = [d for d in (customer.since, first) if d]
    start = min(start_candidates) if start_candidates else None
    anchor = last.date if last else customer.since
    days_since = (as_of - anchor).days if anchor and anchor <= as_of else None

    year_ago = as_of - timedelta(days=365)
    days = sorted({i.date for i in items if i.date > year_ago})
    gaps = [(b - a).days for a, b in zip(days, days[1:])]
    typical = float(median(gaps)) if gaps else None

    w = t.growth_window_days
    recent_from = as_of - timedelta(days=w)
    earlier_from = as_of - timedelta(days=2 * w)
    recent = [i for i in items if i.date > recent_from]
    earlier = [i for i in items if earlier_from < i.date <= recent_from]

    # Support tickets are service, not the customer seeking us out: they do not count as reaching out.
    directed = [i for i in items if i.direction and i.date > year_ago and not (i.type == "support" and i.direction == "in")]
    inbound = sum(1 for i in directed if i.direction == "in")
    tail = directed[-ONE_SIDED_RUN:]
    one_sided = len(tail) == ONE_SIDED_RUN and all(i.direction == "out" for i in tail)

    return Timeline(
        first_contact=first, last_contact=last.date if last else None, last_interaction=last,
        count=len(items), days_since=days_since, start=start, typical_gap=typical,
        sentiment_recent=_mean_sentiment(recent), sentiment_earlier=_mean_sentiment(earlier),
        touches_recent=len(recent), touches_earlier=len(earlier),
        people_recent=len(_people(recent)), people_earlier=len(_people(earlier)),
        inbound_recent=inbound, outbound_recent=len(directed) - inbound, one_sided=one_sided,
        contacts=engagement(customer, items, recent_from),
    )


def engagement(customer: Customer, items: tuple[Interaction, ...], recent_from: date) -> tuple[ContactEngagement, ...]:
    """Per person: last touch, recent and total touches, who on the team talked to them."""
    roles = {c.name: c.role for c in customer.contacts}
    names = [c.name for c in customer.contacts] + [n for i in items for n in i.with_ if n not in roles]
    out = []
    for name in dict.fromkeys(names):
        theirs = [i for i in items if name in i.with_]
        team = tuple(dict.fromkeys(i.by for i in reversed(theirs) if i.by))
        out.append(ContactEngagement(
            name=name, role=roles.get(name), last_touch=theirs[-1].date if theirs else None,
            touches_recent=sum(1 for i in theirs if i.date > recent_from), touches_total=len(theirs),
            team=team, listed=name in roles,
        ))
    # Most recently engaged first; never-engaged people keep file order at the end.
    order = {n: k for k, n in enumerate(dict.fromkeys(names))}
    out.sort(key=lambda e: (e.last_touch is None, -(e.last_touch.toordinal() if e.last_touch else 0), order[e.name]))
    return tuple(out)
